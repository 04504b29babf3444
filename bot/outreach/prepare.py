"""From a message to a plan, the same for every adapter (the `broadcast` command, the research pages).

A broadcast begun before keeps the words it was first sent with: preparing it again with the
same texts and segment gives back those words (figures are not worked out again), and preparing
it with other texts is refused (`BroadcastChanged`), so a name always means one message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from bot.outreach.broadcast import BroadcastSummary, Plan, changed
from bot.outreach.message import BroadcastMessage
from bot.script import Script
from storage import Audience, RecipientStatus, Repository

Where = Callable[[str], str]  # a language → where its text is, for error messages


@dataclass(frozen=True)
class Prepared:
    """A plan ready to send, and whether it resumes a broadcast begun earlier."""

    plan: Plan
    resumed: bool


@dataclass(frozen=True)
class TextShare:
    """How many recipients speak `language`, and which text they get (`gets`)."""

    language: str | None
    count: int
    gets: str

    @property
    def own(self) -> bool:
        """Whether they get a text in their own language."""
        return self.gets == self.language


def fallback_language(script: Script, texts: Mapping[str, str]) -> str:
    """The text for people whose language has none: the script's first language that has one."""
    return next((lang for lang in script.languages if lang in texts), next(iter(texts)))


async def prepare(repository: Repository, script: Script, message: BroadcastMessage, *,
                  where: Where) -> Prepared:
    """The plan for `message`: figures filled in, or the words first sent if it was begun.

    Raises `MessageError` for a figure the study does not have yet, and `BroadcastChanged` when
    the name was used for other texts or another segment.
    """
    plan = Plan(script.study_id, message.name, message.texts,
                fallback_language(script, message.texts), Audience.RESULTS, message.segment,
                source=message.texts)
    begun = await repository.find_broadcast(study_id=plan.study_id, name=plan.name)
    if begun is not None:
        if begun.sha256 != plan.sha256:
            raise changed(plan)
        # Resuming: the words first sent, without working the figures out again.
        return Prepared(replace(plan, texts=begun.texts, fallback=begun.fallback), True)
    if not message.figures:
        return Prepared(plan, False)
    # Imported only here: the analysis takes a moment to load, which a resumed run (after a
    # crash, say) should not wait for.
    from bot.outreach.figures import fill, study_figures

    figures = await study_figures(repository, script, list(message.texts))
    texts = {lang: fill(text, figures[lang], where=where(lang))
             for lang, text in message.texts.items()}
    return Prepared(replace(plan, texts=texts), False)


async def audience(repository: Repository, plan: Plan) -> list[TextShare]:
    """Who would get which text now (the dry run), the largest language first."""
    counts = await repository.count_candidates(study_id=plan.study_id, audience=plan.audience,
                                               segment=plan.segment)
    return [TextShare(lang, count,
                      lang if lang is not None and lang in plan.texts else plan.fallback)
            for lang, count in sorted(counts.items(), key=lambda item: (-item[1], item[0] or ""))]


# How a broadcast's recipients stand, in the words of a summary (pending comes last, if any).
OUTCOMES: tuple[tuple[str, str], ...] = (
    ("sent", "sent"),
    ("blocked", "blocked the bot or left Telegram"),
    ("failed", "failed"),
    ("in_doubt", "in doubt (not resent)"),
    ("skipped", "withdrew before their turn"),
    ("pending", "still to send"),
)


def outcomes(tally: Mapping[RecipientStatus, int]) -> dict[str, int]:
    """The tally by `OUTCOMES` key: claimed rows of a run that is over count as in doubt."""
    summary = BroadcastSummary("", tally, 0, 0, 0.0)
    return {
        "sent": summary.count(RecipientStatus.SENT),
        "blocked": summary.count(RecipientStatus.BLOCKED),
        "failed": summary.count(RecipientStatus.FAILED),
        "in_doubt": summary.in_doubt,
        "skipped": summary.count(RecipientStatus.SKIPPED),
        "pending": summary.count(RecipientStatus.PENDING),
    }
