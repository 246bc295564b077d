"""The domain: models, errors and rules, free of Telegram and SQL."""
