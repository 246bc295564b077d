"""Booking a consultation (pupil or parent): whom for, the kind, a free time, a note, book."""

from __future__ import annotations

import functools
from collections.abc import Awaitable
from typing import TypeVar

from telegram import Update

from bot.context import BotContext
from bot.domain.consultations import (
    BookingEvent,
    BookingState,
    Change,
    Channel,
    SlotGone,
    SlotTaken,
)
from bot.domain.models import MeasureKind
from bot.domain.questions import BookingNote
from bot.i18n import Texts
from handlers.consultations import routes
from handlers.consultations.line_words import join_row, series_rows
from handlers.consultations.words import (
    minutes_left,
    offer_name,
    session_title,
    slot_pager,
)
from handlers.ui import Button, answer, menu_row, refreshing

T = TypeVar("T")


async def start(update: Update, context: BotContext) -> None:
    """Whom the consultation is for: a parent with several children chooses."""
    await context.services.questions.end(context.actor)
    pupils = context.actor.require_family()
    t = context.texts
    if len(pupils) == 1:
        await show_offers(update, context, pupils[0].id)
        return
    if not pupils:
        await answer(update, context, t("No pupil is linked to this account."), [menu_row(t)])
        return
    rows = [[(p.name, routes.BOOK_FOR.data(p.id))] for p in pupils]
    rows.append(menu_row(t))
    await answer(update, context, t("Whom is the consultation for?"), rows, edit=True)


async def show_offers(update: Update, context: BotContext, pupil_id: int) -> None:
    offers = await context.services.booking.offers(context.actor, pupil_id)
    t = context.texts
    if not offers:
        text = t("The current support plan has no consultations to book.")
        await answer(update, context, text, [menu_row(t)], edit=True)
        return
    rows: list[list[Button]] = [
        [
            (
                t("{name} · {left}", name=offer_name(t, offer), left=minutes_left(t, offer)),
                routes.SLOTS.data(pupil_id, offer.measure_id, 0),
            )
        ]
        for offer in offers
    ]
    rows.append(menu_row(t))
    text = t("Which consultation would you like to book? Your plan grants these:")
    await answer(update, context, text, rows, edit=True)


async def show_slots(
    update: Update, context: BotContext, pupil_id: int, measure_id: int, page: int
) -> None:
    found = await context.services.booking.slot_page(context.actor, pupil_id, measure_id, page)
    t = context.texts
    name = offer_name(t, found.offer)
    head = t("{name} ({left}). Choose a time:", name=name, left=minutes_left(t, found.offer))
    if not found.slots:
        head = t("{name}: no free times in the coming weeks. Please look again later.", name=name)
    rows = slot_pager(
        t,
        found.slots,
        pick=lambda slot: routes.SLOT_CHOSEN.data(pupil_id, measure_id, slot.id),
        page_data=lambda p: routes.SLOTS.data(pupil_id, measure_id, p),
        page=page,
        has_more=found.has_more,
        back=(t("⬅️ Back"), routes.BOOK_FOR.data(pupil_id)),
    )
    rows.insert(-1, join_row(t, pupil_id, measure_id))
    await answer(update, context, head, rows, edit=True)


async def ask_note(
    update: Update, context: BotContext, pupil_id: int, measure_id: int, slot_id: int
) -> None:
    # The slot is checked now, so a taken one is told before any typing.
    await _fresh_slots(
        update,
        context,
        pupil_id,
        measure_id,
        context.services.booking.preview(context.actor, pupil_id, measure_id, slot_id),
    )
    await context.services.questions.ask(
        context.actor, BookingNote(pupil_id=pupil_id, measure_id=measure_id, slot_id=slot_id)
    )
    t = context.texts
    text = t(
        "If you like, write a short note for the specialist (what you would like to talk "
        "about), up to {max} characters. Or press Skip.",
        max=context.services.config.booking.note_max_chars,
    )
    rows = [
        [(t("Skip ➡️"), routes.CONFIRM.data(pupil_id, measure_id, slot_id))],
        [(t("⬅️ Other times"), routes.SLOTS.data(pupil_id, measure_id, 0))],
    ]
    await answer(update, context, text, rows, edit=True)


async def _fresh_slots(
    update: Update, context: BotContext, pupil_id: int, measure_id: int, act: Awaitable[T]
) -> T:
    """``act`` on a chosen time; if it was taken meanwhile, show the free times now."""
    again = functools.partial(show_slots, update, context, pupil_id, measure_id, 0)
    return await refreshing(act, again, SlotTaken, SlotGone)


async def confirm(
    update: Update, context: BotContext, pupil_id: int, measure_id: int, slot_id: int
) -> None:
    await show_confirmation(update, context, pupil_id, measure_id, slot_id, edit=True)


