"""The real bot, HTTP and polling included, against a local Bot API server on loopback."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest

from bot.app import build_application, close_services, open_services
from bot.config import Config, parse_config

TOKEN = "123456:LOCAL-test-token"
BOT = {"id": 123456, "is_bot": True, "first_name": "PuMPuRS", "username": "pumpurs_test_bot"}
USER = {"id": 77, "is_bot": False, "first_name": "Anna", "language_code": "lv"}


class FakeBotApiServer(ThreadingHTTPServer):
    """Answers the Bot API methods the bot calls; hands out one /start update."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.paths: list[str] = []
        self.updates = [
            {
                "update_id": 1,
                "message": {
                    "message_id": 1,
                    "date": 0,
                    "chat": {"id": 77, "type": "private"},
                    "from": USER,
                    "text": "/start",
                    "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
                },
            }
        ]


class _Handler(BaseHTTPRequestHandler):
    server: FakeBotApiServer

    def log_message(self, format: str, *args: object) -> None:
        return

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode()
        params = {key: values[0] for key, values in parse_qs(body).items()}
        method = self.path.rsplit("/", 1)[-1]
        self.server.paths.append(self.path)
        self.server.calls.append((method, params))
        result: Any = True
        if method == "getMe":
            result = BOT
        elif method == "getUpdates":
            offset = int(params.get("offset", 0))
            result = [u for u in self.server.updates if u["update_id"] >= offset]
        elif method == "sendMessage":
            result = {
                "message_id": 2,
                "date": 0,
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "from": BOT,
                "text": params["text"],
            }
        payload = json.dumps({"ok": True, "result": result}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@pytest.fixture
def bot_api() -> Iterator[FakeBotApiServer]:
    server = FakeBotApiServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


async def test_the_bot_polls_and_answers_through_the_configured_api_base_url(
    bot_api: FakeBotApiServer, config: Config
) -> None:
    port = bot_api.server_address[1]
    config = parse_config(
        {
            "database": {"path": str(config.database.path)},
            "telegram": {"api_base_url": f"http://127.0.0.1:{port}/bot"},
        }
    )
    app = build_application(config, token=TOKEN)
    async with app:
        await open_services(app)
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.05, timeout=0)
        await app.start()
        try:
            for _ in range(200):
                if any(method == "sendMessage" for method, _ in bot_api.calls):
                    break
                await asyncio.sleep(0.05)
        finally:
            await app.updater.stop()
            await app.stop()
            await close_services(app)
    sent = [params for method, params in bot_api.calls if method == "sendMessage"]
    assert sent and sent[0]["chat_id"] == "77"
    assert sent[0]["text"].startswith("Sveiki! Šis ir PuMPuRS atbalsta bots.")
    assert all(path.startswith(f"/bot{TOKEN}/") for path in bot_api.paths)
