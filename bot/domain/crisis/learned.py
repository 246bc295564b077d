"""The learned net: a linear model over letter sequences, behind the rules.

The rules stay first and explainable; when they find nothing, this model may still alert
(category "unspecified", rule "learned"). It was trained on every labelled line of
``tests/care/*.tsv`` and is scored here in pure Python, from ``learned_weights.tsv``:
the sum of the weights of the message's features, plus a bias, against a threshold.

A feature is one of (over the folded words, Russian brought to one Latin spelling by
:func:`~bot.domain.crisis.text.latin_key`, so "не хочу жить" and "ne hochu zhit" share
them): a run of 2 to 5 letters inside a word with its edges marked ("<ho", "4u>"), so
that inflections, missing diacritics and typos still share most of them; a whole word
("w ho4u"); two words in a row ("b ne ho4u"). Weights are integers (thousandths), so a
score is exact and the same on every machine.

Retrain after a labelled set changed (needs the dev extra, scikit-learn)::

    python -m bot.domain.crisis.learned_training train   # cross-set figures, then weights
    python -m bot.domain.crisis.learned_training report  # only the cross-set figures
    python -m bot.domain.crisis.learned_training check   # are the shipped weights current?

The threshold is chosen by training on two sets and scoring the third (each in turn),
never on lines the model was trained on: see :mod:`bot.domain.crisis.learned_training`.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.domain.crisis.text import latin_key, tokenize, unstretched

WEIGHTS_FILE = "learned_weights.tsv"
# The name a match of the net carries (`pumpurs-bot care check` shows it).
LEARNED_RULE = "learned"
SCALE = 1000  # weights are stored in thousandths
SHORTEST, LONGEST = 2, 5  # letters in a run
# Keys of the weights file that are not features: no feature holds "=".
_BIAS, _THRESHOLD, _DATA, _SCORES, _EXAMPLES = "=bias", "=threshold", "=data", "=scores", "=lines"


def word_keys(text: str) -> list[str]:
    """The words of ``text`` as the net reads them (folded, unstretched, one Latin spelling)."""
    return [latin_key(unstretched(word)) for word in tokenize(text)]


def features_by_word(keys: Sequence[str]) -> list[set[str]]:
    """The features each word brings (a pair of words belongs to its first word)."""
    found: list[set[str]] = []
    for index, key in enumerate(keys):
        marked = f"<{key}>"
        own = {
            marked[start : start + size]
            for size in range(SHORTEST, LONGEST + 1)
            for start in range(len(marked) - size + 1)
        }
        own.add(f"w {key}")
        if index + 1 < len(keys):
            own.add(f"b {key} {keys[index + 1]}")
        found.append(own)
    return found


def features(text: str) -> set[str]:
    """Every feature of ``text`` (each counts once, however often it occurs)."""
    return set().union(*features_by_word(word_keys(text)))


@dataclass(frozen=True, slots=True)
class LearnedModel:
    """Weights per feature, a bias and a threshold, all in thousandths."""

    weights: dict[str, int]
    bias: int
    threshold: int
    # What the weights were trained on and what they gave there (checked by a test).
    data: str = ""
    scores: str = ""
    lines: int = 0

    def score(self, text: str) -> int:
        """The score of ``text`` in thousandths; it alerts from :attr:`threshold` on."""
        return self._score(features(text))

    def _score(self, found: Iterable[str]) -> int:
        weights = self.weights
        return self.bias + sum(weights.get(feature, 0) for feature in found)

    def alerts(self, text: str) -> bool:
        return self.score(text) >= self.threshold

    def strongest_word(self, text: str) -> int | None:
        """Where the words that weigh the most towards crisis are, if the net alerts.

        The position among :func:`~bot.domain.crisis.text.tokenize`'s words; the detector
        reads whom the message is about around it, as it does around a rule's match.
        """
        by_word = features_by_word(word_keys(text))
        if not by_word or self._score(set().union(*by_word)) < self.threshold:
            return None
        weights = self.weights
        pull = [sum(weights.get(feature, 0) for feature in own) for own in by_word]
        return max(range(len(pull)), key=pull.__getitem__)

    def fingerprint(self, texts: Iterable[str]) -> str:
        """A short digest of the scores of ``texts`` (the same weights give the same one)."""
        digest = hashlib.sha256()
        for text in texts:
            digest.update(f"{self.score(text)}\n".encode())
        return digest.hexdigest()[:16]

    def dump(self) -> str:
        """The weights file: a header, then one feature and its weight a line, sorted."""
        lines = [
            "# The crisis net's weights (thousandths), written by",
            "# `python -m bot.domain.crisis.learned_training train`: do not edit by hand.",
            f"{_BIAS}\t{self.bias}",
            f"{_THRESHOLD}\t{self.threshold}",
            f"{_DATA}\t{self.data}",
            f"{_SCORES}\t{self.scores}",
            f"{_EXAMPLES}\t{self.lines}",
        ]
        lines += [f"{feature}\t{weight}" for feature, weight in sorted(self.weights.items())]
        return "\n".join(lines) + "\n"


def parse_weights(text: str) -> LearnedModel:
    """Read a weights file as :meth:`LearnedModel.dump` writes it."""
    weights: dict[str, int] = {}
    meta: dict[str, str] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition("\t")
        if key.startswith("="):
            meta[key] = value
        else:
            weights[key] = int(value)
    return LearnedModel(
        weights=weights,
        bias=int(meta[_BIAS]),
        threshold=int(meta[_THRESHOLD]),
        data=meta.get(_DATA, ""),
        scores=meta.get(_SCORES, ""),
        lines=int(meta.get(_EXAMPLES, "0")),
    )


@functools.lru_cache(maxsize=1)
def shipped_model() -> LearnedModel:
    """The weights shipped next to this module, read once."""
    return parse_weights((Path(__file__).parent / WEIGHTS_FILE).read_text(encoding="utf-8"))
