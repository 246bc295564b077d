"""Domain errors. Handlers turn each into words; anything else is a bug for the error handler."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar


def N_(message: str) -> str:  # noqa: N802 - the gettext name for "translate later"
    """Marks an English text for the catalogs; handlers translate it when they render."""
    return message


class DomainError(Exception):
    """A rule said no. ``message`` is what the user hears, with :meth:`values` filled in."""

    message: ClassVar[str] = N_("Sorry, that cannot be done.")

    def values(self) -> dict[str, Any]:
        return {}


class NotLinked(DomainError):
    """The account has not entered a code yet."""

    message = N_("I don't know you yet. Please enter the code you got from your school.")


class NotAllowed(DomainError):
    """The account may not act on this object (a forged or foreign button)."""

    message = N_("This button is not for you, or it is no longer valid.")


class NotFound(DomainError):
    """No such school or region (an administrator's command named a wrong id)."""

    message = N_("Not found: {what}.")

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what

    def values(self) -> dict[str, Any]:
        return {"what": self.what}


class CodeInvalid(DomainError):
    """No such code, or it was already used."""

    message = N_(
        "This code is not valid or has already been used. Check it and try again; "
        "tries left: {attempts_left}."
    )

    def __init__(self, attempts_left: int) -> None:
        super().__init__(attempts_left)
        self.attempts_left = attempts_left

    def values(self) -> dict[str, Any]:
        return {"attempts_left": self.attempts_left}


class CodeExpired(DomainError):
    """The code existed but is past its expiry."""

    message = N_("This code has expired. Please ask your school for a new one.")


class LinkThrottled(DomainError):
    """Too many wrong codes; the account waits until ``until``."""

    message = N_("Too many wrong codes. Please try again after {until}.")

    def __init__(self, until: datetime) -> None:
        super().__init__(until)
        self.until = until

    def values(self) -> dict[str, Any]:
        return {"until": self.until}


class RoleConflict(DomainError):
    """The account is linked with another role already."""

    message = N_(
        "This Telegram account is already linked to someone else. "
        "Use /me to see it, or ask your school for help."
    )


class ImportFailed(DomainError):
    """A CSV file had bad rows; nothing was stored."""

    message = N_("The file was not imported.")

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems[:5]))
        self.problems = problems
