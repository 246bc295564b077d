"""Conversations relayed by the bot: a message goes to the other side under a name only."""

from __future__ import annotations

from telegram import Message, Update
from telegram.error import Forbidden
from telegram.ext import filters

from bot.context import BotContext
from bot.domain.care import OnlyText
from bot.i18n import Texts
from bot.services.care.relay import RelayService
from handlers.care import routes
from handlers.ui import answer, clip, guarded


class InConversation(filters.MessageFilter):
    """A message of someone whose chat is in a relayed conversation (from memory)."""

    def __init__(self, relay: RelayService) -> None:
        super().__init__(name="InConversation")
        self.relay = relay

    def filter(self, message: Message) -> bool:
        user = message.from_user
        return user is not None and self.relay.session_of(user.id) is not None


def opened_text(t: Texts, other_name: str, for_staff: bool) -> str:
    if for_staff:
        return t(
            "💬 You are talking with {name}. Write here: the bot passes your messages on "
            "and neither of you sees the other's Telegram account. /end ends it.",
            name=other_name,
        )
    return t(
        "💬 {name} from your school is here for you. Write here: they get your messages "
        "through the bot and do not see your Telegram account. Either of you can end the "
        "conversation at any time with /end.",
        name=other_name,
    )


async def relay_message(update: Update, context: BotContext) -> None:
    """Pass the message on to the other side, under the writer's name; nothing is stored."""
    message = update.effective_message
    relayed = context.services.relay.relay(context.actor)
    if message is None or relayed is None:
        return
    if not message.text:
        raise OnlyText()
    text = clip(f"💬 {relayed.from_name}: {message.text}")
    try:
        await context.bot.send_message(relayed.to_chat, text)
    except Forbidden:
        await answer(update, context, context.texts("They cannot get messages from the bot now."))


async def open_booking(update: Update, context: BotContext, booking_id: int) -> None:
    """Open the conversation of a session held in the chat."""
    session = await context.services.relay.open_for_booking(context.actor, booking_id)
    staff = context.actor.telegram_id == session.staff_chat
    other = session.person_name if staff else session.staff_name
    rows = [[(context.texts("✖ End the conversation"), routes.END.data(session.id))]]
    await answer(update, context, opened_text(context.texts, other, staff), rows)


async def end(update: Update, context: BotContext, session_id: int) -> None:
    await context.services.relay.end(context.actor, session_id)
    await answer(update, context, context.texts("The conversation has ended."))


@guarded
async def end_command(update: Update, context: BotContext) -> None:
    """/end: end the conversation this chat is in."""
    session = context.services.relay.session_of(context.actor.telegram_id)
    if session is None:
        await answer(update, context, context.texts("There is no conversation to end."))
        return
    await end(update, context, session.id)
