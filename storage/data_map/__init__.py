"""Where the bot keeps anything about a person, and how each place is treated.

One entry per table of the database: the columns that point to a person (a Telegram
account, a pupil, a parent, a specialist, a name, an address or phone, words someone
typed), what erasing an account (GDPR art. 17) does to each, in which part of a person's
export (art. 15, 20) the rows go, and how long they are kept (``[privacy]``).

It is the checked source of truth: ``tests/storage/test_data_map.py`` fails if a table or
a column that looks personal is not here, if a key or an export part named here does not
exist, or if the README's table leaves a table out. The generic parts of erasure
(:data:`ACCOUNT_COLUMNS`) and of retention (:data:`FREE_TEXT`) are read from it.
"""

from __future__ import annotations

from storage.data_map.kinds import About, Col, Erase, Keep, Prune, Table
from storage.data_map.tables import OTHER_KEYS, TABLES

__all__ = [
    "ACCOUNT_COLUMNS",
    "BY_NAME",
    "FREE_TEXT",
    "OTHER_KEYS",
    "TABLES",
    "About",
    "Col",
    "Erase",
    "Keep",
    "Prune",
    "Table",
]

BY_NAME = {table.name: table for table in TABLES}

# Every column that holds the Telegram id of whoever acted, with what it becomes when
# that account is erased: the rows stay (the school's records), naming nobody.
ACCOUNT_COLUMNS: tuple[tuple[str, str, str], ...] = tuple(
    (table.name, col.name, col.blank)
    for table in TABLES
    for col in table.columns
    if col.erase is Erase.SET
)

# Free text blanked after [privacy] free_text_retention_days: (table, columns, the time
# after which it is no longer needed).
FREE_TEXT: tuple[tuple[str, tuple[str, ...], str], ...] = tuple(
    (table.name, tuple(c.name for c in cols), cols[0].text_until)
    for table in TABLES
    if (cols := [c for c in table.columns if c.text_until])
)
