"""Charts of figures as PNG bytes, made with matplotlib's Agg backend (no display).

matplotlib is imported on the first chart only (it costs about half a second and tens of
megabytes), so the bot starts as fast without it. Charts are drawn with the object API
(``Figure`` and the Agg canvas, never ``pyplot``'s global state) under one lock, and the
handlers call :func:`render` in a worker thread so the bot keeps answering meanwhile.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import TYPE_CHECKING

from bot.domain.errors import N_
from bot.domain.figures import FiguresReport
from bot.i18n import Texts

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

_LOCK = threading.Lock()
COMPARED_AT_MOST = 30
USED, BOOKED, GRANTED = "#2f6f4f", "#a8cfa0", "#c9c9c9"


@dataclass(frozen=True)
class ConsultationChart:
    """The numbers the consultations chart is drawn from."""

    weeks: tuple[str, ...]
    used: tuple[float, ...]  # hours held per week
    cumulative: tuple[float, ...]
    granted: float
    states: tuple[tuple[str, int], ...]  # (English msgid, sessions)


@dataclass(frozen=True)
class Comparison:
    """Schools of a region, most hours used first."""

    names: tuple[str, ...]
    used: tuple[float, ...]
    granted: tuple[float, ...]


def consultation_data(report: FiguresReport) -> ConsultationChart:
    s = report.total.sessions
    cancelled = (
        s.cancelled_by_pupil
        + s.cancelled_by_guardian
        + s.cancelled_by_specialist
        + s.cancelled_by_school
        + s.cancelled_unknown
    )
    used = tuple(round(w.used, 2) for w in report.weeks)
    return ConsultationChart(
        weeks=tuple(w.week.split("-")[1] for w in report.weeks),
        used=used,
        cumulative=tuple(round(x, 2) for x in accumulate(used)),
        granted=round(report.total.hours_granted, 2),
        states=(
            (N_("held"), s.held),
            (N_("missed"), s.missed),
            (N_("confirmed"), s.confirmed),
            (N_("waiting"), s.waiting + s.proposed),
            (N_("cancelled"), cancelled),
            (N_("declined"), s.declined),
        ),
    )


def comparison_data(report: FiguresReport) -> Comparison:
    ranked = sorted(report.schools, key=lambda s: (-s.hours_used, s.school_id))
    shown = ranked[:COMPARED_AT_MOST]
    return Comparison(
        names=tuple(s.school_name or s.school_id for s in shown),
        used=tuple(round(s.hours_used, 2) for s in shown),
        granted=tuple(round(s.hours_granted, 2) for s in shown),
    )


def render(draw: Callable[[Figure], None], height: float) -> bytes:
    """A PNG of a new figure, 8 inches wide, drawn by ``draw``."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with _LOCK:
        figure = Figure(figsize=(8, height), dpi=100, layout="constrained")
        FigureCanvasAgg(figure)
        draw(figure)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    return buffer.getvalue()


def consultation_chart(report: FiguresReport, t: Texts) -> bytes:
    """Hours held per week against the hours granted, and sessions by state."""
    data = consultation_data(report)

    def draw(figure: Figure) -> None:
        top, bottom = figure.subplots(2, 1, height_ratios=(3, 2))
        figure.suptitle(_title(report, t))
        _weekly(top, data, t)
        labels = [t(label) for label, _ in data.states]
        counts = [count for _, count in data.states]
        bars = bottom.barh(labels[::-1], counts[::-1], color=USED)
        bottom.bar_label(bars, padding=3)
        bottom.set_title(t("Sessions by state"))
        bottom.set_xlabel(t("sessions"))
        bottom.margins(x=0.15)

    return render(draw, 7)


def _weekly(axes: Axes, data: ConsultationChart, t: Texts) -> None:
    positions = range(len(data.weeks))
    axes.bar(positions, data.used, color=USED, label=t("hours used in the week"))
    axes.plot(positions, data.cumulative, color="#1f3f8f", marker="o", label=t("hours used so far"))
    used = max(data.cumulative, default=0)
    # A line far above the bars would flatten them: then the hours granted are only named.
    if data.granted and data.granted <= 4 * max(used, 1):
        axes.axhline(data.granted, color="#b03030", linestyle="--", label=t("hours granted"))
    axes.set_xticks(list(positions), data.weeks, fontsize=8)
    axes.set_ylabel(t("hours"))
    share = f" ({used / data.granted:.0%})" if data.granted else ""
    axes.set_title(
        t(
            "Hours used against hours granted, by week: {used} of {granted}",
            used=t.number(round(used, 1)),
            granted=t.number(round(data.granted, 1)),
        )
        + share
    )
    axes.legend(loc="upper left", fontsize=8)


def comparison_chart(report: FiguresReport, t: Texts) -> bytes:
    """The region's schools, most hours used first (a sorted bar chart)."""
    data = comparison_data(report)
    rows = max(1, len(data.names))

    def draw(figure: Figure) -> None:
        axes = figure.subplots()
        positions = list(range(rows))[::-1][: len(data.names)]
        axes.barh(positions, data.granted, color=GRANTED, label=t("hours granted"))
        axes.barh(positions, data.used, color=USED, label=t("hours used"))
        axes.set_yticks(positions, [_short(n) for n in data.names], fontsize=8)
        axes.set_xlabel(t("hours"))
        axes.legend(loc="lower right", fontsize=8)
        axes.set_title(_title(report, t) + "\n" + t("Schools by hours used"))

    return render(draw, 1.5 + 0.3 * rows)


def bar_chart(report: FiguresReport, t: Texts, items: Sequence[tuple[str, float]]) -> bytes:
    """One bar per (English msgid, value): the meals', claims' and care's PNG."""

    def draw(figure: Figure) -> None:
        axes = figure.subplots()
        labels = [t(label) for label, _ in items][::-1]
        bars = axes.barh(labels, [value for _, value in items][::-1], color=USED)
        axes.bar_label(bars, padding=3)
        axes.margins(x=0.15)
        axes.set_title(_title(report, t))

    return render(draw, 1.5 + 0.45 * len(items))


def _title(report: FiguresReport, t: Texts) -> str:
    return f"{report.scope_name or t('the whole country')}, {report.period.label}"


def _short(name: str) -> str:
    return name if len(name) <= 32 else name[:31] + "…"


def is_png(data: bytes) -> bool:
    return data.startswith(b"\x89PNG\r\n\x1a\n")
