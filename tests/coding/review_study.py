"""A bags study built for the review queue: a headline barrier that uncoded answers could change.

Forgetting is said by 14 of 20 non-doers and 2 of 20 doers: barrier #1. Eight doers answer "the
bus is too crowded" (three spellings, one answer), which no keyword matches: if they all meant
forgetting, the barrier would not be significant, so the report warns. Reviewed as "carrying",
the warning goes, and the codebook can learn "bus" for carrying.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.script import Script, load_script
from bot.vocabulary import Group, InterviewStatus
from storage import AnswerRecord, ImportedInterview, Repository

HERE = Path(__file__).parent
STUDY = HERE / "review_study.yaml"
START = datetime(2025, 5, 1, 9, 0, tzinfo=UTC)
CROWDED = ["the bus is too crowded"] * 5 + ["The bus is too crowded!"] * 2 + ["the bus is too crowdd"]


def review_script() -> Script:
    """The bags study's script."""
    return load_script(STUDY)


def dialogs_with_study(folder: Path) -> Path:
    """A dialogs folder holding the bags study."""
    folder.mkdir(exist_ok=True)
    shutil.copy(STUDY, folder / "bags.yaml")
    return folder


def answers_of_the_study() -> list[tuple[Group, str]]:
    """(group, answer to `hard`) for each of the 40 respondents."""
    doers = ["I forget them"] * 2 + CROWDED + ["nothing"] * 10
    nondoers = ["I always forget them"] * 14 + ["nothing"] * 6
    return [(Group.doer, a) for a in doers] + [(Group.non_doer, a) for a in nondoers]


async def store_review_study(repository: Repository, script: Script) -> None:
    """Store the 40 finished interviews."""
    version = await repository.register_script(study_id=script.study_id, title="Bags",
                                               text=script.source, now=START)  # fmt: skip
    interviews = []
    for n, (group, hard) in enumerate(answers_of_the_study()):
        started = START + timedelta(minutes=n)
        interviews.append(ImportedInterview(
            pseudonym=f"{n:064x}", status=InterviewStatus.completed, group=group,
            started_at=started, completed_at=started + timedelta(minutes=5), language="en",
            answers=[AnswerRecord("days", 4 if group == Group.doer else 0, None),
                     AnswerRecord("hard", hard, hard)],
        ))  # fmt: skip
    await repository.import_interviews(study_id=script.study_id, script_version_id=version.id,
                                       interviews=interviews, now=START)  # fmt: skip
