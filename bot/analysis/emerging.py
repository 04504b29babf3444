"""Candidate new themes: groups of answers the codebook did not match, named in their own words.

Non-answers ("idk", "nada", "bof") are set aside, stop words of each answer's language dropped and
words stemmed (`answer_words`); answers are grouped by the words they share (TF-IDF, cosine,
average-linkage clustering cut at a distance, so a theme is not split to fill a quota of groups);
groups that share their main word are merged; each is labelled with whole words or phrases as
respondents wrote them and shown with a few of its answers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from bot.analysis.answer_words import AnswerWords, answer_words

MIN_ANSWERS = 4  # real answers (not "idk"); fewer, and the researcher reads them directly
MIN_CLUSTER = 2
MAX_ANSWERS = 500  # clustering a sample is enough to suggest themes, and keeps it fast
MAX_THEMES = 12
TERMS = 4
EXAMPLES = 3
DISTANCE = 0.75  # cosine distance at which groups stop merging (1 = nothing in common)
BACKGROUND = 0.2  # a word in more of its language's answers than this joins no two groups

Feature = str  # a stem, or two adjacent stems joined by a space


@dataclass(frozen=True)
class EmergingTheme:
    """A group of similar uncoded answers: a theme the codebook may be missing."""

    question: str
    size: int
    terms: tuple[str, ...]  # whole words or phrases as respondents wrote them, most telling first
    examples: tuple[str, ...]

    @property
    def label(self) -> str:
        """A suggested label from the top terms."""
        return " / ".join(self.terms[:2])


def emerging_themes(
    question_id: str,
    texts: Sequence[str],
    *,
    languages: Sequence[str | None] | None = None,
    seed: int = 0,
) -> list[EmergingTheme]:
    """Group uncoded answers into candidate themes; [] when there are too few real answers.

    `languages` (one per text, e.g. the interview's) only breaks ties when guessing an answer's
    language. Repeats stay: many people giving the same answer is what makes a theme.
    """
    hints = list(languages) if languages is not None else [None] * len(texts)
    kept = [(t.strip(), h) for t, h in zip(texts, hints, strict=True) if t.strip()][:MAX_ANSWERS]
    seen: dict[tuple[str, str | None], AnswerWords] = {}  # the same answers come again and again

    def read(text: str, hint: str | None) -> AnswerWords:
        found = seen.get((text, hint))
        if found is None:
            found = seen[(text, hint)] = answer_words(text, hint)
        return found

    analysed = [(text, read(text, hint)) for text, hint in kept]
    # An answer too short to tell its language is most likely in the language most others use.
    usual = Counter(w.language for _, w in analysed if w.language).most_common(1)
    if usual:
        analysed = [
            (text, words if hint else read(text, usual[0][0]))
            for (text, words), (_, hint) in zip(analysed, kept, strict=True)
        ]
    answers = [(text, words) for text, words in analysed if not words.filler]
    if len(answers) < MIN_ANSWERS:
        return []
    features = [_features(words) for _, words in answers]
    shares = _shares(features, [words.language for _, words in answers])
    # One thread: on a busy small machine OpenMP is many times slower with threads contending.
    with threadpool_limits(1):
        groups = _groups(features, shares)
    themes = [_theme(question_id, [answers[i] for i in g], [features[i] for i in g]) for g in groups]
    return sorted(themes, key=lambda t: (-t.size, t.terms))[:MAX_THEMES]


def _features(words: AnswerWords) -> list[Feature]:
    """Stems, and pairs of stems written side by side ("bike lane", "lavabo lejos")."""
    stems = [w.stem for w in words.words]
    pairs = [
        f"{a} {b}"
        for a, b, next_to in zip(stems, stems[1:], words.adjacent[1:], strict=False)
        if next_to
    ]
    return list(dict.fromkeys(stems + pairs))


def _shares(features: list[list[Feature]], languages: list[str | None]) -> dict[Feature, float]:
    """Per word, the share of the answers in its language that use it (the largest, if several)."""
    answers = Counter(languages)
    said = Counter((lang, f) for fs, lang in zip(features, languages, strict=True)
                   for f in fs if " " not in f)  # fmt: skip
    shares: dict[Feature, float] = {}
    for (lang, feature), n in said.items():
        shares[feature] = max(shares.get(feature, 0.0), n / answers[lang])
    return shares


def _groups(features: list[list[Feature]], shares: dict[Feature, float]) -> list[list[int]]:
    """Indices of the answers in each group of at least MIN_CLUSTER, near-duplicates merged."""
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    # No upper bound on how many answers a word is in: when the uncoded answers are all about
    # one thing, that thing is the theme.
    vectorizer = TfidfVectorizer(analyzer=_identity, min_df=2, sublinear_tf=True)
    try:
        matrix = vectorizer.fit_transform(features)
    except ValueError:  # no word is shared by two answers: nothing to group by
        return []
    rows = np.flatnonzero(np.asarray(matrix.sum(axis=1)).ravel() > 0)
    if len(rows) < MIN_CLUSTER:
        return []
    dense = matrix[rows].toarray()
    if len(rows) == MIN_CLUSTER:
        labels = np.zeros(len(rows), np.int64)
    else:
        labels = AgglomerativeClustering(
            n_clusters=None, metric="cosine", linkage="average", distance_threshold=DISTANCE
        ).fit_predict(dense)
    groups = [rows[labels == k].tolist() for k in np.unique(labels)]
    # A group needs different answers: one answer repeated is not yet a theme with examples.
    groups = [g for g in groups if len({tuple(features[i]) for i in g}) >= MIN_CLUSTER]
    return _merged(groups, features, shares)


def _identity(features: list[Feature]) -> list[Feature]:
    return features


def _merged(
    groups: list[list[int]], features: list[list[Feature]], shares: dict[Feature, float]
) -> list[list[int]]:
    """Near-duplicate groups as one: one group's main word is said by most of the other's.

    Words that many answers in their language use join nothing.
    """
    background = {f for f, share in shares.items() if share > BACKGROUND}
    mains, frequent = [], []
    for group in groups:
        counts = Counter(f for i in group for f in features[i] if " " not in f)
        ranked = sorted(counts, key=lambda f: (f in background, -counts[f], f))
        mains.append(ranked[0] if ranked and ranked[0] not in background else None)
        frequent.append({f for f, n in counts.items() if 2 * n >= len(group)} - background)
    parent = list(range(len(groups)))

    def root(k: int) -> int:
        while parent[k] != k:
            k = parent[k]
        return k

    for a in range(len(groups)):
        for b in range(a + 1, len(groups)):
            if mains[a] in frequent[b] or mains[b] in frequent[a]:
                parent[root(b)] = root(a)
    merged: dict[int, list[int]] = {}
    for k, group in enumerate(groups):
        merged.setdefault(root(k), []).extend(group)
    return list(merged.values())


def _theme(
    question_id: str, members: list[tuple[str, AnswerWords]], features: list[list[Feature]]
) -> EmergingTheme:
    """Label a group with its most shared words as written, and pick answers that show them."""
    written: dict[Feature, Counter[str]] = {}
    for _, words in members:
        stems = [w.stem for w in words.words]
        for k, word in enumerate(words.words):
            written.setdefault(word.stem, Counter())[word.written] += 1
            if k and words.adjacent[k]:
                pair = f"{stems[k - 1]} {word.stem}"
                written.setdefault(pair, Counter())[f"{words.words[k - 1].written} {word.written}"] += 1
    counts = Counter(f for fs in features for f in fs)
    ranked = sorted(counts, key=lambda f: (-counts[f], " " in f, f))
    terms: list[str] = []
    covered: set[str] = set()
    for feature in ranked:
        if (counts[feature] < 2 and terms) or len(terms) >= TERMS:
            break
        stems = feature.split()
        if set(stems) <= covered:
            continue  # "bags" after "free bags": nothing new
        terms.append(written[feature].most_common(1)[0][0])
        covered.update(stems)
    return EmergingTheme(question_id, len(members), tuple(terms), _examples(members, terms))


def _examples(members: list[tuple[str, AnswerWords]], terms: list[str]) -> tuple[str, ...]:
    """Distinct answers holding the most label words, shortest first among equals."""
    label = {w for term in terms[:2] for w in term.split()}

    def shows(member: tuple[str, AnswerWords]) -> tuple[int, int]:
        said = {w.written for w in member[1].words}
        return (-len(label & said), len(member[0]))

    ordered = dict.fromkeys(text for text, _ in sorted(members, key=shows))
    return tuple(ordered)[:EXAMPLES]


def emerging_by_question(
    uncoded: Mapping[str, Sequence[str]],
    languages: Mapping[str, Sequence[str | None]] | None = None,
) -> list[EmergingTheme]:
    """Candidate themes for every question with uncoded answers."""
    return [
        theme
        for q, texts in uncoded.items()
        for theme in emerging_themes(q, texts, languages=(languages or {}).get(q))
    ]


__all__ = ["EmergingTheme", "emerging_by_question", "emerging_themes"]
