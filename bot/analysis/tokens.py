"""An answer cut into clauses of words: folded, contractions spelled out, negation marked.

A clause ends at a sentence end, a comma or similar mark, a line break or an emoji; keyword phrases
and negations never reach across one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.analysis.languages import Language
from bot.script.normalize import fold

# Marks that end a clause: sentence ends, commas, brackets, quotes, emoji and other symbols.
_CLAUSE_END = re.compile(
    r"[.!?;:,()\[\]{}\"“”«»…|/\\\n\r\t]+"
    r"|[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F\u200D]+"
    r"|\s[-–—]+\s"
)
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
# English endings after an apostrophe that add nothing for coding: it's, mum's, we're, I've …
_CLITICS = frozenset({"s", "re", "ve", "ll", "d", "m"})
# Elided articles and pronouns before an apostrophe (l'hiver, d'accord, j'oublie, qu'il).
_ELISIONS = frozenset({"l", "d", "j", "m", "t", "s", "c", "qu", "un", "dell", "nell", "all"})
_NT_BASES = {"ca": "can", "wo": "will", "ai": "is", "sha": "shall"}


@dataclass(frozen=True, slots=True)
class Clause:
    """The words of one clause, and for each the position of the negation that reaches it."""

    words: tuple[str, ...]
    negated_by: tuple[int, ...]  # -1 where no negation reaches the word
    negated: bool  # whether any negation word is in the clause


@dataclass(frozen=True)
class Grammar:
    """The special words of a set of languages, merged: what tokenising and negation need."""

    negations: frozenset[str]
    post_negations: frozenset[str]
    not_negating: frozenset[tuple[str, str]]
    scope_ends: frozenset[str]
    attitude_verbs: frozenset[str]
    expansions: dict[str, tuple[str, ...]]
    reach: int = 4  # how many words after a negation it still negates

    @classmethod
    def of(cls, languages: Iterable[Language], reach: int = 4) -> Grammar:
        """The grammar of several languages at once (an answer may mix them)."""
        langs = list(languages)
        expansions: dict[str, tuple[str, ...]] = {}
        for lang in langs:
            expansions.update(lang.expansions)
        return cls(
            negations=frozenset().union(*(lang.negations for lang in langs)),
            post_negations=frozenset().union(*(lang.post_negations for lang in langs)),
            not_negating=frozenset().union(*(lang.not_negating for lang in langs)),
            scope_ends=frozenset().union(*(lang.scope_ends for lang in langs)),
            attitude_verbs=frozenset().union(*(lang.attitude_verbs for lang in langs)),
            expansions=expansions,
            reach=reach,
        )


def words_of(chunk: str, expansions: dict[str, tuple[str, ...]]) -> list[str]:
    """The words of folded text, contractions spelled out ("don't" → do not, "l'hiver" → hiver)."""
    out: list[str] = []
    for word in _WORD.findall(chunk):
        if "'" in word:
            out.extend(_apostrophe(word))
            continue
        expanded = expansions.get(word)
        if expanded is None:
            out.append(word)
        else:
            out.extend(expanded)
    return out


def _apostrophe(word: str) -> list[str]:
    if word.endswith("n't"):
        base = word[:-3]
        return [_NT_BASES.get(base, base), "not"] if base else ["not"]
    parts = word.split("'")
    out: list[str] = []
    for index, part in enumerate(parts):
        if index < len(parts) - 1 and part in _ELISIONS:
            continue
        if index < len(parts) - 1 and part == "n":
            out.append("ne")
        elif index > 0 and part in _CLITICS:
            continue
        else:
            out.append(part)
    return out


def clauses(text: str, grammar: Grammar) -> list[Clause]:
    """The clauses of an answer, with negation scopes marked."""
    folded = text.lower() if text.isascii() else fold(text)
    if "’" in folded or "`" in folded:
        folded = folded.replace("’", "'").replace("`", "'")
    out: list[Clause] = []
    for chunk in _CLAUSE_END.split(folded):
        words = words_of(chunk, grammar.expansions)
        if words:
            scopes = negation_scopes(words, grammar)
            negated = not grammar.negations.isdisjoint(words)
            out.append(Clause(tuple(words), tuple(scopes), negated))
    return out


def negation_scopes(words: list[str], grammar: Grammar) -> list[int]:
    """For each word, the position of the negation word that reaches it (or -1)."""
    negated = [-1] * len(words)
    cues, pseudo = grammar.negations, grammar.not_negating
    count = len(words)
    for i, word in enumerate(words):
        if word in cues and not (i + 1 < count and (word, words[i + 1]) in pseudo):
            for j in range(i + 1, min(count, i + 1 + grammar.reach)):
                following = words[j]
                if following in grammar.scope_ends and j > i + 1:
                    break  # (right after the negation it is part of it: "not because of …")
                if negated[j] < 0:
                    negated[j] = i
                if following in grammar.attitude_verbs:
                    break  # "don't like the rain": the liking is negated, the rain is named
        if word in grammar.post_negations and i > 0 and negated[i - 1] < 0:
            negated[i - 1] = i  # "j'oublie pas"
    return negated
