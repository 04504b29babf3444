"""Whatever a respondent sends, the engine answers, keeps a storable state and asks only fitting questions.

Runs over every fixture script in `tests/scripts/` and every example in `dialogs/` that checks clean.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bot.engine import (
    CONSENT,
    DONE,
    Command,
    Input,
    Pick,
    State,
    TextInput,
    Turn,
    Unsupported,
    Value,
    begin,
    handle,
    set_language,
)
from bot.script import Script, check_file

ROOT = Path(__file__).parent.parent


def _clean_scripts() -> list[Script]:
    paths = sorted((ROOT / "tests" / "scripts").glob("*.yaml"))
    paths += sorted((ROOT / "dialogs").glob("*.yaml"))
    scripts = []
    for path in paths:
        script, _ = check_file(path)
        if script is not None:
            scripts.append(script)
    return scripts


SCRIPTS = _clean_scripts()


def _words(script: Script) -> list[str]:
    """Texts likely to mean something to this script: labels, values, numbers, yes/no words."""
    found: set[str] = {"", " ", "0", "1", "2", "3", "7", "-1", "3.5", "1, 2", "1 3", "lots"}
    for lang in script.languages:
        found |= script.words("yes_words", lang) | script.words("no_words", lang)
        found |= script.words("vague_words", lang)
        for question in script.questions:
            for option in question.options:
                found |= {option.value, script.text(option.label, lang)}
    return sorted(found)


def inputs(script: Script) -> st.SearchStrategy[Input | str]:
    """Anything a respondent (or a language switch, given as a str) can send to this script."""
    ids = [CONSENT, *(q.id for q in script.questions), "gone"]
    values = sorted({o.value for q in script.questions for o in q.options} | {"yes", "no", DONE})
    return st.one_of(
        st.sampled_from(_words(script)).map(TextInput),
        st.text(max_size=30).map(TextInput),
        st.builds(Pick, st.sampled_from(ids), st.sampled_from([*values, "bogus"])),
        st.sampled_from([Command("back"), Command("skip"), Command("restart")]),
        st.sampled_from(["sticker", "photo", "voice"]).map(Unsupported),
        st.sampled_from(["fr-CA", "es", "de", "en"]),
    )


def _env(state: State) -> dict[str, Value]:
    env: dict[str, Value] = dict(state.answers)
    env.update(group=state.group, language=state.language, source=state.source)
    return env


def _check_turn(script: Script, before: State, turn: Turn) -> None:
    state = turn.state
    assert State.from_dict(json.loads(json.dumps(state.to_dict()))) == state
    if turn.changed:
        assert state.step == before.step + 1
    else:
        assert state == before
    if not state.status.ended and state.current is not None:
        question = script.by_id[state.current]
        if question.when is not None:
            assert question.when.holds(_env(state)), f"{question.id} asked but its `when` is false"
    for message in turn.messages:
        if message.question_id not in (None, CONSENT):
            assert message.question_id == state.current


def fitting(script: Script, state: State) -> st.SearchStrategy[Input]:
    """An answer the question on screen can take: one of its buttons, or its label typed."""
    if state.current is None:
        return st.just(Pick(CONSENT, "yes"))
    question = script.by_id[state.current]
    options = [o.value for o in question.options]
    if not options:
        return st.sampled_from(["3", "because it is far away", "idk"]).map(TextInput)
    labels = [script.text(o.label, state.language) for o in question.options]
    return st.one_of(
        st.sampled_from([*options, DONE]).map(lambda value: Pick(question.id, value)),
        st.sampled_from(labels).map(TextInput),
    )


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.study_id for s in SCRIPTS])
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_input_sequence_keeps_the_interview_sound(script: Script, data: st.DataObject) -> None:
    language = data.draw(st.sampled_from([None, *script.languages]))
    turn = begin(script, language=language, source=data.draw(st.sampled_from([None, "qr"])))
    state = turn.state
    anything = inputs(script)
    for _ in range(data.draw(st.integers(0, 40))):
        # Half the inputs fit the question on screen, so runs get past consent and deep into it.
        sent = data.draw(st.one_of(anything, fitting(script, state)))
        if isinstance(sent, str):
            turn = set_language(script, state, sent)
        else:
            turn = handle(script, state, sent)
        _check_turn(script, state, turn)
        state = turn.state
        assert turn.messages or turn.keyboard or not turn.changed, "a change always shows something"
    event(f"ended as {state.status.value}")  # see --hypothesis-show-statistics: how far runs get
