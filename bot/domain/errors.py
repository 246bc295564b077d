"""Domain errors. Handlers turn each into words; anything else is a bug for the error handler."""

from __future__ import annotations

from datetime import datetime


class DomainError(Exception):
    """A rule said no. Subclasses carry what the user needs to hear why."""


class NotLinked(DomainError):
    """The account has not entered a code yet."""


class NotAllowed(DomainError):
    """The account may not act on this object (a forged or foreign button)."""


class CodeInvalid(DomainError):
    """No such code, or it was already used."""

    def __init__(self, attempts_left: int) -> None:
        super().__init__(attempts_left)
        self.attempts_left = attempts_left


class CodeExpired(DomainError):
    """The code existed but is past its expiry."""


class LinkThrottled(DomainError):
    """Too many wrong codes; the account waits until ``until``."""

    def __init__(self, until: datetime) -> None:
        super().__init__(until)
        self.until = until


class RoleConflict(DomainError):
    """The account is linked with another role already."""


class ImportFailed(DomainError):
    """A CSV file had bad rows; nothing was stored."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems[:5]))
        self.problems = problems
