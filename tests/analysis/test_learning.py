"""Learning from the review: near-identical answers grouped, keywords and themes suggested."""

from __future__ import annotations

from bot.analysis.duplicates import answer_key, group_answers, near
from bot.analysis.learning import Example, Neighbours, suggest_keywords, with_keywords
from bot.analysis.matching import Matcher, ThemeKeywords


def test_identical_answers_but_for_case_punctuation_and_emoji_are_one_group() -> None:
    texts = ["no time", "No time.", "the bus", "no time!! 😅", "NO TIME", "The bus"]
    assert group_answers(texts) == [[0, 1, 3, 4], [2, 5]]
    assert answer_key("  No   TIME!! ") == "no time"


def test_a_small_typo_in_a_long_word_joins_the_group_but_a_negation_never_does() -> None:
    texts = ["I forget them", "i forgett them", "I never forget them", "I ever forget them",
             "a car", "a bar"]  # fmt: skip
    groups = group_answers(texts)
    assert [0, 1] in groups
    assert [2] in groups
    assert [3] in groups
    assert [4] in groups
    assert [5] in groups
    assert not near("no time", "no time at all")


CODEBOOK = [
    ThemeKeywords("forgetting", {"en": ["forget"]}),
    ThemeKeywords("heavy", {"en": ["heavy"]}),
]


def example(text: str, reviewed: set[str]) -> Example:
    automatic = Matcher(CODEBOOK, ["en"]).themes(text, "en")
    return Example(text, "en", automatic, frozenset(reviewed))


def test_a_keyword_is_suggested_from_answers_the_codebook_missed() -> None:
    examples = [
        example("it slips my mind every time", {"forgetting"}),
        example("honestly it slips my mind", {"forgetting"}),
        example("I forget them", {"forgetting"}),
        example("my mind is on the kids", set()),  # "mind" alone also says other things
        example("they are heavy", {"heavy"}),
    ]
    found = suggest_keywords(examples, CODEBOOK, ["en"])
    keywords = {(s.theme, s.keyword): s for s in found}
    assert ("forgetting", "slips") in keywords or ("forgetting", "slips mind") in keywords
    best = found[0]
    assert best.theme == "forgetting"
    assert best.finds == 2
    assert all(s.keyword != "mind" for s in found)  # it would code a reviewed answer wrongly
    assert all(s.theme != "heavy" for s in found)  # nothing missed there

    # Accepted, the keyword codes new answers like those.
    added = with_keywords(CODEBOOK, {best.theme: [(best.language, best.keyword)]})
    assert Matcher(added, ["en"]).themes("it always slips my mind", "en") == {"forgetting"}


def test_a_negated_word_is_not_suggested_where_the_matcher_would_not_find_it() -> None:
    examples = [
        example("never remember them", {"forgetting"}),
        example("i do remember them always", set()),
    ]
    assert [s.keyword for s in suggest_keywords(examples, CODEBOOK, ["en"])
            if s.keyword == "remember"] == []  # fmt: skip


def test_similar_reviewed_answers_suggest_their_themes_despite_typos() -> None:
    neighbours = Neighbours([
        ("it slips my mind", frozenset({"forgetting"})),
        ("slips my mind every time", frozenset({"forgetting"})),
        ("they weigh a ton", frozenset({"heavy"})),
        ("idk", frozenset()),
    ])  # fmt: skip
    found = neighbours.suggest(["it slipps my mind", "weather is bad"])
    assert [s.theme for s in found[0]] == ["forgetting"]
    assert found[0][0].like in {"it slips my mind", "slips my mind every time"}
    assert found[1] == []  # nothing reviewed looks like it
    assert Neighbours([]).suggest(["anything"]) == [[]]


def test_a_negated_answer_takes_no_theme_from_its_unnegated_look_alike() -> None:
    neighbours = Neighbours([("I forget them", frozenset({"forgetting"})),
                             ("I forget them at home", frozenset({"forgetting"}))])  # fmt: skip
    never, plain = neighbours.suggest(["I never forget them", "i forgett them"])
    assert never == []
    assert [s.theme for s in plain] == ["forgetting"]
