"""The main menu of each role. Features add their entries here, in the order shown."""

from __future__ import annotations

from bot.domain.actor import Actor
from bot.domain.errors import N_
from bot.domain.models import Role
from bot.i18n import Texts
from handlers.accounts import routes as accounts
from handlers.admin import routes as admin
from handlers.buttons import Route
from handlers.consultations import routes as consultations
from handlers.figures import routes as figures
from handlers.internship import routes as internship
from handlers.meals import routes as meals
from handlers.reminders import routes as reminders
from handlers.ui import Button

# (label, route) per role; labels are English msgids translated when shown.
MENU: dict[Role, list[tuple[str, Route]]] = {
    Role.PUPIL: [
        (N_("📋 My support plan"), accounts.PLAN),
        (N_("📅 Book a consultation"), consultations.BOOK_START),
        (N_("🗓 My consultations"), consultations.MY_LIST),
        (N_("🍲 Meals at home"), meals.MEALS),
        (N_("🧾 Internship support"), internship.INTERNSHIP),
        (N_("⚙️ Settings"), reminders.SETTINGS),
    ],
    Role.GUARDIAN: [
        (N_("📋 My children's plans"), accounts.PLAN),
        (N_("📅 Book a consultation"), consultations.BOOK_START),
        (N_("🗓 My consultations"), consultations.MY_LIST),
        (N_("🍲 Meals at home"), meals.MEALS),
        (N_("🧾 Internship support"), internship.FAMILY),
        (N_("⚙️ Settings"), reminders.SETTINGS),
    ],
    Role.SPECIALIST: [
        (N_("📥 Requests"), consultations.INBOX),
        (N_("📆 Today"), consultations.TODAY),
        (N_("🗓 This week"), consultations.WEEK),
        (N_("🕒 My free time"), consultations.FREE_TIME),
        (N_("⚙️ Settings"), reminders.SETTINGS),
    ],
    Role.COORDINATOR: [
        (N_("📊 Figures"), figures.HOME),
        (N_("🏫 My school"), admin.HOME),
        (N_("📊 Meal figures"), meals.FIGURES),
        (N_("🧾 Internship claims"), internship.CLAIMS),
        (N_("🔎 Who read a pupil's data"), accounts.PUPIL_AUDIT),
        (N_("⚙️ Settings"), reminders.SETTINGS),
    ],
    Role.CATERER: [
        (N_("🚚 Today's deliveries"), meals.CATERER_TODAY),
    ],
}

# What everyone has, linked or not.
COMMON: list[tuple[str, Route]] = [
    (N_("👤 My data"), accounts.ME),
    (N_("🌐 Language"), accounts.LANGUAGE_MENU),
]


def main_menu(texts: Texts, actor: Actor | None) -> list[list[Button]]:
    """One button a row: the role's entries, then what everyone has."""
    entries = list(MENU.get(actor.role, [])) if actor and actor.role else []
    return [[(texts(label), route.data())] for label, route in entries + COMMON]
