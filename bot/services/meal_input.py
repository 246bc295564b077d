"""The one door for typed answers and photos the meals feature is waiting for."""

from __future__ import annotations

from bot.domain.errors import N_, DomainError
from bot.domain.meals import TransportClaim
from bot.domain.models import Model
from bot.services.awaiting import FeatureAnswers
from bot.services.internship import ClaimDraft, InternshipService
from bot.services.meals import DraftView, MealsService
from storage import Database


class NothingAwaited(DomainError):
    message = N_("That question has timed out. Please start again from the menu.")


class Received(Model):
    """What the answer was for: the meal confirmation, a claim, or a claim's return."""

    meal: DraftView | None = None
    claim: ClaimDraft | None = None
    returned: TransportClaim | None = None


class MealInputService:
    def __init__(
        self,
        db: Database,
        awaiting: FeatureAnswers,
        meals: MealsService,
        internship: InternshipService,
    ) -> None:
        self.db = db
        self.awaiting = awaiting
        self.meals = meals
        self.internship = internship

    def awaits(self, telegram_id: int) -> bool:
        """Synchronous, for the Telegram filter: is this user answering one of our questions?"""
        return self.awaiting.awaits(telegram_id)

    async def receive(self, telegram_id: int, text: str | None, photo: str | None) -> Received:
        """Take one answer; a bad one raises a domain error and changes nothing."""
        async with self.db.write() as conn:
            value = await self.awaiting.current(conn, telegram_id)
            kind = value.get("kind") if value else None
            if kind == "meal":
                return Received(meal=await self.meals.take_text(conn, telegram_id, text))
            if kind == "claim":
                draft = await self.internship.take_claim_input(conn, telegram_id, text, photo)
                return Received(claim=draft)
            if kind == "return":
                claim = await self.internship.take_return_reason(conn, telegram_id, text)
                return Received(returned=claim)
            await self.awaiting.end(conn, telegram_id)
        raise NothingAwaited()
