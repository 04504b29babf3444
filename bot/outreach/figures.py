"""Study figures a broadcast may pipe in, worded in each recipient's language."""

from __future__ import annotations

from collections.abc import Iterable

from bot.analysis import Summary
from bot.analysis.tabulate import Row
from bot.outreach.message import FIGURES, MessageError
from bot.report.build import load_summary
from bot.script import Script
from storage import Repository


def percent(share: float, lang: str) -> str:
    """42% in English, 42 % where a space comes before the sign."""
    number = f"{round(100 * share)}"
    return f"{number}%" if lang == "en" else f"{number}\u00a0%"


def _named_share(row: Row) -> float | None:
    asked = row.doers_total + row.nondoers_total
    return None if asked == 0 else (row.doers_n + row.nondoers_n) / asked


def figures_of(summary: Summary, lang: str) -> dict[str, str]:
    """The figures `FIGURES` names that the summary has (a study without a clear barrier has none)."""
    header = summary.header
    completed = header.doers + header.nondoers
    found: dict[str, str] = {"respondents": str(completed)}
    if completed:
        found["doers_share"] = percent(header.doers / completed, lang)
    for kind, rows in (("barrier", summary.barriers), ("enabler", summary.enablers)):
        if not rows:
            continue
        top = rows[0]
        found[f"top_{kind}"] = top.label
        share = _named_share(top)
        if share is not None:
            found[f"top_{kind}_share"] = percent(share, lang)
        if kind == "barrier" and top.nondoers_total:
            found["top_barrier_non_doers_share"] = percent(top.nondoers_n / top.nondoers_total,
                                                           lang)
    assert set(found) <= set(FIGURES)
    return found


async def study_figures(repository: Repository, script: Script,
                        languages: Iterable[str]) -> dict[str, dict[str, str]]:
    """The figures in each language (labels come from the script in that language)."""
    figures: dict[str, dict[str, str]] = {}
    for lang in languages:
        summary = await load_summary(repository, script, lang=lang, with_emerging=False)
        figures[lang] = figures_of(summary, lang)
    return figures


def fill(template: str, figures: dict[str, str], *, where: str) -> str:
    """The text with its figures filled in; a figure the study lacks is a `MessageError`."""
    try:
        return template.format_map(figures)
    except KeyError as error:
        name = error.args[0]
        raise MessageError(
            f"{where}: the study has no {{{name}}} yet ({FIGURES.get(name, 'unknown')}); "
            "wait for more interviews or leave it out of the text."
        ) from None
