"""Words and number formats shared by the HTML and Markdown reports."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime

from bot.analysis import Row, Summary
from bot.analysis.fieldwork import Fieldwork
from bot.vocabulary import Group, InterviewStatus

DETERMINANTS = {
    "perceived_self_efficacy": "Perceived self-efficacy",
    "perceived_positive_consequences": "Perceived positive consequences",
    "perceived_negative_consequences": "Perceived negative consequences",
    "perceived_social_norms": "Perceived social norms",
    "perceived_access": "Perceived access",
    "perceived_cues_for_action": "Perceived cues for action",
    "perceived_susceptibility": "Perceived susceptibility",
    "perceived_severity": "Perceived severity",
    "perceived_action_efficacy": "Perceived action efficacy",
    "perceived_divine_will": "Perceived divine will",
    "policy": "Policy",
    "culture": "Culture",
}
BCOS_NAMES = {
    "benefits": "Benefits",
    "costs": "Costs",
    "others": "Others (social norms)",
    "self_assurance": "Self-assurance",
}
STATUS_NAMES = {
    InterviewStatus.completed: "Completed",
    InterviewStatus.screened_out: "Screened out",
    InterviewStatus.excluded: "Excluded (neither group)",
    InterviewStatus.declined: "Declined",
    InterviewStatus.active: "Still answering",
    InterviewStatus.paused: "Paused",
    InterviewStatus.abandoned: "Abandoned",
    InterviewStatus.quota_full: "Group full (thanked)",
    InterviewStatus.over_quota: "Over quota (kept apart)",
}
TEST_NAMES = {
    "wald": "Wald test on the log odds ratio",
    "fisher": "Fisher's exact test",
    "none": "not tested",
}
GLOSSARY = (
    ("a/nD, b/nN", "How many doers (a of nD) and non-doers (b of nN) gave this answer."),
    ("%D / %ND", "The share of doers / non-doers who gave this answer."),
    ("Difference", "%D minus %ND, in percentage points: positive means doers say it more."),
    (
        "ERR",
        "Estimated relative risk, read from the answer to the behaviour: someone who gives this "
        "answer is ERR times as likely to be a doer as someone who doesn't, given how common the "
        "behaviour is. Above 1 the answer goes with doing the behaviour (an enabler); below 1 with "
        "not doing it (a barrier).",
    ),
    ("OR (95% CI)", "Odds ratio with its 95% confidence interval: the comparison the test uses. "
     "An interval that excludes 1 agrees with a significant p."),
    (
        "p",
        "How surprising a difference this large would be if doers and non-doers really did "
        "not differ. Below 0.05 is called significant here.",
    ),
    ("Test", "Wald: the tabulation sheet's test on the log odds ratio. Fisher: the exact test, "
     "used when a cell is empty."),
    (
        "q",
        "The p-value adjusted for testing many rows at once (false discovery rate). A row with "
        "q below 0.05 is unlikely to be a fluke of multiple testing.",
    ),
)
NO_GROUPS = (
    "Fieldwork has not produced doers and non-doers yet: no completed interview has been "
    "classified, so there is nothing to compare. The fieldwork figures below show how far it got."
)
ONE_GROUP = (
    "Only one group has completed interviews so far ({doers} doers, {nondoers} non-doers): "
    "differences between doers and non-doers cannot be computed yet."
)
SECTIONS = (
    ("overview", "Overview"),
    ("barriers", "Top barriers"),
    ("enablers", "Top enablers"),
    ("action", "From insight to action"),
    ("table", "Every row"),
    ("themes", "Doers vs non-doers"),
    ("grid", "Determinant grid"),
    ("competing", "Competing behaviours"),
    ("segments", "Segments"),
    ("fieldwork", "Fieldwork health"),
    ("emerging", "Emerging themes"),
    ("method", "Method notes"),
)


def determinant(name: str | None) -> str:
    """A determinant's readable name (custom ones keep their id, de-underscored)."""
    if name is None:
        return "—"
    return DETERMINANTS.get(name, name.replace("_", " ").capitalize())


def pct(value: float | None) -> str:
    """A percentage with no decimals."""
    return "—" if value is None else f"{value:.0f}%"


def pp(value: float | None) -> str:
    """A signed difference in percentage points."""
    return "—" if value is None else f"{value:+.0f} pp"


