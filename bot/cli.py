"""The ``pumpurs-bot`` command: run, migrate, import, issue-codes, report, audit, chat, demo,
care."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from bot import logs
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
from handlers.accounts.audit import audit_csv
from handlers.figures.exports import FORMATS, area_file
from handlers.figures.tables import Area
from handlers.files import csv_bytes

EXIT_CONFIG = 2
EXIT_FAILED = 1
DEFAULT_CONFIG = Path("config.toml")


def _parser() -> argparse.ArgumentParser:
    # --config is taken before or after the command: `pumpurs-bot run --config F` too.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config", type=Path, default=argparse.SUPPRESS, help="TOML file (config.toml)"
    )
    parser = argparse.ArgumentParser(prog="pumpurs-bot", description=__doc__, parents=[common])
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name: str, text: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=text, parents=[common])

    command("run", "run the bot (long polling, or webhook if configured)")
    command("migrate", "bring the database up to the current schema")
    imp = command("import", "import schools, people or plans from CSV files")
    imp.add_argument("files", nargs="+", type=Path)
    imp.add_argument(
        "--full",
        action="store_true",
        help="complete files of pupils, guardians or specialists: who of the file's schools"
        " is missing is marked as left (prints the plan; add --yes to do it)",
    )
    imp.add_argument("--yes", action="store_true", help="with --full: do what was printed")
    codes = command("issue-codes", "write one-time link codes as CSV")
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
    report = command(
        "report", "figures as CSV, XLSX or a PNG chart (see the README: What the figures mean)"
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
    audit = command("audit", "print who read a pupil's data, as CSV")
    audit.add_argument("--pupil", required=True, help="the pupil: the bot's number, or with")
    audit.add_argument("--school", help="... the school's id: the school's own pupil id")
    command("chat", "talk to the bot in this terminal (no network)")
    demo = command("demo", "make a demo database and open the local chat")
    demo.add_argument("--dir", type=Path, default=Path("demo"), help="where the demo lives")
    care = command("care", "the crisis rules").add_subparsers(dest="care_command", required=True)
    check = care.add_parser(
        "check",
        help="recall and false alarms of the crisis rules on labelled messages",
        description="Reads lang<TAB>crisis|ordinary<TAB>text lines (# and blank lines skipped)"
        " and prints the figures per language, every miss and false alarm, and a summary."
        " Uses the [care] rules of --config, or of config.toml if it exists, else the"
        " shipped rules, then the learned net unless care.learned is false; lists the"
        " crisis lines only the net found. Needs no database.",
    )
    check.add_argument("file", type=Path, help="a TSV file such as tests/care/eval_set.tsv")
    check.add_argument("--rules-only", action="store_true", help="leave the learned net out")
    return parser


# Commands that use the link codes need the server's secret key.
NEEDS_SECRET = {"run", "chat", "issue-codes"}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logs.configure(logging.INFO)
    if args.command == "demo":
        from bot.localchat.demo import run_demo

        # The chat is the terminal here: only warnings and errors go to the log.
        logs.configure(logging.WARNING)
        return run_demo(args.dir)
    if args.command == "care":
        return _care_check(args)
    try:
        config = load_config(getattr(args, "config", DEFAULT_CONFIG))
        secrets = [config.bot_token(), config.secret_key()]
        secrets.append(config.telegram.webhook.secret_token.get_secret_value())
        logs.configure(config.logging.level, secrets)
        if args.command in NEEDS_SECRET:
            config.require_secret_key()
        if args.command == "run":
            return _run(config)
        if args.command == "chat":
            from bot.localchat.chat import run_chat

            logs.configure(max(logging.WARNING, logging.getLogger().level), secrets)
            return asyncio.run(run_chat(config))
        return asyncio.run(_offline(args, config))
    except ConfigError as exc:
        print(f"pumpurs-bot: config error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except DomainError as exc:
        # The command line speaks English: the message ids are the English texts.
        print(f"pumpurs-bot: {exc.message.format(**exc.values)}", file=sys.stderr)
        return EXIT_FAILED


def _care_check(args: argparse.Namespace) -> int:
    """Print how the crisis rules in force do on a labelled file; a report, so status 0."""
    from bot.domain.crisis import CrisisDetector, default_rules
    from bot.domain.crisis.evaluation import Report, evaluate, read_examples

    # Reviewers run this on a laptop without a bot config: the shipped rules then.
    path = getattr(args, "config", None) or (DEFAULT_CONFIG if DEFAULT_CONFIG.exists() else None)
    try:
        care = load_config(path).care if path else None
        rules = care.word_lists() if care else default_rules()
        learned = (care.learned if care else True) and not args.rules_only
        text = args.file.read_text(encoding="utf-8")
    except ConfigError as exc:
        print(f"pumpurs-bot: config error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except (OSError, UnicodeDecodeError) as exc:
        print(f"pumpurs-bot: {args.file}: cannot be read ({exc})", file=sys.stderr)
        return EXIT_FAILED
    net = "on" if learned else "off"
    print(
        f"rules: {f'[care] of {path}' if path else 'shipped'}; learned net: {net}", file=sys.stderr
    )
    report = Report()
    evaluate(CrisisDetector(rules, learned=learned), read_examples(text, report), report)
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
        if args.command == "import" and args.full:
            return await _import_full(services, args.files, args.yes)
        if args.command == "import":
            return await _import(services, args.files)
        if args.command == "issue-codes":
            return await _issue_codes(services, args)
        if args.command == "report":
            return await _report(services, args)
        if args.command == "audit":
            return await _audit(services, args)
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
    # The command line speaks English, with Babel's plural rules like the bot's texts.
    t = Translator().for_language("en")
    if args.region:
        done = t.n(
            "{n} code issued for region {region}",
            "{n} codes issued for region {region}",
            len(issued),
            region=args.region,
        )
    else:
        done = t.n(
            "{n} code issued for school {school}",
            "{n} codes issued for school {school}",
            len(issued),
            school=args.school,
        )
    print(done, file=sys.stderr)
    return 0


async def _audit(services: Services, args: argparse.Namespace) -> int:
    found = await services.privacy.audit_of_pupil(args.pupil, args.school)
    sys.stdout.write(audit_csv(found).decode("utf-8"))
    return 0


async def _report(services: Services, args: argparse.Namespace) -> int:
    if args.what == "meals" and _as_documented_before(args):
        # `report meals [--school] [--week] [--out]`: the weekly meal figures, as before.
        # Here, not at the top: it brings in Telegram, which the other commands never need.
        from handlers.meals.figures import figures_csv

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


def _run(config: Config) -> int:
    from bot import webhook
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
        webhook.run(app, config)
    else:
        app.run_polling(allowed_updates=webhook.ALLOWED_UPDATES)
    return 0
