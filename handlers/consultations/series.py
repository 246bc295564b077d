"""A series of sessions, the pupil's and parent's side: what it would book, booking it,
the series, and cancelling a session with all that follow it; its notices."""

from __future__ import annotations

import functools
from collections.abc import Awaitable
from typing import TypeVar

from telegram import Update

from bot.context import BotContext
from bot.domain.consultations import BookingEvent, BookingState, Channel, SlotGone, SlotTaken
from bot.domain.errors import N_
from bot.domain.models import Role
from bot.domain.questions import BookingNote
from bot.domain.reminders import Recipient
from bot.domain.series import SeriesNotice
from bot.i18n import Texts
from handlers.consultations import routes, series_desk
from handlers.consultations.booking import show_slots
from handlers.consultations.line_words import EVERY_NAMES, date_lines, kind_title, stop_line
from handlers.consultations.mine import show_booking
from handlers.consultations.words import STATE_ICONS, slot_pager
from handlers.ui import Button, Reply, answer, menu_row, refreshing

T = TypeVar("T")

# What the other parties hear when sessions of a series change at once; {who} is the
# other side's name, {n} how many sessions, then their dates.
NOTICES = {
    BookingEvent.REQUESTED: N_("New requests, {every}: {title} with {who}, {n} sessions:"),
    BookingEvent.CONFIRMED: N_("Confirmed, {every}: {title} with {who}, {n} sessions:"),
    BookingEvent.CANCELLED: N_("Cancelled: {n} sessions of {title} with {who}:"),
    BookingEvent.DECLINED: N_("Declined: {n} sessions of {title} with {who}:"),
    BookingEvent.MOVED: N_("Moved: {n} sessions of {title} with {who}, now:"),
}


async def _fresh(
    update: Update, context: BotContext, pupil_id: int, measure_id: int, act: Awaitable[T]
) -> T:
    """``act`` on the chosen first time; if it was taken meanwhile, show the free times."""
    again = functools.partial(show_slots, update, context, pupil_id, measure_id, 0)
    return await refreshing(act, again, SlotTaken, SlotGone)


async def preview(
    update: Update, context: BotContext, pupil_id: int, measure_id: int, slot_id: int, every: int
) -> None:
    """Exactly which dates the series would book, the weeks it skips, the hours it uses."""
    drafted = context.services.series.preview(context.actor, pupil_id, measure_id, slot_id, every)
    draft = await _fresh(update, context, pupil_id, measure_id, drafted)
    t = context.texts
    lines = [
        t(
            "🔁 {title} with {name}, {every}.",
            title=kind_title(t, draft.kind, draft.subject),
            name=draft.specialist_name,
            every=t(EVERY_NAMES[draft.every_weeks]),
        ),
        t.n(
            "This {n} session will be booked:",
            "These {n} sessions will be booked:",
            len(draft.dates),
        ),
        *date_lines(t, draft.dates),
    ]
    if draft.skipped:
        lines += [t("Skipped, as the time is not free then:"), *date_lines(t, draft.skipped)]
    if draft.minutes_left is None:
        lines.append(
            t("They use {used} min; the plan sets no hour limit.", used=draft.minutes_used)
        )
    else:
        lines.append(
            t(
                "They use {used} min of the plan's hours; {left} min are left after them.",
                used=draft.minutes_used,
                left=draft.minutes_left,
            )
        )
    lines.append(stop_line(t, draft.stop, context.services.config.booking.series_max_weeks))
    lines.append(
        t("Each session is confirmed at once.")
        if draft.confirms
        else t("The specialist accepts or declines the sessions.")
    )
    rows = [
        [
            (
                t.n("✅ Book {n} session", "✅ Book {n} sessions", len(draft.dates)),
                routes.SERIES_BOOK.data(pupil_id, measure_id, slot_id, every),
            )
        ],
        [(t("⬅️ Back"), routes.CONFIRM.data(pupil_id, measure_id, slot_id))],
    ]
    await answer(update, context, "\n".join(lines), rows, edit=True)


async def book(
    update: Update, context: BotContext, pupil_id: int, measure_id: int, slot_id: int, every: int
) -> None:
    actor, services = context.actor, context.services
    asked = services.questions.peek_as(actor.telegram_id, BookingNote)
    mine = asked if asked and asked.is_for(pupil_id, measure_id, slot_id) else None
    note = mine.draft if mine else ""
    channel = Channel.CHAT if mine and mine.in_chat else Channel.CALL
    booking = services.series.book(actor, pupil_id, measure_id, slot_id, every, note, channel)
    booked = await _fresh(update, context, pupil_id, measure_id, booking)
    await services.questions.end(actor)
    t = context.texts
    series = booked.series
    if booked.event == BookingEvent.ALREADY:
        context.toast = t("This series is already booked for you.")
    head = (
        N_("Booked and confirmed, {every}: {title} with {name}, {n} sessions:")
        if series.bookings[0].state == BookingState.CONFIRMED
        else N_("Requests sent, {every}: {title} with {name}, {n} sessions:")
    )
    lines = [
        t(
            head,
            every=t(EVERY_NAMES[series.info.every_weeks]),
            title=kind_title(t, series.info.kind, series.info.subject),
            name=series.info.specialist_name,
            n=len(series.bookings),
        ),
        *date_lines(t, [b.starts_at for b in series.bookings]),
    ]
    if booked.skipped:
        lines += [t("Skipped, as the time is not free then:"), *date_lines(t, booked.skipped)]
    if booked.event != BookingEvent.ALREADY:
        lines.append(stop_line(t, booked.stop, services.config.booking.series_max_weeks))
    rows = [[(t("🗓 My consultations"), routes.MY_LIST.data())], menu_row(t)]
    await answer(update, context, "\n".join(lines), rows, edit=True)


