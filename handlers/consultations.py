"""Booking a consultation (pupil or parent): kind, free slots, note, confirmation.

Buttons: ``bk:start``, ``bk:kid:<pupil>``, ``bk:k:<pupil>:<measure>:<page>`` (slots),
``bk:s:<pupil>:<measure>:<slot>`` (chosen; asks the note), ``bk:c:...`` (confirmation
screen), ``bk:ok:...`` (book).
"""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.domain.booking import SlotGone, SlotTaken
from bot.domain.callback import pack
from bot.services.calendar import session_title
from handlers import booking_ui as ui
from handlers.ui import Button, answer, guarded

NOTE = "note"


@guarded()
async def book_button(update: Update, context: BotContext) -> None:
    found = ui.callback(update)
    action = found.action
    if action == "start":
        await _start(update, context)
    elif action == "kid":
        (pupil_id,) = ui.int_args(found, 1)
        await show_offers(update, context, pupil_id)
    elif action == "k":
        pupil_id, measure_id, page = ui.int_args(found, 3)
        await show_slots(update, context, pupil_id, measure_id, page)
    elif action == "s":
        pupil_id, measure_id, slot_id = ui.int_args(found, 3)
        await _ask_note(update, context, pupil_id, measure_id, slot_id)
    elif action == "c":
        pupil_id, measure_id, slot_id = ui.int_args(found, 3)
        await show_confirmation(update, context, pupil_id, measure_id, slot_id, edit=True)
    elif action == "ok":
        pupil_id, measure_id, slot_id = ui.int_args(found, 3)
        await _book(update, context, pupil_id, measure_id, slot_id)


async def _start(update: Update, context: BotContext) -> None:
    uid = ui.user_id(update)
    await context.services.pending.clear(uid)
    pupils = await context.services.booking.pupils(uid)
    t = context.texts
    if len(pupils) == 1:
        await show_offers(update, context, pupils[0].id)
        return
    if not pupils:
        await answer(update, context, t("No pupil is linked to this account."), [ui.menu_row(t)])
        return
    rows = [[(p.display_name, pack("bk", "kid", p.id))] for p in pupils]
    rows.append(ui.menu_row(t))
    await answer(update, context, t("Whom is the consultation for?"), rows, edit=True)


async def show_offers(update: Update, context: BotContext, pupil_id: int) -> None:
    uid = ui.user_id(update)
    offers = await context.services.booking.offers(uid, pupil_id)
    t = context.texts
    if not offers:
        text = t("The current support plan has no consultations to book.")
        await answer(update, context, text, [ui.menu_row(t)], edit=True)
        return
    rows: list[list[Button]] = [
        [
            (
                t(
                    "{name} · {left}",
                    name=ui.offer_name(t, offer),
                    left=ui.minutes_left(t, offer),
                ),
                pack("bk", "k", pupil_id, offer.measure_id, 0),
            )
        ]
        for offer in offers
    ]
    rows.append(ui.menu_row(t))
    text = t("Which consultation would you like to book? Your plan grants these:")
    await answer(update, context, text, rows, edit=True)


async def show_slots(
    update: Update, context: BotContext, pupil_id: int, measure_id: int, page: int
) -> None:
    uid = ui.user_id(update)
    found = await context.services.booking.slot_page(uid, pupil_id, measure_id, page)
    t = context.texts
    head = t(
        "{name} ({left}). Choose a time:",
        name=ui.offer_name(t, found.offer),
        left=ui.minutes_left(t, found.offer),
    )
    if not found.slots:
        head = t(
            "{name}: no free times in the coming weeks. Please look again later.",
            name=ui.offer_name(t, found.offer),
        )
    rows: list[list[Button]] = [
        [(ui.slot_label(t, slot), pack("bk", "s", pupil_id, measure_id, slot.id))]
        for slot in found.slots
    ]
    nav: list[Button] = []
    if page > 0:
        nav.append((t("⬅️ Earlier"), pack("bk", "k", pupil_id, measure_id, page - 1)))
    if found.has_more:
        nav.append((t("Later ➡️"), pack("bk", "k", pupil_id, measure_id, page + 1)))
    if nav:
        rows.append(nav)
    rows.append([(t("⬅️ Back"), pack("bk", "kid", pupil_id))])
    await answer(update, context, head, rows, edit=True)


