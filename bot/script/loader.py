"""Load a script file: YAML → schema check → meaning check → compiled `Script`, or every problem at once."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from bot.script import model
from bot.script.checker import find_problems, find_warnings
from bot.script.compiled import Script
from bot.script.compiler import compile_script
from bot.script.expr import ExpressionError
from bot.script.limits import MAX_NUMBER
from bot.script.yamlpos import Located, Position, YamlProblem, locate

SCRIPT_SUFFIXES = (".yaml", ".yml")


def _unstorable_message(char: str) -> str:
    if char == "\0":
        return "this text holds a NUL character (`\\0`), which no database stores; remove it"
    return (
        f"this text holds half of a UTF-16 surrogate pair (`\\u{ord(char):04x}`), which is not "
        "a character; remove it"
    )


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a script, at a place in its file."""

    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


class ScriptError(ValueError):
    """A script that cannot be used; `problems` says why, each with its position."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def load_script(path: str | Path) -> Script:
    """Read, check and compile the script at `path`, or raise `ScriptError`."""
    script, problems = check_file(path)
    if script is None:
        raise ScriptError(problems)
    return script


def check_file(path: str | Path) -> tuple[Script | None, list[Problem]]:
    """Check one file; the script is returned only when there are no problems."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except IsADirectoryError:
        return None, [Problem(name, 1, 1, "this is a folder, not a script file")]
    except OSError as exc:
        return None, [Problem(name, 1, 1, f"cannot read the file: {exc.strerror or exc}")]
    return check_source(raw, name)


def check_source(raw: bytes, path: str = "<script>") -> tuple[Script | None, list[Problem]]:
    """Check script bytes; the script is returned only when there are no problems."""
    try:
        located = locate(raw)
    except YamlProblem as exc:
        return None, [Problem(path, exc.position.line, exc.position.column, str(exc))]
    problems = [
        Problem(path, where.line, where.column, f"`{key[-1]}` appears twice in the same mapping")
        for key, where in located.duplicates
    ]
    for at, offset, char in located.unstorable:
        where = located.inside(at, offset)
        problems.append(Problem(path, where.line, where.column, _unstorable_message(char)))
    data = located.data
    if data is None:
        return None, [Problem(path, 1, 1, "the file is empty; a script starts with `version: 1`")]
    if not isinstance(data, dict):
        return None, [
            Problem(path, 1, 1, "a script is a mapping of keys, starting with `version: 1`")
        ]
    version = data.get("version")
    if version is not None and (isinstance(version, bool) or version != 1):
        where = located.value_at(("version",))
        shown = str(version).lower() if isinstance(version, bool) else repr(version)
        message = f"this script format is version {shown}; this bot reads version 1"
        return None, [Problem(path, where.line, where.column, message)]
    try:
        file = model.ScriptFile.model_validate(data)
    except ValidationError as exc:
        problems += [Problem(path, p.line, p.column, m) for p, m in _schema_problems(exc, located)]
        return None, sorted(problems)
    for found in find_problems(file):
        if found.offset is not None:
            where = located.inside(found.path, found.offset)
        else:
            where = located.key_at(found.path) if found.on_key else located.value_at(found.path)
        problems.append(Problem(path, where.line, where.column, found.message))
    if problems:
        return None, sorted(problems)
    return compile_script(file, raw.decode("utf-8-sig")), []


def script_warnings(script: Script, path: str = "<script>") -> list[Problem]:
    """What `check` points out in a valid script without refusing it (messages start "warning:")."""
    located = locate(script.source.encode())
    return sorted(
        Problem(path, where.line, where.column, found.message)
        for found in find_warnings(script.file)
        for where in [located.key_at(found.path) if found.on_key else located.value_at(found.path)]
    )


def compile_stored(text: str) -> Script:
    """A script stored by an earlier release, compiled without today's meaning checks.

    Interviews keep the script version they began on; one that passed the checks of its day must
    still run when the checks grow stricter. Raises `LookupError` if it cannot be read at all.
    """
    try:
        located = locate(text.encode("utf-8"))
        return compile_script(model.ScriptFile.model_validate(located.data), text)
    except (YamlProblem, ValidationError, ExpressionError) as exc:
        raise LookupError(f"the stored script cannot be compiled: {exc}") from None


