"""The one reader of every import file: header, encoding, rows, problems.

A file is UTF-8 (a BOM is fine), comma-separated, with one header row whose columns (in
any order) tell the kind of file. Every row is validated by the kind's model
(:mod:`.lines`); blank lines are skipped and every cell is trimmed. A column named like a
personal code is refused outright, whatever the kind. Nothing here touches the database.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from bot.domain.errors import ImportFailed
from bot.services.imports.lines import CODE_COLUMN, MODELS, ImportKind

HEADERS = {kind: tuple(model.model_fields) for kind, model in MODELS.items()}

Problem = tuple[int, str]


def _describe(error: ErrorDetails) -> str:
    field = ".".join(str(part) for part in error["loc"][:1])
    ctx: dict[str, Any] = error.get("ctx") or {}
    if error["type"] == "string_too_short":
        text = "must not be empty"
    elif error["type"] == "string_too_long":
        text = f"must be at most {ctx['max_length']} characters"
    elif error["type"] == "enum":
        text = f"must be {ctx['expected']}, not {error['input']!r}"
    elif error["type"] == "value_error":
        text = str(ctx["error"])
    else:
        text = error["msg"]
    return f"{field}: {text}" if field else text


def _detect(header: list[str]) -> tuple[ImportKind, list[str]]:
    """The kind of file and its column names, from the header row."""
    names = [name.strip().lower() for name in header]
    for name in names:
        if CODE_COLUMN.search(re.sub(r"[\s-]+", "_", name)):
            raise ImportFailed(
                problems=[
                    f"line 1: column {name!r}: a personal code (personas kods) is never"
                    " accepted; remove the column and identify people by the school's own ids"
                ]
            )
    if len(names) == 1 and ";" in names[0]:
        raise ImportFailed(
            problems=["line 1: the file is separated by ';'; save it comma-separated"]
        )
    for kind, columns in HEADERS.items():
        required = set(columns) - MODELS[kind].optional
        if required <= set(names) <= set(columns) and len(set(names)) == len(names):
            return kind, names
    expected = "; ".join(f"{kind}: {','.join(columns)}" for kind, columns in HEADERS.items())
    raise ImportFailed(
        problems=[f"line 1: unknown columns {','.join(names)}, expected one of: {expected}"]
    )


class Parsed(NamedTuple):
    kind: ImportKind
    lines: list[tuple[int, Any]]
    problems: list[Problem]


def parse_file(path: Path, *, header_only: bool = False) -> Parsed:
    """Read and validate every row; runs in a thread, since it is plain CPU and file work."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            # NFC: the same name typed on different systems must compare equal.
            lines = (unicodedata.normalize("NFC", line) for line in handle)
            return _parse_rows(csv.reader(lines, strict=True), header_only)
    except UnicodeDecodeError:
        raise ImportFailed(problems=["file: not UTF-8 text; save it as 'CSV UTF-8'"]) from None
    except OSError as exc:
        raise ImportFailed(problems=[f"file: cannot read {path}: {exc.strerror}"]) from None


def _parse_rows(reader: Any, header_only: bool) -> Parsed:
    header = next(reader, None)
    if not header:
        raise ImportFailed(problems=["line 1: the file is empty; expected a header row"])
    kind, names = _detect(header)
    if header_only:
        return Parsed(kind, [], [])
    model = MODELS[kind]
    lines: list[tuple[int, Any]] = []
    problems: list[Problem] = []
    first_line: dict[tuple[str | None, ...], int] = {}
    end = reader.line_num
    while True:
        try:
            cells = next(reader, None)
        except csv.Error as exc:
            raise ImportFailed(problems=[f"line {end + 1}: {exc}"]) from None
        if cells is None:
            break
        number, end = end + 1, reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(names):
            problems.append((number, f"expected {len(names)} fields, found {len(cells)}"))
            continue
        values = (cell.strip() for cell in cells)
        try:
            row = model.model_validate(dict(zip(names, values, strict=True)))
        except ValidationError as exc:
            problems.extend((number, _describe(error)) for error in exc.errors())
            continue
        found = row.key()
        if found is None:
            lines.append((number, row))
            continue
        # D3 and d3 are one person: a file listing both is wrong.
        key = tuple(part.casefold() if part else part for part in found)
        if key in first_line:
            text = f"{row.key_field}: {found[-1]} is already on line {first_line[key]}"
            problems.append((number, text))
            continue
        first_line[key] = number
        lines.append((number, row))
    return Parsed(kind, lines, problems)
