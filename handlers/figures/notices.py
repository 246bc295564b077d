"""The figures' messages: the weekly digest to coordinators, the nudge to families."""

from __future__ import annotations

from bot.domain.digest import SupportNudge, WeeklyDigest
from bot.domain.models import Role
from bot.domain.reminders import Recipient
from bot.i18n import Texts
from handlers.consultations import routes as consultations
from handlers.figures import routes
from handlers.figures.words import digest_lines
from handlers.internship import routes as internship
from handlers.internship.student import CLAIM_KINDS
from handlers.sender import Renderers
from handlers.ui import Reply


def weekly_digest(fact: WeeklyDigest, to: Recipient, t: Texts) -> Reply:
    period = fact.period
    lines = [
        t(
            "📊 Last week, {first} - {last}:",
            first=t.short_date(period.first),
            last=t.short_date(period.last),
        )
    ]
    for section in fact.sections:
        lines += ["", f"🏫 {section.scope_name}", *digest_lines(t, section.figures)]
        needs = []
        if section.stale_requests:
            needs.append(
                t.n(
                    "{n} request has waited for a specialist's answer for days.",
                    "{n} requests have waited for a specialist's answer for days.",
                    section.stale_requests,
                )
            )
        if section.figures.meals.not_received:
            needs.append(
                t.n(
                    "{n} meal was reported not received.",
                    "{n} meals were reported not received.",
                    section.figures.meals.not_received,
                )
            )
        if section.claims_waiting:
            needs.append(
                t.n(
                    "{n} internship claim is waiting for a decision.",
                    "{n} internship claims are waiting for a decision.",
                    section.claims_waiting,
                )
            )
        for claim in section.late_claims:
            needs.append(
                t(
                    "Waiting {days} working days: {name}, {kind}, {amount} €, sent {day}.",
                    days=claim.working_days,
                    name=claim.pupil_name,
                    kind=t(CLAIM_KINDS[claim.kind]),
                    amount=t.money(claim.amount_cents),
                    day=t.short_date(claim.submitted_on),
                )
            )
        if needs:
            lines += [t("Needs you:"), *(f"• {need}" for need in needs)]
    rows = [[(t("📊 Figures"), routes.HOME.data())]]
    if any(s.claims_waiting for s in fact.sections if not s.is_region):
        rows.append([(t("🧾 Internship claims"), internship.CLAIMS.data())])
    return Reply(text="\n".join(lines), rows=tuple(tuple(row) for row in rows))


def support_nudge(fact: SupportNudge, to: Recipient, t: Texts) -> Reply:
    if to.role == Role.GUARDIAN:
        text = t(
            "{name}'s support plan grants consultations with the school's teachers and "
            "specialists, and none has been booked yet. You can book one here.",
            name=fact.pupil_name,
        )
    else:
        text = t(
            "Your support plan grants consultations with the school's teachers and "
            "specialists, and you have not booked one yet. You can book one here."
        )
    rows = (((t("📅 Book a consultation"), consultations.BOOK_START.data()),),)
    return Reply(text=text, rows=rows)


def register(renderers: Renderers) -> None:
    renderers.register(WeeklyDigest, weekly_digest)
    renderers.register(SupportNudge, support_nudge)
