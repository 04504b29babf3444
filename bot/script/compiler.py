"""Compile a checked script into the engine's form."""

from __future__ import annotations

from bot.script import expr
from bot.script.compiled import (
    CompiledQuestion,
    Option,
    ProbeRule,
    ProbeWording,
    Script,
    builtin_messages,
    builtin_probes,
)
from bot.script.model import Question, QuestionType, ScriptFile
from bot.script.parts import choices_of, names_in, rule_sources, scale_range
from bot.vocabulary import GROUPS, Group

_Q = QuestionType


def compile_script(file: ScriptFile, source: str) -> Script:
    """Build the engine's form of a script that passed every check."""
    builtin = builtin_messages()
    messages = {
        lang: {**builtin.get(lang, builtin["en"]), **file.messages.get(lang, {})}
        for lang in file.study.languages
    }
    questions = tuple(
        CompiledQuestion(
            spec=q,
            index=i,
            options=_options(file, q, messages),
            when=expr.parse(q.when) if q.when else None,
            eligible_if=expr.parse(q.eligible_if) if q.eligible_if else None,
            probe=_probe(file, q, messages),
        )
        for i, q in enumerate(file.questions)
    )
    by_id = {q.id: q for q in questions}
    rules = {
        side: tuple(
            tuple(expr.parse(s) for s in group.all)
            for group in (getattr(file.classification, side).any if file.classification else [])
        )
        for side in GROUPS
    }
    ruled = {name for _, source in rule_sources(file) for name in names_in(source)}
    classify_from = 1 + max((by_id[n].index for n in ruled if n in by_id), default=-1)
    return Script(
        file=file,
        source=source,
        questions=questions,
        messages=messages,
        doer=rules[Group.doer],
        non_doer=rules[Group.non_doer],
        classify_from=classify_from,
        by_id=by_id,
    )


def _options(
    file: ScriptFile, q: Question, messages: dict[str, dict[str, str]]
) -> tuple[Option, ...]:
    if q.type == _Q.yes_no:
        return tuple(Option(v, {lang: m[v] for lang, m in messages.items()}) for v in ("yes", "no"))
    if q.type == _Q.scale:
        low, high = (int(v) for v in scale_range(q))
        options = []
        for point in range(low, high + 1):
            end = q.min_label if point == low else q.max_label if point == high else None
            label: dict[str, str] = {}
            for lang in file.study.languages:
                words = "" if end is None else end if isinstance(end, str) else end.get(lang, "")
                label[lang] = f"{point} — {words}" if words else str(point)
            options.append(Option(str(point), label))
        return tuple(options)
    return tuple(Option(c.value, c.label) for c in choices_of(file, q))


def _probe(file: ScriptFile, q: Question, messages: dict[str, dict[str, str]]) -> ProbeRule | None:
    if q.type != _Q.text or q.probe is False:
        return None
    if q.probe is None and not (q.determinant or q.competing):
        return None  # only research questions are probed unless the researcher asks for it
    own = q.probe or None
    most = own.max if own and own.max is not None else file.probing.max_per_question
    asks_else = own.what_else if own and own.what_else is not None else file.probing.what_else
    topic = q.determinant or (q.competing.value if q.competing else None)
    dig = _wordings(file, q, topic, messages) if most else ()
    what_else = _else_wordings(file, topic) if asks_else else ()
    if not dig and not what_else:
        return None
    return ProbeRule(
        min_words=(own.min_words if own and own.min_words else None) or file.probing.min_words,
        max=most if dig else 0,
        dig=dig,
        what_else=what_else,
    )


def _wordings(
    file: ScriptFile, q: Question, topic: str | None, messages: dict[str, dict[str, str]]
) -> tuple[ProbeWording, ...]:
    """Ways to ask for more after a short or vague answer: the script's own first."""
    probing = file.probing
    found: list[ProbeWording] = []
    if q.probe and q.probe.text is not None:
        found.append(ProbeWording(f"own.{q.id}", q.probe.text))
    if topic and topic in probing.by_determinant:
        found.append(ProbeWording(f"study.{topic}", probing.by_determinant[topic]))
    if probing.text is not None:
        found.append(ProbeWording("study", probing.text))
    # The bot's `probe` text, reworded by the script, is the script's own wording too.
    generic = ProbeWording("probe", {lang: m["probe"] for lang, m in messages.items()})
    reworded = any("probe" in own for own in file.messages.values())
    if reworded:
        found.append(generic)
    if topic:
        found += _builtin(file, "dig", topic)
    if not reworded:
        found.append(generic)
    found += _builtin(file, "more", None)
    return tuple(found)


def _else_wordings(file: ScriptFile, topic: str | None) -> tuple[ProbeWording, ...]:
    """Ways to ask "What else?": worded for the question's topic first."""
    return (*(_builtin(file, "what_else", topic) if topic else ()),
            *_builtin(file, "what_else_more", None))


def _builtin(file: ScriptFile, kind: str, topic: str | None) -> list[ProbeWording]:
    """Built-in wordings in the script's languages: one for `topic`, or a kind's general list."""
    texts: dict[str, list[str]] = {}
    for lang in file.study.languages:
        entry = builtin_probes().get(lang, {}).get(kind)
        if topic is not None and isinstance(entry, dict) and topic in entry:
            texts[lang] = [entry[topic]]
        elif topic is None and isinstance(entry, list):
            texts[lang] = entry
    if not texts:
        return []
    count = max(len(found) for found in texts.values())
    name = f"{kind}.{topic}" if topic else kind
    return [
        ProbeWording(
            f"{name}.{n}" if topic is None else name,
            {lang: found[n] for lang, found in texts.items() if n < len(found)},
        )
        for n in range(count)
    ]