async def _ask_note(
    update: Update, context: BotContext, pupil_id: int, measure_id: int, slot_id: int
) -> None:
    uid = ui.user_id(update)
    # The slot is checked now, so a taken one is told before any typing.
    await _fresh_slots_if_gone(update, context, pupil_id, measure_id, slot_id)
    await context.services.pending.ask(uid, NOTE, (pupil_id, measure_id, slot_id))
    t = context.texts
    text = t(
        "If you like, write a short note for the specialist (what you would like to talk "
        "about), up to {max} characters. Or press Skip.",
        max=context.services.config.booking.note_max_chars,
    )
    rows = [[(t("Skip ➡️"), pack("bk", "c", pupil_id, measure_id, slot_id))]]
    rows.append([(t("⬅️ Other times"), pack("bk", "k", pupil_id, measure_id, 0))])
    await answer(update, context, text, rows, edit=True)


async def _fresh_slots_if_gone(
    update: Update, context: BotContext, pupil_id: int, measure_id: int, slot_id: int
) -> None:
    try:
        await context.services.booking.preview(ui.user_id(update), pupil_id, measure_id, slot_id)
    except (SlotTaken, SlotGone):
        await show_slots(update, context, pupil_id, measure_id, 0)
        raise


async def show_confirmation(
    update: Update,
    context: BotContext,
    pupil_id: int,
    measure_id: int,
    slot_id: int,
    *,
    edit: bool,
) -> None:
    uid = ui.user_id(update)
    try:
        offer, slot = await context.services.booking.preview(uid, pupil_id, measure_id, slot_id)
    except (SlotTaken, SlotGone):
        await show_slots(update, context, pupil_id, measure_id, 0)
        raise
    awaiting = context.services.pending.peek(uid)
    note = awaiting.draft if awaiting and awaiting.args == (pupil_id, measure_id, slot_id) else ""
    if awaiting is None or awaiting.args != (pupil_id, measure_id, slot_id):
        await context.services.pending.ask(uid, NOTE, (pupil_id, measure_id, slot_id))
    t = context.texts
    lines = [
        t("Please check and confirm:"),
        ui.offer_name(t, offer),
        t("When: {when}", when=t.datetime(slot.starts_at)),
        t("Specialist: {name}", name=slot.specialist_name),
        t("Length: {minutes} min", minutes=slot.minutes),
        t("Note: {note}", note=note) if note else t("No note."),
        t("You can still type a note now to change it."),
    ]
    rows = [
        [(t("✅ Book"), pack("bk", "ok", pupil_id, measure_id, slot_id))],
        [(t("⬅️ Other times"), pack("bk", "k", pupil_id, measure_id, 0))],
    ]
    await answer(update, context, "\n".join(lines), rows, edit=edit)


async def _book(
    update: Update, context: BotContext, pupil_id: int, measure_id: int, slot_id: int
) -> None:
    uid = ui.user_id(update)
    services = context.services
    awaiting = services.pending.peek(uid)
    note = awaiting.draft if awaiting and awaiting.args == (pupil_id, measure_id, slot_id) else ""
    try:
        change = await services.booking.book(uid, pupil_id, measure_id, slot_id, note)
    except (SlotTaken, SlotGone):
        await show_slots(update, context, pupil_id, measure_id, 0)
        raise
    await services.pending.clear(uid)
    t = context.texts
    booking = change.booking
    title = session_title(booking, t)
    when = t.datetime(booking.starts_at)
    if change.event == "already":
        context.toast = t("This time is already booked for you.")
    if booking.state.value == "confirmed":
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
    if booking.state.value == "confirmed":
        rows.append([(t("📅 Add to calendar (.ics)"), pack("mc", "ics", booking.id))])
    rows.append([(t("🗓 My consultations"), pack("mc", "list"))])
    rows.append(ui.menu_row(t))
    await answer(update, context, text, rows, edit=True)
