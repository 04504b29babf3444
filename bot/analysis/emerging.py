"""Candidate new themes: clusters of answers the codebook did not match, with suggested keywords."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from bot.script.normalize import fold

MIN_ANSWERS = 6  # below this there is nothing to cluster; the researcher reads them directly
MIN_CLUSTER = 2
MAX_ANSWERS = 500  # clustering a sample is enough to suggest themes, and keeps it fast
MAX_K = 8
TERMS = 4
EXAMPLES = 3


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
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import silhouette_score

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
    best: tuple[float, np.ndarray, np.ndarray] | None = None
    # More clusters than distinct answers cannot be formed (k-means would warn and duplicate).
    most = min(MAX_K, len(kept) // MIN_CLUSTER - 1, len(set(kept)) - 1)
    for k in range(2, most + 1):
        model = KMeans(n_clusters=k, random_state=seed, n_init=3).fit(matrix)
        if len(set(model.labels_)) < 2:
            continue
        score = float(silhouette_score(matrix, model.labels_, metric="cosine", random_state=seed))
        if best is None or score > best[0]:
            best = (score, model.labels_, model.cluster_centers_)
    if best is None:
        return []
    _, labels, centres = best
    terms = vectorizer.get_feature_names_out()
    themes = []
    for cluster, centre in enumerate(centres):
        members = np.flatnonzero(labels == cluster)
        if len(members) < MIN_CLUSTER:
            continue
        top = [str(terms[i]) for i in np.argsort(-centre)[:TERMS] if centre[i] > 0]
        closeness = matrix[members] @ centre
        nearest = members[np.argsort(-np.asarray(closeness).ravel(), kind="stable")]
        examples = tuple(dict.fromkeys(kept[i] for i in nearest))[:EXAMPLES]
        themes.append(EmergingTheme(question_id, len(members), tuple(top), examples))
    return sorted(themes, key=lambda t: (-t.size, t.terms))


def emerging_by_question(uncoded: Mapping[str, Sequence[str]]) -> list[EmergingTheme]:
    """Candidate themes for every question with uncoded answers."""
    return [theme for q, texts in uncoded.items() for theme in emerging_themes(q, texts)]
