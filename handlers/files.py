"""Files the bot sends: CSV that a spreadsheet opens safely."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence


def csv_bytes(
    columns: Sequence[str], rows: Iterable[Sequence[object]], *, bom: bool = True
) -> bytes:
    """A CSV file with a header; with a BOM (the default) spreadsheets read the letters right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig" if bom else "utf-8")
