"""Internship support's notices, in the student's words."""

from __future__ import annotations

from bot.domain.internship import ClaimDecided, ClaimKind, ClaimState, ClaimSubmitted
from bot.domain.reminders import Recipient
from bot.i18n import Texts
from handlers.internship import routes
from handlers.internship.student import claim_line
from handlers.sender import Renderers
from handlers.ui import Reply


def claim_decided(fact: ClaimDecided, to: Recipient, t: Texts) -> Reply:
    claim = fact.claim
    values = {
        "first": t.short_date(claim.first_day),
        "last": t.short_date(claim.last_day),
        "amount": t.money(claim.amount_cents),
        "name": fact.pupil_name,
    }
    accommodation = claim.kind == ClaimKind.ACCOMMODATION
    if claim.state == ClaimState.APPROVED and accommodation:
        text = t(
            "✅ Your accommodation claim for {first} - {last} ({amount} €) was approved.", **values
        )
    elif claim.state == ClaimState.APPROVED:
        text = t(
            "✅ Your transport claim for {first} - {last} ({amount} €) was approved.", **values
        )
    elif accommodation:
        text = t(
            "↩️ Your accommodation claim for {first} - {last} ({amount} €) was returned. "
            "Reason: {reason}",
            reason=claim.reason,
            **values,
        )
    else:
        text = t(
            "↩️ Your transport claim for {first} - {last} ({amount} €) was returned. "
            "Reason: {reason}",
            reason=claim.reason,
            **values,
        )
    return Reply(text=text)


def claim_submitted(fact: ClaimSubmitted, to: Recipient, t: Texts) -> Reply:
    claim = fact.claim
    text = t(
        "🧾 A new internship claim from {name}: {claim}",
        name=claim.pupil_name,
        claim=claim_line(t, claim),
    )
    return Reply(text=text, rows=(((t("🧾 Internship claims"), routes.CLAIMS.data()),),))


def register(renderers: Renderers) -> None:
    renderers.register(ClaimDecided, claim_decided)
    renderers.register(ClaimSubmitted, claim_submitted)
