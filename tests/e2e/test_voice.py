"""One voice per audience, through the real Application: a pupil reads "tu"/"ты" on every
screen, a parent "jūs"/"вы", and so does what each of them is sent by the reminders."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.models import Role
from bot.jobs import ReminderJobs
from bot.localchat import Outgoing, TelegramUser
from handlers.accounts import routes as accounts
from handlers.consultations import routes as consultations
from handlers.meals import routes as meals
from handlers.ui import MENU
from tests.conftest import BotHarness
from tests.factories import add_slot, link
from tests.voice import informal_forms, polite_forms

RIGA = ZoneInfo("Europe/Riga")
PUPIL, GUARDIAN, TEACHER = 601, 602, 603
SESSION_AT = datetime(2026, 12, 3, 14, 0, tzinfo=RIGA)
NOTE = {"lv": "Gribu parunāt par daļskaitļiem", "ru": "Хочу разобрать дроби"}
Heard = dict[int, list[str]]


class Walk:
    """One user pressing and typing; what every chat was told on the way."""

    def __init__(self, harness: BotHarness, user: TelegramUser) -> None:
        self.harness, self.user = harness, user
        self.heard: Heard = defaultdict(list)

    async def __call__(self, action: Awaitable[list[Outgoing]]) -> None:
        for item in await action:
            # A toast or an alert answers the press of the one walking.
            chat = self.user.id if item.chat_id is None else item.chat_id
            self.heard[chat] += [item.text, *item.button_texts]

    async def send(self, text: str) -> None:
        await self(self.harness.tg.send(self.user, text))

    async def press(self, data: str) -> None:
        await self(self.harness.tg.press(self.user, data))

    def buttons(self) -> list[tuple[str, str]]:
        message = self.harness.api.last_bot_message(self.user.id)
        return [button for row in message.buttons for button in row]

    def data_of(self, prefix: str, label: str = "") -> str:
        """The data of the first button on the last message with ``prefix`` and ``label``."""
        for text, data in self.buttons():
            if data.startswith(prefix) and label in text:
                return data
        raise KeyError(f"no {prefix!r} {label!r} in {self.buttons()}")

    async def press_first(self, prefix: str, label: str = "") -> None:
        await self.press(self.data_of(prefix, label))


async def setup(harness: BotHarness, language: str) -> None:
    db, world = harness.services.db, harness.world
    await link(db, PUPIL, Role.PUPIL, world.pupil_id)
    await link(db, GUARDIAN, Role.GUARDIAN, world.guardian_id)
    await link(db, TEACHER, Role.SPECIALIST, world.teacher_id)
    await add_slot(db, world.teacher_id, SESSION_AT)
    for someone in (PUPIL, GUARDIAN, TEACHER):  # each has written once: their language is known
        await harness.tg.send(harness.user(someone, language), "/start")


async def walk_the_main_screens(harness: BotHarness, who: int, language: str) -> Heard:
    """Start, menu, a booking with a note, my consultations, meals, settings, /me, help,
    a stale button, words and a photo the bot does not expect, a wrong code."""
    walk = Walk(harness, harness.user(who, language))
    await walk.send("/start")
    await walk.press(MENU.data())
    await walk.press(consultations.BOOK_START.data())
    if who == GUARDIAN:
        await walk.press(consultations.BOOK_FOR.data(harness.world.pupil_id))
    await walk.press_first("bk:k:", "Matemātika")
    await walk.press_first("bk:s:")
    await walk.send(NOTE[language])
    book = walk.data_of("bk:ok:")
    await walk.press(book)
    await walk.press(book)  # again: it is booked already, says a toast
    await walk.press(consultations.MY_LIST.data())
    await walk.press_first("mc:b:")
    await walk.press_first("mc:ics:")
    await walk.press(meals.MEALS.data())
    await walk.send("/settings")
    for label, data in walk.buttons():
        if data.startswith("rs:off:") and label.startswith("✅"):
            await walk.press(data)  # the last one is kept, with a word why
    await walk.send("/me")
    await walk.press(accounts.ERASE.data())
    await walk.press(accounts.ME.data())
    await walk.send("/help")
    await walk.send("/language")
    await walk.press("zz:old:1")
    await walk.send("abc xyz")
    await walk(harness.tg.send_photo(walk.user))
    await walk.send("ABCD2345")
    return walk.heard


def wrong_voice(heard: Heard, chat: int, language: str) -> list[str]:
    """Every text told to ``chat`` in the voice of the other audience."""
    wrong = informal_forms if chat != PUPIL else polite_forms
    return [f"{text!r}: {found}" for text in heard[chat] if (found := wrong(language, text))]


def forms(heard: Heard, chat: int, language: str) -> set[str]:
    right = polite_forms if chat != PUPIL else informal_forms
    return {form for text in heard[chat] for form in right(language, text)}


@pytest.mark.parametrize("language", ["lv", "ru"])
@pytest.mark.parametrize("who", [PUPIL, GUARDIAN])
async def test_every_screen_speaks_in_the_voice_of_its_reader(
    harness: BotHarness, language: str, who: int
) -> None:
    await setup(harness, language)
    heard = await walk_the_main_screens(harness, who, language)
    # The booking was told to the other parties too, each in their own voice.
    assert set(heard) >= {PUPIL, GUARDIAN, TEACHER}
    for chat in (PUPIL, GUARDIAN, TEACHER):
        assert wrong_voice(heard, chat, language) == []
    # The walk met the voice on the way (not only texts without a second person).
    assert len(forms(heard, who, language)) >= 5


@pytest.mark.parametrize(
    ("language", "to_pupil", "to_parent"),
    [("lv", "Tava atbilde", "Jūsu atbilde"), ("ru", "Твой ответ", "Ваш ответ")],
)
async def test_a_reminder_speaks_to_a_pupil_and_a_parent_in_their_voices(
    harness: BotHarness, language: str, to_pupil: str, to_parent: str
) -> None:
    """The question whether the session took place goes to both, after the session."""
    await setup(harness, language)
    await walk_the_main_screens(harness, PUPIL, language)
    jobs = harness.app.bot_data.reminder_jobs
    assert isinstance(jobs, ReminderJobs)
    harness.services.clock.set(datetime(2026, 12, 3, 14, 45, tzinfo=RIGA))  # type: ignore[attr-defined]
    jobs.kick()
    await jobs.wait_idle()
    pupil_asked = harness.api.last_bot_message(PUPIL).text
    parent_asked = harness.api.last_bot_message(GUARDIAN).text
    assert to_pupil in pupil_asked and not polite_forms(language, pupil_asked)
    assert to_parent in parent_asked and not informal_forms(language, parent_asked)
    # The same reminder, rendered as the dispatcher would for each role.
    render = harness.renderer("evidence")
    (reminder, *_) = await harness.reminders("evidence", chat_id=PUPIL)
    for role, expected in ((Role.PUPIL, to_pupil), (Role.GUARDIAN, to_parent)):
        reply = await render(reminder, harness.texts(language, role))
        assert reply is not None and expected in reply.text
