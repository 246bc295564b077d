"""Who acts: one immutable :class:`Actor` per update, and every right it has.

The account of whoever sent an update is read once, when the update arrives (one query:
the account, its links, a parent's children, the schools a coordinator or caterer
serves), and becomes an ``Actor``. Every service method takes it. The rights below are
the only place where "may this person do that to whose data" is decided, so a rule
cannot differ between two features; ``tests/unit/test_rights.py`` holds them as a table
of role x action x whose data.
"""

from __future__ import annotations

from bot.domain.errors import NotAllowed, NotLinked
from bot.domain.models import Model, PersonRef, Role
from bot.domain.reminders import Recipient


class PupilRef(Model):
    """A pupil the actor may act for: themself, or a parent's child."""

    id: int
    school_id: str
    name: str
    grade: int


class Actor(Model):
    """The sender of one update, with what they may act for, by role."""

    telegram_id: int
    language: str | None = None  # chosen in the bot; None until they choose
    telegram_language: str | None = None  # from their Telegram settings
    active: bool = True
    links: tuple[PersonRef, ...] = ()
    pupil: PupilRef | None = None  # a pupil's own record
    children: tuple[PupilRef, ...] = ()  # a parent's children
    specialist_ids: tuple[int, ...] = ()
    caterer_ids: tuple[int, ...] = ()
    # A school coordinator's schools (they run them), a regional coordinator's regions and
    # the schools in them (they read their figures, but decide nothing in a school).
    coordinated_schools: tuple[str, ...] = ()
    region_ids: tuple[str, ...] = ()
    region_schools: tuple[str, ...] = ()

    # --- who they are --------------------------------------------------------------------

    @property
    def role(self) -> Role | None:
        return self.links[0].role if self.links else None

    @property
    def is_linked(self) -> bool:
        return bool(self.links)

    @property
    def guardian_ids(self) -> tuple[int, ...]:
        return tuple(link.person_id for link in self.links if link.role == Role.GUARDIAN)

    @property
    def pupils(self) -> tuple[PupilRef, ...]:
        """The pupils this account acts for: themself, or a parent's children."""
        return ((self.pupil,) if self.pupil else ()) + self.children

    @property
    def school_ids(self) -> tuple[str, ...]:
        """Every school the account belongs to, for alerts and the like."""
        return tuple(dict.fromkeys(link.school_id for link in self.links if link.school_id))

    def as_recipient(self, role: Role | None = None) -> Recipient:
        """This account as the recipient of a message (in the role given, else its own)."""
        return Recipient(
            chat_id=self.telegram_id,
            role=role or self.role or Role.PUPIL,
            language=self.language,
            telegram_language=self.telegram_language,
        )

    # --- rights: each raises NotLinked before it raises NotAllowed -----------------------

    def require_linked(self) -> None:
        if not self.is_linked:
            raise NotLinked()

    def require_role(self, *roles: Role) -> None:
        self.require_linked()
        if self.role not in roles:
            raise NotAllowed()

    def require_family(self) -> tuple[PupilRef, ...]:
        """A pupil or a parent; their pupils."""
        self.require_role(Role.PUPIL, Role.GUARDIAN)
        return self.pupils

    def require_pupil(self, pupil_id: int) -> PupilRef:
        """The pupil, if this account acts for them (the pupil themself or a parent)."""
        for pupil in self.require_family():
            if pupil.id == pupil_id:
                return pupil
        raise NotAllowed()

    def require_guardian_of(self, pupil_id: int) -> PupilRef:
        """The child, if this account is one of their parents (consents are theirs)."""
        self.require_role(Role.GUARDIAN)
        for child in self.children:
            if child.id == pupil_id:
                return child
        raise NotAllowed()

    def require_student(self) -> PupilRef:
        """The pupil themself (a vocational student's own internship screens)."""
        self.require_role(Role.PUPIL)
        if self.pupil is None:
            raise NotAllowed()
        return self.pupil

    def require_specialist(self) -> int:
        self.require_role(Role.SPECIALIST)
        if not self.specialist_ids:
            raise NotAllowed()
        return self.specialist_ids[0]

    def require_specialist_ids(self) -> tuple[int, ...]:
        """A specialist's records: one per school they work in (one person, one account)."""
        self.require_specialist()
        return self.specialist_ids

    def require_own_specialist(self, specialist_id: int | None) -> int:
        """One of the specialist's records (their time at one school); None means their
        only one, and is refused to a specialist of several schools, who must choose."""
        ids = self.require_specialist_ids()
        if specialist_id is None:
            if len(ids) != 1:
                raise NotAllowed()
            return ids[0]
        if specialist_id not in ids:
            raise NotAllowed()
        return specialist_id

    def require_caterer(self) -> int:
        self.require_role(Role.CATERER)
        if not self.caterer_ids:
            raise NotAllowed()
        return self.caterer_ids[0]

    def require_coordinator(self) -> tuple[str, ...]:
        """A school or regional coordinator; the schools whose figures they may read."""
        self.require_role(Role.COORDINATOR)
        return self.readable_schools

    def require_school_coordinator(self, school_id: str) -> None:
        """Decisions in a school (claims, codes, people) are its own coordinators' only."""
        self.require_role(Role.COORDINATOR)
        if school_id not in self.coordinated_schools:
            raise NotAllowed()

    def require_readable_school(self, school_id: str) -> None:
        """A school's figures: its own coordinators and its region's."""
        if school_id not in self.require_coordinator():
            raise NotAllowed()

    def require_region(self, region_id: str) -> None:
        """A region's figures and the comparison of its schools: its coordinators only."""
        self.require_role(Role.COORDINATOR)
        if region_id not in self.region_ids:
            raise NotAllowed()

    @property
    def readable_schools(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.coordinated_schools + self.region_schools))

    def is_own(self, pupil_id: int) -> bool:
        """A read of this pupil's data by the pupil themself is not audited."""
        return self.pupil is not None and self.pupil.id == pupil_id
