"""Domain errors: a rule said no. Handlers turn each into words; anything else is a bug.

Every error is one class with one English message id. The values the message needs are
given as keywords when it is raised (``raise NoHoursLeft(minutes=20)``) and kept in
:attr:`DomainError.values`; the handler formats dates and times in the reader's language
and zone. No error builds text itself.
"""

from __future__ import annotations

from typing import ClassVar


def N_(message: str) -> str:  # noqa: N802 - the gettext name for "translate later"
    """Marks an English text for the catalogs; handlers translate it when they render."""
    return message


class DomainError(Exception):
    """A rule said no. ``message`` is what the user hears, filled with ``values``."""

    message: ClassVar[str] = N_("Sorry, that cannot be done.")

    def __init__(self, **values: object) -> None:
        super().__init__(self.message, values)
        self.values: dict[str, object] = values


class NotLinked(DomainError):
    """The account has not entered a code yet."""

    message = N_("I don't know you yet. Please enter the code you got from your school.")


class NotAllowed(DomainError):
    """The account may not act on this object (a forged or foreign button)."""

    message = N_("This button is not for you, or it is no longer valid.")


class NotFound(DomainError):
    """No such school or region (an administrator's command named a wrong id): ``what``."""

    message = N_("Not found: {what}.")


class CodeInvalid(DomainError):
    """A code that cannot link: wrong, expired or another role's, all answered alike so
    that a guess learns nothing; ``attempts_left`` before the account waits."""

    message = N_(
        "This code cannot be used. Check it and try again (tries left: {attempts_left}), "
        "or ask your school for a new code."
    )


class CodeUsed(DomainError):
    """A code used already: it never links again (a new one is issued instead)."""

    message = N_(
        "This code has already been used. To link this account, please ask your school "
        "for a new code."
    )


class LinkThrottled(DomainError):
    """Too many wrong codes; the account waits ``until``."""

    message = N_("Too many wrong codes. Please try again after {until}.")


class TextNeeded(DomainError):
    message = N_("Please write a few words.")


class TextTooLong(DomainError):
    """A typed text over ``limit`` characters (``length`` is what was sent)."""

    message = N_("That is too long: {length} characters. Please keep it to {limit} at most.")


class TextExpected(DomainError):
    message = N_("I am waiting for a text message here. Please type your answer.")


class NothingAwaited(DomainError):
    message = N_("That question has timed out. Please start again from the menu.")


class ImportFailed(DomainError):
    """A CSV file had bad rows; nothing was stored. ``problems`` lists them, one a line."""

    message = N_("The file was not imported.")

    @property
    def problems(self) -> list[str]:
        found = self.values.get("problems", [])
        return [str(p) for p in found] if isinstance(found, list) else []


def check_text(text: str, limit: int, *, required: bool) -> str:
    """A typed text, trimmed; :class:`TextNeeded` or :class:`TextTooLong` if it is not."""
    text = text.strip()
    if required and not text:
        raise TextNeeded()
    if len(text) > limit:
        raise TextTooLong(limit=limit, length=len(text))
    return text
