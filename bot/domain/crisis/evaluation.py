"""Recall and false alarms of a detector on a set of labelled messages (a TSV file).

Each line is ``lang<TAB>label<TAB>text`` with label ``crisis`` or ``ordinary``; lines
starting with ``#`` and blank lines are skipped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.domain.crisis.detector import CrisisDetector
from bot.domain.crisis.learned import LEARNED_RULE
from bot.domain.crisis.model import LANGUAGES, CrisisMatch

LABELS = ("crisis", "ordinary")


@dataclass(frozen=True, slots=True)
class Example:
    line: int
    language: str
    label: str
    text: str


@dataclass(slots=True)
class Figures:
    """How many crisis messages were found, and how many ordinary ones alerted."""

    found: int = 0
    crisis: int = 0
    alarms: int = 0
    ordinary: int = 0

    @property
    def recall(self) -> float:
        return self.found / self.crisis if self.crisis else 1.0

    @property
    def false_alarms(self) -> float:
        return self.alarms / self.ordinary if self.ordinary else 0.0

    def line(self, name: str) -> str:
        return (
            f"{name}: recall {self.recall:.2f} ({self.found}/{self.crisis}), "
            f"false alarms {self.false_alarms:.2f} ({self.alarms}/{self.ordinary})"
        )


@dataclass(slots=True)
class Report:
    """Figures per language and overall, every miss and false alarm, and bad lines."""

    by_language: dict[str, Figures] = field(default_factory=dict)
    overall: Figures = field(default_factory=Figures)
    missed: list[Example] = field(default_factory=list)
    false_alarms: list[tuple[Example, CrisisMatch]] = field(default_factory=list)
    # Crisis lines the rules let pass and the learned net found.
    learned: list[Example] = field(default_factory=list)
    malformed: list[int] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The report as printed by ``pumpurs-bot care check``."""
        order = sorted(self.by_language, key=lambda lang: ((*LANGUAGES, lang).index(lang), lang))
        out = [self.by_language[language].line(language) for language in order]
        out += [
            f"line {number}: not lang<TAB>crisis|ordinary<TAB>text" for number in self.malformed
        ]
        out += [f"missed\t{e.language}\t{e.label}\t{e.text}" for e in self.missed]
        out += [
            f"false alarm\t{e.language}\t{e.label}\t{e.text}\t({m.category}: {m.rule})"
            for e, m in self.false_alarms
        ]
        out += [f"found by the net\t{e.language}\t{e.label}\t{e.text}" for e in self.learned]
        out.append(self.overall.line("all"))
        return out


def read_examples(text: str, report: Report | None = None) -> list[Example]:
    """The examples of a TSV text; malformed lines go to ``report.malformed``."""
    examples = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3 or parts[1] not in LABELS or not parts[0] or not parts[2].strip():
            if report is not None:
                report.malformed.append(number)
            continue
        examples.append(Example(number, parts[0], parts[1], parts[2]))
    return examples


def evaluate(
    detector: CrisisDetector, examples: Iterable[Example], report: Report | None = None
) -> Report:
    """Run ``detector`` over ``examples`` and count."""
    report = report or Report()
    for example in examples:
        match = detector.detect(example.text)
        for figures in (report.by_language.setdefault(example.language, Figures()), report.overall):
            if example.label == "crisis":
                figures.crisis += 1
                figures.found += match is not None
            else:
                figures.ordinary += 1
                figures.alarms += match is not None
        if example.label == "crisis" and match is None:
            report.missed.append(example)
        elif example.label == "crisis" and match is not None and match.rule == LEARNED_RULE:
            report.learned.append(example)
        elif example.label == "ordinary" and match is not None:
            report.false_alarms.append((example, match))
    return report
