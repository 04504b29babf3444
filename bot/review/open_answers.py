"""Open answers as researchers review them: main answer and probes together, themes in force, saving.

A researcher codes what a respondent said to a question, main answer and probe follow-ups read
together. The analysis merges the themes of those answers, so an override is stored on the main
answer with the chosen themes and on each probe follow-up with none: the chosen themes are then
exactly what the analysis sees.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.analysis.coding import Coder, is_codable
from bot.report.codebook import coding_script
from bot.report.exports import interviews_with_answers
from bot.report.probes_asked import ProbesAsked
from bot.script import CompiledQuestion, Script
from storage import CodingOverrideRecord, Repository, StoredAnswer


@dataclass(frozen=True)
class OpenAnswer:
    """What one respondent said to one open question, with its automatic and current themes."""

    question_id: str
    answer_ids: tuple[int, ...]  # the main answer, then its probe follow-ups
    texts: tuple[str, ...]
    automatic: frozenset[str]
    themes: frozenset[str]  # in force: a researcher's override where there is one
    override: CodingOverrideRecord | None  # the main answer's, which says who coded it and when
    language: str = ""  # the interview's
    # What the bot asked before each probe follow-up, in the interview's language ("" if not known):
    # "nothing else" after "What else?" is not "nothing" after "What makes it hard?".
    asked: tuple[str, ...] = ()

    @property
    def said(self) -> str:
        """Main answer and probe follow-ups as one text (each its own sentence, for matching)."""
        return ". ".join(t.strip() for t in self.texts if t.strip())

    @property
    def reviewed(self) -> bool:
        """Whether a researcher coded it (an override is in force)."""
        return self.override is not None

    @property
    def answer_id(self) -> int:
        """The main answer's id: the one researchers quote."""
        return self.answer_ids[0]

    @property
    def text(self) -> str:
        """The main answer."""
        return self.texts[0]

    @property
    def probes(self) -> tuple[str, ...]:
        """The probe follow-ups, in order."""
        return self.texts[1:]

    @property
    def probe_lines(self) -> tuple[tuple[str, str], ...]:
        """Each probe follow-up with what the bot asked before it ("" when not known)."""
        asked = (*self.asked, *([""] * len(self.probes)))
        return tuple(zip(asked, self.probes, strict=False))

    @property
    def uncoded(self) -> bool:
        """Whether no theme is in force."""
        return not self.themes


def open_questions(script: Script) -> list[CompiledQuestion]:
    """The questions whose answers are coded into themes, in script order."""
    return [q for q in script.questions if is_codable(q.spec)]


def theme_ids(question: CompiledQuestion) -> tuple[str, ...]:
    """A question's codebook themes, in codebook order."""
    return tuple(theme.id for theme in question.spec.codebook or ())


def question_text(script: Script, question: CompiledQuestion) -> str:
    """The question as asked in the default language ({behaviour} filled in, answers as —)."""
    lang = script.languages[0]
    return script.pipe(script.text(question.spec.text, lang), lang, {})


def stored_text(answer: StoredAnswer) -> str:
    """The text a stored open answer says."""
    return answer.value if isinstance(answer.value, str) else answer.raw_text or ""


async def open_answers(
    repository: Repository, script: Script, *, question_id: str | None = None
) -> AsyncIterator[OpenAnswer]:
    """Every non-empty open answer of the study (or of one question), streamed in interview order."""
    coder = Coder(await coding_script(repository, script))
    overrides = await repository.coding_overrides(study_id=script.study_id)
    wanted = {q.id for q in open_questions(script) if question_id in (None, q.id)}
    probes = ProbesAsked(script)
    async for interview, answers in interviews_with_answers(repository, script.study_id):
        language = interview.language or script.languages[0]
        by_question: dict[str, list[StoredAnswer]] = {}
        for answer in answers:
            if answer.question_id in wanted:
                by_question.setdefault(answer.question_id, []).append(answer)
        for question, given in by_question.items():
            found = _open_answer(coder, overrides, question, given, language, probes)
            if found is not None:
                yield found


def _open_answer(
    coder: Coder,
    overrides: dict[int, CodingOverrideRecord],
    question: str,
    given: list[StoredAnswer],
    language: str,
    probes: ProbesAsked,
) -> OpenAnswer | None:
    given = sorted(given, key=lambda a: a.probe)
    texts = tuple(stored_text(a) for a in given)
    if given[0].probe != 0 or not any(t.strip() for t in texts):
        return None  # skipped, or a stray probe without its main answer
    automatic: set[str] = set()
    themes: set[str] = set()
    for answer, text in zip(given, texts, strict=True):
        found = coder.automatic(question, text, language)
        automatic |= found
        override = overrides.get(answer.id)
        themes |= set(override.themes) if override is not None else found
    return OpenAnswer(
        question_id=question,
        answer_ids=tuple(a.id for a in given),
        texts=texts,
        automatic=frozenset(automatic),
        themes=frozenset(themes),
        override=overrides.get(given[0].id),
        language=language,
        asked=tuple(probes.asked(question, a.asked, language).text for a in given[1:]),
    )


async def find_open_answers(
    repository: Repository, script: Script, answer_ids: Iterable[int]
) -> dict[int, OpenAnswer]:
    """The open answers with these main-answer ids (ids of other answers are left out)."""
    wanted = set(answer_ids)
    return {
        found.answer_id: found
        async for found in open_answers(repository, script)
        if found.answer_id in wanted
    }


async def save_coding(
    repository: Repository,
    answer: OpenAnswer,
    themes: Sequence[str],
    *,
    coder: str,
    now: datetime,
    independent: bool = False,
) -> bool:
    """Store a researcher's themes for an answer unless they are already in force; True if stored.

    `independent`: a second coder's coding, stored whatever is in force (agreement needs all of
    it) and never put in force.
    """
    chosen = frozenset(themes)
    if chosen == answer.themes and not independent:
        return False
    main, *probes = answer.answer_ids
    await repository.set_coding_override(answer_id=main, themes=sorted(chosen), coder=coder,
                                         now=now, independent=independent)  # fmt: skip
    for probe in probes:
        await repository.set_coding_override(answer_id=probe, themes=(), coder=coder, now=now,
                                             independent=independent)  # fmt: skip
    return True
