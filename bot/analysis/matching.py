"""The keyword matcher: a codebook's keywords, in every language, found in an answer's clauses.

A keyword is one or more words; each word matches an answer's word by its form (the same word, or
with morphology the same stem), by a `*` prefix, or within a small typo. A phrase's words come in
order within one clause, with at most `Features.gap` other words between them. A match that a
negation reaches ("I never forget") is not a mention, unless the keyword holds the negation itself
("don't have time") or its theme says `negated: also` / `only`. An `exclude:` keyword that overlaps
a match cancels it ("free time" for a theme keyed on "free").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum

from rapidfuzz.distance import OSA

from bot.analysis.languages import function_word_languages, language
from bot.analysis.morphology import Morphology
from bot.analysis.tokens import Clause, Grammar, clauses, words_of
from bot.script.normalize import fold

_CACHE_MAX = 100_000  # distinct words remembered per matcher; beyond it, start afresh
_SHORT_STEM = 4  # stems shorter than this match only words that start with the keyword


@dataclass(frozen=True)
class Features:
    """Which of the matcher's abilities are on (all by default; the benchmark turns them on in turn)."""

    morphology: bool = True  # stems and irregular forms; wildcards that stop at other words
    gap: int = 2  # other words allowed between the words of a phrase
    negation: bool = True
    typos: bool = True
    all_languages: bool = True  # every language's keywords on every answer
    exclude: bool = True


ALL = Features()
PLAIN = Features(
    morphology=False, gap=0, negation=False, typos=False, all_languages=False, exclude=False
)
# The features in the order the benchmark adds them.
STEPS: tuple[tuple[str, Features], ...] = (
    ("plain keywords", PLAIN),
    ("+ morphology", replace(PLAIN, morphology=True)),
    ("+ phrase gaps", replace(PLAIN, morphology=True, gap=ALL.gap)),
    ("+ negation", replace(PLAIN, morphology=True, gap=ALL.gap, negation=True)),
    ("+ typos", replace(ALL, all_languages=False, exclude=False)),
    ("+ every language", replace(ALL, exclude=False)),
    ("+ exclude", ALL),
)


class Kind(Enum):
    """How one word of a keyword matches."""

    word = "word"  # the word (with morphology: any form of it)
    prefix = "prefix"  # `danger*`: words starting so, not running into another word
    open_prefix = "open_prefix"  # `danger**`: any word starting so
    negation = "negation"  # a negation word inside a keyword matches any negation word


@dataclass(frozen=True)
class ThemeKeywords:
    """One theme's keywords per language, as the matcher needs them."""

    id: str
    keywords: Mapping[str, Sequence[str]]
    exclude: Mapping[str, Sequence[str]] = field(default_factory=dict)
    negated: str = "ignore"  # ignore | also | only


@dataclass(frozen=True, slots=True)
class _Word:
    language: str
    text: str
    kind: Kind


@dataclass(frozen=True, slots=True)
class _Keyword:
    words: tuple[int, ...]  # ids of _Word
    theme: str
    language: str
    exclude: bool


