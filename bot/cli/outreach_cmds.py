"""Writing to past respondents: `perceptions broadcast` ("you said, we did")."""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli.common import plural, say, study_script, with_database
from bot.settings import load_settings

if TYPE_CHECKING:
    from bot.outreach import BroadcastSummary, Plan
    from bot.outreach.prepare import TextShare

PROGRESS_EVERY = 10.0  # seconds between progress lines when standard error is not a terminal


@click.command("broadcast")
@click.argument("study")
@click.argument("message", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--segment", "segments", multiple=True, metavar="KEY=VALUE",
              help="Only part of the opted-in respondents: group=doer|non_doer, language=fr, "
              "source=radio (repeatable; adds to the file's `segment:`).")
@click.option("--dry-run", is_flag=True,
              help="Show who would get which text, with the figures filled in; send nothing.")
@click.option("--rate", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
              help="Messages a second (Telegram allows about 30 a bot; paid broadcasts more).")
def broadcast(study: str, message: Path, segments: tuple[str, ...], dry_run: bool,
              rate: float) -> None:
    """Send MESSAGE (a YAML file with the text per language) to everyone in STUDY who chose to
    hear what was done with the results. Paced to Telegram's limits; running it again resumes
    and never sends anyone the message twice."""
    from bot.outreach import BroadcastChanged, Broadcaster
    from bot.outreach.message import MessageError, load_message, parse_segment
    from bot.outreach.prepare import audience, prepare
    from storage import Repository

    settings = load_settings()
    script = study_script(settings, study)
    try:
        parsed = load_message(message)
        parsed = replace(parsed, segment=parse_segment(segments, parsed.segment))
    except MessageError as error:
        raise click.ClickException(str(error)) from None
    token = settings.telegram_bot_token
    if token is None and not dry_run:
        raise click.ClickException(
            "TELEGRAM_BOT_TOKEN is not set, and a broadcast goes through Telegram. "
            "Set it in .env, or add --dry-run to see who would get what."
        )

    async def work(repository: Repository) -> BroadcastSummary | None:
        try:
            plan = (await prepare(repository, script, parsed,
                                  where=lambda lang: f"{message}: text.{lang}")).plan
        except (MessageError, BroadcastChanged) as error:
            raise click.ClickException(str(error)) from None
        if dry_run:
            _show_plan(plan, await audience(repository, plan))
            return None
        assert token is not None
        from bot.telegram.broadcast import broadcast_bot, telegram_send

        bot = broadcast_bot(token.get_secret_value(), settings.telegram_api_url)
        # SIGTERM stops it as Ctrl-C does: sends under way finish, unsent claims go back.
        current = asyncio.current_task()
        if current is not None:
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, current.cancel)
        async with bot:
            broadcaster = Broadcaster(repository, settings.pseudonym_key.get_secret_value(),
                                      telegram_send(bot), rate=rate)
            try:
                return await broadcaster.run(plan, _progress())
            except BroadcastChanged as error:
                raise click.ClickException(str(error)) from None
            except asyncio.CancelledError:
                say("\nStopped. Run the same command again to go on: nobody gets it twice.")
                return None

    summary = with_database(settings, work)
    if summary is not None:
        _show_summary(summary)


def _show_plan(plan: Plan, shares: list[TextShare]) -> None:
    total = sum(share.count for share in shares)
    say(f"Broadcast {plan.name!r} of {plan.study_id} would go to {plural(total, 'person', 'people')}"
        " who chose to hear about the results (nothing is sent in a dry run).")
    for share in shares:
        note = "" if share.own else f" (no {share.language or 'unknown'} text: they get {share.gets})"
        say(f"  {share.language or '?'}: {plural(share.count, 'person', 'people')}{note}")
    for lang, text in plan.texts.items():
        say(f"\n--- {lang} ---\n{text}")


def _progress() -> Callable[[int, int], None]:
    """A line now and then on standard error (a bar would garble logs that are not a terminal)."""
    last = [0.0]
    tty = sys.stderr.isatty()

    def show(done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - last[0] < (0.2 if tty else PROGRESS_EVERY):
            return
        last[0] = now
        share = f" ({100 * done / total:.0f}%)" if total else ""
        line = f"{done:,} of {plural(total, 'recipient')} done{share}"
        click.echo(f"\r{line}" if tty else line, err=True, nl=not tty or done >= total)

    return show


def _show_summary(summary: BroadcastSummary) -> None:
    from bot.outreach.prepare import OUTCOMES, outcomes

    counts = outcomes(summary.tally)
    parts = [f"{counts[key]:,} {words}" for key, words in OUTCOMES
             if key != "pending" or counts[key]]
    if counts["pending"]:
        parts[-1] += " (run the command again)"
    say(f"Broadcast {summary.name!r}: {plural(summary.total, 'recipient')}: " + ", ".join(parts)
        + ".")
    rate = summary.sent_now / summary.seconds if summary.seconds else 0.0
    say(f"This run: {summary.sent_now:,} sent in {summary.seconds:.1f} s ({rate:.1f} a second)"
        f"{f', {summary.enrolled:,} recipients added' if summary.enrolled else ''}.")


@click.command("waves")
@click.argument("study")
@click.option("--lang", help="Language of labels (default: the script's first).")
def waves(study: str, lang: str | None) -> None:
    """Compare STUDY with its follow-up waves (the `waves:` of its script): doers per wave,
    who moved between doer and non-doer, and what wave-1 non-doers who became doers had said
    against those who did not. Markdown on standard output (the report's "Waves compared")."""
    from bot.report.render_md import render_waves_markdown
    from bot.report.waves import compare_waves
    from storage import Repository

    settings = load_settings()
    script = study_script(settings, study)
    if not script.file.waves:
        raise click.ClickException(
            f"{study} declares no follow-up waves: add `waves:` to its script (see "
            "dialogs/README.md)."
        )
    later = [study_script(settings, wave.study) for wave in script.file.waves]

    async def work(repository: Repository) -> str:
        return render_waves_markdown(await compare_waves(repository, script, later, lang=lang))

    click.echo(with_database(settings, work), nl=False)


COMMANDS = [broadcast, waves]
