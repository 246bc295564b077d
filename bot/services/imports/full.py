"""``pumpurs-bot import --full FILE``: a complete file of a school's people.

Whoever of those schools (the schools the file names) is missing from the file is marked
as left, as a coordinator would in the chat: accounts unlinked, bookings ended with a
notice, history kept. Someone marked as left who is in the file again is back. The plan
is shown first; nothing changes until it is confirmed (``--yes``).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.clock import Clock
from bot.domain.actor import Actor
from bot.domain.admin import FullImportPlan, FullImportRefused, PersonCard
from bot.domain.errors import ImportFailed
from bot.domain.models import PersonRef, Role
from bot.services.admin.people import AdminService
from bot.services.imports.csvfile import parse_file
from bot.services.imports.importer import Importer, ImportReport
from bot.services.imports.lines import ImportKind
from storage.uow import UnitOfWork

# The kinds a complete file can be given of, the role of their people and their id column.
FULL_KINDS = {
    ImportKind.PUPILS: (Role.PUPIL, "pupil_id"),
    ImportKind.GUARDIANS: (Role.GUARDIAN, "guardian_id"),
    ImportKind.SPECIALISTS: (Role.SPECIALIST, "specialist_id"),
}


def school_import(school_id: str) -> Actor:
    """A complete school file acts as the school's coordinator when it marks who left."""
    link = PersonRef(role=Role.COORDINATOR, person_id=0, school_id=school_id, display_name="import")
    return Actor(telegram_id=0, links=(link,), coordinated_schools=(school_id,))


class FullImport:
    def __init__(
        self, uow: UnitOfWork, clock: Clock, importer: Importer, admin: AdminService
    ) -> None:
        self.uow = uow
        self.clock = clock
        self.importer = importer
        self.admin = admin

    async def plan(self, path: Path) -> FullImportPlan:
        """What importing the file in full would do; changes nothing."""
        parsed = await asyncio.to_thread(parse_file, path)
        if parsed.kind not in FULL_KINDS:
            raise FullImportRefused()
        if parsed.problems:
            problems = sorted(parsed.problems)
            raise ImportFailed(problems=[f"line {n}: {text}" for n, text in problems])
        role, column = FULL_KINDS[parsed.kind]
        listed = {(row.school_id, getattr(row, column)) for _, row in parsed.lines}
        schools = sorted({school for school, _ in listed})
        leaving: list[PersonCard] = []
        back: list[PersonCard] = []
        async with self.uow.read() as tx:
            for school in schools:
                for card in await tx.admin.all_of_school(school, role):
                    here = (school, card.external_id) in listed
                    if not here and card.left_on is None:
                        leaving.append(card)
                    elif here and card.left_on is not None:
                        back.append(card)
        return FullImportPlan(
            kind=parsed.kind.value, schools=tuple(schools), leaving=tuple(leaving), back=tuple(back)
        )

    async def apply(self, path: Path) -> tuple[ImportReport, FullImportPlan]:
        """Import the file, then mark who is missing as left and who is back as back."""
        plan = await self.plan(path)
        report = await self.importer.import_file(path)
        now = self.clock.now()
        async with self.uow.write() as tx:
            for card in plan.leaving:
                await self.admin.leave_in(tx, school_import(card.school_id), card, now)
            for card in plan.back:
                await tx.admin.mark_left(card.role, card.id, None)
                await tx.audit.add(now, None, "back", f"{card.role.value}:{card.id}")
        return report, plan
