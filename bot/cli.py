"""The ``pumpurs-bot`` command: run, migrate, import, issue-codes, report, chat, demo, care."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.clock import SystemClock
from bot.config import Config, ConfigError, load_config
from bot.domain.errors import DomainError, ImportFailed
from bot.domain.models import Role
from bot.runtime import Services
from handlers.files import csv_bytes

EXIT_CONFIG = 2
EXIT_FAILED = 1
DEFAULT_CONFIG = Path("config.toml")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pumpurs-bot", description=__doc__)
    parser.add_argument("--config", type=Path, default=None, help=f"TOML file ({DEFAULT_CONFIG})")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="run the bot (long polling, or webhook if configured)")
    commands.add_parser("migrate", help="bring the database up to the current schema")
    imp = commands.add_parser("import", help="import schools, people or plans from CSV files")
    imp.add_argument("files", nargs="+", type=Path)
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
    report = commands.add_parser("report", help="write figures as CSV")
    report.add_argument("what", choices=["meals"], help="meals: per school and ISO week")
    report.add_argument("--school", help="one school's id (default: every school)")
    report.add_argument("--week", help="ISO week such as 2026-W49 (default: this week)")
    report.add_argument("--out", type=Path, help="CSV file to write (default: standard output)")
    commands.add_parser("chat", help="talk to the bot in this terminal (no network)")
    demo = commands.add_parser("demo", help="make a demo database and open the local chat")
    demo.add_argument("--dir", type=Path, default=Path("demo"), help="where the demo lives")
    care = commands.add_parser("care", help="the crisis rules").add_subparsers(
        dest="care_command", required=True
    )
    check = care.add_parser(
        "check",
        help="recall and false alarms of the crisis rules on labelled messages",
        description="Reads lang<TAB>crisis|ordinary<TAB>text lines (# and blank lines skipped)"
        " and prints the figures per language, every miss and false alarm, and a summary."
        " Uses the [care] rules of --config, or of config.toml if it exists, else the"
        " shipped rules; needs no database.",
    )
    check.add_argument("file", type=Path, help="a TSV file such as tests/care/eval_set.tsv")
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
    if args.command == "care":
        return _care_check(args)
    try:
        config = load_config(args.config or DEFAULT_CONFIG)
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


def _care_check(args: argparse.Namespace) -> int:
    """Print how the crisis rules in force do on a labelled file; a report, so status 0."""
    from bot.domain.crisis import CrisisDetector, default_rules
    from bot.domain.crisis.evaluation import Report, evaluate, read_examples

    # Reviewers run this on a laptop without a bot config: the shipped rules then.
    path = args.config or (DEFAULT_CONFIG if DEFAULT_CONFIG.exists() else None)
    try:
        rules = load_config(path).care.word_lists() if path else default_rules()
        text = args.file.read_text(encoding="utf-8")
    except ConfigError as exc:
        print(f"pumpurs-bot: config error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except (OSError, UnicodeDecodeError) as exc:
        print(f"pumpurs-bot: {args.file}: cannot be read ({exc})", file=sys.stderr)
        return EXIT_FAILED
    print(f"rules: {f'[care] of {path}' if path else 'shipped'}", file=sys.stderr)
    report = Report()
    evaluate(CrisisDetector(rules), read_examples(text, report), report)
    for line in report.lines():
        print(line)
    return 0


async def _offline(args: argparse.Namespace, config: Config) -> int:
    """The commands that only touch the database."""
    services = Services.create(config, SystemClock())
    await services.open()
    try:
        if args.command == "migrate":
            version = await services.db.schema_version()
            print(f"database {config.database.path} at schema version {version}")
            return 0
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
    # Here, not at the top: it brings in Telegram, which the other commands never need.
    from handlers.meals.figures import figures_csv

    figures = await services.meal_figures.week_figures(args.school, args.week)
    _write(args.out, figures_csv(figures, bom=False))
    return 0


def _write(out: Path | None, content: bytes) -> None:
    """A file the command made: to ``out``, else to standard output."""
    if out is not None:
        out.write_bytes(content)
    else:
        sys.stdout.write(content.decode("utf-8"))


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


def _refused(where: str, exc: ImportFailed) -> int:
    print(f"{where}not imported, nothing stored:", file=sys.stderr)
    for problem in exc.problems:
        print(f"  {problem}", file=sys.stderr)
    return EXIT_FAILED


ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]


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
