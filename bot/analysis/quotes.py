"""Quotes that represent: per row, the most typical distinct answers, from different respondents.

The pass keeps a few candidate answers per theme and group (`Tally.quote_candidates`). Among them,
the typical one is made of the words most of the others use too (the theme as most people put it),
is neither a one-word answer nor a paragraph, and is in the reader's language where one is. Within a section of
the report one answer is never shown under two themes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from bot.analysis.tabulate import Row
from bot.analysis.tally import QuoteCandidate, Tally
from bot.script.normalize import fold
from bot.vocabulary import Group

QUOTES_SHOWN = 2
REPEAT_WEIGHT = 0.6  # how much sharing words with a quote already chosen counts against a text
_WORD = re.compile(r"\w{3,}")
# Words too common to say what an answer is about (en, fr, es, de, pt, it).
STOP = frozenset(
    """the and for are but not you all any can her was one our out has him his how its may new
    now see two who did get has had let put say she too use that this with have from they will
    would there their what about which when make like time just know take into year your some
    them than then look only come over also back after work first well even want because these
    give most very les des une est pas que qui dans pour sur par avec tout mais sont ont aux
    ces son ses elle nous vous ils leur plus peu bien fait the los las del que por con para una
    uno como pero mas muy sin sobre este esta eso esa nos les der die das und ist nicht ein eine
    mit auf für sich dem den von não com uma para por mais che non per una con del""".split()
)


def _words(text: str) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(fold(text)) if w not in STOP)


def typicality(candidates: Sequence[QuoteCandidate]) -> dict[str, float]:
    """How typical each text is among the candidates: how common its words are among them (the
    theme as most people put it), less a penalty for one-word answers and for very long ones."""
    words = {c.text: _words(c.text) for c in candidates}
    others = max(len(words) - 1, 1)
    common: dict[str, int] = {}
    for found in words.values():
        for word in found:
            common[word] = common.get(word, 0) + 1
    scores = {}
    for text, mine in words.items():
        # Each word's share of the other answers that use it too.
        shared = sum((common[w] - 1) / others for w in mine) / len(mine) if mine else 0.0
        length = len(text.split())
        penalty = 0.3 if length < 3 else 0.2 if length > 40 else 0.0
        scores[text] = shared - penalty
    return scores


def choose(
    candidates: Sequence[QuoteCandidate],
    language: str,
    used: set[str] | None = None,
    most: int = QUOTES_SHOWN,
) -> list[QuoteCandidate]:
    """The most typical distinct answers from different respondents, the reader's language first.

    After the first, each pick also avoids repeating the words of those already chosen, so two
    quotes show two ways of saying it rather than one twice.
    """
    scores = typicality(candidates)
    words = {c.text: _words(c.text) for c in candidates}
    left = [c for c in candidates if used is None or c.text not in used]
    chosen: list[QuoteCandidate] = []
    while left and len(chosen) < most:

        def value(c: QuoteCandidate) -> tuple[bool, float]:
            mine = words[c.text]
            repeat = max((len(mine & words[o.text]) / len(mine | words[o.text])
                          for o in chosen if mine | words[o.text]), default=0.0)  # fmt: skip
            other_language = bool(language) and c.language not in ("", language)
            return (other_language, -(scores[c.text] - REPEAT_WEIGHT * repeat))

        best = min(left, key=value)
        chosen.append(best)
        if used is not None:
            used.add(best.text)
        left = [c for c in left if c.text.casefold() != best.text.casefold()
                and (c.position < 0 or c.position != best.position)]  # fmt: skip
    return chosen


def row_candidates(tally: Tally, row: Row) -> list[QuoteCandidate]:
    """A row's candidates, the group that says it more first (non-doers for a barrier)."""
    groups = (Group.doer, Group.non_doer) if row.is_enabler else (Group.non_doer, Group.doer)
    first = tally.quote_candidates(row.question, row.theme, groups[0])
    # The other group's words only when the favoured group has too few.
    return first if len(first) >= QUOTES_SHOWN else first + tally.quote_candidates(
        row.question, row.theme, groups[1])  # fmt: skip


def with_quotes(
    tally: Tally, rows: Iterable[Row], language: str, languages: dict[str, str],
    *, section: bool = False,
) -> list[Row]:  # fmt: skip
    """Rows with their chosen quotes; `section`: no answer twice across these rows.

    `languages` collects the language of every quote chosen (for the report to mark the others).
    """
    used: set[str] | None = set() if section else None
    out = []
    for row in rows:
        chosen = choose(row_candidates(tally, row), language, used)
        languages.update((c.text, c.language) for c in chosen)
        out.append(replace(row, quotes=tuple(c.text for c in chosen)))
    return out
