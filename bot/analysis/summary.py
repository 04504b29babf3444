"""`analyse`: every number the report needs, in one frozen object, from one pass over the answers."""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.analysis.agreement import ThemeAgreement, agreement
from bot.analysis.coding import is_codable
from bot.analysis.collect import Collected, collect
from bot.analysis.competing import CompetingSummary, competing_summary
from bot.analysis.confidence import Confidence, confidence
from bot.analysis.emerging import EmergingTheme, emerging_by_question
from bot.analysis.family import (
    FAMILY_REASONS,
    QuestionLabel,
    in_family,
    question_labels,
    ranked_rows,
    shape_rows,
)
from bot.analysis.fieldwork import SATURATION_WINDOW, Fieldwork, fieldwork
from bot.analysis.progress import Day, Saturation, Stage, funnel, saturation, timeline
from bot.analysis.quotes import with_quotes
from bot.analysis.records import AnswerColumns, AnswerRecord, CodingOverride, InterviewRecord
from bot.analysis.segments import Breakdown, Segment, breakdowns, segments
from bot.analysis.stats import ALPHA
from bot.analysis.tabulate import (
    DEFAULT_MIN_MENTIONS,
    AskedOf,
    DeterminantCell,
    Row,
    determinant_grid,
    rank,
    tabulate,
)
from bot.script import CompiledQuestion, Script
from bot.script.fieldwork import window_text
from bot.script.satisfy import groups_asked

SMALL_GROUP = 15  # the method's floor for a rare behaviour's doers


@dataclass(frozen=True)
class Header:
    """What was studied, with whom, and how far fieldwork got."""

    study_id: str
    title: str
    behaviour: str
    priority_group: str
    prevalence: float
    doers: int
    nondoers: int
    quota_doers: int
    quota_nondoers: int
    first_started: datetime | None
    last_completed: datetime | None
    script_version: str | None
    # Fieldwork as planned (`opens:` / `closes:`), and whether it was open on the report's day
    # ("" when the report was not told its day).
    opens: date | None = None
    closes: date | None = None
    window: str = ""
    over_quota: str = ""  # what a full group does with newcomers: "keep", "close" or "" (nothing)


@dataclass(frozen=True)
class MethodNotes:
    """How the numbers were computed, and how far to trust them."""

    tests: Mapping[str, int]  # rows per test used ("wald", "fisher", "none")
    rows_tested: int
    significant: int
    expected_by_chance: float
    min_mentions: int
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Summary:
    """Everything the marketer's report shows."""

    header: Header
    barriers: tuple[Row, ...]
    enablers: tuple[Row, ...]
    rows: tuple[Row, ...]
    grid: tuple[DeterminantCell, ...]
    competing: CompetingSummary
    segments: tuple[Segment, ...]
    fieldwork: Fieldwork
    emerging: tuple[EmergingTheme, ...]
    method: MethodNotes
    questions: Mapping[str, QuestionLabel]
    breakdowns: tuple[Breakdown, ...] = ()
    days: tuple[Day, ...] = ()
    weekly: bool = False
    funnel: tuple[Stage, ...] = ()
    saturation: Saturation = dataclasses.field(default_factory=lambda: Saturation((), (), 0))
    # The language of each quote shown that is not in the report's language.
    quote_languages: Mapping[str, str] = dataclasses.field(default_factory=dict)
    # Agreement of automatic coding with the researcher's review; headline rows at risk.
    confidence: Confidence | None = None

    def to_jsonable(self) -> dict[str, Any]:
        """Plain dicts, lists, strings and numbers (datetimes as ISO text, inf/NaN as null)."""
        data = _plain(self)
        assert isinstance(data, dict)
        return data


