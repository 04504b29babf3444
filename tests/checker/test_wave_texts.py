"""A script in a language the bot has no texts in must word the wave reminder it relies on."""

from __future__ import annotations

import yaml

from bot.script.compiled import builtin_messages
from tests.checker.test_corpus import problems_in

GERMAN = {key: f"{text} (de)" for key, text in builtin_messages()["en"].items()
          if key != "wave_reminder"}


def german_script(waves: str) -> str:
    """A German-only script giving every built-in text but the wave reminder."""
    messages = yaml.safe_dump({"messages": {"de": GERMAN}}, allow_unicode=True)
    return (
        "version: 1\n"
        "study: {id: s, title: T, behaviour: radeln, languages: [de], introduction: Hallo,\n"
        "        consent: 'Los?', closing: Tschüss, contact: a@b.c}\n"
        "questions:\n  - {id: q, type: text, text: 'Warum?'}\n" + messages + waves
    )


def test_the_builtin_wave_reminder_is_needed_only_by_a_wave_that_uses_it() -> None:
    wave = ("waves:\n  - study: s_wave2\n    after_days: 90\n"
            "    invitation: 'Noch einmal? {link}'\n")
    assert problems_in(german_script("")) == []
    [problem] = problems_in(german_script(wave))
    assert problem.endswith("the bot has no built-in texts in `de`; give them under "
                            "`messages: de:` (missing: wave_reminder)")
    assert problems_in(german_script(wave + "    reminder: 'Noch Zeit: {link}'\n")) == []
    assert problems_in(german_script(wave + "    reminder: false\n")) == []
