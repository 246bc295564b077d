-- 0004: indexes found by the national benchmark (bench/bench_queries.py, bench/bench_flow.py).

-- Free slots of a school's specialists: without table statistics SQLite preferred
-- slots_free (state, starts_at), which walks every free slot in the country within the
-- booking window (about 10 ms at 144,000 slots); this one reads only the few specialists'.
CREATE INDEX slots_specialist_state ON slots(specialist_id, state, starts_at);
