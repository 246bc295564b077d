"""The crisis detector: words, forms, negation, windows, whom it is about, idioms quiet."""

from __future__ import annotations

import pytest

from bot.domain.crisis import (
    About,
    CrisisCategory,
    CrisisDetector,
    RuleSet,
    default_rules,
    fold,
    parse_entry,
    parse_rules,
)
from bot.domain.crisis.text import latin_key

SUICIDE = CrisisCategory.SUICIDE
OVERDOSE = CrisisCategory.OVERDOSE
DANGER = CrisisCategory.DANGER
SELF_HARM = CrisisCategory.SELF_HARM
SEXUAL_ABUSE = CrisisCategory.SEXUAL_ABUSE
ABUSE = CrisisCategory.ABUSE


@pytest.fixture(scope="module")
def detector() -> CrisisDetector:
    return CrisisDetector(default_rules())


def _small(rules: str) -> CrisisDetector:
    """A detector over a few groups and rules, with no dictionary forms."""
    import tomllib

    return CrisisDetector(parse_rules(tomllib.loads(rules)), forms={}, near_words=frozenset())


def test_fold_drops_case_diacritics_apostrophes_and_punctuation() -> None:
    assert fold("  PAŠNĀVĪBA!!  ") == "pasnaviba"
    assert fold("Ещё, ЁЖИК") == "еще ежик"
    assert fold("I DON'T want... self-harm") == "i dont want self harm"


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [("хочу", "hochu"), ("хочу", "khochu"), ("хочу", "xochu"), ("себя", "sebja"),
     ("жить", "zhit"), ("бьёт", "bjot"), ("собой", "soboy"), ("самоубийство", "samoubiystvo")],
)  # fmt: skip
def test_russian_in_latin_letters_meets_the_cyrillic_word(cyrillic: str, latin: str) -> None:
    assert latin_key(fold(cyrillic)) == latin_key(latin)


def test_categories_are_in_severity_order_and_keep_the_stored_values() -> None:
    assert [c.value for c in CrisisCategory] == [
        "suicide", "overdose", "danger", "self_harm", "sexual_abuse", "abuse", "unspecified"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "category", "language"),
    [
        ("negribu vairs dzivot", SUICIDE, "lv"),
        ("Es domāju par PAŠNĀVĪBU", SUICIDE, "lv"),
        ("es sev nodaru pāri", SELF_HARM, "lv"),
        ("iedzēru 20 tabletes", OVERDOSE, "lv"),
        ("tētis mani sit", ABUSE, "lv"),
        ("onkulis mani izvaroja", SEXUAL_ABUSE, "lv"),
        ("patēvs draud mani nogalināt", DANGER, "lv"),
        ("я больше не хочу жить", SUICIDE, "ru"),
        ("жить не хочу", SUICIDE, "ru"),
        ("ne hochu zhit", SUICIDE, "ru"),
        ("hochu umeret", SUICIDE, "ru"),
        ("ya rezhu sebya", SELF_HARM, "ru"),
        ("наглоталась таблеток", OVERDOSE, "ru"),
        ("меня заперли в подвале", DANGER, "ru"),
        ("i dont wanna be alive", SUICIDE, "en"),
        ("kms", SUICIDE, "en"),
        ("im gonna kys", SUICIDE, "en"),
        ("i took a whole pack of paracetamol", OVERDOSE, "en"),
        ("he threatened to kill me", DANGER, "en"),
    ],
)
def test_detects_words_of_crisis(
    detector: CrisisDetector, text: str, category: CrisisCategory, language: str
) -> None:
    match = detector.detect(text)
    assert match is not None, text
    assert (match.category, match.language) == (category, language)


@pytest.mark.parametrize(
    "text",
    [
        # The brief's idioms, and their cousins
        "šie mājasdarbi mani nogalinās", "mamma mani nogalinās par atzīmi",
        "nogalināju laiku", "es nomiršu no garlaicības", "умираю от скуки",
        "эта домашка меня убьёт", "убить время", "я убил босса",
        "порезал палец, когда резал хлеб", "this test is killing me", "my phone died",
        "I killed it at the exam", "I could kill for a pizza", "dying to see the movie",
        "my battery is dead", "I sit by the window", "i'm dead tired",
        "killed the boss in the game", "i cut myself a piece of cake",
        # Wanting to live, not wanting something ordinary
        "gribu dzīvot rīgā", "хочу жить в деревне", "i want to live in riga",
        "negribu iet uz skolu", "не хочу писать контрольную", "i dont want to die",
        "negribu dzīvot kopmītnē", "i don't want to live in the dorm",
        # Asking the bot ordinary things
        "gribu pieteikties pie psihologa", "когда привезут обед", "can i book a consultation",
        "", "   ", "!!!",
    ],
)  # fmt: skip
def test_everyday_messages_stay_quiet(detector: CrisisDetector, text: str) -> None:
    assert detector.detect(text) is None, text


