"""The learned net behind the crisis rules: what it adds, what it leaves quiet, its weights."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.domain.crisis import About, CrisisCategory, CrisisDetector, default_rules
from bot.domain.crisis.evaluation import Report, evaluate, read_examples
from bot.domain.crisis.learned import (
    LEARNED_RULE,
    WEIGHTS_FILE,
    LearnedModel,
    features,
    parse_weights,
    shipped_model,
)
from bot.domain.crisis.learned_training import is_current, read_sets

WEIGHTS = Path(__file__).parents[2] / "bot" / "domain" / "crisis" / WEIGHTS_FILE
# Said by no rule today; the net reads them as crisis.
NET_ONLY = {
    "lv": "man viss ir vienalga un es vairs negribu neko",
    "ru": "живу только потому что маму жалко, но и это уже не держит",
    "en": "i feel like a ghost nobody sees me so maybe i should really be one",
}


@pytest.fixture(scope="module")
def both() -> CrisisDetector:
    return CrisisDetector(default_rules(), learned=True)


@pytest.fixture(scope="module")
def rules() -> CrisisDetector:
    return CrisisDetector(default_rules())


@pytest.mark.parametrize(
    "text",
    [
        "this test is killing me",
        "šie mājasdarbi mani nogalinās",
        "умираю от скуки",
        "my phone died",
        "порезал палец, когда резал хлеб",
        "es nomiršu no smiekliem",
        "i could die of embarrassment lol",
        "мама убьёт меня если узнает про двойку",
        "kad ir nākamā konsultācija",
    ],
)
def test_everyday_idioms_stay_quiet_with_the_net(both: CrisisDetector, text: str) -> None:
    assert both.detect(text) is None


@pytest.mark.parametrize(("language", "text"), NET_ONLY.items())
def test_the_net_finds_what_the_rules_let_pass(
    both: CrisisDetector, rules: CrisisDetector, language: str, text: str
) -> None:
    assert rules.detect(text) is None
    match = both.detect(text)
    assert match is not None
    assert match.categories == (CrisisCategory.UNSPECIFIED,)
    assert match.rule == LEARNED_RULE
    assert match.language == language


def test_the_rules_answer_first_with_their_own_category(both: CrisisDetector) -> None:
    match = both.detect("negribu vairs dzivot")
    assert match is not None and match.category is CrisisCategory.SUICIDE
    assert match.rule != LEARNED_RULE


def test_the_net_tells_whom_it_is_about_as_the_rules_do(both: CrisisDetector) -> None:
    other = both.detect("my daughter says nobody would miss her if she was gone")
    own = both.detect("i feel like a ghost nobody sees me so maybe i should really be one")
    assert other is not None and other.rule == LEARNED_RULE and other.about is About.OTHER
    assert own is not None and own.rule == LEARNED_RULE and own.about is About.SELF


def test_unspecified_is_the_least_severe_category() -> None:
    assert list(CrisisCategory)[-1] is CrisisCategory.UNSPECIFIED


def test_the_check_report_lists_what_only_the_net_found(both: CrisisDetector) -> None:
    lines = "".join(f"{lang}\tcrisis\t{text}\n" for lang, text in NET_ONLY.items())
    report = evaluate(both, read_examples(lines + "en\tordinary\tmy phone died\n"))
    assert [example.text for example in report.learned] == list(NET_ONLY.values())
    assert report.overall.found == 3 and report.overall.alarms == 0
    assert any(line.startswith("found by the net\tlv") for line in report.lines())
    rules_only = evaluate(CrisisDetector(default_rules()), read_examples(lines), Report())
    assert rules_only.learned == [] and rules_only.overall.found == 0


def test_features_share_forms_spellings_and_scripts() -> None:
    # Cyrillic and Latin letters meet; a missing diacritic changes no run of letters.
    assert features("не хочу жить") == features("ne hochu zhit")
    assert features("dzīvot") == features("dzivot")
    assert {"<no", "gal", "nat>", "w sevi", "b sevi nogalinat"} <= features("sevi nogalināt")
    assert "<no" not in features("sevi") and "b sevi nogalinat" not in features("nogalināt sevi")


def test_a_score_is_the_bias_plus_the_weights_of_the_features_present() -> None:
    weights = {"w dead": 2000, "<de": 500, "b want dead": 700}
    model = LearnedModel(weights=weights, bias=-1000, threshold=1500)
    assert model.score("dead") == -1000 + 2000 + 500
    assert model.score("want dead dead") == -1000 + 2000 + 500 + 700  # each feature once
    assert model.alerts("dead") and not model.alerts("deaf")
    assert model.strongest_word("i want to be dead") == 4
    assert model.strongest_word("i want to be deaf") is None  # below the threshold
    assert parse_weights(model.dump()) == model


def test_the_shipped_weights_are_small_and_have_a_threshold() -> None:
    model = shipped_model()
    assert WEIGHTS.stat().st_size < 2 * 1024 * 1024
    assert model.threshold > 0 and len(model.weights) > 1000


def test_the_shipped_weights_score_the_labelled_sets_as_recorded() -> None:
    # Fails after a line of tests/care/*.tsv changed: retrain with
    # `python -m bot.domain.crisis.learned train` and review the cross-set figures it prints.
    assert is_current(shipped_model(), read_sets()) == []


def test_retraining_gives_the_shipped_weights() -> None:
    pytest.importorskip("sklearn")
    from bot.domain.crisis.learned_training import fit

    sets = read_sets()
    retrained = fit([example for examples in sets.values() for example in examples])
    shipped = shipped_model()
    assert retrained.weights.keys() == shipped.weights.keys()
    assert max(abs(w - shipped.weights[f]) for f, w in retrained.weights.items()) <= 1
    assert abs(retrained.bias - shipped.bias) <= 1


def test_the_bot_scores_without_scikit_learn_or_numpy() -> None:
    code = (
        "import sys\n"
        "from bot.domain.crisis import CrisisDetector, default_rules\n"
        "CrisisDetector(default_rules(), learned=True).detect('es vnk vairs negribu te but')\n"
        "print(sorted({'sklearn', 'numpy', 'scipy'} & sys.modules.keys()))\n"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    )
    assert done.stdout.strip() == "[]"
