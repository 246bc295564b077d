"""Buttons of care (cr): ask to be contacted, "I'm on it", and conversations in the chat."""

from __future__ import annotations

from handlers.buttons import ID, Route

ASK_CONTACT = Route("cr", "ask")  # "ask someone at school to contact me"
TAKE = Route("cr", "take", (ID,))  # "I'm on it", on an alert
WRITE = Route("cr", "write", (ID,))  # the taker opens a conversation with the writer
OPEN = Route("cr", "open", (ID,))  # open the conversation of a session held in the chat
END = Route("cr", "end", (ID,))  # end a conversation
