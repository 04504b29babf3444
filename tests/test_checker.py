"""Broken scripts and the exact `path:line:col: message` the checker reports for each.

Every case is a small script: a fixed study header (lines 1-10, below) and the lines that go wrong.
So in a case, line 11 is the first line after the header.
"""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest

from bot.script import ScriptError, check_file, check_source, load_script

SCRIPTS = Path(__file__).parent / "scripts"

HEADER = """\
version: 1
study:
  id: s
  title: T
  behaviour: cycle
  languages: [en]
  introduction: Hi
  consent: Start?
  closing: Bye
  contact: a@b.c
"""
HEADER_EN_FR = """\
version: 1
study:
  id: s
  title: {en: T, fr: T}
  behaviour: {en: cycle, fr: faire du vélo}
  languages: [en, fr]
  introduction: {en: Hi, fr: Salut}
  consent: {en: "Start?", fr: "On y va ?"}
  closing: {en: Bye, fr: Au revoir}
  contact: a@b.c
"""
QUESTION = """\
questions:
  - id: q
    type: text
    text: Why?
"""
CLASSIFIED = """\
classification:
  doer: {any: [{all: ["days >= 3"]}]}
  non_doer: {any: [{all: ["days == 0"]}]}
"""


def problems_in(source: str, path: str = "s.yaml") -> list[str]:
    """The problems the checker finds in a script's text, as the researcher reads them."""
    script, problems = check_source(textwrap.dedent(source).encode("utf-8"), path)
    assert (script is None) == bool(problems), "a script is returned exactly when nothing is wrong"
    return [str(p) for p in problems]


