"""Commands for researchers writing scripts: check, try, schema."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from bot.analysis.coding import Coder
from bot.engine import Command, Message, State, TextInput, Turn, begin, handle
from bot.script import Script, check_file, load_script
from bot.script.loader import ScriptError, script_paths, script_warnings
from bot.vocabulary import InterviewStatus

COMMAND_WORDS = {"/back": "back", "/skip": "skip", "/restart": "restart"}


@click.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def check(paths: tuple[Path, ...]) -> None:
    """Check interview scripts (default: the dialogs folder); print every problem as path:line:col."""
    targets = list(script_paths(paths or [Path("dialogs")]))
    if not targets:
        raise click.ClickException("no .yaml scripts found there")
    failed = 0
    waves: list[tuple[Path, str, str]] = []  # (path, study, wave study)
    studies: set[str] = set()
    for path in targets:
        script, problems = check_file(path)
        for problem in problems:
            click.echo(str(problem))
        if script is None:
            failed += 1
            continue
        for warning in script_warnings(script, str(path)):
            click.echo(str(warning))
        studies.add(script.study_id)
        waves += [(path, script.study_id, wave.study) for wave in script.file.waves]
        asked = [q for q in script.questions if q.type.value != "info"]
        coded = sum(1 for q in script.questions if q.spec.codebook)
        click.echo(
            f"{path}: ok — study {script.study_id}, {len(asked)} questions, "
            f"{coded} codebooks, languages {', '.join(script.languages)}"
        )
    for path, study, wave in waves:
        if wave == study:
            click.echo(f"{path}: warning: wave `{wave}` is this study itself; a wave needs a "
                       "script of its own (its own `study.id`).")
        elif wave not in studies:
            click.echo(f"{path}: warning: wave `{wave}` has no script among those checked; "
                       "nobody is invited to it until one with that `study.id` is in the folder.")
    if failed:
        click.echo(f"{failed} of {len(targets)} scripts have problems.", err=True)
        sys.exit(1)


@click.command("try")
@click.argument("script_path", metavar="SCRIPT", type=click.Path(path_type=Path))
@click.option("--lang", help="Language code to interview in (default: the script's first).")
def try_script(script_path: Path, lang: str | None) -> None:
    """Chat with a script in the terminal, as a respondent would on Telegram. Stores nothing.

    Type a choice's number or label; /back, /skip and /restart work; end with Ctrl-D. Each typed
    answer to a question with a codebook shows the themes the codebook finds in it.
    """
    try:
        script = load_script(script_path)
    except ScriptError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException("fix the script first (see `perceptions check`)") from None
    turn = begin(script, language=lang)
    _show(turn)
    state, record, coder = turn.state, _Record(), Coder(script)
    interactive = sys.stdin.isatty()
    while not state.status.ended:
        if interactive:
            click.echo("> ", nl=False)
        line = sys.stdin.readline()
        if not line:
            break
        text = line.rstrip("\n")
        if not interactive:
            click.echo(f"> {text}")
        word = COMMAND_WORDS.get(text.strip().lower())
        turn = handle(script, state, Command(word) if word else TextInput(text))  # type: ignore[arg-type]
        record.apply(turn)
        _show_themes(script, coder, turn, state.language)
        _show(turn)
        state = turn.state
    _summary(script, state, record)


class _Record:
    """The answers a real bot would have stored, kept in memory."""

    def __init__(self) -> None:
        self.answers: dict[tuple[str, int], Any] = {}

    def apply(self, turn: Turn) -> None:
        """Keep a turn's answers as storage's `advance` would."""
        if turn.cleared:
            self.answers.clear()
        mains = {event.question_id for event in turn.answers if event.probe == 0}
        gone = set(turn.withdrawn)  # a branch closed after /back: none of its answers count
        self.answers = {key: value for key, value in self.answers.items()
                        if key[0] not in gone and not (key[0] in mains and key[1] > 0)}
        for event in turn.answers:
            self.answers[(event.question_id, event.probe)] = event.value


def _show_themes(script: Script, coder: Coder, turn: Turn, language: str) -> None:
    """The themes the codebook gives each typed open answer: for tuning codebooks while piloting."""
    for event in turn.answers:
        if not coder.is_codable(event.question_id) or not isinstance(event.value, str):
            continue
        themes = coder.automatic(event.question_id, event.value, language)
        codebook = script.by_id[event.question_id].spec.codebook or ()
        labels = {t.id: script.text(t.label, language) for t in codebook}
        if themes:
            shown = ", ".join(f"{t} ({labels.get(t, t)})" for t in sorted(themes))
            click.echo(click.style(f"  ↳ themes: {shown}", fg="cyan"))
        elif codebook:
            click.echo(click.style("  ↳ themes: none (no keyword matched)", fg="yellow"))


def _show(turn: Turn) -> None:
    for message in (*turn.messages, *([turn.keyboard] if turn.keyboard else [])):
        _print_message(message)


def _print_message(message: Message) -> None:
    click.echo(click.style(message.text, bold=bool(message.question_id)))
    for number, button in enumerate(message.buttons, 1):
        mark = "[x] " if button.value in message.selected else ("[ ] " if message.multiple else "")
        if message.multiple and button.value.startswith("_"):
            continue  # "Done" is a button in Telegram; here the picks are typed in one line
        click.echo(f"  {number}. {mark}{button.label}")
    if message.multiple:
        click.echo("  (type the numbers of all that apply, e.g. 1, 3)")


def _summary(script: Script, state: State, record: _Record) -> None:
    click.echo("\n— Answers —")
    for (question_id, probe), value in sorted(
        record.answers.items(), key=lambda item: (script.by_id[item[0][0]].index, item[0][1])
    ):
        label = (
            script.answer_label(question_id, value, state.language)
            if value is not None
            else "(skipped)"
        )
        click.echo(f"{question_id}{f' (probe {probe})' if probe else ''}: {label}")
    group = {"doer": "doer", "non_doer": "non-doer"}.get(state.group or "", "not classified")
    click.echo(f"Status: {state.status.value.replace('_', ' ')}")
    click.echo(f"Classification: {group}")
    if state.status == InterviewStatus.active:
        click.echo("(the interview was left unfinished)")


@click.command("schema")
def schema() -> None:
    """Print the JSON Schema of the script format (for dialogs/schema.json)."""
    from bot.script.schema import render_schema

    click.echo(render_schema(), nl=False)


COMMANDS = [check, try_script, schema]
