"""Internship support's notices, in the student's words."""

from __future__ import annotations

from bot.domain.internship import ClaimDecided, ClaimState
from bot.domain.reminders import Recipient
from bot.i18n import Texts
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
    if claim.state == ClaimState.APPROVED:
        text = t(
            "✅ Your transport claim for {first} - {last} ({amount} €) was approved.", **values
        )
    else:
        text = t(
            "↩️ Your transport claim for {first} - {last} ({amount} €) was returned. "
            "Reason: {reason}",
            reason=claim.reason,
            **values,
        )
    return Reply(text=text)


def register(renderers: Renderers) -> None:
    renderers.register(ClaimDecided, claim_decided)
