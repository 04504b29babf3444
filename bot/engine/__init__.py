"""The interview engine: pure decisions from (script, state, input); adapters do all I/O."""

from bot.engine.engine import begin, handle, prompt, set_language
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

__all__ = [
    "CONSENT",
    "DONE",
    "AnswerEvent",
    "Button",
    "Command",
    "Input",
    "Message",
    "Pick",
    "State",
    "TextInput",
    "Turn",
    "Unsupported",
    "Value",
    "begin",
    "handle",
    "prompt",
    "set_language",
]
