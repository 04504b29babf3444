"""Meaning checks on `waves:`: the invitation and reminder in every language, with only {link}."""

from __future__ import annotations

from collections.abc import Iterator

from bot.script.compiled import placeholders
from bot.script.limits import MAX_MESSAGE
from bot.script.model import ScriptFile, Text
from bot.script.parts import Found, Path, undeclared

WAVE_PLACEHOLDERS = ("link",)


def wave_problems(file: ScriptFile) -> Iterator[Found]:
    """Every problem of the waves' own texts and settings."""
    for index, wave in enumerate(file.waves):
        at: Path = ("waves", index)
        yield from _text_problems(file, (*at, "invitation"), wave.invitation)
        if wave.reminder is False:
            if "remind_after_days" in wave.model_fields_set:
                message = ("`remind_after_days` has no effect with `reminder: false`; leave one "
                           "of them out")
                yield Found((*at, "remind_after_days"), message, True)
        elif wave.reminder is not None:
            yield from _text_problems(file, (*at, "reminder"), wave.reminder)


def uses_builtin_reminder(file: ScriptFile) -> bool:
    """Whether some wave reminds with the bot's own `wave_reminder` text."""
    return any(wave.reminder is None for wave in file.waves)


def _text_problems(file: ScriptFile, path: Path, value: Text) -> Iterator[Found]:
    languages = file.study.languages
    if isinstance(value, str):
        yield from _one_text(path, value)
        return
    for lang, text in value.items():
        if lang not in languages:
            yield Found((*path, lang), undeclared(lang, languages), True)
        elif text.strip():
            yield from _one_text((*path, lang), text)
    missing = [lang for lang in languages if not value.get(lang, "").strip()]
    if missing:
        yield Found(path, f"missing the `{'`, `'.join(missing)}` translation")


def _one_text(where: Path, text: str) -> Iterator[Found]:
    if not text.strip():
        yield Found(where, "this text is empty; say something, or leave the key out")
        return
    if len(text) > MAX_MESSAGE:
        message = (f"this text is {len(text):,} characters; a Telegram message holds at most "
                   f"{MAX_MESSAGE:,}: shorten it")
        yield Found(where, message)
    for name in placeholders(text):
        if name not in WAVE_PLACEHOLDERS:
            yield Found(where, f"{{{name}}} is not filled in here; a wave's texts take only "
                               "{link} (where the wave starts)")
            return
