"""Consultations: availability, booking, the specialist's desk, answers, and their rules."""
