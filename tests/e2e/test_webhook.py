"""Webhook mode: our server takes updates only with Telegram's secret, decides on the
headers before reading a body, and answers a bad body with 400, never a 500."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from bot.app import build_application
from bot.cli import main
from bot.config import Config, ConfigError, parse_config
from bot.localchat import InProcessBotApi
from bot.webhook import MAX_BODY, serve

SECRET = "s3cret-Token_0123456789-abcdefghijkl"
START = {
    "update_id": 1,
    "message": {
        "message_id": 1,
        "date": 0,
        "chat": {"id": 88, "type": "private"},
        "from": {"id": 88, "is_bot": False, "first_name": "A", "language_code": "en"},
        "text": "/start",
        "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
    },
}
JSON = {"Content-Type": "application/json"}
WITH_SECRET = {**JSON, "X-Telegram-Bot-Api-Secret-Token": SECRET}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def webhook_config(tmp_path: Path, port: int, secret: str = SECRET) -> Config:
    return parse_config(
        {
            "database": {"path": str(tmp_path / "bot.sqlite3")},
            "telegram": {
                "mode": "webhook",
                "webhook": {
                    "listen": "127.0.0.1",
                    "port": port,
                    "url": "https://bot.example.org/telegram",
                    "secret_token": secret,
                },
            },
        }
    )


class Served:
    def __init__(self, api: InProcessBotApi, port: int) -> None:
        self.api = api
        self.url = f"http://127.0.0.1:{port}/telegram"
        self.port = port


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[Served]:
    """The real application behind the webhook server, as ``pumpurs-bot run`` serves it."""
    port = free_port()
    config = webhook_config(tmp_path, port)
    api = InProcessBotApi()
    app = build_application(config, request=api, token="1:webhook")
    stop = asyncio.Event()
    task = asyncio.create_task(serve(app, config, stop))
    for _ in range(200):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.01)
            continue
        writer.close()
        break
    try:
        yield Served(api, port)
    finally:
        stop.set()
        await task


async def test_webhook_refuses_a_forged_call_and_answers_telegrams(served: Served) -> None:
    assert served.api.webhook["url"] == "https://bot.example.org/telegram"
    assert served.api.webhook["secret_token"] == SECRET
    body = json.dumps(START)
    async with httpx.AsyncClient() as client:
        forged = await client.post(served.url, content=body, headers=JSON)
        assert forged.status_code == 403
        wrong = {**JSON, "X-Telegram-Bot-Api-Secret-Token": SECRET[:-1] + "X"}
        assert (await client.post(served.url, content=body, headers=wrong)).status_code == 403
        real = await client.post(served.url, content=body, headers=WITH_SECRET)
        assert real.status_code == 200
    for _ in range(100):
        if served.api.outgoing:
            break
        await asyncio.sleep(0.02)
    assert [item.chat_id for item in served.api.outgoing] == [88]
    assert served.api.outgoing[0].text.startswith("Hello! This is the PuMPuRS support bot.")


async def test_a_body_over_one_mebibyte_is_refused_before_it_is_read(served: Served) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", served.port)
    # Only the headers go out: the server must answer without waiting for the body.
    writer.write(
        (
            "POST /telegram HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"X-Telegram-Bot-Api-Secret-Token: {SECRET}\r\n"
            f"Content-Length: {MAX_BODY + 1}\r\n\r\n"
        ).encode()
    )
    await writer.drain()
    status = await asyncio.wait_for(reader.readline(), timeout=2)
    writer.close()
    assert status.startswith(b"HTTP/1.1 413")
    assert served.api.outgoing == []


@pytest.mark.parametrize(
    "body", [b"{not json", b"[1, 2]", b'"text"', b"\xff\xfe", b'{"update_id": "x"}', b""]
)
async def test_a_malformed_body_with_the_right_secret_gets_a_400(
    served: Served, body: bytes
) -> None:
    async with httpx.AsyncClient() as client:
        answer = await client.post(served.url, content=body, headers=WITH_SECRET)
    assert answer.status_code == 400
    assert served.api.outgoing == []


@pytest.mark.parametrize("secret", ["", "short-secret-of-31-characters-x"])
def test_webhook_mode_needs_a_long_secret_token(tmp_path: Path, secret: str) -> None:
    with pytest.raises(ConfigError, match=r"telegram\.webhook\.secret_token"):
        webhook_config(tmp_path, 8443, secret)


def test_run_in_webhook_mode_without_a_secret_stops_with_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        "[telegram]\nmode = 'webhook'\n[telegram.webhook]\nurl = 'https://x.example/telegram'\n",
        encoding="utf-8",
    )
    assert main(["--config", str(path), "run"]) == 2
    err = capsys.readouterr().err
    assert "config error" in err and "telegram.webhook.secret_token" in err
