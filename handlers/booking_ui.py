"""Words for consultations, shared by the pupil's and the specialist's screens."""

from __future__ import annotations

from bot.domain.booking import Booking, BookingState, Offer, Slot
from bot.domain.callback import pack
from bot.domain.errors import N_
from bot.i18n import Texts
from bot.services.calendar import session_title
from handlers.ui import Button
from handlers.ui import callback as callback
from handlers.ui import int_args as int_args
from handlers.ui import user_id as user_id

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

BACK_TO_MENU = N_("⬅️ Menu")


def minutes_left(t: Texts, offer: Offer) -> str:
    left = offer.minutes_left
    if left is None:
        return t("no hour limit")
    return t.n("{n} minute left", "{n} minutes left", left)


def offer_name(t: Texts, offer: Offer) -> str:
    if offer.subject:
        return t("Consultation: {subject}", subject=offer.subject)
    return t("Emotional support session")


def slot_label(t: Texts, slot: Slot) -> str:
    return t(
        "{when} · {name} ({minutes} min)",
        when=t.datetime(slot.starts_at),
        name=slot.specialist_name,
        minutes=slot.minutes,
    )


def short_line(t: Texts, booking: Booking, *, for_specialist: bool) -> str:
    name = booking.pupil_name if for_specialist else booking.specialist_name
    mark = "🔴 " if for_specialist and booking.urgent else ""
    return f"{mark}{t.datetime(booking.starts_at)} · {session_title(booking, t)} · {name}"


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
    if booking.call_link and booking.state == BookingState.CONFIRMED:
        lines.append(t("Call: {link}", link=booking.call_link))
    if booking.evidence is not None:
        answer = t("took place") if booking.evidence == "yes" else t("did not take place")
        lines.append(t("Pupil's answer: {answer}", answer=answer))
    return "\n".join(lines)


def menu_row(t: Texts) -> list[Button]:
    return [(t(BACK_TO_MENU), pack("menu", "home"))]
