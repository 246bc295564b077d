"""Vocational internship support: entitlements, internship days, transport claims."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.config import MealsConfig
from bot.domain.eligibility import INTERNSHIP_MEASURES, Eligibility, Measure, ProgrammeRules, check
from bot.domain.errors import NotAllowed, NotLinked
from bot.domain.meals import (
    REASON_MAX,
    ClaimDecided,
    ClaimState,
    InvalidDates,
    NotEligible,
    PhotoExpected,
    ReasonNeeded,
    TextExpected,
    TransportClaim,
    clean_note,
    parse_amount_cents,
    parse_day,
)
from bot.domain.models import Model, Pupil, Role
from bot.services.awaiting import FeatureAnswers
from bot.services.reminders import ReminderService
from storage import Database, people
from storage import accounts as accounts_repo
from storage import internship as repo
from storage import meals as meals_repo
from storage.db import Connection

DAYS_SHOWN = 14
MAX_CLAIM_DAYS = 31


class InternshipView(Model):
    pupil: Pupil
    entitlements: tuple[Eligibility, ...]
    days: tuple[date, ...]
    confirmed: tuple[date, ...]
    claims: tuple[TransportClaim, ...]

    def entitled(self, measure: Measure) -> bool:
        return any(e.measure == measure and e.eligible for e in self.entitlements)


class ClaimDraft(Model):
    step: str
    first_day: date | None = None
    last_day: date | None = None
    amount_cents: int | None = None
    claim: TransportClaim | None = None


class InternshipService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        config: MealsConfig,
        rules: ProgrammeRules,
        reminders: ReminderService,
        awaiting: FeatureAnswers,
        tz: ZoneInfo,
    ) -> None:
        self.db = db
        self.clock = clock
        self.config = config
        self.rules = rules
        self.reminders = reminders
        self.awaiting = awaiting
        self.tz = tz

    def today(self) -> date:
        return self.clock.now().astimezone(self.tz).date()

    async def _student(self, conn: Connection, telegram_id: int) -> Pupil:
        account = await accounts_repo.get_account(conn, telegram_id)
        if account is None or not account.is_linked:
            raise NotLinked()
        if account.role != Role.PUPIL:
            raise NotAllowed()
        pupil = await people.get_pupil(conn, account.links[0].person_id)
        if pupil is None:
            raise NotAllowed()
        return pupil

    async def _entitlements(self, conn: Connection, pupil: Pupil, on: date) -> list[Eligibility]:
        school = await people.get_school(conn, pupil.school_id)
        assert school is not None  # noqa: S101
        plans = await people.plans_of_pupil(conn, pupil.id)
        return [check(pupil, school, plans, self.rules, on, m) for m in INTERNSHIP_MEASURES]

    async def overview(self, telegram_id: int) -> InternshipView:
        today = self.today()
        days = tuple(today + timedelta(days=i) for i in range(DAYS_SHOWN))
        async with self.db.write() as conn:
            pupil = await self._student(conn, telegram_id)
            entitlements = await self._entitlements(conn, pupil, today)
            return InternshipView(
                pupil=pupil,
                entitlements=tuple(entitlements),
                days=tuple(d for d in days if d.isoweekday() <= 5),
                confirmed=tuple(await repo.internship_days(conn, pupil.id, days[0], days[-1])),
                claims=tuple(await repo.claims_of_pupil(conn, pupil.id)),
            )

    async def toggle_day(self, telegram_id: int, day: date) -> InternshipView:
        """Confirm (or take back) one internship day for internship meals."""
        today = self.today()
        if not today <= day < today + timedelta(days=DAYS_SHOWN):
            raise NotAllowed()
        async with self.db.write() as conn:
            pupil = await self._student(conn, telegram_id)
            school = await people.get_school(conn, pupil.school_id)
            assert school is not None  # noqa: S101
            plans = await people.plans_of_pupil(conn, pupil.id)
            answer = check(pupil, school, plans, self.rules, day, Measure.INTERNSHIP_MEALS)
            if not answer.eligible:
                raise NotEligible(answer.reasons)
            await repo.toggle_internship_day(conn, pupil.id, day, self.clock.now())
        return await self.overview(telegram_id)

    # --- transport claims ---------------------------------------------------------------

    async def begin_claim(self, telegram_id: int) -> ClaimDraft:
        async with self.db.write() as conn:
            pupil = await self._student(conn, telegram_id)
            (transport, *_) = await self._entitlements(conn, pupil, self.today())
            if not transport.eligible:
                raise NotEligible(transport.reasons)
            draft = ClaimDraft(step="dates")
            await self._save(conn, telegram_id, draft)
            return draft

    async def _save(self, conn: Connection, telegram_id: int, draft: ClaimDraft) -> None:
        await self.awaiting.begin(
            conn, telegram_id, {"kind": "claim", **draft.model_dump(mode="json")}
        )

    async def take_claim_input(
        self, conn: Connection, telegram_id: int, text: str | None, photo: str | None
    ) -> ClaimDraft:
        """One answer of the claim: the dates, the amount, then the ticket's photo."""
        value = await self.awaiting.current(conn, telegram_id)
        if value is None or value.get("kind") != "claim":
            raise NotAllowed()
        draft = ClaimDraft.model_validate({k: v for k, v in value.items() if k != "kind"})
        pupil = await self._student(conn, telegram_id)
        if draft.step == "photo":
            if photo is None:
                raise PhotoExpected()
            return await self._submit(conn, telegram_id, pupil, draft, photo)
        if text is None:
            raise TextExpected()
        if draft.step == "dates":
            first, last = await self._claim_dates(conn, pupil, text)
            draft = draft.model_copy(
                update={"first_day": first, "last_day": last, "step": "amount"}
            )
        else:
            cents = parse_amount_cents(text, self.config.max_claim_euros * 100)
            draft = draft.model_copy(update={"amount_cents": cents, "step": "photo"})
        await self._save(conn, telegram_id, draft)
        return draft

    async def _claim_dates(self, conn: Connection, pupil: Pupil, text: str) -> tuple[date, date]:
        today = self.today()
        parts = [p for p in text.replace("–", "-").replace("—", "-").split("-") if p.strip()]
        try:
            if len(text) > 40 or not 1 <= len(parts) <= 2:
                raise ValueError(text)
            first = parse_day(parts[0], today.year)
            last = parse_day(parts[-1], today.year)
        except ValueError:
            raise InvalidDates() from None
        (transport, *_) = await self._entitlements(conn, pupil, first)
        plan = transport.plan
        if (
            first > last
            or last > today
            or (last - first).days >= MAX_CLAIM_DAYS
            or not transport.eligible
            or plan is None
            or first < plan.starts_on
            or last > plan.ends_on
        ):
            raise InvalidDates()
        return first, last

    async def _submit(
        self, conn: Connection, telegram_id: int, pupil: Pupil, draft: ClaimDraft, photo: str
    ) -> ClaimDraft:
        assert draft.first_day and draft.last_day and draft.amount_cents  # noqa: S101
        claim_id = await repo.add_claim(
            conn,
            pupil_id=pupil.id,
            school_id=pupil.school_id,
            first_day=draft.first_day,
            last_day=draft.last_day,
            amount_cents=draft.amount_cents,
            ticket_file_id=photo[:200],
            submitted_by=telegram_id,
            now=self.clock.now(),
        )
        await self.awaiting.end(conn, telegram_id)
        claim = await repo.get_claim(conn, claim_id)
        return draft.model_copy(update={"step": "done", "claim": claim})

    # --- coordinators -------------------------------------------------------------------

    async def _coordinator_schools(self, conn: Connection, telegram_id: int) -> list[str]:
        account = await accounts_repo.get_account(conn, telegram_id)
        if account is None or not account.is_linked:
            raise NotLinked()
        if account.role != Role.COORDINATOR:
            raise NotAllowed()
        schools: list[str] = []
        for link in account.links:
            schools += await meals_repo.schools_of_coordinator(conn, link.person_id)
        return schools

    async def claims_to_decide(self, telegram_id: int) -> list[TransportClaim]:
        async with self.db.write() as conn:
            claims = await repo.submitted_claims(
                conn, await self._coordinator_schools(conn, telegram_id)
            )
            for claim in claims:
                await accounts_repo.audit(
                    conn, self.clock.now(), telegram_id, "read_claim", f"pupil:{claim.pupil_id}"
                )
            return claims

    async def _claim_for(self, conn: Connection, telegram_id: int, claim_id: int) -> TransportClaim:
        claim = await repo.get_claim(conn, claim_id)
        if claim is None or claim.school_id not in await self._coordinator_schools(
            conn, telegram_id
        ):
            raise NotAllowed()
        if claim.state != ClaimState.SUBMITTED:
            raise ClaimDecided()
        return claim

    async def ticket(self, telegram_id: int, claim_id: int) -> TransportClaim:
        """The claim whose ticket photo a coordinator of its school looks at (audited)."""
        async with self.db.write() as conn:
            claim = await self._claim_for(conn, telegram_id, claim_id)
            await accounts_repo.audit(
                conn, self.clock.now(), telegram_id, "read_ticket", f"pupil:{claim.pupil_id}"
            )
            return claim

    async def approve(self, telegram_id: int, claim_id: int) -> TransportClaim:
        async with self.db.write() as conn:
            await self._claim_for(conn, telegram_id, claim_id)
            return await self._decide(conn, telegram_id, claim_id, ClaimState.APPROVED, "")

    async def begin_return(self, telegram_id: int, claim_id: int) -> TransportClaim:
        async with self.db.write() as conn:
            claim = await self._claim_for(conn, telegram_id, claim_id)
            await self.awaiting.begin(conn, telegram_id, {"kind": "return", "claim_id": claim_id})
            return claim

    async def take_return_reason(
        self, conn: Connection, telegram_id: int, text: str | None
    ) -> TransportClaim:
        value = await self.awaiting.current(conn, telegram_id)
        if value is None or value.get("kind") != "return":
            raise NotAllowed()
        if text is None:
            raise TextExpected()
        reason = clean_note(text, REASON_MAX)
        if len(reason) < 3:
            raise ReasonNeeded()
        claim_id = int(value["claim_id"])
        await self._claim_for(conn, telegram_id, claim_id)
        await self.awaiting.end(conn, telegram_id)
        return await self._decide(conn, telegram_id, claim_id, ClaimState.RETURNED, reason)

    async def _decide(
        self, conn: Connection, telegram_id: int, claim_id: int, state: ClaimState, reason: str
    ) -> TransportClaim:
        now = self.clock.now()
        if not await repo.decide_claim(conn, claim_id, state, reason, telegram_id, now):
            raise ClaimDecided()
        claim = await repo.get_claim(conn, claim_id)
        assert claim is not None  # noqa: S101
        await self.reminders.plan(
            conn,
            chat_id=claim.submitted_by,
            role=Role.PUPIL,
            kind="claim_decided",
            ref=f"meals:claim:{claim_id}",
            due_at=now,
        )
        return claim
