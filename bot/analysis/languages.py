"""What the matcher knows about each language: negation, contractions, function words, stemmers.

Plain data, kept small and readable so a researcher can check it. Languages not listed here still
get folding, typo tolerance and (where Snowball has a stemmer) morphology.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Language:
    """The words the matcher treats specially in one language (folded: lower case, no accents)."""

    stemmer: str | None = None  # the Snowball algorithm's name
    # Words that negate what follows them ("not", "never", "sin").
    negations: frozenset[str] = frozenset()
    # Words that negate the word before them when no negation came first ("j'oublie pas").
    post_negations: frozenset[str] = frozenset()
    # A negation word followed by one of these does not negate ("not only", "sin duda").
    not_negating: frozenset[tuple[str, str]] = frozenset()
    # Words that end a negation's reach ("but", "pero") …
    scope_ends: frozenset[str] = frozenset()
    # … and verbs whose negation is about the verb, not its object: "I don't like the traffic"
    # still names the traffic as a problem.
    attitude_verbs: frozenset[str] = frozenset()
    # Frequent short words that tell a language apart in a mixed answer.
    function_words: frozenset[str] = frozenset()
    # Written forms that stand for other words: "dont" → "do not", "n" → "ne" ("n'oublie").
    expansions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Irregular forms Snowball cannot relate to their base form ("forgot" → "forget").
    irregular: dict[str, str] = field(default_factory=dict)
    # Endings that turn a word into its opposite: a wildcard never runs into them ("harmless").
    privative: tuple[str, ...] = ()


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _pairs(text: str) -> frozenset[tuple[str, str]]:
    return frozenset((a, b) for a, b in (pair.split("+") for pair in text.split()))


def _irregular(table: str) -> dict[str, str]:
    """'base form1 form2; …' → {form: base}."""
    out: dict[str, str] = {}
    for entry in table.split(";"):
        base, *forms = entry.split()
        for form in forms:
            out.setdefault(form, base)
    return out


def _negated_auxiliaries(names: str) -> dict[str, tuple[str, ...]]:
    """'do does …' → {'dont': ('do', 'not'), …}: the contractions typed without an apostrophe."""
    return {f"{aux}nt": (aux, "not") for aux in names.split()}


ENGLISH = Language(
    stemmer="english",
    privative=("less", "free", "proof"),
    negations=_words("not no never nor neither without nobody nothing none nowhere"),
    post_negations=frozenset(),
    not_negating=_pairs(
        "not+only not+just no+doubt no+matter no+wonder not+sure nothing+else never+mind"
    ),
    scope_ends=_words("but though although however yet except unless so because as while"),
    attitude_verbs=_words(
        "like likes liked love loves want wants wanted enjoy enjoys stand bear fancy"
    ),
    function_words=_words(
        "the a an and or of to in on at for with it is are was i you he she we they my your "
        "this that have has be do not when what if just too very so because really"
    ),
    expansions={
        **_negated_auxiliaries(
            "do does did is are was were have has had would could should must need"
        ),
        "wont": ("will", "not"),
        "cant": ("can", "not"),
        "cannot": ("can", "not"),
        "aint": ("is", "not"),
        "dunno": ("do", "not", "know"),
        "idk": ("i", "do", "not", "know"),
        "im": ("i", "am"),
        "ive": ("i", "have"),
        "youre": ("you", "are"),
        "theyre": ("they", "are"),
        "gonna": ("going", "to"),
        "wanna": ("want", "to"),
        "gotta": ("got", "to"),
    },
    irregular=_irregular(
        "forget forgot forgotten; leave left; feel felt; think thought; take took taken; "
        "bring brought; buy bought; get got gotten; give gave given; go went gone; "
        "run ran; keep kept; lose lost; pay paid; spend spent; make made; "
        "come came; see saw seen; say said; tell told; find found; hold held; "
        "break broke broken; tear tore torn; ride rode ridden; drive drove driven; "
        "fall fell fallen; steal stole stolen; wear wore worn; know knew known; "
        "grow grew grown; throw threw thrown; write wrote written; eat ate eaten; "
        "drink drank drunk; begin began begun; swim swam swum; sleep slept; "
        "catch caught; teach taught; fight fought; seek sought; sell sold; "
        "stand stood; understand understood; sit sat; meet met; lead led; "
        "feed fed; hurt; cost; put; shut; set; let; be am is are was were been; "
        "have has had; do does did done; child children; person people; "
        "man men; woman women; foot feet; tooth teeth; mouse mice"
    ),
)

SPANISH = Language(
    stemmer="spanish",
    negations=_words(
        "no nunca jamas sin ni tampoco nada nadie ningun ninguno ninguna ningunos ningunas"
    ),
    not_negating=_pairs("no+solo no+solamente sin+duda no+obstante ni+siquiera"),
    scope_ends=_words("pero sino aunque porque mientras excepto salvo"),
    attitude_verbs=_words(
        "gusta gustan gustaba gusto encanta quiero quiere queria soporto aguanto"
    ),
    function_words=_words(
        "el la los las un una y o de del al en con por para que es son esta estan me mi "
        "te se lo le yo tu su muy mas pero porque cuando como no si hay tengo"
    ),
    expansions={"q": ("que",), "xq": ("porque",), "pq": ("porque",), "tb": ("tambien",)},
    irregular=_irregular(
        "ser soy eres es somos son era fue fui; ir voy vas va vamos van iba fui fue; "
        "tener tengo tienes tiene tienen tuve tuvo; hacer hago hace hacen hice hizo; "
        "poder puedo puede pueden pude pudo; decir digo dice dicen dije dijo; "
        "poner pongo pone puse puso; traer traigo trae traje trajo; "
        "querer quiero quiere quieren quise; saber sabe supe; dar doy da dan di dio"
    ),
)

FRENCH = Language(
    stemmer="french",
    negations=_words("ne n pas jamais sans aucun aucune ni rien non"),
    post_negations=_words("pas jamais rien"),
    not_negating=_pairs(
        "non+seulement pas+seulement sans+doute ne+que n+que pas+mal rien+que"
    ),
    scope_ends=_words("mais cependant pourtant sauf puisque"),
    attitude_verbs=_words("aime aimes aiment aimer supporte supporter veux veut apprecie"),
    function_words=_words(
        "le la les un une des et ou de du au aux en avec pour que qui est sont je tu il elle "
        "nous vous ils mon ma mes ce c j l d pas ne n trop tres mais quand y"
    ),
    irregular=_irregular(
        "etre suis es est sommes etes sont etais etait ete; avoir ai as a avons avez ont eu "
        "avais avait; aller vais vas va allons vont allais alle; faire fais fait font; "
        "pouvoir peux peut peuvent pu; vouloir veux veut veulent voulu; prendre prends prend pris"
    ),
)

GERMAN = Language(
    stemmer="german",
    privative=("los", "frei"),
    negations=_words("nicht kein keine keinen keinem keiner nie niemals ohne weder nichts niemand"),
    post_negations=_words("nicht nie niemals"),
    not_negating=_pairs("nicht+nur ohne+zweifel"),
    scope_ends=_words("aber sondern doch obwohl weil"),
    attitude_verbs=_words("mag mogen will wollen"),
    function_words=_words(
        "der die das ein eine und oder von zu in mit fur ist sind ich du er sie wir ihr es "
        "nicht mein zu sehr aber wenn auch"
    ),
)

PORTUGUESE = Language(
    stemmer="portuguese",
    negations=_words("nao nunca jamais sem nem nenhum nenhuma nada ninguem"),
    not_negating=_pairs("nao+so sem+duvida"),
    scope_ends=_words("mas porem embora porque"),
    attitude_verbs=_words("gosto gosta quero quer"),
    function_words=_words(
        "o a os as um uma e ou de do da dos das em no na com por para que e sao eu voce meu "
        "minha muito mas quando nao"
    ),
)

ITALIAN = Language(
    stemmer="italian",
    negations=_words("non mai senza nessuno nessuna niente nulla"),
    not_negating=_pairs("non+solo senza+dubbio"),
    scope_ends=_words("ma pero tuttavia sebbene perche"),
    attitude_verbs=_words("piace piacciono voglio vuole"),
    function_words=_words(
        "il lo la i gli le un una e o di del della in con per che e sono io tu mio mia "
        "molto ma quando non"
    ),
)

# Snowball stemmers for languages without a table of their own.
_SNOWBALL = {
    "ar": "arabic", "ca": "catalan", "da": "danish", "el": "greek", "eu": "basque",
    "fi": "finnish", "hu": "hungarian", "hy": "armenian", "id": "indonesian", "ga": "irish",
    "lt": "lithuanian", "ne": "nepali", "nl": "dutch", "no": "norwegian", "nb": "norwegian",
    "ro": "romanian", "ru": "russian", "sr": "serbian", "sv": "swedish", "ta": "tamil",
    "tr": "turkish", "hi": "hindi", "fa": "persian", "pl": "polish", "cs": "czech",
}  # fmt: skip

LANGUAGES: dict[str, Language] = {
    "en": ENGLISH,
    "es": SPANISH,
    "fr": FRENCH,
    "de": GERMAN,
    "pt": PORTUGUESE,
    "it": ITALIAN,
    **{code: Language(stemmer=name) for code, name in _SNOWBALL.items()},
}

UNKNOWN = Language()


def language(code: str) -> Language:
    """What the matcher knows about a language (an empty description when nothing)."""
    return LANGUAGES.get(code, UNKNOWN)


def function_word_languages(codes: Iterable[str]) -> dict[str, frozenset[str]]:
    """word → the languages (among these) it is a function word of: tells clauses apart."""
    out: dict[str, set[str]] = {}
    for code in codes:
        for word in language(code).function_words:
            out.setdefault(word, set()).add(code)
    return {word: frozenset(langs) for word, langs in out.items()}
