"""Typed answers: a message that answers the open question of its sender, routed by type.

A feature asks a question (a typed model, :mod:`bot.domain.questions`) and registers one
function per question type here. The filter takes a message only when its sender has an
open question, from memory and without a query; any other message falls through to the
handlers after it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Message, Update
from telegram.ext import MessageHandler, filters

from bot.context import BotContext
from bot.domain.errors import TextExpected
from bot.services.questions import Questions
from handlers.ui import guarded

Answerer = Callable[[Update, BotContext, Any, str], Awaitable[None]]
PhotoAnswerer = Callable[[Update, BotContext, Any, str | None, str | None], Awaitable[None]]


class HasOpenQuestion(filters.MessageFilter):
    """A private message (not a command) whose sender owes the bot an answer."""

    def __init__(self, questions: Questions) -> None:
        super().__init__(name="HasOpenQuestion")
        self.questions = questions

    def filter(self, message: Message) -> bool:
        user = message.from_user
        if user is None or (message.text or "").startswith("/"):
            return False
        return self.questions.peek(user.id) is not None


class Answers:
    """Which function takes the answer to each type of question."""

    def __init__(self) -> None:
        self._text: dict[type, Answerer] = {}
        self._photo: dict[type, PhotoAnswerer] = {}

    def on(self, kind: type, answerer: Answerer) -> None:
        """``answerer(update, context, question, text)`` takes typed answers to ``kind``."""
        self._text[kind] = answerer

    def on_photo(self, kind: type, answerer: PhotoAnswerer) -> None:
        """Like :meth:`on`, for questions answered by text or a photo."""
        self._photo[kind] = answerer

    def handler(self, questions: Questions) -> MessageHandler[BotContext, None]:
        return MessageHandler(filters.ChatType.PRIVATE & HasOpenQuestion(questions), self.take)

    async def take(self, update: Update, context: BotContext) -> None:
        await guarded(self._take)(update, context)

    async def _take(self, update: Update, context: BotContext) -> None:
        message = update.effective_message
        question = context.services.questions.peek(context.actor.telegram_id)
        if message is None or question is None:
            return
        text = message.text
        photo_answerer = self._photo.get(type(question))
        if photo_answerer is not None:
            photo = message.photo[-1].file_id if message.photo else None
            await photo_answerer(update, context, question, text, photo)
            return
        if text is None:
            raise TextExpected()
        await self._text[type(question)](update, context, question, text)
