"""Internship support for vocational students: entitlements, days, transport claims."""

from __future__ import annotations

from datetime import date

from telegram import Update

from bot.context import BotContext
from bot.domain.eligibility import Measure
from bot.domain.errors import N_
from bot.domain.internship import ClaimDraft, ClaimState, TransportClaim
from bot.domain.questions import ClaimAnswer
from bot.i18n import Texts
from bot.services.internship.internship import InternshipView
from handlers.internship import routes
from handlers.ui import Button, answer, is_editing, menu_row

MEASURES = {
    Measure.INTERNSHIP_TRANSPORT: N_("Transport compensation"),
    Measure.INTERNSHIP_ACCOMMODATION: N_("Accommodation"),
    Measure.INTERNSHIP_MEALS: N_("Meals during the internship"),
}
CLAIM_KINDS = {
    "transport": N_("transport"),
    "accommodation": N_("accommodation"),
}
CLAIM_STATES = {
    ClaimState.SUBMITTED: N_("waiting for the coordinator"),
    ClaimState.APPROVED: N_("approved"),
    ClaimState.RETURNED: N_("returned: {reason}"),
}


def money(t: Texts, cents: int) -> str:
    return t("{amount} €", amount=t.money(cents))


def claim_line(t: Texts, claim: TransportClaim) -> str:
    return t(
        "{first} - {last}, {amount}: {state}",
        first=t.short_date(claim.first_day),
        last=t.short_date(claim.last_day),
        amount=money(t, claim.amount_cents),
        state=t(CLAIM_STATES[claim.state], reason=claim.reason),
    )


def overview_view(t: Texts, view: InternshipView) -> tuple[str, list[list[Button]]]:
    lines = [t("Your internship support:")]
    for entitlement in view.entitlements:
        mark = "✅" if entitlement.eligible else "—"
        lines.append(f"{mark} {t(MEASURES[entitlement.measure])}")
    rows: list[list[Button]] = []
    if view.entitled(Measure.INTERNSHIP_MEALS):
        lines += ["", t("Tap the days you are at the internship, for meals:")]
        rows += [
            [
                (
                    ("☑️ " if day in view.confirmed else "⬜ ") + t.short_date(day),
                    routes.TOGGLE_DAY.data(day),
                )
                for day in view.days[i : i + 2]
            ]
            for i in range(0, len(view.days), 2)
        ]
    if view.entitled(Measure.INTERNSHIP_TRANSPORT):
        rows.append([(t("🧾 New transport claim"), routes.NEW_CLAIM.data())])
    if view.claims:
        lines += ["", t("Your claims:"), *("• " + claim_line(t, c) for c in view.claims)]
    if not any(e.eligible for e in view.entitlements):
        lines += ["", t("Your support plan gives no internship support now.")]
    return "\n".join(lines), [*rows, menu_row(t)]


async def show(update: Update, context: BotContext) -> None:
    view = await context.services.internship.overview(context.actor)
    text, rows = overview_view(context.texts, view)
    await answer(update, context, text, rows, edit=True)


async def toggle_day(update: Update, context: BotContext, day: date) -> None:
    view = await context.services.internship.toggle_day(context.actor, day)
    text, rows = overview_view(context.texts, view)
    await answer(update, context, text, rows, edit=True)


async def new_claim(update: Update, context: BotContext) -> None:
    await show_claim_step(
        update, context, await context.services.internship.begin_claim(context.actor)
    )


async def cancel_claim(update: Update, context: BotContext) -> None:
    await context.services.questions.end(context.actor)
    t = context.texts
    await answer(update, context, t("Cancelled; nothing was changed."), [menu_row(t)], edit=True)


async def show_claim_step(update: Update, context: BotContext, draft: ClaimDraft) -> None:
    t = context.texts
    rows = [[(t("✖️ Cancel"), routes.CANCEL_CLAIM.data())]]
    if draft.step == "dates":
        text = t(
            "Transport claim, step 1 of 3. Which days were the trips? Write the first and last "
            "day, like 1.12-5.12, or one day, like 3.12."
        )
    elif draft.step == "amount":
        text = t("Step 2 of 3. How much did the tickets cost, in euro? For example 12.50")
    elif draft.step == "photo":
        text = t("Step 3 of 3. Please send a photo of the ticket or receipt.")
    else:
        text = t("Thank you! Your claim was sent to the school's coordinator.")
        if draft.claim is not None:
            text += "\n" + claim_line(t, draft.claim)
        rows = [menu_row(t)]
    await answer(update, context, text, rows, edit=is_editing(update))


async def typed_claim(
    update: Update, context: BotContext, asked: ClaimAnswer, text: str | None, photo: str | None
) -> None:
    """One answer of the claim: the dates, the amount, then the ticket's photo."""
    draft = await context.services.internship.take_claim_input(context.actor, text, photo)
    await show_claim_step(update, context, draft)
