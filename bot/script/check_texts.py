"""Meaning checks on texts: translations, placeholders, lengths, and the bot's overridden messages."""

from __future__ import annotations

import string
from collections.abc import Iterator

from bot.script.check_waves import uses_builtin_reminder
from bot.script.compiled import builtin_messages, message_keys, placeholders
from bot.script.limits import MAX_MESSAGE, MAX_TITLE
from bot.script.model import QuestionType, ScriptFile, Text
from bot.script.normalize import fold
from bot.script.parts import Found, Path, undeclared

# Texts sent as messages of their own: Telegram refuses them empty or over 4,096 characters.
_MESSAGES = (
    "introduction", "consent", "closing", "screened_out", "full_message", "text", "message",
)


def text_problems(file: ScriptFile) -> Iterator[Found]:
    """Every problem of the study's texts."""
    languages = file.study.languages
    ids = [q.id for q in file.questions]
    for path, value, known in _texts(file):
        if isinstance(value, str):
            yield from _one_text(file, path, path, value, ids, known, translated=False)
            continue
        for lang, text in value.items():
            if lang not in languages:
                yield Found((*path, lang), undeclared(lang, languages), True)
            else:
                yield from _one_text(file, (*path, lang), path, text, ids, known, translated=True)
        missing = [lang for lang in languages if not value.get(lang, "").strip()]
        if missing:
            yield Found(path, f"missing the `{'`, `'.join(missing)}` translation")


def _one_text(
    file: ScriptFile,
    where: Path,
    path: Path,
    text: str,
    ids: list[str],
    known: int,
    *,
    translated: bool,
) -> Iterator[Found]:
    if path == ("study", "title") and len(text) > MAX_TITLE:
        yield Found(where, f"the title is {len(text):,} characters; keep it to at most {MAX_TITLE}")
    if not text.strip():
        if not translated:  # an empty translation is reported as missing
            message = "this text is empty; say something, or leave the key out if it is optional"
            yield Found(where, message)
        return
    if path[-1] in _MESSAGES and len(text) > MAX_MESSAGE:
        message = (
            f"this text is {len(text):,} characters; a Telegram message holds at most "
            f"{MAX_MESSAGE:,}: split it"
        )
        yield Found(where, message)
    plain = _plain_placeholders(text)
    if plain:
        yield Found(where, plain)
        return
    for name in placeholders(text):
        if name in ("behaviour", "problem"):
            if name == "problem" and file.study.problem is None:
                yield Found(path, "{problem} is used but `study.problem` is not set")
        elif name not in ids:
            yield Found(path, f"{{{name}}} is not a question id, `behaviour` or `problem`")
        elif ids.index(name) >= known:
            yield Found(path, f"{{{name}}} pipes an answer that is not known yet here")
        elif file.questions[ids.index(name)].type == QuestionType.info:
            yield Found(path, f"{{{name}}} is an info message and has no answer to pipe")


def _plain_placeholders(text: str) -> str | None:
    """Why the {placeholders} of a text cannot be filled in, if they cannot."""
    try:
        fields = [(name, spec, conv) for _, name, spec, conv in string.Formatter().parse(text)]
    except ValueError:
        return "a `{` or `}` has no partner; write a brace itself as `{{` or `}}`"
    for name, spec, conversion in fields:
        if name is None:
            continue
        if spec or conversion or not name.isidentifier():
            base = name.split(".")[0].split("[")[0]
            plain = base if base.isidentifier() else "name"
            written = f"{{{name}{_tail(spec, conversion)}}}"
            return f"write placeholders plainly, like `{{{plain}}}`, not `{written}`"
    return None