class Matcher:
    """Every keyword of one codebook, in every language; build once, then code many texts."""

    def __init__(
        self,
        themes: Iterable[ThemeKeywords],
        languages: Iterable[str] = (),
        features: Features = ALL,
    ) -> None:
        themes = list(themes)
        self.features = features
        self._negated = {t.id: t.negated for t in themes}
        keyword_langs = {lang for t in themes for lang in (*t.keywords, *t.exclude)}
        self.languages = frozenset(keyword_langs)
        everyone = sorted(self.languages | set(languages))
        self._grammar = Grammar.of(language(code) for code in everyone)
        self._function_words = function_word_languages(everyone)
        self._morph = {code: Morphology(code) for code in sorted(self.languages)}
        self._words: list[_Word] = []
        self._word_ids: dict[_Word, int] = {}
        self._keywords: list[_Keyword] = []
        for theme in themes:
            for lang, keywords in theme.keywords.items():
                for keyword in keywords:
                    self._add(keyword, theme.id, lang, exclude=False)
            if features.exclude:
                for lang, keywords in theme.exclude.items():
                    for keyword in keywords:
                        self._add(keyword, theme.id, lang, exclude=True)
        self._index()
        self._seen: dict[str, frozenset[int]] = {}

    # -- building ------------------------------------------------------------------------------

    def _add(self, keyword: str, theme: str, lang: str, *, exclude: bool) -> None:
        ids: list[int] = []
        for word in parse_keyword(keyword, self._grammar):
            text, kind = word
            if kind == Kind.negation and not self.features.negation:
                kind = Kind.word
            spec = _Word(lang, text, kind)
            if spec not in self._word_ids:
                self._word_ids[spec] = len(self._words)
                self._words.append(spec)
            ids.append(self._word_ids[spec])
        if ids:
            self._keywords.append(_Keyword(tuple(ids), theme, lang, exclude))

    def _index(self) -> None:
        self._starting: dict[int, list[_Keyword]] = {}
        for keyword in self._keywords:
            self._starting.setdefault(keyword.words[0], []).append(keyword)
        self._exact: dict[str, list[int]] = {}
        self._stems: dict[tuple[str, str], list[int]] = {}
        self._prefixes: list[tuple[int, _Word]] = []
        self._negation_words: list[int] = []
        self._typo_words: dict[str, list[tuple[int, _Word]]] = {}
        self._short: set[int] = set()
        for i, word in enumerate(self._words):
            if word.kind == Kind.negation:
                self._negation_words.append(i)
                continue
            if word.kind == Kind.word:
                self._exact.setdefault(word.text, []).append(i)
                if self.features.morphology:
                    key = self._morph[word.language].key(word.text)
                    self._stems.setdefault((word.language, key), []).append(i)
                    if len(key) < _SHORT_STEM:
                        self._short.add(i)
            else:
                self._prefixes.append((i, word))
            if len(word.text) >= 4:
                self._typo_words.setdefault(word.text[0], []).append((i, word))

    # -- matching ------------------------------------------------------------------------------

    def themes(self, text: str, language: str) -> frozenset[str]:
        """The themes an answer mentions, given the language the interview was in."""
        found: set[str] = set()
        parts = clauses(text, self._grammar)
        if not self.features.all_languages:
            allowed = frozenset({language}) if language in self.languages else self.languages
            for clause in parts:
                found |= self._clause_themes(clause, allowed)
            return frozenset(found)
        # Every language's keywords are tried, except on a clause clearly in one of the keyword
        # languages (by its function words; a short clause goes by the whole answer): it gets
        # that language's keywords only, so "wait a sec" is not the French "sec" (dry).
        if len(self.languages) <= 1:
            for clause in parts:
                found |= self._clause_themes(clause, self.languages)
            return frozenset(found)
        votes = [self._votes(clause.words) for clause in parts]
        whole: dict[str, int] = {}
        for vote in votes:
            for lang, count in vote.items():
                whole[lang] = whole.get(lang, 0) + count
        fallback = self._clear_language(whole)
        for clause, vote in zip(parts, votes, strict=True):
            clear = self._clear_language(vote) or fallback
            found |= self._clause_themes(
                clause, frozenset({clear}) if clear is not None else self.languages
            )
        return frozenset(found)

    def _votes(self, words: Sequence[str]) -> dict[str, int]:
        """How many of these words are function words of each language."""
        votes: dict[str, int] = {}
        for word in words:
            for code in self._function_words.get(word, ()):
                votes[code] = votes.get(code, 0) + 1
        return votes

    def _clear_language(self, votes: Mapping[str, int]) -> str | None:
        """The keyword language whose function words clearly dominate, if any."""
        if not votes:
            return None
        ranked = sorted(votes.values(), reverse=True)
        best = max(votes, key=votes.__getitem__)
        margin = ranked[0] - (ranked[1] if len(ranked) > 1 else 0)
        return best if best in self.languages and margin >= 2 else None

    def _clause_themes(self, clause: Clause, allowed: frozenset[str]) -> set[str]:
        words = clause.words
        matched = [self._matches(word) for word in words]
        if not any(matched):
            return set()
        hits: list[tuple[_Keyword, tuple[int, ...]]] = []
        for start, ids in enumerate(matched):
            for word_id in ids:
                for keyword in self._starting.get(word_id, ()):
                    if keyword.language not in allowed:
                        continue
                    positions = self._extend(keyword, start, matched)
                    if positions is not None:
                        hits.append((keyword, positions))
        excluded: dict[str, set[int]] = {}
        for keyword, positions in hits:
            if keyword.exclude:
                excluded.setdefault(keyword.theme, set()).update(positions)
        found: set[str] = set()
        for keyword, positions in hits:
            if keyword.exclude or keyword.theme in found:
                continue
            if excluded and not excluded.get(keyword.theme, set()).isdisjoint(positions):
                continue
            if self._counts(keyword, positions, clause):
                found.add(keyword.theme)
        return found

    def _extend(
        self, keyword: _Keyword, start: int, matched: list[frozenset[int]]
    ) -> tuple[int, ...] | None:
        positions = [start]
        last = start
        for word_id in keyword.words[1:]:
            for at in range(last + 1, min(len(matched), last + 2 + self.features.gap)):
                if word_id in matched[at]:
                    positions.append(at)
                    last = at
                    break
            else:
                return None
        return tuple(positions)

    def _counts(self, keyword: _Keyword, positions: tuple[int, ...], clause: Clause) -> bool:
        """Whether a match is a mention, given the negations around it and the theme's rule."""
        if not self.features.negation:
            return True
        rule = self._negated.get(keyword.theme, "ignore")
        if rule == "also":
            return True
        if not clause.negated:
            return rule != "only"
        cues = self._grammar.negations
        if any(clause.words[at] in cues for at in positions):
            # The keyword holds its negation ("don't have time"; "ne … jamais" is one negation).
            negated = False
        else:
            negated = any(clause.negated_by[at] >= 0 for at in positions)
        return negated if rule == "only" else not negated

    def _matches(self, word: str) -> frozenset[int]:
        """The ids of the keyword words this answer word matches (cached per distinct word)."""
        found = self._seen.get(word)
        if found is None:
            found = frozenset(self._compute(word))
            if len(self._seen) >= _CACHE_MAX:
                self._seen.clear()
            self._seen[word] = found
        return found

    def _compute(self, word: str) -> set[int]:
        found: set[int] = set(self._exact.get(word, ()))
        morphology = self.features.morphology
        if morphology:
            for code, morph in self._morph.items():
                for i in self._stems.get((code, morph.key(word)), ()):
                    # A stem this short joins unrelated words (Spanish "como", "comida" → "com"):
                    # then the word must start with the keyword ("cars" for "car").
                    if i not in self._short or word.startswith(self._words[i].text):
                        found.add(i)
        else:
            for base in _plural_bases(word):
                found.update(i for i in self._exact.get(base, ()) if len(base) >= 3)
        for i, spec in self._prefixes:
            if self._prefix_matches(word, spec):
                found.add(i)
        if word in self._grammar.negations:
            found.update(self._negation_words)
        if not found and self.features.typos and word not in self._function_words:
            found.update(self._typos(word))
        return found

    def _prefix_matches(self, word: str, spec: _Word) -> bool:
        prefix = spec.text
        if spec.kind == Kind.open_prefix or not self.features.morphology:
            return word.startswith(prefix)
        morph = self._morph[spec.language]
        if len(prefix) <= 3:
            # A stub as short as `car*` would run into "careful", "cargo": its own forms only.
            return morph.key(word) == morph.key(prefix) or word in (prefix, prefix + "s")
        if not word.startswith(prefix):
            return morph.base(word).startswith(prefix)
        rest = word[len(prefix) :]
        return not any(rest.startswith(p) for p in language(spec.language).privative)

    def _typos(self, word: str) -> set[int]:
        """Keyword words this one is a likely typo of: same first letter, one slip (two if long)."""
        found: set[int] = set()
        size = len(word)
        for i, spec in self._typo_words.get(word[0], ()):
            target = spec.text
            if spec.kind != Kind.word:
                word_part = word[: len(target)]
                if len(target) >= 5 and OSA.distance(word_part, target, score_cutoff=1) <= 1:
                    found.add(i)
                continue
            allowed = 2 if len(target) >= 9 else 1
            if abs(size - len(target)) > allowed:
                continue
            distance = OSA.distance(word, target, score_cutoff=allowed)
            if distance > allowed:
                continue
            if len(target) == 4 and sorted(word) != sorted(target):
                continue  # four letters: only two letters swapped ("opne")
            found.add(i)
        return found


