"""The keyword matcher, ability by ability: what a researcher can expect a keyword to catch."""

from __future__ import annotations

import pytest

from bot.analysis.matching import PLAIN, Features, Matcher, ThemeKeywords


def coded(
    text: str,
    language: str = "en",
    *,
    negated: str = "ignore",
    exclude: dict[str, list[str]] | None = None,
    features: Features | None = None,
    **keywords: list[str],
) -> bool:
    """Whether a one-theme codebook with these keywords per language codes the text."""
    theme = ThemeKeywords("t", keywords, exclude or {}, negated)
    matcher = Matcher([theme], features=features or Features())
    return matcher.themes(text, language) == {"t"}


@pytest.mark.parametrize(
    ("keyword", "language", "text"),
    [
        ("forget", "en", "I forgot them again"),
        ("forget", "en", "forgetting is my problem"),
        ("forgot", "en", "I always forget"),
        ("leave at home", "en", "they are left at home"),
        ("olvidar", "es", "siempre se me olvidan"),
        ("olvido", "es", "me olvidé"),
        ("acordarse", "es", "a veces me acuerdo tarde"),  # stem change: acuerdo / acordarse
        ("oublier", "fr", "j'ai oublié mon sac"),
        ("bag", "en", "Bags!"),
        ("expensive", "en", "it's EXPENSIVE"),
        ("sécurité", "fr", "la securite"),
    ],
)
def test_every_form_of_a_word_matches_without_wildcards(
    keyword: str, language: str, text: str
) -> None:
    assert coded(text, language, **{language: [keyword]})


def test_short_stems_do_not_join_unrelated_words() -> None:
    """Spanish "comida" (food) and "como" (how, like) share the stem "com"."""
    assert not coded("me gusta cómo huele", "es", es=["comida"])
    assert coded("la comida cruda", "es", es=["comida"])
    assert coded("two cars", en=["car"])


@pytest.mark.parametrize(
    ("keyword", "text", "expected"),
    [
        ("harm*", "it does harm", True),
        ("harm*", "harmful chemicals", True),
        ("harm*", "it's harmless", False),  # a wildcard does not run into "less"
        ("harm**", "it's harmless", True),  # unless asked
        ("car*", "cars everywhere", True),
        ("car*", "a careful driver", False),  # a stub this short matches its own forms only
        ("expens*", "too expensive", True),
        ("expens*", "inexpensive", False),  # a wildcard starts a word
        ("danger*", "dangerously fast", True),
    ],
)
def test_wildcards_stay_within_their_word(keyword: str, text: str, expected: bool) -> None:
    assert coded(text, en=[keyword]) is expected


@pytest.mark.parametrize(
    ("language", "keyword", "text", "expected"),
    [
        ("en", "forget", "I never forget it", False),
        ("en", "forget", "I don't forget them", False),
        ("en", "forget", "I dont forget", False),  # no apostrophe
        ("en", "forget", "I forget, never on purpose", True),  # the comma ends the negation
        ("en", "forget", "not only do I forget them, I lose them", True),
        ("en", "car", "I don't have a car", False),
        ("en", "car", "no car, but the bus is slow", False),
        ("en", "bus", "no car, but the bus is slow", True),  # "but" ends the negation
        ("en", "rain", "I don't like the rain", True),  # disliking the rain names the rain
        ("en", "don't have time", "I never have time", True),  # the keyword holds a negation
        ("en", "don't have time", "I do not have enough time", True),
        ("en", "don't have time", "I have time", False),
        ("es", "olvidar", "nunca se me olvidan", False),
        ("es", "olvidar", "no se me olvidan", False),
        ("es", "olvidar", "se me olvidan", True),
        ("es", "no tengo tiempo", "no tengo tiempo", True),
        ("es", "plástico", "sin plástico", False),
        ("fr", "oublier", "je n'oublie jamais", False),
        ("fr", "oublier", "j'oublie pas mon sac", False),  # spoken French drops the "ne"
        ("fr", "oublier", "j'oublie tout le temps", True),
    ],
)
def test_a_negated_keyword_is_not_a_mention(
    language: str, keyword: str, text: str, expected: bool
) -> None:
    assert coded(text, language, **{language: [keyword]}) is expected


def test_a_theme_can_count_negated_mentions_or_only_them() -> None:
    assert coded("I don't have a car", negated="only", en=["car"])
    assert not coded("my car", negated="only", en=["car"])
    assert coded("I never worry about it", negated="also", en=["worry"])


@pytest.mark.parametrize(
    ("keyword", "text", "expected"),
    [
        ("anxiety", "the anxeity of losing it", True),
        ("infections", "less infecitons", True),
        ("password", "my pasword is fine", True),
        ("open", "opne book", True),  # four letters: two letters swapped only
        ("bike", "like it", False),  # short words are never guessed
        ("forget", "target", False),  # the first letter must match
        ("convenient", "convinient", True),
    ],
)
def test_typos_in_longer_words_match(keyword: str, text: str, expected: bool) -> None:
    assert coded(text, en=[keyword]) is expected


def test_typos_can_be_turned_off() -> None:
    assert not coded("the anxeity", en=["anxiety"], features=Features(typos=False))


def test_every_language_s_keywords_are_tried_on_every_answer() -> None:
    assert coded("se me olvidan, always", "en", en=["forget"], es=["olvidar"])
    assert coded("I always forget them", "es", en=["forget"], es=["olvidar"])
    # Without the feature only the interview's language counts (the old behaviour).
    plain = Features(all_languages=False)
    assert not coded("se me olvidan", "en", en=["forget"], es=["olvidar"], features=plain)


def test_a_clause_clearly_in_one_language_skips_false_friends() -> None:
    """French "sec" (dry) is not English "sec"; "sale" is dirty in French."""
    assert not coded("wait a sec, I have to think about it", "en", en=["dry"], fr=["sec"])
    assert coded("il fait sec", "fr", en=["dry"], fr=["sec"])


@pytest.mark.parametrize(
    ("keyword", "text", "expected"),
    [
        ("bike lane", "no bike. Lanes are fine", False),  # never across a sentence end
        ("bike lane", "the bike lane", True),
        ("bike lane", "the bike-lane", True),
        ("bike lane", "bike 🚲 lane", False),  # an emoji ends a clause too
        ("leave at home", "I leave them at home", True),  # up to two words in between
        ("leave at home", "I leave them in the car at home", False),
        ("hiver", "l'hiver", True),
        ("don't care", "dont care", True),
        ("can't", "I cant", True),
    ],
)
def test_phrases_punctuation_and_contractions(keyword: str, text: str, expected: bool) -> None:
    language = "fr" if keyword == "hiver" else "en"
    assert coded(text, language, **{language: [keyword]}) is expected


def test_emoji_alone_is_not_a_word() -> None:
    assert not coded("😂😂", en=["joy"])
    assert coded("forgot them 😅", en=["forget"])


def test_an_exclude_keyword_cancels_the_keyword_it_overlaps() -> None:
    cost = {"en": ["free"]}
    assert not coded("in my free time", exclude={"en": ["free time"]}, **cost)
    assert coded("it's free, unlike my free time", exclude={"en": ["free time"]}, **cost)


def test_plain_features_keep_the_old_keyword_matching() -> None:
    """The benchmark's baseline: exact words, simple plurals, `*` prefixes, no negation."""
    assert coded("cars", en=["car"], features=PLAIN)
    assert coded("I never forget", en=["forget"], features=PLAIN)
    assert not coded("forgot", en=["forget"], features=PLAIN)
    assert coded("harmless", en=["harm*"], features=PLAIN)
