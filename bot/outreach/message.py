"""A broadcast's message file: its name, its text in each language, and whom it is for.

    version: 1
    name: results-december        # resuming with the same name never resends; default: file name
    segment: {group: non_doer}    # optional: group (doer/non_doer), language, source
    text:
      en: "Thank you! {top_barrier_share} of you said {top_barrier} ... Here is what we did: …"
      fr: "Merci ! …"

Texts may pipe study figures in {braces}; `FIGURES` lists them.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from bot.vocabulary import Group
from storage import Segment

MAX_TEXT = 4096  # one Telegram message
MAX_NAME = 100  # characters the database keeps of a broadcast's name
FIGURES: Mapping[str, str] = {
    "respondents": "how many people completed the interview",
    "doers_share": "the share of them who do the behaviour (e.g. 38%)",
    "top_barrier": "the barrier that most separates non-doers from doers, as the report words it",
    "top_barrier_share": "the share of everyone asked who named the top barrier",
    "top_barrier_non_doers_share": "the share of non-doers who named the top barrier",
    "top_enabler": "the enabler that most separates doers from non-doers",
    "top_enabler_share": "the share of everyone asked who named the top enabler",
}
SEGMENT_KEYS = ("group", "language", "source")


class MessageError(ValueError):
    """A message file a researcher can fix; the text says where and how."""


@dataclass(frozen=True)
class BroadcastMessage:
    """A parsed message file: texts still hold their {figure} placeholders."""

    name: str
    texts: Mapping[str, str]
    segment: Segment = field(default_factory=Segment)

    @property
    def figures(self) -> set[str]:
        """The figures any of the texts pipes in."""
        return {name for text in self.texts.values() for name in placeholders(text)}


def placeholders(text: str) -> list[str]:
    """The {names} in a text ({{ and }} are literal braces)."""
    return [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]


def load_message(path: Path) -> BroadcastMessage:
    """Read and check a message file; every problem is a `MessageError` naming the file."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MessageError(f"{path}: no such file.") from None
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise MessageError(f"{path}: not readable YAML ({error}).") from None
    if not isinstance(raw, dict):
        raise MessageError(f"{path}: expected keys `name`, `text` and optionally `segment`.")
    unknown = set(raw) - {"version", "name", "text", "segment"}
    if unknown:
        raise MessageError(f"{path}: unknown key(s) {', '.join(sorted(map(str, unknown)))}; "
                           "a message file has `version`, `name`, `text` and `segment`.")
    if raw.get("version", 1) != 1:
        raise MessageError(f"{path}: `version` must be 1.")
    name = str(raw.get("name") or path.stem)
    if len(name) > MAX_NAME:
        raise MessageError(f"{path}: `name` is longer than {MAX_NAME} characters.")
    texts = raw.get("text")
    if not isinstance(texts, dict) or not texts:
        raise MessageError(f"{path}: `text` must map each language to its text, e.g.\n"
                           "text:\n  en: \"Thank you for taking part…\"")
    checked = check_texts(texts, lambda lang: f"{path}: text.{lang}")
    segment = raw.get("segment") or {}
    if not isinstance(segment, dict):
        raise MessageError(f"{path}: `segment` must map group, language or source to a value.")
    return BroadcastMessage(name, checked, parse_segment(
        [f"{k}={v}" for k, v in segment.items()], Segment(), where=f"{path}: segment"))


def check_texts(texts: Mapping[object, object], where: Callable[[str], str]) -> dict[str, str]:
    """Each language's text, stripped; `MessageError` (naming `where(lang)`) for a bad one."""
    checked: dict[str, str] = {}
    for lang, text in texts.items():
        here = where(str(lang))
        if not isinstance(text, str) or not text.strip():
            raise MessageError(f"{here} is empty.")
        try:
            names = placeholders(text)
        except ValueError as error:
            raise MessageError(f"{here}: {error}; write {{{{ and }}}} for literal braces.") from None
        wrong = [n for n in names if n not in FIGURES]
        if wrong:
            raise MessageError(f"{here}: unknown figure {{{wrong[0]}}}; the figures are "
                               f"{', '.join('{' + f + '}' for f in FIGURES)}.")
        if len(text) > MAX_TEXT:
            raise MessageError(f"{here} is {len(text)} characters; Telegram allows {MAX_TEXT}.")
        checked[str(lang)] = text.strip()
    return checked


def parse_segment(items: Sequence[str], base: Segment, *, where: str = "--segment") -> Segment:
    """`group=doer`, `language=fr`, `source=radio` on top of `base` (later items win)."""
    result = base
    for item in items:
        key, sep, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or key not in SEGMENT_KEYS or not value:
            raise MessageError(f"{where}: {item!r} is not one of group=…, language=… or source=….")
        if key == "group":
            try:
                result = replace(result, group=Group(value.replace("-", "_")))
            except ValueError:
                raise MessageError(f"{where}: group is doer or non_doer, not {value!r}.") from None
        elif key == "language":
            result = replace(result, language=value)
        else:
            result = replace(result, source=value)
    return result
