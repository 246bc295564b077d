"""🏫 My school: its people by role and grade, one person's card and what to do with it."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.domain.admin import PersonCard
from bot.domain.errors import N_, NotAllowed
from bot.domain.models import Role, SpecialistKind
from bot.i18n import Texts
from handlers.admin import routes
from handlers.ui import Button, answer, menu_row

ROLE_LISTS = {
    Role.PUPIL: N_("👩‍🎓 Pupils"),
    Role.GUARDIAN: N_("👪 Parents"),
    Role.SPECIALIST: N_("🧑‍🏫 Specialists"),
}
ROLE_NAMES = {
    Role.PUPIL: N_("pupil"),
    Role.GUARDIAN: N_("parent or guardian"),
    Role.SPECIALIST: N_("specialist"),
}
KIND_NAMES = {
    SpecialistKind.TEACHER: N_("teacher"),
    SpecialistKind.PSYCHOLOGIST: N_("psychologist"),
    SpecialistKind.SOCIAL_PEDAGOGUE: N_("social pedagogue"),
}


def school_id_of(context: BotContext, index: int) -> str:
    schools = context.actor.coordinated_schools
    if index >= len(schools):
        raise NotAllowed()
    return schools[index]


def index_of(context: BotContext, school_id: str) -> int:
    return context.actor.coordinated_schools.index(school_id)


async def home(update: Update, context: BotContext) -> None:
    await school(update, context, 0)


async def school(update: Update, context: BotContext, index: int) -> None:
    found = await context.services.admin.school(context.actor, school_id_of(context, index))
    t = context.texts
    lines = [
        f"🏫 {found.school_name}",
        t(
            "Pupils {pupils}, parents {guardians}, specialists {specialists}; {linked} of "
            "them have linked a Telegram account.",
            pupils=found.pupils,
            guardians=found.guardians,
            specialists=found.specialists,
            linked=found.linked,
        ),
        t("On duty for words of crisis: {names}", names=", ".join(found.on_duty) or "—"),
    ]
    rows: list[list[Button]] = [
        [(t(ROLE_LISTS[Role.PUPIL]), routes.GRADES.data(index))],
        [(t(ROLE_LISTS[Role.GUARDIAN]), routes.LIST.data(index, Role.GUARDIAN, 0, 0))],
        [(t(ROLE_LISTS[Role.SPECIALIST]), routes.LIST.data(index, Role.SPECIALIST, 0, 0))],
        [
            (t("➕ Add a specialist"), routes.ADD_SPECIALIST.data(index)),
            (t("🛎 Who is on duty"), routes.DUTIES.data(index)),
        ],
        [(t("✉️ Message to families"), routes.MESSAGE.data(index))],
    ]
    rows += [
        [(f"🏫 {other}", routes.SCHOOL.data(i))]
        for i, other in enumerate(context.actor.coordinated_schools)
        if i != index
    ]
    await answer(update, context, "\n".join(lines), [*rows, menu_row(t)], edit=True)


async def grades(update: Update, context: BotContext, index: int) -> None:
    found = await context.services.admin.school(context.actor, school_id_of(context, index))
    t = context.texts
    buttons = [
        (t("Grade {grade}", grade=grade), routes.LIST.data(index, Role.PUPIL, grade, 0))
        for grade in found.grades
    ]
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    rows.append([(t("⬅️ Back"), routes.SCHOOL.data(index))])
    await answer(update, context, t("Pupils of which grade?"), rows, edit=True)


def person_line(t: Texts, card: PersonCard) -> str:
    marks = ("🔗" if card.accounts else "▫️") + ("🛎" if card.on_duty else "")
    left = " " + t("(left)") if card.left_on else ""
    return f"{marks} {card.name}{left}"


async def people(
    update: Update, context: BotContext, index: int, role: Role, grade: int, page: int
) -> None:
    school_id = school_id_of(context, index)
    found = await context.services.admin.people(context.actor, school_id, role, grade or None, page)
    t = context.texts
    title = (
        t(ROLE_LISTS[role])
        if role not in ROLE_LISTS or not grade
        else t("Pupils of grade {grade}", grade=grade)
    )
    lines = [title, t("🔗 has a linked Telegram account, 🛎 on duty. Press a name.")]
    rows: list[list[Button]] = [
        [(person_line(t, card), routes.PERSON.data(role, card.id))] for card in found.people
    ]
    if not found.people:
        lines.append(t("Nobody here."))
    nav: list[Button] = []
    if page > 0:
        nav.append((t("⬅️ Earlier"), routes.LIST.data(index, role, grade, page - 1)))
    if found.has_more:
        nav.append((t("Later ➡️"), routes.LIST.data(index, role, grade, page + 1)))
    rows += [nav] if nav else []
    rows.append([(t("⬅️ Back"), routes.SCHOOL.data(index))])
    await answer(update, context, "\n".join(lines), rows, edit=True)


def card_view(t: Texts, context: BotContext, card: PersonCard) -> tuple[str, list[list[Button]]]:
    lines = [
        f"👤 {card.name}",
        t(
            "{role} of {school}, the school's id {id}",
            role=t(ROLE_NAMES[card.role]),
            school=card.school_id,
            id=card.external_id,
        ),
    ]
    if card.grade is not None:
        lines.append(t("Grade {grade}", grade=card.grade))
    if card.kind is not None:
        lines.append(
            t(KIND_NAMES[card.kind]) + (": " + ", ".join(card.subjects) if card.subjects else "")
        )
        lines.append(
            t("On duty for words of crisis: yes")
            if card.on_duty
            else t("On duty for words of crisis: no")
        )
    lines.append(t("Linked Telegram accounts: {n}", n=card.accounts))
    rows: list[list[Button]] = []
    if card.left_on is not None:
        lines.append(
            t("Marked as left on {day}. The history stays.", day=t.short_date(card.left_on))
        )
    else:
        rows.append([(t("🔑 New one-time code"), routes.CODE.data(card.role, card.id))])
        if card.accounts:
            rows.append([(t("🔌 Unlink Telegram"), routes.UNLINK.data(card.role, card.id))])
        if card.role == Role.SPECIALIST:
            index = index_of(context, card.school_id)
            label = t("🛎 Take off duty") if card.on_duty else t("🛎 Put on duty")
            rows.append([(label, routes.DUTY.data(index, card.id, int(not card.on_duty)))])
        rows.append([(t("🚪 Mark as left"), routes.LEAVE.data(card.role, card.id))])
    index = index_of(context, card.school_id)
    grade = card.grade or 0
    rows.append([(t("⬅️ Back"), routes.LIST.data(index, card.role, grade, 0))])
    return "\n".join(lines), rows


async def person(update: Update, context: BotContext, role: Role, person_id: int) -> None:
    card = await context.services.admin.person(context.actor, role, person_id)
    text, rows = card_view(context.texts, context, card)
    await answer(update, context, text, rows, edit=True)


async def new_code(update: Update, context: BotContext, role: Role, person_id: int) -> None:
    card, issued = await context.services.admin.new_code(context.actor, role, person_id)
    t = context.texts
    text = t(
        "New one-time code for {name}: {code}\nIt works once, until {until}. Their older "
        "unused codes no longer work. Hand it over in person or through the e-class.",
        name=card.name,
        code=issued.code,
        until=t.datetime(issued.expires_at),
    )
    rows = [[(t("⬅️ Back"), routes.PERSON.data(role, person_id))]]
    await answer(update, context, text, rows, edit=True)


async def unlink(update: Update, context: BotContext, role: Role, person_id: int) -> None:
    card, count = await context.services.admin.unlink(context.actor, role, person_id)
    context.toast = context.texts.n("{n} account unlinked", "{n} accounts unlinked", count)
    text, rows = card_view(context.texts, context, card)
    await answer(update, context, text, rows, edit=True)


async def ask_leave(update: Update, context: BotContext, role: Role, person_id: int) -> None:
    card = await context.services.admin.person(context.actor, role, person_id)
    t = context.texts
    text = t(
        "Mark {name} as left? Their Telegram accounts are unlinked and get no more messages, "
        "their booked sessions are cancelled (the other side is told), and their history "
        "stays with the school.",
        name=card.name,
    )
    rows = [
        [(t("🚪 Yes, mark as left"), routes.LEAVE_OK.data(role, person_id))],
        [(t("⬅️ Back"), routes.PERSON.data(role, person_id))],
    ]
    await answer(update, context, text, rows, edit=True)


async def leave(update: Update, context: BotContext, role: Role, person_id: int) -> None:
    done = await context.services.admin.mark_left(context.actor, role, person_id)
    t = context.texts
    text = t(
        "{name} is marked as left. Sessions cancelled: {sessions}; accounts unlinked: {accounts}.",
        name=done.person.name,
        sessions=done.bookings_ended,
        accounts=done.accounts_unlinked,
    )
    if done.meals_stopped:
        text += "\n" + t("Meal deliveries stopped.")
    index = index_of(context, done.person.school_id)
    rows = [[(t("⬅️ Back"), routes.LIST.data(index, role, done.person.grade or 0, 0))]]
    await answer(update, context, text, rows, edit=True)


async def duties(update: Update, context: BotContext, index: int) -> None:
    school_id = school_id_of(context, index)
    found = await context.services.admin.people(context.actor, school_id, Role.SPECIALIST, None, 0)
    t = context.texts
    rows: list[list[Button]] = [
        [
            (
                ("🛎 " if card.on_duty else "▫️ ") + card.name,
                routes.DUTY.data(index, card.id, int(not card.on_duty)),
            )
        ]
        for card in found.people
        if card.left_on is None
    ]
    rows.append([(t("⬅️ Back"), routes.SCHOOL.data(index))])
    text = t(
        "Who is alerted when a pupil or parent writes words of crisis? Press a name to put "
        "them on duty or take them off."
    )
    await answer(update, context, text, rows, edit=True)


async def duty(
    update: Update, context: BotContext, index: int, specialist_id: int, on: int
) -> None:
    card = await context.services.admin.set_on_duty(context.actor, specialist_id, bool(on))
    t = context.texts
    context.toast = (
        t("On duty: {name}", name=card.name) if on else t("Off duty: {name}", name=card.name)
    )
    await duties(update, context, index)
