"""The broken-script corpus: `tests/scripts/broken/corpus/*.yaml`, one list of cases per topic.

A case is a script and the exact problems `perceptions check` reports for it:

    - name: empty choice list
      script: |            # what follows the study header (lines 1-10), so it starts at line 11
        questions:
          - {id: q, type: single_choice, text: Which?, choices: []}
      expect:
        - "11:61: a single_choice question needs at least one choice"

`header: en_fr` puts the two-language header first instead; `header: none` means the script is
the whole file. Each expected line is `line:column: message` in the file as checked (`s.yaml`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

CORPUS = Path(__file__).parents[1] / "scripts" / "broken" / "corpus"

HEADERS = {
    "en": """\
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
""",
    "en_fr": """\
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
""",
    "none": "",
}


@dataclass(frozen=True)
class Case:
    """One broken script and what the checker must say about it."""

    topic: str
    name: str
    source: str
    expected: list[str]


def load_corpus() -> list[Case]:
    """Every case of every topic file, in file order."""
    cases = []
    for path in sorted(CORPUS.glob("*.yaml")):
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")):
            header = HEADERS[entry.get("header", "en")]
            cases.append(
                Case(path.stem, entry["name"], header + entry["script"], list(entry["expect"]))
            )
    return cases
