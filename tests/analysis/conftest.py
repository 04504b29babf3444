"""Fixtures: the cycling study script and a generated study with planted findings."""

from __future__ import annotations

from pathlib import Path

import pytest
from analysis_fakes import StudyBuilder, planted_study

from bot.script import Script, check_source


@pytest.fixture(scope="session")
def cycling() -> Script:
    """Cycling to work: a coded self-efficacy question, closed determinants, competing questions."""
    script, problems = check_source((Path(__file__).parent / "cycling.yaml").read_bytes())
    assert script is not None, problems
    return script


@pytest.fixture
def planted() -> StudyBuilder:
    """The 90-respondent study with one planted barrier and one planted competitor."""
    return planted_study()
