"""Meals at home, for families: eligibility with reasons, confirmation, pause, stop, receipt."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.domain.eligibility import Eligibility, Reason
from bot.domain.errors import N_
from bot.domain.meals import SubscriptionState
from bot.domain.questions import MealAnswer
from bot.i18n import Texts
from bot.services.meals.family import ChildMeals, DraftView
from handlers.meals import routes
from handlers.ui import Button, answer, menu_row

REASONS = {
    Reason.NOT_YET_IN_FORCE: N_("meals at home are given only from {start}"),
    Reason.PROGRAMME_PERIOD_OVER: N_("the programme period for meals at home has ended"),
    Reason.WRONG_SCHOOL_KIND: N_("the measure is not for this kind of school"),
    Reason.WRONG_GRADE: N_(
        "it is for pupils of grades {low} to {high}, and {name} is in grade {grade}"
    ),
    Reason.NO_PLAN_FOR_PERIOD: N_("there is no support plan for semester {semester} of {year}"),
    Reason.MEASURE_NOT_IN_PLAN: N_("the support plan does not include this measure"),
    Reason.PLAN_NOT_STARTED: N_("the support plan starts only on {plan_start}"),
    Reason.PLAN_PERIOD_ENDED: N_("the support plan ended on {plan_end}"),
    Reason.PLAN_MADE_TOO_LATE: N_("the support plan was not made before {before}"),
    Reason.CATERER_DOES_NOT_DELIVER_HOME: N_("the school's caterer does not deliver home"),
}
STATES = {
    SubscriptionState.ACTIVE: N_("Delivery confirmed: {days}, to {address}."),
    SubscriptionState.PAUSED: N_("Delivery paused (address {address})."),
    SubscriptionState.STOPPED: N_("Delivery stopped."),
}


def reasons_text(t: Texts, answer_: Eligibility, name: str, grade: int) -> str:
    period, plan = answer_.period, answer_.plan
    values: dict[str, object] = {"name": name, "grade": grade}
    if period is not None:
        values |= {
            "start": t.short_date(period.in_force_from),
            "low": period.grade_min or 1,
            "high": period.grade_max or 12,
            "semester": period.plan_semester,
            "year": period.plan_school_year,
            "before": t.short_date(period.plan_created_before or period.in_force_from),
        }
    if plan is not None:
        values |= {
            "plan_start": t.short_date(plan.starts_on),
            "plan_end": t.short_date(plan.ends_on),
        }
    return "\n".join("• " + t(REASONS[r], **values) for r in answer_.reasons)


def day_names(t: Texts, days: str) -> str:
    names = t.locale.days["format"]["abbreviated"]
    return ", ".join(names[int(d) - 1] for d in days)


def child_text(t: Texts, child: ChildMeals) -> str:
    name = child.pupil.display_name
    if not child.eligibility.eligible:
        return (
            t("{name} cannot get meals delivered home now, because:", name=name)
            + "\n"
            + (reasons_text(t, child.eligibility, name, child.pupil.grade))
        )
    lines = [t("{name} may get meals delivered home.", name=name)]
    sub = child.subscription
    if sub is not None and sub.state == SubscriptionState.STOPPED:
        lines.append(t(STATES[sub.state]))
    if (sub is None or sub.state == SubscriptionState.STOPPED) and not child.may_confirm:
        lines.append(t("A parent can confirm the delivery here in the bot."))
    elif sub is None or sub.state == SubscriptionState.STOPPED:
        lines.append(t("Please confirm the address, a phone number and the days."))
    else:
        lines.append(t(STATES[sub.state], days=day_names(t, sub.days), address=sub.address))
    return "\n".join(lines)


def child_buttons(t: Texts, child: ChildMeals, single: bool) -> list[list[Button]]:
    pid, name = child.pupil.id, child.pupil.display_name
    sub = child.subscription
    if not child.eligibility.eligible or not child.may_confirm:
        return []
    if sub is None or sub.state == SubscriptionState.STOPPED:
        return [[(t("✅ Confirm delivery for {name}", name=name), routes.START.data(pid))]]
    if not single:
        return [[(t("⚙️ {name}", name=name), routes.CHILD.data(pid))]]
    rows = [[(t("✏️ Change"), routes.START.data(pid))]]
    if sub.state == SubscriptionState.ACTIVE:
        rows.append([(t("⏸ Pause"), routes.PAUSE.data(pid))])
    else:
        rows.append([(t("▶️ Resume"), routes.RESUME.data(pid))])
    rows.append([(t("⏹ Stop"), routes.STOP.data(pid))])
    return rows


def step_view(t: Texts, view: DraftView) -> tuple[str, list[list[Button]]]:
    """The question of the draft's current step, with its buttons."""
    d, pid, name = view.draft, view.pupil.id, view.pupil.display_name
    cancel = [(t("✖️ Cancel"), routes.CANCEL.data(pid))]
    if d.step == "address":
        text = t(
            "Step 1 of 5. Where should meals for {name} be delivered? Please write the "
            "address: street, house, flat and town.",
            name=name,
        )
        keep = [[(t("↩️ Keep: {value}", value=d.address[:40]), routes.KEEP.data(pid, "address"))]]
        return text, [*(keep if d.address else []), cancel]
    if d.step == "phone":
        text = t("Step 2 of 5. A phone number the courier can call, for example 26123456.")
        keep = [[(t("↩️ Keep: {value}", value=d.phone), routes.KEEP.data(pid, "phone"))]]
        return text, [*(keep if d.phone else []), cancel]
    if d.step == "days":
        text = t("Step 3 of 5. On which days? Tap to choose, then press Done.")
        names = t.locale.days["format"]["abbreviated"]
        row = [
            (
                ("☑️ " if day in d.days else "⬜ ") + names[int(day) - 1],
                routes.TOGGLE_DAY.data(pid, day),
            )
            for day in view.caterer_days
        ]
        return text, [row, [(t("Done"), routes.NEXT.data(pid, "days"))], cancel]
    if d.step == "note":
        text = t(
            "Step 4 of 5. Anything the kitchen must know, such as an allergy? Write it in a "
            "few words (at most 200 characters), or press No note."
        )
        return text, [[(t("No note"), routes.NEXT.data(pid, "note"))], cancel]
    text = "\n".join(
        [
            t("Step 5 of 5. Please check:"),
            t("Child: {name}", name=name),
            t("Address: {address}", address=d.address),
            t("Phone: {phone}", phone=d.phone),
            t("Days: {days}", days=day_names(t, d.days)),
            t("Note: {note}", note=d.dietary_note or "-"),
            "",
            t(
                "By confirming you agree that the school and its caterer use this address, "
                "phone and note only to deliver the meals, and that the bot keeps them while "
                "the delivery lasts."
            ),
        ]
    )
    return text, [[(t("✅ I agree, confirm"), routes.CONSENT.data(pid))], cancel]


