"""Probes that dig: built-in wording per determinant and language, "What else?", never twice.

Each test builds a small script in YAML: one open question per topic (a determinant or a
competing behaviour), in English, French and Spanish, with no probe wording of its own.
"""

from __future__ import annotations

import pytest

from bot.engine import AnswerEvent
from bot.script import Determinant, Script, check_source
from tests.engine_support import started

LANGUAGES = ("en", "fr", "es")
TOPICS = [d.value for d in Determinant] + ["alternative", "liking"]

# What a respondent hears after a one-word answer, for a few topics written out in full: the
# wording fits what the question was about and reads naturally in each language.
EXPECTED = {
    ("perceived_social_norms", "en"): "Who do you have in mind, and what do they say about it?",
    ("perceived_social_norms", "fr"): "À qui pensez-vous, et qu'en disent-ils ?",
    ("perceived_social_norms", "es"): "¿En quién piensas, y qué dicen al respecto?",
    ("perceived_cues_for_action", "en"): "What helps you remember it — or what makes you forget?",
    ("policy", "fr"): "À quelles règles ou lois pensez-vous ?",
    ("culture", "es"): "¿En qué costumbres o creencias piensas?",
    ("alternative", "en"): "What makes you choose that instead?",
    ("liking", "fr"): "Qu'est-ce qui vous plaît le plus là-dedans, et pourquoi ?",
}
GENERIC = {
    "en": "Could you tell me a bit more about that?",
    "fr": "Pourriez-vous m'en dire un peu plus ?",
    "es": "¿Podrías contarme un poco más sobre eso?",
}
WHAT_ELSE = {"en": "What else?", "fr": "Quoi d'autre ?", "es": "¿Qué más?"}


TRANSLATED = """  behaviour: {en: cycle to work, fr: aller au travail à vélo, es: ir al trabajo en bici}
  problem: {en: getting ill, fr: tomber malade, es: enfermarse}"""


def script_of(
    questions: str, *, probing: str = "", languages: str = "[en, fr, es]", texts: str = TRANSLATED
) -> Script:
    """A checked script with these questions (YAML list items) and `probing:` settings."""
    source = f"""version: 1
study:
  id: probes
  title: Probes
{texts}
  languages: {languages}
  introduction: Hi
  consent: Start?
  closing: Thanks
  contact: team@example.org
{probing}
questions:
{questions}"""
    script, problems = check_source(source.encode("utf-8"), "probes.yaml")
    assert problems == [], problems
    assert script is not None
    return script


