"""Words for consultations, shared by the pupil's and the specialist's screens and notices."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from bot.domain.consultations import Booking, BookingState, Channel, Offer, Slot
from bot.domain.errors import N_
from bot.domain.models import MeasureKind
from bot.i18n import Texts
from bot.services.care.relay import CLOSES_AFTER, OPENS_BEFORE
from handlers.ui import Button

STATE_NAMES = {
    BookingState.REQUESTED: N_("⏳ waiting for the specialist"),
    BookingState.PROPOSED: N_("❓ another time proposed"),
    BookingState.CONFIRMED: N_("✅ confirmed"),
    BookingState.DECLINED: N_("✖ declined"),
    BookingState.CANCELLED: N_("✖ cancelled"),
    BookingState.HELD: N_("✔ held"),
    BookingState.MISSED: N_("⚠ missed"),
}

STATE_ICONS = {
    BookingState.REQUESTED: "⏳",
    BookingState.PROPOSED: "❓",
    BookingState.CONFIRMED: "✅",
    BookingState.DECLINED: "✖",
    BookingState.CANCELLED: "✖",
    BookingState.HELD: "✔",
    BookingState.MISSED: "⚠",
}

SUBJECT_TITLE = N_("Consultation: {subject}")
SUPPORT_TITLE = N_("Emotional support session")


def session_title(booking: Booking, t: Texts) -> str:
    if booking.kind == MeasureKind.SUBJECT_CONSULTATION:
        return t(SUBJECT_TITLE, subject=booking.subject)
    return t(SUPPORT_TITLE)


def minutes_left(t: Texts, offer: Offer) -> str:
    left = offer.minutes_left
    if left is None:
        return t("no hour limit")
    return t.n("{n} minute left", "{n} minutes left", left)


def offer_name(t: Texts, offer: Offer) -> str:
    if offer.subject:
        return t(SUBJECT_TITLE, subject=offer.subject)
    return t(SUPPORT_TITLE)


def slot_label(t: Texts, slot: Slot) -> str:
    return t(
        "{when} · {name} ({minutes} min)",
        when=t.datetime(slot.starts_at),
        name=slot.specialist_name,
        minutes=slot.minutes,
    )


def slot_pager(
    t: Texts,
    slots: Sequence[Slot],
    *,
    pick: Callable[[Slot], str],
    page_data: Callable[[int], str],
    page: int,
    has_more: bool,
    back: Button,
) -> list[list[Button]]:
    """A page of free times, each a button, with Earlier / Later and a way back."""
    rows: list[list[Button]] = [[(slot_label(t, slot), pick(slot))] for slot in slots]
    nav: list[Button] = []
    if page > 0:
        nav.append((t("⬅️ Earlier"), page_data(page - 1)))
    if has_more:
        nav.append((t("Later ➡️"), page_data(page + 1)))
    if nav:
        rows.append(nav)
    rows.append([back])
    return rows


def where(t: Texts, booking: Booking) -> list[str]:
    """How a confirmed session is held: the call's link, or here in the chat."""
    if booking.state != BookingState.CONFIRMED:
        return []
    if booking.channel == Channel.CHAT:
        return [t("Held here in the chat: open the conversation when the session starts.")]
    return [t("Call: {link}", link=booking.call_link)] if booking.call_link else []


def chat_is_open(booking: Booking, now: datetime) -> bool:
    """Whether the conversation of a session held in the chat may be opened now."""
    return (
        booking.state == BookingState.CONFIRMED
        and booking.channel == Channel.CHAT
        and booking.starts_at - OPENS_BEFORE <= now <= booking.ends_at + CLOSES_AFTER
    )


def short_line(t: Texts, booking: Booking, *, for_specialist: bool, mark: bool = False) -> str:
    """When, what and with whom; ``mark`` puts 🔴 before an urgent one."""
    name = booking.pupil_name if for_specialist else booking.specialist_name
    urgent = "🔴 " if mark and booking.urgent else ""
    return f"{urgent}{t.datetime(booking.starts_at)} · {session_title(booking, t)} · {name}"


def details(t: Texts, booking: Booking, *, for_specialist: bool) -> str:
    """The whole booking, as its parties (and only they) may see it."""
    lines = [session_title(booking, t)]
    if for_specialist and booking.urgent:
        lines.append(t("🔴 Urgent: this pupil recently wrote words of crisis."))
    lines += [
        t("When: {when}", when=t.datetime(booking.starts_at)),
        t("Pupil: {name}", name=booking.pupil_name),
        t("Specialist: {name}", name=booking.specialist_name),
        t("Status: {state}", state=t(STATE_NAMES[booking.state])),
    ]
    if booking.note:
        lines.append(t("Note: {note}", note=booking.note))
    if booking.reason and booking.state in (BookingState.CANCELLED, BookingState.DECLINED):
        lines.append(t("Reason: {reason}", reason=booking.reason))
    lines += where(t, booking)
    if booking.evidence is not None:
        answer = t("took place") if booking.evidence == "yes" else t("did not take place")
        lines.append(t("Pupil's answer: {answer}", answer=answer))
    return "\n".join(lines)
