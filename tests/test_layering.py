"""Imports run one way, in every package: the pure core never reaches for Telegram, the web, the
database or the CLI; only storage talks to the database; adapters sit on top; no two packages
import each other, even through a third.

Checked by reading the source with `ast`, so a forbidden import fails here even if nothing runs it
(imports inside functions count too).

The layers, bottom up (a layer may import the ones below it):
    bot.settings, bot.redaction      configuration; log records without respondents' data
    bot.vocabulary                   the words all share: an interview's status, a group
    bot.script                       the dialog language
    bot.engine, bot.analysis         pure: scripts and records in, decisions and tables out
    storage                          the only package that talks to the database
    bot.interviews                   the respondent's side: engine + storage
    bot.report, bot.imports,         the researcher's side: storage + analysis
      bot.review
    bot.testing                      fakes of the outside world (Telegram's Bot API)
    bot.compose                      settings → storage → scripts → service, for every adapter
    bot.telegram                     the Telegram adapter (polling, webhook)
    bot.web                          the sandbox and the research pages
    bot.cli                          the commands, which wire everything together
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
# Only storage talks to the database. (`sqlite3` is the standard library's: the CLI recognises
# its errors to explain them, and the export benchmark compares against it.)
DATABASE = ("sqlalchemy", "sqlmodel", "asyncpg", "aiosqlite", "alembic")
WORLD = ("telegram", "aiohttp", "storage", *DATABASE)
ADAPTERS = ("bot.telegram", "bot.web", "bot.cli")
RESEARCH = ("bot.report", "bot.imports", "bot.review")

# package folder (or module file) → module prefixes it must not import
RULES: dict[str, tuple[str, ...]] = {
    "bot/script": (*WORLD, *ADAPTERS, *RESEARCH, "bot.engine", "bot.analysis", "bot.interviews",
                   "bot.testing", "bot.settings"),
    "bot/engine": (*WORLD, *ADAPTERS, *RESEARCH, "bot.analysis", "bot.interviews", "bot.testing",
                   "bot.settings"),
    "bot/analysis": (*WORLD, *ADAPTERS, *RESEARCH, "bot.engine", "bot.interviews", "bot.testing",
                     "bot.settings"),
    "bot/settings.py": ("bot", *WORLD),
    # Log redaction is told what to withhold; it knows nothing of Telegram, storage or the bot.
    "bot/redaction.py": ("bot", *WORLD),
    # The shared words (an interview's status, a respondent's group) import nothing at all.
    "bot/vocabulary.py": ("bot", *WORLD),
    # Storage knows nothing of the bot but its vocabulary: it keeps what it is given.
    "storage": ("bot", "telegram", "aiohttp"),
    # The respondent's side decides with the engine and keeps with storage; it renders nothing,
    # reads no settings (it is handed what it needs) and never exports.
    "bot/interviews": ("telegram", "aiohttp", *DATABASE, *ADAPTERS, *RESEARCH, "bot.analysis",
                       "bot.testing", "bot.settings"),
    # The report reads (through storage's interface) and renders; it never writes a coding.
    "bot/report": ("telegram", "aiohttp", *DATABASE, *ADAPTERS, "bot.review", "bot.imports",
                   "bot.interviews", "bot.engine", "bot.testing", "bot.settings"),
    "bot/imports": ("telegram", "aiohttp", *DATABASE, *ADAPTERS, "bot.review", "bot.testing",
                    "bot.settings"),
    "bot/review": ("telegram", "aiohttp", *DATABASE, *ADAPTERS, "bot.interviews", "bot.engine",
                   "bot.testing", "bot.settings"),
    # The fakes stand in for Telegram; they know nothing of the bot they are used to test.
    "bot/testing": ("bot", "storage", *DATABASE),
    # The composition root wires settings, storage, scripts and the service for every adapter.
    "bot/compose.py": (*DATABASE, *ADAPTERS, *RESEARCH, "bot.testing"),
    "bot/telegram": (*DATABASE, "bot.web", "bot.cli", "bot.testing", "bot.imports", "bot.review"),
    # Writing to past respondents: storage's interface and the report's figures, never Telegram
    # itself (the CLI and the bot hand it a `send`).
    "bot/outreach": ("telegram", "aiohttp", *DATABASE, *ADAPTERS, "bot.imports", "bot.review",
                     "bot.testing", "bot.settings"),
    "bot/web": (*DATABASE, "bot.cli"),
    "bot/cli": DATABASE,
    "bench": DATABASE,
}


# Exceptions to RULES: folder → modules it may import although a prefix above forbids them.
ALLOWED: dict[str, tuple[str, ...]] = {
    "storage": ("bot.vocabulary",),
}


def module_of(path: Path) -> str:
    """`bot/web/sandbox.py` → `bot.web.sandbox`; `bot/web/__init__.py` → `bot.web`."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


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


def sources(folder: str) -> Iterator[Path]:
    """The Python files of a package folder (or the one module file), alembic scripts left out."""
    where = ROOT / folder
    files = [where] if where.suffix == ".py" else sorted(where.rglob("*.py"))
    for path in files:
        if "migrations" not in path.parts:  # generated and run by alembic, not imported by the app
            yield path


def imports_of(folder: str) -> Iterator[tuple[Path, int, str]]:
    """(file, line, module) for every import in the folder's sources."""
    for path in sources(folder):
        package = ".".join(path.relative_to(ROOT).parts[:-1])
        for line, module in imported_modules(path.read_text(encoding="utf-8"), package):
            yield path, line, module


