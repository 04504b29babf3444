"""The "Waves compared" section's view model: every word and number it shows, built once."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from bot.analysis.stats import ALPHA
from bot.analysis.summary import SMALL_GROUP
from bot.analysis.waves import DOER, NON_DOER, WaveChange, WaveShare
from bot.report import charts
from bot.report import wording as w
from bot.report.view_rows import RowView, row_view
from bot.report.waves import LaterWave, Reach, WaveComparison

FEW_PAIRED = 30  # below this many people in both waves, shares move a lot with a person or two
GROUP_NAMES = {DOER: "Doers", NON_DOER: "Non-doers"}


@dataclass(frozen=True)
class ShareView:
    """One wave's doer share."""

    wave: str  # "Wave 2"
    study_id: str
    doers: int
    classified: int
    share: str  # "61%"
    interval: str  # "44–76%"


@dataclass(frozen=True)
class TransitionLine:
    """One row of a transition table: a wave-1 group and where its people are in the later wave."""

    before: str  # "Non-doers" (in wave 1)
    doers: str  # "12 (33%)"
    nondoers: str
    answered: int  # in both waves
    left: int  # did not complete the later wave


@dataclass(frozen=True)
class LaterWaveView:
    """Wave 1 against one later wave."""

    number: int
    title: str  # "Wave 1 → wave 2"
    headline: str
    test: str
    reach: str
    caveats: tuple[str, ...]
    transitions: tuple[TransitionLine, ...]
    rows_lead: str
    rows_caveats: tuple[str, ...]
    rows: tuple[RowView, ...]


@dataclass(frozen=True)
class WavesView:
    """The whole section."""

    title: str
    shares: tuple[ShareView, ...]
    chart: Markup | None
    later: tuple[LaterWaveView, ...]
    missing: str  # a sentence, or ""


def _pct(n: int, total: int) -> str:
    return f"{100 * n / total:.0f}%" if total else "—"


def _count(n: int, total: int) -> str:
    return f"{n} ({_pct(n, total)})" if total else str(n)


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def share_view(share: WaveShare) -> ShareView:
    """A wave's doer share with its interval."""
    interval = share.interval
    return ShareView(f"Wave {share.number}", share.study_id, share.doers, share.classified,
                     w.pct(None if share.share is None else 100 * share.share),
                     "—" if interval is None else f"{100 * interval[0]:.0f}–{100 * interval[1]:.0f}%")  # fmt: skip


def headline(change: WaveChange) -> str:
    """What happened to the people in both waves, in plain words."""
    k, both = change.number, change.both
    if not both:
        return f"Nobody who was a doer or non-doer in wave 1 has completed wave {k} yet."
    started_n, started_d = change.started_as(NON_DOER), change.started_as(DOER)
    said = []
    if started_n:
        said.append(f"Of {_plural(started_n, 'non-doer')} in wave 1 who answered wave {k}, "
                    f"{change.changers} had become {'a doer' if change.changers == 1 else 'doers'} "
                    f"({_pct(change.changers, started_n)})")  # fmt: skip
    if started_d:
        said.append(f"of {_plural(started_d, 'doer')}, {change.stoppers} no longer "
                    f"{'was' if change.stoppers == 1 else 'were'} ({_pct(change.stoppers, started_d)})")  # fmt: skip
    first = "; ".join(said)
    before, after = change.started_as(DOER), change.ended_as(DOER)
    return (f"{first[0].upper()}{first[1:]}. Among the {_plural(both, 'person', 'people')} in "
            f"both waves the doer share went from {_pct(before, both)} to {_pct(after, both)}.")


def test_sentence(change: WaveChange) -> str:
    """Whether the change in doer share among the people in both waves is significant."""
    p = change.p_value
    if p is None:
        return ("Nobody moved between doer and non-doer, so there is no change to test."
                if change.both else "")
    moved = (f"{change.changers} moved to doer and {change.stoppers} away from it; McNemar's "
             f"exact test, which compares these two counts, gives p = {w.p_value(p)}")
    if p < ALPHA:
        way = "rise" if change.changers > change.stoppers else "fall"
        return f"{moved}: a significant {way} in the doer share (unlikely to be chance alone)."
    return (f"{moved}: not a significant change — a difference this size could be chance.")


def reach_sentence(number: int, reach: Reach) -> str:
    """Where the invitations to a wave stand."""
    said = [f"{reach.invited} invited" if reach.invited or not reach.answered else
            "no invitation sent by the bot"]
    if reach.in_doubt:
        said.append(f"{reach.in_doubt} perhaps invited (the send timed out)")
    if reach.waiting:
        said.append(f"{reach.waiting} due, not sent yet")
    if reach.undelivered:
        said.append(f"{reach.undelivered} not reached (blocked the bot, refused or withdrew)")
    said.append(f"{reach.answered} answered")
    return f"Wave {number}: " + ", ".join(said) + "."


def _caveats(wave: LaterWave, first: WaveShare) -> tuple[str, ...]:
    change, k = wave.change, wave.change.number
    out = []
    if 0 < change.both < FEW_PAIRED:
        out.append(f"Only {_plural(change.both, 'person', 'people')} answered both waves: a "
                   "person or two moves these shares a lot, and a real change may not show as "
                   "significant.")  # fmt: skip
    gone = sum(wave.not_in_later.values())
    if change.both and gone:
        out.append(f"{gone} of the {first.classified} doers and non-doers of wave 1 "
                   f"({_pct(gone, first.classified)}) did not complete wave {k}: if those who "
                   "answered again differ from those who did not, the change seen among them "
                   "may not hold for everyone.")  # fmt: skip
    return tuple(out)


