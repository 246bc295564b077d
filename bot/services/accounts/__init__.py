"""Accounts: the Actor of each update, linking by one-time codes, the user's own data."""
