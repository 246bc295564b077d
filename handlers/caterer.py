"""Caterers' delivery lists and marks, and the coordinators' meal figures."""

from __future__ import annotations

from datetime import date

from telegram import Update

from bot.context import BotContext
from bot.domain.callback import Callback, pack
from bot.domain.errors import NotAllowed
from bot.domain.meals import FailReason
from bot.i18n import Texts
from bot.services.meal_deliveries import CatererDay
from bot.services.meal_messages import FAIL_REASONS, caterer_list_text
from bot.services.meal_report import figures_csv
from handlers.ui import Button, answer, guarded, pressed_by


def _menu(t: Texts) -> list[Button]:
    return [(t("⬅️ Menu"), pack("menu", "home"))]


def _day(text: str) -> date:
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        raise NotAllowed() from None


def _id(callback: Callback, index: int = 0) -> int:
    try:
        return callback.int_arg(index)
    except (ValueError, IndexError):
        raise NotAllowed() from None


def day_view(t: Texts, listing: CatererDay) -> tuple[str, list[list[Button]]]:
    stamp = listing.day.strftime("%Y%m%d")
    if not listing.deliveries:
        text = t("🚚 {day}: no deliveries.", day=t.date(listing.day))
        return text, [_menu(t)]
    rows: list[list[Button]] = []
    for number, d in enumerate(listing.deliveries, 1):
        if d.state == "planned":
            rows.append(
                [
                    (t("✅ {n} delivered", n=number), pack("ct", "ok", d.id)),
                    (t("❌ {n} failed", n=number), pack("ct", "fail", d.id)),
                ]
            )
    rows.append([(t("⬇️ CSV"), pack("ct", "csv", listing.caterer.id, stamp))])
    return caterer_list_text(t, listing.day, list(listing.deliveries)), [*rows, _menu(t)]


@guarded()
async def caterer_button(update: Update, context: BotContext) -> None:
    """``ct:`` buttons: a day's list, mark delivered or failed (with a reason), the CSV."""
    callback, user_id = pressed_by(update)
    t, service = context.texts, context.services.meal_deliveries
    action = callback.action
    day: date | None = None
    if action == "day":
        day = _day(callback.args[0]) if callback.args else None
    elif action == "ok":
        delivery = await service.mark(user_id, _id(callback), None)
        day = delivery.day
        context.toast = t("Marked delivered: {name}", name=delivery.pupil_name)
    elif action == "fail":
        delivery_id = _id(callback)
        rows = [
            [(t(label), pack("ct", "why", delivery_id, reason.value))]
            for reason, label in ((FailReason(k), v) for k, v in FAIL_REASONS.items())
        ]
        await answer(update, context, t("Why could it not be delivered?"), rows, edit=True)
        return
    elif action == "why" and len(callback.args) == 2:
        try:
            reason = FailReason(callback.args[1])
        except ValueError:
            raise NotAllowed() from None
        delivery = await service.mark(user_id, _id(callback), reason)
        day = delivery.day
    elif action == "csv" and len(callback.args) == 2:
        csv_day = _day(callback.args[1])
        content = await service.caterer_csv(user_id, csv_day)
        await context.bot.send_document(
            user_id,
            content,
            filename=f"deliveries-{csv_day.isoformat()}.csv",
            caption=t("Deliveries of {day}", day=t.short_date(csv_day)),
        )
        return
    else:
        raise NotAllowed()
    text, rows = day_view(t, await service.caterer_day(user_id, day))
    await answer(update, context, text, rows, edit=True)


@guarded()
async def figures_button(update: Update, context: BotContext) -> None:
    """``mf:`` buttons of coordinators: this week's meal figures, and as CSV."""
    callback, user_id = pressed_by(update)
    t = context.texts
    figures = await context.services.meal_report.figures_for(user_id)
    if callback.action == "csv":
        await context.bot.send_document(
            user_id,
            figures_csv(figures).encode("utf-8-sig"),
            filename="meal-figures.csv",
            caption=t("Meal figures"),
        )
        return
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
    rows = [[(t("⬇️ CSV"), pack("mf", "csv"))], _menu(t)]
    await answer(update, context, "\n".join(lines), rows, edit=True)
