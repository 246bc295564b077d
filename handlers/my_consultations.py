"""'My consultations' (pupil or parent): see, move, cancel, the .ics file, the evidence.

Buttons: ``mc:list``, ``mc:b:<id>``, ``mc:ics:<id>``, ``mc:mv:<id>:<page>``,
``mc:mt:<id>:<slot>``, ``mc:cx:<id>``, ``mc:cxok:<id>``, ``mc:pa:<id>``, ``mc:pr:<id>``,
and the evidence answers ``ev:yes:<id>`` / ``ev:no:<id>``.
"""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.domain.booking import BookingChanged, BookingState, SlotGone, SlotTaken
from bot.domain.callback import pack
from handlers import booking_ui as ui
from handlers.ui import Button, answer, guarded


@guarded()
async def my_button(update: Update, context: BotContext) -> None:
    found = ui.callback(update)
    action = found.action
    if action == "list":
        await show_list(update, context)
        return
    booking_id = ui.int_args(found, 1)[0]
    try:
        await _act(update, context, action, booking_id, found.args)
    except BookingChanged:
        # A stale button: say so, and show the booking as it stands now.
        await show_booking(update, context, booking_id)
        raise


async def _act(
    update: Update, context: BotContext, action: str, booking_id: int, args: tuple[str, ...]
) -> None:
    uid = ui.user_id(update)
    service = context.services.booking
    t = context.texts
    if action == "b":
        await show_booking(update, context, booking_id)
    elif action == "ics":
        data = await service.calendar_file(uid, booking_id, t)
        await context.bot.send_document(
            uid,
            data,
            filename=f"consultation-{booking_id}.ics",
            caption=t("Open this file to add the session to your calendar."),
        )
    elif action == "mv":
        page = int(args[1]) if len(args) > 1 and args[1].isdigit() else 0
        await _show_move(update, context, booking_id, page)
    elif action == "mt":
        slot_id = ui.int_args(ui.callback(update), 2)[1]
        try:
            await service.move(uid, booking_id, slot_id)
        except (SlotTaken, SlotGone):
            await _show_move(update, context, booking_id, 0)
            raise
        context.toast = t("Moved.")
        await show_booking(update, context, booking_id)
    elif action == "cx":
        rows = [
            [(t("Yes, cancel it"), pack("mc", "cxok", booking_id))],
            [(t("No, keep it"), pack("mc", "b", booking_id))],
        ]
        await answer(update, context, t("Cancel this session?"), rows, edit=True)
    elif action == "cxok":
        await service.cancel(uid, booking_id)
        context.toast = t("Cancelled.")
        await show_booking(update, context, booking_id)
    elif action in ("pa", "pr"):
        await context.services.booking_answers.answer_proposal(
            uid, booking_id, accept=action == "pa"
        )
        await show_booking(update, context, booking_id)


async def show_list(update: Update, context: BotContext) -> None:
    uid = ui.user_id(update)
    await context.services.pending.clear(uid)
    found = await context.services.booking.my_bookings(uid)
    t = context.texts
    several = len({b.pupil_id for b in found}) > 1
    rows: list[list[Button]] = []
    for booking in found:
        label = ui.short_line(t, booking, for_specialist=False)
        if several:
            label = f"{booking.pupil_name}: {label}"
        label = f"{ui.STATE_ICONS[booking.state]} {label}"
        rows.append([(label, pack("mc", "b", booking.id))])
    rows.append([(t("📅 Book a consultation"), pack("bk", "start"))])
    rows.append(ui.menu_row(t))
    text = t("Your consultations:") if found else t("No consultations booked yet.")
    await answer(update, context, text, rows, edit=update.callback_query is not None)


async def show_booking(update: Update, context: BotContext, booking_id: int) -> None:
    uid = ui.user_id(update)
    booking = await context.services.booking.booking(uid, booking_id)
    t = context.texts
    now = context.services.clock.now()
    rows: list[list[Button]] = []
    future = booking.starts_at > now
    if booking.state == BookingState.CONFIRMED and future:
        rows.append([(t("📅 Add to calendar (.ics)"), pack("mc", "ics", booking.id))])
    if booking.state in (BookingState.REQUESTED, BookingState.CONFIRMED) and future:
        rows.append(
            [
                (t("🔁 Move"), pack("mc", "mv", booking.id, 0)),
                (t("✖ Cancel"), pack("mc", "cx", booking.id)),
            ]
        )
    if booking.state == BookingState.PROPOSED and future:
        rows.append([(t("✅ Accept this time"), pack("mc", "pa", booking.id))])
        rows.append([(t("✖ Cancel the request"), pack("mc", "pr", booking.id))])
    if booking.state == BookingState.CONFIRMED and not future and booking.evidence is None:
        rows.append(
            [
                (t("✅ Yes, it took place"), pack("ev", "yes", booking.id)),
                (t("❌ No, it did not"), pack("ev", "no", booking.id)),
            ]
        )
    rows.append([(t("🗓 My consultations"), pack("mc", "list"))])
    text = ui.details(t, booking, for_specialist=False)
    await answer(update, context, text, rows, edit=update.callback_query is not None)


async def _show_move(update: Update, context: BotContext, booking_id: int, page: int) -> None:
    uid = ui.user_id(update)
    slots = await context.services.booking.move_options(uid, booking_id, page)
    t = context.texts
    rows: list[list[Button]] = [
        [(ui.slot_label(t, slot), pack("mc", "mt", booking_id, slot.id))] for slot in slots
    ]
    nav: list[Button] = []
    if page > 0:
        nav.append((t("⬅️ Earlier"), pack("mc", "mv", booking_id, page - 1)))
    if len(slots) == context.services.config.booking.slots_per_page:
        nav.append((t("Later ➡️"), pack("mc", "mv", booking_id, page + 1)))
    if nav:
        rows.append(nav)
    rows.append([(t("⬅️ Back"), pack("mc", "b", booking_id))])
    text = t("Choose the new time:") if slots else t("This specialist has no other free times.")
    await answer(update, context, text, rows, edit=True)


@guarded()
async def evidence_button(update: Update, context: BotContext) -> None:
    """ev:yes:<id> / ev:no:<id>: the pupil's word that the session took place."""
    found = ui.callback(update)
    (booking_id,) = ui.int_args(found, 1)
    if found.action not in ("yes", "no"):
        raise BookingChanged()
    change = await context.services.booking_answers.answer_evidence(
        ui.user_id(update), booking_id, took_place=found.action == "yes"
    )
    t = context.texts
    if change.event == "already":
        text = t("You have already answered about this session. Thank you!")
    else:
        text = t("Thank you! Your answer is saved.")
    await answer(
        update, context, text, [[(t("🗓 My consultations"), pack("mc", "list"))]], edit=True
    )
