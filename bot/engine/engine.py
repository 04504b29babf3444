"""The interview engine: a pure state machine from (script, state, input) to a `Turn`.

It never awaits, never reads the clock and never touches storage or Telegram: adapters persist
`Turn.state` and `Turn.answers`, then send `Turn.messages`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from bot.engine.answers import Invalid, check_selection, option_for, read_text
from bot.engine.state import (
    CONSENT,
    DONE,
    AnswerEvent,
    Button,
    Command,
    Input,
    Message,
    Pick,
    State,
    TextInput,
    Turn,
    Unsupported,
    Value,
)
from bot.script import CompiledQuestion, ProbeWording, QuestionType, Script
from bot.script.limits import storable_text
from bot.script.model import OverQuota
from bot.script.normalize import fold, words
from bot.vocabulary import Group, InterviewStatus


def begin(script: Script, *, language: str | None = None, source: str | None = None) -> Turn:
    """A new interview: the introduction and the consent question."""
    state = State(status=InterviewStatus.active, language=script.language(language), source=source,
                  consented=False)
    return Turn(state=state, messages=prompt(script, state), changed=True)


def prompt(script: Script, state: State) -> tuple[Message, ...]:
    """What to show to (re)ask where the interview stands; used on resume and after errors."""
    lang = state.language
    if state.asking_consent:
        study = script.file.study
        intro = script.pipe(script.text(study.introduction, lang), lang, {})
        consent = Message(
            text=script.pipe(script.text(study.consent, lang), lang, {}),
            question_id=CONSENT,
            buttons=(
                Button("yes", script.message("consent_yes", lang)),
                Button("no", script.message("consent_no", lang)),
            ),
        )
        return (Message(intro), consent)
    if state.status.ended or state.current is None:
        return (Message(script.message("finished", lang)),)
    question = script.by_id[state.current]
    if state.probes:
        return (_probe_message(script, question, state),)
    return (_ask(script, question, state),)


def set_language(script: Script, state: State, language: str) -> Turn:
    """Switch the interview's language and re-ask the current question in it."""
    new = replace(state, language=script.language(language), step=state.step + 1)
    return Turn(state=new, messages=prompt(script, new), changed=True)


def handle(
    script: Script, state: State, event: Input, *, full: frozenset[str] = frozenset()
) -> Turn:
    """Decide what an input means for this interview.

    `full` names the groups ("doer", "non_doer") whose quota is already full, as storage counts
    them now; someone classified into one is closed or kept over quota, as the script says.
    """
    if isinstance(event, TextInput):  # a NUL or half a surrogate pair: no database stores them
        event = TextInput(storable_text(event.text))
    if state.status == InterviewStatus.paused:
        # Whatever the respondent sends, they are back: ask where they stopped, take nothing.
        return Turn(state=state) if event == Command("pause") else _resume(script, state)
    if isinstance(event, Command) and event.name == "restart":
        return _restart(script, state, full)
    if state.status.ended:
        return Turn(state=state, messages=prompt(script, state))
    if isinstance(event, Command) and event.name == "pause":
        return Turn(replace(state, status=InterviewStatus.paused, step=state.step + 1), changed=True)
    if isinstance(event, Command) and event.name == "resume":
        return Turn(state=state, messages=prompt(script, state))
    if state.asking_consent:
        return _consent(script, state, event, full)
    assert state.current is not None, "an active interview always has a current question"
    question = script.by_id[state.current]
    lang = state.language
    if isinstance(event, Command):
        if event.name == "back":
            return _back(script, state)
        return _skip(script, state, question, full)
    if isinstance(event, Unsupported):
        return _reask(script, state, question, _hint(script, question, lang, typed=False))
    if isinstance(event, Pick):
        return _pick(script, state, question, event, full)
    if state.probes:
        return _probe_answer(script, state, question, event.text, full)
    value = read_text(script, question, event.text, lang)
    if isinstance(value, Invalid):
        return _reask(script, state, question, value.message)
    return _answered(
        script, state, question, AnswerEvent(question.id, 0, event.text.strip(), value), full
    )


def _consent(script: Script, state: State, event: Input, full: frozenset[str]) -> Turn:
    lang = state.language
    choice: str | None = None
    if isinstance(event, Pick) and event.question_id == CONSENT:
        choice = event.value
    elif isinstance(event, TextInput):
        folded = fold(event.text).strip(" .!")
        # The consent buttons are numbered 1 and 2 where buttons can't be tapped (`perceptions try`).
        if folded in script.words("yes_words", lang) | {
            fold(script.message("consent_yes", lang)),
            "1",
        }:
            choice = "yes"
        elif folded in script.words("no_words", lang) | {
            fold(script.message("consent_no", lang)),
            "2",
        }:
            choice = "no"
    if choice == "no":
        declined = replace(state, status=InterviewStatus.declined, step=state.step + 1)
        return Turn(declined, (Message(script.message("declined", lang)),), changed=True)
    if choice != "yes":
        return Turn(state=state, messages=prompt(script, state)[1:])
    return _advance(script, replace(state, consented=True, current=None), start=0, full=full)


