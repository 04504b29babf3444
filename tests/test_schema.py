"""The committed JSON Schema matches the models, and every example script satisfies it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from bot.script.schema import json_schema, render_schema
from bot.script.yamlpos import load_yaml

DIALOGS = Path(__file__).resolve().parent.parent / "dialogs"
EXAMPLES = sorted(DIALOGS.glob("*.yaml"))


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    """A validator for the committed schema file (the one editors read)."""
    schema = json.loads((DIALOGS / "schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_committed_schema_is_up_to_date() -> None:
    committed = (DIALOGS / "schema.json").read_text(encoding="utf-8")
    assert committed == render_schema(), (
        "dialogs/schema.json is out of date: run `perceptions schema > dialogs/schema.json` "
        "(or `python -m bot.script.schema > dialogs/schema.json`) and commit it"
    )


def test_schema_names_itself_for_editors() -> None:
    schema = json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"]
    assert "interview script" in schema["title"]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_script_validates(path: Path, validator: jsonschema.Draft202012Validator) -> None:
    data = load_yaml(path.read_text(encoding="utf-8"))  # the bot's reading: `yes` stays a word
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
    assert errors == []


def test_examples_are_found() -> None:
    assert {p.name for p in EXAMPLES} >= {"cycling-to-work.yaml", "recycling-cbsm.yaml"}


def _minimal(**study: Any) -> dict[str, Any]:
    base = {
        "id": "s",
        "title": "T",
        "behaviour": "cycle",
        "languages": ["en"],
        "introduction": "Hi",
        "consent": "Ok?",
        "closing": "Bye",
        "contact": "a@b.c",
    }
    question = {"id": "q", "type": "yes_no", "text": "Q?"}
    return {"version": 1, "study": {**base, **study}, "questions": [question]}


def test_schema_accepts_the_smallest_script(validator: jsonschema.Draft202012Validator) -> None:
    assert list(validator.iter_errors(_minimal())) == []


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (
            {"title": {"english": "T"}},
            "a translation keyed by something other than a language code",
        ),
        ({"colour": "red"}, "an unknown key"),
        ({"prevalence": 1.5}, "a prevalence outside 0..1"),
    ],
)
def test_schema_rejects_mistakes_as_the_models_do(
    change: dict[str, Any], why: str, validator: jsonschema.Draft202012Validator
) -> None:
    assert not validator.is_valid(_minimal(**change)), why


def test_schema_rejects_unknown_question_types(validator: jsonschema.Draft202012Validator) -> None:
    data = _minimal()
    data["questions"][0]["type"] = "essay"
    assert not validator.is_valid(data)
