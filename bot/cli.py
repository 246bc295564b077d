"""The ``pumpurs-bot`` command: run, migrate, import, issue-codes, chat, demo."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from bot.clock import SystemClock
from bot.config import Config, ConfigError, load_config
from bot.domain.errors import DomainError, ImportFailed
from bot.domain.figures import (
    Period,
    Scope,
    days_period,
    month_period,
    semester_period,
    this_week,
    week_period,
)
from bot.domain.models import Role
from bot.i18n import Translator
from bot.runtime import Services
from handlers.figures.exports import FORMATS, area_file
from handlers.figures.tables import Area
from handlers.files import csv_bytes
from handlers.meals.figures import figures_csv

EXIT_CONFIG = 2
EXIT_FAILED = 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pumpurs-bot", description=__doc__)
    parser.add_argument(
        "--config", type=Path, default=Path("config.toml"), help="TOML file (config.toml)"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="run the bot (long polling, or webhook if configured)")
    commands.add_parser("migrate", help="bring the database up to the current schema")
    imp = commands.add_parser("import", help="import schools, people or plans from CSV files")
    imp.add_argument("files", nargs="+", type=Path)
    imp.add_argument(
        "--full",
        action="store_true",
        help="complete files of pupils, guardians or specialists: who of the file's schools"
        " is missing is marked as left (prints the plan; add --yes to do it)",
    )
    imp.add_argument("--yes", action="store_true", help="with --full: do what was printed")
    codes = commands.add_parser("issue-codes", help="write one-time link codes as CSV")
    scope = codes.add_mutually_exclusive_group(required=True)
    scope.add_argument("--school", help="the school's id")
    scope.add_argument("--region", help="a region's id: codes for its regional coordinators")
    codes.add_argument(
        "--role",
        choices=[r.value for r in Role],
        action="append",
        help="caterer: one code per caterer delivering for the school",
    )
    codes.add_argument("--out", type=Path, help="CSV file to write (default: standard output)")
    report = commands.add_parser(
        "report", help="figures as CSV, XLSX or a PNG chart (see the README: What the figures mean)"
    )
    report.add_argument("what", choices=[a.value for a in Area], help="which figures")
    where = report.add_mutually_exclusive_group()
    where.add_argument("--school", help="one school's id (default: the whole country)")
    where.add_argument("--region", help="one region's id: its schools and their total")
    when = report.add_mutually_exclusive_group()
    when.add_argument("--week", help="ISO week such as 2026-W49 (default: this week)")
    when.add_argument("--month", help="a month such as 2026-12")
    when.add_argument("--semester", help="a semester such as 2026/2027-1")
    when.add_argument("--from", dest="first", type=date.fromisoformat, help="first day YYYY-MM-DD")
    report.add_argument("--to", dest="last", type=date.fromisoformat, help="last day, with --from")
    report.add_argument("--format", choices=FORMATS, help="csv (default), xlsx or png")
    report.add_argument("--out", type=Path, help="file to write (default: standard output)")
    commands.add_parser("chat", help="talk to the bot in this terminal (no network)")
    demo = commands.add_parser("demo", help="make a demo database and open the local chat")
    demo.add_argument("--dir", type=Path, default=Path("demo"), help="where the demo lives")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # httpx logs every request URL, and the URL holds the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if args.command == "demo":
        from bot.localchat.demo import run_demo

        # The chat is the terminal here: only warnings and errors go to the log.
        logging.getLogger().setLevel(logging.WARNING)
        return run_demo(args.dir)
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"pumpurs-bot: config error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    logging.getLogger().setLevel(config.logging.level)
    try:
        if args.command == "run":
            return _run(config)
        if args.command == "chat":
            from bot.localchat.chat import run_chat

            logging.getLogger().setLevel(max(logging.WARNING, logging.getLogger().level))
            return asyncio.run(run_chat(config))
        return asyncio.run(_offline(args, config))
    except DomainError as exc:
        # The command line speaks English: the message ids are the English texts.
        print(f"pumpurs-bot: {exc.message.format(**exc.values)}", file=sys.stderr)
        return EXIT_FAILED


async def _offline(args: argparse.Namespace, config: Config) -> int:
    """The commands that only touch the database."""
    services = Services.create(config, SystemClock())
    await services.open()
    try:
        if args.command == "migrate":
            version = await services.db.schema_version()
            print(f"database {config.database.path} at schema version {version}")
            return 0
        if args.command == "import" and args.full:
            return await _import_full(services, args.files, args.yes)
        if args.command == "import":
            return await _import(services, args.files)
        if args.command == "issue-codes":
            return await _issue_codes(services, args)
        if args.command == "report":
            return await _report(services, args)
    finally:
        await services.close()
    raise AssertionError(args.command)


async def _issue_codes(services: Services, args: argparse.Namespace) -> int:
    roles = [Role(r) for r in (args.role or ["pupil", "guardian"])]
    if args.region:
        issued = await services.linking.issue_region_codes(args.region)
    else:
        issued = await services.linking.issue_codes(args.school, roles)
    rows = [
        (
            item.role.value,
            item.external_id,
            item.display_name,
            item.code,
            item.expires_at.isoformat(),
        )
        for item in issued
    ]
    columns = ("role", "person_id", "display_name", "code", "expires_at")
    _write(args.out, csv_bytes(columns, rows, bom=False))
    where = f"region {args.region}" if args.region else f"school {args.school}"
    print(f"{len(issued)} codes issued for {where}", file=sys.stderr)
    return 0


async def _report(services: Services, args: argparse.Namespace) -> int:
    if args.what == "meals" and _as_documented_before(args):
        # `report meals [--school] [--week] [--out]`: the weekly meal figures, as before.
        figures = await services.meal_figures.week_figures(args.school, args.week)
        _write(args.out, figures_csv(figures, bom=False))
        return 0
    if (args.first is None) != (args.last is None):
        print("pumpurs-bot: give both --from and --to", file=sys.stderr)
        return EXIT_FAILED
    period = _period(args, services.figures.today())
    if args.school:
        scope = Scope.school(args.school)
    else:
        scope = Scope.region(args.region) if args.region else Scope.country()
    found = await services.figures.compute(scope, period)
    # The command line speaks English: the msgids are the English texts.
    texts = Translator("en").for_language("en")
    content = area_file(found, Area(args.what), args.format or "csv", texts, bom=False)
    _write(args.out, content)
    return 0


def _as_documented_before(args: argparse.Namespace) -> bool:
    others = (args.region, args.month, args.semester, args.first, args.last, args.format)
    return all(value is None for value in others)


def _period(args: argparse.Namespace, today: date) -> Period:
    if args.month:
        return month_period(args.month)
    if args.semester:
        return semester_period(args.semester)
    if args.first is not None:
        return days_period(args.first, args.last)
    return week_period(args.week) if args.week else this_week(today)


def _write(out: Path | None, content: bytes) -> None:
    """A file the command made: to ``out``, else to standard output."""
    if out is not None:
        out.write_bytes(content)
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()


async def _import(services: Services, files: list[Path]) -> int:
    """Each file in its own transaction, schools first (the order of the kinds)."""
    try:
        ordered = await services.importer.ordered(files)
    except ImportFailed as exc:
        return _refused("", exc)
    for path in ordered:
        try:
            report = await services.importer.import_file(path)
        except ImportFailed as exc:
            return _refused(f"{path}: ", exc)
        print(f"{path}: {report.kind}, {report.rows} rows, {report.changed} changed")
    return 0


async def _import_full(services: Services, files: list[Path], yes: bool) -> int:
    """Print what each complete file would change; with ``yes``, change it."""
    for path in files:
        try:
            plan = await services.full_import.plan(path)
        except ImportFailed as exc:
            return _refused(f"{path}: ", exc)
        print(f"{path}: a complete {plan.kind} file of {', '.join(plan.schools)}")
        for card in plan.leaving:
            print(f"  marked as left: {card.school_id} {card.external_id} {card.name}")
        for card in plan.back:
            print(f"  back again: {card.school_id} {card.external_id} {card.name}")
        print(f"  {len(plan.leaving)} marked as left, {len(plan.back)} back")
        if yes:
            report, _ = await services.full_import.apply(path)
            print(f"{path}: {report.kind}, {report.rows} rows, {report.changed} changed; done")
    if not yes:
        print("Nothing was changed. Run again with --yes to do it.")
    return 0


def _refused(where: str, exc: ImportFailed) -> int:
    print(f"{where}not imported, nothing stored:", file=sys.stderr)
    for problem in exc.problems:
        print(f"  {problem}", file=sys.stderr)
    return EXIT_FAILED


ALLOWED_UPDATES = ["message", "callback_query"]


def webhook_options(config: Config) -> dict[str, Any]:
    """How PTB's webhook server listens; Telegram must send the secret token back."""
    webhook = config.telegram.webhook
    return {
        "listen": webhook.listen,
        "port": webhook.port,
        "url_path": "telegram",
        "webhook_url": webhook.url,
        "secret_token": webhook.secret_token.get_secret_value() or None,
        "allowed_updates": ALLOWED_UPDATES,
    }


def _run(config: Config) -> int:
    from bot.app import build_application

    if not config.bot_token():
        print(
            "pumpurs-bot: config error: telegram.token: not set "
            "(set PUMPURS_BOT_TOKEN or telegram.token)",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    app = build_application(config)
    if config.telegram.mode == "webhook":
        app.run_webhook(**webhook_options(config))
    else:
        app.run_polling(allowed_updates=ALLOWED_UPDATES)
    return 0