def test_a_glued_or_separate_negation_is_kept(detector: CrisisDetector) -> None:
    # simplemma files "negribu" under "gribēt": the prefix still negates it.
    assert detector.detect("negribu dzīvot") is not None
    assert detector.detect("gribu dzīvot") is None
    assert detector.detect("нехочу жить") is not None
    assert detector.detect("хочу жить") is None
    assert detector.detect("i don't really want to live") is not None
    assert detector.detect("i really want to live") is None
    assert detector.detect("i never want to wake up again") is not None
    # "can't" negates "live" here, and the rule takes it either way
    assert detector.detect("i cant live anymore") is not None


def test_a_word_found_inside_a_phrase_is_still_read_behind_a_glued_negation() -> None:
    detector = _small(
        """
        [groups.negation_prefix]
        lv = ["ne"]
        [groups.let]
        lv = ["=ļauj"]
        [groups.eat]
        lv = ["=ēst"]
        [terms.danger]
        lv = ["=neļauj izkāpt"]
        [[rules]]
        category = "abuse"
        words = ["not let", "eat"]
        """
    )
    match = detector.detect("mamma neļauj ēst")
    assert match is not None and match.category == CrisisCategory.ABUSE
    assert detector.detect("mamma ļauj ēst") is None
    assert detector.detect("viņš neļauj izkāpt") is not None


def test_a_message_is_checked_only_against_rules_it_has_a_word_of() -> None:
    detector = _small(RULES)
    # Every rule is filed under one of its words; the words of a message pick the rules.
    filed = [index for indexes in detector._rules_by_slot.values() for index in indexes]
    assert sorted(filed) == list(range(len(detector._rules)))


def test_a_negation_word_negates_only_a_word_of_its_language(detector: CrisisDetector) -> None:
    # The Latvian "no" (from) is not the English "no".
    match = detector.detect("man ir zilumi no tēta")
    assert match is not None and match.category is ABUSE


def test_one_typo_in_a_long_word_but_not_another_real_word(detector: CrisisDetector) -> None:
    assert detector.detect("es gribu nomirtt") is not None
    assert detector.detect("хочу умиреть") is not None
    assert detector.detect("i cut mysefl") is not None
    # "писать" (to write) is one letter from "пинать" (to kick), but a real word.
    assert detector.detect("мне легче писать чем звонить") is None


def test_mixed_languages_in_one_message(detector: CrisisDetector) -> None:
    match = detector.detect("sveiki es esmu anna i want to die")
    assert match is not None and match.language == "en"
    # the words of one rule share a language: the English "sit" is not the Latvian "hits"
    assert detector.detect("can you sit with me") is None


@pytest.mark.parametrize(
    ("text", "about"),
    [
        ("i want to kill myself", About.SELF),
        ("my son cuts himself", About.OTHER),
        ("my daughter says she wants to kill herself", About.OTHER),
        ("mana meita grib sev nodarīt pāri", About.OTHER),
        ("сын режет себя", About.OTHER),
        ("мой друг хочет покончить с собой", About.OTHER),
        ("my friend told me she wants to die", About.OTHER),
        ("he hurts himself i saw the scars", About.OTHER),
        ("viņš sevi sāpina es redzēju rētas", About.OTHER),
        ("he raped me", About.SELF),
        ("tētis mani sit", About.SELF),
        ("patēvs sit mammu", About.OTHER),
        ("es sagriezu sev rokas", About.SELF),
        ("i cant go on living like this", About.SELF),
    ],
)
def test_says_whom_the_message_is_about(detector: CrisisDetector, text: str, about: About) -> None:
    match = detector.detect(text)
    assert match is not None, text
    assert match.about is about


def test_several_categories_most_severe_first(detector: CrisisDetector) -> None:
    match = detector.detect("he hits me and I want to kill myself")
    assert match is not None
    assert match.categories == (SUICIDE, ABUSE)
    assert match.category is SUICIDE
    assert match.rule == "kill oneself"


RULES = """
[groups.want]
en = ["=want"]
[groups.die]
en = ["=die"]
[groups.bored]
en = ["=boredom"]
[groups.negation]
en = ["=dont"]
[[rules]]
category = "suicide"
words = ["want", "die"]
within = 2
unless = ["bored"]
unless_within = 3
[[rules]]
category = "self_harm"
words = ["not want", "die"]
within = 1
order = "as written"
"""


