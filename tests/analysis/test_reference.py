"""The fast columnar pass gives exactly the counts of the plain one-respondent-at-a-time reference.

Random studies: random scripts (closed and coded questions, skip logic by group or by an earlier
answer, several languages), random interviews (finished or not, any group) and random answers
(empty ticks, /skip, questions passed by, interviews stopped part-way, probes, researchers'
overrides, odd values), handed over in random order and random batch sizes.
"""

from __future__ import annotations

import functools
import random
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.analysis import AnswerRecord, CodingOverride, InterviewRecord, analyse
from bot.analysis.family import is_yes_no_mirror
from bot.analysis.records import AnswerValue, answer_columns
from bot.analysis.reference import ReferenceRow, reference_rows
from bot.script import Script, check_source
from tests.analysis.analysis_fakes import T0

LANGUAGES = [["en"], ["en", "es"], ["es", "fr", "en"]]
KEYWORDS = {
    "en": ["rain*", "traffic", "too far", "cost*"],
    "es": ["lluvia", "tráfico", "caro", "lejos"],
    "fr": ["pluie", "circulation", "cher", "trop loin"],
}
WORDS = [
    "rain", "raining", "traffic", "too far", "costs", "lluvia", "tráfico", "caro", "pluie",
    "circulation", "cher", "idk", "the", "bike", "no", "never", "🚲", "Rain!", "far", "",
]  # fmt: skip
KINDS = ["multiple", "single", "yes_no", "scale5", "scale3", "text", "number"]
STATUSES = ["completed"] * 5 + ["active", "paused", "abandoned", "screened_out", "excluded"]
ACTIONS = ["answer"] * 5 + ["empty", "skip", "absent", "stop"]
EXTRA_THEME = "added_by_hand"


def _question(i: int, kind: str, when: str | None, segment: bool, languages: list[str]) -> str:
    head = f"  - id: q{i}\n    text: Question {i}\n    required: false\n"
    if when:
        head += f'    when: "{when}"\n'
    head += "    segment: true\n" if segment else "    determinant: perceived_access\n"
    choices = "    choices: [{value: a, label: A}, {value: b, label: B}, {value: c, label: C}]\n"
    if kind == "multiple":
        return head + "    type: multiple_choice\n" + choices
    if kind == "single":
        return head + "    type: single_choice\n" + choices
    if kind == "yes_no":
        return head + "    type: yes_no\n"
    if kind in ("scale5", "scale3"):
        return head + f"    type: scale\n    min: 1\n    max: {kind[-1]}\n"
    if kind == "number":
        return head + "    type: number\n"
    themes = "".join(
        f"      - id: t{t}\n        label: Theme {t}\n        keywords: {{"
        + ", ".join(f"{lang}: ['{KEYWORDS[lang][t]}', '{KEYWORDS[lang][t + 2]}']"
                    for lang in languages)
        + "}\n"
        for t in range(2)
    )  # fmt: skip
    probe = "    probe: {min_words: 3, max: 2}\n" if i % 2 else ""
    return head + "    type: text\n" + probe + "    codebook:\n" + themes


@st.composite
def scripts(draw: st.DrawFn) -> Script:
    """A valid script: the classification question, then 1 to 6 random questions."""
    languages = draw(st.sampled_from(LANGUAGES))
    lines = [
        "version: 1",
        "study: {id: random, title: T, behaviour: B, priority_group: P, prevalence: 0.2,",
        f"  languages: [{', '.join(languages)}], introduction: Hi, consent: Go, closing: Bye,",
        "  contact: a@b.org}",
        "classification:",
        "  doer: {any: [{all: [\"kind == 'd'\"]}]}",
        "  non_doer: {any: [{all: [\"kind == 'n'\"]}]}",
        "questions:",
        "  - {id: kind, type: single_choice, text: K, choices: [{value: d, label: D},"
        " {value: n, label: N}, {value: x, label: X}]}",
    ]
    singles: list[int] = []
    for i in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(KINDS))
        conditions = [None, None, "group == 'doer'", "group == 'non_doer'"]
        conditions += [f"q{j} == 'b'" for j in singles]
        when = draw(st.sampled_from(conditions))
        segment = kind == "single" and draw(st.booleans())
        lines.append(_question(i, kind, when, segment, languages).rstrip("\n"))
        if kind == "single":
            singles.append(i)
    return _compiled("\n".join(lines) + "\n")


