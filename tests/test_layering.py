"""Imports run one way: the pure layers never reach for Telegram, the web, the database or the CLI.

Checked by reading the source with `ast`, so a forbidden import fails here even if nothing runs it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
WORLD = ("telegram", "sqlmodel", "sqlalchemy", "aiohttp", "storage")
ADAPTERS = ("bot.telegram", "bot.web", "bot.cli")

# package folder → module prefixes it must not import
RULES: dict[str, tuple[str, ...]] = {
    "bot/script": (*WORLD, *ADAPTERS, "bot.engine"),
    "bot/engine": (*WORLD, *ADAPTERS),
    "bot/analysis": (*WORLD, *ADAPTERS),
    # The report reads (through storage's interface) and renders; it never writes a coding.
    "bot/report": ("telegram", "sqlmodel", "sqlalchemy", "aiohttp", *ADAPTERS, "bot.review"),
    "bot/review": ("telegram", "sqlmodel", "sqlalchemy", "aiohttp", *ADAPTERS),
    # Writing to past respondents: storage's interface and the report's figures, never Telegram
    # itself (the CLI hands it a `send`).
    "bot/outreach": ("telegram", "sqlmodel", "sqlalchemy", "aiohttp", *ADAPTERS),
    "storage": ("bot", "telegram", "aiohttp"),
}


def imported_modules(source: str, package: str) -> Iterator[tuple[int, str]]:
    """Every module some source in `package` imports, with its line (relative imports made absolute)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parent = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{parent}.{base}" if base else parent
            yield node.lineno, base
            for alias in node.names:  # `from bot import telegram` imports bot.telegram
                yield node.lineno, f"{base}.{alias.name}"


def forbidden(module: str, prefixes: tuple[str, ...]) -> bool:
    """Whether `module` is one of `prefixes` or inside one."""
    return any(module == p or module.startswith(f"{p}.") for p in prefixes)


def violations(folder: str, prefixes: tuple[str, ...]) -> list[str]:
    """`file:line imports module` for every forbidden import under `folder`."""
    found: set[tuple[str, int, str]] = set()
    for path in sorted((ROOT / folder).rglob("*.py")):
        if "migrations" in path.parts:
            continue  # alembic scripts are generated and run by alembic, not imported by the app
        package = ".".join(path.relative_to(ROOT).parts[:-1])
        for line, module in imported_modules(path.read_text(encoding="utf-8"), package):
            if forbidden(module, prefixes):
                found.add((str(path.relative_to(ROOT)), line, module))
    return [f"{name}:{line} imports {module}" for name, line, module in sorted(found)]


@pytest.mark.parametrize(("folder", "prefixes"), RULES.items(), ids=RULES.keys())
def test_layer_imports_only_what_it_may(folder: str, prefixes: tuple[str, ...]) -> None:
    assert (ROOT / folder).is_dir(), f"{folder} is missing; update RULES if it moved"
    found = violations(folder, prefixes)
    assert not found, f"{folder} must not import {', '.join(prefixes)}:\n" + "\n".join(found)


def test_prefixes_match_whole_module_names() -> None:
    assert forbidden("telegram.ext", WORLD)
    assert forbidden("storage", WORLD)
    assert not forbidden("telegramish", WORLD)
    assert not forbidden("bot.scripting", ("bot.script",))


def test_every_kind_of_import_is_seen() -> None:
    source = (
        "import telegram.ext\n"
        "from bot import web\n"
        "from ..telegram import processor\n"
        "from . import expr\n"
        "def later():\n"
        "    import sqlalchemy as sa\n"
    )
    modules = [module for _, module in imported_modules(source, "bot.engine")]
    assert "telegram.ext" in modules
    assert "bot.web" in modules
    assert "bot.telegram.processor" in modules
    assert "bot.engine.expr" in modules
    assert "sqlalchemy" in modules  # imports inside functions count too
