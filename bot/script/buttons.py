"""Whether a question's buttons fit in one Telegram keyboard (else every send of it fails)."""

from __future__ import annotations

import json
from collections.abc import Iterator

from bot.script.compiled import builtin_messages
from bot.script.limits import MAX_BUTTONS, MAX_KEYBOARD_BYTES
from bot.script.model import Choice, Question, QuestionType, ScriptFile
from bot.script.parts import Found, Path

_SELECTED = "✓ "  # a picked option of a multiple choice shows a tick before its label


def button_problems(
    file: ScriptFile, question: Question, choices: list[Choice], at: Path
) -> Iterator[Found]:
    """Too many buttons, or labels too long for one keyboard, in any of the study's languages."""
    multiple = question.type == QuestionType.multiple_choice
    count = len(choices) + multiple  # a multiple choice adds its "Done" button
    if count > MAX_BUTTONS:
        done = ", “Done” included" if multiple else ""
        message = (
            f"Telegram shows at most {MAX_BUTTONS} buttons under a message; this question has "
            f"{count}{done}: split it, or ask it as text with a codebook"
        )
        yield Found((*at, "choices"), message)
        return
    for lang in file.study.languages:
        size = sum(_button_bytes(question.id, c.value, _label(c, lang)) for c in choices)
        if multiple:
            size += _button_bytes(question.id, "_done", _done_label(file, lang))
        if size > MAX_KEYBOARD_BYTES:
            message = (
                f"the buttons of this question hold about {size:,} bytes in `{lang}`; Telegram "
                f"refuses keyboards over about {MAX_KEYBOARD_BYTES:,}: shorten the labels"
            )
            yield Found((*at, "choices"), message)
            return


def _label(choice: Choice, lang: str) -> str:
    return choice.label if isinstance(choice.label, str) else choice.label.get(lang, "")


def _done_label(file: ScriptFile, lang: str) -> str:
    own = file.messages.get(lang, {}).get("done")
    return own or builtin_messages().get(lang, builtin_messages()["en"])["done"]


def _button_bytes(question_id: str, value: str, label: str) -> int:
    button = {"text": _SELECTED + label, "callback_data": f"a|{question_id}|{value}"}
    return len(json.dumps(button, ensure_ascii=False).encode("utf-8")) + 1