# name → (script text, the exact problems reported)
CASES: dict[str, tuple[str, list[str]]] = {
    "empty file": ("", ["s.yaml:1:1: the file is empty; a script starts with `version: 1`"]),
    "only a comment": (
        "# nothing yet\n",
        ["s.yaml:1:1: the file is empty; a script starts with `version: 1`"],
    ),
    "bad indentation": (
        "version: 1\nstudy:\n  id: s\n   title: T\n",
        ["s.yaml:4:9: not valid YAML: mapping values are not allowed here"],
    ),
    "unclosed bracket": (
        "version: 1\nstudy: {id: s\n",
        ["s.yaml:3:1: not valid YAML: expected ',' or '}', but got '<stream end>'"],
    ),
    "top level is a list": (
        "- version: 1\n- study: {}\n",
        ["s.yaml:1:1: a script is a mapping of keys, starting with `version: 1`"],
    ),
    "top level is a word": (
        "hello\n",
        ["s.yaml:1:1: a script is a mapping of keys, starting with `version: 1`"],
    ),
    "missing version": (
        HEADER.replace("version: 1\n", "") + QUESTION,
        ["s.yaml:1:1: missing `version`: a script starts with `version: 1`"],
    ),
    "version 2": (
        HEADER.replace("version: 1", "version: 2") + QUESTION,
        ["s.yaml:1:10: this script format is version 2; this bot reads version 1"],
    ),
    "missing questions": (
        HEADER,
        ["s.yaml:1:1: missing `questions`"],
    ),
    "missing study field": (
        HEADER.replace("  contact: a@b.c\n", "") + QUESTION,
        ["s.yaml:3:3: missing `contact`"],
    ),
    "unknown key with a suggestion": (
        HEADER + QUESTION + "    requird: false\n",
        ["s.yaml:15:5: unknown key `requird`; did you mean `required`?"],
    ),
    "unknown top-level key": (
        HEADER + QUESTION + "colour: blue\n",
        ["s.yaml:15:1: unknown key `colour`"],
    ),
    "wrong type": (
        HEADER + "questions:\n  - id: q\n    type: number\n    text: How many?\n    min: lots\n",
        ["s.yaml:15:10: `min` should be a number, not `lots`"],
    ),
    "boolean that is a word": (
        HEADER + QUESTION + "    required: maybe\n",
        ["s.yaml:15:15: `required` should be true or false, not `maybe`"],
    ),
    "unknown question type": (
        HEADER + "questions:\n  - id: q\n    type: essay\n    text: Why?\n",
        [
            "s.yaml:13:11: `essay` is not allowed for `type`; use one of 'text', 'single_choice', "
            "'multiple_choice', 'yes_no', 'number', 'scale' or 'info'"
        ],
    ),
    "bad id": (
        HEADER + "questions:\n  - id: Days Cycled\n    type: text\n    text: Why?\n",
        [
            "s.yaml:12:9: `Days Cycled` is not a valid id: use lower-case letters, digits and _, "
            "starting with a letter"
        ],
    ),
    "duplicate question ids": (
        HEADER + QUESTION + "  - id: q\n    type: text\n    text: Why not?\n",
        ["s.yaml:15:9: question id `q` is used twice"],
    ),
    "duplicate YAML key": (
        HEADER + QUESTION + "    text: Why not?\n",
        ["s.yaml:15:5: `text` appears twice in the same mapping"],
    ),
    "unknown choice list": (
        HEADER + "questions:\n  - id: q\n    type: single_choice\n    text: Which?\n"
        "    choices: modes\n",
        ["s.yaml:15:14: no choice list named `modes` under `choice_lists` (none defined)"],
    ),
    "choices on a text question": (
        HEADER + QUESTION + "    choices: [{value: a, label: A}]\n",
        ["s.yaml:15:5: a text question takes no `choices`"],
    ),
    "single_choice without choices": (
        HEADER + "questions:\n  - id: q\n    type: single_choice\n    text: Which?\n",
        ["s.yaml:12:5: a single_choice question needs `choices`"],
    ),
    "duplicate choice values": (
        HEADER + "questions:\n  - id: q\n    type: single_choice\n    text: Which?\n"
        "    choices:\n      - {value: a, label: A}\n      - {value: a, label: B}\n",
        ["s.yaml:17:17: choice value `a` is used twice"],
    ),
    "choice value with a space": (
        HEADER + "questions:\n  - id: q\n    type: single_choice\n    text: Which?\n"
        "    choices:\n      - {value: by car, label: Car}\n",
        [
            "s.yaml:16:17: `by car` is not a valid choice value: use letters, digits, _, . or - "
            "(no spaces)"
        ],
    ),
    "scale with a bad range": (
        HEADER + "questions:\n  - id: q\n    type: scale\n    text: How much?\n    min: 1\n"
        "    max: 20\n",
        ["s.yaml:12:5: a scale runs between two whole numbers at most 10 apart, e.g. min 1, max 5"],
    ),
    "min larger than max": (
        HEADER + "questions:\n  - id: q\n    type: number\n    text: How many?\n    min: 7\n"
        "    max: 0\n",
        ["s.yaml:15:10: `min` is larger than `max`"],
    ),
    "multiple choice max beyond its choices": (
        HEADER + "questions:\n  - id: q\n    type: multiple_choice\n    text: Which?\n"
        "    max: 3\n    choices:\n      - {value: a, label: A}\n      - {value: b, label: B}\n",
        ["s.yaml:15:10: `max` must be between 1 and the 2 choices"],
    ),
    "condition syntax error": (
        HEADER + "questions:\n  - id: days\n    type: number\n    text: Days?\n"
        "  - id: q\n    type: text\n    text: Why?\n    when: days >=\n",
        [
            "s.yaml:18:11: cannot read the condition; write it like `age >= 18 and gender == 'f'` "
            "(in `days >=`)"
        ],
    ),
    "unknown name in a condition": (
        HEADER + "questions:\n  - id: days\n    type: number\n    text: Days?\n"
        "  - id: q\n    type: text\n    text: Why?\n    when: dayz >= 3\n",
        ["s.yaml:18:11: `dayz` is not a question id; did you mean `days`?"],
    ),
    "condition on a later question": (
        HEADER
        + QUESTION
        + "    when: days >= 3\n  - id: days\n    type: number\n    text: Days?\n",
        ["s.yaml:15:11: `days` is asked later, so its answer is not known yet here"],
    ),
    "condition on its own question": (
        HEADER + QUESTION + "    when: q == 'x'\n",
        ["s.yaml:15:11: `q` is this question itself; `when` can only use earlier answers"],
    ),
    "value not among the choices": (
        HEADER + "questions:\n  - id: mode\n    type: single_choice\n    text: How?\n"
        "    choices:\n      - {value: car, label: Car}\n      - {value: bus, label: Bus}\n"
        "  - id: q\n    type: text\n    text: Why?\n    when: mode == 'bike'\n",
        ["s.yaml:21:19: `bike` is not a choice of `mode` (choices: car, bus)"],
    ),
    "number compared with a text": (
        HEADER + "questions:\n  - id: days\n    type: number\n    text: Days?\n"
        "  - id: q\n    type: text\n    text: Why?\n    when: days == 'three'\n",
        ["s.yaml:18:19: `days` is a number; compare it with a number, not 'three'"],
    ),
    "group used before classification is known": (
        HEADER + CLASSIFIED + QUESTION + "    when: group == 'doer'\n"
        "  - id: days\n    type: number\n    text: Days?\n",
        [
            "s.yaml:18:11: `group` is only known after `days`, the last question the classification uses"
        ],
    ),
    "group without a classification": (
        HEADER + "questions:\n  - id: days\n    type: number\n    text: Days?\n"
        "  - id: q\n    type: text\n    text: Why?\n    when: group == 'doer'\n",
        ["s.yaml:18:11: `group` needs a `classification` section (doer / non-doer rules)"],
    ),
    "group compared with an unknown group": (
        HEADER + CLASSIFIED + "questions:\n  - id: days\n    type: number\n    text: Days?\n"
        "  - id: q\n    type: text\n    text: Why?\n    when: group == 'doers'\n",
        ["s.yaml:21:20: `group` is `doer` or `non_doer`, not `doers`"],
    ),
    "impossible when (unreachable question)": (
        HEADER + "questions:\n  - id: ok\n    type: yes_no\n    text: OK?\n"
        "  - id: q\n    type: text\n    text: Why?\n    when: ok == 'yes' and ok == 'no'\n",
        ["s.yaml:18:11: question `q` can never be asked: its `when` condition is never true"],
    ),
    "screening nobody can pass": (
        HEADER + "questions:\n  - id: age\n    type: number\n    text: Age?\n"
        "    eligible_if: age > 30 and age < 20\n",
        ["s.yaml:15:18: nobody can pass this screening: the condition is never true"],
    ),
    "declared language missing a translation": (
        HEADER_EN_FR + 'questions:\n  - id: q\n    type: text\n    text: {en: "Why?"}\n',
        ["s.yaml:14:11: missing the `fr` translation"],
    ),
    "translation in an undeclared language": (
        HEADER + 'questions:\n  - id: q\n    type: text\n    text: {en: "Why?", de: "Warum?"}\n',
        ["s.yaml:14:24: `de` is not one of the study's languages (en)"],
    ),
    "codebook on a closed question": (
        HEADER + "questions:\n  - id: q\n    type: yes_no\n    text: OK?\n    codebook:\n"
        "      - {id: t, label: T, keywords: {en: [x]}}\n",
        ["s.yaml:15:5: `codebook` belongs to an open (text) question; `q` is yes_no"],
    ),
    "theme without keywords in a declared language": (
        HEADER_EN_FR
        + 'questions:\n  - id: q\n    type: text\n    text: {en: "Why?", fr: "Pourquoi ?"}\n'
        "    codebook:\n      - id: cost\n        label: {en: Cost, fr: Coût}\n"
        "        keywords: {en: [expens*]}\n",
        ["s.yaml:18:19: theme `cost` has no keywords in `fr`"],
    ),
    "unknown determinant": (
        HEADER + QUESTION + "    determinant: self_efficacy\n",
        [
            "s.yaml:15:18: `self_efficacy` is not a determinant; use one of the 12 Barrier "
            "Analysis determinants (e.g. perceived_self_efficacy) or declare it under "
            "`custom_determinants`"
        ],
    ),
    "bad regex": (
        HEADER + QUESTION + '    validation: {pattern: "[0-9"}\n',
        [
            "s.yaml:15:27: the pattern is not a valid regular expression: unterminated "
            "character set at position 0"
        ],
    ),
    "piping an unknown question": (
        HEADER + "questions:\n  - id: q\n    type: text\n    text: Why {reason}?\n",
        ["s.yaml:14:11: {reason} is not a question id, `behaviour` or `problem`"],
    ),
    "piping a later question": (
        HEADER + "questions:\n  - id: q\n    type: text\n    text: Why, {name}?\n"
        "  - id: name\n    type: text\n    text: Name?\n",
        ["s.yaml:14:11: {name} pipes an answer that is not known yet here"],
    ),
    "{problem} without study.problem": (
        HEADER + "questions:\n  - id: q\n    type: text\n    text: Does it prevent {problem}?\n",
        ["s.yaml:14:11: {problem} is used but `study.problem` is not set"],
    ),
    "unknown messages key": (
        HEADER + "messages:\n  en:\n    thanks: Cheers\n" + QUESTION,
        ["s.yaml:13:5: `thanks` is not one of the bot's texts"],
    ),
    "language with no built-in texts": (
        HEADER.replace("[en]", "[de]") + QUESTION,
        [
            "s.yaml:6:14: the bot has no built-in texts in `de`; give them under `messages: de:` "
            "(missing: cannot_skip, choose_button, choose_buttons, consent_no, consent_yes…)"
        ],
    ),
    "question mark inside a {en: ...} mapping": (
        HEADER + "questions:\n  - id: q\n    type: text\n    text: {en: Why?}\n",
        [
            "s.yaml:14:19: not valid YAML: inside { } a `?` ends the text; put the text in "
            'quotes, e.g. {en: "Why?"}'
        ],
    ),
    "several problems, all at once and sorted": (
        HEADER + QUESTION + "    text: Again?\n    determinant: self_efficacy\n"
        "  - id: q\n    type: text\n    text: Why {reason}?\n",
        [
            "s.yaml:15:5: `text` appears twice in the same mapping",
            "s.yaml:16:18: `self_efficacy` is not a determinant; use one of the 12 Barrier "
            "Analysis determinants (e.g. perceived_self_efficacy) or declare it under "
            "`custom_determinants`",
            "s.yaml:17:9: question id `q` is used twice",
            "s.yaml:19:11: {reason} is not a question id, `behaviour` or `problem`",
        ],
    ),
    "several schema problems, all at once": (
        HEADER + "questions:\n  - id: Q\n    type: text\n    text: Why?\n    requird: false\n",
        [
            "s.yaml:12:9: `Q` is not a valid id: use lower-case letters, digits and _, starting "
            "with a letter",
            "s.yaml:15:5: unknown key `requird`; did you mean `required`?",
        ],
    ),
}


