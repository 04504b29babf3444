"""Reading a typed or tapped answer into the value the script's question expects."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.engine.numbers import read_number, whole_number
from bot.engine.state import Value
from bot.script import CompiledQuestion, QuestionType, Script
from bot.script.limits import MAX_NUMBER, storable_text
from bot.script.normalize import fold

_SEPARATORS = re.compile(r"\s*(?:[,;/+&]|\band\b|\bet\b|\by\b)\s*")


@dataclass(frozen=True)
class Invalid:
    """Why an answer cannot be used, in the respondent's language."""

    message: str


def read_text(script: Script, question: CompiledQuestion, raw: str, lang: str) -> Value | Invalid:
    """Parse a typed answer for `question`; what it returns can be stored as it is."""
    text = storable_text(raw).strip()
    kind = question.type
    if not text:
        return Invalid(script.message("required", lang))
    if kind == QuestionType.text:
        return _open(script, question, text, lang)
    if kind == QuestionType.number:
        return _number(script, question, text, lang)
    if kind == QuestionType.multiple_choice:
        return _multiple(script, question, text, lang)
    value = option_for(script, question, text, lang)
    if value is None:
        if kind == QuestionType.scale:
            low, high = question.options[0].value, question.options[-1].value
            return Invalid(script.message("scale_range", lang, min=low, max=high))
        return Invalid(script.message("choose_button", lang))
    return int(value) if kind == QuestionType.scale else value


def option_for(script: Script, question: CompiledQuestion, text: str, lang: str) -> str | None:
    """The option a typed text means: its number in the list, its label, its value or a yes/no word."""
    folded = fold(text).strip(" .!")
    options = question.options
    if question.type == QuestionType.scale:
        typed = whole_number(folded)
        number = str(typed) if typed is not None else folded
        return next((o.value for o in options if o.value == number), None) or _by_label(
            script, question, folded, lang
        )
    position = whole_number(folded)
    # Options whose labels are numbers ("0", "1", "2", "3 or more") are picked by label, not place.
    in_list = position is not None and 1 <= position <= len(options)
    if in_list and position is not None and not _numbered(script, question, lang):
        return options[position - 1].value
    found = _by_label(script, question, str(position) if position is not None else folded, lang)
    if found is None and question.type == QuestionType.yes_no:
        if folded in script.words("yes_words", lang):
            return "yes"
        if folded in script.words("no_words", lang):
            return "no"
    return found


def _numbered(script: Script, question: CompiledQuestion, lang: str) -> bool:
    """Whether some option's label reads as a number, so typed numbers mean labels."""
    return any(
        whole_number(fold(script.text(option.label, lang))) is not None
        for option in question.options
    )


def _by_label(script: Script, question: CompiledQuestion, folded: str, lang: str) -> str | None:
    for option in question.options:
        label = fold(script.text(option.label, lang))
        # A scale point's label reads "5 — Very easy": the number or the words alone also match.
        if folded in (label, fold(option.value), *label.split(" — ")):
            return option.value
    return None


def _open(script: Script, question: CompiledQuestion, text: str, lang: str) -> Value | Invalid:
    rule = question.spec.validation
    if rule is None:
        return text
    own = script.text(rule.message, lang) if rule.message is not None else None
    if rule.min_length is not None and len(text) < rule.min_length:
        return Invalid(own or script.message("text_too_short", lang, min=rule.min_length))
    if rule.max_length is not None and len(text) > rule.max_length:
        return Invalid(own or script.message("text_too_long", lang, max=rule.max_length))
    if rule.pattern is not None and re.fullmatch(rule.pattern, text) is None:
        return Invalid(own or script.message("invalid_answer", lang))
    return text


def _number(script: Script, question: CompiledQuestion, text: str, lang: str) -> Value | Invalid:
    spec = question.spec
    own = script.text(spec.validation.message, lang) if spec.validation else None
    number = read_number(text)
    if number is None:  # "3" or "3 days" reads; "2 or 3" is ambiguous
        return Invalid(own or script.message("not_a_number", lang))
    integral = number == number.to_integral_value()
    if spec.integer and not integral:
        return Invalid(own or script.message("not_integer", lang))
    # Within the question's range, and within what every database stores exactly.
    low = max(spec.min, -MAX_NUMBER) if spec.min is not None else -MAX_NUMBER
    high = min(spec.max, MAX_NUMBER) if spec.max is not None else MAX_NUMBER
    if number < low:
        return Invalid(own or script.message("number_too_small", lang, min=_plain(low)))
    if number > high:
        return Invalid(own or script.message("number_too_large", lang, max=_plain(high)))
    return int(number) if integral else float(number)


def _multiple(script: Script, question: CompiledQuestion, text: str, lang: str) -> Value | Invalid:
    folded = fold(text)
    parts = [p for p in _SEPARATORS.split(folded) if p]
    if len(parts) == 1 and all(whole_number(p) is not None for p in folded.split()):
        parts = folded.split()  # "1 3 4"
    picked: list[str] = []
    for part in parts:
        value = option_for(script, question, part, lang)
        if value is None:
            return Invalid(script.message("choose_buttons", lang))
        if value not in picked:
            picked.append(value)
    return check_selection(script, question, picked, lang)


def check_selection(
    script: Script, question: CompiledQuestion, picked: list[str], lang: str
) -> Value | Invalid:
    """Order picks as the options are listed and check the min/max number of picks."""
    ordered = [o.value for o in question.options if o.value in picked]
    spec = question.spec
    least = int(spec.min) if spec.min is not None else (1 if spec.required else 0)
    if len(ordered) < least:
        return Invalid(script.message("too_few_choices", lang, min=least))
    if spec.max is not None and len(ordered) > spec.max:
        return Invalid(script.message("too_many_choices", lang, max=int(spec.max)))
    return ordered


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)