def analyse(
    script: Script,
    interviews: Iterable[InterviewRecord],
    answers: Iterable[AnswerRecord] = (),
    overrides: Iterable[CodingOverride] = (),
    *,
    columns: Iterable[AnswerColumns] = (),
    prevalence: float | None = None,
    min_mentions: int = DEFAULT_MIN_MENTIONS,
    lang: str | None = None,
    script_version: str | None = None,
    with_segments: bool = True,
    with_emerging: bool = True,
    saturation_window: int = SATURATION_WINDOW,
    second_coding: Iterable[CodingOverride] = (),
    today: date | None = None,
    asked_of: AskedOf = groups_asked,
    questions: Sequence[CompiledQuestion] | None = None,
) -> Summary:
    """Analyse a study: answers are read once, so they may come from a stream.

    Answers come as records, or in bulk as batches of columns (`columns`), or both. `today`
    (a UTC date) says whether fieldwork is open, by the script's dates. `asked_of` says which
    of the compared groups each question was put to (by default, the script's `when`);
    `questions`, which questions give rows (by default, those `tabulated_questions` names).
    """
    lang = lang or script.languages[0]
    prevalence = script.file.study.prevalence if prevalence is None else prevalence
    found = collect(
        script, interviews, answers, overrides,
        columns=columns, saturation_window=saturation_window, second_coding=second_coding,
    )  # fmt: skip
    rows = shape_rows(script, tabulate(
        script, found.tally, prevalence=prevalence, min_mentions=min_mentions, lang=lang,
        asked_of=asked_of, questions=questions,
    ))  # fmt: skip
    barriers, enablers = rank(ranked_rows(rows))
    languages: dict[str, str] = {}
    rows = with_quotes(found.tally, rows, lang, languages)
    barriers = with_quotes(found.tally, barriers, lang, languages, section=True)
    enablers = with_quotes(found.tally, enablers, lang, languages, section=True)
    health = fieldwork(script, found)
    days, weekly = timeline(found)
    study = script.file.study
    header = Header(
        study.id, script.text(study.title, lang), script.text(study.behaviour, lang),
        script.text(study.priority_group, lang), prevalence, health.doers, health.nondoers,
        health.quota_doers, health.quota_nondoers, health.first_started, health.last_completed,
        script_version, study.opens, study.closes,
        window_text(study, today) if today is not None else "", str(study.quota.over_quota or ""),
    )  # fmt: skip
    return Summary(
        header=header,
        barriers=tuple(barriers),
        enablers=tuple(enablers),
        rows=tuple(rows),
        grid=tuple(determinant_grid(script, rows)),
        competing=competing_summary(script, found.tally, rows, lang, languages),
        segments=tuple(
            segments(script, found, prevalence=prevalence, min_mentions=min_mentions, lang=lang)
            if with_segments
            else ()
        ),
        fieldwork=health,
        emerging=tuple(
            emerging_by_question(found.uncoded, found.uncoded_languages) if with_emerging else ()
        ),
        method=method_notes(rows, health, min_mentions),
        questions=question_labels(script, lang),
        breakdowns=tuple(breakdowns(script, found, barriers, lang) if with_segments else ()),
        days=days,
        weekly=weekly,
        funnel=funnel(found),
        saturation=saturation(found),
        quote_languages={t: q for t, q in languages.items() if q and q != lang},
        confidence=coding_confidence(script, found, barriers, enablers, prevalence, rows,
                                     min_mentions),
    )


def coding_confidence(
    script: Script, found: Collected, barriers: list[Row], enablers: list[Row], prevalence: float,
    rows: list[Row] | None = None, min_mentions: int = DEFAULT_MIN_MENTIONS,
) -> Confidence:  # fmt: skip
    """How far the automatic coding agrees with the review, and what uncoded answers could change."""
    themes = {
        q.id: [t.id for t in q.spec.codebook or ()]
        for q in script.questions
        if is_codable(q.spec) and q.spec.codebook
    }
    pairs = ((q, auto, human) for (_, q), (auto, human) in sorted(found.reviewed.items()))
    found_confidence = confidence(
        pairs, themes, barriers, enablers, found.uncoded_by_group(), prevalence, rows or [],
        min_mentions,
    )
    if not found.second_coder:
        return found_confidence
    coders = ((q, first, second) for (_, q), (first, second) in sorted(found.second_coder.items()))
    return dataclasses.replace(found_confidence, intercoder=agreement(coders, themes))


def method_notes(rows: list[Row], health: Fieldwork, min_mentions: int) -> MethodNotes:
    """The tests used and the caveats a reader must know."""
    family = [r for r in rows if in_family(r)]
    tests = Counter(r.test for r in family)
    tested = len(family)
    significant = sum(1 for r in family if r.significant)
    left_out = Counter(r.outside_family for r in rows if r.outside_family is not None)
    notes = [
        "p-values use the Wald test on the log odds ratio, as in the Barrier Analysis tabulation "
        "sheet; rows with an empty cell use Fisher's exact test instead.",
        f"{tested} rows were tested at p < {ALPHA}: about {tested * ALPHA:.1f} could look "
        "significant by chance alone. The q-value column is the Benjamini–Hochberg "
        "false-discovery-rate adjustment over those rows.",
        f"Rows mentioned by fewer than {min_mentions} respondents are marked sparse and are not "
        "ranked.",
    ]
    if left_out:
        reasons = ", ".join(f"{n} {FAMILY_REASONS[k]}" for k, n in sorted(left_out.items()))
        notes.append(
            "Not counted as tests (they cannot differ, or repeat another row's test): "
            f"{reasons}. A yes/no question is one row, its “yes”."
        )
    if min(health.doers, health.nondoers) < SMALL_GROUP:
        notes.append(
            f"Small sample: {health.doers} doers and {health.nondoers} non-doers (the method "
            f"needs at least {SMALL_GROUP} of each); differences may not show as significant."
        )
    elif not health.quota_met:
        notes.append(
            f"Quota not yet met ({health.doers}/{health.quota_doers} doers, "
            f"{health.nondoers}/{health.quota_nondoers} non-doers): results are provisional."
        )
    return MethodNotes(
        dict(sorted(tests.items())), tested, significant, tested * ALPHA, min_mentions, tuple(notes)
    )


# Derived values worth shipping to renderers along with the fields.
_PROPERTIES: dict[type, tuple[str, ...]] = {
    EmergingTheme: ("label",),
    ThemeAgreement: ("neither", "precision", "recall", "kappa", "kappa_words"),
    Fieldwork: ("quota_met",),
}


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        for name in _PROPERTIES.get(type(value), ()):
            out[name] = _plain(getattr(value, name))
        return out
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None  # JSON has no infinity; ERR is infinite only when every doer said it
    return value
