"""The words of the data map: what a column points to, what erasing does, how long."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class About(StrEnum):
    """What a column points to."""

    ACCOUNT = "a Telegram account (its id)"
    KEYED_ACCOUNT = "an HMAC of a Telegram id under the server's key"
    PUPIL = "a pupil (the bot's id)"
    GUARDIAN = "a parent or guardian (the bot's id)"
    SPECIALIST = "a specialist (the bot's id)"
    PERSON = "a person of the role in the row (the bot's id)"
    PUPILS = "pupils (a list of the bot's ids, or 'pupil:<id>')"
    NAME = "a person's name"
    CONTACT = "an address or a phone number"
    WORDS = "words a person typed"
    FILE = "a file a person sent (Telegram's file id)"
    PREFERENCE = "a person's own choice (language, settings, times that suit)"
    NOTHING = "nothing about a person (the name only looks like it)"


class Erase(StrEnum):
    """What erasing the account does to the column, in the rows that name it."""

    DELETE = "the row is deleted (or cascades with the account)"
    SET = "set to the column's blank value where it holds the account's id (generic)"
    BLANK = "blanked by the erasing code named in the note"
    KEEP = "kept: the school's register or record, naming no account"


@dataclass(frozen=True)
class Col:
    """One column that points to a person."""

    name: str
    about: About
    erase: Erase
    blank: str = ""  # the SQL value of an erased account's id, for Erase.SET
    text_until: str = ""  # free text blanked [privacy] free_text_retention_days after this
    note: str = ""


@dataclass(frozen=True)
class Prune:
    """Rows deleted (or columns blanked) by the nightly pass after ``key`` days."""

    key: str  # a field of bot.config.PrivacyConfig, or one of OTHER_KEYS
    what: str


@dataclass(frozen=True)
class Keep:
    """Rows kept until the school removes them, and why."""

    why: str


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Col, ...]
    export: str  # the field of bot.domain.privacy.MyExport the rows go in; "" if none
    export_note: str  # to whom, or why not exported
    kept: tuple[Prune | Keep, ...]
