"""Internship support for vocational students: entitlements, days, claims; a parent's view."""

from __future__ import annotations

from datetime import date

from telegram import Update

from bot.context import BotContext
from bot.domain.eligibility import Measure
from bot.domain.errors import N_
from bot.domain.internship import Claim, ClaimDraft, ClaimKind, ClaimState
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


def claim_line(t: Texts, claim: Claim) -> str:
    line = t(
        "{first} - {last}, {amount}: {state}",
        first=t.short_date(claim.first_day),
        last=t.short_date(claim.last_day),
        amount=money(t, claim.amount_cents),
        state=t(CLAIM_STATES[claim.state], reason=claim.reason),
    )
    return f"{t(CLAIM_KINDS[claim.kind])}, {line}"


def overview_view(
    t: Texts, view: InternshipView, *, own: bool = True
) -> tuple[str, list[list[Button]]]:
    """The student's screen; a parent (``own`` False) sees it without buttons."""
    head = (
        t("Your internship support:")
        if own
        else t("Internship support of {name}:", name=view.pupil.display_name)
    )
    lines = [head]
    for entitlement in view.entitlements:
        mark = "✅" if entitlement.eligible else "—"
        lines.append(f"{mark} {t(MEASURES[entitlement.measure])}")
    rows: list[list[Button]] = []
    if view.meals_as == "caterer":
        lines += [
            "",
            t(
                "The school's caterer prepares a meal for each internship day marked ☑️; a "
                "day can be changed until the caterer's cut-off the day before."
            ),
        ]
    elif view.meals_as == "allowance":
        lines += [
            "",
            t(
                "A meal allowance is paid for each internship day marked ☑️; waiting to be "
                "paid: {days} days, {amount}.",
                days=view.allowance_days,
                amount=money(t, view.allowance_cents),
            ),
        ]
    if own and view.entitled(Measure.INTERNSHIP_MEALS):
        lines += [t("Tap the days you are at the internship, for meals:")]
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
    elif view.confirmed:
        days = ", ".join(t.short_date(d) for d in view.confirmed)
        lines.append(t("Internship days marked: {days}", days=days))
    if own and view.entitled(Measure.INTERNSHIP_TRANSPORT):
        rows.append([(t("🧾 New transport claim"), routes.NEW_CLAIM.data())])
    if own and view.entitled(Measure.INTERNSHIP_ACCOMMODATION):
        rows.append([(t("🏠 New accommodation claim"), routes.NEW_ACCOMMODATION.data())])
    if view.claims:
        lines += ["", t("Claims:"), *("• " + claim_line(t, c) for c in view.claims)]
    if not any(e.eligible for e in view.entitlements):
        lines += ["", t("The support plan gives no internship support now.")]
    return "\n".join(lines), [*rows, menu_row(t)]


async def show(update: Update, context: BotContext) -> None:
    view = await context.services.internship.overview(context.actor)
    text, rows = overview_view(context.texts, view)
    await answer(update, context, text, rows, edit=True)


async def show_family(update: Update, context: BotContext) -> None:
    """A parent: each child's internship screen and claims, to read."""
    views = await context.services.internship.family_overview(context.actor)
    t = context.texts
    texts = [overview_view(t, view, own=False)[0] for view in views]
    text = "\n\n".join(texts) or t("No child is linked to your account.")
    await answer(update, context, text, [menu_row(t)], edit=True)


async def toggle_day(update: Update, context: BotContext, day: date) -> None:
    view = await context.services.internship.toggle_day(context.actor, day)
    text, rows = overview_view(context.texts, view)
    await answer(update, context, text, rows, edit=True)


async def new_claim(update: Update, context: BotContext) -> None:
    draft = await context.services.internship.begin_claim(context.actor, ClaimKind.TRANSPORT)
    await show_claim_step(update, context, draft)


async def new_accommodation(update: Update, context: BotContext) -> None:
    draft = await context.services.internship.begin_claim(context.actor, ClaimKind.ACCOMMODATION)
    await show_claim_step(update, context, draft)


async def cancel_claim(update: Update, context: BotContext) -> None:
    await context.services.questions.end(context.actor)
    t = context.texts
    await answer(update, context, t("Cancelled; nothing was changed."), [menu_row(t)], edit=True)


STEPS = {
    (ClaimKind.TRANSPORT, "dates"): N_(
        "Transport claim, step 1 of 3. Which days were the trips? Write the first and last "
        "day, like 1.12-5.12, or one day, like 3.12."
    ),
    (ClaimKind.TRANSPORT, "amount"): N_(
        "Step 2 of 3. How much did the tickets cost, in euro? For example 12.50"
    ),
    (ClaimKind.TRANSPORT, "photo"): N_(
        "Step 3 of 3. Please send a photo of the ticket or receipt."
    ),
    (ClaimKind.ACCOMMODATION, "dates"): N_(
        "Accommodation claim, step 1 of 3. Which nights did you stay? Write the first and "
        "last day, like 1.12-5.12."
    ),
    (ClaimKind.ACCOMMODATION, "amount"): N_(
        "Step 2 of 3. How much did the stay cost, in euro? For example 80.00"
    ),
    (ClaimKind.ACCOMMODATION, "photo"): N_("Step 3 of 3. Please send a photo of the receipt."),
}


async def show_claim_step(update: Update, context: BotContext, draft: ClaimDraft) -> None:
    t = context.texts
    rows = [[(t("✖️ Cancel"), routes.CANCEL_CLAIM.data())]]
    if (draft.kind, draft.step) in STEPS:
        text = t(STEPS[(draft.kind, draft.step)])
    else:
        text = t("Thank you! Your claim was sent to the school's coordinator.")
        if draft.claim is not None:
            text += "\n" + claim_line(t, draft.claim)
        rows = [menu_row(t)]
    await answer(update, context, text, rows, edit=is_editing(update))


async def typed_claim(
    update: Update, context: BotContext, asked: ClaimAnswer, text: str | None, photo: str | None
) -> None:
    """One answer of the claim: the dates, the amount, then the photo."""
    draft = await context.services.internship.take_claim_input(context.actor, text, photo)
    await show_claim_step(update, context, draft)
