"""At DEBUG the log holds neither the token, nor what users wrote, nor SQL parameters.

The real command (``pumpurs-bot run``) runs in a process of its own, polling a local Bot
API server on loopback, at DEBUG; a pupil writes words of crisis and a note with an
address. Then the process is stopped and its output searched.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.domain.models import Role
from storage import Database
from tests.conftest import TEST_SECRET_KEY
from tests.e2e.test_local_bot_api import FakeBotApiServer
from tests.factories import add_slot, link, make_world

TOKEN = "123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"  # shaped like a real one, not one
ADDRESS = "Kalnciema iela 77-5"
CRISIS = "es gribu nogalināt sevi"
PUPIL = {"id": 77, "is_bot": False, "first_name": "Anna", "language_code": "lv"}
CHAT = {"id": 77, "type": "private"}


def message(update_id: int, text: str) -> dict[str, Any]:
    found: dict[str, Any] = {
        "update_id": update_id,
        "message": {"message_id": update_id, "date": 0, "chat": CHAT, "from": PUPIL, "text": text},
    }
    if text.startswith("/"):
        found["message"]["entities"] = [{"type": "bot_command", "offset": 0, "length": 6}]
    return found


def press(update_id: int, data: str) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "callback_query": {
            "id": str(update_id),
            "from": PUPIL,
            "chat_instance": "77",
            "data": data,
            "message": {"message_id": 2, "date": 0, "chat": CHAT, "text": "menu"},
        },
    }


@pytest.fixture
def bot_api() -> Iterator[FakeBotApiServer]:
    server = FakeBotApiServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


async def prepare(path: Path) -> str:
    """A pupil linked to Anna, and a free time of her maths teacher: the note's button."""
    async with Database(path) as db:
        world = await make_world(db)
        await link(db, 77, Role.PUPIL, world.pupil_id)
        slot = await add_slot(db, world.teacher_id, datetime.now(UTC) + timedelta(days=2))
        async with db.reader.execute(
            "SELECT id FROM plan_measures WHERE kind = 'subject_consultation'"
        ) as cursor:
            measure = (await cursor.fetchone())[0]
    return f"bk:s:{world.pupil_id}:{measure}:{slot}"


def test_the_debug_log_holds_no_token_no_update_and_no_sql_parameter(
    bot_api: FakeBotApiServer, tmp_path: Path
) -> None:
    database = tmp_path / "bot.sqlite3"
    note_button = asyncio.run(prepare(database))
    bot_api.updates = [
        message(1, "/start"),
        message(2, CRISIS),
        press(3, note_button),
        message(4, f"Lūdzu atnāciet uz {ADDRESS}"),
    ]
    config = tmp_path / "config.toml"
    config.write_text(
        f"[database]\npath = '{database}'\n"
        f"[telegram]\napi_base_url = 'http://127.0.0.1:{bot_api.server_address[1]}/bot'\n"
        "[logging]\nlevel = 'DEBUG'\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PUMPURS_BOT_TOKEN": TOKEN, "PUMPURS_SECRET_KEY": TEST_SECRET_KEY}
    process = subprocess.Popen(  # noqa: S603 - our own command
        [sys.executable, "-m", "bot", "--config", str(config), "run"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        # The last answer: the confirmation screen with the note, edited or sent.
        while time.monotonic() < deadline and not any(
            ADDRESS in str(params.get("text", "")) for _, params in bot_api.calls
        ):
            time.sleep(0.05)
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    log = output.decode("utf-8", "replace")
    assert any(ADDRESS in str(params.get("text", "")) for _, params in bot_api.calls), log[-3000:]
    assert " DEBUG " in log  # the level was in force
    assert TOKEN not in log and TOKEN.split(":")[1] not in log
    assert ADDRESS not in log
    assert "nogalināt" not in log
    assert TEST_SECRET_KEY not in log
