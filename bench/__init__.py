"""Benchmarks that print figures: ``python -m bench.<name>``, or all with ``python -m bench``.

They are not tests: nothing here runs in CI.
"""
