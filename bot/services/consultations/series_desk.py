"""A series on the specialist's desk: accept, decline or cancel all its coming sessions at
once (one date alone is answered on the session's own screen, as any booking)."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.actor import Actor
from bot.domain.consultations import BookingChanged, BookingEvent, BookingState, SlotState
from bot.domain.errors import NotAllowed, check_text
from bot.domain.series import Series, SeriesChange
from bot.services.consultations import series_sessions, sessions
from bot.services.consultations.booking import ConsultationsBase
from bot.services.consultations.desk import DeskService
from storage.uow import Tx


class SeriesDeskService(ConsultationsBase):
    """The specialist's answers to a whole series."""

    def attach(self, desk: DeskService) -> None:
        """A late cancellation alerts the coordinators as the desk does for one session."""
        self.desk = desk

    async def _own(self, tx: Tx, actor: Actor, series_id: int) -> Series:
        actor.require_specialist()
        info = await tx.series.get(series_id)
        if info is None or info.specialist_id not in actor.specialist_ids:
            raise NotAllowed()
        return await series_sessions.load(tx, series_id)

    async def accept_all(self, actor: Actor, series_id: int) -> SeriesChange:
        """Accept every coming requested session of the series."""
        now = self.clock.now()
        async with self.uow.write() as tx:
            found = await self._own(tx, actor, series_id)
            waiting = found.upcoming(now, BookingState.REQUESTED)
            if not waiting:
                raise BookingChanged()
            for booking in waiting:
                await tx.bookings.update_state(
                    booking.id, BookingState.CONFIRMED, now, expect=(BookingState.REQUESTED,)
                )
                await tx.bookings.mark_answered(booking.id, now)
                await sessions.confirm(tx, self.reminders, self.config, booking.id, now)
            after = await series_sessions.load(tx, series_id)
            done = {b.id for b in waiting}
            changed = tuple(b for b in after.bookings if b.id in done)
            parties = await tx.bookings.parties(changed[0])
            event = BookingEvent.CONFIRMED
            await self.reminders.plan(
                tx, series_sessions.notices(series_id, changed, actor, event, parties, now)
            )
            return SeriesChange(series=after, changed=changed, event=event)

    async def decline_all(self, actor: Actor, series_id: int, reason: str) -> SeriesChange:
        """Decline every coming requested session, with a reason the family reads."""
        reason = check_text(reason, self.config.reason_max_chars, required=True)
        now = self.clock.now()
        async with self.uow.write() as tx:
            found = await self._own(tx, actor, series_id)
            waiting = found.upcoming(now, BookingState.REQUESTED)
            for booking in waiting:
                await tx.bookings.mark_answered(booking.id, now)
            ending = (BookingState.DECLINED, BookingEvent.DECLINED)
            return await series_sessions.end(
                tx, self.reminders, found, waiting, actor, ending, SlotState.FREE, now, reason
            )

    async def cancel_all(self, actor: Actor, series_id: int, reason: str) -> SeriesChange:
        """Cancel every coming session, with a reason: the times are withdrawn (the
        specialist is not free then); past the cut-off the coordinators are told too."""
        reason = check_text(reason, self.config.reason_max_chars, required=True)
        now = self.clock.now()
        cutoff = timedelta(hours=self.config.specialist_cancel_cutoff_hours)
        async with self.uow.write() as tx:
            found = await self._own(tx, actor, series_id)
            coming = found.upcoming(
                now, BookingState.REQUESTED, BookingState.PROPOSED, BookingState.CONFIRMED
            )
            late = [
                b
                for b in coming
                if b.state == BookingState.CONFIRMED and b.starts_at - now < cutoff
            ]
            ending = (BookingState.CANCELLED, BookingEvent.CANCELLED)
            change = await series_sessions.end(
                tx, self.reminders, found, coming, actor, ending, SlotState.WITHDRAWN, now, reason
            )
            for booking in late:
                await self.desk.alert_coordinators(tx, booking, now)
            return change