def _resume(script: Script, state: State) -> Turn:
    resumed = replace(state, status=InterviewStatus.active, step=state.step + 1)
    return Turn(resumed, prompt(script, resumed), changed=True)


def _restart(script: Script, state: State, full: frozenset[str]) -> Turn:
    fresh = State(
        status=InterviewStatus.active,
        language=state.language,
        step=state.step,
        source=state.source,
        # Someone who has not said yes (or said no) is asked for consent again.
        consented=state.consented and state.status != InterviewStatus.declined,
    )
    if fresh.asking_consent:
        return Turn(
            replace(fresh, step=state.step + 1), prompt(script, fresh), changed=True, cleared=True
        )
    turn = _advance(script, fresh, start=0, full=full)
    notice = Message(script.message("restarted", state.language))
    return replace(turn, messages=(notice, *turn.messages), cleared=True)


def _back(script: Script, state: State) -> Turn:
    if not state.history:
        return _reask(script, state, script.by_id[state.current or ""], None, "nothing_to_go_back")
    previous = state.history[-1]
    earlier = state.answers.get(previous)
    again = script.by_id[previous].index < script.classify_from
    new = replace(
        state,
        current=previous,
        history=state.history[:-1],
        probes=0,
        selected=tuple(earlier) if isinstance(earlier, list) else (),
        step=state.step + 1,
        # Going back to a question the classification uses: the group will be decided again.
        group=None if again else state.group,
        over_quota=state.over_quota and not again,
    )
    return Turn(new, (_ask(script, script.by_id[previous], new),), changed=True)


def _skip(
    script: Script, state: State, question: CompiledQuestion, full: frozenset[str]
) -> Turn:
    if state.probes:  # skipping a probe keeps the answer already given
        return _advance(script, replace(state, probes=0), start=question.index + 1, full=full)
    if question.spec.required:
        return _reask(script, state, question, None, "cannot_skip")
    skipped = replace(state, answers={**state.answers, question.id: None})
    turn = _advance(script, skipped, start=question.index + 1, full=full)
    event = AnswerEvent(question.id, 0, "", None)
    return replace(turn, answers=(event, *turn.answers))


def _pick(
    script: Script, state: State, question: CompiledQuestion, event: Pick, full: frozenset[str]
) -> Turn:
    if event.question_id != question.id or state.probes:
        return Turn(state=state)  # a stale or doubled tap on an earlier question changes nothing
    values = [o.value for o in question.options]
    if question.type == QuestionType.multiple_choice:
        if event.value == DONE:
            picked = check_selection(script, question, list(state.selected), state.language)
            if isinstance(picked, Invalid):
                return _reask(script, state, question, picked.message)
            raw = ", ".join(state.selected)
            answer = AnswerEvent(question.id, 0, raw, picked)
            return _answered(script, state, question, answer, full)
        if event.value not in values:
            return Turn(state=state)
        chosen = set(state.selected) ^ {event.value}
        new = replace(state, selected=tuple(v for v in values if v in chosen), step=state.step + 1)
        return Turn(new, keyboard=_ask(script, question, new), changed=True)
    if question.type not in (QuestionType.single_choice, QuestionType.yes_no, QuestionType.scale):
        return Turn(state=state)
    if event.value not in values:
        return Turn(state=state)
    value: Value = int(event.value) if question.type == QuestionType.scale else event.value
    return _answered(
        script, state, question, AnswerEvent(question.id, 0, event.value, value), full
    )


def _answered(
    script: Script,
    state: State,
    question: CompiledQuestion,
    event: AnswerEvent,
    full: frozenset[str],
) -> Turn:
    answers = {**state.answers, question.id: event.value}
    new = replace(state, answers=answers, selected=())
    if question.eligible_if is not None and not question.eligible_if.holds(_env(new)):
        return _end(script, new, InterviewStatus.screened_out, (event,))
    follow_up = _follow_up(script, new, question, event.raw, digs=0)
    if follow_up is not None:
        probing = replace(new, probes=1, probed=(*new.probed, follow_up), step=new.step + 1)
        return Turn(probing, (_probe_message(script, question, probing),), (event,), changed=True)
    turn = _advance(script, new, start=question.index + 1, full=full)
    return replace(turn, answers=(event, *turn.answers))


