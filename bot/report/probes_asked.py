"""What the bot asked before each follow-up answer, as the exports show it.

Storage keeps a follow-up's probe wording by key (`what_else.perceived_access`, `own.q7`…); an
analyst reads the wording itself, in the language the respondent was interviewed in, and whether
it dug after a short or vague answer (`dig`) or asked "What else?" after a full one
(`what_else`). {behaviour} and {problem} are filled in; a placeholder naming a question stays as
written (`{q3}`), since it stood for that respondent's own answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.script import CompiledQuestion, ProbeRule, ProbeWording, Script
from bot.script.compiled import placeholders


@dataclass(frozen=True, slots=True)
class AskedProbe:
    """A probe as the exports show it; every field is "" when not known."""

    kind: str  # "dig" or "what_else"
    key: str
    text: str


UNKNOWN = AskedProbe("", "", "")


class ProbesAsked:
    """Looks up what each stored probe key reads as, once per (question, key, language)."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self._known: dict[tuple[str, str, str | None], AskedProbe] = {}

    def asked(self, question_id: str, key: str | None, language: str | None) -> AskedProbe:
        """The probe asked before a follow-up answer (`key` None: recorded before it was kept)."""
        if not key:
            return UNKNOWN
        found = self._known.get((question_id, key, language))
        if found is None:
            found = self._known[(question_id, key, language)] = self._look_up(
                question_id, key, language
            )
        return found

    def _look_up(self, question_id: str, key: str, language: str | None) -> AskedProbe:
        script = self.script
        lang = script.language(language)
        own = script.by_id.get(question_id)
        # The question's own rule first; a question the script no longer has (an answer from an
        # older version) may still share a built-in wording with another.
        rules = [r for r in (_rule(own), *(_rule(q) for q in script.questions)) if r is not None]
        for rule in rules:
            wording = rule.wording(key)
            kind = rule.kind(key)
            if wording is not None and kind is not None:
                return AskedProbe(kind.value, key, self._text(wording, lang))
        return AskedProbe("", key, "")

    def _text(self, wording: ProbeWording, lang: str) -> str:
        text = wording.text
        template = text if isinstance(text, str) else text.get(lang, "")
        if not template:  # never asked in that language; the bot's generic probe stood in
            template = self.script.message("probe", lang)
        verbatim = {name: f"{{{name}}}" for name in placeholders(template)}
        return self.script.pipe(template, lang, verbatim)


def _rule(question: CompiledQuestion | None) -> ProbeRule | None:
    return question.probe if question is not None else None
