"""Meals at home, for families: eligibility with reasons, confirmation, pause, stop, receipt."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import filters

from bot.context import BotContext
from bot.domain.callback import Callback, pack
from bot.domain.eligibility import Eligibility, Reason
from bot.domain.errors import N_, NotAllowed
from bot.domain.meals import SubscriptionState
from bot.i18n import Texts
from bot.runtime import Services
from bot.services.meals import ChildMeals, DraftView
from handlers import internship
from handlers.ui import Button, answer, guarded, pressed_by

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


class AwaitingFilter(filters.MessageFilter):
    """Messages of users who are answering one of this feature's questions."""

    def __init__(self, services: Services) -> None:
        super().__init__(name="AwaitingMeals")
        self.services = services

    def filter(self, message: Message) -> bool:
        user = message.from_user
        return user is not None and self.services.meal_input.awaits(user.id)


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
    if sub is None or sub.state == SubscriptionState.STOPPED:
        lines.append(t("Please confirm the address, a phone number and the days."))
    else:
        lines.append(t(STATES[sub.state], days=day_names(t, sub.days), address=sub.address))
    return "\n".join(lines)


def child_buttons(t: Texts, child: ChildMeals, single: bool) -> list[list[Button]]:
    pid, name = child.pupil.id, child.pupil.display_name
    sub = child.subscription
    if not child.eligibility.eligible:
        return []
    if sub is None or sub.state == SubscriptionState.STOPPED:
        return [[(t("✅ Confirm delivery for {name}", name=name), pack("ml", "start", pid))]]
    if not single:
        return [[(t("⚙️ {name}", name=name), pack("ml", "child", pid))]]
    rows = [[(t("✏️ Change"), pack("ml", "start", pid))]]
    if sub.state == SubscriptionState.ACTIVE:
        rows.append([(t("⏸ Pause"), pack("ml", "pause", pid))])
    else:
        rows.append([(t("▶️ Resume"), pack("ml", "resume", pid))])
    rows.append([(t("⏹ Stop"), pack("ml", "stop", pid))])
    return rows


MENU_ROW = [(N_("⬅️ Menu"), pack("menu", "home"))]


def _menu(t: Texts) -> list[Button]:
    return [(t(label), data) for label, data in MENU_ROW]


def step_view(t: Texts, view: DraftView) -> tuple[str, list[list[Button]]]:
    """The question of the draft's current step, with its buttons."""
    d, pid, name = view.draft, view.pupil.id, view.pupil.display_name
    cancel = [(t("✖️ Cancel"), pack("ml", "cancel", pid))]
    if d.step == "address":
        text = t(
            "Step 1 of 5. Where should meals for {name} be delivered? Please write the "
            "address: street, house, flat and town.",
            name=name,
        )
        keep = [[(t("↩️ Keep: {value}", value=d.address[:40]), pack("ml", "keep", pid, "address"))]]
        return text, [*(keep if d.address else []), cancel]
    if d.step == "phone":
        text = t("Step 2 of 5. A phone number the courier can call, for example 26123456.")
        keep = [[(t("↩️ Keep: {value}", value=d.phone), pack("ml", "keep", pid, "phone"))]]
        return text, [*(keep if d.phone else []), cancel]
    if d.step == "days":
        text = t("Step 3 of 5. On which days? Tap to choose, then press Done.")
        names = t.locale.days["format"]["abbreviated"]
        row = [
            (("☑️ " if day in d.days else "⬜ ") + names[int(day) - 1], pack("ml", "day", pid, day))
            for day in view.caterer_days
        ]
        return text, [row, [(t("Done"), pack("ml", "next", pid, "days"))], cancel]
    if d.step == "note":
        text = t(
            "Step 4 of 5. Anything the kitchen must know, such as an allergy? Write it in a "
            "few words (at most 200 characters), or press No note."
        )
        return text, [[(t("No note"), pack("ml", "next", pid, "note"))], cancel]
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
    return text, [[(t("✅ I agree, confirm"), pack("ml", "ok", pid))], cancel]