def _probe_answer(
    script: Script, state: State, question: CompiledQuestion, raw: str, full: frozenset[str]
) -> Turn:
    text = raw.strip()
    if not text:
        return Turn(state=state, messages=(_probe_message(script, question, state),))
    asked = state.probed[-1] if state.probed else None
    event = AnswerEvent(question.id, state.probes, text, text, asked)
    # After "What else?" the question is done; after a follow-up, maybe one more.
    asked_else = _is_what_else(question, state.probed[-1:])
    follow_up = None if asked_else else _follow_up(script, state, question, text, state.probes)
    if follow_up is not None:
        again = replace(
            state, probes=state.probes + 1, probed=(*state.probed, follow_up), step=state.step + 1
        )
        return Turn(again, (_probe_message(script, question, again),), (event,), changed=True)
    turn = _advance(script, replace(state, probes=0), start=question.index + 1, full=full)
    return replace(turn, answers=(event, *turn.answers))


def _follow_up(
    script: Script, state: State, question: CompiledQuestion, said: str, digs: int
) -> str | None:
    """The probe to ask after `said` (its wording's key), or None to move on.

    A short or vague answer gets a follow-up (at most `max` of them); a full one gets the
    "What else?" when the question asks it. A wording already heard in this interview is never
    used again; when none is left, the interview moves on.
    """
    rule = question.probe
    if rule is None:
        return None
    if _needs_probe(script, question, said, state.language):
        return _fresh(script, rule.dig, state) if digs < rule.max else None
    return _fresh(script, rule.what_else, state)


def _fresh(script: Script, wordings: tuple[ProbeWording, ...], state: State) -> str | None:
    """The first wording not yet heard in this interview (by key or by text) in its language."""
    heard = {_probe_text(script, key, state.language) for key in state.probed} | set(state.probed)
    for wording in wordings:
        text = _wording_text(wording, state.language)
        if text and wording.key not in heard and text not in heard:
            return wording.key
    return None


def _is_what_else(question: CompiledQuestion, keys: tuple[str, ...]) -> bool:
    rule = question.probe
    return bool(rule and keys and any(w.key == keys[0] for w in rule.what_else))


def _wording_text(wording: ProbeWording, lang: str) -> str:
    # Strictly in `lang`: a built-in wording missing there is not asked in another language
    # (the script's own texts are checked to have every translation).
    text = wording.text
    return text if isinstance(text, str) else text.get(lang, "")


def _probe_text(script: Script, key: str, lang: str) -> str:
    """The text of a probe wording by key, whichever question it belongs to."""
    for question in script.questions:
        found = question.probe.wording(key) if question.probe else None
        if found is not None:
            return _wording_text(found, lang)
    return ""


def _needs_probe(script: Script, question: CompiledQuestion, raw: str, lang: str) -> bool:
    rule = question.probe
    if rule is None:
        return False
    vague, phrases = script.vague_answers(lang)
    folded = fold(raw).strip(" .!")
    said = words(raw)
    if folded in vague or len(said) < rule.min_words:
        return True
    # "I really don't know": a vague phrase with hardly anything around it.
    return len(said) <= 4 and any(_contains(tuple(said), phrase) for phrase in phrases)


