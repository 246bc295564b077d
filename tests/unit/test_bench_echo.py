"""The same-calls echo of bench_flow makes the bot's calls again, keyboards included
(a yardstick without them would do less Bot API work than the bot)."""

from __future__ import annotations

from telegram import Update

from bench.bench_flow import BenchApi, _message, same_calls_echo


async def test_the_echo_sends_the_keyboard_the_bot_sent() -> None:
    api = BenchApi()
    keyboard = {"inline_keyboard": [[{"text": "Book", "callback_data": "bk:ok:1:2:3"}]]}
    calls = {1: [("sendMessage", {"chat_id": 5, "text": "Hello", "reply_markup": keyboard})]}
    echo = same_calls_echo(api, calls)
    await echo.initialize()
    try:
        await echo.process_update(Update.de_json(_message(1, 5, "/start"), echo.bot))
    finally:
        await echo.shutdown()
    assert api.button(5, "bk:ok:") == "bk:ok:1:2:3"
