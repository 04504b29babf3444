"""Read YAML into plain data while remembering where every key and value stands in the file."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from bot.script.limits import unstorable_character

Path = tuple[str | int, ...]
MAX_BYTES = 1_000_000
MAX_NODES = 200_000


@dataclass(frozen=True, order=True)
class Position:
    """A 1-based line and column in a file."""

    line: int
    column: int


class YamlProblem(ValueError):
    """The file cannot be read as YAML at all."""

    def __init__(self, message: str, position: Position) -> None:
        super().__init__(message)
        self.position = position


@dataclass
class Located:
    """Plain data plus the position of each value (and of each mapping key) by path."""

    data: Any
    values: dict[Path, Position]
    keys: dict[Path, Position]
    duplicates: list[tuple[Path, Position]]
    # Where the text of a one-line scalar starts, when it stands in the file exactly as read
    # (no escapes, no folding): a character inside it can then be pointed at exactly.
    texts: dict[Path, Position] = field(default_factory=dict)
    # Values holding a character no database stores (NUL, half a surrogate pair): where and which.
    unstorable: list[tuple[Path, int, str]] = field(default_factory=list)

    def value_at(self, path: Path) -> Position:
        """The position of the value at `path`, or of its nearest ancestor that exists."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.values:
                return self.values[path[:end]]
        return Position(1, 1)

    def inside(self, path: Path, offset: int) -> Position:
        """The position of the character `offset` into the value at `path`, if it can be known."""
        start = self.texts.get(path)
        if start is None:
            return self.value_at(path)
        return Position(start.line, start.column + offset)

    def key_at(self, path: Path) -> Position:
        """The position of the key that names `path`, falling back to the value's position."""
        return self.keys.get(path) or self.value_at(path)


class ScriptLoader(yaml.SafeLoader):
    """YAML 1.2-style scalars: only true/false are booleans, so `yes`, `no`, `on` and `off` stay
    words; dates stay text (the script model reads `opens: 2026-03-01` itself, and a mistyped
    `2026-13-01` is then a script problem, not a crash)."""


_WORDS_NOT_VALUES = ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
ScriptLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _WORDS_NOT_VALUES]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
ScriptLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


# PyYAML's words for the mistakes people make most, said the way a researcher can act on.
_HINTS = {
    "found character '\\t' that cannot start any token": (
        "a tab is not allowed here; indent with spaces"
    ),
    "but found another document": (
        "a script is one YAML document; remove the `---` line and what follows it"
    ),
}


def load_yaml(text: str) -> Any:
    """Load YAML text with the script loader's rules (used for the built-in messages too)."""
    return yaml.load(text, Loader=ScriptLoader)


def _position(node: yaml.Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


def locate(raw: bytes) -> Located:
    """Parse `raw` as one YAML document; raise `YamlProblem` with a position if that fails."""
    if len(raw) > MAX_BYTES:
        raise YamlProblem(
            f"the file is {len(raw):,} bytes; a script must be under {MAX_BYTES:,} bytes",
            Position(1, 1),
        )
    if b"\x00" in raw:
        raise YamlProblem("this is not a text file; a script is a YAML text file", Position(1, 1))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlProblem(
            "the file is not UTF-8 text; save it as UTF-8 in your editor", Position(line, 1)
        ) from None
    try:
        loader = ScriptLoader(text)  # one parse: the nodes (for positions), then the data
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Position(mark.line + 1, mark.column + 1) if mark else Position(1, 1)
        reason = (exc.problem or "unreadable YAML").rstrip(".")
        reason = _HINTS.get(reason, reason)
        if reason.endswith("but got '?'"):  # `{en: Why?}`: almost every question ends in `?`
            reason = 'inside { } a `?` ends the text; put the text in quotes, e.g. {en: "Why?"}'
        raise YamlProblem(f"not valid YAML: {reason}", where) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"not valid YAML: {exc}", Position(1, 1)) from None
    except RecursionError:
        raise YamlProblem("the YAML is nested too deeply", Position(1, 1)) from None
    located = Located(data, {}, {}, [])
    if root is not None:
        _walk(root, (), located, set(), text)
    return located


def _walk(node: yaml.Node, path: Path, out: Located, seen: set[int], text: str) -> None:
    # Aliases point at nodes already walked; visiting them again could explode ("billion laughs").
    if id(node) in seen:
        return
    seen.add(id(node))
    if len(seen) > MAX_NODES:
        raise YamlProblem("the file has too many values to be an interview script", _position(node))
    out.values[path] = _position(node)
    if isinstance(node, yaml.ScalarNode):
        _note_text(node, path, out, text)
    if isinstance(node, yaml.MappingNode):
        names: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
            child = (*path, key)
            if key in names:
                out.duplicates.append((child, _position(key_node)))
            names.add(key)
            out.keys.setdefault(child, _position(key_node))
            _walk(value_node, child, out, seen, text)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), out, seen, text)


def _note_text(node: yaml.ScalarNode, path: Path, out: Located, text: str) -> None:
    bad = unstorable_character(node.value)
    if bad is not None:
        out.unstorable.append((path, bad, node.value[bad]))
    start, end = node.start_mark, node.end_mark
    if start.line != end.line:
        return
    raw = text[start.index : end.index]
    quoted = node.style in ("'", '"')
    if node.style is None and raw == node.value:
        out.texts[path] = _position(node)
    elif quoted and raw[1:-1] == node.value:
        out.texts[path] = Position(start.line + 1, start.column + 2)
