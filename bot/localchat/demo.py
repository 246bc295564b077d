"""``make demo``: a demo database from ``examples/``, linked demo users, and the local chat."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.clock import SystemClock
from bot.config import Config, parse_config
from bot.domain.models import Role
from bot.localchat.chat import run_chat
from bot.localchat.driver import TelegramUser
from bot.runtime import Services

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
DEMO_SCHOOL = "RIGA-01"

# Telegram ids of the demo's people; "new" has no link and gets the greeting.
DEMO_USERS = {
    "new": TelegramUser(1000, "Jauns", "lv"),
    "pupil": TelegramUser(1001, "Skolēns", "lv"),
    "guardian": TelegramUser(1002, "Vecāks", "lv"),
    "specialist": TelegramUser(1003, "Speciālists", "lv"),
    "coordinator": TelegramUser(1004, "Koordinators", "lv"),
    "caterer": TelegramUser(1005, "Ēdinātājs", "lv"),
    # The school's on-duty psychologist: gets the alerts on words of crisis.
    "psychologist": TelegramUser(1006, "Psihologs", "lv"),
}


# The demo's own server key: its database holds demo people only. Never use it elsewhere.
DEMO_SECRET_KEY = "demo-only-secret-key-for-the-local-chat-0001"  # noqa: S105


def demo_config(folder: Path) -> Config:
    return parse_config(
        {
            "database": {"path": str(folder / "pumpurs-demo.sqlite3")},
            "linking": {"secret_key": DEMO_SECRET_KEY},
        }
    )


async def prepare_demo(config: Config, examples: Path = EXAMPLES) -> str:
    """Import the examples and link the demo users; return a spare pupil code to try."""
    services = Services.create(config, SystemClock())
    await services.open()
    try:
        found = await asyncio.to_thread(lambda: sorted(examples.glob("*.csv")))
        files = await services.importer.ordered(found)
        for path in files:
            await services.importer.import_file(path)
        await services.availability.ensure_slots()
        async with services.uow.read() as tx:
            if await tx.people.school(DEMO_SCHOOL) is None:
                raise SystemExit(f"the examples have no school {DEMO_SCHOOL}")
        spare = ""
        roles = (Role.PUPIL, Role.GUARDIAN, Role.SPECIALIST, Role.COORDINATOR, Role.CATERER)
        for role in roles:
            user = DEMO_USERS[role.value]
            codes = await services.linking.issue_codes(DEMO_SCHOOL, [role])
            actor = await services.accounts.resolve(user.id, user.language_code)
            if not actor.is_linked and codes:
                await services.linking.link(actor, codes[0].code)
            if role == Role.PUPIL and len(codes) > 1:
                spare = f"{codes[1].code} ({codes[1].display_name})"
        async with services.db.reader.execute(
            "SELECT display_name FROM specialists WHERE school_id = ? AND on_duty = 1",
            (DEMO_SCHOOL,),
        ) as cursor:
            on_duty = {row[0] for row in await cursor.fetchall()}
        codes = await services.linking.issue_codes(DEMO_SCHOOL, [Role.SPECIALIST])
        psychologist = DEMO_USERS["psychologist"]
        actor = await services.accounts.resolve(psychologist.id, psychologist.language_code)
        code = next((c for c in codes if c.display_name in on_duty), None)
        if not actor.is_linked and code is not None:
            await services.linking.link(actor, code.code)
        return spare
    finally:
        await services.close()


def run_demo(folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    config = demo_config(folder)
    spare = asyncio.run(prepare_demo(config))
    intro = (
        "Demo: you are a new user. Type this pupil's one-time code to link: "
        f"{spare}\nor switch with /as pupil | guardian | specialist | coordinator | caterer |"
        " psychologist.\n"
        "As guardian, try 🍲 Meals at home to check eligibility and confirm a delivery.\n"
        "As pupil, words of crisis alert the on-duty psychologist: /as psychologist and press"
        " ✋ to take it, then write to the pupil through the bot."
    )
    return asyncio.run(
        run_chat(config, users=DEMO_USERS, start_as="new", intro=intro, downloads=folder / "files")
    )
