"""Figures in words: the lines of the summary and of the weekly digest."""

from __future__ import annotations

from bot.domain.errors import N_
from bot.domain.figures import SchoolFigures
from bot.i18n import Texts

PERIOD_LABELS = {
    "w0": N_("This week"),
    "w1": N_("Last week"),
    "m0": N_("This month"),
    "m1": N_("Last month"),
    "s0": N_("Semester"),
}


def hours(t: Texts, value: float) -> str:
    return t.number(round(value, 1))


def consultation_line(t: Texts, f: SchoolFigures) -> str:
    s = f.sessions
    cancelled = (
        s.cancelled_by_pupil
        + s.cancelled_by_guardian
        + s.cancelled_by_specialist
        + s.cancelled_by_school
        + s.cancelled_unknown
    )
    return t(
        "🗓 Sessions: {held} held, {missed} missed, {cancelled} cancelled, {declined} declined; "
        "{waiting} waiting for the specialist, {confirmed} confirmed.",
        held=s.held,
        missed=s.missed,
        cancelled=cancelled,
        declined=s.declined,
        waiting=s.waiting + s.proposed,
        confirmed=s.confirmed,
    )


def hours_line(t: Texts, f: SchoolFigures) -> str:
    left = sum(h.left for h in f.hours)
    line = t(
        "⏱ Hours used: {used} of {granted} granted ({left} left).",
        used=hours(t, f.hours_used),
        granted=hours(t, f.hours_granted),
        left=hours(t, left),
    )
    if f.answer_median_hours is not None:
        line += " " + t(
            "Requests are answered in {median} h (median).", median=hours(t, f.answer_median_hours)
        )
    return line


def evidence_line(t: Texts, f: SchoolFigures) -> str:
    e = f.evidence
    return t(
        "✅ Did it take place? yes {yes}, no {no} (of them marked held: {held}), "
        "not answered {unanswered}.",
        yes=e.yes,
        no=e.no,
        held=e.no_but_held,
        unanswered=e.unanswered,
    )


def usage_line(t: Texts, f: SchoolFigures, counted: bool) -> str:
    u = f.usage
    if not counted:
        return t(
            "🙋 Pupils with a plan: {pupils}; {not_used} have used nothing yet.",
            pupils=u.pupils,
            not_used=u.not_used,
        )
    return t(
        "🙋 Pupils with a plan: {pupils}; {not_used} have used nothing yet, {under} used under "
        "25 % by the middle of the period.",
        pupils=u.pupils,
        not_used=u.not_used,
        under=u.under_quarter,
    )


def meals_line(t: Texts, f: SchoolFigures) -> str:
    m = f.meals
    failed = m.failed_nobody_home + m.failed_wrong_address + m.failed_no_access + m.failed_other
    return t(
        "🍲 Meals: {delivered} delivered, {failed} failed, {not_received} reported not "
        "received; {active} families subscribed, {paused} paused.",
        delivered=m.delivered,
        failed=failed,
        not_received=m.not_received,
        active=m.subscriptions_active,
        paused=m.subscriptions_paused,
    )


def claims_line(t: Texts, f: SchoolFigures) -> str:
    return t(
        "🧾 Internship claims: {submitted} submitted ({submitted_eur} €), {approved} approved "
        "({approved_eur} €), {returned} returned, {waiting} waiting.",
        submitted=sum(c.submitted for c in f.claims),
        submitted_eur=t.money(sum(c.submitted_cents for c in f.claims)),
        approved=sum(c.approved for c in f.claims),
        approved_eur=t.money(sum(c.approved_cents for c in f.claims)),
        returned=sum(c.returned for c in f.claims),
        waiting=sum(c.waiting for c in f.claims),
    )


def care_line(t: Texts, f: SchoolFigures) -> str:
    c = f.care
    line = t(
        "🆘 Words of crisis: {total} times (on-duty specialist alerted {alerted} times).",
        total=c.total,
        alerted=c.alerted,
    )
    if not c.alerts and not c.contact_requests:
        return line
    taken = (
        t(
            "{taken} of {alerts} alerts taken, after {minutes} min on average; {escalated} "
            "climbed to a coordinator; {contacts} asked to be contacted.",
            taken=c.taken,
            alerts=c.alerts + c.contact_requests,
            minutes=c.minutes_to_take,
            escalated=c.escalated,
            contacts=c.contact_requests,
        )
        if c.taken
        else t(
            "None of {alerts} alerts taken yet; {escalated} climbed to a coordinator; "
            "{contacts} asked to be contacted.",
            alerts=c.alerts + c.contact_requests,
            escalated=c.escalated,
            contacts=c.contact_requests,
        )
    )
    return f"{line}\n{taken}"


def summary_lines(t: Texts, f: SchoolFigures, counted: bool) -> list[str]:
    return [
        consultation_line(t, f),
        hours_line(t, f),
        evidence_line(t, f),
        usage_line(t, f, counted),
        meals_line(t, f),
        claims_line(t, f),
        care_line(t, f),
    ]


def digest_lines(t: Texts, f: SchoolFigures) -> list[str]:
    """The digest's five lines."""
    return [
        consultation_line(t, f),
        hours_line(t, f),
        usage_line(t, f, False),
        meals_line(t, f),
        claims_line(t, f),
    ]
