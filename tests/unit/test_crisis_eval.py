"""The shipped rules on the evaluation set, the tables made from simplemma, `care check`."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.domain.crisis import CrisisDetector, default_rules
from bot.domain.crisis.evaluation import Report, evaluate, read_examples
from bot.domain.crisis.forms import (
    FORMS_FILE,
    near_words_fingerprint,
    regenerate,
    shipped_forms,
    typo_fingerprint,
)
from bot.domain.crisis.lexicon import Lexicon
from bot.domain.crisis.typos import TypoIndex, typo_words

CARE = Path(__file__).parents[1] / "care"
EVAL_SET = CARE / "eval_set.tsv"
# Written independently of the rules by someone else, then used to find the concepts
# the rules lacked (not its sentences): a second development set.
DEV_SET_2 = CARE / "dev_set_2.tsv"
TABLES = Path(__file__).parents[2] / "bot" / "domain" / "crisis"
MIN_RECALL = 0.95
MAX_FALSE_ALARMS = 0.05
# Messages per label and language each set must hold for its figures to mean something.
MIN_PER_LABEL = {EVAL_SET.name: 150, DEV_SET_2.name: 100}


def _report(path: Path) -> Report:
    report = Report()
    examples = read_examples(path.read_text(encoding="utf-8"), report)
    return evaluate(CrisisDetector(default_rules()), examples, report)


@pytest.fixture(scope="module", params=[EVAL_SET, DEV_SET_2], ids=lambda path: path.stem)
def report(request: pytest.FixtureRequest) -> tuple[str, Report]:
    path: Path = request.param
    return path.name, _report(path)


@pytest.mark.parametrize("language", ["lv", "ru", "en"])
def test_the_rules_find_crisis_and_stay_quiet_on_each_set(
    report: tuple[str, Report], language: str
) -> None:
    name, figures = report[0], report[1].by_language[language]
    least = MIN_PER_LABEL[name]
    assert figures.crisis >= least and figures.ordinary >= least, figures.line(language)
    assert figures.recall >= MIN_RECALL, f"{name}: {figures.line(language)}"
    assert figures.false_alarms <= MAX_FALSE_ALARMS, f"{name}: {figures.line(language)}"


def test_every_line_of_each_set_is_well_formed(report: tuple[str, Report]) -> None:
    assert report[1].malformed == []


def test_the_shipped_tables_are_what_simplemma_gives_today() -> None:
    # Fails after rules.toml changed or simplemma moved: run `python -m bot.domain.crisis`
    # (which also checks near_words.txt word by word, in about ten seconds).
    forms, _ = regenerate(near=False)
    assert (TABLES / FORMS_FILE).read_text(encoding="utf-8") == forms
    typos = Lexicon(default_rules(), shipped_forms(), typo_words(default_rules())).typos
    assert near_words_fingerprint() == typo_fingerprint(typos.keys)


def test_near_words_are_the_real_words_one_edit_from_a_word_read_with_typos() -> None:
    index = TypoIndex(["пинать", "nomirt"], frozenset())
    real = frozenset({"писать", "пинать", "nomira", "nomirt", "dzivot", "pinat"})
    assert index.near_words(real) == {"писать", "nomira"}
    assert TypoIndex(index.keys, frozenset({"писать"})).find("писать") == []
    assert index.find("nomirtt") == ["nomirt"]


def test_care_check_prints_figures_misses_and_false_alarms_without_a_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no config.toml here: the shipped rules
    labelled = tmp_path / "set.tsv"
    labelled.write_text(
        "# a comment\n\n"
        "lv\tcrisis\tnegribu dzivot\n"
        "lv\tcrisis\tman viss ir labi\n"
        "en\tordinary\ti want to kill myself\n"
        "en\tordinary\ti killed it at the exam\n"
        "en\tsad\tnot a label\n",
        encoding="utf-8",
    )
    assert main(["care", "check", str(labelled)]) == 0
    out = capsys.readouterr()
    assert out.out.splitlines() == [
        "lv: recall 0.50 (1/2), false alarms 0.00 (0/0)",
        "en: recall 1.00 (0/0), false alarms 0.50 (1/2)",
        "line 7: not lang<TAB>crisis|ordinary<TAB>text",
        "missed\tlv\tcrisis\tman viss ir labi",
        "false alarm\ten\tordinary\ti want to kill myself\t(suicide: kill oneself)",
        "all: recall 0.50 (1/2), false alarms 0.50 (1/2)",
    ]
    assert "rules: shipped" in out.err


def test_care_check_uses_the_rules_of_the_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[care.extra_words]\nsuicide = { en = ["sewer slide"] }\n', "utf-8")
    labelled = tmp_path / "set.tsv"
    labelled.write_text("en\tcrisis\tsewer slide\n", encoding="utf-8")
    assert main(["--config", str(config), "care", "check", str(labelled)]) == 0
    assert "en: recall 1.00 (1/1)" in capsys.readouterr().out
    assert main(["--config", str(tmp_path / "none.toml"), "care", "check", str(labelled)]) == 2
