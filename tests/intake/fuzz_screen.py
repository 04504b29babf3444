"""What a simulated respondent sees: which question the bot is asking, read from the chat itself.

The fuzz test never asks storage or the engine what the current question is: like a person, the
respondent reads the newest bot message that asks something and recognises the question by its
text (in any of the script's languages). An answer then means "my answer to *that* question".
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from bot.script import QuestionType, Script
from bot.testing.fake_bot_api import FakeBotApi
from bot.testing.fake_objects import SentMessage

CHECK = "✓ "  # how the bot marks a picked option on a multiple-choice keyboard
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


class Seen(enum.Enum):
    """What the newest asking message is."""

    CONSENT = "consent"
    QUESTION = "question"
    PROBE = "probe"  # a follow-up: of the question the respondent answered last
    ENDED = "ended"  # closing, screened out, declined or finished
    NOTHING = "nothing"  # the bot has asked nothing yet


@dataclass(frozen=True)
class Screen:
    """The question on screen, in which language, on which message, with which buttons."""

    seen: Seen
    question_id: str | None = None
    lang: str | None = None
    message: SentMessage | None = None

    @property
    def buttons(self) -> list[str]:
        """Callback data of the asking message's buttons (empty once answered)."""
        return self.message.button_data if self.message is not None else []

    def marked(self) -> set[str]:
        """Callback data of the buttons shown as picked (multiple choice)."""
        if self.message is None or self.message.reply_markup is None:
            return set()
        rows = self.message.reply_markup.get("inline_keyboard", [])
        return {b["callback_data"] for row in rows for b in row
                if b.get("text", "").startswith(CHECK) and "callback_data" in b}


def _pattern(script: Script, template: str, lang: str) -> re.Pattern[str]:
    """A template as a regex: study phrases literal, piped earlier answers as wildcards."""
    fixed = {"behaviour": script.text(script.file.study.behaviour, lang),
             "problem": script.text(script.file.study.problem, lang)}
    parts = _PLACEHOLDER.split(template)
    regex = "".join(re.escape(part) if n % 2 == 0 else
                    re.escape(fixed[part]) if part in fixed else ".+?"
                    for n, part in enumerate(parts))
    return re.compile(regex, re.DOTALL)


class ScreenReader:
    """Recognises the script's questions, probes, consent and endings in the bot's messages."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self._known: list[tuple[re.Pattern[str], Seen, str | None, str]] = []
        study = script.file.study
        for lang in script.languages:
            def add(template: str | None, seen: Seen, qid: str | None = None,
                    lang: str = lang) -> None:
                if template:
                    self._known.append((_pattern(script, template, lang), seen, qid, lang))

            add(script.text(study.consent, lang), Seen.CONSENT)
            for question in script.questions:
                if question.type != QuestionType.info:
                    add(script.text(question.spec.text, lang), Seen.QUESTION, question.id)
                rule = question.probe
                for wording in (*rule.dig, *rule.what_else) if rule is not None else ():
                    add(script.text(wording.text, lang), Seen.PROBE)
            add(script.message("probe", lang), Seen.PROBE)
            for ending in (study.closing, study.screened_out):
                add(script.text(ending, lang) if ending else None, Seen.ENDED)
            for key in ("declined", "finished", "screened_out", "quota_full"):
                add(script.message(key, lang), Seen.ENDED)
        # Longest first: a text that contains a shorter one is the more specific match.
        self._known.sort(key=lambda known: -len(known[0].pattern))

    def recognise(self, text: str) -> tuple[Seen, str | None, str | None] | None:
        """What a message asks, if anything: (kind, question id, language)."""
        for pattern, seen, qid, lang in self._known:
            if pattern.search(text):
                return seen, qid, lang
        return None

    def read(self, fake: FakeBotApi, chat_id: int) -> Screen:
        """The newest message of the bot in the chat that asks or ends something."""
        for message in reversed(fake.sent_messages(chat_id)):
            found = self.recognise(message.text or "")
            if found is not None:
                seen, qid, lang = found
                return Screen(seen, qid, lang, message)
        return Screen(Seen.NOTHING)
