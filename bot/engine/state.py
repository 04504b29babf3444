"""The engine's values: an interview's state, what comes in, and what goes out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from bot.vocabulary import Group, InterviewStatus

Value = str | int | float | list[str] | None
CONSENT = "_consent"  # pseudo question id of the consent buttons (never a valid script id)
DONE = "_done"  # value of the multiple-choice "Done" button
_CONSENT_STATUS = "consent"  # how states stored before `State.consented` said "asking consent"


@dataclass(frozen=True)
class State:
    """An interview's whole state: small, JSON-serialisable, persisted after every step.

    `status` is the interview's status as storage keeps it and exports show it; an active
    interview that has not been consented to yet (`consented` False) asks only for consent.
    """

    status: InterviewStatus
    language: str
    step: int = 0
    current: str | None = None
    probes: int = 0
    answers: Mapping[str, Value] = field(default_factory=dict)
    history: tuple[str, ...] = ()
    selected: tuple[str, ...] = ()
    group: Group | None = None
    source: str | None = None
    consented: bool = True
    # The probes asked in this interview (wording keys), the last one being the current probe:
    # nobody hears the same probe twice.
    probed: tuple[str, ...] = ()
    # Classified into a group whose quota was full, and kept (the script's `over_quota: keep`).
    over_quota: bool = False

    @property
    def asking_consent(self) -> bool:
        """Whether the interview waits for the respondent to say yes or no to taking part."""
        return self.status == InterviewStatus.active and not self.consented

    def to_dict(self) -> dict[str, Any]:
        """A plain dict for JSON storage."""
        data = asdict(self)
        data["status"] = self.status.value
        data["group"] = self.group.value if self.group else None
        data["answers"] = dict(self.answers)
        data["history"] = list(self.history)
        data["selected"] = list(self.selected)
        data["probed"] = list(self.probed)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> State:
        """The state back from `to_dict`'s output."""
        status, consented = str(data["status"]), bool(data.get("consented", True))
        if status == _CONSENT_STATUS:  # states stored before consent became a flag
            status, consented = InterviewStatus.active, False
        group = data.get("group")
        return cls(
            status=InterviewStatus(status),
            language=str(data["language"]),
            step=int(data.get("step", 0)),
            current=data.get("current"),
            probes=int(data.get("probes", 0)),
            answers=dict(data.get("answers", {})),
            history=tuple(data.get("history", ())),
            selected=tuple(data.get("selected", ())),
            group=Group(group) if group else None,
            source=data.get("source"),
            probed=tuple(data.get("probed", ())),
            over_quota=bool(data.get("over_quota", False)),
            consented=consented,
        )


@dataclass(frozen=True)
class TextInput:
    """A typed message."""

    text: str


@dataclass(frozen=True)
class Pick:
    """A pressed button: the question it belongs to and the option's value."""

    question_id: str
    value: str


@dataclass(frozen=True)
class Command:
    """One of the engine's commands."""

    name: Literal["back", "skip", "restart", "pause", "resume"]


@dataclass(frozen=True)
class Unsupported:
    """Something the engine cannot read as an answer (a sticker, a photo, a voice note…)."""

    kind: str


Input = TextInput | Pick | Command | Unsupported


@dataclass(frozen=True)
class Button:
    """One option shown to the respondent."""

    value: str
    label: str


@dataclass(frozen=True)
class Message:
    """One message to send; `question_id` is set when it asks something."""

    text: str
    question_id: str | None = None
    buttons: tuple[Button, ...] = ()
    multiple: bool = False
    selected: tuple[str, ...] = ()
    progress: tuple[int, int] | None = None
    probe: bool = False


@dataclass(frozen=True)
class AnswerEvent:
    """An answer to record: probe 0 is the answer itself, 1.. are probe follow-ups.

    `asked` is the key of the probe wording a follow-up answers (None for the answer itself, and
    for a probe of an interview stored before probes were named).
    """

    question_id: str
    probe: int
    raw: str
    value: Value
    asked: str | None = None


@dataclass(frozen=True)
class Turn:
    """The engine's decision: the new state, what to send, and what to record."""

    state: State
    messages: tuple[Message, ...] = ()
    answers: tuple[AnswerEvent, ...] = ()
    keyboard: Message | None = (
        None  # a new look for the question's buttons (multiple-choice toggles)
    )
    changed: bool = False
    cleared: bool = False  # a restart: earlier answers of this interview no longer count
    # Questions whose earlier answers no longer count (with their probes): after /back changed an
    # answer, a branch it had opened is closed again. Storage deletes them with this turn.
    withdrawn: tuple[str, ...] = ()
