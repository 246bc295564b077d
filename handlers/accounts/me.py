"""/me: what the bot holds about this account, the export, erasing it; the support plan."""

from __future__ import annotations

import json

from telegram import Update

from bot.context import BotContext
from bot.domain.calendar import MeasureUse
from bot.domain.errors import N_
from bot.i18n import LANGUAGE_NAMES, Texts
from handlers.accounts import routes
from handlers.accounts.start import ROLE_NAMES
from handlers.consultations.history import duration
from handlers.ui import MENU, answer, guarded, is_editing, menu_row

MEASURE_NAMES = {
    "subject_consultation": N_("Subject consultations: {subject}"),
    "emotional_support": N_("Emotional support"),
    "meals": N_("Meals"),
    "transport": N_("Transport compensation"),
    "accommodation": N_("Accommodation"),
    "internship_meals": N_("Meals during the internship"),
}


def measure_label(t: Texts, kind: str, subject: str) -> str:
    return t(MEASURE_NAMES[kind], subject=subject)


def use_line(t: Texts, use: MeasureUse, hours_granted: float | None) -> str:
    """Hours used (sessions past), booked (to come) and left of one measure."""
    used, booked = duration(t, use.used_minutes), duration(t, use.booked_minutes)
    if hours_granted is None:
        return t("used {used}, booked {booked}", used=used, booked=booked)
    left = round(hours_granted * 60) - use.used_minutes - use.booked_minutes
    return t(
        "used {used}, booked {booked}, left {left}",
        used=used,
        booked=booked,
        left=duration(t, left),
    )


@guarded
async def me_command(update: Update, context: BotContext) -> None:
    await show_me(update, context)


async def show_me(update: Update, context: BotContext) -> None:
    """What this bot holds about the account, with export and erase."""
    data = await context.services.privacy.describe(context.actor)
    t = context.texts
    actor = data.account
    # The language in use: chosen in the bot, else taken from Telegram's settings.
    language = LANGUAGE_NAMES[t.language]
    if actor.language is None:
        language = t("{language} (from your Telegram settings)", language=language)
    lines = [
        t("What this bot holds about you:"),
        t("Telegram user id: {id}", id=actor.telegram_id),
        t("Language: {language}", language=language),
    ]
    if not actor.links:
        lines.append(t("Linked to: nobody yet."))
    for person in actor.links:
        lines.append(
            t(
                "Linked as {role}: {name} (school {school})",
                role=t(ROLE_NAMES[person.role]),
                name=person.display_name,
                school=person.school_id,
            )
        )
    if data.children:
        lines.append(t("Children: {names}", names=", ".join(data.children)))
    lines.append(
        t.n(
            "{n} scheduled message to you (reminders)",
            "{n} scheduled messages to you (reminders)",
            data.scheduled_messages,
        )
    )
    lines.append(
        t(
            "Messages in a conversation with someone at school are passed on and never "
            "stored: the bot keeps only who talked with whom, and when."
        )
    )
    rows = [
        [(t("⬇️ Download my data"), routes.EXPORT.data())],
        [(t("🗑 Erase my account"), routes.ERASE.data())],
    ]
    await answer(update, context, "\n".join(lines), rows, edit=is_editing(update))


async def export(update: Update, context: BotContext) -> None:
    data = await context.services.privacy.export(context.actor)
    payload = json.dumps(data.model_dump(mode="json"), ensure_ascii=False, indent=2)
    await context.bot.send_document(
        context.actor.telegram_id,
        payload.encode("utf-8"),
        filename="my-data.json",
        caption=context.texts("Everything this bot holds about your account."),
    )


async def ask_erase(update: Update, context: BotContext) -> None:
    t = context.texts
    rows = [
        [(t("Yes, erase my account"), routes.ERASE_OK.data())],
        [(t("No, keep it"), MENU.data())],
    ]
    text = t(
        "Erase your account? The bot forgets this Telegram account, its links and what you "
        "typed: notes, and the address and phone of meal deliveries you confirmed (those "
        "deliveries stop). Your school's support plan stays with the school. You can link "
        "again with a new code."
    )
    await answer(update, context, text, rows, edit=True)


async def erase(update: Update, context: BotContext) -> None:
    await context.services.privacy.erase(context.actor)
    await answer(update, context, context.texts("Your account was erased."), edit=True)


async def show_plans(update: Update, context: BotContext) -> None:
    views = await context.services.accounts.view_plans(context.actor)
    t = context.texts
    blocks = []
    for view in views:
        use = {u.measure_id: u for u in view.use}
        lines = [view.pupil_name]
        if not view.plans:
            lines.append(t("No support plan yet."))
        for plan in view.plans:
            lines.append(
                t(
                    "Plan {plan} ({year}, semester {semester}): {start} - {end}",
                    plan=plan.external_id,
                    year=plan.school_year,
                    semester=plan.semester,
                    start=t.short_date(plan.starts_on),
                    end=t.short_date(plan.ends_on),
                )
            )
            for measure in plan.measures:
                label = measure_label(t, measure.kind.value, measure.subject)
                if measure.hours_granted is not None:
                    hours = t.n("{n} hour", "{n} hours", int(measure.hours_granted))
                    label = t("{measure} ({hours})", measure=label, hours=hours)
                lines.append("  • " + label)
                if measure.id in use:
                    lines.append("    " + use_line(t, use[measure.id], measure.hours_granted))
        blocks.append("\n".join(lines))
    text = "\n\n".join(blocks) if blocks else t("No support plan yet.")
    await answer(update, context, text, [menu_row(t)], edit=True)
