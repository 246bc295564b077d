"""Reminders: planning (planner), sending (dispatcher, pacing, sending), and /settings."""
