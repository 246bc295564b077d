"""Reminders on the Telegram side: /settings."""
