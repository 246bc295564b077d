"""Care's messages to staff and families, in their words: alerts, who took them, chats."""

from __future__ import annotations

from bot.domain.care import AlertKind, AlertTaken, CrisisAlert, Level, RelayEnded, RelayOpened
from bot.domain.errors import N_
from bot.domain.models import Role
from bot.domain.reminders import Recipient
from bot.i18n import Texts
from handlers.care import routes
from handlers.care.relay import opened_text
from handlers.sender import Renderers
from handlers.ui import Reply

CATEGORY_NAMES = {
    "suicide": N_("suicide"),
    "overdose": N_("overdose or poisoning"),
    "danger": N_("immediate danger"),
    "self_harm": N_("self-harm"),
    "sexual_abuse": N_("sexual abuse"),
    "abuse": N_("abuse or violence at home"),
    "unspecified": N_("words of crisis"),  # the learned net's: it does not tell which
    "violence": N_("abuse or violence at home"),  # the name of older events
}
UNKNOWN_CATEGORY = N_("crisis")


def crisis_alert(fact: CrisisAlert, to: Recipient, t: Texts) -> Reply:
    values = {
        "time": t.datetime(fact.at),
        "category": t(CATEGORY_NAMES.get(fact.category, UNKNOWN_CATEGORY)),
        "school": fact.school_name,
        "writer": fact.writer_name or t("an erased account"),
        "pupils": ", ".join(fact.pupil_names),
    }
    lines = [_headline(fact, t, values)]
    if fact.kind == AlertKind.CRISIS:
        lines.append(
            t("They were shown the helpline numbers at once. The message itself is not stored.")
        )
    if fact.level > Level.ON_DUTY:
        lines.append(
            t(
                "It comes to you because nobody at the school has taken it yet, or the school "
                "has no on-duty specialist."
            )
        )
    if fact.taken_name:
        lines.append(t("{name} is on it.", name=fact.taken_name))
        return Reply(text="\n\n".join(lines))
    lines.append(t("Press “I'm on it” if you take it: the others will be told."))
    return Reply(
        text="\n\n".join(lines), rows=(((t("✋ I'm on it"), routes.TAKE.data(fact.alert_id)),),)
    )


def _headline(fact: CrisisAlert, t: Texts, values: dict[str, str]) -> str:
    if fact.kind == AlertKind.CONTACT:
        if fact.writer_role == Role.PUPIL:
            return t(
                "🙋 {time}: the pupil {writer} ({school}) asks someone at school to contact "
                "them. Please get in touch soon.",
                **values,
            )
        return t(
            "🙋 {time}: the parent {writer} ({school}) asks someone at school to contact them "
            "about {pupils}. Please get in touch soon.",
            **values,
        )
    if fact.writer_role == Role.PUPIL and fact.about == "other":
        return t(
            "⚠️ Urgent. {time}: the pupil {writer} ({school}) wrote words of crisis about "
            "someone else, perhaps a friend. Topic: {category}. Please get in touch with them "
            "as soon as you can.",
            **values,
        )
    if fact.writer_role == Role.PUPIL:
        return t(
            "⚠️ Urgent. {time}: a message from the pupil {writer} ({school}) contains words "
            "of crisis. Topic: {category}. Please get in touch with them as soon as you can.",
            **values,
        )
    if fact.pupil_names:
        return t(
            "⚠️ Urgent. {time}: a message from the parent {writer} ({school}) contains words "
            "of crisis. About: {pupils}. Topic: {category}. Please get in touch with the "
            "family as soon as you can.",
            **values,
        )
    return t(
        "⚠️ Urgent. {time}: a message from the parent {writer} ({school}) contains words of "
        "crisis. Topic: {category}. Please get in touch with the family as soon as you can.",
        **values,
    )


def alert_taken(fact: AlertTaken, to: Recipient, t: Texts) -> Reply:
    pupils = ", ".join(fact.pupil_names) or "-"
    return Reply(
        text=t("✅ {name} is on the alert about {pupils}.", name=fact.taken_name, pupils=pupils)
    )


def relay_opened(fact: RelayOpened, to: Recipient, t: Texts) -> Reply:
    rows = (((t("✖ End the conversation"), routes.END.data(fact.session_id)),),)
    return Reply(text=opened_text(t, fact.other_name, fact.for_staff), rows=rows)


def relay_ended(fact: RelayEnded, to: Recipient, t: Texts) -> Reply:
    if not fact.other_name:  # the other side erased their account
        return Reply(text=t("The conversation has ended."))
    return Reply(text=t("The conversation with {name} has ended.", name=fact.other_name))


def register(renderers: Renderers) -> None:
    renderers.register(CrisisAlert, crisis_alert)
    renderers.register(AlertTaken, alert_taken)
    renderers.register(RelayOpened, relay_opened)
    renderers.register(RelayEnded, relay_ended)
