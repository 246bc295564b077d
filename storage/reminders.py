"""Reminder rows: created, moved and cancelled inside the caller's transaction.

The dispatcher (``bot.services.reminders.dispatcher``) is the only reader that sends them.
Their states: ``pending`` -> ``sending`` (claimed by one dispatch, in one write
transaction) -> ``sent`` | ``failed`` | ``expired`` | ``cancelled``, or back to
``pending`` (released at a graceful stop, retried later, or deferred past quiet hours).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime

import aiosqlite

from bot.domain.models import Model, Role
from bot.domain.reminders import (
    Planned,
    Reminder,
    ReminderKind,
    ReminderState,
    parse_kind,
    parse_payload,
)
from storage.db import Repo, from_db_time, marks, to_db_time

_COLUMNS = (
    "id, chat_id, role, kind, ref, due_at, event_at, not_after, payload, state, attempts, urgent"
)

# Create the reminder, or move it (one per chat, kind and ref). A sent reminder is planned
# again only when its time or its event's time changed (a moved session deserves a new
# reminder; planning the same one twice does not). A row being sent right now is moved
# too: the dispatcher's 'sent' mark then finds it pending and leaves it for its new time.
# A kind the recipient turned off in /settings is stored cancelled ('turned off'), so
# turning it on again brings it back; ?9 says whether the kind may be turned off.
_SCHEDULE = (
    "INSERT INTO reminders (chat_id, role, kind, ref, due_at, event_at, not_after, payload,"
    " urgent, state, last_error)"
    " SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?11,"
    " CASE WHEN off THEN 'cancelled' ELSE 'pending' END, CASE WHEN off THEN 'turned off' END"
    " FROM (SELECT ?9 AND EXISTS (SELECT 1 FROM account_settings s, json_each(s.value) j"
    "   WHERE s.telegram_id = ?1 AND s.name = 'reminders_off' AND j.value = ?10) AS off)"
    " WHERE true"
    " ON CONFLICT (chat_id, kind, ref) DO UPDATE SET due_at = excluded.due_at,"
    " event_at = excluded.event_at, not_after = excluded.not_after, role = excluded.role,"
    " payload = excluded.payload, urgent = excluded.urgent, state = excluded.state,"
    " attempts = 0, last_error = excluded.last_error, sent_at = NULL"
    " WHERE reminders.state <> 'sent' OR reminders.due_at <> excluded.due_at"
    " OR reminders.event_at IS NOT excluded.event_at"
)
_OPEN = "state IN ('pending', 'sending')"


class ChatInfo(Model):
    """What the dispatcher needs to know about a chat before it sends to it."""

    chat_id: int
    language: str | None = None
    telegram_language: str | None = None
    active: bool = True
    off_kinds: frozenset[str] = frozenset()
    # The pupils the account acts for now: itself, or a parent's children.
    family_pupils: frozenset[int] = frozenset()


def _reminder(row: aiosqlite.Row) -> Reminder | None:
    parsed = parse_kind(row["kind"])
    if parsed is None:
        return None
    kind, variant = parsed
    return Reminder(
        id=row["id"],
        chat_id=row["chat_id"],
        role=Role(row["role"]),
        kind=kind,
        variant=variant,
        ref=row["ref"],
        due_at=from_db_time(row["due_at"]),
        event_at=from_db_time(row["event_at"]) if row["event_at"] else None,
        not_after=from_db_time(row["not_after"]) if row["not_after"] else None,
        payload=parse_payload(kind, json.loads(row["payload"])),
        state=ReminderState(row["state"]),
        attempts=row["attempts"],
        urgent=bool(row["urgent"]),
    )


def _row(item: Planned, optional: frozenset[ReminderKind]) -> tuple[object, ...]:
    return (
        item.chat_id,
        item.role.value,
        item.kind_text,
        item.ref,
        to_db_time(item.due_at),
        to_db_time(item.event_at) if item.event_at else None,
        to_db_time(item.not_after) if item.not_after else None,
        item.payload.model_dump_json(),
        item.kind in optional,
        item.kind.value,
        int(item.urgent),
    )


def _kind_filter(kinds: Iterable[ReminderKind]) -> tuple[str, list[object]]:
    """A kind without a variant also matches its variants: session ~ session:1440."""
    args: list[object] = []
    for kind in kinds:
        args += [kind.value, f"{kind.value}:%"]
    return " OR ".join("kind = ? OR kind LIKE ?" for _ in range(len(args) // 2)), args


class RemindersRepo(Repo):
    async def schedule(
        self, items: Sequence[Planned], optional: frozenset[ReminderKind] = frozenset()
    ) -> None:
        """Create or move every planned row, in one statement; a kind of ``optional``
        that its recipient turned off is stored cancelled."""
        if items:
            await self.run_many(_SCHEDULE, [_row(item, optional) for item in items])

    async def cancel(self, ref: str, kinds: Iterable[ReminderKind] = ()) -> int:
        """Cancel what is pending about ``ref`` (all kinds, or only ``kinds``)."""
        sql = f"UPDATE reminders SET state = 'cancelled' WHERE ref = ? AND {_OPEN}"  # noqa: S608
        args: list[object] = [ref]
        where, kind_args = _kind_filter(kinds)
        if where:
            sql, args = sql + f" AND ({where})", args + kind_args
        return await self.run(sql, args)

    async def cancel_of_chat(self, chat_id: int) -> int:
        """Cancel everything pending for one chat."""
        return await self.run(
            f"UPDATE reminders SET state = 'cancelled' WHERE chat_id = ? AND {_OPEN}",  # noqa: S608
            (chat_id,),
        )

    async def cancel_other_variants(
        self, ref: str, kind: ReminderKind, chats: Iterable[int], keep: Iterable[tuple[int, str]]
    ) -> int:
        """Cancel the pending ``kind:*`` rows of ``ref`` to these chats, except the
        (chat, kind) pairs in ``keep``: one statement for every recipient."""
        chat_ids, kept = sorted(set(chats)), list(keep)
        if not chat_ids:
            return 0
        sql = (
            "UPDATE reminders SET state = 'cancelled' WHERE ref = ? AND kind LIKE ?"  # noqa: S608 - ? marks only
            f" AND state = 'pending' AND chat_id IN ({marks(len(chat_ids))})"
        )
        args: list[object] = [ref, f"{kind.value}:%", *chat_ids]
        if kept:
            sql += f" AND (chat_id, kind) NOT IN (VALUES {','.join('(?, ?)' for _ in kept)})"
            args += [value for pair in kept for value in pair]
        return await self.run(sql, args)

    # --- the dispatcher's side --------------------------------------------------------

    async def next_due_at(self) -> datetime | None:
        """The earliest pending due time: one step down the (state, due_at) index."""
        row = await self.one(
            "SELECT due_at FROM reminders WHERE state = 'pending' ORDER BY due_at LIMIT 1"
        )
        return from_db_time(row[0]) if row else None

    async def expire_overdue(self, now: datetime) -> int:
        """Due reminders whose moment has passed (a session already started) expire."""
        stamp = to_db_time(now)
        return await self.run(
            "UPDATE reminders SET state = 'expired', last_error = 'too late'"
            " WHERE state = 'pending' AND due_at <= ? AND not_after IS NOT NULL"
            " AND not_after <= ?",
            (stamp, stamp),
        )

    async def claim_due(self, now: datetime, limit: int) -> list[Reminder]:
        """Move up to ``limit`` due pending rows to 'sending'; return them, earliest first.

        Run inside a write transaction: a row claimed here is claimed by nobody else. A
        row of a kind this version does not know is failed at once.
        """
        rows = await self.all(
            "UPDATE reminders SET state = 'sending', attempts = attempts + 1"  # noqa: S608 - constants and ? marks only
            " WHERE id IN (SELECT id FROM reminders WHERE state = 'pending' AND due_at <= ?"
            f" ORDER BY due_at, id LIMIT ?) RETURNING {_COLUMNS}",
            (to_db_time(now), limit),
        )
        claimed, unknown = [], []
        for row in rows:
            reminder = _reminder(row)
            if reminder is None:
                unknown.append((row["id"], "failed", f"unknown kind {row['kind']}"))
            else:
                claimed.append(reminder)
        await self.finish_many(unknown)
        return sorted(claimed, key=lambda r: (r.due_at, r.id))

    async def mark_sent(self, ids: Sequence[int], now: datetime) -> int:
        """Only rows still being sent: one moved meanwhile stays pending for its new time."""
        if not ids:
            return 0
        return await self.run(
            "UPDATE reminders SET state = 'sent', sent_at = ?, last_error = NULL"  # noqa: S608 - constants and ? marks only
            f" WHERE state = 'sending' AND id IN ({marks(len(ids))})",
            [to_db_time(now), *ids],
        )

    async def finish_many(self, rows: Sequence[tuple[int, str, str | None]]) -> None:
        """End claimed rows without sending: (id, 'failed'|'expired'|'cancelled', why)."""
        await self.run_many(
            "UPDATE reminders SET state = ?, last_error = ? WHERE id = ? AND state = 'sending'",
            [(state, error, reminder_id) for reminder_id, state, error in rows],
        )

    async def release(
        self,
        ids: Sequence[int],
        *,
        due_at: datetime | None = None,
        error: str | None = None,
        count_attempt: bool = False,
    ) -> None:
        """Give claimed rows back to 'pending' (later, if ``due_at``); an attempt if said."""
        if not ids:
            return
        sql = "UPDATE reminders SET state = 'pending'"
        args: list[object] = []
        if not count_attempt:
            sql += ", attempts = attempts - 1"
        if due_at is not None:
            sql += ", due_at = ?"
            args.append(to_db_time(due_at))
        if error is not None:
            sql += ", last_error = ?"
            args.append(error)
        sql += f" WHERE state = 'sending' AND id IN ({marks(len(ids))})"
        await self.run(sql, [*args, *ids])

    async def recover_interrupted(self) -> int:
        """At start: rows a dead process had claimed go back to 'pending' (at-least-once)."""
        return await self.run(
            "UPDATE reminders SET state = 'pending', attempts = max(attempts - 1, 0)"
            " WHERE state = 'sending'"
        )

    async def chats(self, chat_ids: Iterable[int]) -> dict[int, ChatInfo]:
        """Language, active flag and turned-off kinds of each chat (defaults if unknown)."""
        ids = sorted(set(chat_ids))
        found = {chat_id: ChatInfo(chat_id=chat_id) for chat_id in ids}
        if not ids:
            return found
        rows = await self.all(
            "SELECT a.telegram_id, a.language, a.telegram_language, a.active, s.value AS off"  # noqa: S608 - constants and ? marks only
            " FROM accounts a LEFT JOIN account_settings s"
            " ON s.telegram_id = a.telegram_id AND s.name = 'reminders_off'"
            f" WHERE a.telegram_id IN ({marks(len(ids))})",
            ids,
        )
        family: dict[int, set[int]] = {}
        for row in await self.all(
            "SELECT l.telegram_id, l.person_id FROM account_links l"  # noqa: S608 - ? marks only
            f" WHERE l.role = 'pupil' AND l.telegram_id IN ({marks(len(ids))})"
            " UNION ALL SELECT l.telegram_id, gp.pupil_id FROM account_links l"
            " JOIN guardian_pupils gp ON gp.guardian_id = l.person_id"
            f" WHERE l.role = 'guardian' AND l.telegram_id IN ({marks(len(ids))})",
            [*ids, *ids],
        ):
            family.setdefault(row[0], set()).add(row[1])
        for row in rows:
            found[row["telegram_id"]] = ChatInfo(
                chat_id=row["telegram_id"],
                language=row["language"],
                telegram_language=row["telegram_language"],
                active=bool(row["active"]),
                off_kinds=frozenset(json.loads(row["off"])) if row["off"] else frozenset(),
                family_pupils=frozenset(family.get(row["telegram_id"], ())),
            )
        return found

    # --- settings, /me and tests --------------------------------------------------------

    async def offset_rows_of_chat(self, chat_id: int, now: datetime) -> list[Reminder]:
        """Pending or sent ``kind:<minutes>`` rows of a chat whose event is still to come."""
        rows = await self.all(
            f"SELECT {_COLUMNS} FROM reminders WHERE chat_id = ?"  # noqa: S608 - constants only
            " AND state IN ('pending', 'sent') AND event_at > ? AND kind GLOB '*:[0-9]*'"
            " ORDER BY event_at, id",
            (chat_id, to_db_time(now)),
        )
        return [r for r in map(_reminder, rows) if r is not None]

    async def of_chat(self, chat_id: int | None = None) -> list[Reminder]:
        sql, args = f"SELECT {_COLUMNS} FROM reminders", []  # noqa: S608 - constants only
        if chat_id is not None:
            sql, args = sql + " WHERE chat_id = ?", [chat_id]
        rows = await self.all(sql + " ORDER BY due_at, id", args)
        return [r for r in map(_reminder, rows) if r is not None]

    async def count_by_state(self) -> dict[str, int]:
        rows = await self.all("SELECT state, count(*) FROM reminders GROUP BY state")
        return {row[0]: int(row[1]) for row in rows}

    async def turn_off_kind(self, chat_id: int, kind: ReminderKind) -> int:
        """Cancel a chat's pending rows of one kind, marked so they can come back."""
        return await self.run(
            "UPDATE reminders SET state = 'cancelled', last_error = 'turned off'"
            " WHERE chat_id = ? AND (kind = ? OR kind LIKE ?) AND state = 'pending'",
            (chat_id, kind.value, f"{kind.value}:%"),
        )

    async def turn_on_kind(self, chat_id: int, kind: ReminderKind, now: datetime) -> int:
        """Bring back the rows :meth:`turn_off_kind` cancelled that are still to come."""
        return await self.run(
            "UPDATE reminders SET state = 'pending', last_error = NULL"
            " WHERE chat_id = ? AND (kind = ? OR kind LIKE ?) AND state = 'cancelled'"
            " AND last_error = 'turned off' AND due_at > ?",
            (chat_id, kind.value, f"{kind.value}:%", to_db_time(now)),
        )

    async def pending_count_of_chat(self, chat_id: int) -> int:
        row = await self.one(
            "SELECT count(*) FROM reminders WHERE chat_id = ? AND state = 'pending'", (chat_id,)
        )
        return int(row[0]) if row else 0
