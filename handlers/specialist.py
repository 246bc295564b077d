"""The specialist's day: requests, today, the week, one session; /today and /week.

Buttons: ``sp:in`` (requests), ``sp:today``, ``sp:week``, ``sp:b:<id>`` (a session),
``sp:acc:<id>``, ``sp:dec:<id>`` (asks the reason), ``sp:pr:<id>:<page>`` (times to
propose), ``sp:pt:<id>:<slot>``, ``sp:held:<id>``, ``sp:miss:<id>``, ``sp:cx:<id>`` (asks
the reason), ``sp:call:<id>`` (asks the call details). Free time is in specialist_time.
"""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.domain.booking import Booking, BookingChanged, BookingState, SlotGone, SlotTaken
from bot.domain.callback import pack
from handlers import booking_ui as ui
from handlers import specialist_time
from handlers.ui import Button, answer, guarded

DECLINE, CANCEL, CALL = "decline", "cancel", "call"


@guarded()
async def today_command(update: Update, context: BotContext) -> None:
    await show_agenda(update, context, days=1)


@guarded()
async def week_command(update: Update, context: BotContext) -> None:
    await show_agenda(update, context, days=7)


@guarded()
async def specialist_button(update: Update, context: BotContext) -> None:
    found = ui.callback(update)
    action = found.action
    if action in specialist_time.ACTIONS:
        await specialist_time.act(update, context, found)
        return
    await context.services.pending.clear(ui.user_id(update))
    if action == "in":
        await show_inbox(update, context)
        return
    if action in ("today", "week"):
        await show_agenda(update, context, days=1 if action == "today" else 7)
        return
    (booking_id,) = ui.int_args(found, 1)
    try:
        await _act(update, context, action, booking_id, found.args)
    except BookingChanged:
        await show_session(update, context, booking_id)
        raise


async def _act(
    update: Update, context: BotContext, action: str, booking_id: int, args: tuple[str, ...]
) -> None:
    uid = ui.user_id(update)
    desk = context.services.desk
    t = context.texts
    if action == "b":
        await show_session(update, context, booking_id)
    elif action == "acc":
        await desk.accept(uid, booking_id)
        context.toast = t("Accepted.")
        await show_session(update, context, booking_id)
    elif action in ("held", "miss"):
        await desk.mark(uid, booking_id, held=action == "held")
        await show_session(update, context, booking_id)
    elif action == "pr":
        page = int(args[1]) if len(args) > 1 and args[1].isdigit() else 0
        await _show_proposals(update, context, booking_id, page)
    elif action == "pt":
        slot_id = ui.int_args(ui.callback(update), 2)[1]
        try:
            await desk.propose(uid, booking_id, slot_id)
        except (SlotTaken, SlotGone):
            await _show_proposals(update, context, booking_id, 0)
            raise
        context.toast = t("Proposed. The pupil will answer.")
        await show_session(update, context, booking_id)
    elif action in ("dec", "cx", "call"):
        await desk.session(uid, booking_id)  # only the booking's specialist is asked
        what, question = {
            "dec": (DECLINE, t("Write the reason for declining. The pupil will read it.")),
            "cx": (CANCEL, t("Write the reason for cancelling. The pupil will read it.")),
            "call": (
                CALL,
                t(
                    "Write how you will call instead of the video link, e.g. "
                    "“I will phone you at 20012345” or “Telegram call”."
                ),
            ),
        }[action]
        await context.services.pending.ask(uid, what, (booking_id,))
        rows = [[(t("⬅️ Back"), pack("sp", "b", booking_id))]]
        await answer(update, context, question, rows, edit=True)


async def show_inbox(update: Update, context: BotContext) -> None:
    found = await context.services.desk.inbox(ui.user_id(update))
    t = context.texts
    rows: list[list[Button]] = [
        [(ui.short_line(t, b, for_specialist=True), pack("sp", "b", b.id))] for b in found
    ]
    rows.append(ui.menu_row(t))
    text = t("Requests waiting for your answer:") if found else t("No requests are waiting.")
    await answer(update, context, text, rows, edit=update.callback_query is not None)


