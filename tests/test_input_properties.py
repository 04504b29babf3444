"""Any text typed at any question is either asked again or stored as a value every backend keeps.

"Every backend keeps" means: no NUL and no half surrogate pair in any text (PostgreSQL refuses
both, and neither is valid UTF-8), numbers finite and within ±(2**53 - 1) (exact in SQLite's and
PostgreSQL's JSON alike), and the value the same after a trip through JSON. The storage test
`tests/storage/test_storage_typed_limits.py` sends the hardest of these through both databases.
"""

from __future__ import annotations

import json
import math
import sys
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.engine import State, TextInput, Value, handle
from bot.script import CompiledQuestion, QuestionType, Script, load_script
from bot.script.limits import MAX_NUMBER, unstorable_character
from bot.vocabulary import InterviewStatus
from tests.conftest import SCRIPTS

FIXTURES = [load_script(SCRIPTS / name) for name in ("every_type.yaml", "mini.yaml", "handwash.yaml")]
BY_STUDY = {script.study_id: script for script in FIXTURES}
QUESTIONS = [  # (study, question id): short to read in a falsifying example
    (script.study_id, question.id)
    for script in FIXTURES
    for question in script.questions
    if question.type != QuestionType.info
]
# Every character Unicode gives a digit value: Arabic-Indic, Devanagari, full-width, circled…
DIGITS = "".join(
    chr(c) for c in range(sys.maxunicode + 1) if unicodedata.digit(chr(c), None) is not None
)
SEPARATORS = ".,٫٬ '\u00a0\u202f−-+"

anything = st.text(st.characters(blacklist_categories=()), max_size=80)  # NUL, surrogates too
numberish = st.text(st.sampled_from(DIGITS + SEPARATORS), min_size=1, max_size=40)
huge = st.integers(min_value=-(10**400), max_value=10**400).map(str)
odd = st.sampled_from(["⓵", "፩", "٣٫٥", "9" * 400, "1,000", "\0", "\ud800", "", "  ", "1 2"])


def storable(value: object) -> bool:
    """Whether SQLite and PostgreSQL both keep exactly this value."""
    if value is None:
        return True
    if isinstance(value, str):
        return unstorable_character(value) is None
    if isinstance(value, bool):
        return False  # the engine never records booleans
    if isinstance(value, int | float):
        return math.isfinite(value) and abs(value) <= MAX_NUMBER
    if isinstance(value, list):
        return all(isinstance(item, str) and storable(item) for item in value)
    return False


def fits(script: Script, question: CompiledQuestion, value: Value) -> bool:
    """Whether the value is of the kind the question takes."""
    options = [o.value for o in question.options]
    match question.type:
        case QuestionType.text:
            return isinstance(value, str) and value.strip() != ""
        case QuestionType.number:
            spec = question.spec
            return (
                isinstance(value, int | float)
                and (spec.min is None or value >= spec.min)
                and (spec.max is None or value <= spec.max)
                and (not spec.integer or float(value).is_integer())
            )
        case QuestionType.scale:
            return isinstance(value, int) and str(value) in options
        case QuestionType.multiple_choice:
            return isinstance(value, list) and set(value) <= set(options)
        case _:
            return value in options


@settings(max_examples=600, deadline=None)
@given(
    asked=st.sampled_from(QUESTIONS),
    text=st.one_of(anything, numberish, huge, odd),
    lang=st.sampled_from(["en", "fr"]),
)
def test_any_text_at_any_question_is_stored_safely_or_asked_again(
    asked: tuple[str, str], text: str, lang: str
) -> None:
    script = BY_STUDY[asked[0]]
    question = script.by_id[asked[1]]
    state = State(status=InterviewStatus.active, language=lang, current=question.id, step=3)

    turn = handle(script, state, TextInput(text))

    if not turn.answers:
        assert turn.state == state, "nothing recorded, nothing changed"
        assert turn.messages, "asked again"
        assert turn.messages[-1].question_id == question.id
        return
    for answer in turn.answers:
        assert storable(answer.value), answer
        assert storable(answer.raw), answer
        assert json.loads(json.dumps(answer.value, allow_nan=False)) == answer.value
    assert fits(script, question, turn.answers[0].value)
    kept = turn.state.to_dict()
    assert json.loads(json.dumps(kept, allow_nan=False)) == kept, "the state is stored as JSON too"
    assert all(storable(value) for value in turn.state.answers.values())