def test_the_header_and_question_are_a_valid_script() -> None:
    """The cases below break a script that is otherwise fine."""
    assert problems_in(HEADER + QUESTION) == []
    assert (
        problems_in(HEADER_EN_FR + "questions:\n  - {id: q, type: text, text: {en: a, fr: b}}\n")
        == []
    )


# Cases where the checker is wrong today; each reason says what to fix in the checker.
KNOWN_WRONG: dict[str, str] = {}  # name → reason, for a case the checker still gets wrong


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            *case,
            id=name,
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_WRONG[name])]
            if name in KNOWN_WRONG
            else [],
        )
        for name, case in CASES.items()
    ],
)
def test_broken_script_is_reported_exactly(source: str, expected: list[str]) -> None:
    assert problems_in(source) == expected


def test_binary_bytes() -> None:
    _, problems = check_source(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "logo.yaml")
    assert [str(p) for p in problems] == [
        "logo.yaml:1:1: this is not a text file; a script is a YAML text file"
    ]


def test_not_utf8_names_the_line() -> None:
    latin1 = (HEADER + QUESTION.replace("Why?", "Pourquoi ça ?")).encode("latin-1")
    _, problems = check_source(latin1, "s.yaml")
    assert [str(p) for p in problems] == [
        "s.yaml:14:1: the file is not UTF-8 text; save it as UTF-8 in your editor"
    ]


