"""Webhook mode: PTB's server takes updates only with Telegram's secret token."""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path

import httpx
from telegram.ext import Updater

from bot.app import build_application, close_services, open_services
from bot.cli import webhook_options
from bot.config import parse_config
from bot.localchat import InProcessBotApi

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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_webhook_refuses_a_forged_call_and_answers_telegrams(tmp_path: Path) -> None:
    port = free_port()
    config = parse_config(
        {
            "database": {"path": str(tmp_path / "bot.sqlite3")},
            "telegram": {
                "mode": "webhook",
                "webhook": {
                    "listen": "127.0.0.1",
                    "port": port,
                    "url": "https://bot.example.org/telegram",
                    "secret_token": "s3cret-Token_1",
                },
            },
        }
    )
    api = InProcessBotApi()
    app = build_application(config, request=api, token="1:webhook")
    updater = Updater(bot=app.bot, update_queue=app.update_queue)
    async with app, updater:
        await open_services(app)
        await app.start()
        try:
            await updater.start_webhook(**webhook_options(config))
            assert api.webhook["url"] == "https://bot.example.org/telegram"
            url = f"http://127.0.0.1:{port}/telegram"
            body = json.dumps(START)
            headers = {"Content-Type": "application/json"}
            async with httpx.AsyncClient() as client:
                forged = await client.post(url, content=body, headers=headers)
                assert forged.status_code == 403
                secret = {**headers, "X-Telegram-Bot-Api-Secret-Token": "s3cret-Token_1"}
                real = await client.post(url, content=body, headers=secret)
                assert real.status_code == 200
            for _ in range(100):
                if api.outgoing:
                    break
                await asyncio.sleep(0.02)
        finally:
            await updater.stop()
            await app.stop()
            await close_services(app)
    assert [item.chat_id for item in api.outgoing] == [88]
    assert api.outgoing[0].text.startswith("Hello! This is the PuMPuRS support bot.")
