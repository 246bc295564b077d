"""Internship support: the student's screens and the coordinators' claims."""
