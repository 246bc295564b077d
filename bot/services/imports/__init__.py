"""Imports: one reader for every CSV file the school gives, and where each kind is stored."""
