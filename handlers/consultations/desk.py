"""The specialist's day: requests, today, the week, one session; /today and /week."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

from telegram import Update

from bot.context import BotContext
from bot.domain.consultations import (
    Booking,
    BookingChanged,
    BookingState,
    Channel,
    SlotGone,
    SlotTaken,
)
from bot.domain.questions import CallDetails, CancelReason, DeclineReason
from handlers.care import routes as care
from handlers.consultations import routes, series_desk
from handlers.consultations.line_words import waiting_text
from handlers.consultations.words import (
    STATE_ICONS,
    chat_is_open,
    details,
    short_line,
    slot_pager,
)
from handlers.ui import Button, answer, guarded, is_editing, menu_row, refreshing

T = TypeVar("T")


@guarded
async def today_command(update: Update, context: BotContext) -> None:
    await show_agenda(update, context, days=1)


@guarded
async def week_command(update: Update, context: BotContext) -> None:
    await show_agenda(update, context, days=7)


async def show_inbox(update: Update, context: BotContext) -> None:
    await context.services.questions.end(context.actor)
    desk = await context.services.desk.inbox(context.actor)
    found = desk.bookings
    t = context.texts
    rows = series_desk.inbox_rows(t, found, lambda b: _line(context, b, mark=True))
    rows.append(menu_row(t))
    text = t("Requests waiting for your answer:") if found else t("No requests are waiting.")
    text = "\n".join(filter(None, [text, waiting_text(t, desk.waiting)]))
    await answer(update, context, text, rows, edit=is_editing(update))


async def show_today(update: Update, context: BotContext) -> None:
    await show_agenda(update, context, days=1)


async def show_week(update: Update, context: BotContext) -> None:
    await show_agenda(update, context, days=7)


async def show_agenda(update: Update, context: BotContext, days: int) -> None:
    await context.services.questions.end(context.actor)
    desk = await context.services.desk.agenda(context.actor, days)
    found = desk.bookings
    t = context.texts
    if days == 1:
        head = t("Today:") if found else t("No sessions today.")
    else:
        head = t("The next 7 days:") if found else t("No sessions in the next 7 days.")
    lines = [head, *(_agenda_line(context, booking) for booking in found)]
    if days > 1:
        lines += filter(None, [waiting_text(t, desk.waiting)])
    rows: list[list[Button]] = [[(_line(context, b), routes.SESSION.data(b.id))] for b in found]
    if days == 1:
        rows.append([(t("🗓 This week"), routes.WEEK.data())])
    else:
        rows.append([(t("📆 Today"), routes.TODAY.data())])
        rows.append([(t("📅 Calendar file (8 weeks)"), routes.FEED.data())])
    rows.append(menu_row(t))
    await answer(update, context, "\n".join(lines), rows, edit=is_editing(update))


def _line(context: BotContext, booking: Booking, *, mark: bool = False) -> str:
    """The session's short line; its school too, for a specialist of several schools."""
    line = short_line(context.texts, booking, for_specialist=True, mark=mark)
    if len(context.actor.specialist_ids) > 1 and booking.school_name:
        line = f"{line} · {booking.school_name}"
    return line


def _agenda_line(context: BotContext, booking: Booking) -> str:
    t = context.texts
    line = t(
        "{icon} {when}, {minutes} min · {line}",
        icon=STATE_ICONS[booking.state],
        when=t.datetime(booking.starts_at),
        minutes=booking.minutes,
        line=_line(context, booking).split(" · ", 1)[1],
    )
    if booking.urgent:
        line = "🔴 " + line
    if booking.state == BookingState.CONFIRMED and booking.channel == Channel.CHAT:
        line += "\n   " + t("💬 in the chat")
    elif booking.call_link and booking.state == BookingState.CONFIRMED:
        line += "\n   " + booking.call_link
    return line


async def show_session(update: Update, context: BotContext, booking_id: int) -> None:
    await context.services.questions.end(context.actor)
    booking = await context.services.desk.session(context.actor, booking_id)
    t = context.texts
    started = booking.starts_at <= context.services.clock.now()
    rows: list[list[Button]] = []
    if booking.state == BookingState.REQUESTED and not started:
        rows.append([(t("✅ Accept"), routes.ACCEPT.data(booking.id))])
        rows.append([(t("🔁 Propose another time"), routes.PROPOSALS.data(booking.id, 0))])
        rows.append([(t("✖ Decline"), routes.DECLINE.data(booking.id))])
    if booking.series_id is not None:
        rows.append([(t("🔁 The whole series"), routes.SERIES_OF.data(booking.series_id))])
    if chat_is_open(booking, context.services.clock.now()):
        rows.append([(t("💬 Open the conversation"), care.OPEN.data(booking.id))])
    if booking.state == BookingState.CONFIRMED and not started:
        rows.append([(t("🔁 Propose another time"), routes.PROPOSALS.data(booking.id, 0))])
        if booking.channel != Channel.CHAT:
            rows.append([(t("💬 Hold it in this chat"), routes.HOLD_IN_CHAT.data(booking.id))])
        rows.append([(t("📞 Phone or Telegram call instead"), routes.CALL.data(booking.id))])
        rows.append([(t("✖ Cancel with a reason"), routes.SPECIALIST_CANCEL.data(booking.id))])
    if (
        booking.state in (BookingState.CONFIRMED, BookingState.HELD, BookingState.MISSED)
        and started
    ):
        rows.append(
            [
                (t("✔ Held"), routes.HELD.data(booking.id)),
                (t("⚠ Missed"), routes.MISSED.data(booking.id)),
            ]
        )
    rows.append([(t("📥 Requests"), routes.INBOX.data()), (t("📆 Today"), routes.TODAY.data())])
    text = details(t, booking, for_specialist=True)
    if len(context.actor.specialist_ids) > 1 and booking.school_name:
        text += "\n" + t("School: {name}", name=booking.school_name)
    await answer(update, context, text, rows, edit=is_editing(update))