def ratio(value: float | None) -> str:
    """An ERR or odds ratio: two decimals; infinite when every doer said it."""
    if value is None:
        return "—"
    if math.isinf(value):
        return "∞"
    if 0 < value < 0.1:
        return f"{value:.2g}"  # 0.0042, not 0.00
    return f"{value:.2f}"


def p_value(value: float | None) -> str:
    """A p- or q-value as people read them."""
    if value is None:
        return "—"
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def test_name(test: str) -> str:
    """The short name of the test a row used."""
    return {"wald": "Wald", "fisher": "Fisher", "none": "—"}.get(test, test)


def date(value: datetime | None) -> str:
    """A day, or a dash."""
    return "—" if value is None else value.strftime("%d %b %Y")


def fieldwork_dates(summary: Summary) -> str:
    """From the first start to the last completion."""
    first, last = summary.header.first_started, summary.header.last_completed
    if first is None:
        return "not started"
    return f"{date(first)} – {date(last)}" if last else f"since {date(first)}"


def quota_detail(kept: int, target: int) -> str:
    """A group against its quota, e.g. "quota 45 · full"."""
    return f"quota {target}" + (" · full" if target and kept >= target else "")


def fieldwork_detail(summary: Summary) -> str:
    """Starts, the planned dates and whether fieldwork is open; who full groups kept apart."""
    h, by_status = summary.header, summary.fieldwork.by_status
    parts = [f"{summary.fieldwork.starts} starts"]
    if h.opens is not None or h.closes is not None:
        planned = f"{h.opens or '…'} – {h.closes or '…'}"
        parts.append(f"planned {planned}" + (f", {h.window}" if h.window else ""))
    if by_status.get(InterviewStatus.over_quota):
        parts.append(f"{by_status[InterviewStatus.over_quota]} kept over quota")
    if by_status.get(InterviewStatus.quota_full):
        parts.append(f"{by_status[InterviewStatus.quota_full]} thanked, group full")
    return " · ".join(parts)


def group_notice(summary: Summary) -> str | None:
    """Why there is nothing to compare yet, or None when both groups have interviews."""
    doers, nondoers = summary.header.doers, summary.header.nondoers
    if doers == 0 and nondoers == 0:
        return NO_GROUPS
    if doers == 0 or nondoers == 0:
        return ONE_GROUP.format(doers=doers, nondoers=nondoers)
    return None


def saturation(f: Fieldwork, name: Callable[[str, str], str] | None = None) -> str:
    """What the saturation check found, or what keeps it from saying saturation is reached.

    `name` says a (question, theme) pair in words (default: `question: theme`).
    """
    name = name or (lambda q, t: f"{q}: {t}")
    window = f.saturation_window
    if f.saturation == "too_few":
        return (f"Too early to judge saturation: it compares the last {window} completed "
                f"interviews with at least {window} before them ({f.completed} completed so far).")  # fmt: skip
    if f.saturation == "new_themes":
        new = ", ".join(name(q, t) for q, t in f.recent_new_themes)
        return (f"Not saturated yet: themes first heard in the last {window} completed "
                f"interviews — {new}.")  # fmt: skip
    share, recent = pct(_100(f.uncoded_share)), pct(_100(f.recent_uncoded_share))
    if f.saturation == "uncoded":
        return (f"Saturation cannot be judged yet: {share} of open answers have no theme "
                f"({f.uncoded - f.filler} of {f.open_answers - f.filler}, not counting "
                f"{f.filler} that say nothing), {recent} in the last {window} completed "
                "interviews, so a new theme may be among them. Code them or add the themes they "
                "suggest (see Emerging themes), then look again.")  # fmt: skip
    return (f"Saturation: no theme was heard for the first time in the last {window} completed "
            f"interviews, and {share} of open answers have no theme.")  # fmt: skip


def _100(share: float | None) -> float | None:
    return None if share is None else 100 * share


def asked_only(row: Row) -> str:
    """" (non-doers only)" for a row of a question one group alone was asked, else ""."""
    if len(row.asked_of) != 1:
        return ""
    return " (doers only)" if row.asked_of[0] == Group.doer else " (non-doers only)"


def wave_of(number: int, title: str, study_id: str) -> str:
    """The notice on a later wave's own report."""
    return (f"This study is wave {number} of “{title}” ({study_id}): that study's report compares "
            "the waves (who became a doer, and what they had said before).")