def topic_question(topic: str, qid: str = "q", extra: str = "") -> str:
    key = "competing" if topic in ("alternative", "liking") else "determinant"
    return f"""  - id: {qid}
    type: text
    {key}: {topic}
    text: "Tell me about it"
{extra}"""


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("topic", TOPICS)
def test_each_determinant_has_its_own_probe_in_each_language(topic: str, language: str) -> None:
    script = script_of(topic_question(topic) + topic_question(topic, "q2"))
    interview = started(script, "ok", language=language)
    probe = interview.last.messages[0]
    assert probe.probe
    assert probe.question_id == "q"
    if (topic, language) in EXPECTED:
        assert probe.text == EXPECTED[topic, language]
    # Worded for the topic, not the general follow-up, and asked as a question.
    assert probe.text != GENERIC[language]
    assert probe.text.rstrip().endswith("?")
    assert "{" not in probe.text  # placeholders such as {behaviour} are filled in
    others = set()
    for other in TOPICS:
        if other != topic:
            other_script = script_of(topic_question(other))
            others.add(started(other_script, "ok", language=language).texts()[0])
    assert probe.text not in others  # each topic has a wording of its own
    interview.say("the answer to the probe")
    assert interview.state.current == "q2"
    assert interview.recorded == [
        AnswerEvent("q", 0, "ok", "ok"),
        AnswerEvent("q", 1, "the answer to the probe", "the answer to the probe",
                    asked=f"dig.{topic}"),
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_probe_speaks_the_respondents_language(language: str) -> None:
    script = script_of(topic_question("perceived_self_efficacy"))
    probe = started(script, "no", language=language).texts()[0]
    words = {
        "en": "example",
        "fr": "exemple",
        "es": "ejemplo",
    }
    assert words[language] in probe


def test_a_script_wording_wins_over_the_built_in_one() -> None:
    own = topic_question("perceived_access", extra='    probe: {text: "Where do you buy it?"}\n')
    script = script_of(own + topic_question("perceived_access", "q2"))
    assert started(script, "far").texts() == ["Where do you buy it?"]
    by_determinant = script_of(
        topic_question("perceived_access"),
        probing="probing:\n  by_determinant:\n    perceived_access: Which shop?\n",
    )
    assert started(by_determinant, "far").texts() == ["Which shop?"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_what_else_follows_a_full_answer(language: str) -> None:
    script = script_of(
        topic_question("perceived_positive_consequences") + topic_question("culture", "q2"),
        probing="probing:\n  what_else: true\n",
    )
    interview = started(script, "I save money and get fit", language=language)
    asked = interview.last.messages[0]
    assert asked.probe
    assert asked.question_id == "q"
    assert asked.text != WHAT_ELSE[language]  # worded for the advantages asked about
    interview.say("it is fun too")
    assert interview.state.current == "q2"  # one "What else?" and on to the next question
    assert [(e.question_id, e.probe, e.raw) for e in interview.recorded] == [
        ("q", 0, "I save money and get fit"),
        ("q", 1, "it is fun too"),
    ]


def test_what_else_after_a_follow_up_made_the_answer_full() -> None:
    script = script_of(
        topic_question("perceived_negative_consequences") + topic_question("culture", "q2"),
        probing="probing:\n  what_else: true\n",
    )
    interview = started(script, "sweat")
    assert interview.texts() == ["What is it about that which bothers you most?"]
    interview.say("arriving sweaty at the office")
    assert interview.texts() == ["What other downsides come to mind?"]
    interview.say("nothing else")
    assert interview.state.current == "q2"
    assert [e.probe for e in interview.recorded] == [0, 1, 2]


def test_what_else_is_configured_per_question() -> None:
    off = topic_question("liking", extra="    probe: {what_else: false}\n")
    on = topic_question("policy", "q2", extra="    probe: {what_else: true}\n")
    script = script_of(off + on + topic_question("culture", "q3"))
    interview = started(script, "it is warm and dry inside")
    assert interview.state.current == "q2"  # the study does not ask "What else?" by default
    interview.say("the speed limit in town")
    assert interview.texts() == ["Are there any other rules that come to mind?"]
    interview.say("no")
    assert interview.state.current == "q3"


def test_a_question_without_a_topic_gets_a_general_what_else() -> None:
    plain = '  - id: q\n    type: text\n    text: "Anything to add?"\n    probe: {what_else: true}\n'
    script = script_of(plain + topic_question("culture", "q2"))
    interview = started(script, "more parking for bikes please", language="fr")
    assert interview.texts() == [WHAT_ELSE["fr"]]


def test_no_interview_hears_the_same_probe_twice() -> None:
    questions = "".join(
        topic_question("perceived_self_efficacy", f"q{n}") for n in range(1, 7)
    )
    script = script_of(questions + topic_question("culture", "last"), probing=(
        "probing:\n  what_else: true\n"
    ))
    interview = started(script, language="en")
    heard: list[str] = []
    for n in range(1, 7):
        assert interview.state.current == f"q{n}"
        interview.say("no")  # vague: a follow-up, as long as an unheard wording is left
        while interview.last.messages and interview.last.messages[0].probe:
            heard.append(interview.texts()[0])
            interview.say("because of the traffic on my road")  # full: maybe "What else?"
    assert interview.state.current == "last"
    assert len(heard) == len(set(heard))
    assert len(heard) >= 6  # built-in, general and "What else?" wordings to go round


def test_a_language_without_built_in_wordings_probes_with_the_scripts_text_once() -> None:
    messages = "\n".join(
        f"    {key}: \"{text}\"" for key, text in _swahili_messages().items()
    )
    script = script_of(
        topic_question("perceived_access") + topic_question("perceived_access", "q2")
        + topic_question("culture", "q3"),
        probing=f"messages:\n  sw:\n{messages}\n",
        languages="[sw]",
        texts="  behaviour: kuendesha baiskeli",
    )
    interview = started(script, "mbali")
    assert interview.texts() == ["Unaweza kueleza zaidi?"]
    interview.say("sokoni ni mbali sana")
    assert interview.state.current == "q2"
    interview.say("ghali")
    # The only Swahili wording was heard already: no English probe, no repeat; on we go.
    assert interview.state.current == "q3"


def _swahili_messages() -> dict[str, str]:
    from bot.script.compiled import builtin_messages

    texts = dict(builtin_messages()["en"])
    texts.update(probe="Unaweza kueleza zaidi?", yes="Ndiyo", no="Hapana",
                 consent_yes="Ndiyo, tuanze", consent_no="Hapana, asante",
                 yes_words="ndiyo, yes", no_words="hapana, no")
    return {key: text.replace('"', '\\"') for key, text in texts.items()}


def test_probe_columns_count_the_what_else() -> None:
    script = script_of(
        topic_question("culture", extra="    probe: {max: 2, what_else: true}\n")
        + topic_question("policy", "q2", extra="    probe: {max: 2}\n"),
    )
    assert script.by_id["q"].probe is not None
    assert script.by_id["q"].probe.columns == 3
    assert script.by_id["q2"].probe is not None
    assert script.by_id["q2"].probe.columns == 2


def test_check_warns_that_what_else_is_not_asked_in_other_languages() -> None:
    from bot.script.loader import script_warnings

    messages = "\n".join(f'    {key}: "{text}"' for key, text in _swahili_messages().items())
    script = script_of(
        topic_question("culture"),
        probing=f"probing:\n  what_else: true\nmessages:\n  sw:\n{messages}\n",
        languages="[sw]",
        texts="  behaviour: kuendesha baiskeli",
    )
    [warning] = [str(w) for w in script_warnings(script, "s.yaml")]
    assert warning.startswith("s.yaml:")
    assert 'no "What else?" wording in `sw`' in warning
    bundled = script_of(topic_question("culture"), probing="probing:\n  what_else: true\n")
    assert script_warnings(bundled, "s.yaml") == []