def test_a_rule_takes_words_within_its_window_in_any_order() -> None:
    detector = _small(RULES)
    assert detector.detect("want to die") is not None
    assert detector.detect("die i want") is not None
    assert detector.detect("want to go and die") is None


def test_a_rule_in_written_order_and_with_a_negated_word() -> None:
    detector = _small(RULES)
    match = detector.detect("dont want die")
    assert match is not None and match.categories == (CrisisCategory.SELF_HARM,)
    assert detector.detect("die dont want") is None


def test_a_rule_word_may_ask_for_either_negated_or_not() -> None:
    detector = _small(RULES + '[[rules]]\ncategory = "abuse"\nwords = ["any die", "want"]\n')
    assert detector.detect("dont die want") is not None
    assert detector.detect("die want") is not None


def test_an_unless_word_nearby_silences_the_rule() -> None:
    detector = _small(RULES)
    assert detector.detect("want to die of boredom") is None
    assert detector.detect("want to die and then one two three boredom") is not None


def test_entry_marks_stems_exact_phrases_numbers_and_exclusions() -> None:
    detector = _small(
        """
        [groups.pills]
        en = ["pill*", "-pillow"]
        [groups.many]
        en = ["#5", "=a lot of"]
        [terms.overdose]
        en = ["took all the pills"]
        [[rules]]
        category = "overdose"
        words = ["many", "pills"]
        """
    )
    assert detector.detect("20 pills") is not None
    assert detector.detect("2 pills") is None
    assert detector.detect("a lot of pills") is not None
    assert detector.detect("a lot of pillows") is not None  # a stem: "pill*" begins it
    assert detector.detect("took all the pills") is not None


def test_an_exact_phrase_is_exact_in_every_word_unless_a_word_is_a_stem() -> None:
    exact = parse_entry("=manis vairs nebūs")
    assert [word.kind for word in exact.words] == ["exact", "exact", "exact"]
    assert [word.kind for word in parse_entry("mammas draugs").words] == ["forms", "forms"]
    assert [word.kind for word in parse_entry("=ar savu nazi*").words] == [
        "exact",
        "exact",
        "stem",
    ]
    detector = CrisisDetector(
        parse_rules({"terms": {"suicide": {"en": ["=end it all"]}}}),
        forms={("en", "all"): ("alls",)},
        near_words=frozenset(),
    )
    assert detector.detect("end it all") is not None
    assert detector.detect("end it alls") is None


def test_an_excluded_form_leaves_the_group() -> None:
    detector = CrisisDetector(
        RuleSet.model_validate(
            {
                "groups": {"die": {"en": ("die", "-dice")}, "want": {"en": ("=want",)}},
                "rules": [{"category": "suicide", "words": ["want", "die"]}],
            }
        ),
        forms={("en", "die"): ("died", "dice", "dying")},
        near_words=frozenset(),
    )
    assert detector.detect("want dying") is not None
    assert detector.detect("want dice") is None


# Short messages: a threat reported with an apostrophe, a jump said alone, cutting that
# will not stop, someone who will not wake; each with the everyday sentence it must
# leave alone.
@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("he said he'll kill me", DANGER),
        ("he'll kill me", DANGER),
        ("dad said when he comes home he'll kill me", DANGER),
        ("отец сказал что когда придёт домой убьёт меня", DANGER),
        ("patēvs teica, ka mani nogalinās", DANGER),
        ("he hits me and says he'll kill me if i tell", DANGER),
        ("i'm going to jump", SUICIDE),
        ("i can't stop cutting", SELF_HARM),
        ("не могу перестать резаться", SELF_HARM),
        ("she is not waking up", DANGER),
        ("brālis neelpo", DANGER),
    ],
)  # fmt: skip
def test_short_messages_alert(
    detector: CrisisDetector, text: str, category: CrisisCategory
) -> None:
    found = detector.detect(text)
    assert found is not None and category in found.categories, found


@pytest.mark.parametrize(
    "text",
    [
        "mum said she'd kill me if i lose my keys again",
        "he'll kill me if he sees my grades",
        "мама меня убьёт за эту оценку",
        "i'm going to jump rope in pe",
        "i will jump from happiness, i got a 10",
        "i can't stop cutting out pictures for the poster",
        "my brother is not waking up for school again",
        "I was laughing so hard I wasn't breathing",
    ],
)
def test_short_everyday_messages_stay_quiet(detector: CrisisDetector, text: str) -> None:
    assert detector.detect(text) is None
