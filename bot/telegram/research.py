"""Researcher commands (/stats, /export), answered only for allow-listed Telegram accounts."""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence

from telegram import Update
from telegram.constants import ChatAction

from bot.interviews import StudyStats
from bot.outreach.waves import WaveProgress
from bot.telegram.context import InterviewContext

log = logging.getLogger(__name__)


def stats_text(figures: list[StudyStats], waves: Sequence[WaveProgress] = ()) -> str:
    """Plain lines per study: starts, endings, doers and non-doers against the quota, waves."""
    lines = []
    for study in figures:
        c = study.counts
        lines.append(
            f"{study.title} ({study.study_id})\n"
            f"started {c.starts} · in progress {c.active} · paused {c.paused}\n"
            f"completed {c.completed} · screened out {c.screened_out} · excluded {c.excluded}"
            f" · declined {c.declined}\n"
            f"doers {_fill(c.doers, study.quota_doers)}"
            f" · non-doers {_fill(c.non_doers, study.quota_non_doers)}\n"
            f"fieldwork {study.fieldwork} · {_over_quota(study)}"
            + "".join(f"\n{wave_line(w)}" for w in waves if w.study_id == study.study_id)
        )
    return "\n\n".join(lines)


def wave_line(progress: WaveProgress) -> str:
    """One follow-up wave: who is due, and how far the invitations and answers got."""
    wave, t = progress.wave, progress.tally
    reminded = "no reminder" if wave.reminder is False else f"reminded {t.reminded}"
    return (f"wave {progress.number} ({wave.study}, {wave.after_days} days on): due {t.due}"
            f" · invited {t.invited} · {reminded} · started {t.started}"
            f" · completed {t.completed}")


def _fill(kept: int, target: int) -> str:
    return f"{kept}/{target}" + (" (full)" if kept >= target else "")


def _over_quota(study: StudyStats) -> str:
    """What a full group does, and who it turned away or kept apart so far."""
    c = study.counts
    if study.over_quota == "close":
        return f"a full group's newcomers are thanked and stopped ({c.quota_full} so far)"
    if study.over_quota == "keep":
        return f"a full group's newcomers are kept apart as over quota ({c.over_quota} so far)"
    return "quotas are targets only (not enforced)"


async def stats(update: Update, context: InterviewContext) -> None:
    """/stats: how each study is going."""
    assert update.message is not None
    inviter = context.bot_data.invitations
    waves = [] if inviter is None else await inviter.progress()
    await update.message.reply_text(stats_text(await context.service.stats(), waves))


async def export(update: Update, context: InterviewContext) -> None:
    """/export [study]: the study's answers as a CSV document (pseudonyms only)."""
    assert update.message is not None
    catalog = context.service.catalog
    wanted = context.args[0] if context.args else catalog.default_study
    if wanted not in catalog.study_ids:
        await update.message.reply_text(f"No study {wanted!r}. Studies: {', '.join(catalog.study_ids)}")
        return
    await update.message.reply_chat_action(ChatAction.UPLOAD_DOCUMENT)
    # Imported here: the report pulls in the analysis stack, which a bot that is never asked for
    # an export need not load.
    from bot.report.exports import export_csv

    script, _ = catalog.current(wanted)
    out = io.StringIO()
    rows = await export_csv(context.service.repository, script, "long", out)
    log.info("export of %s: %d rows", wanted, rows)
    await update.message.reply_document(
        out.getvalue().encode("utf-8"), filename=f"{wanted}-answers.csv",
        caption=f"{wanted}: {rows} rows",
    )
