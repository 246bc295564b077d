"""Figures for coordinators: the summary, charts, workbooks, the digest and reminders."""
