"""Text folding shared by answer matching and coding: case-, accent- and spacing-insensitive."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"\w+(?:['’]\w+)*")


def fold(text: str) -> str:
    """Lower-case, strip accents and collapse white space ('  Café  Noir' → 'cafe noir')."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.casefold().replace("’", "'").split())


def words(text: str) -> list[str]:
    """The folded words of a text, punctuation dropped."""
    return _WORD.findall(fold(text))
