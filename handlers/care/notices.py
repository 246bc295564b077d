"""The alert to the school's on-duty staff, in their words: who, where, when; no content."""

from __future__ import annotations

from bot.domain.care import CrisisAlert
from bot.domain.errors import N_
from bot.domain.models import Role
from bot.domain.reminders import Recipient
from bot.i18n import Texts
from handlers.sender import Renderers
from handlers.ui import Reply

CATEGORY_NAMES = {
    "suicide": N_("suicide"),
    "self_harm": N_("self-harm"),
    "abuse": N_("abuse"),
    "violence": N_("violence"),
}


def crisis_alert(fact: CrisisAlert, to: Recipient, t: Texts) -> Reply:
    values = {
        "time": t.datetime(fact.at),
        "category": t(CATEGORY_NAMES.get(fact.category, N_("crisis"))),
        "school": fact.school_name,
        "writer": fact.writer_name,
        "pupils": ", ".join(fact.pupil_names),
    }
    if fact.writer_role == Role.PUPIL:
        lines = [
            t(
                "⚠️ Urgent. {time}: a message from the pupil {writer} ({school}) "
                "contains words of crisis. Topic: {category}.",
                **values,
            ),
            t("Please get in touch with them as soon as you can."),
        ]
    else:
        headline = (
            t(
                "⚠️ Urgent. {time}: a message from the parent {writer} ({school}) "
                "contains words of crisis. About: {pupils}. Topic: {category}.",
                **values,
            )
            if fact.pupil_names
            else t(
                "⚠️ Urgent. {time}: a message from the parent {writer} ({school}) "
                "contains words of crisis. Topic: {category}.",
                **values,
            )
        )
        lines = [headline, t("Please get in touch with the family as soon as you can.")]
    lines.append(
        t("They were shown the helpline numbers at once. The message itself is not stored.")
    )
    return Reply(text="\n\n".join(lines))


def register(renderers: Renderers) -> None:
    renderers.register(CrisisAlert, crisis_alert)
