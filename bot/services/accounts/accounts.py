"""Accounts: who sent an update (the Actor), their language, and the user's own data."""

from __future__ import annotations

from bot.clock import Clock
from bot.domain.actor import Actor
from bot.domain.calendar import MeasureUse
from bot.domain.consultations import BOOKABLE
from bot.domain.errors import NotLinked
from bot.domain.models import Model, SupportPlan
from storage.uow import UnitOfWork


class PlanView(Model):
    pupil_name: str
    plans: tuple[SupportPlan, ...]
    # Of each consultation measure: minutes used by sessions past, and booked ahead.
    use: tuple[MeasureUse, ...] = ()


class AccountService:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self.uow = uow
        self.clock = clock

    async def resolve(self, telegram_id: int, telegram_language: str | None) -> Actor:
        """The Actor of whoever sent an update, created on first contact (one read)."""
        async with self.uow.read() as tx:
            actor = await tx.accounts.actor(telegram_id)
        if (
            actor is not None
            and actor.active
            and (telegram_language is None or actor.telegram_language == telegram_language)
        ):
            return actor
        async with self.uow.write() as tx:
            await tx.accounts.ensure(telegram_id, telegram_language, self.clock.now())
            actor = await tx.accounts.actor(telegram_id)
        assert actor is not None  # noqa: S101 - just written in this transaction
        return actor

    async def language_of(self, telegram_id: int) -> str | None:
        """The language the account chose, if any (a read: nothing is created or changed)."""
        async with self.uow.read() as tx:
            return await tx.accounts.chosen_language(telegram_id)

    async def set_language(self, actor: Actor, language: str) -> Actor:
        async with self.uow.write() as tx:
            await tx.accounts.ensure(actor.telegram_id, None, self.clock.now())
            await tx.accounts.set_language(actor.telegram_id, language)
        return actor.model_copy(update={"language": language})

    async def mark_blocked(self, telegram_id: int) -> None:
        """Telegram says the user blocked the bot: send nothing until they write again."""
        async with self.uow.write() as tx:
            await tx.accounts.set_active(telegram_id, False)

    async def view_plans(self, actor: Actor) -> list[PlanView]:
        """The plans a pupil may see (their own) or a parent (their children's), audited."""
        if not actor.is_linked:
            raise NotLinked()
        pupils = actor.require_family()
        now = self.clock.now()
        async with self.uow.read() as tx:
            use = await tx.history.use_of_plans([p.id for p in pupils], now)
            views = []
            for pupil in pupils:
                plans = await tx.people.plans_of_pupil(pupil.id)
                views.append(
                    PlanView(
                        pupil_name=pupil.name,
                        plans=tuple(plans),
                        use=tuple(
                            MeasureUse(
                                measure_id=m.id,
                                used_minutes=use.get((p.id, m.kind, m.subject), (0, 0))[0],
                                booked_minutes=use.get((p.id, m.kind, m.subject), (0, 0))[1],
                            )
                            for p in plans
                            for m in p.measures
                            if m.kind in BOOKABLE
                        ),
                    )
                )
            others = [p.id for p in pupils if not actor.is_own(p.id)]
            await tx.audit.add_reads(now, actor.telegram_id, "read_plan", others)
        return views