def _contains(said: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    return size > 0 and any(said[i : i + size] == phrase for i in range(len(said) - size + 1))


def _advance(
    script: Script, state: State, *, start: int, full: frozenset[str] = frozenset()
) -> Turn:
    """Move to the next question whose `when` holds, passing info messages and classifying."""
    history = state.history
    if state.current is not None and state.current not in history[-1:]:
        history = (*history, state.current)
    answers = dict(state.answers)
    withdrawn: list[str] = []
    group = state.group
    over_quota = state.over_quota
    sent: list[Message] = []
    lang = state.language
    classification = script.file.classification
    for question in script.questions[start:]:
        if classification and group is None and question.index >= script.classify_from:
            group = _classify(script, state, answers)
            if group is None and classification.exclude_unclassified:
                ended = replace(state, answers=answers, history=history)
                turn = _end(script, ended, InterviewStatus.excluded, (), sent)
                return replace(turn, withdrawn=tuple(withdrawn))
            if group in full and script.file.study.quota.over_quota is not None:
                if script.file.study.quota.over_quota == OverQuota.close:
                    ended = replace(state, answers=answers, history=history, group=group)
                    turn = _end(script, ended, InterviewStatus.quota_full, (), sent)
                    return replace(turn, withdrawn=tuple(withdrawn))
                over_quota = True
        env = _env(replace(state, answers=answers, group=group))
        if question.when is not None and not question.when.holds(env):
            if question.id in answers:  # given before going back, it no longer applies
                del answers[question.id]
                withdrawn.append(question.id)
            continue
        if question.type == QuestionType.info:
            sent.append(Message(script.pipe(script.text(question.spec.text, lang), lang, answers)))
            continue
        new = replace(
            state,
            current=question.id,
            answers=answers,
            history=history,
            group=group,
            over_quota=over_quota,
            probes=0,
            selected=(),
            step=state.step + 1,
        )
        sent.append(_ask(script, question, new))
        return Turn(new, tuple(sent), changed=True, withdrawn=tuple(withdrawn))
    if classification and group is None:
        group = _classify(script, state, answers)
    # Full by now (others completed meanwhile) or kept over quota: stored apart, never lost.
    over_quota = over_quota or (group in full and script.file.study.quota.over_quota is not None)
    done = replace(state, answers=answers, history=history, group=group, over_quota=over_quota)
    status = InterviewStatus.over_quota if over_quota else InterviewStatus.completed
    turn = _end(script, done, status, (), sent)
    return replace(turn, withdrawn=tuple(withdrawn))


def _classify(script: Script, state: State, answers: Mapping[str, Value]) -> Group | None:
    env = _env(replace(state, answers=answers))
    for group, rules in ((Group.doer, script.doer), (Group.non_doer, script.non_doer)):
        if any(all(condition.holds(env) for condition in rule) for rule in rules):
            return group
    return None


def _end(
    script: Script,
    state: State,
    status: InterviewStatus,
    events: tuple[AnswerEvent, ...],
    sent: list[Message] | None = None,
) -> Turn:
    lang = state.language
    study = script.file.study
    if status in (InterviewStatus.completed, InterviewStatus.over_quota):
        text = script.pipe(script.text(study.closing, lang), lang, state.answers)
    elif status == InterviewStatus.quota_full:
        own = script.text(study.quota.full_message, lang) if study.quota.full_message else None
        text = own or script.message("quota_full", lang)
    else:
        own = script.text(study.screened_out, lang) if study.screened_out else None
        text = own or script.message("screened_out", lang)
    # An ended interview asks nothing more, so its probes need not be remembered.
    ended = replace(
        state, status=status, current=None, probes=0, probed=(), selected=(), step=state.step + 1
    )
    return Turn(ended, (*(sent or []), Message(text)), events, changed=True)


def _env(state: State) -> dict[str, Value]:
    env: dict[str, Value] = dict(state.answers)
    env.update(group=state.group.value if state.group else None, language=state.language,
               source=state.source)
    return env


def _ask(script: Script, question: CompiledQuestion, state: State) -> Message:
    lang = state.language
    text = script.pipe(script.text(question.spec.text, lang), lang, state.answers)
    buttons = tuple(Button(o.value, script.text(o.label, lang)) for o in question.options)
    multiple = question.type == QuestionType.multiple_choice
    if multiple:
        buttons = (*buttons, Button(DONE, script.message("done", lang)))
    countable = [q for q in script.questions if q.type != QuestionType.info]
    position = next((n for n, q in enumerate(countable, 1) if q.id == question.id), 0)
    return Message(
        text=text,
        question_id=question.id,
        buttons=buttons,
        multiple=multiple,
        selected=state.selected,
        progress=(position, len(countable)),
    )


def _probe_message(script: Script, question: CompiledQuestion, state: State) -> Message:
    lang = state.language
    rule = question.probe
    # An interview stored before probes were named has no key: its first wording then.
    wording = rule.wording(state.probed[-1]) if rule and state.probed else None
    if wording is None and rule and rule.dig:
        wording = rule.dig[0]
    template = _wording_text(wording, lang) if wording is not None else ""
    text = template or script.message("probe", lang)
    return Message(script.pipe(text, lang, state.answers), question_id=question.id, probe=True)


def _hint(script: Script, question: CompiledQuestion, lang: str, *, typed: bool) -> str:
    if question.type == QuestionType.multiple_choice:
        return script.message("choose_buttons", lang)
    if question.options and not typed:
        return script.message("choose_button", lang)
    return script.message("text_only", lang)


def _reask(
    script: Script, state: State, question: CompiledQuestion, text: str | None, key: str = ""
) -> Turn:
    notice = text if text is not None else script.message(key, state.language)
    again = (
        _probe_message(script, question, state) if state.probes else _ask(script, question, state)
    )
    # One message, not two: Telegram allows about one message a second per chat.
    return Turn(state=state, messages=(replace(again, text=f"{notice}\n\n{again.text}"),))


__all__ = ["begin", "handle", "option_for", "prompt", "set_language"]
