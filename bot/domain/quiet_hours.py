"""Quiet hours: when a child's phone must stay silent, in wall-clock time of one zone.

All arithmetic is done on local dates and times and converted back with ``zoneinfo``, so
"08:00" stays 08:00 on the mornings after the summer-time changes (which are at 03:00 and
04:00 in Riga, never inside an hour we pick here).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def at_local(day: date, clock_time: time, tz: ZoneInfo) -> datetime:
    """``clock_time`` on ``day`` in ``tz``, as an aware UTC datetime."""
    return datetime.combine(day, clock_time, tzinfo=tz).astimezone(UTC)


@dataclass(frozen=True)
class QuietHours:
    """A nightly window ``[start, end)`` in ``tz``; it may wrap past midnight."""

    start: time
    end: time
    tz: ZoneInfo

    @property
    def enabled(self) -> bool:
        return self.start != self.end

    def contains(self, when: datetime) -> bool:
        if not self.enabled:
            return False
        local = when.astimezone(self.tz).time()
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def morning_after(self, when: datetime) -> datetime:
        """The end of the quiet window that ``when`` is in (call only when it is)."""
        local = when.astimezone(self.tz)
        day = local.date()
        if self.start > self.end and local.time() >= self.start:
            day += timedelta(days=1)
        return at_local(day, self.end, self.tz)

    def evening_of(self, when: datetime) -> datetime:
        """The start of the quiet window that ``when`` is in (call only when it is)."""
        local = when.astimezone(self.tz)
        day = local.date()
        if self.start > self.end and local.time() < self.end:
            day -= timedelta(days=1)
        return at_local(day, self.start, self.tz)

    def place(self, due_at: datetime, event_at: datetime | None, now: datetime) -> datetime:
        """When a reminder due at ``due_at`` may really be sent.

        The rule: outside quiet hours, unchanged. Inside, it waits for the morning,
        unless it announces something (``event_at`` after ``due_at``) that starts
        before that morning: then it is sent one minute before quiet hours began if
        that is still to come, else at ``due_at`` (the event itself is at night).
        """
        if not self.contains(due_at):
            return due_at
        morning = self.morning_after(due_at)
        if event_at is None or event_at <= due_at or event_at > morning:
            return morning
        earlier = self.evening_of(due_at) - timedelta(minutes=1)
        return earlier if earlier > now else due_at
