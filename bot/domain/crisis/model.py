"""What the detector answers, and the rules it is built from, as plain frozen models."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import ConfigDict, Field

from bot.domain.models import Model

LANGUAGES = ("lv", "ru", "en")


class CrisisCategory(StrEnum):
    """In order of severity: the first one matched is the event's category.

    A danger to life comes first (intent, an overdose taken, a threat by someone), then
    harm already being done. The values are stored in the database: never rename one.
    "unspecified" is the learned net's, which tells crisis from ordinary, not which one.
    """

    SUICIDE = "suicide"
    OVERDOSE = "overdose"
    DANGER = "danger"
    SELF_HARM = "self_harm"
    SEXUAL_ABUSE = "sexual_abuse"
    ABUSE = "abuse"
    UNSPECIFIED = "unspecified"


class About(StrEnum):
    """Whom the message is about: the writer, or someone else (a parent about a child)."""

    SELF = "self"
    OTHER = "other"


class CrisisMatch(Model):
    """Which categories matched and about whom; the text itself is never kept."""

    categories: tuple[CrisisCategory, ...]
    about: About
    # The language of the words that matched the most severe category.
    language: str
    # The name of the rule that matched it (for reviewers: `pumpurs-bot care check`).
    rule: str = ""

    @property
    def category(self) -> CrisisCategory:
        return self.categories[0]


class Rule(Model):
    """Words of several groups near each other mean a category (see rules.toml)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = ""
    category: CrisisCategory
    # Group names; "not want" asks for a negated word of the group "want", "any want"
    # for one negated or not, "want" for one not negated.
    words: tuple[str, ...] = Field(min_length=1)
    # All the words within this many words of each other ("want to die": 2).
    within: int = Field(default=3, ge=1, le=20)
    order: Literal["any", "as written"] = "any"
    # A word of one of these groups this near silences the rule ("die" + "laughing").
    unless: tuple[str, ...] = ()
    unless_within: int = Field(default=5, ge=1, le=20)
    # Whom a match is about; empty: told from the words around it.
    about: About | None = None


# group or category name -> language -> entries as written in the rules file
Entries = dict[str, dict[str, tuple[str, ...]]]


class RuleSet(Model):
    """Word groups, terms that are enough alone, and rules combining groups."""

    groups: Entries = Field(default_factory=dict)
    # category value -> language -> entries; each entry alone means the category
    terms: Entries = Field(default_factory=dict)
    rules: tuple[Rule, ...] = ()
