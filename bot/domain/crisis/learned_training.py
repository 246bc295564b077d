"""Training the learned net, offline (scikit-learn is a dev dependency, imported here only).

``python -m bot.domain.crisis.learned_training train|report|check``: see
:mod:`bot.domain.crisis.learned`.

The model: logistic regression (liblinear, L2, C=1, solved in the dual) over the presence
of each feature of :mod:`bot.domain.crisis.learned`, on every line of the labelled sets;
features seen in fewer than two lines are left out, and weights under 0.05 dropped, which
keeps the file small and the model from learning single lines by heart.

The threshold is honest only if chosen on lines the model has not seen, so it comes from
cross-set validation: train on two sets, score the third, for each set in turn (the sets
were written by different people, so this is how a new writer's messages will look).
Pooling those held-out scores, the threshold is the lowest at which the model alone
alerts on at most 3 % of the ordinary lines of every language, so that together with
the rules' own false alarms the total stays under 5 %.
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.domain.crisis.detector import CrisisDetector
from bot.domain.crisis.evaluation import Example, read_examples
from bot.domain.crisis.learned import SCALE, WEIGHTS_FILE, LearnedModel, features, shipped_model
from bot.domain.crisis.model import LANGUAGES
from bot.domain.crisis.rules import default_rules

SETS_FOLDER = Path(__file__).parents[3] / "tests" / "care"
SETS = (
    "eval_set",
    "dev_set_2",
    "dev_set_3",
    "dev_set_5",
    "dev_set_6",
    "dev_set_8",
    "dev_set_9",
    "dev_set_10",
    "dev_set_11",
    "dev_set_12",
)
WEIGHTS_PATH = Path(__file__).parent / WEIGHTS_FILE
C = 1.0
MIN_LINES = 2  # a feature must occur in this many training lines
SMALLEST_WEIGHT = 0.05
TARGET_FALSE_ALARMS = 0.03


def read_sets(folder: Path = SETS_FOLDER) -> dict[str, list[Example]]:
    """The labelled sets by name, in file order."""
    return {
        name: read_examples((folder / f"{name}.tsv").read_text(encoding="utf-8")) for name in SETS
    }


def data_digest(examples: Sequence[Example]) -> str:
    """A short digest of the training lines (a changed line means: retrain)."""
    digest = hashlib.sha256()
    for example in examples:
        digest.update(f"{example.language}\t{example.label}\t{example.text}\n".encode())
    return digest.hexdigest()[:16]


def fit(examples: Sequence[Example]) -> LearnedModel:
    """Weights and bias trained on ``examples``; the threshold is left at 0."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    found = [features(example.text) for example in examples]
    lines = Counter(feature for own in found for feature in own)
    names = sorted(feature for feature, count in lines.items() if count >= MIN_LINES)
    column = {name: index for index, name in enumerate(names)}
    indices, bounds = [], [0]
    for own in found:
        indices += sorted(column[feature] for feature in own if feature in column)
        bounds.append(len(indices))
    matrix = csr_matrix(
        (np.ones(len(indices)), np.array(indices, np.int32), np.array(bounds, np.int32)),
        shape=(len(found), len(names)),
    )
    labels = np.array([example.label == "crisis" for example in examples])
    # The dual problem: far fewer lines than features, so it is the faster one to solve.
    model = LogisticRegression(C=C, solver="liblinear", dual=True, max_iter=1000)
    model.fit(matrix, labels)
    weights = {
        name: round(float(weight) * SCALE)
        for name, weight in zip(names, model.coef_[0], strict=True)
        if abs(weight) >= SMALLEST_WEIGHT
    }
    bias = round(float(model.intercept_[0]) * SCALE)
    return LearnedModel(weights=weights, bias=bias, threshold=0)


@dataclass(slots=True)
class Counts:
    """Crisis lines found and ordinary lines alerted, by rules, net, and either."""

    crisis: int = 0
    ordinary: int = 0
    found: Counter[str] = field(default_factory=Counter)
    alarms: Counter[str] = field(default_factory=Counter)

    def add(self, label: str, by_rules: bool, by_net: bool) -> None:
        said = {"rules": by_rules, "net": by_net, "either": by_rules or by_net}
        if label == "crisis":
            self.crisis += 1
            self.found.update(name for name, alerted in said.items() if alerted)
        else:
            self.ordinary += 1
            self.alarms.update(name for name, alerted in said.items() if alerted)

    def cells(self) -> str:
        return "  ".join(
            f"{self.found[name] / max(self.crisis, 1):.2f} / "
            f"{self.alarms[name] / max(self.ordinary, 1):.2f}"
            for name in ("rules", "net", "either")
        )