async def show_agenda(update: Update, context: BotContext, days: int) -> None:
    found = await context.services.desk.agenda(ui.user_id(update), days)
    t = context.texts
    if days == 1:
        head = t("Today:") if found else t("No sessions today.")
    else:
        head = t("The next 7 days:") if found else t("No sessions in the next 7 days.")
    lines = [head]
    for booking in found:
        lines.append(_agenda_line(context, booking))
    rows: list[list[Button]] = [
        [(ui.short_line(t, b, for_specialist=True), pack("sp", "b", b.id))] for b in found
    ]
    other = ("week", t("🗓 This week")) if days == 1 else ("today", t("📆 Today"))
    rows.append([(other[1], pack("sp", other[0]))])
    rows.append(ui.menu_row(t))
    await answer(update, context, "\n".join(lines), rows, edit=update.callback_query is not None)


def _agenda_line(context: BotContext, booking: Booking) -> str:
    t = context.texts
    line = t(
        "{icon} {when}, {minutes} min · {line}",
        icon=ui.STATE_ICONS[booking.state],
        when=t.datetime(booking.starts_at),
        minutes=booking.minutes,
        line=ui.short_line(t, booking, for_specialist=True).split(" · ", 1)[1],
    )
    if booking.call_link and booking.state == BookingState.CONFIRMED:
        line += "\n   " + booking.call_link
    return line


async def show_session(update: Update, context: BotContext, booking_id: int) -> None:
    booking = await context.services.desk.session(ui.user_id(update), booking_id)
    t = context.texts
    started = booking.starts_at <= context.services.clock.now()
    rows: list[list[Button]] = []
    if booking.state == BookingState.REQUESTED and not started:
        rows.append([(t("✅ Accept"), pack("sp", "acc", booking.id))])
        rows.append([(t("🔁 Propose another time"), pack("sp", "pr", booking.id, 0))])
        rows.append([(t("✖ Decline"), pack("sp", "dec", booking.id))])
    if booking.state == BookingState.CONFIRMED and not started:
        rows.append([(t("📞 Phone or Telegram call instead"), pack("sp", "call", booking.id))])
        rows.append([(t("✖ Cancel with a reason"), pack("sp", "cx", booking.id))])
    if (
        booking.state in (BookingState.CONFIRMED, BookingState.HELD, BookingState.MISSED)
        and started
    ):
        rows.append(
            [
                (t("✔ Held"), pack("sp", "held", booking.id)),
                (t("⚠ Missed"), pack("sp", "miss", booking.id)),
            ]
        )
    rows.append([(t("📥 Requests"), pack("sp", "in")), (t("📆 Today"), pack("sp", "today"))])
    text = ui.details(t, booking, for_specialist=True)
    await answer(update, context, text, rows, edit=update.callback_query is not None)


async def _show_proposals(update: Update, context: BotContext, booking_id: int, page: int) -> None:
    slots = await context.services.desk.proposal_options(ui.user_id(update), booking_id, page)
    t = context.texts
    rows: list[list[Button]] = [
        [(ui.slot_label(t, slot), pack("sp", "pt", booking_id, slot.id))] for slot in slots
    ]
    nav: list[Button] = []
    if page > 0:
        nav.append((t("⬅️ Earlier"), pack("sp", "pr", booking_id, page - 1)))
    if len(slots) == context.services.config.booking.slots_per_page:
        nav.append((t("Later ➡️"), pack("sp", "pr", booking_id, page + 1)))
    if nav:
        rows.append(nav)
    rows.append([(t("⬅️ Back"), pack("sp", "b", booking_id))])
    text = (
        t("Which of your free times do you propose?")
        if slots
        else t("You have no other free times. Add some under “My free time”.")
    )
    await answer(update, context, text, rows, edit=True)
