"""Figures on the national data set: a region over a semester (goal: p95 < 500 ms), and the
whole country's workbook (goal: < 3 s).

``python -m bench.bench_figures [--quick] [--runs 30]`` copies the cached data set and adds,
with plain SQL, what it lacks for the figures: the specialists' answers to the requests,
who cancelled, meal subscriptions and deliveries of every school day of the semester so
far, internship claims and words of crisis. It then times, through the bot's own
:class:`~bot.services.figures.report.FiguresService` (aiosqlite, as the bot runs it):

- a region over semester 2026/2027-1, every region in turn (p50 / p95 / max);
- one school over one week, random schools (p50 / p95);
- the whole country over the semester, and its XLSX workbook (report + workbook);
- the charts as PNG (the first one pays for importing matplotlib).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench.dataset import FULL, NOW, QUICK, Sizes, build, copy_of, db_time
from bot.clock import FakeClock
from bot.domain.figures import Scope, semester_period, week_period
from bot.i18n import Translator
from bot.services.figures.report import FiguresService
from handlers.figures import charts
from handlers.figures.sheets import report_tables, summary_rows, workbook
from storage import Database
from storage.uow import UnitOfWork

REGION_GOAL_MS = 500.0
XLSX_GOAL_S = 3.0
SEMESTER = semester_period("2026/2027-1")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def add_figures_rows(path: Path, seed: int) -> dict[str, int]:
    """What the data set lacks for the figures, written with plain SQL into the copy."""
    rng = random.Random(seed + 3)
    conn = sqlite3.connect(path)
    with conn:
        # A specialist answers most requests within a day; who cancelled, by role.
        conn.execute(
            "UPDATE bookings SET answered_at = strftime('%Y-%m-%dT%H:%M:%S+00:00',"
            " julianday(created_at) + (abs(random()) % 4800) / 100.0 / 24)"
            " WHERE state IN ('confirmed', 'declined', 'held', 'missed', 'proposed')"
        )
        conn.execute(
            "UPDATE bookings SET ended_by = CASE abs(random()) % 3 WHEN 0 THEN 'pupil'"
            " WHEN 1 THEN 'guardian' ELSE 'specialist' END WHERE state = 'cancelled'"
        )
        pupils = [
            row[0]
            for row in conn.execute(
                "SELECT p.id FROM pupils p JOIN schools s ON s.id = p.school_id"
                " WHERE s.kind = 'general' AND p.grade >= 5"
            )
        ]
        chosen = rng.sample(pupils, min(len(pupils), len(pupils) // 5))
        caterer_of = dict(conn.execute("SELECT school_id, caterer_id FROM caterer_schools"))
        school_of = dict(conn.execute("SELECT id, school_id FROM pupils"))
        subscriptions = []
        for pupil in chosen:
            state = rng.choice(("active",) * 8 + ("paused", "stopped"))
            subscriptions.append(
                (
                    pupil,
                    "Brīvības iela 1, Rīga",
                    "+37126123456",
                    "12345",
                    db_time(NOW),
                    state,
                    1,
                    db_time(NOW),
                )
            )
        conn.executemany(
            "INSERT INTO meal_subscriptions (pupil_id, address, phone, days, consent_at, state,"
            " created_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            subscriptions,
        )
        subs = conn.execute("SELECT id, pupil_id FROM meal_subscriptions").fetchall()
        days = [
            SEMESTER.first + timedelta(days=i)
            for i in range((NOW.date() - SEMESTER.first).days)
            if (SEMESTER.first + timedelta(days=i)).isoweekday() <= 5
        ][-40:]
        deliveries = []
        for sub_id, pupil in subs:
            school = school_of[pupil]
            if school not in caterer_of:
                continue
            for day in days:
                state = rng.choice(("delivered",) * 18 + ("failed",))
                reason = (
                    rng.choice(("nobody_home", "wrong_address", "other"))
                    if state == "failed"
                    else ""
                )
                receipt = "not_received" if rng.random() < 0.01 else "received"
                deliveries.append((sub_id, caterer_of[school], school, day.isoformat(), state,
                                   reason, receipt))  # fmt: skip
        conn.executemany(
            "INSERT INTO meal_deliveries (subscription_id, caterer_id, school_id, day, state,"
            " fail_reason, receipt) VALUES (?, ?, ?, ?, ?, ?, ?)",
            deliveries,
        )
        students = conn.execute(
            "SELECT p.id, p.school_id FROM pupils p JOIN schools s ON s.id = p.school_id"
            " WHERE s.kind = 'vocational'"
        ).fetchall()
        claims = []
        for pupil, school in rng.sample(students, min(len(students), 3000)):
            at = NOW - timedelta(days=rng.randint(1, 80))
            claims.append((pupil, school, "2026-10-01", "2026-10-05", rng.randint(300, 9000),
                           "file", rng.choice(("submitted", "approved", "approved", "returned")),
                           1, db_time(at), rng.choice(("transport", "accommodation"))))  # fmt: skip
        conn.executemany(
            "INSERT INTO transport_claims (pupil_id, school_id, first_day, last_day,"
            " amount_cents, ticket_file_id, state, submitted_by, submitted_at, kind)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            claims,
        )
        events = []
        for pupil in rng.sample(list(school_of), 2000):
            at = NOW - timedelta(days=rng.randint(1, 90), minutes=rng.randint(0, 600))
            events.append((db_time(at), pupil, school_of[pupil],
                           rng.choice(("suicide", "self_harm", "abuse", "violence")),
                           rng.randint(0, 1)))  # fmt: skip
        conn.executemany(
            "INSERT INTO crisis_events (at, telegram_id, pupil_id, school_id, category,"
            " language, alerted) VALUES (?, 0, ?, ?, ?, 'lv', ?)",
            events,
        )
    counts = {
        "meal deliveries": len(deliveries),
        "claims": len(claims),
        "crisis events": len(events),
    }
    conn.close()
    return counts


async def measure(path: Path, runs: int, seed: int) -> dict[str, float]:
    rng = random.Random(seed)
    figures: dict[str, float] = {}
    async with Database(path) as db:
        service = FiguresService(UnitOfWork(db), FakeClock(NOW))
        regions = [row[0] for row in await db.reader.execute_fetchall("SELECT id FROM regions")]
        schools = [row[0] for row in await db.reader.execute_fetchall("SELECT id FROM schools")]
        await service.compute(Scope.region(regions[0]), SEMESTER)  # warm the page cache
        took: list[float] = []
        for i in range(runs):
            started = time.perf_counter()
            report = await service.compute(Scope.region(regions[i % len(regions)]), SEMESTER)
            took.append((time.perf_counter() - started) * 1000)
        print(
            f"  region x semester ({len(report.schools)} schools, {report.total.usage.pupils}"
            f" pupils with a plan, {report.total.sessions.requested} sessions): p50"
            f" {statistics.median(took):.0f} ms, p95 {percentile(took, 0.95):.0f} ms,"
            f" max {max(took):.0f} ms (goal p95 < {REGION_GOAL_MS:.0f} ms)"
        )
        figures["figures_region_p95_ms"] = percentile(took, 0.95)
        week = week_period("2026-W48")
        took = []
        for _ in range(runs):
            started = time.perf_counter()
            await service.compute(Scope.school(rng.choice(schools)), week)
            took.append((time.perf_counter() - started) * 1000)
        print(
            f"  school x week: p50 {statistics.median(took):.1f} ms,"
            f" p95 {percentile(took, 0.95):.1f} ms"
        )
        figures["figures_school_p95_ms"] = percentile(took, 0.95)
        texts = Translator("lv").for_language("lv")
        started = time.perf_counter()
        country = await service.compute(Scope.country(), SEMESTER)
        computed = time.perf_counter() - started
        book = workbook(report_tables(country, texts), summary_rows(country, texts), texts)
        total = time.perf_counter() - started
        print(
            f"  country x semester: report {computed:.2f} s; with the XLSX workbook"
            f" ({len(book) // 1024} KiB, {len(country.schools)} schools) {total:.2f} s"
            f" (goal < {XLSX_GOAL_S:g} s)"
        )
        figures["figures_country_s"] = computed
        figures["figures_xlsx_s"] = total
        started = time.perf_counter()
        picture = charts.consultation_chart(report, texts)
        first = time.perf_counter() - started
        started = time.perf_counter()
        charts.comparison_chart(report, texts)
        again = time.perf_counter() - started
        print(
            f"  charts: the first PNG {first:.2f} s (imports matplotlib), the next"
            f" {again:.2f} s; {len(picture) // 1024} KiB"
        )
        figures["figures_chart_s"] = again
    return figures


def run(seed: int, sizes: Sizes, runs: int = 30) -> dict[str, float]:
    built = build(seed, sizes)
    with tempfile.TemporaryDirectory(prefix="pumpurs-figures-") as tmp:
        return _run_on(copy_of(built, Path(tmp)), seed, runs)


def _run_on(path: Path, seed: int, runs: int) -> dict[str, float]:
    asyncio.run(_migrate(path))  # the copy gets this version's migrations first
    started = time.perf_counter()
    added = add_figures_rows(path, seed)
    print(f"  added for the figures in {time.perf_counter() - started:.1f} s: {added}")
    return asyncio.run(measure(path, runs, seed))


async def _migrate(path: Path) -> None:
    async with Database(path):
        pass


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a tenth of the sizes")
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args(argv)
    run(args.seed, QUICK if args.quick else FULL, args.runs)


if __name__ == "__main__":
    main()