@dataclass(slots=True)
class CrossSet:
    """Held-out scores of every line (each from the model that did not see its set)."""

    scores: dict[str, list[int]]
    sets: dict[str, list[Example]]

    def threshold(self, target: float = TARGET_FALSE_ALARMS) -> int:
        """The lowest score at which each language's ordinary lines alert at most ``target``."""
        lowest = 0
        for language in LANGUAGES:
            ordinary = sorted(
                (
                    score
                    for name, examples in self.sets.items()
                    for example, score in zip(examples, self.scores[name], strict=True)
                    if example.language == language and example.label == "ordinary"
                ),
                reverse=True,
            )
            allowed = int(target * len(ordinary))
            if allowed < len(ordinary):
                lowest = max(lowest, ordinary[allowed] + 1)
        return lowest

    def table(self, threshold: int) -> list[str]:
        """Recall / false alarms of the rules, the net and either, per held-out set and language."""
        rules = CrisisDetector(default_rules())
        pooled = {language: Counts() for language in LANGUAGES}
        out = [
            f"held out      lang   rules (recall / false)  net            either"
            f"   (net alerts from {threshold / SCALE:.3f})"
        ]
        for name, examples in self.sets.items():
            counts = {language: Counts() for language in LANGUAGES}
            for example, score in zip(examples, self.scores[name], strict=True):
                by_rules = rules.detect(example.text) is not None
                for table in (counts, pooled):
                    table[example.language].add(example.label, by_rules, score >= threshold)
            out += [f"{name:<13} {lang:<6} {counts[lang].cells()}" for lang in LANGUAGES]
        out += [f"{'all three':<13} {lang:<6} {pooled[lang].cells()}" for lang in LANGUAGES]
        return out


def cross_set(sets: dict[str, list[Example]]) -> CrossSet:
    """Train on all sets but one and score that one, for each set."""
    scores = {}
    for name, examples in sets.items():
        model = fit([e for other, rest in sets.items() if other != name for e in rest])
        scores[name] = [model.score(example.text) for example in examples]
    return CrossSet(scores, sets)


def trained(sets: dict[str, list[Example]], threshold: int) -> LearnedModel:
    """The model on every line, with its threshold and what it gives on those lines."""
    examples = [example for rest in sets.values() for example in rest]
    model = fit(examples)
    texts = [example.text for example in examples]
    return LearnedModel(
        weights=model.weights,
        bias=model.bias,
        threshold=threshold,
        data=data_digest(examples),
        scores=model.fingerprint(texts),
        lines=len(examples),
    )


def is_current(model: LearnedModel, sets: dict[str, list[Example]]) -> list[str]:
    """Why ``model`` is not the one trained on ``sets`` (empty when it is)."""
    examples = [example for rest in sets.values() for example in rest]
    problems = []
    if data_digest(examples) != model.data:
        problems.append("the labelled sets changed since the weights were trained")
    if model.fingerprint(example.text for example in examples) != model.scores:
        problems.append("the weights no longer score the training lines as recorded")
    return problems


def load_time() -> str:
    """How big the shipped weights are and how long reading them takes."""
    shipped_model.cache_clear()
    started = time.perf_counter()
    model = shipped_model()
    seconds = time.perf_counter() - started
    size = WEIGHTS_PATH.stat().st_size / 1024
    return (
        f"{WEIGHTS_FILE}: {len(model.weights)} weights, {size:.0f} KiB,"
        f" read in {seconds * 1000:.0f} ms"
    )


def main(argv: list[str] | None = None) -> int:
    """``train``, ``report`` or ``check``; 1 if ``check`` finds the weights stale."""
    args = sys.argv[1:] if argv is None else argv
    if args not in (["train"], ["report"], ["check"]):
        print("usage: python -m bot.domain.crisis.learned_training train|report|check")
        return 2
    sets = read_sets()
    if args == ["check"]:
        problems = is_current(shipped_model(), sets)
        for problem in problems:
            print(f"{WEIGHTS_FILE}: {problem}: python -m bot.domain.crisis.learned_training train")
        print(load_time())
        return 1 if problems else 0
    print("cross-set: trained on two sets, scored on the third")
    held_out = cross_set(sets)
    threshold = held_out.threshold()
    for line in held_out.table(threshold):
        print(line)
    if args == ["train"]:
        model = trained(sets, threshold)
        WEIGHTS_PATH.write_text(model.dump(), encoding="utf-8")
        print(f"wrote {WEIGHTS_PATH} ({model.lines} lines, {len(model.weights)} weights)")
        print(load_time())
    return 0


if __name__ == "__main__":
    sys.exit(main())
