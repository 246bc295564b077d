"""Consultations: booking, my consultations, the specialist's desk and free time."""
