"""'My consultations' (pupil or parent): see, move, cancel, the .ics file, the evidence."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

from telegram import Update

from bot.context import BotContext
from bot.domain.consultations import BookingChanged, BookingEvent, BookingState, SlotGone, SlotTaken
from bot.domain.errors import DomainError
from handlers.care import routes as care
from handlers.consultations import routes
from handlers.consultations.calendar import calendar_ics
from handlers.consultations.line_words import series_booking_rows
from handlers.consultations.waitlist import place_rows
from handlers.consultations.words import (
    STATE_ICONS,
    chat_is_open,
    details,
    short_line,
    slot_pager,
)
from handlers.ui import Button, answer, is_editing, menu_row, refreshing

T = TypeVar("T")


async def _current(update: Update, context: BotContext, booking_id: int, act: Awaitable[T]) -> T:
    """``act`` on the booking; if it changed meanwhile, show it as it stands now."""
    return await refreshing(act, lambda: show_booking(update, context, booking_id), BookingChanged)


async def show_list(update: Update, context: BotContext) -> None:
    await context.services.questions.end(context.actor)
    found = await context.services.booking.my_bookings(context.actor)
    t = context.texts
    several = len({b.pupil_id for b in found}) > 1
    rows: list[list[Button]] = []
    for booking in found:
        label = short_line(t, booking, for_specialist=False)
        if several:
            label = f"{booking.pupil_name}: {label}"
        rows.append([(f"{STATE_ICONS[booking.state]} {label}", routes.MY_BOOKING.data(booking.id))])
    places = await place_rows(context)
    rows += places
    rows.append([(t("📅 Book a consultation"), routes.BOOK_START.data())])
    rows.append([(t("📜 Past sessions and hours used"), routes.HISTORY.data(0))])
    rows.append(menu_row(t))
    text = t("Your consultations:") if found or places else t("No consultations booked yet.")
    await answer(update, context, text, rows, edit=is_editing(update))


async def show_booking(update: Update, context: BotContext, booking_id: int) -> None:
    booking = await context.services.booking.booking(context.actor, booking_id)
    t = context.texts
    future = booking.starts_at > context.services.clock.now()
    rows: list[list[Button]] = []
    if booking.state == BookingState.CONFIRMED and future:
        rows.append([(t("📅 Add to calendar (.ics)"), routes.ICS.data(booking.id))])
    if booking.state in (BookingState.REQUESTED, BookingState.CONFIRMED) and future:
        rows.append(
            [
                (t("🔁 Move"), routes.MOVE.data(booking.id, 0)),
                (t("✖ Cancel"), routes.CANCEL.data(booking.id)),
            ]
        )
    if booking.state == BookingState.PROPOSED and future:
        rows.append([(t("✅ Accept this time"), routes.TAKE_PROPOSAL.data(booking.id))])
        rows.append([(t("✖ Cancel the request"), routes.REFUSE_PROPOSAL.data(booking.id))])
    if booking.series_id is not None:
        rows += series_booking_rows(t, booking.series_id, booking.id, booking.is_open and future)
    if chat_is_open(booking, context.services.clock.now()):
        rows.append([(t("💬 Open the conversation"), care.OPEN.data(booking.id))])
    if booking.state == BookingState.CONFIRMED and not future and booking.evidence is None:
        rows.append(
            [
                (t("✅ Yes, it took place"), routes.TOOK_PLACE.data(booking.id)),
                (t("❌ No, it did not"), routes.DID_NOT.data(booking.id)),
            ]
        )
    rows.append([(t("🗓 My consultations"), routes.MY_LIST.data())])
    text = details(t, booking, for_specialist=False)
    await answer(update, context, text, rows, edit=is_editing(update))


async def send_ics(update: Update, context: BotContext, booking_id: int) -> None:
    """A confirmed session's .ics; when the session changes, the new file follows."""
    t = context.texts
    given = context.services.calendar.session_file(context.actor, booking_id)
    found = await _current(update, context, booking_id, given)
    await context.bot.send_document(
        context.actor.telegram_id,
        calendar_ics(found.bookings, t, found.stamp),
        filename=f"consultation-{booking_id}.ics",
        caption=t(
            "Open this file to add the session to your calendar. If it changes, you get "
            "the new file here."
        ),
    )


async def show_move(update: Update, context: BotContext, booking_id: int, page: int) -> None:
    options = context.services.booking.move_options(context.actor, booking_id, page)
    slots = await _current(update, context, booking_id, options)
    t = context.texts
    rows = slot_pager(
        t,
        slots,
        pick=lambda slot: routes.MOVE_TO.data(booking_id, slot.id),
        page_data=lambda p: routes.MOVE.data(booking_id, p),
        page=page,
        has_more=len(slots) == context.services.config.booking.slots_per_page,
        back=(t("⬅️ Back"), routes.MY_BOOKING.data(booking_id)),
    )
    text = t("Choose the new time:") if slots else t("This specialist has no other free times.")
    await answer(update, context, text, rows, edit=True)


async def move_to(update: Update, context: BotContext, booking_id: int, slot_id: int) -> None:
    await refreshing(
        _current(
            update,
            context,
            booking_id,
            context.services.booking.move(context.actor, booking_id, slot_id),
        ),
        lambda: show_move(update, context, booking_id, 0),
        SlotTaken,
        SlotGone,
    )
    context.toast = context.texts("Moved.")
    await show_booking(update, context, booking_id)


async def ask_cancel(update: Update, context: BotContext, booking_id: int) -> None:
    t = context.texts
    rows = [
        [(t("Yes, cancel it"), routes.CANCEL_OK.data(booking_id))],
        [(t("No, keep it"), routes.MY_BOOKING.data(booking_id))],
    ]
    await answer(update, context, t("Cancel this session?"), rows, edit=True)


async def cancel(update: Update, context: BotContext, booking_id: int) -> None:
    await _current(
        update, context, booking_id, context.services.booking.cancel(context.actor, booking_id)
    )
    context.toast = context.texts("Cancelled.")
    await show_booking(update, context, booking_id)


async def take_proposal(update: Update, context: BotContext, booking_id: int) -> None:
    await _answer_proposal(update, context, booking_id, accept=True)


async def refuse_proposal(update: Update, context: BotContext, booking_id: int) -> None:
    await _answer_proposal(update, context, booking_id, accept=False)


async def _answer_proposal(
    update: Update, context: BotContext, booking_id: int, *, accept: bool
) -> None:
    answered = context.services.answers.answer_proposal(context.actor, booking_id, accept=accept)
    await refreshing(answered, lambda: show_booking(update, context, booking_id), DomainError)
    await show_booking(update, context, booking_id)


async def took_place(update: Update, context: BotContext, booking_id: int) -> None:
    await _evidence(update, context, booking_id, took_place=True)


async def did_not(update: Update, context: BotContext, booking_id: int) -> None:
    await _evidence(update, context, booking_id, took_place=False)


async def _evidence(
    update: Update, context: BotContext, booking_id: int, *, took_place: bool
) -> None:
    """The pupil's word that the session took place (or did not)."""
    change = await context.services.answers.answer_evidence(
        context.actor, booking_id, took_place=took_place
    )
    t = context.texts
    if change.event == BookingEvent.ALREADY:
        text = t("You have already answered about this session. Thank you!")
    else:
        text = t("Thank you! Your answer is saved.")
    await answer(
        update, context, text, [[(t("🗓 My consultations"), routes.MY_LIST.data())]], edit=True
    )