async def accept(update: Update, context: BotContext, booking_id: int) -> None:
    await _act(update, context, booking_id, context.services.desk.accept(context.actor, booking_id))
    context.toast = context.texts("Accepted.")
    await show_session(update, context, booking_id)


async def held(update: Update, context: BotContext, booking_id: int) -> None:
    await _mark(update, context, booking_id, held=True)


async def missed(update: Update, context: BotContext, booking_id: int) -> None:
    await _mark(update, context, booking_id, held=False)


async def _mark(update: Update, context: BotContext, booking_id: int, *, held: bool) -> None:
    await _act(
        update,
        context,
        booking_id,
        context.services.desk.mark(context.actor, booking_id, held=held),
    )
    await show_session(update, context, booking_id)


async def _act(update: Update, context: BotContext, booking_id: int, act: Awaitable[T]) -> T:
    """``act`` on the booking; if it changed meanwhile, show it as it stands now."""
    return await refreshing(act, lambda: show_session(update, context, booking_id), BookingChanged)


async def hold_in_chat(update: Update, context: BotContext, booking_id: int) -> None:
    hold = context.services.desk.hold_in_chat(context.actor, booking_id)
    await _act(update, context, booking_id, hold)
    context.toast = context.texts("The session is held in the chat. The pupil is told.")
    await show_session(update, context, booking_id)


async def show_proposals(update: Update, context: BotContext, booking_id: int, page: int) -> None:
    await context.services.questions.end(context.actor)
    options = context.services.desk.proposal_options(context.actor, booking_id, page)
    slots = await _act(update, context, booking_id, options)
    t = context.texts
    rows = slot_pager(
        t,
        slots,
        pick=lambda slot: routes.PROPOSE.data(booking_id, slot.id),
        page_data=lambda p: routes.PROPOSALS.data(booking_id, p),
        page=page,
        has_more=len(slots) == context.services.config.booking.slots_per_page,
        back=(t("⬅️ Back"), routes.SESSION.data(booking_id)),
    )
    text = (
        t("Which of your free times do you propose?")
        if slots
        else t("You have no other free times. Add some under “My free time”.")
    )
    await answer(update, context, text, rows, edit=True)


async def propose(update: Update, context: BotContext, booking_id: int, slot_id: int) -> None:
    await refreshing(
        _act(
            update,
            context,
            booking_id,
            context.services.desk.propose(context.actor, booking_id, slot_id),
        ),
        lambda: show_proposals(update, context, booking_id, 0),
        SlotTaken,
        SlotGone,
    )
    context.toast = context.texts("Proposed. The pupil will answer.")
    await show_session(update, context, booking_id)


async def ask_decline(update: Update, context: BotContext, booking_id: int) -> None:
    await _ask(
        update,
        context,
        booking_id,
        DeclineReason(booking_id=booking_id),
        context.texts("Write the reason for declining. The pupil will read it."),
    )


async def ask_cancel(update: Update, context: BotContext, booking_id: int) -> None:
    t = context.texts
    text = t("Write the reason for cancelling. The pupil will read it.")
    booking = await context.services.desk.session(context.actor, booking_id)
    if context.services.desk.is_late(booking):
        hours = context.services.config.booking.specialist_cancel_cutoff_hours
        late = t.n(
            "The session starts in less than {n} hour, so the school's coordinator is told "
            "as well.",
            "The session starts in less than {n} hours, so the school's coordinator is told "
            "as well.",
            hours,
        )
        text = f"{text}\n{late}"
    await _ask(update, context, booking_id, CancelReason(booking_id=booking_id), text)


async def ask_call(update: Update, context: BotContext, booking_id: int) -> None:
    text = context.texts(
        "Write how you will call instead of the video link, e.g. "
        "“I will phone you at 20012345” or “Telegram call”."
    )
    await _ask(update, context, booking_id, CallDetails(booking_id=booking_id), text)


async def _ask(
    update: Update,
    context: BotContext,
    booking_id: int,
    question: DeclineReason | CancelReason | CallDetails,
    text: str,
) -> None:
    await context.services.desk.session(context.actor, booking_id)  # the booking's specialist only
    await context.services.questions.ask(context.actor, question)
    rows = [[(context.texts("⬅️ Back"), routes.SESSION.data(booking_id))]]
    await answer(update, context, text, rows, edit=True)


async def typed_reason(
    update: Update,
    context: BotContext,
    asked: DeclineReason | CancelReason | CallDetails,
    text: str,
) -> None:
    """The reason or call details the specialist was asked for: saved, the pupil told."""
    desk, actor = context.services.desk, context.actor
    if isinstance(asked, DeclineReason):
        change = await desk.decline(actor, asked.booking_id, text)
    elif isinstance(asked, CancelReason):
        change = await desk.cancel(actor, asked.booking_id, text)
    else:
        change = await desk.set_call_note(actor, asked.booking_id, text)
    await context.services.questions.end(actor)
    await answer(update, context, context.texts("Saved. The pupil is told."))
    await show_session(update, context, change.booking.id)
