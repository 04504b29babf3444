"""Files the checker is handed as they come: binary, other encodings, huge, bombs, folders."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.script import ScriptError, check_file, check_source, load_script
from tests.checker.corpus import HEADERS, load_corpus

SCRIPTS = Path(__file__).parents[1] / "scripts"
QUESTION = "questions:\n  - id: q\n    type: text\n    text: Why?\n"


def test_binary_bytes() -> None:
    _, problems = check_source(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "logo.yaml")
    assert [str(p) for p in problems] == [
        "logo.yaml:1:1: this is not a text file; a script is a YAML text file"
    ]


def test_not_utf8_names_the_line() -> None:
    latin1 = (HEADERS["en"] + QUESTION.replace("Why?", "Pourquoi ça ?")).encode("latin-1")
    _, problems = check_source(latin1, "s.yaml")
    assert [str(p) for p in problems] == [
        "s.yaml:14:1: the file is not UTF-8 text; save it as UTF-8 in your editor"
    ]


def test_utf8_with_a_byte_order_mark_is_fine() -> None:
    script, problems = check_source(b"\xef\xbb\xbf" + (HEADERS["en"] + QUESTION).encode(), "s.yaml")
    assert problems == []
    assert script is not None


def test_huge_file_is_refused_before_parsing() -> None:
    huge = (HEADERS["en"] + QUESTION + "# padding\n" * 150_000).encode()
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
    case = next(c for c in load_corpus() if c.name == "several problems, all at once and sorted")
    positions = [tuple(int(n) for n in line.split(":")[:2]) for line in case.expected]
    assert len(positions) > 2
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
    paths = sorted((SCRIPTS / "broken").glob("*.yaml"))
    assert paths
    for path in paths:
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
