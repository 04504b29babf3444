"""Text folding shared by answer matching and coding: case-, accent- and spacing-insensitive."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"\w+(?:['’]\w+)*")


def fold(text: str) -> str:
    """Lower-case, strip accents and collapse white space ('  Café  Noir' → 'cafe noir')."""
    if not text.isascii():  # ASCII has no accents to strip: most answers skip the slow part
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(text.casefold().replace("’", "'").split())


def words(text: str) -> list[str]:
    """The folded words of a text, punctuation dropped."""
    return _WORD.findall(fold(text))


def keyword_problem(keyword: str) -> str | None:
    """What is wrong with a codebook keyword's spelling, if anything (for the checker)."""
    if not _WORD.search(fold(keyword)):
        return f"keyword `{keyword}` has no word to match"
    for token in keyword.split():
        if "*" in token.rstrip("*") or len(token) - len(token.rstrip("*")) > 2:
            return (
                f"keyword `{keyword}`: `*` goes at the end of a word (`danger*`), "
                "or `**` to run into longer words"
            )
        if token.rstrip("*") != token and not _WORD.search(fold(token.rstrip("*"))):
            return f"keyword `{keyword}`: `*` needs the start of a word before it"
    return None