async def show_meals(update: Update, context: BotContext) -> None:
    """Every child of the family: may they get meals at home, and what is confirmed."""
    t = context.texts
    children = await context.services.meals.overview(context.actor)
    if not children:
        text = t("No children are linked to this account.")
        await answer(update, context, text, [menu_row(t)], edit=True)
        return
    single = len(children) == 1
    text = "\n\n".join(child_text(t, c) for c in children)
    rows = [row for c in children for row in child_buttons(t, c, single)]
    await answer(update, context, text, [*rows, menu_row(t)], edit=True)


async def received(update: Update, context: BotContext, delivery_id: int) -> None:
    await context.services.deliveries.confirm_receipt(context.actor, delivery_id, True)
    await answer(update, context, context.texts("Thank you! Marked as received."), edit=True)


async def not_received(update: Update, context: BotContext, delivery_id: int) -> None:
    delivery = await context.services.deliveries.confirm_receipt(context.actor, delivery_id, False)
    t = context.texts
    text = t(
        "Sorry to hear that. The school's coordinator has been told about the meal of {day}.",
        day=t.short_date(delivery.day),
    )
    await answer(update, context, text, edit=True)


async def show_child(update: Update, context: BotContext, pupil_id: int) -> None:
    await _show_child(update, context, await context.services.meals.child(context.actor, pupil_id))


async def start(update: Update, context: BotContext, pupil_id: int) -> None:
    view = await context.services.meals.begin(context.actor, pupil_id)
    text, rows = step_view(context.texts, view)
    await answer(update, context, text, rows, edit=True)


async def toggle_day(update: Update, context: BotContext, pupil_id: int, day: str) -> None:
    view = await context.services.meals.toggle_day(context.actor, pupil_id, day)
    text, rows = step_view(context.texts, view)
    await answer(update, context, text, rows, edit=True)


async def advance(update: Update, context: BotContext, pupil_id: int, step: str) -> None:
    view = await context.services.meals.advance(context.actor, pupil_id, step)
    text, rows = step_view(context.texts, view)
    await answer(update, context, text, rows, edit=True)


async def consent(update: Update, context: BotContext, pupil_id: int) -> None:
    child = await context.services.meals.consent(context.actor, pupil_id)
    await answer(update, context, context.texts("Thank you! The delivery is confirmed."), edit=True)
    await _show_child(update, context, child, edit=False)


async def cancel(update: Update, context: BotContext, pupil_id: int) -> None:
    await context.services.meals.cancel_draft(context.actor)
    t = context.texts
    await answer(update, context, t("Cancelled; nothing was changed."), [menu_row(t)], edit=True)


async def pause(update: Update, context: BotContext, pupil_id: int) -> None:
    await _set_state(update, context, pupil_id, SubscriptionState.PAUSED)


async def resume(update: Update, context: BotContext, pupil_id: int) -> None:
    await _set_state(update, context, pupil_id, SubscriptionState.ACTIVE)


async def stop_ok(update: Update, context: BotContext, pupil_id: int) -> None:
    await _set_state(update, context, pupil_id, SubscriptionState.STOPPED)


async def _set_state(
    update: Update, context: BotContext, pupil_id: int, state: SubscriptionState
) -> None:
    child = await context.services.meals.set_state(context.actor, pupil_id, state)
    await _show_child(update, context, child)


async def ask_stop(update: Update, context: BotContext, pupil_id: int) -> None:
    t = context.texts
    rows = [
        [(t("Yes, stop the delivery"), routes.STOP_OK.data(pupil_id))],
        [(t("No, keep it"), routes.CHILD.data(pupil_id))],
    ]
    await answer(update, context, t("Stop meal delivery for good?"), rows, edit=True)


async def _show_child(
    update: Update, context: BotContext, child: ChildMeals, *, edit: bool = True
) -> None:
    t = context.texts
    rows = [*child_buttons(t, child, True), menu_row(t)]
    await answer(update, context, child_text(t, child), rows, edit=edit)


async def typed_step(update: Update, context: BotContext, asked: MealAnswer, text: str) -> None:
    """A typed answer to the confirmation's current step (address, phone or note)."""
    view = await context.services.meals.take_text(context.actor, text)
    text, rows = step_view(context.texts, view)
    await answer(update, context, text, rows)
