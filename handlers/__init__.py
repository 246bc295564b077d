"""Telegram handlers: read the update, call one service function, render the answer."""
