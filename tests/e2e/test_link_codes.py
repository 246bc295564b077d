"""Link codes: keyed hashes, throttles nobody can reset or spread out, one answer for all."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.clock import FakeClock
from bot.domain.models import Role
from bot.localchat import TelegramUser
from tests.conftest import TEST_SECRET_KEY, BotHarness
from tests.factories import link

THROTTLED = "Pārāk daudz nepareizu kodu"
WRONG = "Šo kodu nevar izmantot."


async def issue(harness: BotHarness, role: Role, school: str = "S1") -> dict[str, str]:
    codes = await harness.services.linking.issue_codes(school, [role])
    return {c.display_name: c.code for c in codes}


async def erase(harness: BotHarness, user: TelegramUser) -> None:
    await harness.tg.send(user, "/me")
    await harness.tg.press(user, "me:erase_ok")


async def test_erasing_the_account_does_not_reset_the_wrong_code_count(
    harness: BotHarness,
) -> None:
    user = harness.user(70)
    for _ in range(4):
        await harness.tg.send(user, "/start WRONGCDE")
    await erase(harness, user)
    sent = await harness.tg.send(user, "/start WRONGCDE")
    assert THROTTLED in sent[0].text
    # The count is kept under a keyed hash of the Telegram id, never the id itself.
    async with harness.services.db.reader.execute("SELECT * FROM link_failures") as cursor:
        kept = [tuple(row) for row in await cursor.fetchall()]
    who = hmac.new(TEST_SECRET_KEY.encode(), b"account:70", "sha256").hexdigest()
    assert [row[2] for row in kept] == [who] * 5
    assert all(70 not in row for row in kept)


async def test_many_accounts_guessing_together_meet_the_global_limit(
    harness: BotHarness, clock: FakeClock
) -> None:
    good = (await issue(harness, Role.PUPIL))["Anna Ozola"]
    limit = harness.services.config.linking.global_failures_per_minute
    answers = [
        (await harness.tg.send(harness.user(1000 + n), "/start WRONGCDE"))[0].text
        for n in range(limit + 5)
    ]
    assert all(WRONG in text for text in answers[:limit])
    assert all(THROTTLED in text for text in answers[limit:])
    # While everybody waits nothing is checked, a good code neither.
    sent = await harness.tg.send(harness.user(2000), f"/start {good}")
    assert THROTTLED in sent[0].text
    clock.advance(timedelta(minutes=1, seconds=1))
    sent = await harness.tg.send(harness.user(2000), f"/start {good}")
    assert "Anna Ozola" in sent[0].text
    async with harness.services.db.reader.execute("SELECT count(*) FROM link_failures") as cursor:
        assert (await cursor.fetchone())[0] == limit


async def test_a_schools_accounts_guessing_together_meet_the_school_limit(
    harness: BotHarness,
) -> None:
    limit = harness.services.config.linking.school_failures_per_minute
    # Parents of the school, each adding a child with a guessed code.
    for n in range(limit + 1):
        await link(harness.services.db, 3000 + n, Role.GUARDIAN, harness.world.guardian_id)
    answers = [
        (await harness.tg.send(harness.user(3000 + n), "/start WRONGCDE"))[0].text
        for n in range(limit + 1)
    ]
    assert all(WRONG in text for text in answers[:limit])
    assert THROTTLED in answers[limit]
    # Someone of no school is still heard (the global limit is higher).
    assert WRONG in (await harness.tg.send(harness.user(3999), "/start WRONGCDE"))[0].text


async def test_wrong_expired_and_other_role_codes_get_the_same_answer(
    harness: BotHarness, clock: FakeClock
) -> None:
    pupil_code = (await issue(harness, Role.PUPIL))["Līga Ozola"]
    parent_code = (await issue(harness, Role.GUARDIAN))["Inese Ozola"]
    expiring = (await issue(harness, Role.SPECIALIST))["Dace Liepa"]
    linked = harness.user(71)
    await harness.tg.send(linked, f"/start {pupil_code}")
    other_role = (await harness.tg.send(linked, f"/start {parent_code}"))[0].text
    wrong = (await harness.tg.send(harness.user(72), "/start WRONGCDE"))[0].text
    clock.advance(timedelta(days=15))
    expired = (await harness.tg.send(harness.user(73), f"/start {expiring}"))[0].text
    # The same words whatever was wrong with the code; only the voice follows the reader
    # (the linked pupil is addressed as "tu").
    said = (
        "This code cannot be used. Check it and try again (tries left: {attempts_left}), or "
        "ask your school for a new code."
    )
    assert wrong == expired == harness.texts("lv")(said, attempts_left=4)
    assert other_role == harness.texts("lv", Role.PUPIL)(said, attempts_left=4)
    assert wrong.startswith(WRONG) and "atlikušie mēģinājumi: 4" in wrong


async def test_codes_are_stored_as_an_hmac_under_the_server_key(harness: BotHarness) -> None:
    code = (await issue(harness, Role.PUPIL))["Anna Ozola"]
    plain = hashlib.sha256(code.encode()).hexdigest()
    keyed = hmac.new(TEST_SECRET_KEY.encode(), f"code:{plain}".encode(), "sha256").hexdigest()
    async with harness.services.db.reader.execute(
        "SELECT code_hash, scheme FROM link_codes WHERE person_id = ? AND role = 'pupil'",
        (harness.world.pupil_id,),
    ) as cursor:
        assert tuple(await cursor.fetchone()) == (keyed, "hmac")


async def test_a_code_issued_before_keys_goes_on_working(harness: BotHarness) -> None:
    """An older version stored the plain SHA-256; the start wraps it, and the code links."""
    code = "K7M2Q9XP"
    async with harness.services.db.write() as conn:
        await conn.execute(
            "INSERT INTO link_codes (code_hash, school_id, role, person_id, created_at,"
            " expires_at) VALUES (?, 'S1', 'pupil', ?, '2026-11-30', '2026-12-10')",
            (hashlib.sha256(code.encode()).hexdigest(), harness.world.pupil_id),
        )
    assert await harness.services.linking.upgrade_stored_codes() == 1
    async with harness.services.db.reader.execute("SELECT scheme FROM link_codes") as cursor:
        assert [row[0] for row in await cursor.fetchall()] == ["hmac"]
    sent = await harness.tg.send(harness.user(74), f"/start {code.lower()}")
    assert sent[0].text == "Gatavs! Šis konts tagad ir piesaistīts kā skolēns: Anna Ozola."


@pytest.mark.parametrize("command", [["run"], ["issue-codes", "--school", "S1"], ["chat"]])
def test_a_missing_secret_key_stops_the_commands_that_need_it(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
) -> None:
    monkeypatch.delenv("PUMPURS_SECRET_KEY", raising=False)
    monkeypatch.setenv("PUMPURS_BOT_TOKEN", "1:x")
    path = tmp_path / "config.toml"
    path.write_text("[database]\npath = 'bot.sqlite3'\n", encoding="utf-8")
    assert main([*command, "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert "config error: linking.secret_key: not set" in err and "PUMPURS_SECRET_KEY" in err


async def test_after_erasing_the_old_code_says_it_was_used_and_links_nothing(
    harness: BotHarness,
) -> None:
    code = (await issue(harness, Role.PUPIL))["Anna Ozola"]
    user = harness.user(75)
    await harness.tg.send(user, f"/start {code}")
    await erase(harness, user)
    sent = await harness.tg.send(user, f"/start {code}")
    assert [item.text[:33] for item in sent] == ["Šis kods jau ir izmantots. Lai pi"]
    me = await harness.tg.send(user, "/me")
    assert "Piesaistīts: pagaidām nevienam." in me[0].text
    async with harness.services.db.reader.execute(
        "SELECT used_by, used_at IS NOT NULL FROM link_codes WHERE person_id = ?",
        (harness.world.pupil_id,),
    ) as cursor:
        assert tuple(await cursor.fetchone()) == (None, 1)
