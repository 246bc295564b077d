"""Series and the waiting list on the specialist's and coordinator's screens: a series as
one line of the requests, answering it as a whole, and how many wait for a time."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from telegram import Update

from bot.context import BotContext
from bot.domain.consultations import Booking, BookingState
from bot.domain.questions import SeriesReason
from bot.domain.series import Series
from bot.i18n import Texts
from handlers.consultations import routes
from handlers.consultations.line_words import EVERY_NAMES, kind_title
from handlers.consultations.words import STATE_ICONS
from handlers.figures import routes as figures
from handlers.figures.screens import scope_of
from handlers.ui import Button, answer

SESSIONS_SHOWN = 12


def inbox_rows(
    t: Texts, found: Sequence[Booking], line_of: Callable[[Booking], str]
) -> list[list[Button]]:
    """The requests, a series as one line (its first waiting session) that opens it;
    ``line_of`` makes a session's line."""
    rows: list[list[Button]] = []
    shown: set[int] = set()
    for booking in found:
        if booking.series_id is None:
            rows.append([(line_of(booking), routes.SESSION.data(booking.id))])
        elif booking.series_id not in shown:
            shown.add(booking.series_id)
            count = sum(1 for b in found if b.series_id == booking.series_id)
            line = t("🔁 {line} (+{more})", line=line_of(booking), more=count - 1)
            rows.append([(line, routes.SERIES_OF.data(booking.series_id))])
    return rows


async def show(update: Update, context: BotContext, series: Series) -> None:
    """A series on the desk: its sessions, and answers for all of its coming ones."""
    t = context.texts
    info = series.info
    now = context.services.clock.now()
    lines = [
        t(
            "🔁 {title} with {pupil}, {every}.",
            title=kind_title(t, info.kind, info.subject),
            pupil=info.pupil_name,
            every=t(EVERY_NAMES[info.every_weeks]),
        )
    ]
    lines += [f"{STATE_ICONS[b.state]} {t.datetime(b.starts_at)}" for b in series.bookings]
    rows: list[list[Button]] = []
    if series.upcoming(now, BookingState.REQUESTED):
        rows.append([(t("✅ Accept all"), routes.SERIES_ACCEPT.data(info.id))])
        rows.append([(t("✖ Decline all"), routes.SERIES_DECLINE.data(info.id))])
    if series.upcoming(now, BookingState.CONFIRMED, BookingState.PROPOSED):
        rows.append([(t("✖ Cancel all coming, with a reason"), routes.SERIES_CANCEL.data(info.id))])
    rows += [
        [(f"{STATE_ICONS[b.state]} {t.datetime(b.starts_at)}", routes.SESSION.data(b.id))]
        for b in series.upcoming(
            now, BookingState.REQUESTED, BookingState.PROPOSED, BookingState.CONFIRMED
        )[:SESSIONS_SHOWN]
    ]
    rows.append([(t("📥 Requests"), routes.INBOX.data()), (t("📆 Today"), routes.TODAY.data())])
    await answer(update, context, "\n".join(lines), rows, edit=True)


async def accept_all(update: Update, context: BotContext, series_id: int) -> None:
    change = await context.services.series_desk.accept_all(context.actor, series_id)
    context.toast = context.texts.n(
        "Accepted: {n} session.", "Accepted: {n} sessions.", len(change.changed)
    )
    await show(update, context, change.series)


async def ask_decline_all(update: Update, context: BotContext, series_id: int) -> None:
    text = context.texts(
        "Write the reason for declining all these sessions. The pupil will read it."
    )
    await _ask(update, context, SeriesReason(series_id=series_id), text)


async def ask_cancel_all(update: Update, context: BotContext, series_id: int) -> None:
    text = context.texts(
        "Write the reason for cancelling all the coming sessions. The pupil will read it. "
        "For those that start within the cut-off, the school's coordinator is told as well."
    )
    await _ask(update, context, SeriesReason(series_id=series_id, cancel=True), text)


async def _ask(update: Update, context: BotContext, question: SeriesReason, text: str) -> None:
    # The series' own specialist only (a forged id is refused here).
    await context.services.series.series(context.actor, question.series_id)
    context.actor.require_specialist()
    await context.services.questions.ask(context.actor, question)
    rows = [[(context.texts("⬅️ Back"), routes.SERIES_OF.data(question.series_id))]]
    await answer(update, context, text, rows, edit=True)


async def typed_reason(update: Update, context: BotContext, asked: SeriesReason, text: str) -> None:
    """The reason for declining or cancelling a whole series: saved, the family told."""
    desk, actor = context.services.series_desk, context.actor
    if asked.cancel:
        change = await desk.cancel_all(actor, asked.series_id, text)
    else:
        change = await desk.decline_all(actor, asked.series_id, text)
    await context.services.questions.end(actor)
    await answer(update, context, context.texts("Saved. The pupil is told."))
    await show(update, context, change.series)


async def show_waiting(update: Update, context: BotContext, kind: str, index: int) -> None:
    """A coordinator's school or region: how many wait for a time, by kind and subject."""
    scope = scope_of(context.actor, kind, index)
    found = await context.services.waitlist.waiting_in(context.actor, scope)
    t = context.texts
    lines = [t("⏳ Waiting lists: {scope}", scope=scope.id)]
    lines += [
        t("{title}: {n}", title=kind_title(t, w.kind, w.subject), n=w.count) for w in found
    ] or [t("Nobody is waiting for a time.")]
    lines.append(t("Many waiting for one kind: the specialists could publish more time."))
    rows = [[(t("⬅️ Back"), figures.SHOW.data(kind, index, "w0"))]]
    await answer(update, context, "\n".join(lines), rows, edit=True)
