"""Files the bot sends: CSV that a spreadsheet opens safely."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

# OWASP's CSV injection rule: a cell starting with one of these is read as a formula by
# spreadsheets (or hides one behind a tab or a line break), so it gets a leading "'".
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """A text cell a spreadsheet shows as text; numbers the bot made stay numbers.

    A phone number ``+37126123456`` becomes ``'+37126123456``: shown as text with its
    plus and leading digits, never turned into a number or a formula.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(
    columns: Sequence[str], rows: Iterable[Sequence[object]], *, bom: bool = True
) -> bytes:
    """A CSV file with a header; with a BOM (the default) spreadsheets read the letters right.

    Every text cell, the header's too, passes :func:`safe_cell`: names, addresses and
    notes come from users and import files, and a cell is never a formula.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(c) for c in columns])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig" if bom else "utf-8")
