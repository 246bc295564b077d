"""The consultations' reminders and notices, in the recipient's words."""

from __future__ import annotations

from bot.domain.consultations import (
    BookingEvent,
    BookingNotice,
    Channel,
    DayAgenda,
    EvidenceQuestion,
    LateCancellation,
    SessionSoon,
)
from bot.domain.errors import N_
from bot.domain.models import Role
from bot.domain.reminders import Recipient
from bot.i18n import Texts
from handlers.care import routes as care
from handlers.consultations import routes
from handlers.consultations.words import session_title, where
from handlers.sender import Renderers
from handlers.ui import Reply

# What the other parties hear when a booking changes; {who} is the other side's name.
NOTICES = {
    BookingEvent.REQUESTED: N_("New request: {title} with {who}, {when}."),
    BookingEvent.CONFIRMED: N_("Confirmed: {title} with {who}, {when}."),
    BookingEvent.CANCELLED: N_("Cancelled: {title} with {who}, {when}."),
    BookingEvent.DECLINED: N_("Declined: {title} with {who}, {when}."),
    BookingEvent.PROPOSED: N_(
        "Another time is proposed for {title} with {who}: {when}. Does it suit?"
    ),
    BookingEvent.MOVED: N_("Moved: {title} with {who} is now {when}."),
    BookingEvent.CALL: N_("New call details for {title} with {who}, {when}."),
}


def session_soon(fact: SessionSoon, to: Recipient, t: Texts) -> Reply:
    booking = fact.booking
    who = booking.pupil_name if fact.role == Role.SPECIALIST else booking.specialist_name
    title, when = session_title(booking, t), t.datetime(booking.starts_at)
    if booking.channel == Channel.CHAT:
        text = t(
            "Reminder: {title} with {name}, {when}. It is held here in the chat: open the "
            "conversation when it starts.",
            title=title,
            name=who,
            when=when,
        )
        return Reply(
            text=text, rows=(((t("💬 Open the conversation"), care.OPEN.data(booking.id)),),)
        )
    text = t(
        "Reminder: {title} with {name}, {when}.\nCall: {link}",
        title=title,
        name=who,
        when=when,
        link=booking.call_link,
    )
    if fact.school_shown:
        text += "\n" + t("School: {name}", name=booking.school_name)
    return Reply(text=text)


def evidence_question(fact: EvidenceQuestion, to: Recipient, t: Texts) -> Reply:
    booking = fact.booking
    text = t(
        "Did the session take place? {title} with {name}, {when}. "
        "Your answer is the programme's record of it.",
        title=session_title(booking, t),
        name=booking.specialist_name,
        when=t.datetime(booking.starts_at),
    )
    rows = (
        (
            (t("✅ Yes, it took place"), routes.TOOK_PLACE.data(booking.id)),
            (t("❌ No, it did not"), routes.DID_NOT.data(booking.id)),
        ),
    )
    return Reply(text=text, rows=rows)


def day_agenda(fact: DayAgenda, to: Recipient, t: Texts) -> Reply:
    lines = [t("Your sessions today, {day}:", day=t.date(fact.day))]
    for booking in fact.bookings:
        line = t(
            "{time} {title}: {pupil}",
            time=t.time(booking.starts_at),
            title=session_title(booking, t),
            pupil=booking.pupil_name,
        )
        lines.append(f"{line} · {booking.school_name}" if fact.school_shown else line)
    return Reply(text="\n".join(lines), rows=(((t("📆 Today"), routes.TODAY.data()),),))


def booking_notice(fact: BookingNotice, to: Recipient, t: Texts) -> Reply:
    booking, event = fact.booking, fact.event
    is_specialist = fact.role == Role.SPECIALIST
    who = booking.pupil_name if is_specialist else booking.specialist_name
    title = session_title(booking, t)
    lines = [t(NOTICES[event], title=title, who=who, when=t.datetime(booking.starts_at))]
    if fact.role == Role.GUARDIAN:
        lines.append(t("Pupil: {name}", name=booking.pupil_name))
    if fact.school_shown:
        lines.append(t("School: {name}", name=booking.school_name))
    if booking.reason and event in (BookingEvent.CANCELLED, BookingEvent.DECLINED):
        lines.append(t("Reason: {reason}", reason=booking.reason))
    lines += where(t, booking)
    if event == BookingEvent.CANCELLED and booking.ended_by == Role.COORDINATOR:
        lines.append(t("The school cancelled it: one of you no longer takes part."))
    rows: tuple[tuple[tuple[str, str], ...], ...]
    if is_specialist:
        rows = (((t("Open"), routes.SESSION.data(booking.id)),),)
    elif event == BookingEvent.PROPOSED:
        rows = (
            ((t("✅ Accept this time"), routes.TAKE_PROPOSAL.data(booking.id)),),
            ((t("✖ Cancel the request"), routes.REFUSE_PROPOSAL.data(booking.id)),),
        )
    else:
        rows = (((t("Open"), routes.MY_BOOKING.data(booking.id)),),)
    return Reply(text="\n".join(lines), rows=rows)


def late_cancellation(fact: LateCancellation, to: Recipient, t: Texts) -> Reply:
    """To the school's coordinators: a specialist cancelled a session at short notice."""
    booking = fact.booking
    text = t(
        "⚠️ {specialist} cancelled a session at short notice, {hours} h before it: {title} "
        "with {pupil}, {when}.\nReason: {reason}",
        specialist=booking.specialist_name,
        hours=fact.hours,
        title=session_title(booking, t),
        pupil=booking.pupil_name,
        when=t.datetime(booking.starts_at),
        reason=booking.reason or "-",
    )
    return Reply(text=text)


def register(renderers: Renderers) -> None:
    renderers.register(SessionSoon, session_soon)
    renderers.register(EvidenceQuestion, evidence_question)
    renderers.register(DayAgenda, day_agenda)
    renderers.register(BookingNotice, booking_notice)
    renderers.register(LateCancellation, late_cancellation)
