"""Adding a specialist in the chat, and a message to the school's families."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.domain.admin import Audience, BroadcastPreview, SpecialistDraft
from bot.domain.models import SpecialistKind
from bot.domain.questions import BroadcastAnswer, SpecialistAnswer
from handlers.admin import routes
from handlers.admin.people import KIND_NAMES, card_view, school_id_of
from handlers.ui import Button, answer, is_editing, menu_row


async def add_specialist(update: Update, context: BotContext, index: int) -> None:
    draft = await context.services.specialists.begin(context.actor, school_id_of(context, index))
    await show_step(update, context, draft)


async def show_step(update: Update, context: BotContext, draft: SpecialistDraft) -> None:
    t = context.texts
    cancel = [(t("✖️ Cancel"), routes.CANCEL.data())]
    rows: list[list[Button]] = []
    if draft.step == "name":
        text = t("New specialist, step 1 of 4. Write their name and surname.")
    elif draft.step == "kind":
        text = t("Step 2 of 4. {name} is a:", name=draft.name)
        rows = [[(t(label), routes.KIND.data(kind))] for kind, label in KIND_NAMES.items()]
    elif draft.step == "subjects":
        text = t(
            "Step 3 of 4. Which subjects does {name} teach? Write them separated by ; "
            "like Matemātika; Fizika",
            name=draft.name,
        )
    else:
        text = t(
            "Step 4 of 4. Is {name} on duty, alerted when a pupil or parent writes words "
            "of crisis?",
            name=draft.name,
        )
        rows = [
            [
                (t("🛎 Yes, on duty"), routes.ADD_DUTY.data(1)),
                (t("No"), routes.ADD_DUTY.data(0)),
            ]
        ]
    await answer(update, context, text, [*rows, cancel], edit=is_editing(update))


async def typed_specialist(
    update: Update, context: BotContext, asked: SpecialistAnswer, text: str
) -> None:
    draft = await context.services.specialists.take_text(context.actor, text)
    await show_step(update, context, draft)


async def choose_kind(update: Update, context: BotContext, kind: SpecialistKind) -> None:
    draft = await context.services.specialists.choose_kind(context.actor, kind)
    await show_step(update, context, draft)


async def finish(update: Update, context: BotContext, on_duty: int) -> None:
    card = await context.services.specialists.finish(context.actor, bool(on_duty))
    t = context.texts
    text, rows = card_view(t, context, card)
    text = t("Added. Give them a one-time code to link their Telegram.") + "\n\n" + text
    await answer(update, context, text, rows, edit=True)


async def cancel(update: Update, context: BotContext) -> None:
    await context.services.questions.end(context.actor)
    t = context.texts
    await answer(update, context, t("Cancelled; nothing was changed."), [menu_row(t)], edit=True)


# --- a message to the school's families -------------------------------------------------


async def choose_audience(update: Update, context: BotContext, index: int) -> None:
    school_id = school_id_of(context, index)
    found = await context.services.admin.school(context.actor, school_id)
    t = context.texts
    rows: list[list[Button]] = [
        [
            (t("👪 All parents"), routes.AUDIENCE.data(index, Audience.GUARDIANS, 0)),
            (t("👩‍🎓 All pupils"), routes.AUDIENCE.data(index, Audience.PUPILS, 0)),
        ]
    ]
    rows += [
        [
            (
                t("Parents, grade {grade}", grade=g),
                routes.AUDIENCE.data(index, Audience.GUARDIANS, g),
            ),
            (t("Pupils, grade {grade}", grade=g), routes.AUDIENCE.data(index, Audience.PUPILS, g)),
        ]
        for g in found.grades
    ]
    rows.append([(t("⬅️ Back"), routes.SCHOOL.data(index))])
    await answer(update, context, t("To whom is the message?"), rows, edit=True)


async def audience(
    update: Update, context: BotContext, index: int, group: Audience, grade: int
) -> None:
    school_id = school_id_of(context, index)
    await context.services.messages.begin(context.actor, school_id, group, grade or None)
    t = context.texts
    text = t(
        "Write the message. It goes out in your words, as you write it, and is kept with "
        "the school's records."
    )
    await answer(update, context, text, [[(t("✖️ Cancel"), routes.CANCEL.data())]], edit=True)


def preview_view(context: BotContext, preview: BroadcastPreview) -> tuple[str, list[list[Button]]]:
    t = context.texts
    draft = preview.draft
    if draft.audience == Audience.GUARDIANS:
        who = t("parents of grade {grade}", grade=draft.grade) if draft.grade else t("all parents")
    else:
        who = t("pupils of grade {grade}", grade=draft.grade) if draft.grade else t("all pupils")
    lines = [
        t(
            "To {who}: {people} people; {recipients} Telegram accounts will get it.",
            who=who,
            people=preview.people,
            recipients=preview.recipients,
        )
    ]
    if preview.without_account:
        lines.append(
            t("{n} of them have no linked account and will not get it.", n=preview.without_account)
        )
    lines += ["", draft.text, "", t("Send it? You can also write it again.")]
    rows = [
        [(t("✅ Send to {n}", n=preview.recipients), routes.SEND.data())],
        [(t("✖️ Cancel"), routes.CANCEL.data())],
    ]
    return "\n".join(lines), rows


async def typed_message(
    update: Update, context: BotContext, asked: BroadcastAnswer, text: str
) -> None:
    preview = await context.services.messages.take_text(context.actor, text)
    message, rows = preview_view(context, preview)
    await answer(update, context, message, rows)


async def send(update: Update, context: BotContext) -> None:
    done = await context.services.messages.send(context.actor)
    t = context.texts
    text = t(
        "Sent: {n} messages are on their way, at Telegram's pace; pupils and parents get "
        "them outside quiet hours.",
        n=done.recipients,
    )
    await answer(update, context, text, [menu_row(t)], edit=True)
