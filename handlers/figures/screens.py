"""📊 Figures: a summary per school or region and period, its chart, workbook and lists."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.context import BotContext
from bot.domain.actor import Actor
from bot.domain.errors import NotAllowed
from bot.domain.figures import RELATIVE, FiguresReport, Period, Scope, relative_period
from bot.i18n import Texts
from handlers.consultations import routes as consultations
from handlers.figures import charts, routes
from handlers.figures.sheets import report_tables, summary_rows, workbook
from handlers.figures.words import PERIOD_LABELS, hours, summary_lines
from handlers.ui import Button, answer, menu_row

SCHOOLS_PER_PAGE = 10
NAMES_SHOWN = 40


def scope_of(actor: Actor, kind: str, index: int) -> Scope:
    """The school or region a button means (an index into the actor's own lists)."""
    found = actor.readable_schools if kind == "s" else actor.region_ids
    if index >= len(found):
        raise NotAllowed()
    return Scope.school(found[index]) if kind == "s" else Scope.region(found[index])


def file_stem(report: FiguresReport) -> str:
    return f"figures-{report.scope.id or 'country'}-{report.period.label.replace('/', '_')}"


async def _report(context: BotContext, kind: str, index: int, word: str) -> FiguresReport:
    period = relative_period(word, context.services.figures.today())
    scope = scope_of(context.actor, kind, index)
    return await context.services.figures.report(context.actor, scope, period)


def period_text(t: Texts, period: Period) -> str:
    return t(
        "{label}: {first} - {last}",
        label=period.label,
        first=t.short_date(period.first),
        last=t.short_date(period.last),
    )


def summary_view(
    t: Texts, actor: Actor, report: FiguresReport, kind: str, index: int, word: str
) -> tuple[str, list[list[Button]]]:
    title = report.scope_name or report.scope.id
    lines = [f"📊 {title}", period_text(t, report.period), ""]
    lines += summary_lines(t, report.total, report.under_quarter_counted)
    if kind == "r":
        lines += ["", t("Schools in the region: {n}", n=len(report.schools))]
    rows: list[list[Button]] = [
        [
            (("• " if w == word else "") + t(PERIOD_LABELS[w]), routes.SHOW.data(kind, index, w))
            for w in RELATIVE[:2]
        ],
        [
            (("• " if w == word else "") + t(PERIOD_LABELS[w]), routes.SHOW.data(kind, index, w))
            for w in RELATIVE[2:]
        ],
        [
            (t("🖼 Chart"), routes.CHART.data(kind, index, word)),
            (t("📄 XLSX"), routes.SHEET.data(kind, index, word)),
        ],
    ]
    if kind == "s" and report.scope.id in actor.coordinated_schools:
        rows.append([(t("🙋 Who has not used their support"), routes.NOT_USED.data(index, word))])
    if kind == "r":
        rows.append([(t("🏫 Open a school"), routes.SCHOOLS.data(index, word, 0))])
    rows.append([(t("⏳ Waiting lists"), consultations.WAITING.data(kind, index))])
    rows += [
        [(f"🏫 {school}", routes.SHOW.data("s", i, word))]
        for i, school in enumerate(actor.coordinated_schools)
        if not (kind == "s" and i == index)
    ]
    rows += [
        [(f"🗺 {region}", routes.SHOW.data("r", i, word))]
        for i, region in enumerate(actor.region_ids)
        if not (kind == "r" and i == index)
    ]
    return "\n".join(lines), [*rows, menu_row(t)]


async def home(update: Update, context: BotContext) -> None:
    """The region's figures for a regional coordinator, else their first school's."""
    kind = "r" if context.actor.region_ids else "s"
    await show(update, context, kind, 0, "w0")


async def show(update: Update, context: BotContext, kind: str, index: int, word: str) -> None:
    report = await _report(context, kind, index, word)
    text, rows = summary_view(context.texts, context.actor, report, kind, index, word)
    await answer(update, context, text, rows, edit=True)


async def chart(update: Update, context: BotContext, kind: str, index: int, word: str) -> None:
    """The chart as a picture; a region's also compares its schools."""
    report = await _report(context, kind, index, word)
    t = context.texts
    data = charts.consultation_data(report)
    picture = await asyncio.to_thread(charts.consultation_chart, report, t)
    states = ", ".join(f"{t(label)} {count}" for label, count in data.states)
    caption = t(
        "{scope}, {period}: hours used {used} of {granted} granted. Sessions: {states}.",
        scope=report.scope_name or report.scope.id,
        period=report.period.label,
        used=hours(t, sum(data.used)),
        granted=hours(t, data.granted),
        states=states,
    )
    chat = context.actor.telegram_id
    await context.bot.send_photo(
        chat, picture, caption=caption[:1000], filename=f"{file_stem(report)}.png"
    )
    if kind == "r":
        compared = await asyncio.to_thread(charts.comparison_chart, report, t)
        await context.bot.send_photo(
            chat,
            compared,
            caption=t("Schools by hours used, most first."),
            filename=f"{file_stem(report)}-schools.png",
        )


async def sheet(update: Update, context: BotContext, kind: str, index: int, word: str) -> None:
    report = await _report(context, kind, index, word)
    t = context.texts
    content = await asyncio.to_thread(
        workbook, report_tables(report, t), summary_rows(report, t), t
    )
    await context.bot.send_document(
        context.actor.telegram_id,
        content,
        filename=f"{file_stem(report)}.xlsx",
        caption=t("Figures for the funder's report, one sheet per table."),
    )


async def schools(update: Update, context: BotContext, index: int, word: str, page: int) -> None:
    """The region's schools, most hours used first, each a button to its own figures."""
    report = await _report(context, "r", index, word)
    t = context.texts
    ranked = sorted(report.schools, key=lambda s: (-s.hours_used, s.school_id))
    shown = ranked[page * SCHOOLS_PER_PAGE : (page + 1) * SCHOOLS_PER_PAGE]
    readable = context.actor.readable_schools
    lines = [t("Schools of {region}, most hours used first:", region=report.scope_name)]
    rows: list[list[Button]] = []
    for school in shown:
        lines.append(
            t(
                "{name}: {used} of {granted} h, {held} sessions held",
                name=school.school_name,
                used=hours(t, school.hours_used),
                granted=hours(t, school.hours_granted),
                held=school.sessions.held,
            )
        )
        if school.school_id in readable:
            position = readable.index(school.school_id)
            rows.append([(f"🏫 {school.school_name}", routes.SHOW.data("s", position, word))])
    nav: list[Button] = []
    if page > 0:
        nav.append((t("⬅️ Earlier"), routes.SCHOOLS.data(index, word, page - 1)))
    if (page + 1) * SCHOOLS_PER_PAGE < len(ranked):
        nav.append((t("Later ➡️"), routes.SCHOOLS.data(index, word, page + 1)))
    rows += [nav] if nav else []
    rows.append([(t("📊 The region"), routes.SHOW.data("r", index, word))])
    await answer(update, context, "\n".join(lines), rows, edit=True)


async def not_used(update: Update, context: BotContext, index: int, word: str) -> None:
    scope = scope_of(context.actor, "s", index)
    period = relative_period(word, context.services.figures.today())
    found = await context.services.figures.not_used(context.actor, scope.id, period)
    t = context.texts
    back = [(t("📊 Figures"), routes.SHOW.data("s", index, word))]
    if not found:
        text = t("Every pupil with a consultation plan has used or booked some of it.")
        await answer(update, context, text, [back], edit=True)
        return
    lines = [
        t.n(
            "{n} pupil has a consultation plan and has neither held nor booked a session:",
            "{n} pupils have a consultation plan and have neither held nor booked a session:",
            len(found),
        )
    ]
    for pupil in found[:NAMES_SHOWN]:
        granted = (
            t("no hour limit")
            if pupil.granted_minutes is None
            else t("{hours} h granted", hours=hours(t, pupil.granted_minutes / 60))
        )
        lines.append(
            t(
                "• {name}, grade {grade}: {granted}",
                name=pupil.name,
                grade=pupil.grade,
                granted=granted,
            )
        )
    if len(found) > NAMES_SHOWN:
        lines.append(t("… and {n} more.", n=len(found) - NAMES_SHOWN))
    rows = [[(t("🔔 Remind them and their parents"), routes.REMIND.data(index, word))], back]
    await answer(update, context, "\n".join(lines), rows, edit=True)


async def remind(update: Update, context: BotContext, index: int, word: str) -> None:
    scope = scope_of(context.actor, "s", index)
    period = relative_period(word, context.services.figures.today())
    done = await context.services.nudges.remind_not_used(context.actor, scope.id, period)
    t = context.texts
    text = t(
        "Reminders planned: {messages} messages about {pupils} pupils. They respect quiet "
        "hours and each person's settings; nobody is reminded twice in a week.",
        messages=done.messages,
        pupils=done.pupils,
    )
    if done.without_account:
        text += "\n" + t(
            "{n} of them have no linked account, nor has a parent: give them a code.",
            n=done.without_account,
        )
    back = [(t("📊 Figures"), routes.SHOW.data("s", index, word))]
    await answer(update, context, text, [back], edit=True)
