"""The Jinja2 environments: HTML with autoescape on; Markdown with every value escaped for a table."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import jinja2
from markupsafe import Markup


class Raw(str):
    """Markdown a template built itself (a macro's output): written as it is."""

    __slots__ = ()


def md_cell(text: str) -> str:
    """Text safe inside a Markdown table cell: no pipes, line breaks, HTML or emphasis."""
    text = " ".join(text.split())
    for char, escaped in (
        ("\\", "\\\\"), ("|", "\\|"), ("<", "&lt;"), (">", "&gt;"), ("*", "\\*"), ("_", "\\_"),
        ("`", "\\`"), ("[", "\\["), ("]", "\\]"),
    ):  # fmt: skip
        text = text.replace(char, escaped)
    return text


def _md_finalize(value: Any) -> str:
    if isinstance(value, Raw):
        return value
    return md_cell("" if value is None else str(value))


def asset(name: str) -> str:
    """A file of the templates folder (CSS, JS), as text."""
    return resources.files("bot.report").joinpath(f"templates/{name}").read_text("utf-8")


@cache
def html_environment() -> jinja2.Environment:
    """HTML templates: every value escaped unless it is `Markup` (our own SVG)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("bot.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["css"] = Markup(asset("report.css"))
    env.globals["js"] = Markup(asset("report.js"))
    return env


@cache
def markdown_environment() -> jinja2.Environment:
    """Markdown templates: every value escaped for a table cell, macros' output marked `raw`."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("bot.report", "templates"),
        autoescape=False,
        finalize=_md_finalize,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["raw"] = Raw
    return env
