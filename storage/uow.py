"""The unit of work: repositories bound to one transaction, so services never see SQL.

``async with uow.write() as tx:`` opens one ``BEGIN IMMEDIATE`` transaction (writes are
serialized, see :class:`storage.db.Database`) and gives ``tx.bookings``, ``tx.slots``,
``tx.reminders``... all on it: everything done inside commits together or not at all.
``async with uow.read() as tx:`` gives the same repositories on the reader connection,
for screens that only read; the audit rows such a screen adds (``tx.audit``) are
written together with other screens' when the block ends (:class:`storage.audit.
AuditWriter`), before the answer goes out. ``async with uow.single() as tx:`` is a
write of ONE statement, which commits by itself (one trip to the database thread
instead of three). A service shows where its transaction begins; it never holds a
connection.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, nullcontext
from functools import cached_property

from storage.accounts import AccountsRepo
from storage.admin import AdminRepo
from storage.audit import AuditRepo, AuditRow, AuditWriter
from storage.care import CareRepo
from storage.codes import CodesRepo
from storage.consultations.bookings import BookingsRepo
from storage.consultations.calendar import CalendarRepo
from storage.consultations.desk import DeskRepo
from storage.consultations.history import HistoryRepo
from storage.consultations.series import SeriesRepo
from storage.consultations.slots import SlotChanges, SlotsRepo
from storage.consultations.terms import TermsRepo
from storage.consultations.waitlist import WaitlistRepo
from storage.db import Connection, Database, off_loop
from storage.figures import FiguresRepo
from storage.imports import ImportsRepo
from storage.internship import InternshipRepo
from storage.meals import MealsRepo
from storage.people import PeopleRepo
from storage.privacy import PrivacyRepo
from storage.questions import QuestionsRepo
from storage.reminders import RemindersRepo
from storage.retention import RetentionRepo
from storage.settings import SettingsRepo


class Tx:
    """The repositories of one transaction (or of the reader, for :meth:`UnitOfWork.read`)."""

    def __init__(self, conn: Connection, audit_rows: list[AuditRow] | None = None) -> None:
        self.conn = conn
        self._after_commit: list[Callable[[], None]] = []
        # Collected for the audit writer (a read), or None: written in the transaction.
        self._audit_rows = audit_rows
        # Slots freed or published here: the waiting list offers them before the commit.
        self.slot_changes = SlotChanges()

    def after_commit(self, action: Callable[[], None]) -> None:
        """Run ``action`` once the transaction has committed (never if it rolls back)."""
        self._after_commit.append(action)

    def _committed(self) -> None:
        for action in self._after_commit:
            action()

    @cached_property
    def accounts(self) -> AccountsRepo:
        return AccountsRepo(self.conn)

    @cached_property
    def codes(self) -> CodesRepo:
        return CodesRepo(self.conn)

    @cached_property
    def audit(self) -> AuditRepo:
        return AuditRepo(self.conn, self._audit_rows)

    @cached_property
    def people(self) -> PeopleRepo:
        return PeopleRepo(self.conn)

    @cached_property
    def bookings(self) -> BookingsRepo:
        return BookingsRepo(self.conn)

    @cached_property
    def slots(self) -> SlotsRepo:
        return SlotsRepo(self.conn, self.slot_changes)

    @cached_property
    def terms(self) -> TermsRepo:
        return TermsRepo(self.conn)

    @cached_property
    def calendar(self) -> CalendarRepo:
        return CalendarRepo(self.conn, self.slot_changes)

    @cached_property
    def history(self) -> HistoryRepo:
        return HistoryRepo(self.conn)

    @cached_property
    def reminders(self) -> RemindersRepo:
        return RemindersRepo(self.conn)

    @cached_property
    def settings(self) -> SettingsRepo:
        return SettingsRepo(self.conn)

    @cached_property
    def questions(self) -> QuestionsRepo:
        return QuestionsRepo(self.conn)

    @cached_property
    def meals(self) -> MealsRepo:
        return MealsRepo(self.conn)

    @cached_property
    def internship(self) -> InternshipRepo:
        return InternshipRepo(self.conn)

    @cached_property
    def care(self) -> CareRepo:
        return CareRepo(self.conn)

    @cached_property
    def privacy(self) -> PrivacyRepo:
        return PrivacyRepo(self.conn)

    @cached_property
    def retention(self) -> RetentionRepo:
        return RetentionRepo(self.conn)

    @cached_property
    def imports(self) -> ImportsRepo:
        return ImportsRepo(self.conn)

    @cached_property
    def figures(self) -> FiguresRepo:
        return FiguresRepo(self.conn)

    @cached_property
    def admin(self) -> AdminRepo:
        return AdminRepo(self.conn)

    @cached_property
    def waitlist(self) -> WaitlistRepo:
        return WaitlistRepo(self.conn)

    @cached_property
    def desk(self) -> DeskRepo:
        return DeskRepo(self.conn)

    @cached_property
    def series(self) -> SeriesRepo:
        return SeriesRepo(self.conn)


# Run at the end of every write transaction, before it commits (never on a rollback).
BeforeCommit = Callable[[Tx], Awaitable[None]]


class UnitOfWork:
    """Where services begin their transactions."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.audit_writer = AuditWriter(db)
        self._before_commit: list[BeforeCommit] = []

    def before_commit(self, hook: BeforeCommit) -> None:
        """Run ``hook(tx)`` at the end of every write transaction, inside it: the waiting
        list offers a slot freed or published in the same transaction that freed it."""
        self._before_commit.append(hook)

    @asynccontextmanager
    async def write(self, *, heavy: bool = False) -> AsyncIterator[Tx]:
        """One write transaction; it commits when the block ends, or rolls back on error.

        ``heavy``: work that may take long (its statements run off the event loop).
        """
        with off_loop() if heavy else nullcontext():
            async with self.db.write() as conn:
                tx = Tx(conn)
                yield tx
                for hook in self._before_commit:
                    await hook(tx)
        tx._committed()

    @asynccontextmanager
    async def single(self) -> AsyncIterator[Tx]:
        """A write of one statement (it commits by itself); more need :meth:`write`."""
        async with self.db.single() as conn:
            tx = Tx(conn)
            yield tx
        tx._committed()

    @asynccontextmanager
    async def read(self, *, heavy: bool = False) -> AsyncIterator[Tx]:
        """The reader connection: for screens that only read (no transaction of their own).

        Audit rows added meanwhile are committed when the block ends, before it returns.
        ``heavy``: reads that may take long (reports), run off the event loop.
        """
        rows: list[AuditRow] = []
        tx = Tx(self.db.reader, rows)
        with off_loop() if heavy else nullcontext():
            yield tx
        await self.audit_writer.write(rows)
        tx._committed()
