"""Internship claims for school coordinators: the list, the photo, approve or return, and
the payment file (XLSX and CSV)."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.context import BotContext
from bot.domain.errors import N_, NotAllowed
from bot.domain.figures import relative_period
from bot.domain.internship import PaymentExport
from bot.domain.questions import ReturnReason
from handlers.figures.sheets import table_csv, workbook
from handlers.figures.tables import Column, Table
from handlers.figures.words import PERIOD_LABELS
from handlers.internship import routes
from handlers.internship.student import claim_line
from handlers.ui import Button, answer, menu_row

PAYMENT_COLUMNS = (
    Column("pupil_id", N_("School id"), lambda s: None),
    Column("pupil", N_("Pupil"), lambda s: None),
    Column("kind", N_("Kind"), lambda s: None),
    Column("first_day", N_("From"), lambda s: None),
    Column("last_day", N_("To"), lambda s: None),
    Column("days", N_("Days"), lambda s: None),
    Column("amount_eur", N_("Amount, EUR"), lambda s: None),
    Column("claim_id", N_("Claim"), lambda s: None),
)


async def show_list(update: Update, context: BotContext) -> None:
    claims = await context.services.claims.claims_to_decide(context.actor)
    t = context.texts
    rows: list[list[Button]] = []
    if not claims:
        lines = [t("No internship claims are waiting.")]
    else:
        lines = [t("Internship claims waiting for you:")]
    for number, claim in enumerate(claims, 1):
        lines.append(f"{number}. {claim.pupil_name}: {claim_line(t, claim)}")
        rows.append(
            [
                (t("🖼 Ticket {n}", n=number), routes.TICKET.data(claim.id)),
                (t("✅ Approve {n}", n=number), routes.APPROVE.data(claim.id)),
                (t("↩️ Return {n}", n=number), routes.RETURN.data(claim.id)),
            ]
        )
    rows += [
        [(t("💶 Payment file: {school}", school=school), routes.PAY.data(index))]
        for index, school in enumerate(context.actor.coordinated_schools)
    ]
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
    await answer(update, context, text, [[(t("🧾 Internship claims"), routes.CLAIMS.data())]])


# --- the payment file ---------------------------------------------------------------------


def _school(context: BotContext, index: int) -> str:
    schools = context.actor.coordinated_schools
    if index >= len(schools):
        raise NotAllowed()
    return schools[index]


async def pay(update: Update, context: BotContext, index: int) -> None:
    t = context.texts
    text = t(
        "A payment file holds the approved claims and the meal allowance days of a period "
        "that no earlier file held; they are marked paid. Which period?"
    )
    rows = [
        [(t(PERIOD_LABELS[word]), routes.PAY_PERIOD.data(index, word))]
        for word in ("m0", "m1", "s0")
    ]
    rows.append([(t("⬇️ The last payment file again"), routes.PAY_AGAIN.data(index))])
    rows.append([(t("🧾 Internship claims"), routes.CLAIMS.data())])
    await answer(update, context, text, rows, edit=True)


async def pay_period(update: Update, context: BotContext, index: int, word: str) -> None:
    period = relative_period(word, context.services.figures.today())
    export = await context.services.claims.export_payments(
        context.actor, _school(context, index), period
    )
    await send_payment_file(context, export)


async def pay_again(update: Update, context: BotContext, index: int) -> None:
    export = await context.services.claims.last_export(context.actor, _school(context, index))
    if export is None:
        t = context.texts
        await answer(update, context, t("No payment file was made yet."), [menu_row(t)], edit=True)
        return
    await send_payment_file(context, export)


def payment_table(export: PaymentExport) -> Table:
    rows: list[list[str | int | float | None]] = [
        [
            row.pupil_external_id,
            row.pupil_name,
            row.kind,
            row.first_day.isoformat(),
            row.last_day.isoformat(),
            row.days,
            round(row.amount_cents / 100, 2),
            row.claim_id,
        ]
        for row in export.rows
    ]
    return Table("payments", N_("Payments"), PAYMENT_COLUMNS, rows)


async def send_payment_file(context: BotContext, export: PaymentExport) -> None:
    t = context.texts
    found = payment_table(export)
    summary: list[list[str | int | float | None]] = [
        [t("School"), export.school_id],
        [t("Payment file"), export.id],
        [t("From"), export.first_day.isoformat()],
        [t("To"), export.last_day.isoformat()],
        [t("Total, EUR"), round(export.total_cents / 100, 2)],
    ]
    book = await asyncio.to_thread(workbook, [found], summary, t)
    stem = f"payments-{export.school_id}-{export.id}"
    caption = t(
        "Payment file {id}: {rows} lines, {total} €. Everything in it is marked paid.",
        id=export.id,
        rows=len(export.rows),
        total=t.money(export.total_cents),
    )
    chat = context.actor.telegram_id
    await context.bot.send_document(chat, book, filename=f"{stem}.xlsx", caption=caption)
    await context.bot.send_document(chat, table_csv(found), filename=f"{stem}.csv")
