"""Words of crisis: a pure detector over reviewable rules (no telegram, no SQL).

The rules live in ``rules.toml`` (word groups per language, terms that are enough alone,
and rules that combine groups within a few words); the file explains its own syntax to
a reviewer. ``forms.tsv`` lists each word's forms, made from simplemma's dictionaries.

    detector = CrisisDetector(default_rules())
    match = detector.detect("mana meita grib sev nodarīt pāri")
    match.category, match.about, match.language  # self_harm, other, lv
"""

from bot.domain.crisis.detector import CrisisDetector
from bot.domain.crisis.model import (
    LANGUAGES,
    About,
    CrisisCategory,
    CrisisMatch,
    Entries,
    Rule,
    RuleSet,
)
from bot.domain.crisis.rules import (
    RESERVED_GROUPS,
    check_terms,
    default_rules,
    load_rules_file,
    merge_rules,
    parse_entry,
    parse_groups,
    parse_rules,
    parse_terms,
)
from bot.domain.crisis.text import fold, tokenize

__all__ = [
    "LANGUAGES",
    "RESERVED_GROUPS",
    "About",
    "CrisisCategory",
    "CrisisDetector",
    "CrisisMatch",
    "Entries",
    "Rule",
    "RuleSet",
    "check_terms",
    "default_rules",
    "fold",
    "load_rules_file",
    "merge_rules",
    "parse_entry",
    "parse_groups",
    "parse_rules",
    "parse_terms",
    "tokenize",
]