def _tail(spec: str | None, conversion: str | None) -> str:
    return (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")


def _texts(file: ScriptFile) -> Iterator[tuple[Path, Text, int]]:
    """Every text with the number of questions whose answers it may pipe in."""
    study = file.study
    everything = len(file.questions)
    for key in ("title", "behaviour", "problem", "priority_group", "introduction", "consent"):
        value = getattr(study, key)
        if value is not None:
            yield ("study", key), value, 0
    for key in ("closing", "screened_out"):
        value = getattr(study, key)
        if value is not None:
            yield ("study", key), value, everything
    if study.quota.full_message is not None:
        yield ("study", "quota", "full_message"), study.quota.full_message, 0
    if file.probing.text is not None:
        yield ("probing", "text"), file.probing.text, everything
    for name, value in file.probing.by_determinant.items():
        yield ("probing", "by_determinant", name), value, everything
    for list_name, choices in file.choice_lists.items():
        for c_index, choice in enumerate(choices):
            yield ("choice_lists", list_name, c_index, "label"), choice.label, 0
    for index, question in enumerate(file.questions):
        at: Path = ("questions", index)
        yield (*at, "text"), question.text, index
        for key in ("short", "min_label", "max_label"):
            value = getattr(question, key)
            if value is not None:
                yield (*at, key), value, index
        if question.validation and question.validation.message is not None:
            yield (*at, "validation", "message"), question.validation.message, index
        if question.probe and question.probe.text is not None:
            yield (*at, "probe", "text"), question.probe.text, index + 1
        if isinstance(question.choices, list):
            for c_index, choice in enumerate(question.choices):
                yield (*at, "choices", c_index, "label"), choice.label, index
        for t_index, theme in enumerate(question.codebook or []):
            yield (*at, "codebook", t_index, "label"), theme.label, 0


def message_problems(file: ScriptFile) -> Iterator[Found]:
    """The `messages:` overrides: known keys, declared languages, fillable and unambiguous."""
    keys = message_keys()
    builtin = builtin_messages()
    for lang, overrides in file.messages.items():
        if lang not in file.study.languages:
            yield Found(("messages", lang), undeclared(lang, file.study.languages), True)
        for key, text in overrides.items():
            if key not in keys:
                yield Found(("messages", lang, key), f"`{key}` is not one of the bot's texts", True)
            else:
                yield from _override_problems(("messages", lang, key), key, text)
    for lang in file.study.languages:
        if lang not in builtin:
            # The wave reminder's own text is needed only by a script whose waves remind with it.
            needed = keys if uses_builtin_reminder(file) else keys - {"wave_reminder"}
            missing = sorted(needed - set(file.messages.get(lang, {})))
            if missing:
                message = (
                    f"the bot has no built-in texts in `{lang}`; give them under `messages: {lang}:` "
                    f"(missing: {', '.join(missing[:5])}{'…' if len(missing) > 5 else ''})"
                )
                yield Found(("study", "languages"), message)
        yield from _ambiguous_words(file, lang)


def _override_problems(where: Path, key: str, text: str) -> Iterator[Found]:
    plain = _plain_placeholders(text)
    if plain:
        yield Found(where, plain)
        return
    allowed = placeholders(builtin_messages()["en"][key])
    unknown = [name for name in placeholders(text) if name not in allowed]
    if unknown:
        takes = (
            f"it takes {', '.join(f'{{{n}}}' for n in allowed)}"
            if allowed
            else "it takes no placeholders"
        )
        yield Found(where, f"{{{unknown[0]}}} is not filled in for `{key}`; {takes}")


def _ambiguous_words(file: ScriptFile, lang: str) -> Iterator[Found]:
    """Typed yes/no and consent answers must each mean one thing."""
    own = file.messages.get(lang, {})
    texts = {**builtin_messages().get(lang, {}), **{k: v for k, v in own.items() if v}}

    def where(key: str) -> Path:
        return ("messages", lang, key) if key in own else ("study", "languages")

    for first, second in (("consent_yes", "consent_no"), ("yes", "no")):
        if first in texts and second in texts and fold(texts[first]) == fold(texts[second]):
            yield Found(where(second), f"`{first}` and `{second}` read the same in `{lang}`")
    yes = {fold(w) for w in texts.get("yes_words", "").split(",") if w.strip()}
    no = {fold(w) for w in texts.get("no_words", "").split(",") if w.strip()}
    both = sorted(yes & no)
    if both:
        message = f"`{both[0]}` is in both `yes_words` and `no_words` in `{lang}`"
        yield Found(where("no_words" if "no_words" in own else "yes_words"), message)
