"""A respondent talking to the pure engine, their state kept the way an adapter keeps it."""

from __future__ import annotations

from bot.engine import CONSENT, AnswerEvent, Input, Pick, TextInput, Turn, begin, handle
from bot.script import Script


class Interview:
    """One respondent talking to the engine, keeping the state the way an adapter would."""

    def __init__(self, script: Script, language: str | None = None) -> None:
        self.script = script
        self.last = begin(script, language=language)
        self.state = self.last.state
        self.recorded: list[AnswerEvent] = []

    def send(self, event: Input) -> Turn:
        """Hand one input to the engine and keep what it decided."""
        self.last = handle(self.script, self.state, event)
        self.state = self.last.state
        self.recorded += self.last.answers
        return self.last

    def say(self, *texts: str) -> Turn:
        """Type one or more messages, in order."""
        for text in texts:
            self.send(TextInput(text))
        return self.last

    def tap(self, value: str, question_id: str | None = None) -> Turn:
        """Press a button of the question on screen (or of another one)."""
        return self.send(Pick(question_id or self.state.current or CONSENT, value))

    def texts(self) -> list[str]:
        """What the bot said last."""
        return [m.text for m in self.last.messages]


def started(script: Script, *texts: str, language: str | None = None) -> Interview:
    """An interview past consent, with these answers typed."""
    interview = Interview(script, language)
    interview.tap("yes")
    interview.say(*texts)
    return interview


