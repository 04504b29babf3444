"""Records answers in a loop and prints each one's question id once its commit returned.

Run by test_storage_crash.py, which kills this process mid-loop with SIGKILL.
Usage: python crash_writer.py DATABASE_URL INTERVIEW_ID
"""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime

from bot.vocabulary import InterviewStatus
from storage import AnswerRecord, create_repository


async def main(database_url: str, interview_id: int) -> None:
    """Advance one interview forever, acknowledging each answer on stdout after commit."""
    repo = create_repository(database_url)
    step = 0
    while True:
        question = f"q{step}"
        applied = await repo.advance(
            interview_id=interview_id, expected_step=step, new_state={"step": step + 1},
            status=InterviewStatus.active, group=None, now=datetime.now(UTC),
            answers=[AnswerRecord(question, step, f"answer {step}")], update_id=step,
        )
        if not applied:
            raise SystemExit(f"step {step} was not applied")
        print(question, flush=True)
        step += 1


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