def _pupil_arg(callback: Callback) -> int:
    try:
        return callback.int_arg(0)
    except (ValueError, IndexError):
        raise NotAllowed() from None


@guarded()
async def meals_button(update: Update, context: BotContext) -> None:
    """Every ``ml:`` button: overview, a child, the steps, pause/resume/stop, receipt."""
    callback, user_id = pressed_by(update)
    t, meals = context.texts, context.services.meals
    action = callback.action
    if action == "menu":
        children = await meals.overview(user_id)
        if not children:
            await answer(
                update, context, t("No children are linked to this account."), [_menu(t)], edit=True
            )
            return
        single = len(children) == 1
        text = "\n\n".join(child_text(t, c) for c in children)
        rows = [row for c in children for row in child_buttons(t, c, single)]
        await answer(update, context, text, [*rows, _menu(t)], edit=True)
        return
    if action in ("rcv", "nrcv"):
        delivery = await context.services.meal_deliveries.confirm_receipt(
            user_id, _pupil_arg(callback), action == "rcv"
        )
        text = (
            t("Thank you! Marked as received.")
            if action == "rcv"
            else t(
                "Sorry to hear that. The school's coordinator has been told about the meal "
                "of {day}.",
                day=t.short_date(delivery.day),
            )
        )
        await answer(update, context, text, edit=True)
        return
    pupil_id = _pupil_arg(callback)
    if action == "child":
        await _show_child(update, context, await meals.child(user_id, pupil_id))
    elif action == "start":
        text, rows = step_view(t, await meals.begin(user_id, pupil_id))
        await answer(update, context, text, rows, edit=True)
    elif action == "day" and len(callback.args) == 2:
        text, rows = step_view(t, await meals.toggle_day(user_id, pupil_id, callback.args[1]))
        await answer(update, context, text, rows, edit=True)
    elif action in ("next", "keep") and len(callback.args) == 2:
        text, rows = step_view(t, await meals.advance(user_id, pupil_id, callback.args[1]))
        await answer(update, context, text, rows, edit=True)
    elif action == "ok":
        child = await meals.consent(user_id, pupil_id)
        await answer(update, context, t("Thank you! The delivery is confirmed."), edit=True)
        await _show_child(update, context, child, edit=False)
    elif action == "cancel":
        await meals.cancel_draft(user_id)
        await answer(update, context, t("Cancelled; nothing was changed."), [_menu(t)], edit=True)
    elif action in ("pause", "resume", "stop_ok"):
        state = {
            "pause": SubscriptionState.PAUSED,
            "resume": SubscriptionState.ACTIVE,
            "stop_ok": SubscriptionState.STOPPED,
        }[action]
        await _show_child(update, context, await meals.set_state(user_id, pupil_id, state))
    elif action == "stop":
        rows = [
            [(t("Yes, stop the delivery"), pack("ml", "stop_ok", pupil_id))],
            [(t("No, keep it"), pack("ml", "child", pupil_id))],
        ]
        await answer(update, context, t("Stop meal delivery for good?"), rows, edit=True)
    else:
        raise NotAllowed()


async def _show_child(
    update: Update, context: BotContext, child: ChildMeals, *, edit: bool = True
) -> None:
    t = context.texts
    rows = [*child_buttons(t, child, True), _menu(t)]
    await answer(update, context, child_text(t, child), rows, edit=edit)


@guarded(edit=False)
async def awaited_input(update: Update, context: BotContext) -> None:
    """A typed answer (or a photo) to one of this feature's questions."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    photo = message.photo[-1].file_id if message.photo else None
    received = await context.services.meal_input.receive(user.id, message.text, photo)
    t = context.texts
    if received.meal is not None:
        text, rows = step_view(t, received.meal)
        await answer(update, context, text, rows)
    elif received.claim is not None:
        await internship.show_claim_step(update, context, received.claim)
    elif received.returned is not None:
        await internship.show_returned(update, context, received.returned)
