"""A script with keywords researchers accepted on the coding page added to its codebooks.

The YAML file stays as written; the additions live in the database and join the codebook
wherever answers are coded, so the report, the exports and the coding page agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from bot.script.compiled import Script

# (question id, theme id, language, keyword)
Addition = tuple[str, str, str, str]


def with_keywords(script: Script, additions: Iterable[Addition]) -> Script:
    """The script with these keywords added to its themes (unknown questions or themes ignored)."""
    wanted: dict[str, dict[str, list[tuple[str, str]]]] = {}
    for question, theme_id, language, keyword in additions:
        wanted.setdefault(question, {}).setdefault(theme_id, []).append((language, keyword))
    if not wanted:
        return script
    questions = []
    for compiled in script.questions:
        spec = compiled.spec
        added = wanted.get(compiled.id)
        if not added or not spec.codebook:
            questions.append(compiled)
            continue
        codebook = []
        for theme in spec.codebook:
            keywords = {lang: list(words) for lang, words in theme.keywords.items()}
            for language, keyword in added.get(theme.id, ()):
                if keyword not in keywords.setdefault(language, []):
                    keywords[language].append(keyword)
            codebook.append(theme.model_copy(update={"keywords": keywords}))
        questions.append(replace(compiled, spec=spec.model_copy(update={"codebook": codebook})))
    return replace(script, questions=tuple(questions), by_id={q.id: q for q in questions})
