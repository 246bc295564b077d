"""Small defects users met (issue 10, item 17), each as the user met it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.domain.models import Role
from tests.conftest import RIGA, BotHarness
from tests.e2e.test_erase import deliver
from tests.factories import actor_of, add_crisis_event, add_slot, link, set_auto_confirm

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TEACHER, PSYCHOLOGIST, PUPIL = 951, 952, 953


async def book(harness: BotHarness, specialist: int, when: datetime, subject: bool) -> int:
    if not (await actor_of(harness.services, PUPIL)).is_linked:
        await link(harness.services.db, PUPIL, Role.PUPIL, harness.world.pupil_id)
    slot = await add_slot(harness.services.db, specialist, when)
    pupil = await actor_of(harness.services, PUPIL)
    offers = await harness.services.booking.offers(pupil, harness.world.pupil_id)
    offer = next(o for o in offers if bool(o.subject) == subject)
    change = await harness.services.booking.book(
        pupil, harness.world.pupil_id, offer.measure_id, slot
    )
    return change.booking.id


async def test_the_morning_agenda_leaves_out_a_session_held_that_night(
    harness: BotHarness,
) -> None:
    await link(harness.services.db, TEACHER, Role.SPECIALIST, harness.world.teacher_id)
    teacher = harness.world.teacher_id
    await book(harness, teacher, datetime(2026, 12, 2, 0, 30, tzinfo=RIGA), subject=True)
    await book(harness, teacher, datetime(2026, 12, 2, 15, 0, tzinfo=RIGA), subject=True)
    await deliver(harness)
    harness.services.clock.set(datetime(2026, 12, 2, 8, 0, tzinfo=RIGA))
    await deliver(harness)
    agenda = harness.api.last_bot_message(TEACHER).text
    assert agenda.startswith("Jūsu nodarbības šodien")
    assert "15:00" in agenda and "00:30" not in agenda


async def test_the_urgent_mark_is_in_the_weeks_text_line(harness: BotHarness) -> None:
    await link(harness.services.db, PSYCHOLOGIST, Role.SPECIALIST, harness.world.psychologist_id)
    await set_auto_confirm(harness.services.db, harness.world.psychologist_id, True)
    await book(
        harness,
        harness.world.psychologist_id,
        datetime(2026, 12, 3, 14, 0, tzinfo=RIGA),
        subject=False,
    )
    await add_crisis_event(
        harness.services.db, harness.world.pupil_id, datetime(2026, 11, 30, tzinfo=RIGA)
    )
    await deliver(harness)  # the notice of the booking, first
    sent = await harness.tg.send(harness.user(PSYCHOLOGIST), "/week")
    lines = sent[-1].text.splitlines()
    assert any(line.startswith("🔴 ") and "Anna Ozola" in line for line in lines)
    assert not any("🔴" in label for label in sent[-1].button_texts)


async def test_me_names_the_language_taken_from_telegram(harness: BotHarness) -> None:
    sent = await harness.tg.send(harness.user(954, "ru"), "/me")
    assert "Язык: Русский (из ваших настроек Telegram)" in sent[0].text
    user = harness.user(955, "ru")
    await harness.tg.send(user, "/start")
    await harness.tg.press(user, "lang:set:lv")
    sent = await harness.tg.send(user, "/me")
    assert "Valoda: Latviešu\n" in sent[0].text


@pytest.mark.parametrize(("length", "taken"), [(300, True), (301, False)])
async def test_a_reason_of_exactly_the_limit_is_taken(
    harness: BotHarness, length: int, taken: bool
) -> None:
    await link(harness.services.db, TEACHER, Role.SPECIALIST, harness.world.teacher_id)
    await set_auto_confirm(harness.services.db, harness.world.teacher_id, False)
    booking = await book(
        harness, harness.world.teacher_id, datetime(2026, 12, 3, 14, 0, tzinfo=RIGA), subject=True
    )
    teacher = harness.user(TEACHER)
    await harness.tg.send(teacher, "/start")
    await harness.tg.press(teacher, f"sp:dec:{booking}")
    sent = await harness.tg.send(teacher, "x" * length)
    said = sent[0].text
    if taken:
        assert said == "Saglabāts. Skolēns ir informēts."
    else:
        assert said == "Tas ir par garu: 301 rakstzīmes. Lūdzu, ne vairāk kā 300."


def test_the_command_line_counts_codes_with_plurals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[database]\npath = 'bot.sqlite3'\n", encoding="utf-8")
    # Every example file in one command, in the wrong order: sorted by kind.
    files = sorted((str(p) for p in EXAMPLES.glob("*.csv")), reverse=True)
    assert main(["import", *files, "--config", str(config)]) == 0
    capsys.readouterr()
    assert main(["issue-codes", "--region", "LATGALE", "--config", str(config)]) == 0
    assert "1 code issued for region LATGALE" in capsys.readouterr().err
    assert main(["--config", str(config), "issue-codes", "--school", "LAT-01"]) == 0
    assert "codes issued for school LAT-01" in capsys.readouterr().err


def test_config_is_taken_before_or_after_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[database]\npath = 'mine.sqlite3'\n", encoding="utf-8")
    assert main(["migrate", "--config", str(config)]) == 0
    assert main(["--config", str(config), "migrate"]) == 0
    out = capsys.readouterr().out
    assert out.count(str(tmp_path / "mine.sqlite3")) == 2
