"""Quotes that represent: typical, distinct, from different people, in the reader's language."""

from __future__ import annotations

from bot.analysis import Summary, analyse
from bot.analysis.quotes import choose
from bot.analysis.records import AnswerRecord, InterviewRecord
from bot.analysis.tally import QuoteCandidate
from bot.report.render_html import render_html
from bot.script import Script
from tests.report.study import T0


def candidate(text: str, who: int, language: str = "en") -> QuoteCandidate:
    return QuoteCandidate(text, who, language, "non_doer")


def test_the_typical_answer_comes_first_and_the_second_says_it_differently() -> None:
    said = [
        candidate("no", 1),
        candidate("the traffic scares me", 2),
        candidate("traffic scares me every morning", 3),
        candidate("my neighbour's cat and also the traffic scares me sometimes", 4),
        candidate("cars drive too fast and the traffic scares me", 5),
        candidate("roads are unsafe for bikes", 6),
        candidate("unsafe roads", 7),
    ]
    first, second = choose(said, "en")
    assert first.text == "the traffic scares me"
    assert "traffic" not in second.text  # a second way of saying it, not the first one again


def test_one_quote_per_person_and_no_repeats() -> None:
    said = [candidate("the traffic scares me", 1), candidate("the traffic scares me too", 1),
            candidate("The traffic scares me", 2), candidate("roads are unsafe", 3)]  # fmt: skip
    chosen = choose(said, "en", most=3)
    assert len({c.position for c in chosen}) == len(chosen)
    assert len({c.text.casefold() for c in chosen}) == len(chosen)


def test_the_readers_language_first() -> None:
    said = [candidate("the traffic scares me", 1), candidate("la circulation me fait peur", 2, "fr"),
            candidate("les voitures roulent trop vite", 3, "fr")]  # fmt: skip
    assert [c.language for c in choose(said, "fr")] == ["fr", "fr"]
    assert choose(said, "en")[0].language == "en"


def test_an_answer_is_quoted_under_one_theme_of_a_section_only() -> None:
    used: set[str] = set()
    both = candidate("traffic and rain", 1)
    danger = choose([both, candidate("roads are unsafe", 2)], "en", used)
    weather = choose([both, candidate("cold mornings", 3)], "en", used)
    assert both.text in {c.text for c in danger}
    assert both.text not in {c.text for c in weather}


def test_the_planted_barrier_quotes_two_people_in_their_words(summary: Summary) -> None:
    quotes = summary.barriers[0].quotes
    assert len(quotes) == 2
    assert len(set(quotes)) == 2
    assert all("traffic" in q or "unsafe" in q or "dangerous" in q for q in quotes)
    shown = [q for r in summary.barriers for q in r.quotes]
    assert len(shown) == len(set(shown))


def test_quotes_in_another_language_are_marked(script: Script) -> None:
    interviews, answers = [], []
    for i in range(40):
        doer = i % 2 == 0
        language = "fr" if i % 4 == 1 else "en"
        interviews.append(InterviewRecord(i, "completed", "doer" if doer else "non_doer", None,
                                          language, T0, T0))  # fmt: skip
        hard = ("the rain" if doer else
                "la circulation est dangereuse" if language == "fr" else "the traffic scares me")
        answers += [AnswerRecord(i, "days", 0, "", 4 if doer else 0, language, T0),
                    AnswerRecord(i, "hard", 0, hard, hard, language, T0)]  # fmt: skip
    english = analyse(script, interviews, answers, with_emerging=False)
    french = analyse(script, interviews, answers, lang="fr", with_emerging=False)
    assert english.barriers[0].quotes[0] == "the traffic scares me"
    assert french.barriers[0].quotes[0] == "la circulation est dangereuse"
    assert french.quote_languages.get("the traffic scares me") == "en"
    page = render_html(english)
    assert "“la circulation est dangereuse” <span class=\"lang\">(fr)</span>" in page
