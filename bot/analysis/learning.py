"""Learning from the researcher's review: reviewed answers become examples for the rest.

Two suggestions, both checked by the researcher before anything changes:
- per theme, keywords the codebook misses: words of reviewed answers that carry the theme but that
  automatic coding missed, which the real matcher (negation, morphology and all) would have found
  there and which no reviewed answer without the theme contains;
- per answer, themes of its most similar reviewed answers (TF-IDF over letter n-grams, which
  tolerates typos and inflections in any language; nearest neighbours by cosine similarity).
Nothing is downloaded: scikit-learn fits on the study's own answers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz.distance import OSA
from threadpoolctl import threadpool_limits

from bot.analysis.answer_words import answer_words, tokens
from bot.analysis.duplicates import negations
from bot.analysis.matching import Features, Matcher, ThemeKeywords

NEIGHBOURS = 5
MIN_SIMILARITY = 0.35  # cosine similarity below which a reviewed answer is no example
MIN_SHARE = 0.5  # share of the neighbours' similarity that must carry a theme to suggest it
MIN_KEYWORD_LETTERS = 3
KEYWORDS_PER_THEME = 3


@dataclass(frozen=True)
class Example:
    """A reviewed answer: what it said, in which interview language, and its two codings."""

    text: str
    language: str
    automatic: frozenset[str]
    reviewed: frozenset[str]


@dataclass(frozen=True)
class KeywordSuggestion:
    """A keyword the codebook misses for a theme, with the evidence for it."""

    theme: str
    language: str
    keyword: str
    finds: int  # reviewed answers with the theme that automatic coding missed and it would find
    examples: tuple[str, ...]  # a few of those answers


@dataclass(frozen=True)
class ThemeSuggestion:
    """A theme suggested for an answer, how strongly, and the reviewed answer most like it."""

    theme: str
    score: float  # share of the similar reviewed answers' weight that carries the theme
    like: str


def suggest_keywords(
    examples: Sequence[Example],
    codebook: Sequence[ThemeKeywords],
    languages: Iterable[str] = (),
    *,
    features: Features | None = None,
    per_theme: int = KEYWORDS_PER_THEME,
) -> list[KeywordSuggestion]:
    """Keywords that would find a theme in reviewed answers where automatic coding missed it.

    A candidate must find at least one missed answer and no reviewed answer without the theme
    (as coded by the real matcher, so negations and word forms behave as they will).
    """
    languages = list(languages)
    known = {t.id: t for t in codebook}
    out: list[KeywordSuggestion] = []
    for theme in known.values():
        missed = [e for e in examples if theme.id in e.reviewed and theme.id not in e.automatic]
        if not missed:
            continue
        written = _candidates(missed, theme)
        candidates = list(written)
        if not candidates:
            continue
        # One matcher over every candidate at once: candidate i is "theme" str(i).
        trial = Matcher(
            [ThemeKeywords(str(i), {lang: [kw]}, theme.exclude, theme.negated)
             for i, (lang, kw) in enumerate(candidates)],
            languages, features or Features(),
        )  # fmt: skip
        finds: Counter[int] = Counter()
        wrong: set[int] = set()
        found_in: dict[int, list[str]] = {}
        for example in examples:
            hits = {int(i) for i in trial.themes(example.text, example.language)}
            if theme.id not in example.reviewed:
                wrong |= hits
            elif theme.id not in example.automatic:
                for i in hits:
                    finds[i] += 1
                    found_in.setdefault(i, []).append(example.text)
        ranked = sorted(
            (i for i in finds if i not in wrong),
            key=lambda i: (-finds[i], -len(candidates[i][1].split()), -written[candidates[i]],
                           candidates[i][1]),
        )  # fmt: skip
        taken: set[str] = set()
        for i in ranked:
            lang, keyword = candidates[i]
            covered = frozenset(found_in[i])
            if len(taken) >= per_theme or any(_overlaps(keyword, t) for t in taken):
                continue
            taken.add(keyword)
            out.append(KeywordSuggestion(theme.id, lang, keyword, finds[i],
                                         tuple(sorted(covered)[:3])))  # fmt: skip
    return out


def _candidates(missed: Sequence[Example], theme: ThemeKeywords) -> Counter[tuple[str, str]]:
    """(language, word or two-word phrase) from the missed answers, not already keywords, with
    how often each is written so."""
    have = {(lang, kw.casefold()) for lang, kws in theme.keywords.items() for kw in kws}
    seen: Counter[tuple[str, str]] = Counter()
    for example in missed:
        words = answer_words(example.text, example.language)
        lang = words.language or example.language
        written = [w.written for w in words.words]
        for i, word in enumerate(written):
            if len(word) >= MIN_KEYWORD_LETTERS:
                seen[(lang, word)] += 1
            if i and words.adjacent[i]:
                seen[(lang, f"{written[i - 1]} {word}")] += 1
    for known in have:
        seen.pop(known, None)
    return seen


def _overlaps(keyword: str, taken: str) -> bool:
    """Whether a keyword says what a chosen one says: inside it, or a misspelling of it."""
    if keyword in taken or taken in keyword:
        return True
    return min(len(keyword), len(taken)) >= 4 and OSA.distance(keyword, taken, score_cutoff=2) <= 2


class Neighbours:
    """Themes for answers from their most similar reviewed answers of the same question."""

    def __init__(self, examples: Sequence[tuple[str, frozenset[str]]]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.examples = [(t, themes) for t, themes in examples if t.strip()]
        self._vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, strip_accents="unicode",
            lowercase=True,
        )  # fmt: skip
        self._matrix = (
            self._vectorizer.fit_transform([t for t, _ in self.examples]) if self.examples else None
        )
        self._negated = [_negated(t) for t, _ in self.examples]

    def suggest(
        self,
        texts: Sequence[str],
        *,
        k: int = NEIGHBOURS,
        min_similarity: float = MIN_SIMILARITY,
        min_share: float = MIN_SHARE,
    ) -> list[list[ThemeSuggestion]]:
        """For each text, the themes its similar reviewed answers carry, strongest first."""
        if self._matrix is None or not texts:
            return [[] for _ in texts]
        with threadpool_limits(1):  # a small machine shared with the bot: one core is plenty
            similarity = (self._vectorizer.transform(texts) @ self._matrix.T).toarray()
        out = []
        negated = [_negated(t) for t in texts]
        for n, row in enumerate(similarity):
            # "I never forget them" looks like "I forget them" letter by letter: a neighbour
            # counts only if it is negated alike.
            near = [int(i) for i in np.argsort(-row)[:k]
                    if row[i] >= min_similarity and self._negated[i] == negated[n]]  # fmt: skip
            total = float(sum(row[i] for i in near))
            weight: dict[str, float] = {}
            like: dict[str, str] = {}
            for i in near:
                text, themes = self.examples[i]
                for theme in themes:
                    weight[theme] = weight.get(theme, 0.0) + float(row[i])
                    like.setdefault(theme, text)
            out.append(sorted(
                (ThemeSuggestion(t, w / total, like[t]) for t, w in weight.items()
                 if total and w / total >= min_share),
                key=lambda s: (-s.score, s.theme),
            ))  # fmt: skip
        return out


def _negated(text: str) -> bool:
    """Whether a text holds a negation word of any language the matcher knows."""
    return any(folded in negations() for _, folded in tokens(text))


def with_keywords(
    codebook: Sequence[ThemeKeywords], added: Mapping[str, Iterable[tuple[str, str]]]
) -> list[ThemeKeywords]:
    """The codebook with accepted keywords added: theme → (language, keyword) pairs."""
    out = []
    for theme in codebook:
        keywords = {lang: list(kws) for lang, kws in theme.keywords.items()}
        for lang, keyword in added.get(theme.id, ()):
            if keyword not in keywords.setdefault(lang, []):
                keywords[lang].append(keyword)
        out.append(ThemeKeywords(theme.id, keywords, theme.exclude, theme.negated))
    return out
