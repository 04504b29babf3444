"""Word forms: Snowball stems plus the irregular forms stems can't relate."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import snowballstemmer  # on PyStemmer (compiled) when installed, as it is with this package

from bot.analysis.languages import language


@cache
def _stemmer(name: str) -> Callable[[str], str]:
    # Stemmers are compiled into the library: making one takes microseconds.
    stem: Callable[[str], str] = snowballstemmer.stemmer(name).stemWord
    return stem


class Morphology:
    """The base of a word in one language: "forgot", "forgetting" → "forget"; "olvidé" → "olvid"."""

    def __init__(self, code: str) -> None:
        self.code = code
        lang = language(code)
        self._irregular = lang.irregular
        self._stem = _stemmer(lang.stemmer) if lang.stemmer else None
        # Spanish stem-changing verbs: "recuerdo" / "recordar", "cuesta" / "costar".
        self._diphthongs = code == "es"
        self._cache: dict[str, str] = {}

    def base(self, word: str) -> str:
        """The dictionary form of an irregular word, else the word itself."""
        return self._irregular.get(word, word)

    def key(self, word: str) -> str:
        """What two forms of one word have in common (their stem)."""
        found = self._cache.get(word)
        if found is None:
            found = self._irregular.get(word, word)
            if self._stem is not None:
                found = self._stem(found)
            if self._diphthongs:
                found = found.replace("ue", "o").replace("ie", "e")
            if len(self._cache) < 100_000:
                self._cache[word] = found
        return found
