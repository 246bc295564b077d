"""Meals delivered home: the family's confirmation, deliveries, caterers, and their facts."""
