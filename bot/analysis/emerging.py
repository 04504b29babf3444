"""Candidate new themes: clusters of answers the codebook did not match, with suggested keywords."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from bot.script.normalize import fold

MIN_ANSWERS = 6  # below this there is nothing to cluster; the researcher reads them directly
MIN_CLUSTER = 2
MAX_ANSWERS = 500  # clustering a sample is enough to suggest themes, and keeps it fast
MAX_K = 8
TERMS = 4
EXAMPLES = 3
DIMENSIONS = 20


@dataclass(frozen=True)
class EmergingTheme:
    """A group of similar uncoded answers: a theme the codebook may be missing."""

    question: str
    size: int
    terms: tuple[str, ...]
    examples: tuple[str, ...]

    @property
    def label(self) -> str:
        """A suggested label from the top terms."""
        return " / ".join(self.terms[:2])


def emerging_themes(
    question_id: str, texts: Sequence[str], *, seed: int = 0
) -> list[EmergingTheme]:
    """Cluster uncoded answers (TF-IDF + k-means, k by silhouette); [] when there are too few."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    # Repeats stay: many people giving the same answer is exactly what makes a theme.
    texts = [t.strip() for t in texts if t.strip()][:MAX_ANSWERS]
    if len(texts) < MIN_ANSWERS:
        return []
    vectorizer = TfidfVectorizer(
        preprocessor=fold,
        token_pattern=r"(?u)\b\w\w\w+\b",
        stop_words="english",
        min_df=2,
        max_df=0.7,
        ngram_range=(1, 2),
        sublinear_tf=True,
    )
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # no term appears twice: nothing shared to group by
        return []
    keep = np.asarray(matrix.sum(axis=1)).ravel() > 0
    if keep.sum() < MIN_ANSWERS:
        return []
    matrix = matrix[keep]
    kept = [t for t, k in zip(texts, keep, strict=True) if k]
    # One thread: on a busy small machine OpenMP k-means is 20x slower with threads contending.
    with threadpool_limits(1):
        return _clusters(question_id, vectorizer, matrix, kept, seed)


def _clusters(
    question_id: str, vectorizer: Any, matrix: Any, kept: list[str], seed: int
) -> list[EmergingTheme]:
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    points = _reduced(matrix, seed)
    best: tuple[float, np.ndarray] | None = None
    # More clusters than distinct answers cannot be formed (k-means would warn and duplicate).
    most = min(MAX_K, len(kept) // MIN_CLUSTER - 1, len(set(kept)) - 1)
    for k in range(2, most + 1):
        labels = KMeans(n_clusters=k, random_state=seed, n_init=2).fit_predict(points)
        if len(set(labels)) < 2:
            continue
        score = float(silhouette_score(points, labels, metric="cosine", random_state=seed))
        if best is None or score > best[0]:
            best = (score, labels)
    if best is None:
        return []
    labels = best[1]
    terms = vectorizer.get_feature_names_out()
    themes = []
    for cluster in sorted(set(labels)):
        members = np.flatnonzero(labels == cluster)
        if len(members) < MIN_CLUSTER:
            continue
        centre = np.asarray(matrix[members].mean(axis=0)).ravel()
        top = [str(terms[i]) for i in np.argsort(-centre)[:TERMS] if centre[i] > 0]
        closeness = matrix[members] @ centre
        nearest = members[np.argsort(-np.asarray(closeness).ravel(), kind="stable")]
        examples = tuple(dict.fromkeys(kept[i] for i in nearest))[:EXAMPLES]
        themes.append(EmergingTheme(question_id, len(members), tuple(top), examples))
    return sorted(themes, key=lambda t: (-t.size, t.terms))


def _reduced(matrix: Any, seed: int) -> np.ndarray:
    """Answers as a few dense, unit-length LSA dimensions: k-means is then fast and stable."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    if matrix.shape[1] <= DIMENSIONS + 1:
        return np.asarray(normalize(matrix).toarray())
    reduced = TruncatedSVD(n_components=DIMENSIONS, random_state=seed).fit_transform(matrix)
    return np.asarray(normalize(reduced))


def emerging_by_question(uncoded: Mapping[str, Sequence[str]]) -> list[EmergingTheme]:
    """Candidate themes for every question with uncoded answers."""
    return [theme for q, texts in uncoded.items() for theme in emerging_themes(q, texts)]
