"""The waiting list, the pupil's and parent's side: joining the line, a place in it,
leaving it, and the offer of a freed time (its message, Book, Not this one)."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.domain.models import Role
from bot.domain.reminders import Recipient
from bot.domain.waitlist import DayPart, PlaceClosed, SlotOffered, WaitState
from bot.i18n import Texts
from handlers.consultations import routes
from handlers.consultations.booking import booked_reply
from handlers.consultations.line_words import (
    PART_NAMES,
    kind_title,
    place_label,
    weekday_short,
    wishes,
)
from handlers.consultations.words import offer_name
from handlers.ui import Button, Reply, answer, menu_row


async def ask_whom(update: Update, context: BotContext, pupil_id: int, measure_id: int) -> None:
    """Whom to wait for: any suitable specialist, or one of them by name."""
    choice = await context.services.waitlist.join_choice(context.actor, pupil_id, measure_id)
    t = context.texts
    lines = [
        t(
            "{name}: whom would you like to wait for? When a time that suits you frees up, "
            "it is held for you and you are told here at once.",
            name=offer_name(t, choice.offer),
        )
    ]
    days, parts = 0, 0
    if choice.place is not None:
        days, parts = choice.place.weekdays, choice.place.day_parts
        lines.append(
            t(
                "You are in line already (number {n}). Choosing again changes what suits "
                "you and keeps your place.",
                n=choice.place.position,
            )
        )
    rows: list[list[Button]] = [
        [(t("Any specialist"), routes.WAIT_WHEN.data(pupil_id, measure_id, 0, days, parts))]
    ]
    rows += [
        [(name, routes.WAIT_WHEN.data(pupil_id, measure_id, sid, days, parts))]
        for sid, name in choice.specialists
    ]
    rows.append([(t("⬅️ Back"), routes.SLOTS.data(pupil_id, measure_id, 0))])
    await answer(update, context, "\n".join(lines), rows, edit=True)


async def ask_when(
    update: Update,
    context: BotContext,
    pupil_id: int,
    measure_id: int,
    specialist_id: int,
    weekdays: int,
    parts: int,
) -> None:
    """Which weekdays and times of day suit: toggles; none chosen is any."""
    t = context.texts

    def when(days: int, times: int) -> str:
        return routes.WAIT_WHEN.data(pupil_id, measure_id, specialist_id, days, times)

    day_buttons: list[Button] = [
        (
            ("✅ " if weekdays & (1 << (day - 1)) else "") + weekday_short(t, day),
            when(weekdays ^ (1 << (day - 1)), parts),
        )
        for day in range(1, 8)
    ]
    rows: list[list[Button]] = [day_buttons[:4], day_buttons[4:]]
    rows += [
        [
            (
                ("✅ " if parts & (1 << part) else "") + t(PART_NAMES[part]),
                when(weekdays, parts ^ (1 << part)),
            )
        ]
        for part in DayPart
    ]
    rows.append(
        [
            (
                t("⏳ Join the waiting list"),
                routes.WAIT_IN.data(pupil_id, measure_id, specialist_id, weekdays, parts),
            )
        ]
    )
    rows.append([(t("⬅️ Back"), routes.WAIT_JOIN.data(pupil_id, measure_id))])
    text = t(
        "Which days and times suit you? Tap to choose; with none chosen, any will do.\n"
        "Now: {wishes}",
        wishes=wishes(t, weekdays, parts),
    )
    await answer(update, context, text, rows, edit=True)


async def join(
    update: Update,
    context: BotContext,
    pupil_id: int,
    measure_id: int,
    specialist_id: int,
    weekdays: int,
    parts: int,
) -> None:
    place = await context.services.waitlist.join(
        context.actor, pupil_id, measure_id, specialist_id or None, weekdays, parts
    )
    t = context.texts
    lines = [
        t(
            "You are in line for {title}: number {n}. When a time that suits you frees up, it "
            "is held for you for {minutes} minutes and you are told here. You can leave the "
            "line in “My consultations”.",
            title=kind_title(t, place.kind, place.subject),
            n=place.position,
            minutes=context.services.config.booking.waitlist_hold_minutes,
        )
    ]
    if place.state == WaitState.OFFERED:
        lines.append(t("A time that suits you is free already: see the next message."))
    rows = [[(t("🗓 My consultations"), routes.MY_LIST.data())], menu_row(t)]
    await answer(update, context, "\n".join(lines), rows, edit=True)


async def place_rows(context: BotContext) -> list[list[Button]]:
    """The places in line of the family, for "My consultations"."""
    places = await context.services.waitlist.places(context.actor)
    several = len({p.pupil_id for p in places}) > 1
    t = context.texts
    return [
        [
            (
                f"{p.pupil_name}: {place_label(t, p)}" if several else place_label(t, p),
                routes.WAIT_PLACE.data(p.id),
            )
        ]
        for p in places
    ]


async def show_place(update: Update, context: BotContext, place_id: int) -> None:
    places = await context.services.waitlist.places(context.actor)
    place = next((p for p in places if p.id == place_id), None)
    if place is None:
        raise PlaceClosed()
    t = context.texts
    lines = [
        place_label(t, place),
        t("Pupil: {name}", name=place.pupil_name),
        t("Specialist: {name}", name=place.specialist_name or t("any suitable specialist")),
        t("Suits: {wishes}", wishes=wishes(t, place.weekdays, place.day_parts)),
        t("The place lasts until the support plan ends: {day}.", day=t.short_date(place.ends_on)),
    ]
    rows = [
        [(t("✖ Leave the line"), routes.WAIT_LEAVE.data(place.id))],
        [(t("🗓 My consultations"), routes.MY_LIST.data())],
    ]
    await answer(update, context, "\n".join(lines), rows, edit=True)


async def leave(update: Update, context: BotContext, place_id: int) -> None:
    await context.services.waitlist.leave(context.actor, place_id)
    t = context.texts
    rows = [[(t("🗓 My consultations"), routes.MY_LIST.data())], menu_row(t)]
    await answer(update, context, t("You have left the line."), rows, edit=True)


async def book_offer(update: Update, context: BotContext, offer_id: int) -> None:
    change = await context.services.waitlist.book_offer(context.actor, offer_id)
    text, rows = booked_reply(context.texts, change)
    await answer(update, context, text, rows, edit=True)


async def decline_offer(update: Update, context: BotContext, offer_id: int) -> None:
    await context.services.waitlist.decline_offer(context.actor, offer_id)
    t = context.texts
    text = t("All right: the time goes to the next in line, and you keep your place.")
    rows = [[(t("🗓 My consultations"), routes.MY_LIST.data())], menu_row(t)]
    await answer(update, context, text, rows, edit=True)


def slot_offered(fact: SlotOffered, to: Recipient, t: Texts) -> Reply:
    """The offer of a freed time, with Book and Not this one."""
    slot, place = fact.slot, fact.place
    lines = [
        t(
            "⏳ A time has freed up for you: {title}, {when}, with {name} ({minutes} min). "
            "It is held for you until {until}.",
            title=kind_title(t, place.kind, place.subject),
            when=t.datetime(slot.starts_at),
            name=slot.specialist_name,
            minutes=slot.minutes,
            until=t.datetime(fact.offer.expires_at),
        )
    ]
    if to.role == Role.GUARDIAN:
        lines.append(t("Pupil: {name}", name=place.pupil_name))
    rows = (
        (
            (t("✅ Book"), routes.OFFER_BOOK.data(fact.offer.id)),
            (t("✖️ Not this one"), routes.OFFER_DECLINE.data(fact.offer.id)),
        ),
    )
    return Reply(text="\n".join(lines), rows=rows)
