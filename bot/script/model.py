"""The interview script language, version 1, as pydantic models (the JSON Schema is generated from them)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Identifier = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=32),
    Field(
        description="Lower-case letters, digits and _, starting with a letter; at most 32 characters."
    ),
]
ChoiceValue = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9_.-]+$", max_length=24),
    Field(
        description="A short code stored for this choice: letters, digits, _ . -; at most 24 characters."
    ),
]
LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")]
Text = Annotated[
    str | dict[LanguageCode, str],
    Field(description="A text, or a mapping from language code to the text in that language."),
]
Expression = Annotated[
    str,
    Field(
        description="A condition on earlier answers, e.g. `days_cycled >= 3 and 'car' in transport`.",
        min_length=1,
    ),
]


class Strict(BaseModel):
    """Base for every script node: unknown keys are mistakes, not extensions."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Determinant(StrEnum):
    """The twelve Barrier Analysis determinants."""

    perceived_self_efficacy = "perceived_self_efficacy"
    perceived_positive_consequences = "perceived_positive_consequences"
    perceived_negative_consequences = "perceived_negative_consequences"
    perceived_social_norms = "perceived_social_norms"
    perceived_access = "perceived_access"
    perceived_cues_for_action = "perceived_cues_for_action"
    perceived_susceptibility = "perceived_susceptibility"
    perceived_severity = "perceived_severity"
    perceived_action_efficacy = "perceived_action_efficacy"
    perceived_divine_will = "perceived_divine_will"
    policy = "policy"
    culture = "culture"


class QuestionType(StrEnum):
    """What kind of answer a question takes."""

    text = "text"
    single_choice = "single_choice"
    multiple_choice = "multiple_choice"
    yes_no = "yes_no"
    number = "number"
    scale = "scale"
    info = "info"


CLOSED_TYPES = frozenset(
    {
        QuestionType.single_choice,
        QuestionType.multiple_choice,
        QuestionType.yes_no,
        QuestionType.scale,
    }
)


class Choice(Strict):
    """One option of a closed question."""

    value: ChoiceValue
    label: Text


class NegatedMentions(StrEnum):
    """What a keyword reached by a negation ("not", "never", "sin") means for its theme."""

    ignore = "ignore"
    also = "also"
    only = "only"


class Theme(Strict):
    """One theme of a codebook: an open answer mentioning any keyword carries this theme."""

    id: Identifier
    label: Text
    keywords: dict[LanguageCode, list[Annotated[str, StringConstraints(min_length=1)]]] = Field(
        description="Words or phrases per language. Matching ignores case and accents, finds every "
        "form of a word (`forget` matches forgot, forgetting) and small typos in longer words; "
        "`expens*` matches words starting with `expens` (`**` also runs into other words, "
        "e.g. `harm**` matches harmless). Every language's keywords are tried on every answer."
    )
    exclude: dict[LanguageCode, list[Annotated[str, StringConstraints(min_length=1)]]] = Field(
        default_factory=dict,
        description="Words or phrases per language that cancel a keyword they overlap, e.g. "
        "`free time` for a theme with the keyword `free`.",
    )
    negated: NegatedMentions = Field(
        NegatedMentions.ignore,
        description="What a negated keyword means (\"I never forget\"): `ignore` (the default: "
        "not a mention), `also` (negated mentions count too) or `only` (only negated mentions count, "
        "e.g. a theme `no_car` with the keyword `car`).",
    )


class Validation(Strict):
    """Extra checks on an answer, with the researcher's own message when one fails."""

    pattern: str | None = Field(
        None, description="A regular expression the whole answer must match."
    )
    min_length: int | None = Field(None, ge=0)
    max_length: int | None = Field(None, ge=1)
    message: Text | None = None


class Probe(Strict):
    """Follow-ups: one asked when an open answer is too short or vague, and "What else?"."""

    text: Text | None = Field(
        None,
        description="The follow-up to a short or vague answer; when absent, the built-in wording "
        "for the question's determinant or competing behaviour is used.",
    )
    min_words: int | None = Field(None, ge=1)
    max: int | None = Field(
        None, ge=0, description="At most this many follow-ups to short or vague answers."
    )
    what_else: bool | None = Field(
        None,
        description="Ask \"What else?\" once after a full answer (the study's "
        "`probing.what_else` when absent).",
    )


class Competing(StrEnum):
    """The two competing-behaviour questions of the method."""

    alternative = "alternative"
    liking = "liking"


