"""The crisis word detector: three languages, any case and diacritics, few false alarms."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, parse_config
from bot.domain.crisis import (
    CrisisCategory,
    CrisisDetector,
    default_words,
    load_words_file,
    merge_words,
    normalize,
    parse_words,
)

SUICIDE = CrisisCategory.SUICIDE
SELF_HARM = CrisisCategory.SELF_HARM
ABUSE = CrisisCategory.ABUSE
VIOLENCE = CrisisCategory.VIOLENCE


@pytest.fixture(scope="module")
def detector() -> CrisisDetector:
    return CrisisDetector(default_words())


def test_normalize_folds_case_diacritics_and_punctuation() -> None:
    assert normalize("  PAŠNĀVĪBA!!  ") == "pasnaviba"
    assert normalize("Ещё, ЁЖИК") == "еще ежик"
    assert normalize("self-harm...\nnow") == "self harm now"


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # Latvian
        ("PAŠNĀVĪBA", SUICIDE),
        ("pasnaviba", SUICIDE),
        ("Es domāju par pašnāvību", SUICIDE),
        ("es nogalināšos", SUICIDE),
        ("Negribu vairs dzīvot", SUICIDE),
        ("es sāku graizīties", SELF_HARM),
        ("gribu sagriezt sevi", SELF_HARM),
        ("tētis mani sit", VIOLENCE),
        ("viņš sit mani katru dienu", VIOLENCE),
        ("mājās ir vardarbība", VIOLENCE),
        ("viņu izvaroja", ABUSE),
        # Russian
        ("СамоУбийство", SUICIDE),
        ("думаю о самоубийстве", SUICIDE),
        ("хочу убить себя", SUICIDE),
        ("я больше не хочу жить", SUICIDE),
        ("у меня порезы на руках", SELF_HARM),
        ("я режу себя", SELF_HARM),
        ("меня бьют дома", VIOLENCE),
        ("отчим бьёт меня", VIOLENCE),
        ("отчим бьет меня", VIOLENCE),
        ("её изнасиловали", ABUSE),
        # English
        ("SUICIDE", SUICIDE),
        ("I have suicidal thoughts", SUICIDE),
        ("I want to kill myself", SUICIDE),
        ("i don't want to live anymore", SUICIDE),
        ("I keep cutting myself", SELF_HARM),
        ("I want to hurt myself", SELF_HARM),
        ("self-harm", SELF_HARM),
        ("he hits me", VIOLENCE),
        ("my uncle abused me", ABUSE),
        ("Abuse at home", ABUSE),
    ],
)
def test_detects_words_of_crisis(detector: CrisisDetector, text: str, category: str) -> None:
    match = detector.detect(text)
    assert match is not None, text
    assert match.category == category


@pytest.mark.parametrize(
    "text",
    [
        # Latvian: "sist" begins "sistēma", "abus" is "both", idioms with "nogalināt"
        "Mums ir jauna matemātikas sistēma",
        "redzēju abus draugus",
        "gribu nogalināt laiku līdz stundai",
        "mana draudzene nāk ciemos",
        "mamma mani nogalinās par šo atzīmi",
        "sagriezu maizi brokastīm",
        # Russian: "убить время", bread and clocks
        "как убить время до урока",
        "я порезал хлеб",
        "часы бьют полночь",
        "мне нравится система оценок",
        # English: idioms with kill, hit and beat
        "I killed it at the exam",
        "hit me up later",
        "beats me",
        "I sit by the window",
        "we both passed the maths test",
        "",
        "   ",
    ],
)
def test_innocent_sentences_are_not_crisis(detector: CrisisDetector, text: str) -> None:
    assert detector.detect(text) is None


def test_a_message_can_match_several_categories_most_severe_first(
    detector: CrisisDetector,
) -> None:
    match = detector.detect("he hits me and I want to kill myself")
    assert match is not None
    assert match.categories == (SUICIDE, VIOLENCE)
    assert match.language == "en"


def test_a_stem_matches_only_at_word_start(detector: CrisisDetector) -> None:
    # "suicid*" must not fire inside another word.
    assert detector.detect("antisuicidal") is None
    assert detector.detect("suicidal") is not None


def test_whole_words_do_not_match_longer_words() -> None:
    detector = CrisisDetector(parse_words({"violence": {"lv": ["sit mani"]}}))
    assert detector.detect("sit mani") is not None
    assert detector.detect("sitiens manim") is None


def test_extra_words_are_added_to_the_shipped_lists() -> None:
    extra = parse_words({"self_harm": {"en": ["scratch* my skin"]}})
    detector = CrisisDetector(merge_words(default_words(), extra))
    assert detector.detect("I keep scratching my skin") is not None
    assert detector.detect("I want to kill myself") is not None


def test_a_words_file_replaces_the_shipped_lists(tmp_path: Path) -> None:
    path = tmp_path / "words.toml"
    path.write_text('[abuse]\nen = ["bad thing"]\n', encoding="utf-8")
    detector = CrisisDetector(load_words_file(path))
    assert detector.detect("a bad thing happened") is not None
    assert detector.detect("I want to kill myself") is None


@pytest.mark.parametrize(
    ("care", "expected"),
    [
        ({"extra_words": {"sadness": {"en": ["sad"]}}}, "care.extra_words.sadness"),
        ({"extra_words": {"suicide": {"en": ["ab*"]}}}, "care.extra_words.suicide.en"),
        ({"extra_words": {"suicide": {"en": ["a*b"]}}}, "care.extra_words.suicide.en"),
        ({"words_file": "/no/such/words.toml"}, "care.words_file"),
        ({"message_lv": "Zvani {phone}"}, "care.message_lv"),
        ({"alert_every_minutes": -1}, "care.alert_every_minutes"),
    ],
)
def test_bad_care_config_names_the_key(care: dict[str, object], expected: str) -> None:
    with pytest.raises(ConfigError, match=expected.replace(".", r"\.")):
        parse_config({"care": care})


def test_a_words_file_with_an_unknown_category_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "words.toml"
    path.write_text('[sadness]\nen = ["sad"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"care\.words_file"):
        parse_config({"care": {"words_file": str(path)}})