def script_paths(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Expand folders into the script files they hold (sorted); files are kept as given."""
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(p for p in path.iterdir() if p.suffix in SCRIPT_SUFFIXES)
        else:
            yield path


def find_script(dialogs_dir: Path, study_id: str) -> Script:
    """The script in `dialogs_dir` whose study id is `study_id`, or raise `LookupError`."""
    found = []
    for path in script_paths([dialogs_dir]):
        script, _ = check_file(path)
        if script is not None:
            found.append(script.study_id)
            if script.study_id == study_id:
                return script
    known = ", ".join(found) or "none"
    raise LookupError(
        f"no valid script for study '{study_id}' in {dialogs_dir} (studies found: {known})"
    )


# --- turning pydantic's errors into sentences for researchers -------------------------------------

_FIELD_NAMES = sorted(
    {
        name
        for cls in vars(model).values()
        if isinstance(cls, type) and issubclass(cls, BaseModel)
        for name in cls.model_fields
    }
)
_PATTERN_HINTS = {
    r"^[a-z][a-z0-9_]*$": "is not a valid id: use lower-case letters, digits and _, starting with a letter",
    r"^[A-Za-z0-9_.-]+$": "is not a valid choice value: use letters, digits, _, . or - (no spaces)",
    r"^[a-z]{2,3}$": "is not a language code; use a code such as en, fr or es",
}


# How pydantic names the members of a union in an error's location (`str | dict[...]`).
_UNION_TAGS = ("str", "int", "float", "bool")


def _data_path(loc: tuple[int | str, ...], data: Any) -> tuple[str | int, ...]:
    """Follow pydantic's location through the data, dropping union-member tags it inserts."""
    path: list[str | int] = []
    node = data
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_dict or in_list:
            node = node[part]
            path.append(part)
        elif (
            last
            and isinstance(node, dict)
            and isinstance(part, str)
            and "[" not in part
            and part not in _UNION_TAGS
        ):
            path.append(part)
    return tuple(path)


def _schema_problems(exc: ValidationError, located: Located) -> list[tuple[Position, str]]:
    by_path: dict[tuple[str | int, ...], list[dict[str, Any]]] = {}
    for error in exc.errors():
        path = _data_path(error["loc"], located.data)
        by_path.setdefault(path, []).append(dict(error))
    out: list[tuple[Position, str]] = []
    for path, errors in by_path.items():
        deeper = any(len(other) > len(path) and other[: len(path)] == path for other in by_path)
        kinds = {e["type"] for e in errors}
        shallow = {"string_type", "dict_type", "list_type", "string_pattern_mismatch", "literal_error"}
        if deeper and kinds <= shallow:
            continue  # another member of the union got further; its errors say more
        if {"string_type", "dict_type"} <= kinds:
            message = "expected a text, or a mapping from language code to text (e.g. `en: Hello`)"
        elif "list_type" in kinds and "string_type" in kinds:
            message = "expected a list of choices, or the name of a list under `choice_lists`"
        else:
            message = _sentence(errors[0], path)
        missing = errors[0]["type"] == "missing"
        where = located.value_at(path[:-1]) if missing else None
        if errors[0]["type"] == "extra_forbidden":
            where = located.key_at(path)
        out.append((where or located.value_at(path), message))
    return out


def _sentence(error: dict[str, Any], path: tuple[str | int, ...]) -> str:
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    name = str(path[-1]) if path else "script"
    if kind == "missing":
        return f"missing `{name}`" + (
            ": a script starts with `version: 1`" if name == "version" else ""
        )
    if kind == "extra_forbidden":
        if name in _FIELD_NAMES:  # a real key in the wrong place: most often, the wrong indentation
            return f"`{name}` does not belong here; is it indented as intended?"
        close = difflib.get_close_matches(name, _FIELD_NAMES, n=1, cutoff=0.7)
        return f"unknown key `{name}`" + (f"; did you mean `{close[0]}`?" if close else "")
    if kind == "literal_error":
        return f"`{name}` must be {ctx.get('expected', 'one of the allowed values')}"
    if kind == "enum":
        return f"`{value}` is not allowed for `{name}`; use one of {ctx.get('expected')}"
    if kind == "string_pattern_mismatch":
        hint = _PATTERN_HINTS.get(str(ctx.get("pattern")), "has characters that are not allowed")
        return f"`{value}` {hint}"
    if kind == "string_too_long":
        return f"`{value}` is too long (at most {ctx.get('max_length')} characters)"
    if kind in ("too_short", "string_too_short"):
        return "an empty text is not allowed here" if isinstance(path[-1], int) else (
            f"`{name}` must not be empty"
        )
    if kind == "model_type" and len(path) >= 2 and path[-2] == "questions":
        return f"each question is a mapping with `id`, `type` and `text`, not {_describe(value)}"
    if kind == "model_type" and name == "probe":
        return "`probe` is false (never probe) or a mapping such as `{max: 2, min_words: 3}`"
    if kind == "model_type" and name in ("doer", "non_doer"):
        return f'`{name}` is a list of groups of conditions, e.g. `{{any: [{{all: ["days >= 3"]}}]}}`'
    if kind == "model_type":
        return f"`{name}` should be a mapping of keys, not {_describe(value)}"
    if kind in ("string_type", "dict_type", "list_type"):
        wanted = {"string_type": "a text", "dict_type": "a mapping", "list_type": "a list"}[kind]
        return f"`{name}` should be {wanted}, not {_describe(value)}"
    if kind in ("float_type", "float_parsing") and isinstance(value, int) and value is not True:
        return (  # a whole number too long for a float: YAML reads 400 nines as an integer
            f"`{name}` is beyond what can be stored exactly; keep numbers between "
            f"-{MAX_NUMBER:,} and {MAX_NUMBER:,}"
        )
    if kind in ("float_type", "float_parsing", "int_type", "int_parsing"):
        return f"`{name}` should be a number, not {_describe(value)}"
    if name == "prevalence" and kind in ("greater_than", "less_than"):
        return "`prevalence` is a share between 0 and 1, e.g. 0.15 for 15 %"
    bounds = {
        "greater_than_equal": ("at least", "ge"),
        "less_than_equal": ("at most", "le"),
        "greater_than": ("more than", "gt"),
        "less_than": ("less than", "lt"),
    }
    if kind in bounds:
        words, key = bounds[kind]
        return f"`{name}` should be {words} {ctx.get(key)}, not {_describe(value)}"
    if kind == "finite_number":
        return f"`{name}` should be an ordinary number, not {_describe(value)}"
    if kind.startswith("date_"):  # date_parsing, date_from_datetime_parsing, date_type…
        return f"`{name}` should be a day written year-month-day, e.g. 2026-03-01, not `{value}`"
    if kind in ("bool_type", "bool_parsing"):
        return f"`{name}` should be true or false, not {_describe(value)}"
    message = str(error["msg"]).replace("Input should be", "should be")
    return f"`{name}` {message[0].lower()}{message[1:]}" if message else f"`{name}` is not valid"


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    text = str(value)
    return f"`{text[:40]}…`" if len(text) > 40 else f"`{text}`"