def _plural_bases(word: str) -> list[str]:
    """The singulars a plain plural could come from (the matcher without morphology)."""
    bases = []
    if word.endswith("ies"):
        bases.append(word[:-3] + "y")
    if word.endswith("es"):
        bases.append(word[:-2])
    if word.endswith("s"):
        bases.append(word[:-1])
    return bases


def parse_keyword(keyword: str, grammar: Grammar) -> list[tuple[str, Kind]]:
    """A keyword's words and how each matches; "don't have time" → [(not, negation), …]."""
    out: list[tuple[str, Kind]] = []
    for token in keyword.split():
        kind = Kind.word
        if token.endswith("**"):
            kind, token = Kind.open_prefix, token[:-2]
        elif token.endswith("*"):
            kind, token = Kind.prefix, token[:-1]
        pieces = words_of(_fold_keyword(token), grammar.expansions)
        for index, piece in enumerate(pieces):
            last = index == len(pieces) - 1
            if piece in grammar.negations:
                out.append((piece, Kind.negation))
            else:
                out.append((piece, kind if last else Kind.word))
    if all(kind == Kind.negation for _, kind in out):
        # A keyword of negation words only ("none", "nada") means those very words.
        return [(word, Kind.word) for word, _ in out]
    # "do not have time" and "never have time" are the same complaint: an auxiliary right before
    # a negation word is left out, so the keyword starts at the negation.
    return [
        word
        for i, word in enumerate(out)
        if not (
            word[1] == Kind.word
            and i + 1 < len(out)
            and out[i + 1][1] == Kind.negation
            and word[0] in _AUXILIARIES
        )
    ]


_AUXILIARIES = frozenset("do does did is are was were can could will would".split())


def _fold_keyword(token: str) -> str:
    return fold(token).replace("’", "'")
