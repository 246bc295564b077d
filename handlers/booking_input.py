"""Typed answers to the consultations' questions: a note, a reason, call details, a time.

The filter takes a message only when its sender was asked something by this feature and
the question is still fresh; any other text falls through to the handlers after it.
"""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import filters

from bot.context import BotContext
from bot.runtime import Services
from bot.services.booking import check_text
from handlers import booking_ui as ui
from handlers import consultations, specialist, specialist_time
from handlers.ui import answer, guarded


class AwaitingAnswer(filters.MessageFilter):
    """True for a private text message whose sender owes this feature an answer."""

    def __init__(self, services: Services) -> None:
        super().__init__(name="AwaitingAnswer")
        self.services = services

    def filter(self, message: Message) -> bool:
        user = message.from_user
        if user is None or not message.text or message.text.startswith("/"):
            return False
        return self.services.pending.peek(user.id) is not None


@guarded(edit=False)
async def typed_answer(update: Update, context: BotContext) -> None:
    uid = ui.user_id(update)
    message = update.effective_message
    text = message.text if message and message.text else ""
    services = context.services
    awaiting = services.pending.peek(uid)
    if awaiting is None:
        return
    config = services.config.booking
    t = context.texts
    what, args = awaiting.what, awaiting.args
    if what == consultations.NOTE:
        note = check_text(text, config.note_max_chars, required=False)
        await services.pending.ask(uid, what, args, draft=note)
        await consultations.show_confirmation(update, context, *args, edit=False)
        return
    if what == specialist.DECLINE:
        change = await services.desk.decline(uid, args[0], text)
    elif what == specialist.CANCEL:
        change = await services.booking.cancel(uid, args[0], text)
    elif what == specialist.CALL:
        change = await services.desk.set_call_note(uid, args[0], text)
    else:
        await _availability(update, context, what, args, text)
        await services.pending.clear(uid)
        return
    await services.pending.clear(uid)
    await answer(update, context, t("Saved. The pupil is told."))
    await specialist.show_session(update, context, change.booking.id)


async def _availability(
    update: Update, context: BotContext, what: str, args: tuple[int, ...], text: str
) -> None:
    uid = ui.user_id(update)
    service = context.services.availability
    t = context.texts
    if what == specialist_time.WEEKLY:
        await service.add_weekly(uid, args[0], text)
        await answer(update, context, t("Weekly hours added."))
    elif what == specialist_time.ONE_OFF:
        slots = await service.add_one_off(uid, text)
        await answer(
            update, context, t.n("{n} free time added.", "{n} free times added.", len(slots))
        )
    elif what == specialist_time.DAY_OFF:
        day, booked = await service.add_day_off(uid, text)
        lines = [t("Day off: {day}. Free times that day are withdrawn.", day=t.date(day))]
        if booked:
            lines.append(
                t.n(
                    "{n} booked session that day stays: cancel it with a reason if needed.",
                    "{n} booked sessions that day stay: cancel them with a reason if needed.",
                    booked,
                )
            )
        await answer(update, context, "\n".join(lines))
    await specialist_time.show_free_time(update, context, edit=False)
