"""Transport claims for school coordinators: the list, the ticket, approve or return."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.domain.questions import ReturnReason
from handlers.internship import routes
from handlers.internship.student import claim_line
from handlers.ui import Button, answer, menu_row


async def show_list(update: Update, context: BotContext) -> None:
    claims = await context.services.claims.claims_to_decide(context.actor)
    t = context.texts
    if not claims:
        await answer(
            update, context, t("No transport claims are waiting."), [menu_row(t)], edit=True
        )
        return
    lines = [t("Transport claims waiting for you:")]
    rows: list[list[Button]] = []
    for number, claim in enumerate(claims, 1):
        lines.append(f"{number}. {claim.pupil_name}: {claim_line(t, claim)}")
        rows.append(
            [
                (t("🖼 Ticket {n}", n=number), routes.TICKET.data(claim.id)),
                (t("✅ Approve {n}", n=number), routes.APPROVE.data(claim.id)),
                (t("↩️ Return {n}", n=number), routes.RETURN.data(claim.id)),
            ]
        )
    await answer(update, context, "\n".join(lines), [*rows, menu_row(t)], edit=True)


async def ticket(update: Update, context: BotContext, claim_id: int) -> None:
    claim = await context.services.claims.ticket(context.actor, claim_id)
    t = context.texts
    caption = t("Ticket of {name}: {claim}", name=claim.pupil_name, claim=claim_line(t, claim))
    await context.bot.send_photo(context.actor.telegram_id, claim.ticket_file_id, caption=caption)


async def approve(update: Update, context: BotContext, claim_id: int) -> None:
    claim = await context.services.claims.approve(context.actor, claim_id)
    context.toast = context.texts("Approved: {name}", name=claim.pupil_name)
    await show_list(update, context)


async def ask_return(update: Update, context: BotContext, claim_id: int) -> None:
    claim = await context.services.claims.begin_return(context.actor, claim_id)
    t = context.texts
    text = t(
        "Why is the claim of {name} returned? Please write the reason; the student will read it.",
        name=claim.pupil_name,
    )
    await answer(update, context, text, [[(t("✖️ Cancel"), routes.CANCEL_RETURN.data())]])


async def cancel_return(update: Update, context: BotContext) -> None:
    await context.services.questions.end(context.actor)
    t = context.texts
    await answer(update, context, t("Cancelled; nothing was changed."), [menu_row(t)], edit=True)


async def typed_reason(update: Update, context: BotContext, asked: ReturnReason, text: str) -> None:
    claim = await context.services.claims.take_return_reason(context.actor, text)
    t = context.texts
    text = t("The claim of {name} was returned; the student is told why.", name=claim.pupil_name)
    await answer(update, context, text, [[(t("🧾 Transport claims"), routes.CLAIMS.data())]])
