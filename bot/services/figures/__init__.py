"""Figures for coordinators and the funder, computed from the database."""
