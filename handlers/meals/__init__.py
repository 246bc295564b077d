"""Meals at home: the family's screens, the caterer's list, the coordinators' figures."""
