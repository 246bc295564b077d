"""Ids from import files are matched whatever their letter case: ``D3`` and ``d3`` are one.

Ids are cleaned when a row is read (:func:`~.lines.clean_id`: NFKC, no invisible
characters, one kind of hyphen). Here each id of a file takes the spelling already stored
for it, compared case-folded, so re-importing ``d3`` updates ``D3`` instead of adding a
second person, and a reference (a guardian's pupils, a plan's pupil) finds its row.
An id not stored yet keeps the file's spelling.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot.services.imports.lines import ImportKind
from storage.uow import Tx


def match_key(text: str) -> str:
    """What two spellings of one id have in common."""
    return text.casefold()


class Spellings:
    """The stored spelling of each id of one scope, looked up by its match key."""

    def __init__(self, stored: Iterable[str] = ()) -> None:
        self._by_key: dict[str, str] = {}
        for text in stored:
            self._by_key.setdefault(match_key(text), text)

    def __call__(self, text: str) -> str:
        # A new id: its first spelling in the file is the one later rows take too.
        return self._by_key.setdefault(match_key(text), text)


class _Scoped:
    """Spellings per school (people and plans are the school's own ids)."""

    def __init__(self, stored: Iterable[tuple[str, str]]) -> None:
        self._by_school: dict[str, Spellings] = {}
        for school, text in stored:
            self(school, text)

    def __call__(self, school: str, text: str) -> str:
        spellings = self._by_school.get(school)
        if spellings is None:
            spellings = self._by_school[school] = Spellings()
        return spellings(text)


Lines = list[tuple[int, Any]]


async def canonical(tx: Tx, kind: ImportKind, lines: Lines) -> Lines:
    """The file's rows with every id in its stored spelling."""
    if not lines:
        return lines
    schools = Spellings(await tx.imports.all_ids("schools"))
    regions = Spellings(await tx.imports.all_ids("regions"))
    if kind is ImportKind.SCHOOLS:
        return _each(
            lines,
            lambda r: {"school_id": schools(r.school_id), "region_id": regions(r.region_id)},
        )
    if kind is ImportKind.CATERERS:
        caterers = Spellings(await tx.imports.all_ids("caterers"))
        return _each(
            lines,
            lambda r: {
                "caterer_id": caterers(r.caterer_id),
                "school_ids": tuple(dict.fromkeys(schools(s) for s in r.school_ids)),
            },
        )
    if kind is ImportKind.COORDINATORS:
        stored = await tx.imports.coordinator_ids()
        own = _Scoped((f"{s or ''}/{g or ''}", e) for s, g, e in stored)

        def coordinator(r: Any) -> dict[str, Any]:
            school = schools(r.school_id) if r.school_id else None
            region = regions(r.region_id) if r.region_id else None
            scope = f"{school or ''}/{region or ''}"
            name = own(scope, r.coordinator_id)
            return {"school_id": school, "region_id": region, "coordinator_id": name}

        return _each(lines, coordinator)
    named = _each(lines, lambda r: {"school_id": schools(r.school_id)})
    in_file = {r.school_id for _, r in named}
    pupils = _Scoped(k for k in await tx.imports.id_map("pupils", in_file))
    if kind is ImportKind.PUPILS:
        return _each(named, lambda r: {"pupil_id": pupils(r.school_id, r.pupil_id)})
    if kind is ImportKind.GUARDIANS:
        guardians = _Scoped(k for k in await tx.imports.id_map("guardians", in_file))
        return _each(
            named,
            lambda r: {
                "guardian_id": guardians(r.school_id, r.guardian_id),
                "pupil_ids": tuple(dict.fromkeys(pupils(r.school_id, p) for p in r.pupil_ids)),
            },
        )
    if kind is ImportKind.PLANS:
        plans = _Scoped(k for k in await tx.imports.id_map("plans", in_file))
        return _each(
            named,
            lambda r: {
                "plan_id": plans(r.school_id, r.plan_id),
                "pupil_id": pupils(r.school_id, r.pupil_id),
            },
        )
    # specialists and availability name a specialist of the school
    specialists = _Scoped(k for k in await tx.imports.id_map("specialists", in_file))
    return _each(named, lambda r: {"specialist_id": specialists(r.school_id, r.specialist_id)})


def _each(lines: Lines, change: Any) -> Lines:
    # Most ids are already spelled as stored: those rows are kept as they are (a copy of
    # each of 30,000 rows cost more than the rest of the import's Python).
    changed = []
    for number, row in lines:
        update = {k: v for k, v in change(row).items() if getattr(row, k) != v}
        changed.append((number, row.model_copy(update=update) if update else row))
    return changed