@functools.cache
def _compiled(source: str) -> Script:
    """Scripts repeat across examples, and parsing YAML is the slow part: each is checked once."""
    script, problems = check_source(source.encode())
    assert script is not None, problems
    return script


def _value(draw: st.DrawFn, kind: str) -> AnswerValue:
    if kind == "multiple":
        return draw(st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=3, unique=True))
    if kind == "single":
        return draw(st.sampled_from(["a", "b", "c", "zz"]))  # "zz": a choice since removed
    if kind == "yes_no":
        return draw(st.sampled_from(["yes", "no"]))
    if kind in ("scale5", "scale3"):
        point = draw(st.integers(1, int(kind[-1])))
        return draw(st.sampled_from([point, float(point)]))
    if kind == "number":
        return draw(st.integers(0, 9))
    return " ".join(draw(st.lists(st.sampled_from(WORDS), max_size=4)))


Study = tuple[Script, list[InterviewRecord], list[AnswerRecord], list[CodingOverride]]


@st.composite
def studies(draw: st.DrawFn) -> Study:
    """A script, its interviews, their stored answers and some researchers' overrides."""
    script = draw(scripts())
    kinds = {"kind": "single"}
    for question in script.questions[1:]:
        spec = question.spec
        scale = f"scale{len(question.options)}"
        kinds[question.id] = {"multiple_choice": "multiple", "single_choice": "single",
                              "scale": scale}.get(spec.type.value, spec.type.value)  # fmt: skip
    interviews, answers, overrides = [], [], []
    for n in range(draw(st.integers(0, 25))):
        status = draw(st.sampled_from(STATUSES))
        group = draw(st.sampled_from(["doer", "non_doer", None]))
        language = draw(st.sampled_from(script.languages))
        interviews.append(InterviewRecord(n, status, group, None, language, T0))
        for question in script.questions:
            action = draw(st.sampled_from(ACTIONS))
            if action == "stop":
                break
            if action == "absent":
                continue
            kind = kinds[question.id]
            value: AnswerValue = (
                [] if action == "empty" and kind == "multiple"
                else None if action in ("skip", "empty")
                else _value(draw, kind)
            )  # fmt: skip
            raw = "" if value is None else str(value)
            answers.append(AnswerRecord(n, question.id, 0, raw, value, language, T0))
            probes = draw(st.integers(0, 2)) if kind == "text" and value is not None else 0
            for p in range(1, probes + 1):
                text = _value(draw, "text")
                answers.append(AnswerRecord(n, question.id, p, str(text), text, language, T0))
    texts = [a for a in answers if kinds[a.question_id] == "text"]
    for answer in draw(st.lists(st.sampled_from(texts), max_size=6)) if texts else []:
        themes = draw(st.lists(st.sampled_from(["t0", "t1", EXTRA_THEME]), unique=True))
        at = T0.replace(minute=draw(st.integers(0, 2)))  # equal times: the later one wins
        overrides.append(CodingOverride(*answer.key, tuple(themes), "ana", at))
    return script, interviews, answers, overrides


def _fast_rows(study: Study, order: int, batch: int, merged_rows: int) -> list[ReferenceRow]:
    script, interviews, answers, overrides = study
    shuffled = answers[:]
    random.Random(order).shuffle(shuffled)
    with mock.patch("bot.analysis.sweep.MERGED_ROWS", merged_rows):
        summary = analyse(
            script, interviews, overrides=overrides, columns=answer_columns(shuffled, batch),
            with_segments=False, with_emerging=False,
        )  # fmt: skip
    return [
        ReferenceRow(r.question, r.theme, r.doers_n, r.doers_total, r.nondoers_n, r.nondoers_total)
        for r in summary.rows
    ]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(studies(), st.integers(0, 1000), st.integers(1, 40), st.integers(1, 60))
def test_the_fast_pass_counts_like_the_reference(
    study: Study, order: int, batch: int, merged_rows: int
) -> None:
    script, interviews, answers, overrides = study
    # The report shows a yes/no question as one row, its "yes" (the "no" only mirrors it).
    expected = [r for r in reference_rows(script, interviews, answers, overrides)
                if not is_yes_no_mirror(script, r.question, r.key)]  # fmt: skip
    assert _fast_rows(study, order, batch, merged_rows) == expected
