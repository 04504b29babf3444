"""XLSForm conditions (XPath, as written in `relevant`) translated into our condition language.

Covered: `${q}`, quoted texts, numbers, `= != < <= > >=`, `and`, `or`, `not(…)`, parentheses,
`selected(${q}, 'v')`, `count-selected(${q})`, `string-length(${q})`, comparing with `''` (answered
or not), `true()` and `false()`. Anything else raises `Untranslatable` saying what, so the
converter can list it instead of guessing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_TOKEN = re.compile(
    r"\s*(?:(?P<ref>\$\{[^}]*\})|(?P<str>'[^']*'|\"[^\"]*\")|(?P<num>\d+(?:\.\d+)?)"
    r"|(?P<op>!=|<=|>=|=|<|>|\(|\)|,)|(?P<word>[A-Za-z_][\w:.-]*(?=\s*\()|and\b|or\b|div\b|mod\b)"
    r"|(?P<dot>\.(?![\d]))|(?P<other>\S+))"
)
_COMPARE = {"=": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


class Untranslatable(ValueError):
    """A condition we cannot say in our language; the message says which part."""


@dataclass
class _Token:
    kind: str
    text: str


class _Parser:
    """Recursive descent over the tokens, building our condition text."""

    def __init__(self, source: str, name: Callable[[str], str], value: Callable[[str], str],
                 dot: str | None) -> None:
        self.tokens = [_Token(m.lastgroup or "", (m.group(m.lastgroup or "") or "").strip())
                       for m in _TOKEN.finditer(source) if m.lastgroup]
        self.at = 0
        self.name = name
        self.value = value
        self.dot = dot

    def peek(self) -> _Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self, text: str | None = None) -> _Token:
        token = self.peek()
        if token is None or (text is not None and token.text != text):
            raise Untranslatable(f"expected {text or 'more'} in the condition")
        self.at += 1
        return token

    def parse(self) -> str:
        result = self.either()
        if self.peek() is not None:
            raise Untranslatable(f"cannot read `{self.peek().text}`")  # type: ignore[union-attr]
        if re.fullmatch(r"'[^']*'|\"[^\"]*\"|-?[\d.]+", result):
            raise Untranslatable(f"`{result}` alone is not a condition")
        return result

    def either(self) -> str:
        parts = [self.both()]
        while (token := self.peek()) is not None and token.text == "or":
            self.take()
            parts.append(self.both())
        return parts[0] if len(parts) == 1 else "(" + " or ".join(parts) + ")"

    def both(self) -> str:
        parts = [self.compare()]
        while (token := self.peek()) is not None and token.text == "and":
            self.take()
            parts.append(self.compare())
        return parts[0] if len(parts) == 1 else "(" + " and ".join(parts) + ")"

    def compare(self) -> str:
        left = self.operand()
        token = self.peek()
        if token is None or token.text not in _COMPARE:
            return left
        self.take()
        right = self.operand()
        if right == "''" or left == "''":
            subject = left if right == "''" else right
            if not _is_name(subject):
                raise Untranslatable("only a question can be compared with ''")
            if token.text == "=":
                return f"not answered({subject})"
            if token.text == "!=":
                return f"answered({subject})"
            raise Untranslatable("'' can only be compared with = or !=")
        return f"{left} {_COMPARE[token.text]} {right}"

    def operand(self) -> str:
        token = self.take()
        if token.kind == "ref":
            return self.name(token.text[2:-1])
        if token.kind == "dot":
            if self.dot is None:
                raise Untranslatable("`.` (the answer itself) only means something in a constraint")
            return self.dot
        if token.kind == "str":
            return repr(self.value(token.text[1:-1]))
        if token.kind == "num":
            return token.text
        if token.text == "(":
            inner = self.either()
            self.take(")")
            return inner
        if token.kind == "word":
            return self.call(token.text)
        raise Untranslatable(f"cannot read `{token.text}`")

    def call(self, function: str) -> str:
        self.take("(")
        args: list[str] = []
        while (token := self.peek()) is not None and token.text != ")":
            args.append(self.either())
            if (token := self.peek()) is not None and token.text == ",":
                self.take()
        self.take(")")
        if function == "selected" and len(args) == 2 and _is_name(args[0]):
            return f"{args[1]} in {args[0]}"
        if function == "not" and len(args) == 1:
            return f"not {args[0]}" if args[0].startswith("(") or " " not in args[0] else (
                f"not ({args[0]})")
        if function == "count-selected" and len(args) == 1 and _is_name(args[0]):
            return f"count({args[0]})"
        if function == "string-length" and len(args) == 1 and _is_name(args[0]):
            raise Untranslatable("string-length() is only understood compared with 0")
        if function in ("true", "false") and not args:
            return "True" if function == "true" else "False"
        raise Untranslatable(f"the function {function}() has no equivalent")


def _is_name(text: str) -> bool:
    return re.fullmatch(r"[a-z][a-z0-9_]*", text) is not None


_LENGTH_TEST = re.compile(r"string-length\(\s*(\$\{[^}]+\})\s*\)\s*(>|!=)\s*0")


def translate(
    source: str,
    *,
    name: Callable[[str], str],
    value: Callable[[str], str] = lambda v: v,
    dot: str | None = None,
) -> str:
    """Our condition for an XLSForm one; `name` maps a form name to a question id (or raises
    `Untranslatable`), `value` a choice name to its value, `dot` is what `.` stands for."""
    text = _LENGTH_TEST.sub(r"\1 != ''", source.strip())
    if not text:
        raise Untranslatable("the condition is empty")
    return _Parser(text, name, value, dot).parse()
