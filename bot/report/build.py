"""From storage to a `Summary`: stream the study's interviews and answers into `analyse`."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import TypeVar

from bot.analysis import Summary, analyse
from bot.analysis.records import AnswerKey, InterviewRecord
from bot.report.codebook import coding_script
from bot.report.records import answer_columns, interview_record, override_records
from bot.script import Script
from storage import Repository

T = TypeVar("T")
SHORT_HASH = 12
ANSWER_BATCH = 70_000


async def load_summary(
    repository: Repository,
    script: Script,
    *,
    lang: str | None = None,
    with_emerging: bool = True,
) -> Summary:
    """Analyse a stored study; answers stream from the database straight into the analysis."""
    script = await coding_script(repository, script)
    study_id = script.study_id
    default_language = script.languages[0]
    interviews: list[InterviewRecord] = []
    version_ids: dict[int, None] = {}  # in order of first use
    async for headers in repository.stream_interview_headers(study_id=study_id):
        for header in headers:
            interviews.append(interview_record(header, default_language))
            version_ids.setdefault(header.script_version_id)
    stored_overrides = await repository.coding_overrides(study_id=study_id)
    second = await repository.coding_overrides(study_id=study_id, independent=True)
    keys = await _answer_keys(repository, study_id, set(stored_overrides) | set(second))
    version = await script_version(repository, script, list(version_ids))
    loop = asyncio.get_running_loop()
    # 70k answers a batch. Once the read no longer converted times in Python it ran ahead of the
    # analysis, and at 100k the batch waiting for it added 15-20 MiB to the peak; 70k keeps the
    # peak below what it was (measured on 100k interviews: 516-524 MiB against 535-549 MiB, CPU
    # time alike within the noise; 50k cost about 1 s more CPU).
    batches = aiter(repository.stream_answer_columns(study_id=study_id, batch_size=ANSWER_BATCH))
    columns = map(answer_columns, _pull(loop, batches))
    # The analysis is CPU-bound and synchronous: it runs in a worker thread and pulls batches of
    # answers from the event loop, so the whole study never sits in memory at once. The next
    # batch is read meanwhile, mostly inside SQLite, which runs without the GIL.
    return await asyncio.to_thread(
        analyse, script, interviews, (), override_records(stored_overrides, keys),
        columns=columns, lang=lang, script_version=version, with_emerging=with_emerging,
        second_coding=override_records(second, keys),
        today=datetime.now(UTC).date(),
    )  # fmt: skip


async def script_version(repository: Repository, script: Script, version_ids: list[int]) -> str:
    """Short hashes of the script versions the interviews ran on (or of the file, if none yet)."""
    hashes = []
    for version_id in version_ids:
        record = await repository.get_script_version(version_id=version_id)
        if record is not None:
            hashes.append(record.sha256[:SHORT_HASH])
    if not hashes:
        hashes.append(hashlib.sha256(script.source.encode("utf-8")).hexdigest()[:SHORT_HASH])
    return ", ".join(dict.fromkeys(hashes))


async def _answer_keys(
    repository: Repository, study_id: str, answer_ids: set[int]
) -> dict[int, AnswerKey]:
    # Overrides name answers by id, the analysis by (interview, question, probe); the coder needs
    # them before the main pass, so an extra pass is paid only when a researcher has overridden.
    if not answer_ids:
        return {}
    return {
        answer_id: (interview_id, question_id, probe)
        async for rows in repository.stream_answer_batches(study_id=study_id)
        for answer_id, interview_id, _, _, _, question_id, probe, *_ in rows
        if answer_id in answer_ids
    }


async def _next(stream: AsyncIterator[T]) -> T | None:
    return await anext(stream, None)


def _pull(loop: asyncio.AbstractEventLoop, stream: AsyncIterator[T]) -> Iterator[T]:
    """A synchronous iterator over an async stream, for a worker thread while `loop` runs."""
    finished = False
    try:
        while True:
            item = asyncio.run_coroutine_threadsafe(_next(stream), loop).result()
            if item is None:
                finished = True
                return
            yield item
    finally:
        close = getattr(stream, "aclose", None)
        if not finished and close is not None:
            asyncio.run_coroutine_threadsafe(close(), loop).result()
