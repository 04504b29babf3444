"""The interview script language: models, conditions, loading and checking. Pure: no I/O but reading files."""

from bot.script.compiled import (
    CompiledQuestion,
    Option,
    ProbeKind,
    ProbeRule,
    ProbeWording,
    Script,
)
from bot.script.loader import (
    Problem,
    ScriptError,
    check_file,
    check_source,
    find_script,
    load_script,
)
from bot.script.model import Competing, Determinant, QuestionType, ScriptFile

__all__ = [
    "Competing",
    "CompiledQuestion",
    "Determinant",
    "Option",
    "ProbeKind",
    "ProbeRule",
    "ProbeWording",
    "Problem",
    "QuestionType",
    "Script",
    "ScriptError",
    "ScriptFile",
    "check_file",
    "check_source",
    "find_script",
    "load_script",
]
