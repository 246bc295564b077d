"""Our light keyboard is sent exactly as PTB's own would be."""

from __future__ import annotations

import json

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from handlers.ui import keyboard

ROWS = [[("📅 Pirmdiena", "bk:c:1:2:3"), ("⬅️ Back", "bk:for:1")], [("Menu", "menu:home")]]


def test_the_keyboard_is_sent_as_ptbs_own() -> None:
    ours = keyboard(ROWS)
    theirs = InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in ROWS]
    )
    assert ours is not None
    assert ours.to_dict() == theirs.to_dict()
    assert json.loads(ours.to_json()) == json.loads(theirs.to_json())
    assert ours.inline_keyboard == theirs.inline_keyboard  # made when read
    assert keyboard([]) is None
