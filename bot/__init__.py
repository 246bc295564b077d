"""pumpurs-bot: a Telegram bot for Latvia's PuMPuRS programme."""

__version__ = "0.1.0"
