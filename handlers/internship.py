"""Internship support for vocational students, and transport claims for coordinators."""

from __future__ import annotations

from datetime import date

from telegram import Update

from bot.context import BotContext
from bot.domain.callback import pack
from bot.domain.eligibility import Measure
from bot.domain.errors import N_, NotAllowed
from bot.domain.meals import TransportClaim
from bot.i18n import Texts
from bot.services.internship import ClaimDraft, InternshipView
from handlers.ui import Button, answer, guarded, pressed_by

MEASURES = {
    Measure.INTERNSHIP_TRANSPORT: N_("Transport compensation"),
    Measure.INTERNSHIP_ACCOMMODATION: N_("Accommodation"),
    Measure.INTERNSHIP_MEALS: N_("Meals during the internship"),
}
CLAIM_STATES = {
    "submitted": N_("waiting for the coordinator"),
    "approved": N_("approved"),
    "returned": N_("returned: {reason}"),
}


def _menu(t: Texts) -> list[Button]:
    return [(t("⬅️ Menu"), pack("menu", "home"))]


def _money(t: Texts, cents: int) -> str:
    return t("{amount} €", amount=t.money(cents))


def claim_line(t: Texts, claim: TransportClaim) -> str:
    return t(
        "{first} - {last}, {amount}: {state}",
        first=t.short_date(claim.first_day),
        last=t.short_date(claim.last_day),
        amount=_money(t, claim.amount_cents),
        state=t(CLAIM_STATES[claim.state.value], reason=claim.reason),
    )


def overview_view(t: Texts, view: InternshipView) -> tuple[str, list[list[Button]]]:
    lines = [t("Your internship support:")]
    for answer_ in view.entitlements:
        mark = "✅" if answer_.eligible else "—"
        lines.append(f"{mark} {t(MEASURES[answer_.measure])}")
    rows: list[list[Button]] = []
    if view.entitled(Measure.INTERNSHIP_MEALS):
        lines += ["", t("Tap the days you are at the internship, for meals:")]
        rows += [
            [
                (
                    ("☑️ " if day in view.confirmed else "⬜ ") + t.short_date(day),
                    pack("is", "day", day.strftime("%Y%m%d")),
                )
                for day in view.days[i : i + 2]
            ]
            for i in range(0, len(view.days), 2)
        ]
    if view.entitled(Measure.INTERNSHIP_TRANSPORT):
        rows.append([(t("🧾 New transport claim"), pack("is", "claim"))])
    if view.claims:
        lines += ["", t("Your claims:"), *("• " + claim_line(t, c) for c in view.claims)]
    if not any(e.eligible for e in view.entitlements):
        lines += ["", t("Your support plan gives no internship support now.")]
    return "\n".join(lines), [*rows, _menu(t)]


@guarded()
async def internship_button(update: Update, context: BotContext) -> None:
    """``is:`` buttons of the student: the overview, a day, a new claim."""
    callback, user_id = pressed_by(update)
    t, service = context.texts, context.services.internship
    if callback.action == "menu":
        view = await service.overview(user_id)
    elif callback.action == "day" and callback.args:
        try:
            day = date(
                int(callback.args[0][:4]), int(callback.args[0][4:6]), int(callback.args[0][6:])
            )
        except ValueError:
            raise NotAllowed() from None
        view = await service.toggle_day(user_id, day)
    elif callback.action == "claim":
        await show_claim_step(update, context, await service.begin_claim(user_id))
        return
    else:
        raise NotAllowed()
    text, rows = overview_view(t, view)
    await answer(update, context, text, rows, edit=True)


async def show_claim_step(update: Update, context: BotContext, draft: ClaimDraft) -> None:
    t = context.texts
    cancel = [[(t("✖️ Cancel"), pack("ml", "cancel", 0))]]
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
        claim = draft.claim
        text = t("Thank you! Your claim was sent to the school's coordinator.")
        if claim is not None:
            text += "\n" + claim_line(t, claim)
        cancel = [_menu(t)]
    await answer(update, context, text, cancel, edit=update.callback_query is not None)


async def show_returned(update: Update, context: BotContext, claim: TransportClaim) -> None:
    t = context.texts
    text = t("The claim of {name} was returned; the student is told why.", name=claim.pupil_name)
    await answer(update, context, text, [[(t("🧾 Transport claims"), pack("cl", "list"))]])


@guarded()
async def claims_button(update: Update, context: BotContext) -> None:
    """``cl:`` buttons of coordinators: the list, approve, return with a reason."""
    callback, user_id = pressed_by(update)
    t, service = context.texts, context.services.internship
    if callback.action in ("ok", "ret", "pic"):
        try:
            claim_id = callback.int_arg(0)
        except (ValueError, IndexError):
            raise NotAllowed() from None
        if callback.action == "pic":
            claim = await service.ticket(user_id, claim_id)
            caption = t(
                "Ticket of {name}: {claim}", name=claim.pupil_name, claim=claim_line(t, claim)
            )
            await context.bot.send_photo(user_id, claim.ticket_file_id, caption=caption)
            return
        if callback.action == "ret":
            claim = await service.begin_return(user_id, claim_id)
            text = t(
                "Why is the claim of {name} returned? Please write the reason; the student "
                "will read it.",
                name=claim.pupil_name,
            )
            await answer(update, context, text, [[(t("✖️ Cancel"), pack("ml", "cancel", 0))]])
            return
        claim = await service.approve(user_id, claim_id)
        context.toast = t("Approved: {name}", name=claim.pupil_name)
    elif callback.action != "list":
        raise NotAllowed()
    claims = await service.claims_to_decide(user_id)
    if not claims:
        await answer(update, context, t("No transport claims are waiting."), [_menu(t)], edit=True)
        return
    lines = [t("Transport claims waiting for you:")]
    rows: list[list[Button]] = []
    for number, claim in enumerate(claims, 1):
        lines.append(f"{number}. {claim.pupil_name}: {claim_line(t, claim)}")
        rows.append(
            [
                (t("🖼 Ticket {n}", n=number), pack("cl", "pic", claim.id)),
                (t("✅ Approve {n}", n=number), pack("cl", "ok", claim.id)),
                (t("↩️ Return {n}", n=number), pack("cl", "ret", claim.id)),
            ]
        )
    await answer(update, context, "\n".join(lines), [*rows, _menu(t)], edit=True)