def test_utf8_with_a_byte_order_mark_is_fine() -> None:
    script, problems = check_source(b"\xef\xbb\xbf" + (HEADER + QUESTION).encode(), "s.yaml")
    assert problems == []
    assert script is not None


def test_huge_file_is_refused_before_parsing() -> None:
    huge = (HEADER + QUESTION + "# padding\n" * 150_000).encode()
    _, problems = check_source(huge, "big.yaml")
    assert [str(p) for p in problems] == [
        f"big.yaml:1:1: the file is {len(huge):,} bytes; a script must be under 1,000,000 bytes"
    ]


def test_billion_laughs_alias_bomb_finishes_fast_and_safely() -> None:
    started = time.perf_counter()
    script, problems = check_file(SCRIPTS / "broken" / "billion_laughs.yaml")
    elapsed = time.perf_counter() - started
    # A guard that the bomb is never expanded (9**9 strings would take minutes and gigabytes),
    # not a speed target.
    assert elapsed < 10, f"the alias bomb took {elapsed:.1f}s"
    assert script is None
    assert "unknown key `laughs`" in [p.message for p in problems]


def test_problems_are_sorted_by_line_then_column() -> None:
    problems = CASES["several problems, all at once and sorted"][1]
    positions = [tuple(int(n) for n in p.split(":")[1:3]) for p in problems]
    assert positions == sorted(positions)


def test_the_mini_fixture_checks_clean() -> None:
    script, problems = check_file(SCRIPTS / "mini.yaml")
    assert problems == []
    assert script is not None
    assert script.study_id == "mini"


def test_check_file_on_a_folder_and_a_missing_file(tmp_path: Path) -> None:
    _, folder = check_file(tmp_path)
    _, missing = check_file(tmp_path / "nope.yaml")
    assert [p.message for p in folder] == ["this is a folder, not a script file"]
    assert [p.message for p in missing] == ["cannot read the file: No such file or directory"]


def test_broken_fixture_files_name_their_path() -> None:
    for path in sorted((SCRIPTS / "broken").glob("*.yaml")):
        script, problems = check_file(path)
        assert script is None, f"{path.name} should not check clean"
        assert all(p.path == str(path) for p in problems)


def test_load_script_raises_with_every_problem() -> None:
    with pytest.raises(ScriptError) as caught:
        load_script(SCRIPTS / "broken" / "two_problems.yaml")
    assert [p.message for p in caught.value.problems] == [
        "unknown key `titel`; did you mean `title`?",
        "`Why` is not a valid id: use lower-case letters, digits and _, starting with a letter",
    ]
    assert str(caught.value).count("two_problems.yaml:") == 2
