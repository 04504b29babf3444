"""The JSON Schema of script files, generated from the models, for editors and outside validators.

Run `python -m bot.script.schema > dialogs/schema.json` (or `perceptions schema`) to refresh the
committed copy; a test fails when the two drift apart.
"""

from __future__ import annotations

import json
from typing import Any

from bot.script.model import Determinant, ScriptFile

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "urn:perceptions:script:v1"
TITLE = "perceptions interview script (version 1)"
DESCRIPTION = (
    "A Barrier Analysis / social-marketing interview run by the perceptions Telegram bot. "
    "This schema catches the shape of a script as you type; `perceptions check` also checks its "
    "meaning (unknown question ids, conditions that can never hold, missing translations)."
)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a script file, with the metadata editors use."""
    schema = ScriptFile.model_json_schema()
    _close_language_maps(schema)
    question = schema["$defs"]["Question"]["properties"]
    # Editors offer `examples` as completions: the 12 names are the ones researchers reach for.
    question["determinant"]["examples"] = [d.value for d in Determinant]
    return {
        "$schema": DRAFT,
        "$id": SCHEMA_ID,
        **{key: value for key, value in schema.items() if key not in ("title", "description")},
        "title": TITLE,
        "description": DESCRIPTION,
    }


def render_schema() -> str:
    """The schema as stable JSON text (sorted keys, two-space indent, trailing newline)."""
    return json.dumps(json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _close_language_maps(node: Any) -> None:
    """Reject map keys that break the key pattern (`fr:` yes, `french:` no), as the models do."""
    if isinstance(node, dict):
        if "patternProperties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
        for value in node.values():
            _close_language_maps(value)
    elif isinstance(node, list):
        for item in node:
            _close_language_maps(item)


if __name__ == "__main__":
    print(render_schema(), end="")
