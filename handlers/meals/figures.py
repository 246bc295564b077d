"""The coordinators' meal figures: this week's, on screen and as CSV."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.domain.figures import WeekFigures
from handlers.files import csv_bytes
from handlers.meals import routes
from handlers.ui import answer, menu_row

CSV_COLUMNS = ("school_id", "week", "eligible", "confirmed", "delivered", "failed", "not_received")


def figures_csv(figures: list[WeekFigures], *, bom: bool = True) -> bytes:
    rows = [[getattr(f, c) for c in CSV_COLUMNS] for f in figures]
    return csv_bytes(CSV_COLUMNS, rows, bom=bom)


async def show(update: Update, context: BotContext) -> None:
    figures = await context.services.meal_figures.figures_for(context.actor)
    t = context.texts
    lines = [t("📊 Meals at home this week:")]
    for f in figures:
        lines.append(
            t(
                "{school} ({week}): eligible {eligible}, confirmed {confirmed}, delivered "
                "{delivered}, failed {failed}, not received {not_received}",
                school=f.school_id,
                week=f.week,
                eligible=f.eligible,
                confirmed=f.confirmed,
                delivered=f.delivered,
                failed=f.failed,
                not_received=f.not_received,
            )
        )
    rows = [[(t("⬇️ CSV"), routes.FIGURES_CSV.data())], menu_row(t)]
    await answer(update, context, "\n".join(lines), rows, edit=True)


async def send_csv(update: Update, context: BotContext) -> None:
    figures = await context.services.meal_figures.figures_for(context.actor)
    await context.bot.send_document(
        context.actor.telegram_id,
        figures_csv(figures),
        filename="meal-figures.csv",
        caption=context.texts("Meal figures"),
    )
