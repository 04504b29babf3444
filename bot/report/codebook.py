"""The study's script as answers are coded: its codebooks plus the keywords researchers accepted."""

from __future__ import annotations

from bot.script import Script
from bot.script.additions import with_keywords
from storage import Repository


async def coding_script(repository: Repository, script: Script) -> Script:
    """The script with the keywords accepted on the coding page added to its codebooks."""
    added = await repository.codebook_keywords(study_id=script.study_id)
    return with_keywords(script, ((k.question_id, k.theme_id, k.language, k.keyword)
                                  for k in added))  # fmt: skip
