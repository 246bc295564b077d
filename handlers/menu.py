"""The main menu of each role. Features add their entries here, in the order shown."""

from __future__ import annotations

from bot.domain.callback import pack
from bot.domain.errors import N_
from bot.domain.models import Account, Role
from bot.i18n import Texts
from handlers.ui import Button

# (label, callback data) per role; labels are English msgids translated when shown.
MENU: dict[Role, list[tuple[str, str]]] = {
    Role.PUPIL: [
        (N_("📋 My support plan"), pack("plan", "show")),
        (N_("📅 Book a consultation"), pack("bk", "start")),
        (N_("🗓 My consultations"), pack("mc", "list")),
        (N_("🍲 Meals at home"), pack("ml", "menu")),
        (N_("🧾 Internship support"), pack("is", "menu")),
    ],
    Role.GUARDIAN: [
        (N_("📋 My children's plans"), pack("plan", "show")),
        (N_("📅 Book a consultation"), pack("bk", "start")),
        (N_("🗓 My consultations"), pack("mc", "list")),
        (N_("🍲 Meals at home"), pack("ml", "menu")),
    ],
    Role.SPECIALIST: [
        (N_("📥 Requests"), pack("sp", "in")),
        (N_("📆 Today"), pack("sp", "today")),
        (N_("🗓 This week"), pack("sp", "week")),
        (N_("🕒 My free time"), pack("sp", "free")),
    ],
    Role.COORDINATOR: [
        (N_("📊 Meal figures"), pack("mf", "show")),
        (N_("🧾 Transport claims"), pack("cl", "list")),
    ],
    Role.CATERER: [
        (N_("🚚 Today's deliveries"), pack("ct", "day")),
    ],
}

# Everyone who gets session reminders can set them up (last entry of the role's menu).
for _role in (Role.PUPIL, Role.GUARDIAN, Role.SPECIALIST):
    MENU[_role].append((N_("⚙️ Settings"), pack("rs", "show")))

COMMON: list[tuple[str, str]] = [
    (N_("👤 My data"), pack("me", "show")),
    (N_("🌐 Language"), pack("lang", "menu")),
]


def main_menu(texts: Texts, account: Account | None) -> list[list[Button]]:
    """One button a row: the role's entries, then what everyone has."""
    entries = list(MENU.get(account.role, [])) if account and account.role else []
    if not account or not account.is_linked:
        entries = []
    return [[(texts(label), data)] for label, data in entries + COMMON]