def violations(folder: str, prefixes: tuple[str, ...]) -> list[str]:
    """`file:line imports module` for every forbidden import under `folder` (itself excepted)."""
    own = module_of(ROOT / folder)
    found: set[tuple[str, int, str]] = set()
    for path, line, module in imports_of(folder):
        allowed = (own, *ALLOWED.get(folder, ()))
        if forbidden(module, prefixes) and not forbidden(module, allowed):
            found.add((str(path.relative_to(ROOT)), line, module))
    return [f"{name}:{line} imports {module}" for name, line, module in sorted(found)]


@pytest.mark.parametrize(("folder", "prefixes"), RULES.items(), ids=RULES.keys())
def test_layer_imports_only_what_it_may(folder: str, prefixes: tuple[str, ...]) -> None:
    assert (ROOT / folder).exists(), f"{folder} is missing; update RULES if it moved"
    found = violations(folder, prefixes)
    assert not found, f"{folder} must not import {', '.join(prefixes)}:\n" + "\n".join(found)


def packages() -> list[str]:
    """Every package and top-level module of the project, as RULES names them."""
    found = ["storage", "bench"]
    for path in sorted((ROOT / "bot").iterdir()):
        if (path / "__init__.py").exists() or (path.suffix == ".py" and path.name not in ("__init__.py", "__main__.py")):
            found.append(f"bot/{path.name}")
    return found


def test_every_package_has_import_rules() -> None:
    missing = [name for name in packages() if name not in RULES]
    assert not missing, f"add import rules for {', '.join(missing)} to RULES"


def package_of(module: str) -> str | None:
    """The project package a module belongs to (`bot.web.sandbox` → `bot/web`), None if outside."""
    parts = module.split(".")
    if parts[0] in ("storage", "bench"):
        return parts[0]
    if parts[0] == "bot" and len(parts) > 1:
        for name in (f"bot/{parts[1]}", f"bot/{parts[1]}.py"):
            if (ROOT / name).exists():
                return name
    return None


def import_graph() -> dict[str, dict[str, str]]:
    """package → {package it imports: the first `file:line` that does}."""
    graph: dict[str, dict[str, str]] = defaultdict(dict)
    for name in packages():
        for path, line, module in imports_of(name):
            other = package_of(module)
            if other is not None and other != name:
                graph[name].setdefault(other, f"{path.relative_to(ROOT)}:{line}")
    return graph


def loop_through(graph: dict[str, dict[str, str]], start: str) -> list[str] | None:
    """The shortest chain of imports from `start` back to itself (start … start), or None."""
    parents: dict[str, str] = {}
    frontier = [start]
    while frontier:
        reached = []
        for node in frontier:
            for step in sorted(graph.get(node, {})):
                if step == start:
                    chain = [node]
                    while chain[-1] != start:
                        chain.append(parents[chain[-1]])
                    return [*reversed(chain), start]
                if step not in parents:
                    parents[step] = node
                    reached.append(step)
        frontier = reached
    return None


def cycles(graph: dict[str, dict[str, str]]) -> list[list[str]]:
    """For every package that can reach itself through imports, the shortest such loop."""
    return [loop for start in sorted(graph) if (loop := loop_through(graph, start))]


def test_no_two_packages_import_each_other() -> None:
    graph = import_graph()
    found = [
        " → ".join(loop) + "\n" + "\n".join(
            f"    {a} → {b}: {graph[a][b]}" for a, b in pairwise(loop)
        )
        for loop in cycles(graph)
    ]
    assert not found, "packages import each other:\n" + "\n".join(found)


def test_a_cycle_through_a_third_package_is_found() -> None:
    graph = {"a": {"b": "a.py:1"}, "b": {"c": "b.py:1"}, "c": {"a": "c.py:1"}, "d": {"a": "d.py:1"}}
    assert cycles(graph) == [["a", "b", "c", "a"], ["b", "c", "a", "b"], ["c", "a", "b", "c"]]
    assert cycles({"a": {"b": "a.py:1"}, "b": {}}) == []


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


WIRING = {"create_repository", "InterviewService", "ScriptCatalog.load"}


def wiring_calls(source: str) -> Iterator[tuple[int, str]]:
    """Calls that build storage or the service: `create_repository(…)`, `InterviewService(…)`…"""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = ast.unparse(node.func)
            if name in WIRING or name.rsplit(".", 1)[-1] == "create_repository":
                yield node.lineno, name


def test_only_the_composition_root_wires_storage_and_the_service() -> None:
    # The bot, the sandbox's bot, the research pages and the CLI all get theirs from bot.compose,
    # so the bot tried in the sandbox is the bot respondents meet.
    found = [
        f"{path.relative_to(ROOT)}:{line} calls {name}"
        for path in sorted((ROOT / "bot").rglob("*.py"))
        if path != ROOT / "bot" / "compose.py"
        for line, name in wiring_calls(path.read_text(encoding="utf-8"))
    ]
    assert not found, "use bot.compose instead:\n" + "\n".join(found)


def test_wiring_calls_are_seen() -> None:
    source = "r = storage.create_repository(url)\ns = InterviewService(r, c, k)\n"
    assert [name for _, name in wiring_calls(source)] == [
        "storage.create_repository", "InterviewService"]