class Question(Strict):
    """One question (or information message) of the interview."""

    id: Identifier
    type: QuestionType
    text: Text
    short: Text | None = Field(
        None,
        description="A few words naming the question in reports and exports (e.g. 'Friends "
        "approve'); the question text is used when absent.",
    )
    required: bool = True
    when: Expression | None = Field(None, description="Ask only when this condition holds.")
    choices: list[Choice] | Identifier | None = Field(
        None, description="The options, or the name of a list under `choice_lists`."
    )
    min: float | None = Field(
        None,
        allow_inf_nan=False,
        description="number: smallest value; multiple_choice: fewest picks.",
    )
    max: float | None = Field(
        None,
        allow_inf_nan=False,
        description="number: largest value; multiple_choice: most picks.",
    )
    integer: bool = Field(False, description="number: accept whole numbers only.")
    min_label: Text | None = Field(None, description="scale: what the lowest point means.")
    max_label: Text | None = Field(None, description="scale: what the highest point means.")
    validation: Validation | None = None
    eligible_if: Expression | None = Field(
        None, description="Screening: after this answer, end politely unless the condition holds."
    )
    determinant: Identifier | None = Field(
        None, description="One of the 12 Barrier Analysis determinants or a custom one."
    )
    competing: Competing | None = None
    segment: bool = Field(False, description="Break the report down by this question's answers.")
    probe: Probe | Literal[False] | None = None
    codebook: list[Theme] | None = None


class Group(Strict):
    """All of these conditions hold."""

    all: list[Expression] = Field(min_length=1)


class Rule(Strict):
    """Any one of these groups holds."""

    any: list[Group] = Field(min_length=1)


class Classification(Strict):
    """Doer / non-doer rules, as in Barrier Analysis."""

    doer: Rule
    non_doer: Rule
    exclude_unclassified: bool = Field(
        True, description="End the interview politely for someone who is neither."
    )


class OverQuota(StrEnum):
    """What happens to someone classified into a group whose quota is full."""

    keep = "keep"
    close = "close"


class Quota(Strict):
    """How many doers and non-doers the study wants, and what happens once a group is full."""

    doers: int = Field(45, ge=1)
    non_doers: int = Field(45, ge=1)
    over_quota: OverQuota | None = Field(
        None,
        description="Enforce the quota: once a group has this many completed interviews, someone "
        "newly classified into it is `close`: thanked with `full_message` and stopped there "
        "(stored as `quota_full`), or `keep`: interviewed to the end and stored apart as "
        "`over_quota`. Without it, the quota is a target shown in progress only.",
    )
    full_message: Text | None = Field(
        None,
        description="`over_quota: close`: what to say to someone whose group is full; the bot's "
        "own polite sentence when absent.",
    )


class Probing(Strict):
    """Study-wide probing defaults."""

    min_words: int = Field(3, ge=1)
    max_per_question: int = Field(1, ge=0)
    vague_answers: dict[LanguageCode, list[str]] = Field(default_factory=dict)
    text: Text | None = None
    by_determinant: dict[Identifier, Text] = Field(default_factory=dict)
    what_else: bool = Field(
        False,
        description="Ask \"What else?\" once after each full answer to a probed question, as "
        "Barrier Analysis interviewers do; a question's `probe: {what_else: …}` decides for itself.",
    )


class Study(Strict):
    """Who, what and why: the study's metadata and fixed texts."""

    id: Identifier
    title: Text
    behaviour: Text = Field(description="The behaviour, as a phrase that fits 'Could you ...?'.")
    problem: Text | None = Field(None, description="The problem the behaviour prevents, if any.")
    priority_group: Text | None = None
    prevalence: float = Field(0.10, gt=0, lt=1, description="Share of the population doing it.")
    languages: list[LanguageCode] = Field(min_length=1)
    introduction: Text
    consent: Text
    closing: Text
    screened_out: Text | None = None
    contact: str
    quota: Quota = Field(default_factory=Quota)
    opens: date | None = Field(
        None, description="The first day of fieldwork (UTC), e.g. 2026-03-01; open until then."
    )
    closes: date | None = Field(
        None, description="The last day of fieldwork (UTC): from the day after, nobody new starts."
    )


class Wave(Strict):
    """A later round of this study, with its own script, offered to those who agreed to it."""

    study: Identifier = Field(
        description="The `study.id` of the later wave's script (its own questions), in the same "
        "folder; its answers join this study's by the respondent's pseudonym."
    )
    after_days: int = Field(
        ge=1, le=3650, description="Invite this many days after the respondent completed this study."
    )
    invitation: Text = Field(
        description="The invitation, sent in the respondent's language (outside quiet hours) to "
        "those who said they may be asked again; {link} is where they start (added at the end "
        "when the text has none)."
    )
    reminder: Text | Literal[False] | None = Field(
        default=None,
        description="One reminder to those invited who have not started the wave yet; {link} as "
        "in the invitation. Left out: the bot's built-in reminder (`wave_reminder`); `false`: no "
        "reminder.",
    )
    remind_after_days: int = Field(
        default=7, ge=1, le=365,
        description="Remind this many days after the invitation was sent (outside quiet hours).",
    )


class ScriptFile(Strict):
    """A whole interview script file."""

    version: Literal[1]
    study: Study
    custom_determinants: list[Identifier] = Field(default_factory=list)
    choice_lists: dict[Identifier, list[Choice]] = Field(default_factory=dict)
    probing: Probing = Field(default_factory=Probing)
    messages: dict[LanguageCode, dict[str, str]] = Field(
        default_factory=dict, description="Overrides of the bot's built-in texts, per language."
    )
    questions: list[Question] = Field(min_length=1)
    classification: Classification | None = None
    waves: list[Wave] = Field(
        default_factory=list,
        description="Follow-up waves: wave 2, 3… of the study, each after some days.",
    )
