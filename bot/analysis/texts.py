"""Open answers coded once per distinct text: a study repeats many answers word for word."""

from __future__ import annotations

from collections.abc import Iterable

from bot.analysis.answer_words import is_filler
from bot.analysis.coding import Coder
from bot.analysis.tally import Tally

CACHE_MAX = 200_000  # distinct (question, language, text) entries; beyond it, start afresh
# A question's set of themes, its tally combination (-1 for none) and its (question, theme) pairs.
ThemeSet = tuple[frozenset[str], int, tuple[tuple[str, str], ...]]


class OpenText:
    """One open answer's text, coded, with what the pass has already done for it."""

    __slots__ = (
        "before",
        "blank",
        "combo",
        "filler",
        "language",
        "pairs",
        "question_id",
        "quoted",
        "text",
        "themes",
        "uncoded",
    )

    def __init__(
        self, question_id: str, text: str, theme_set: ThemeSet, reviewed: bool,
        language: str | None = None,
    ) -> None:  # fmt: skip
        self.question_id = question_id
        self.language = language or ""
        self.text = text
        self.themes, self.combo, self.pairs = theme_set
        self.blank = not text.strip()
        self.uncoded = not self.themes and not reviewed and not self.blank
        # An uncoded non-answer ("idk", "nada") hides no theme: saturation leaves it out.
        self.filler = self.uncoded and is_filler(text, language)
        self.before = False  # its themes are already among those before the saturation window
        self.quoted: set[str] = set()  # groups for which every theme already has its quotes


class TextCodes:
    """Codes open answers for the pass, caching each distinct text of a question and language."""

    def __init__(self, coder: Coder, tally: Tally) -> None:
        self.coder, self.tally = coder, tally
        # (question, language) → text → its coding; the pass looks texts up itself, in bulk.
        self.cache: dict[tuple[str, str], dict[str, OpenText]] = {}
        self._size = 0
        # Far fewer sets of themes than texts: each is worked out once.
        self._sets: dict[tuple[str, frozenset[str]], ThemeSet] = {}

    def theme_set(self, question_id: str, themes: frozenset[str]) -> ThemeSet:
        """The shared description of these themes of a question."""
        found = self._sets.get((question_id, themes))
        if found is None:
            ordered = sorted(themes)
            combo = self.tally.combo(question_id, ordered) if themes else -1
            found = (themes, combo, tuple((question_id, t) for t in ordered))
            self._sets[(question_id, themes)] = found
        return found

    def code(self, question_id: str, language: str, text: str) -> OpenText:
        """Code a text not yet in the cache, and cache it."""
        if self._size >= CACHE_MAX:
            # Bounded memory for studies of many distinct answers; the flags it drops are only
            # shortcuts, so starting afresh changes no result.
            for table in self.cache.values():
                table.clear()
            self._size = 0
        themes = self.coder.automatic(question_id, text, language)
        code = OpenText(
            question_id, text, self.theme_set(question_id, themes), reviewed=False,
            language=language,
        )  # fmt: skip
        self.cache.setdefault((question_id, language), {})[text] = code
        self._size += 1
        return code

    def reviewed(
        self, question_id: str, text: str, themes: Iterable[str], language: str = ""
    ) -> OpenText:
        """A text a researcher has coded by hand (never cached: the override is per answer)."""
        return OpenText(
            question_id, text, self.theme_set(question_id, frozenset(themes)), reviewed=True,
            language=language or None,
        )  # fmt: skip

    def quote(self, code: OpenText, group: str, position: int = -1) -> None:
        """Offer the text as a quote for each of its themes; remember when none takes more."""
        room = False
        for theme in code.themes:
            room |= self.tally.quote(
                code.question_id, theme, group, code.text, position, code.language
            )
        if not room:
            code.quoted.add(group)
