"""An XLSForm (KoboToolbox, ODK, SurveyCTO…) converted into one of our interview scripts.

pyxform reads the form (survey, choices and settings sheets) into its JSON tree; each element
becomes a question: text, integer, decimal, select_one, select_multiple, note and range; groups
are flattened (their label said once, their `relevant` joined to each question's); `relevant`
becomes `when`, `constraint` becomes min/max, a pattern or a number of picks with its message,
`required` is kept, hints join the question text, every `label::Language (code)` becomes a
language. What cannot be said in a chat interview is listed by sheet and row, never guessed.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.imports.names import choice_value, question_id
from bot.imports.xlsform_texts import LANGUAGE_NAMES, study_texts
from bot.imports.xpath import Untranslatable, translate

METADATA_TYPES = frozenset({
    "start", "end", "today", "deviceid", "username", "simserial", "subscriberid", "phonenumber",
    "audit", "start-geopoint", "email", "background-audio",
})
RESERVED = frozenset({"group", "language", "source", "behaviour", "problem", "answered", "count"})
_CODE = re.compile(r"\(([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)?\)\s*$")
_PIPED = re.compile(r"\$\{([^}]+)\}")
_BOUND = re.compile(r"^\s*\.\s*(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)\s*$")
_PICKS = re.compile(r"^\s*count-selected\(\s*\.\s*\)\s*(>=|<=|>|<|=)\s*(\d+)\s*$")
_LENGTH = re.compile(r"^\s*string-length\(\s*\.\s*\)\s*(>=|<=|>|<)\s*(\d+)\s*$")
_REGEX = re.compile(r"^\s*regex\(\s*\.\s*,\s*(['\"])(.*)\1\s*\)\s*$")


class XlsFormError(ValueError):
    """A form pyxform itself cannot read; the message is pyxform's, with its row."""


@dataclass(frozen=True, order=True)
class Skipped:
    """Something of the form that has no place in the script."""

    sheet: str
    row: int
    what: str

    def __str__(self) -> str:
        return f"{self.sheet} sheet, row {self.row}: {self.what}"


@dataclass
class Conversion:
    """The script (as YAML-ready data), and what could not be converted."""

    script: dict[str, Any]
    skipped: list[Skipped] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)