async def show_confirmation(
    update: Update,
    context: BotContext,
    pupil_id: int,
    measure_id: int,
    slot_id: int,
    *,
    edit: bool,
) -> None:
    actor = context.actor
    preview = context.services.booking.preview(actor, pupil_id, measure_id, slot_id)
    offer, slot = await _fresh_slots(update, context, pupil_id, measure_id, preview)
    asked = await _asked(context, pupil_id, measure_id, slot_id)
    t = context.texts
    lines = [
        t("Please check and confirm:"),
        offer_name(t, offer),
        t("When: {when}", when=t.datetime(slot.starts_at)),
        t("Specialist: {name}", name=slot.specialist_name),
        t("Length: {minutes} min", minutes=slot.minutes),
        t("Note: {note}", note=asked.draft) if asked.draft else t("No note."),
        t("You can still type a note now to change it."),
    ]
    rows = [[(t("✅ Book"), routes.BOOK.data(pupil_id, measure_id, slot_id))]]
    if offer.kind == MeasureKind.EMOTIONAL_SUPPORT:
        # Many pupils would rather write than call: the session can be held in the chat.
        lines.insert(5, t("Where: here in the chat") if asked.in_chat else t("Where: a video call"))
        switch = (
            (t("📹 A video call instead"), routes.IN_CHAT.data(pupil_id, measure_id, slot_id, 0))
            if asked.in_chat
            else (
                t("💬 In this chat instead"),
                routes.IN_CHAT.data(pupil_id, measure_id, slot_id, 1),
            )
        )
        rows.append([switch])
    rows += series_rows(t, pupil_id, measure_id, slot_id)
    rows.append([(t("⬅️ Other times"), routes.SLOTS.data(pupil_id, measure_id, 0))])
    await answer(update, context, "\n".join(lines), rows, edit=edit)


async def _asked(context: BotContext, pupil_id: int, measure_id: int, slot_id: int) -> BookingNote:
    """The open question of this booking (the note, in the chat or not); asked if none."""
    questions = context.services.questions
    asked = questions.peek_as(context.actor.telegram_id, BookingNote)
    if asked is not None and asked.is_for(pupil_id, measure_id, slot_id):
        return asked
    asked = BookingNote(pupil_id=pupil_id, measure_id=measure_id, slot_id=slot_id)
    await questions.ask(context.actor, asked)
    return asked


async def choose_chat(
    update: Update, context: BotContext, pupil_id: int, measure_id: int, slot_id: int, chat: int
) -> None:
    """Hold the session in this chat (1) or as a video call (0)."""
    asked = await _asked(context, pupil_id, measure_id, slot_id)
    await context.services.questions.ask(
        context.actor, asked.model_copy(update={"in_chat": chat == 1})
    )
    await show_confirmation(update, context, pupil_id, measure_id, slot_id, edit=True)


async def typed_note(update: Update, context: BotContext, asked: BookingNote, text: str) -> None:
    """The note, typed while the confirmation waits: kept, and the screen shown again."""
    note = context.services.booking.check_note(text)
    await context.services.questions.ask(context.actor, asked.model_copy(update={"draft": note}))
    await show_confirmation(
        update, context, asked.pupil_id, asked.measure_id, asked.slot_id, edit=False
    )


async def book(
    update: Update, context: BotContext, pupil_id: int, measure_id: int, slot_id: int
) -> None:
    actor = context.actor
    services = context.services
    asked = services.questions.peek_as(actor.telegram_id, BookingNote)
    mine = asked if asked and asked.is_for(pupil_id, measure_id, slot_id) else None
    note = mine.draft if mine else ""
    channel = Channel.CHAT if mine and mine.in_chat else Channel.CALL
    booked = services.booking.book(actor, pupil_id, measure_id, slot_id, note, channel)
    change = await _fresh_slots(update, context, pupil_id, measure_id, booked)
    await services.questions.end(actor)
    t = context.texts
    if change.event == BookingEvent.ALREADY:
        context.toast = t("This time is already booked for you.")
    text, rows = booked_reply(t, change)
    await answer(update, context, text, rows, edit=True)


def booked_reply(t: Texts, change: Change) -> tuple[str, list[list[Button]]]:
    """What a pupil or parent reads once a time is booked (here, or from an offer)."""
    booking = change.booking
    title, when = session_title(booking, t), t.datetime(booking.starts_at)
    confirmed = booking.state == BookingState.CONFIRMED
    if confirmed and booking.channel == Channel.CHAT:
        text = t(
            "Booked and confirmed: {title}, {when}, with {name}. It is held here in the chat: "
            "open the conversation when it starts.",
            title=title,
            when=when,
            name=booking.specialist_name,
        )
    elif confirmed:
        text = t(
            "Booked and confirmed: {title}, {when}, with {name}.\nCall: {link}",
            title=title,
            when=when,
            name=booking.specialist_name,
            link=booking.call_link,
        )
    else:
        text = t(
            "Request sent: {title}, {when}, with {name}. You will hear when the "
            "specialist answers.",
            title=title,
            when=when,
            name=booking.specialist_name,
        )
    rows: list[list[Button]] = []
    if confirmed:
        rows.append([(t("📅 Add to calendar (.ics)"), routes.ICS.data(booking.id))])
    rows.append([(t("🗓 My consultations"), routes.MY_LIST.data())])
    rows.append(menu_row(t))
    return text, rows