async def show_series(update: Update, context: BotContext, series_id: int) -> None:
    """The series and its sessions: the family's view, or the specialist's desk."""
    series = await context.services.series.series(context.actor, series_id)
    if context.actor.role == Role.SPECIALIST:
        await series_desk.show(update, context, series)
        return
    t = context.texts
    info = series.info
    lines = [
        t(
            "🔁 {title} with {name}, {every}.",
            title=kind_title(t, info.kind, info.subject),
            name=info.specialist_name,
            every=t(EVERY_NAMES[info.every_weeks]),
        ),
        t("Pupil: {name}", name=info.pupil_name),
    ]
    lines += [f"{STATE_ICONS[b.state]} {t.datetime(b.starts_at)}" for b in series.bookings]
    now = context.services.clock.now()
    rows: list[list[Button]] = [
        [(f"{STATE_ICONS[b.state]} {t.datetime(b.starts_at)}", routes.MY_BOOKING.data(b.id))]
        for b in series.bookings
        if b.is_open and b.starts_at > now
    ][:10]
    rows.append([(t("🗓 My consultations"), routes.MY_LIST.data())])
    await answer(update, context, "\n".join(lines), rows, edit=True)


async def ask_cancel_following(update: Update, context: BotContext, booking_id: int) -> None:
    t = context.texts
    rows = [
        [(t("Yes, cancel them"), routes.CANCEL_FOLLOWING_OK.data(booking_id))],
        [(t("No, keep them"), routes.MY_BOOKING.data(booking_id))],
    ]
    text = t("Cancel this session and all the later sessions of the series?")
    await answer(update, context, text, rows, edit=True)


async def cancel_following(update: Update, context: BotContext, booking_id: int) -> None:
    change = await context.services.series.cancel_following(context.actor, booking_id)
    context.toast = context.texts.n(
        "Cancelled: {n} session.", "Cancelled: {n} sessions.", len(change.changed)
    )
    await show_booking(update, context, booking_id)


async def show_move_following(
    update: Update, context: BotContext, booking_id: int, page: int
) -> None:
    """The specialist's free times to move this session to; the later ones follow."""
    slots = await context.services.booking.move_options(context.actor, booking_id, page)
    t = context.texts
    rows = slot_pager(
        t,
        slots,
        pick=lambda slot: routes.MOVE_FOLLOWING_TO.data(booking_id, slot.id),
        page_data=lambda p: routes.MOVE_FOLLOWING.data(booking_id, p),
        page=page,
        has_more=len(slots) == context.services.config.booking.slots_per_page,
        back=(t("⬅️ Back"), routes.MY_BOOKING.data(booking_id)),
    )
    text = (
        t("Choose the new time of this session: the later ones move the same way.")
        if slots
        else t("This specialist has no other free times.")
    )
    await answer(update, context, text, rows, edit=True)


async def move_following(
    update: Update, context: BotContext, booking_id: int, slot_id: int
) -> None:
    change = await refreshing(
        context.services.series.move_following(context.actor, booking_id, slot_id),
        lambda: show_move_following(update, context, booking_id, 0),
        SlotTaken,
        SlotGone,
    )
    t = context.texts
    lines = [
        t.n("Moved: {n} session.", "Moved: {n} sessions.", len(change.changed)),
        *date_lines(t, [b.starts_at for b in change.changed]),
    ]
    if change.kept:
        lines += [
            t("Not moved, as the new time is not free:"),
            *date_lines(t, [b.starts_at for b in change.kept]),
        ]
    rows = [
        [(t("🔁 The whole series"), routes.SERIES_OF.data(change.series.info.id))],
        [(t("🗓 My consultations"), routes.MY_LIST.data())],
    ]
    await answer(update, context, "\n".join(lines), rows, edit=True)


def series_notice(fact: SeriesNotice, to: Recipient, t: Texts) -> Reply:
    """Several sessions of a series changed at once: one message with their dates."""
    info, event = fact.info, fact.event
    is_specialist = fact.role == Role.SPECIALIST
    lines = [
        t(
            NOTICES[event],
            every=t(EVERY_NAMES[info.every_weeks]),
            title=kind_title(t, info.kind, info.subject),
            who=info.pupil_name if is_specialist else info.specialist_name,
            n=len(fact.bookings),
        ),
        *date_lines(t, [b.starts_at for b in fact.bookings]),
    ]
    if fact.role == Role.GUARDIAN:
        lines.append(t("Pupil: {name}", name=info.pupil_name))
    reason = fact.bookings[0].reason
    if reason and event in (BookingEvent.CANCELLED, BookingEvent.DECLINED):
        lines.append(t("Reason: {reason}", reason=reason))
    return Reply(text="\n".join(lines), rows=(((t("Open"), routes.SERIES_OF.data(info.id)),),))
