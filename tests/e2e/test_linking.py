"""Linking a Telegram account to a person with a one-time code."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import FakeClock
from bot.domain.models import Role
from tests.conftest import BotHarness
from tests.factories import actor_of


async def issue(harness: BotHarness, role: Role, school: str = "S1") -> dict[str, str]:
    codes = await harness.services.linking.issue_codes(school, [role])
    return {c.display_name: c.code for c in codes}


async def test_a_pupil_links_with_a_deep_link_code_and_sees_their_menu(harness: BotHarness) -> None:
    code = (await issue(harness, Role.PUPIL))["Anna Ozola"]
    sent = await harness.tg.send(harness.user(10), f"/start {code}")
    assert sent[0].text == "Gatavs! Šis konts tagad ir piesaistīts kā skolēns: Anna Ozola."
    assert sent[1].text == "Sveiki, Anna Ozola! Ko vēlies darīt?"
    assert "📋 Mans atbalsta plāns" in sent[1].button_texts


async def test_a_typed_code_links_whatever_its_case_and_dashes(harness: BotHarness) -> None:
    code = (await issue(harness, Role.PUPIL))["Anna Ozola"]
    typed = f"{code[:4].lower()}-{code[4:].lower()}"
    sent = await harness.tg.send(harness.user(11), typed)
    assert "Anna Ozola" in sent[0].text
    account = await harness.services.accounts.resolve(11, "lv")
    assert account.role == Role.PUPIL


async def test_a_used_code_cannot_link_a_second_account(harness: BotHarness) -> None:
    code = (await issue(harness, Role.PUPIL))["Anna Ozola"]
    await harness.tg.send(harness.user(12), f"/start {code}")
    sent = await harness.tg.send(harness.user(13), f"/start {code}")
    assert sent[0].text.startswith("Šis kods jau ir izmantots.")
    account = await harness.services.accounts.resolve(13, "lv")
    assert not account.is_linked


async def test_a_wrong_code_says_how_many_tries_are_left(harness: BotHarness) -> None:
    sent = await harness.tg.send(harness.user(14), "/start ABCDEFGH")
    assert "atlikušie mēģinājumi: 4" in sent[0].text


async def test_an_expired_code_is_refused(harness: BotHarness, clock: FakeClock) -> None:
    code = (await issue(harness, Role.PUPIL))["Anna Ozola"]
    clock.advance(timedelta(days=15))
    sent = await harness.tg.send(harness.user(15), f"/start {code}")
    assert sent[0].text.startswith("Šo kodu nevar izmantot.")
    assert not (await harness.services.accounts.resolve(15, "lv")).is_linked


async def test_five_wrong_codes_make_the_account_wait(
    harness: BotHarness, clock: FakeClock
) -> None:
    good = (await issue(harness, Role.PUPIL))["Anna Ozola"]
    user = harness.user(16)
    for _ in range(4):
        await harness.tg.send(user, "/start WRONGCDE")
    sent = await harness.tg.send(user, "/start WRONGCDE")
    assert "Pārāk daudz nepareizu kodu" in sent[0].text
    # While it waits even the right code is not checked.
    sent = await harness.tg.send(user, f"/start {good}")
    assert "Pārāk daudz nepareizu kodu" in sent[0].text
    clock.advance(timedelta(minutes=16))
    sent = await harness.tg.send(user, f"/start {good}")
    assert "Anna Ozola" in sent[0].text


async def test_a_parent_links_several_children(harness: BotHarness) -> None:
    # A second guardian record for the same parent at another school.
    async with harness.services.db.write() as conn:
        cursor = await conn.execute(
            "INSERT INTO guardians (school_id, external_id, display_name)"
            " VALUES ('S2', 'G9', 'Inese Ozola')"
        )
        await conn.execute(
            "INSERT INTO guardian_pupils VALUES (?, ?)",
            (cursor.lastrowid, harness.world.other_school_pupil_id),
        )
    first = (await issue(harness, Role.GUARDIAN, "S1"))["Inese Ozola"]
    second = (await issue(harness, Role.GUARDIAN, "S2"))["Inese Ozola"]
    user = harness.user(17)
    await harness.tg.send(user, f"/start {first}")
    sent = await harness.tg.send(user, f"/start {second}")
    assert "vecāks vai aizbildnis" in sent[0].text
    data = await harness.services.privacy.describe(await actor_of(harness.services, 17))
    assert set(data.children) == {"Anna Ozola", "Līga Ozola", "Jānis Bērziņš"}


async def test_a_pupil_account_cannot_also_become_a_parent(harness: BotHarness) -> None:
    pupil = (await issue(harness, Role.PUPIL))["Anna Ozola"]
    parent = (await issue(harness, Role.GUARDIAN))["Inese Ozola"]
    user = harness.user(18)
    await harness.tg.send(user, f"/start {pupil}")
    sent = await harness.tg.send(user, f"/start {parent}")
    assert sent[0].text.startswith("Šo kodu nevar izmantot.")
    assert (await actor_of(harness.services, 18)).role == Role.PUPIL


async def test_codes_are_stored_only_as_hashes(harness: BotHarness) -> None:
    codes = await issue(harness, Role.PUPIL)
    async with harness.services.db.reader.execute("SELECT code_hash FROM link_codes") as cur:
        stored = {row[0] for row in await cur.fetchall()}
    assert not stored & set(codes.values())
    assert len(stored) == len(codes)


async def test_the_same_start_delivered_twice_links_once_and_counts_no_wrong_try(
    harness: BotHarness,
) -> None:
    code = (await issue(harness, Role.PUPIL))["Anna Ozola"]
    user = harness.user(19)
    await harness.tg.send(user, f"/start {code}")
    sent = await harness.tg.send(user, f"/start {code}")
    assert sent[0].text == "Gatavs! Šis konts tagad ir piesaistīts kā skolēns: Anna Ozola."
    async with harness.services.db.reader.execute("SELECT count(*) FROM link_failures") as cursor:
        assert (await cursor.fetchone())[0] == 0
