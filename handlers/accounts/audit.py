"""Who read a pupil's data: a school coordinator's screen, and the administrator's CSV."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.domain.errors import N_
from bot.domain.privacy import AuditRead, PupilAudit
from bot.domain.questions import AuditPupil
from bot.i18n import Texts
from handlers.accounts.start import ROLE_NAMES
from handlers.files import csv_bytes
from handlers.ui import answer, menu_row

# What each kind of audit row means, for the coordinator; unknown ones show as stored.
ACTIONS = {
    "read_plan": N_("opened the support plan"),
    "read_booking": N_("opened the consultations"),
    "read_free_times": N_("looked for free times to book"),
    "read_preview": N_("looked at a time to book"),
    "read_meals": N_("opened meals at home"),
    "read_meal_delivery": N_("opened the delivery list"),
    "read_claim": N_("opened the transport claims"),
    "read_ticket": N_("opened a ticket's photo"),
    "read_crisis_alert": N_("was alerted to words of crisis"),
    "read_me": N_("opened “My data”"),
    "export": N_("downloaded “My data”"),
    "read_audit": N_("read this list"),
    "linked": N_("linked a Telegram account"),
    "account_erased": N_("erased a Telegram account"),
    "sent_notice": N_("was told of a change to a session"),
    "sent_session": N_("was reminded of a session"),
    "sent_agenda": N_("got the day's sessions"),
    "sent_evidence": N_("was asked whether a session took place"),
    "sent_evidence_again": N_("was asked whether a session took place"),
    "sent_meal_tomorrow": N_("was told of tomorrow's meal"),
    "sent_meal_confirm": N_("was asked whether the meal came"),
    "sent_caterer_list": N_("got the day's delivery list"),
    "sent_meal_not_received": N_("was told a meal did not come"),
    "sent_late_cancel": N_("was told of a session cancelled late"),
    "sent_claim_decided": N_("was told of a claim's decision"),
}
CSV_COLUMNS = ("at", "action", "pupil_id", "reader_role", "reader_name", "reader_telegram_id")


def audit_csv(found: PupilAudit) -> bytes:
    """The administrator's view (``pumpurs-bot audit``): every row, Telegram ids included."""
    rows = [
        (
            r.at.isoformat(),
            r.action,
            r.pupil_id,
            r.reader_role.value if r.reader_role else "",
            r.reader_name,
            r.reader_telegram_id if r.reader_telegram_id is not None else "",
        )
        for r in found.reads
    ]
    return csv_bytes(CSV_COLUMNS, rows, bom=False)


def read_line(t: Texts, read: AuditRead) -> str:
    if read.reader_role is None:
        reader = t("an account erased since, or the bot itself")
    else:
        reader = t("{name} ({role})", name=read.reader_name, role=t(ROLE_NAMES[read.reader_role]))
    action = ACTIONS.get(read.action)
    what = t(action) if action else read.action
    return t("{when} · {reader} · {what}", when=t.datetime(read.at), reader=reader, what=what)


async def ask_pupil(update: Update, context: BotContext) -> None:
    await context.services.privacy.ask_audit(context.actor)
    t = context.texts
    text = t(
        "Whose audit log would you like to read? Write the pupil's id as it is in the "
        "school's records (for example P1)."
    )
    await answer(update, context, text, [menu_row(t)], edit=True)


async def typed_pupil(update: Update, context: BotContext, asked: AuditPupil, text: str) -> None:
    found = await context.services.privacy.pupil_audit(context.actor, text)
    t = context.texts
    head = t(
        "Who read the data of {name} ({pupil}), newest first:",
        name=found.pupil.display_name,
        pupil=found.pupil.external_id,
    )
    lines = [read_line(t, read) for read in found.reads]
    if not lines:
        lines = [t("Nobody but the pupil has read their data.")]
    await answer(update, context, "\n".join([head, *lines]), [menu_row(t)])
