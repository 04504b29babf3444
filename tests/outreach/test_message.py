"""Message files: what a researcher writes, and the sentences their mistakes get."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.outreach.message import MessageError, load_message, parse_segment
from bot.vocabulary import Group
from storage import Segment


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "thanks.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_message_file_with_texts_segment_and_figures(tmp_path: Path) -> None:
    message = load_message(write(tmp_path, """
version: 1
segment: {group: non_doer}
text:
  en: "{top_barrier_share} of you named {top_barrier}. We built lanes."
  fr: "Merci !"
"""))
    assert message.name == "thanks"  # the file name when none is given
    assert message.texts["fr"] == "Merci !"
    assert message.segment == Segment(group=Group.non_doer)
    assert message.figures == {"top_barrier_share", "top_barrier"}


@pytest.mark.parametrize(("text", "says"), [
    ("text: {en: '{top_barier}'}", r"unknown figure \{top_barier\}; the figures are"),
    ("text: {en: ''}", "text.en is empty"),
    ("name: x", "`text` must map each language"),
    ("text: {en: hi}\nsend_at: 9", "unknown key"),
    ("text: {en: 'a {'}", "literal braces"),
    ("text: [oops", "not readable YAML"),
    ("text: {en: hi}\nsegment: {group: cyclists}", "group is doer or non_doer"),
])
def test_mistakes_are_named_with_the_file(tmp_path: Path, text: str, says: str) -> None:
    with pytest.raises(MessageError, match=says) as error:
        load_message(write(tmp_path, text))
    assert "thanks.yaml" in str(error.value)


def test_command_line_segments_add_to_the_files() -> None:
    base = Segment(group=Group.doer)
    assert parse_segment(["language=fr", "source=radio"], base) == Segment(Group.doer, "fr",
                                                                           "radio")
    with pytest.raises(MessageError, match="group=…, language=… or source=…"):
        parse_segment(["age=3"], base)


def test_the_guide_s_message_example_loads(tmp_path: Path) -> None:
    guide = (Path(__file__).resolve().parents[2] / "dialogs" / "README.md").read_text("utf-8")
    example = next(block.split("```")[0] for block in guide.split("```yaml\n")[1:]
                   if "name: results-december" in block)
    message = load_message(write(tmp_path, example))
    assert message.name == "results-december"
    assert message.figures == {"top_barrier_non_doers_share", "top_barrier"}
