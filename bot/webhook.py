"""Webhook mode: a small HTTP server of our own in front of the application's update queue.

PTB's built-in server reads a whole body before it looks at it and answers malformed
JSON with a 500. This one decides on the headers alone, before reading any of the body:
without Telegram's secret token a call is refused (403, compared in constant time), a
body over :data:`MAX_BODY` bytes is refused (413), one that is not JSON gets a 400.
A good update is put on ``application.update_queue``, where PTB's fetcher takes it, as it
would from its own server or from polling.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import signal
from http import HTTPStatus
from typing import Any

import tornado.web
from telegram import Bot, Update
from tornado.httpserver import HTTPServer

from bot.config import Config

log = logging.getLogger(__name__)

MAX_BODY = 1 << 20  # 1 MiB: Telegram's updates are a few kilobytes
PATH = "/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header's name
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]


@tornado.web.stream_request_body
class TelegramHandler(tornado.web.RequestHandler):
    """One POST from Telegram: checked on its headers, then read, parsed and queued."""

    SUPPORTED_METHODS = ("POST",)

    def initialize(self, bot: Bot, update_queue: asyncio.Queue[object], secret: str) -> None:
        self.bot = bot
        self.update_queue = update_queue
        self.secret = secret.encode()
        self.chunks: list[bytes] = []
        self.size = 0

    def prepare(self) -> None:
        """Runs on the headers alone: nothing of the body has been read yet."""
        given = self.request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self.secret):
            raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)
        length = self.request.headers.get("Content-Length", "")
        if not (length.isascii() and length.isdigit()):
            raise tornado.web.HTTPError(HTTPStatus.LENGTH_REQUIRED)
        if int(length) > MAX_BODY:
            raise tornado.web.HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        kind = self.request.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if kind != "application/json":
            raise tornado.web.HTTPError(HTTPStatus.UNSUPPORTED_MEDIA_TYPE)

    def data_received(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > MAX_BODY:  # a Content-Length that lied
            raise tornado.web.HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        self.chunks.append(chunk)

    async def post(self) -> None:
        try:
            data = json.loads(b"".join(self.chunks))
            good = isinstance(data, dict) and type(data.get("update_id")) is int
            update = Update.de_json(data, self.bot) if good else None
        except Exception:  # not JSON, not UTF-8, or not an update: the sender's mistake
            update = None
        if update is None:
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST)
        await self.update_queue.put(update)
        self.set_status(HTTPStatus.OK)

    def log_exception(self, *args: Any) -> None:
        """Refusals are answered, not logged: a log line per forged call helps nobody."""


class _App(tornado.web.Application):
    def log_request(self, handler: tornado.web.RequestHandler) -> None:
        """No access log: the bot's log is not the place for every caller's address."""


class WebhookServer:
    """Listens on ``listen:port`` for ``/telegram``; :meth:`start`, then :meth:`stop`."""

    def __init__(
        self, bot: Bot, update_queue: asyncio.Queue[object], secret: str, listen: str, port: int
    ) -> None:
        if not secret:
            raise ValueError("a webhook without a secret token would take anyone's updates")
        shared = {"bot": bot, "update_queue": update_queue, "secret": secret}
        handlers: Any = [(PATH, TelegramHandler, shared)]
        self.listen, self.port = listen, port
        self._server = HTTPServer(_App(handlers), max_body_size=MAX_BODY)

    def start(self) -> None:
        self._server.listen(self.port, address=self.listen)

    async def stop(self) -> None:
        self._server.stop()
        await self._server.close_all_connections()


async def serve(app: Any, config: Config, stop: asyncio.Event) -> None:
    """Run the application behind :class:`WebhookServer` until ``stop`` is set.

    Does what PTB's ``run_webhook`` does around its own server: the application's
    post_init, post_stop and post_shutdown hooks in their places, and ``setWebhook``.
    """
    webhook = config.telegram.webhook
    secret = webhook.secret_token.get_secret_value()
    server = WebhookServer(app.bot, app.update_queue, secret, webhook.listen, webhook.port)
    await app.initialize()
    try:
        if app.post_init is not None:
            await app.post_init(app)
        await app.bot.set_webhook(
            url=webhook.url, secret_token=secret, allowed_updates=ALLOWED_UPDATES
        )
        server.start()
        await app.start()
        log.info("webhook: listening on %s:%d%s", webhook.listen, webhook.port, PATH)
        await stop.wait()
    finally:
        await server.stop()
        if app.running:
            await app.stop()
        if app.post_stop is not None:
            await app.post_stop(app)
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)


def run(app: Any, config: Config) -> None:
    """Serve until SIGINT or SIGTERM, like ``run_webhook``."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await serve(app, config, stop)

    asyncio.run(main())
