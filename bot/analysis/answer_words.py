"""The content words of an open answer, for finding themes: stop words and non-answers left out.

Each answer's language is guessed from its function words (an interview's language says little
about the answer: people mix languages), then its words are stemmed with that language's Snowball
stemmer so that "bag / bags" or "olvido / olvida" count as one word, while the words as written
stay at hand for labels. The word lists ship with the package (`wordlists.yaml`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import snowballstemmer
import yaml

from bot.script.normalize import fold

# Letters only (no digits), an inner apostrophe kept: "didn't" and "l'école" are one token here.
_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
# French and Italian elision: "l'école" → "école", "qu'il" → "il".
_ELIDED = frozenset({"l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu"})
STEMMERS = {
    "en": "english", "es": "spanish", "fr": "french", "pt": "portuguese", "it": "italian",
    "de": "german", "nl": "dutch", "sw": "swahili", "id": "indonesian", "tr": "turkish",
}  # fmt: skip
MIN_LETTERS = 2
# Letters that only some of the listed languages write.
_LETTERS = {"es": frozenset("ñ¿¡áíóú"), "fr": frozenset("èêàçùâîôœë")}


@dataclass(frozen=True, slots=True)
class Word:
    """A content word: its stem (what is compared) and the word as written (what is shown)."""

    stem: str
    written: str


@dataclass(frozen=True)
class AnswerWords:
    """An answer's language guess and content words, in order; `adjacent[i]`: word i follows i−1."""

    language: str | None
    words: tuple[Word, ...]
    adjacent: tuple[bool, ...]

    @property
    def filler(self) -> bool:
        """A non-answer: nothing but stop words and words like "idk", "nada", "bof"."""
        return not self.words


@dataclass(frozen=True)
class WordLists:
    """Stop words per language, and non-answer phrases (any language) as tuples of words."""

    stop: dict[str, frozenset[str]]
    filler: frozenset[tuple[str, ...]]
    longest_filler: int
    known: frozenset[str]  # every word of every list: a word outside it is always content
    owners: dict[str, tuple[str, ...]]  # stop word → the languages that list it
    starts: frozenset[str]  # first words of the non-answer phrases


@cache
def word_lists() -> WordLists:
    """The lists shipped in `wordlists.yaml` (read once)."""
    raw = yaml.safe_load(resources.files("bot.analysis").joinpath("wordlists.yaml").read_text())
    stop = {lang: frozenset(fold(text).split()) for lang, text in raw["stop"].items()}
    phrases = {
        tuple(plain for _, plain in tokens(p))
        for text in raw["filler"].values()
        for p in text.split(";")
        if p.strip()
    }
    phrases.discard(())
    known = frozenset().union(*stop.values(), *phrases)
    owners = {w: tuple(lang for lang in stop if w in stop[lang]) for w in set().union(*stop.values())}
    starts = frozenset(p[0] for p in phrases)
    return WordLists(stop, frozenset(phrases), max(map(len, phrases)), known, owners, starts)


@cache
def _stemmer(language: str) -> snowballstemmer.Stemmer | None:
    name = STEMMERS.get(language)
    return snowballstemmer.stemmer(name) if name else None


@lru_cache(maxsize=1 << 16)
def stem(language: str | None, word: str) -> str:
    """A folded word's stem in a language (itself where there is no stemmer); words repeat a lot."""
    stemmer = _stemmer(language or "")
    return str(stemmer.stemWord(word)) if stemmer else word


def tokens(text: str) -> list[tuple[str, str]]:
    """(as written in lower case, folded) for every word of a text, elisions and "'s" split off."""
    out = []
    plain = text.isascii()  # then folding is lower-casing, done already: most answers
    for match in _TOKEN.finditer(text.casefold().replace("’", "'")):
        written = match.group()
        if "'" in written:
            head, _, tail = written.partition("'")
            if head in _ELIDED and fold(tail) not in ("", "est", "a"):
                written = tail  # l'école → école (c'est, n'a stay whole: they are stop words)
            elif tail == "s":
                written = head  # the bike's → bike
        out.append((written, written if plain else fold(written)))
    return out


def guess_language(
    written: Sequence[str], hint: str | None = None, folded: Sequence[str] | None = None
) -> str | None:
    """The language whose stop words (and letters: ñ, ç…) the words use most; the hint on a tie.

    A stop word several languages share ("la", "en") counts for each of them in part. `folded`:
    the words folded, when the caller has them already.
    """
    owners = word_lists().owners
    score: dict[str, float] = {}
    for word in folded if folded is not None else [fold(w) for w in written]:
        languages = owners.get(word, ())
        for lang in languages:
            score[lang] = score.get(lang, 0.0) + 1 / len(languages)
    letters = set("".join(written))
    for lang, marks in _LETTERS.items():
        if letters & marks:
            score[lang] = score.get(lang, 0.0) + 0.5
    best = max(score.values(), default=0)
    if best == 0:
        return hint
    tied = sorted(lang for lang, n in score.items() if n == best)
    return hint if hint in tied else tied[0]


def is_filler(text: str, hint: str | None = None) -> bool:
    """`answer_words(text, hint).filler`, quickly: most answers hold a word no list knows."""
    known = word_lists().known
    folded = text.casefold() if text.isascii() else fold(text)
    for word in _TOKEN.findall(folded):
        if len(word) >= MIN_LETTERS and word not in known and "'" not in word:
            return False
    return answer_words(text, hint).filler


def answer_words(text: str, hint: str | None = None) -> AnswerWords:
    """The content words of an answer: non-answer phrases, stop words and one-letter words out."""
    pairs = tokens(text)
    folded = [f for _, f in pairs]
    language = guess_language([w for w, _ in pairs], hint, folded)
    lists = word_lists()
    stop = lists.stop.get(language or "", frozenset())
    drop = [f in stop or len(f) < MIN_LETTERS for f in folded]
    for start in range(len(folded)):  # non-answer phrases, longest first at each place
        if folded[start] not in lists.starts:
            continue
        for size in range(min(lists.longest_filler, len(folded) - start), 0, -1):
            if tuple(folded[start : start + size]) in lists.filler:
                drop[start : start + size] = [True] * size
                break
    words, adjacent, previous = [], [], -2
    for i, ((written, plain), dropped) in enumerate(zip(pairs, drop, strict=True)):
        if dropped:
            continue
        words.append(Word(stem(language, plain), written))
        adjacent.append(i == previous + 1)
        previous = i
    return AnswerWords(language, tuple(words), tuple(adjacent))
