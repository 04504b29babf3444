"""A small, safe condition language for `when`, `eligible_if` and classification rules.

Conditions are parsed with Python's own grammar (so `and`, `or`, `not`, `==`, `<`, `in` read as
expected) but only a handful of node kinds are accepted, and evaluation walks the tree here: nothing
is ever handed to `eval`. Evaluation never raises: an unanswered question is `None`, and a comparison
that makes no sense (a number against a text, anything against `None` except `==`/`!=`) is false.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

Value = str | int | float | bool | list[str] | None
FUNCTIONS = ("answered", "count")
# Limits that keep parsing, checking and evaluating cheap and free of deep recursion: a real
# condition is a line or two with a few levels of brackets.
MAX_LENGTH = 2_000
MAX_DEPTH = 40
MAX_PARTS = 400
_ORDER: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}


class ExpressionError(ValueError):
    """A condition that cannot be read; `offset` is the 0-based column inside the condition."""

    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.offset = offset


@dataclass(frozen=True)
class Comparison:
    """One `name <op> literal` found in a condition, for load-time checks against the questions."""

    name: str
    op: str
    literal: Value
    offset: int


@dataclass(frozen=True)
class Condition:
    """A parsed condition, ready to evaluate against answers."""

    source: str
    tree: ast.expr
    names: frozenset[str]
    comparisons: tuple[Comparison, ...]

    def holds(self, env: Mapping[str, Value]) -> bool:
        """Whether the condition is true for these answers (missing names are `None`)."""
        return bool(_eval(self.tree, env))


@lru_cache(maxsize=4096)  # the checker, the compiler and old script versions parse the same texts
def parse(source: str) -> Condition:
    """Parse a condition or raise `ExpressionError` saying what is wrong and where.

    Offsets count from the start of `source`, surrounding space included.
    """
    text = source.strip()
    lead = len(source) - len(source.lstrip())
    if not text:
        raise ExpressionError("the condition is empty")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"the condition is {len(text):,} characters long; keep it under {MAX_LENGTH:,} "
            "(split it, e.g. with an extra question)",
            lead + MAX_LENGTH,
        )
    bad = next((i for i, ch in enumerate(text) if ch == "\0" or "\ud800" <= ch <= "\udfff"), None)
    if bad is not None:
        raise ExpressionError("the condition holds an invisible control character", lead + bad)
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError as exc:
        raise ExpressionError(
            "cannot read the condition; write it like `age >= 18 and gender == 'f'`",
            lead + max((exc.offset or 1) - 1, 0),
        ) from None
    except (MemoryError, RecursionError):  # Python's own parser gives up on absurd nesting
        raise ExpressionError(_TOO_DEEP, lead) from None
    names: set[str] = set()
    comparisons: list[Comparison] = []
    try:
        _measure(tree)
        _check(tree, names, comparisons)
    except ExpressionError as exc:  # Python counts columns in UTF-8 bytes; people count letters
        raise ExpressionError(str(exc), lead + _letters(text, exc.offset)) from None
    found = tuple(replace(c, offset=lead + _letters(text, c.offset)) for c in comparisons)
    return Condition(text, tree, frozenset(names), found)


def _letters(text: str, byte_offset: int) -> int:
    """The character offset of a UTF-8 byte offset into `text`."""
    return len(text.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore"))


_TOO_DEEP = f"the condition is nested more than {MAX_DEPTH} levels deep; simplify it"


def _measure(tree: ast.expr) -> None:
    """Refuse trees too deep or too big before anything walks them recursively."""
    stack: list[tuple[ast.AST, int]] = [(tree, 1)]
    parts = 0
    while stack:
        node, depth = stack.pop()
        if not isinstance(node, ast.expr):
            continue
        parts += 1
        if depth > MAX_DEPTH:
            raise ExpressionError(_TOO_DEEP, node.col_offset)
        if parts > MAX_PARTS:
            raise ExpressionError(
                f"the condition has more than {MAX_PARTS} parts; split it, e.g. with an extra "
                "question",
                node.col_offset,
            )
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


def _literal(node: ast.expr) -> Value | list[Value]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str | int | float | bool | None):
        return node.value
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
        and isinstance(node.operand.value, int | float)
        and not isinstance(node.operand.value, bool)
    ):
        return -node.operand.value
    if isinstance(node, ast.List | ast.Tuple):
        return [_literal_scalar(item) for item in node.elts]
    raise ExpressionError("expected a value such as 3, 'yes' or ['a', 'b']", node.col_offset)


def _literal_scalar(node: ast.expr) -> Value:
    value = _literal(node)
    if isinstance(value, list):
        raise ExpressionError("lists cannot be nested", node.col_offset)
    return value


def _check(node: ast.expr, names: set[str], comparisons: list[Comparison]) -> None:
    """Accept only the node kinds the language has; collect names and comparisons."""
    if isinstance(node, ast.BoolOp):
        for value in node.values:
            _check(value, names, comparisons)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        _check(node.operand, names, comparisons)
    elif isinstance(node, ast.Compare):
        operands = [node.left, *node.comparators]
        for op, left, right in zip(node.ops, operands, operands[1:], strict=False):
            if not isinstance(
                op, ast.Eq | ast.NotEq | ast.Lt | ast.LtE | ast.Gt | ast.GtE | ast.In | ast.NotIn
            ):
                raise ExpressionError(
                    "only ==, !=, <, <=, >, >=, in and not in compare values",
                    left.end_col_offset or 0,
                )
            _operand(left, names)
            _operand(right, names)
            for name_node, lit_node in ((left, right), (right, left)):
                if isinstance(name_node, ast.Name) and not isinstance(
                    lit_node, ast.Name | ast.Call
                ):
                    literal = _literal(lit_node)
                    items = literal if isinstance(literal, list) else [literal]
                    for item in items:
                        comparisons.append(
                            Comparison(name_node.id, type(op).__name__, item, lit_node.col_offset)
                        )
    else:
        _operand(node, names)


def _operand(node: ast.expr, names: set[str]) -> None:
    if isinstance(node, ast.Name):
        if node.id in ("True", "False", "None"):
            return
        names.add(node.id)
    elif isinstance(node, ast.Call):
        if not (isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS):
            raise ExpressionError(
                f"unknown function; the functions are {', '.join(FUNCTIONS)}", node.col_offset
            )
        if len(node.args) != 1 or node.keywords or not isinstance(node.args[0], ast.Name):
            raise ExpressionError(
                f"{node.func.id}() takes one question id, e.g. {node.func.id}(transport)",
                node.col_offset,
            )
        names.add(node.args[0].id)
    elif isinstance(node, ast.BoolOp | ast.Compare) or (
        isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)
    ):
        _check(node, names, [])
    else:
        _literal(node)


def _eval(node: ast.expr, env: Mapping[str, Value]) -> Any:
    if isinstance(node, ast.BoolOp):
        if isinstance(node.op, ast.And):
            return all(_eval(value, env) for value in node.values)
        return any(_eval(value, env) for value in node.values)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return not _eval(node.operand, env)
    if isinstance(node, ast.Compare):
        left = _eval(node.left, env)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = _eval(right_node, env)
            if not _compare(op, left, right):
                return False
            left = right
        return True
    if isinstance(node, ast.Name):
        if node.id in ("True", "False", "None"):
            return {"True": True, "False": False, "None": None}[node.id]
        return env.get(node.id)
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)
        assert isinstance(node.args[0], ast.Name)
        value = env.get(node.args[0].id)
        if node.func.id == "answered":
            return value is not None
        return len(value) if isinstance(value, list) else int(value is not None)
    return _literal(node)


def _compare(op: ast.cmpop, left: Any, right: Any) -> bool:
    if isinstance(op, ast.Eq):
        return bool(left == right)
    if isinstance(op, ast.NotEq):
        return bool(left != right)
    if isinstance(op, ast.In | ast.NotIn):
        if isinstance(right, list):
            found = any(item in right for item in left) if isinstance(left, list) else left in right
        elif isinstance(left, list) and right is not None:
            found = right in left  # `transport in ['car']` reads naturally either way round
        elif isinstance(left, str) and isinstance(right, str):
            found = left in right
        else:
            return False
        return found if isinstance(op, ast.In) else not found
    numeric = (int, float)
    if isinstance(left, numeric) and isinstance(right, numeric):
        return _ORDER[type(op)](left, right)
    if isinstance(left, str) and isinstance(right, str):
        return _ORDER[type(op)](left, right)
    return False