def read_form(path: Path) -> tuple[dict[str, Any], dict[str, int]]:
    """pyxform's JSON tree of the form, and the survey sheet's row of each name (as pyxform counts)."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2json import parse_file_to_json
    from pyxform.xls2json_backends import get_xlsform

    try:
        tree: dict[str, Any] = parse_file_to_json(str(path), warnings=[])
        sheets = get_xlsform(str(path))
    except PyXFormError as error:
        raise XlsFormError(str(error).strip()) from None
    rows: dict[str, int] = {}
    for number, row in enumerate(getattr(sheets, "survey", None) or [], start=2):
        name = str(row.get("name", "")).strip()
        if name and name not in rows:
            rows[name] = number
    return tree, rows


class _Converter:
    def __init__(self, tree: dict[str, Any], rows: dict[str, int], fallback_id: str) -> None:
        self.tree = tree
        self.rows = rows
        self.skipped: list[Skipped] = []
        self.ids: dict[str, str] = {}  # form name → question id
        self.kinds: dict[str, str] = {}  # question id → our type
        self.values: dict[str, dict[str, str]] = {}  # question id → choice name → value
        self.calculations: dict[str, str] = {}  # form name → its expression
        self.languages = self._languages()
        self.fallback_id = fallback_id

    # ---- languages and texts --------------------------------------------------------------

    def _languages(self) -> dict[str, str]:
        """Form language name → our code, default language first."""
        found: list[str] = []

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                for key in ("label", "hint"):
                    if isinstance(node.get(key), dict):
                        found.extend(k for k in node[key] if k not in found)
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for item in node:
                    walk(item)

        walk(self.tree)
        default = str(self.tree.get("default_language") or "default")
        names = sorted(found or [default], key=lambda name: name != default)
        codes: dict[str, str] = {}
        for name in names:
            code = _code(name) or ("en" if name == "default" else None)
            if code is None:
                code = f"x{len(codes)}"[:3]
                self.skip("settings", 1, f"language `{name}` has no code such as (en); "
                          f"called `{code}` — rename it in the script and the form")
            if code not in codes.values():
                codes[name] = code
        return codes

    def text(self, value: Any, row: int, what: str) -> str | dict[str, str]:
        """A label in every language of the form (missing ones filled from the first)."""
        if not isinstance(value, dict):
            return self.pipe(str(value or ""))
        texts = {code: self.pipe(str(value[name])) for name, code in self.languages.items()
                 if value.get(name)}
        if not texts:
            texts = {code: self.pipe(str(next(iter(value.values()), ""))) for code in
                     list(self.languages.values())[:1]}
        first = next(iter(texts.values()))
        for code in self.languages.values():
            if code not in texts:
                texts[code] = first
                self.skip("survey", row, f"{what} has no `{code}` text; the "
                          f"{next(iter(texts))} one is used until you translate it")
        if len(set(texts.values())) == 1 and len(self.languages) == 1:
            return first
        return {code: texts[code] for code in self.languages.values()}

    def pipe(self, text: str) -> str:
        """`${name}` becomes `{question_id}`; literal braces are doubled."""
        escaped = text.replace("{", "{{").replace("}", "}}")
        return re.sub(r"\$\{\{([^}]+)\}\}", lambda m: "{" + self._piped(m.group(1)) + "}", escaped)

    def _piped(self, name: str) -> str:
        return self.ids.get(name, name)

    def skip(self, sheet: str, row: int, what: str) -> None:
        self.skipped.append(Skipped(sheet, row, what))

    # ---- questions ------------------------------------------------------------------------

    def questions(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        self._children(self.tree.get("children", []), out, when=None)
        return out

    def _children(self, children: list[dict[str, Any]], out: list[dict[str, Any]],
                  when: str | None) -> None:
        for node in children:
            name = str(node.get("name", ""))
            kind = str(node.get("type", ""))
            row = self.rows.get(name, 0)
            if kind in METADATA_TYPES or name == "meta":
                continue
            if kind in ("group", "repeat"):
                inner = self._join(when, self._relevant(node, row))
                if kind == "repeat":
                    self.skip("survey", row, f"repeat `{name}` is asked once (a chat interview "
                              "has no repeats)")
                label = node.get("label")
                if label and not (node.get("control") or {}).get("bodyless"):
                    out.append(self._info(name, label, row, inner, intro=True))
                self._children(node.get("children", []), out, inner)
                continue
            if kind == "calculate":
                calculation = str((node.get("bind") or {}).get("calculate", ""))
                self.calculations[name] = calculation
                self.skip("survey", row, f"calculate `{name}` is not a question; conditions "
                          "that use it have it written out instead")
                continue
            question = self._question(node, kind, name, row, when)
            if question is not None:
                out.append(question)

    def _question(self, node: dict[str, Any], kind: str, name: str, row: int,
                  when: str | None) -> dict[str, Any] | None:
        if kind == "note":
            return self._info(name, node.get("label") or name, row,
                              self._join(when, self._relevant(node, row)))
        ours = {"text": "text", "integer": "number", "decimal": "number", "select one":
                "single_choice", "select all that apply": "multiple_choice", "range": "number"}
        if kind not in ours:
            self.skip("survey", row, f"`{name}` is a {kind} question, which a chat cannot ask")
            return None
        qid = self._new_id(name, row)
        question: dict[str, Any] = {"id": qid, "type": ours[kind]}
        question["text"] = self._with_hint(node, row, name)
        condition = self._join(when, self._relevant(node, row))
        if condition:
            question["when"] = condition
        bind = node.get("bind") or {}
        if str(bind.get("required", "")).strip().lower() not in ("yes", "true", "true()", "1"):
            question["required"] = False
        if kind == "integer":
            question["integer"] = True
        if kind == "range":
            self._range(node, question, row)
        if "choices" in node:
            question["choices"] = self._choices(qid, node, row)
        self.kinds[qid] = question["type"]
        self._constraint(bind, question, row, name)
        for unsupported in ("choice_filter", "default", "trigger", "repeat_count"):
            if node.get(unsupported) or bind.get(unsupported):
                self.skip("survey", row, f"`{name}`'s {unsupported} is not converted")
        self.ids[name] = qid
        return question

    def _info(self, name: str, label: Any, row: int, when: str | None, *,
              intro: bool = False) -> dict[str, Any]:
        qid = self._new_id(f"{name}_intro" if intro else name, row)
        info: dict[str, Any] = {"id": qid, "type": "info", "text": self.text(label, row, f"`{name}`")}
        if when:
            info["when"] = when
        self.kinds[qid] = "info"
        return info

    def _new_id(self, name: str, row: int) -> str:
        qid = question_id(name)
        if qid in RESERVED or keyword.iskeyword(qid):
            qid = f"q_{qid}"
        base, number = qid, 2
        while qid in self.kinds:
            qid = f"{base[:29]}_{number}"
            number += 1
        if qid != name:
            self.skip("survey", row, f"`{name}` is called `{qid}` in the script (ids are lower "
                      "case letters, digits and _); the import matches both")
        return qid

    def _with_hint(self, node: dict[str, Any], row: int, name: str) -> str | dict[str, str]:
        label = self.text(node.get("label") or name, row, f"`{name}`'s label")
        hint = node.get("hint")
        if not hint:
            return label
        extra = self.text(hint, row, f"`{name}`'s hint")
        if isinstance(label, str) and isinstance(extra, str):
            return f"{label}\n({extra})"
        labels = label if isinstance(label, dict) else dict.fromkeys(self.languages.values(), label)
        hints = extra if isinstance(extra, dict) else dict.fromkeys(self.languages.values(), extra)
        return {code: f"{labels[code]}\n({hints[code]})" for code in labels}

    def _choices(self, qid: str, node: dict[str, Any], row: int) -> list[dict[str, Any]]:
        choices: list[dict[str, Any]] = []
        values: dict[str, str] = {}
        for choice in node.get("choices", []):
            name = str(choice.get("name", ""))
            value = choice_value(name)
            if value in values.values():
                value = choice_value(f"{value[:20]}_{len(values) + 1}")
            if value != name:
                self.skip("choices", row, f"choice `{name}` of `{qid}` is stored as `{value}`")
            values[name] = value
            choices.append({"value": value, "label": self.text(choice.get("label") or name, row,
                                                               f"choice `{name}`")})
        self.values[qid] = values
        return choices

    def _range(self, node: dict[str, Any], question: dict[str, Any], row: int) -> None:
        parameters = node.get("parameters") or {}
        start, end = float(parameters.get("start", 1)), float(parameters.get("end", 10))
        step = float(parameters.get("step", 1))
        if step == 1 and start.is_integer() and end.is_integer() and 1 <= end - start <= 10:
            question.update(type="scale", min=int(start), max=int(end))
        else:
            question.update(min=start, max=end, integer=step.is_integer())

    # ---- conditions -----------------------------------------------------------------------

    def _relevant(self, node: dict[str, Any], row: int) -> str | None:
        source = str((node.get("bind") or {}).get("relevant", "")).strip()
        if not source:
            return None
        try:
            return self.condition(source)
        except Untranslatable as reason:
            self.skip("survey", row, f"relevant `{source}` of `{node.get('name')}` is not "
                      f"converted ({reason}); the question is always asked")
            return None

    def condition(self, source: str) -> str:
        def name(form_name: str) -> str:
            if form_name in self.calculations:
                return "(" + self.condition(self.calculations[form_name]) + ")"
            if form_name not in self.ids:
                raise Untranslatable(f"`{form_name}` is not a question asked before")
            qid = self.ids[form_name]
            if self.kinds.get(qid) == "info":
                raise Untranslatable(f"`{form_name}` is a note")
            return qid

        return translate(source, name=name, value=choice_value)

    @staticmethod
    def _join(first: str | None, second: str | None) -> str | None:
        if first and second:
            return f"({first}) and ({second})"
        return first or second

    def _constraint(self, bind: dict[str, Any], question: dict[str, Any], row: int,
                    name: str) -> None:
        source = str(bind.get("constraint", "")).strip()
        if not source:
            return
        clauses = [c for c in re.split(r"\s+and\s+", source) if c.strip()]
        kind = question["type"]
        understood = all(self._clause(clause, kind, question) for clause in clauses)
        if not understood:
            for key in ("min", "max", "validation"):
                question.pop(key, None) if key != "min" or kind != "scale" else None
            self.skip("survey", row, f"constraint `{source}` of `{name}` is not converted")
            return
        message = bind.get("jr:constraintMsg")
        if message and kind not in ("text", "number"):
            self.skip("survey", row, f"`{name}`'s constraint message is not kept (the bot says "
                      "its own sentence for choices)")
        elif message:
            question.setdefault("validation", {})["message"] = self.text(
                message, row, f"`{name}`'s constraint message")

    def _clause(self, clause: str, kind: str, question: dict[str, Any]) -> bool:
        if kind == "number" and (bound := _BOUND.match(clause)):
            op, number = bound.group(1), float(bound.group(2))
            if op in (">", "<") and not question.get("integer"):
                return False  # a strict bound on decimals has no equivalent
            if op == ">":
                number += 1
            elif op == "<":
                number -= 1
            question["min" if op.startswith(">") else "max"] = int(number) if (
                number.is_integer()) else number
            return True
        if kind == "multiple_choice" and (picks := _PICKS.match(clause)):
            op, count = picks.group(1), int(picks.group(2))
            if op in (">=", ">", "="):
                question["min"] = count + (op == ">")
            if op in ("<=", "<", "="):
                question["max"] = count - (op == "<")
            return True
        if kind == "text" and (length := _LENGTH.match(clause)):
            op, count = length.group(1), int(length.group(2))
            key = "min_length" if op.startswith(">") else "max_length"
            question.setdefault("validation", {})[key] = count + (op == ">") - (op == "<")
            return True
        if kind == "text" and (pattern := _REGEX.match(clause)):
            question.setdefault("validation", {})["pattern"] = pattern.group(2).removeprefix(
                "^").removesuffix("$")
            return True
        return False

    # ---- the whole script -----------------------------------------------------------------

    def script(self) -> dict[str, Any]:
        questions = self.questions()
        if not any(q["type"] != "info" for q in questions):
            raise XlsFormError("the form has no question a chat can ask (text, integer, "
                               "decimal, select_one, select_multiple or range)")
        title = str(self.tree.get("title") or self.fallback_id)
        study_id = question_id(str(self.tree.get("id_string") or self.fallback_id))
        codes = list(self.languages.values())
        return {
            "version": 1,
            "study": {"id": study_id, "title": title, **study_texts(codes, title),
                      "languages": codes},
            "questions": questions,
        }


def _code(language: str) -> str | None:
    found = _CODE.search(language)
    if found:
        return found.group(1).lower()
    return LANGUAGE_NAMES.get(language.strip().lower())


def convert(path: Path) -> Conversion:
    """The script for the XLSForm at `path`; raises `XlsFormError` if pyxform cannot read it."""
    tree, rows = read_form(path)
    converter = _Converter(tree, rows, fallback_id=path.stem)
    script = converter.script()
    return Conversion(script, sorted(set(converter.skipped)), list(converter.languages.values()))
