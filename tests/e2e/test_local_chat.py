"""The terminal chat renders what the bot sent and presses buttons by number."""

from __future__ import annotations

from pathlib import Path

from bot.app import build_application, close_services, open_services
from bot.config import Config
from bot.localchat import InProcessBotApi, TelegramUser
from bot.localchat.chat import ChatSession
from bot.localchat.demo import DEMO_USERS, prepare_demo


async def test_the_chat_shows_the_greeting_and_presses_buttons_by_number(config: Config) -> None:
    api = InProcessBotApi()
    app = build_application(config, request=api, token="1:chat")
    async with app:
        await open_services(app)
        try:
            session = ChatSession(app, api, {"new": TelegramUser(5, "Anna", "lv")}, "new")
            shown = await session.handle("/start")
            assert "Sveiki! Šis ir PuMPuRS atbalsta bots." in shown
            assert "[2] 🌐 Valoda" in shown
            shown = await session.handle("2")
            assert "Izvēlieties valodu:" in shown and "(edited" in shown
            assert await session.handle("9") == "(no button 9; this message has 3)"
            assert (await session.handle("/as pupil")).startswith("(who?")
        finally:
            await close_services(app)


async def test_the_demo_links_its_users_and_a_new_user_can_link_a_pupil(tmp_path: Path) -> None:
    from bot.localchat.demo import demo_config

    config = demo_config(tmp_path)
    spare = await prepare_demo(config)
    code = spare.split()[0]
    api = InProcessBotApi()
    app = build_application(config, request=api, token="1:demo")
    async with app:
        await open_services(app)
        try:
            session = ChatSession(app, api, DEMO_USERS, "new")
            assert "Sveiki! Šis ir PuMPuRS atbalsta bots." in await session.handle("/start")
            linked = await session.handle(code)
            assert "Gatavs! Šis konts tagad ir piesaistīts kā skolēns" in linked
            await session.handle("/as pupil")
            assert "📋 Mans atbalsta plāns" in await session.handle("/start")
        finally:
            await close_services(app)


async def test_a_coordinators_chart_and_workbook_are_saved_in_the_demo(tmp_path: Path) -> None:
    from bot.localchat.demo import demo_config

    config = demo_config(tmp_path)
    await prepare_demo(config)
    api = InProcessBotApi()
    app = build_application(config, request=api, token="1:demo")
    downloads = tmp_path / "files"
    async with app:
        await open_services(app)
        try:
            session = ChatSession(app, api, DEMO_USERS, "coordinator", downloads)
            home = await session.handle("/start")
            assert "📊 Rādītāji" in home and "🏫 Mana skola" in home
            shown = await session.handle("1")  # 📊 Figures
            assert "🗓 Konsultācijas:" in shown
            shown = await session.handle("6")  # 🖼 Chart
            assert "🖼 figures-RIGA-01-" in shown
            charts = list(downloads.glob("figures-RIGA-01-*.png"))
            assert charts and charts[0].read_bytes().startswith(b"\x89PNG")
            session.user = DEMO_USERS["coordinator"]
            await session.handle("/start")
            await session.handle("1")
            shown = await session.handle("7")  # 📄 XLSX
            assert "📎 figures-RIGA-01-" in shown and ".xlsx" in shown
        finally:
            await close_services(app)
