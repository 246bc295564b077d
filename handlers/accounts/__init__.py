"""The first screens: /start and linking, /help, /language, /me, the plan, the fallback."""
