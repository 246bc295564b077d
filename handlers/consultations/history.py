"""The family's history (pupil or parent): past sessions, held, missed or cancelled, and
the hours they used of the plan."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.domain.consultations import Booking, BookingState
from bot.i18n import Texts
from handlers.consultations import routes
from handlers.consultations.words import STATE_ICONS, STATE_NAMES, session_title
from handlers.ui import Button, answer, is_editing

# The states whose minutes count against the plan (a confirmed session that is over
# counts until the specialist marks it).
COUNTED = (BookingState.HELD, BookingState.CONFIRMED)


def duration(t: Texts, minutes: int) -> str:
    """'1 h 30 min', '45 min', '2 h'."""
    hours, rest = divmod(max(0, minutes), 60)
    if hours and rest:
        return t("{hours} h {minutes} min", hours=hours, minutes=rest)
    if hours:
        return t("{hours} h", hours=hours)
    return t("{minutes} min", minutes=rest)


def history_line(t: Texts, booking: Booking, *, with_pupil: bool) -> str:
    """When, what, with whom, and what it used (or what became of it)."""
    used = (
        duration(t, booking.minutes) if booking.state in COUNTED else t(STATE_NAMES[booking.state])
    )
    line = t(
        "{icon} {when} · {title} · {specialist} · {used}",
        icon=STATE_ICONS[booking.state],
        when=t.datetime(booking.starts_at),
        title=session_title(booking, t),
        specialist=booking.specialist_name,
        used=used,
    )
    return f"{booking.pupil_name}: {line}" if with_pupil else line


async def show_history(update: Update, context: BotContext, page: int) -> None:
    found = await context.services.history.history(context.actor, page)
    t = context.texts
    several = len(found.used) > 1
    lines = []
    for pupil in found.used:
        used = t("Hours used: {used}", used=duration(t, pupil.minutes))
        lines.append(f"{pupil.pupil_name}: {used}" if several else used)
    lines.append(t("Past sessions:") if found.bookings else t("No past sessions yet."))
    lines += [history_line(t, b, with_pupil=several) for b in found.bookings]
    rows: list[list[Button]] = []
    nav: list[Button] = []
    if found.has_more:
        nav.append((t("⬅️ Earlier"), routes.HISTORY.data(page + 1)))
    if page > 0:
        nav.append((t("Later ➡️"), routes.HISTORY.data(page - 1)))
    if nav:
        rows.append(nav)
    rows.append([(t("🗓 My consultations"), routes.MY_LIST.data())])
    await answer(update, context, "\n".join(lines), rows, edit=is_editing(update))
