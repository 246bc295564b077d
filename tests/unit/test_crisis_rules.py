"""Crisis rules files and the [care] config: checked at start, added to, replaced."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, parse_config
from bot.domain.crisis import (
    CrisisDetector,
    default_rules,
    load_rules_file,
    merge_rules,
    parse_rules,
)

RULES_FILE = """
[groups.hurt]
en = ["=hurt"]
[groups.me]
en = ["=me"]
[terms.abuse]
en = ["bad thing"]
[[rules]]
category = "abuse"
words = ["hurt", "me"]
"""


def test_the_shipped_rules_parse_and_name_their_rules() -> None:
    rules = default_rules()
    assert {"want", "die", "negation", "writer", "me", "someone_else"} <= set(rules.groups)
    assert all(rule.name for rule in rules.rules)


def test_a_words_file_replaces_the_shipped_rules(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(RULES_FILE, encoding="utf-8")
    config = parse_config({"care": {"words_file": str(path)}})
    detector = CrisisDetector(config.care.word_lists())
    assert detector.detect("a bad thing happened") is not None
    assert detector.detect("they hurt me") is not None
    assert detector.detect("I want to kill myself") is None


def test_extra_terms_are_added_to_the_rules_in_force() -> None:
    config = parse_config({"care": {"extra_words": {"suicide": {"en": ["sewer slide"]}}}})
    detector = CrisisDetector(config.care.word_lists())
    assert detector.detect("thinking about sewer slide") is not None
    assert detector.detect("I want to kill myself") is not None


def test_extra_group_words_reach_every_rule_and_are_lemmatized() -> None:
    # "perish" is not in the shipped rules: its forms are looked up in simplemma.
    config = parse_config({"care": {"extra_words": {"groups": {"die": {"en": ["perish"]}}}}})
    detector = CrisisDetector(config.care.word_lists())
    assert detector.detect("i want to perish") is not None
    assert detector.detect("i wish i perished") is not None


def test_terms_of_the_retired_violence_category_count_as_abuse() -> None:
    config = parse_config({"care": {"extra_words": {"violence": {"lv": ["kaut kas slikts"]}}}})
    match = CrisisDetector(config.care.word_lists()).detect("notika kaut kas slikts")
    assert match is not None and match.category == "abuse"


@pytest.mark.parametrize(
    ("care", "expected"),
    [
        ({"extra_words": {"sadness": {"en": ["sad"]}}}, "care.extra_words.sadness"),
        ({"extra_words": {"suicide": {"en": ["ab*"]}}}, "care.extra_words.suicide.en"),
        ({"extra_words": {"suicide": {"en": ["a*b"]}}}, "care.extra_words.suicide.en"),
        ({"extra_words": {"suicide": {"en": ["-dice"]}}}, "care.extra_words.suicide.en"),
        ({"extra_words": {"groups": {"die": {"en": ["#x"]}}}}, "care.extra_words.groups.die.en"),
        ({"extra_words": {"groups": {"sadness": {"en": ["sad"]}}}}, "groups.sadness"),
        ({"words_file": "/no/such/rules.toml"}, "care.words_file"),
        ({"message_lv": "Zvani {phone}"}, "care.message_lv"),
        # Passes a bare placeholder check, then fails on the real (text) number.
        ({"message_ru": "Звони {helpline:d}"}, "care.message_ru"),
        ({"message_en": "Call {helpline} or {emergency!z}"}, "care.message_en"),
        ({"alert_every_minutes": -1}, "care.alert_every_minutes"),
    ],
)
def test_bad_care_config_names_the_key(care: dict[str, object], expected: str) -> None:
    with pytest.raises(ConfigError, match=expected.replace(".", r"\.")) as error:
        parse_config({"care": care})
    assert str(error.value).startswith("care.")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[sadness]\nen = ["sad"]\n', "unknown key 'sadness'"),
        ('[terms.sadness]\nen = ["sad"]\n', "terms.sadness: unknown category"),
        ('[groups.a]\nxx = ["sad"]\n', "groups.a.xx: unknown language"),
        ('[groups.a]\nen = ["s*d"]\n', "groups.a.en: 's\\*d'"),
        ('[[rules]]\ncategory = "suicide"\nwords = ["nope"]\n', "rules\\[1\\]: unknown group"),
        ('[[rules]]\ncategory = "sadness"\nwords = ["a"]\n', "rules\\[1\\].category"),
        ('[groups.a]\nen = ["a"]\n[[rules]]\ncategory = "suicide"\nwords = ["a"]\nwithn = 2\n',
         "rules\\[1\\].withn: unknown key"),
        ("not toml =", "cannot be read"),
    ],
)  # fmt: skip
def test_a_bad_rules_file_is_refused_naming_the_key(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=expected):
        load_rules_file(path)
    with pytest.raises(ConfigError, match=r"^care\.words_file: .*" + expected):
        parse_config({"care": {"words_file": str(path)}})


def test_merging_adds_to_existing_groups_only() -> None:
    base = parse_rules({"groups": {"a": {"en": ["x"]}}})
    merged = merge_rules(base, groups={"a": {"en": ("y",)}}, terms={"abuse": {"lv": ("z",)}})
    assert merged.groups["a"]["en"] == ("x", "y")
    assert merged.terms["abuse"]["lv"] == ("z",)
    with pytest.raises(ValueError, match=r"groups\.b: unknown group"):
        merge_rules(base, groups={"b": {"en": ("y",)}})
