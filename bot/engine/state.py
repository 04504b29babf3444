"""The engine's values: an interview's state, what comes in, and what goes out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any, Literal

Value = str | int | float | list[str] | None
CONSENT = "_consent"  # pseudo question id of the consent buttons (never a valid script id)
DONE = "_done"  # value of the multiple-choice "Done" button


class Status(StrEnum):
    """Where an interview stands."""

    consent = "consent"
    active = "active"
    completed = "completed"
    screened_out = "screened_out"
    excluded = "excluded"
    declined = "declined"
    quota_full = "quota_full"  # classified into a group whose quota was full, and thanked
    over_quota = "over_quota"  # completed, but after the group's quota was full: kept apart

    @property
    def ended(self) -> bool:
        """Whether the interview is over (only a restart continues it)."""
        return self not in (Status.consent, Status.active)


@dataclass(frozen=True)
class State:
    """An interview's whole state: small, JSON-serialisable, persisted after every step."""

    status: Status
    language: str
    step: int = 0
    current: str | None = None
    probes: int = 0
    answers: Mapping[str, Value] = field(default_factory=dict)
    history: tuple[str, ...] = ()
    selected: tuple[str, ...] = ()
    group: str | None = None
    source: str | None = None
    # The probes asked in this interview (wording keys), the last one being the current probe:
    # nobody hears the same probe twice.
    probed: tuple[str, ...] = ()
    # Classified into a group whose quota was full, and kept (the script's `over_quota: keep`).
    over_quota: bool = False

    def to_dict(self) -> dict[str, Any]:
        """A plain dict for JSON storage."""
        data = asdict(self)
        data["status"] = self.status.value
        data["answers"] = dict(self.answers)
        data["history"] = list(self.history)
        data["selected"] = list(self.selected)
        data["probed"] = list(self.probed)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> State:
        """The state back from `to_dict`'s output."""
        return cls(
            status=Status(data["status"]),
            language=str(data["language"]),
            step=int(data.get("step", 0)),
            current=data.get("current"),
            probes=int(data.get("probes", 0)),
            answers=dict(data.get("answers", {})),
            history=tuple(data.get("history", ())),
            selected=tuple(data.get("selected", ())),
            group=data.get("group"),
            source=data.get("source"),
            probed=tuple(data.get("probed", ())),
            over_quota=bool(data.get("over_quota", False)),
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

    name: Literal["back", "skip", "restart"]


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
    """An answer to record: probe 0 is the answer itself, 1.. are probe follow-ups."""

    question_id: str
    probe: int
    raw: str
    value: Value


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