def _transitions(wave: LaterWave) -> tuple[TransitionLine, ...]:
    lines = []
    for group in (NON_DOER, DOER):
        answered = wave.change.started_as(group)
        lines.append(TransitionLine(
            GROUP_NAMES[group],
            _count(wave.change.counts.get((group, DOER), 0), answered),
            _count(wave.change.counts.get((group, NON_DOER), 0), answered),
            answered, wave.not_in_later.get(group, 0),
        ))  # fmt: skip
    return tuple(lines)


def _rows(wave: LaterWave) -> tuple[str, tuple[str, ...], tuple[RowView, ...]]:
    change, k = wave.change, wave.change.number
    up, stay = change.changers, change.counts.get((NON_DOER, NON_DOER), 0)
    if not (up and stay):
        return (f"Comparing what wave-1 non-doers said needs some who became doers by wave {k} "
                f"and some who did not (so far {up} and {stay}).", (), ())  # fmt: skip
    lead = (f"What the wave-1 non-doers who answered wave {k} had said in wave 1: the {up} who "
            f"became doers (a/nD) against the {stay} who stayed non-doers (b/nN). An answer the "
            "first gave more often may have helped them change; one the second gave more often "
            "may be what still holds them back. ERR here is how many times as likely someone "
            "who gave the answer was to become a doer.")  # fmt: skip
    caveats = []
    if min(up, stay) < SMALL_GROUP:
        caveats.append(f"Only {up} became doers and {stay} stayed non-doers (the method wants at "
                       f"least {SMALL_GROUP} of each): treat these rows as leads to check, not "
                       "findings; a real difference may not show as significant.")  # fmt: skip
    if wave.tested:
        caveats.append(f"{wave.tested} rows were tested: about {wave.tested * ALPHA:.1f} could "
                       "look significant by chance alone. The q column adjusts for that.")  # fmt: skip
    views = tuple(row_view(r, wave.questions or {}, wave.min_mentions) for r in wave.rows)
    return lead, tuple(caveats), views


def later_view(wave: LaterWave, first: WaveShare) -> LaterWaveView:
    """Wave 1 against one later wave."""
    lead, row_caveats, rows = _rows(wave)
    k = wave.change.number
    return LaterWaveView(k, f"Wave 1 → wave {k}", headline(wave.change),
                         test_sentence(wave.change), reach_sentence(k, wave.reach),
                         _caveats(wave, first), _transitions(wave), lead, row_caveats, rows)  # fmt: skip


def waves_view(comparison: WaveComparison) -> WavesView:
    """The section's view model."""
    bars = [charts.Share(f"Wave {s.number} · {_plural(s.classified, 'person', 'people')}",
                         100 * (s.share or 0.0), 100 * s.interval[0], 100 * s.interval[1],
                         f"{100 * (s.share or 0.0):.0f}% ({s.doers}/{s.classified})")
            for s in comparison.shares if s.interval is not None]  # fmt: skip
    missing = ""
    if comparison.missing:
        missing = (f"No script in the dialogs folder has the study id of "
                   f"{', '.join(comparison.missing)}: {'that wave is' if len(comparison.missing) == 1 else 'those waves are'} "
                   "left out.")  # fmt: skip
    return WavesView(
        comparison.title,
        tuple(share_view(s) for s in comparison.shares),
        charts.shares(bars, "Doer share per wave, with 95% intervals") if bars else None,
        tuple(later_view(wave, comparison.shares[0]) for wave in comparison.later),
        missing,
    )


def waves_jsonable(comparison: WaveComparison) -> dict[str, Any]:
    """Every number of the comparison, for the JSON report."""
    return {
        "shares": [{"wave": s.number, "study_id": s.study_id, "classified": s.classified,
                    "doers": s.doers, "share": s.share,
                    "ci95": list(s.interval) if s.interval else None}
                   for s in comparison.shares],
        "later": [{
            "wave": wave.change.number, "study_id": wave.change.study_id,
            "both": wave.change.both,
            "transitions": [{"from": a, "to": b, "people": n}
                            for (a, b), n in wave.change.counts.items()],
            "mcnemar_exact_p": wave.change.p_value,
            "not_in_later": dict(wave.not_in_later),
            "reach": {"invited": wave.reach.invited, "in_doubt": wave.reach.in_doubt,
                      "waiting": wave.reach.waiting, "undelivered": wave.reach.undelivered,
                      "answered": wave.reach.answered},
            "changers_vs_stayers": [{
                "question": r.question, "theme": r.theme, "label": r.label, "kind": r.kind,
                "changers": r.doers_n, "changers_total": r.doers_total,
                "stayers": r.nondoers_n, "stayers_total": r.nondoers_total,
                "difference_pp": r.difference_pp, "p_value": r.p_value, "test": r.test,
                "q_value": r.q_value, "significant": r.significant,
                "err": r.err if r.err is None or math.isfinite(r.err) else None,
            } for r in wave.rows],
        } for wave in comparison.later],
        "missing_waves": list(comparison.missing),
    }  # fmt: skip
