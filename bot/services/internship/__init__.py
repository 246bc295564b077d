"""Internship support for vocational students: days, transport claims and their decisions."""
