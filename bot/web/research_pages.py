"""The researcher pages as HTML, from Jinja2 templates with autoescape: the studies list, the coding page."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import quote, urlencode

import jinja2

from bot.analysis.confidence import ENTERS, LOSES_SIGNIFICANCE, HeadlineRisk
from bot.analysis.emerging import EmergingTheme
from bot.analysis.learning import KeywordSuggestion
from bot.report.csv_cells import timestamp
from bot.report.exports import ExportFormat
from bot.review.open_answers import question_text
from bot.review.queue import AnswerGroup
from bot.script import CompiledQuestion, Script
from storage import StudyCounts

PAGE_SIZE = 50


@dataclass(frozen=True)
class StudyRow:
    """One line of the studies page: a usable script with its fieldwork, or a broken one."""

    name: str
    study_id: str | None
    title: str
    counts: StudyCounts | None = None
    quota: tuple[int, int] = (0, 0)
    problem: str | None = None
    fieldwork: str = "open"  # the fieldwork dates' verdict, e.g. "closed (closed after 2026-03-31)"
    over_quota: str = ""  # who a full group turned away or kept apart so far, if anyone
    waves: tuple[str, ...] = ()  # per later wave: invited and answered so far


@dataclass(frozen=True)
class QuestionCount:
    """How many answers an open question has, and how many no theme is in force for."""

    question: CompiledQuestion
    answers: int
    uncoded: int
    at_risk: bool = False  # its uncoded answers could change a headline row of the report


@dataclass(frozen=True)
class CodingView:
    """What the coding page shows for one question."""

    script: Script
    counts: Sequence[QuestionCount]
    question: CompiledQuestion | None
    groups: Sequence[AnswerGroup]  # this page's, in review order
    matching: int  # groups passing the filter, over all pages
    page: int
    uncoded_only: bool
    emerging: Sequence[EmergingTheme]
    risks: Sequence[HeadlineRisk] = ()  # the report's warnings about this question
    keywords: Sequence[KeywordSuggestion] = ()
    answers_shown: int = 0


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("bot.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def render(name: str, **values: Any) -> str:
    """A template of bot/web/templates with these values (autoescaped)."""
    return _environment().get_template(name).render(**values)


def studies_page(rows: Iterable[StudyRow]) -> str:
    """Every script of the dialogs folder with its fieldwork against the quota."""
    return render("studies.html", title="Studies", script=False, rows=list(rows))


def question_label(script: Script, question: CompiledQuestion) -> str:
    """How a question is named on the pages: its `short:` label, else its id."""
    lang = script.languages[0]
    return script.text(question.spec.short, lang) if question.spec.short else question.id


def coding_page(view: CodingView) -> str:
    """One open question's answers with their themes, checkboxes to recode them, and Save."""
    script = view.script
    lang = script.languages[0]
    study = script.study_id
    base = f"/study/{quote(study)}"
    downloads = [("Report", f"{base}/report"), ("DBC sheet (CSV)", f"{base}/dbc.csv"),
                 ("Coding sheet (CSV)", f"{base}/coding.csv")] + [
        (f"{f.value.capitalize()} CSV", f"{base}/export/{f.value}.csv") for f in ExportFormat
    ] + [("SPSS (.sav)", f"{base}/file/spss"), ("Excel (.xlsx)", f"{base}/file/xlsx")]  # fmt: skip
    question = view.question
    themes = ({t.id: script.text(t.label, lang) for t in question.spec.codebook or ()}
              if question else {})  # fmt: skip
    query = {"q": question.id} if question else {}
    flip = {**query, **({} if view.uncoded_only else {"uncoded": "1"})}
    pages = max(1, -(-view.matching // PAGE_SIZE))
    paging = {**query, **({"uncoded": "1"} if view.uncoded_only else {})}
    return render(
        "coding.html", script=True, title=f"Coding · {script.text(script.file.study.title, lang)}",
        view=view, study=study, base=base, downloads=downloads, themes=themes,
        labels={c.question.id: question_label(script, c.question) for c in view.counts},
        question_text=question_text(script, question) if question else "",
        flip=base + "?" + urlencode(flip), first=view.page * PAGE_SIZE + 1, pages=pages,
        previous=(base + "?" + urlencode({**paging, "page": view.page})) if view.page > 0 else "",
        next=(base + "?" + urlencode({**paging, "page": view.page + 2}))
        if view.page + 1 < pages else "",
        automatic=lambda a: ", ".join(themes.get(t, t) for t in sorted(a.automatic)) or "none",
        coded_at=lambda o: timestamp(o.created_at),
        risk_text=risk_text,
        ids=lambda g: ",".join(str(i) for i in g.answer_ids),
        status=group_status,
    )  # fmt: skip


def risk_text(risk: HeadlineRisk) -> str:
    """A report warning as the coding page says it."""
    what = f"{risk.section} #{risk.rank} ({risk.label})"
    change = (f"could change {what}" if risk.reason == LOSES_SIGNIFICANCE
              else f"could make “{risk.label}” a top {risk.section} ({risk.needed} of them would "
                       "do)" if risk.reason == ENTERS
              else f"could move {what} below #{risk.rank + 1}")  # fmt: skip
    return (f"{risk.uncoded} uncoded answer{'s' if risk.uncoded != 1 else ''} to this question "
            f"{change} — review them first (they come first below).")  # fmt: skip


def group_status(group: AnswerGroup, coded_at: Any) -> str:
    """Who coded a group's answers, or that the machine did."""
    override = group.first.override
    if group.size == 1:
        return (f"Coded by {override.coder} at {coded_at(override)}" if override
                else "Automatic coding")  # fmt: skip
    if group.reviewed == group.size and override is not None and not group.mixed:
        return f"All {group.size} coded by {override.coder} at {coded_at(override)}"
    if group.reviewed:
        return f"{group.reviewed} of {group.size} reviewed" + (" (themes differ)" if group.mixed
                                                                else "")  # fmt: skip
    return "Automatic coding" + (" (themes differ)" if group.mixed else "")


def message_page(title: str, text: str) -> str:
    """A page that says one thing (a study that does not exist, a broken script)."""
    return render("message.html", title=title, text=text, script=False)
