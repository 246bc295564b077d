"""Benchmarks that print figures: ``python -m bench.bench_import`` and friends."""
