"""The words a converted form needs and does not have (welcome, consent, closing), and the YAML.

A chat interview opens with an introduction and a consent question and ends with a closing text;
an XLSForm has none of these, so the converter writes friendly placeholders in the form's own
languages (English, French and Spanish built in) and a header saying what to edit next.
"""

from __future__ import annotations

from typing import Any

import yaml

LANGUAGE_NAMES = {
    "english": "en", "french": "fr", "français": "fr", "francais": "fr", "spanish": "es",
    "español": "es", "espanol": "es", "portuguese": "pt", "português": "pt", "swahili": "sw",
    "kiswahili": "sw", "arabic": "ar", "hindi": "hi", "bengali": "bn", "bangla": "bn",
    "amharic": "am", "hausa": "ha", "yoruba": "yo", "igbo": "ig", "indonesian": "id",
    "vietnamese": "vi", "chinese": "zh", "russian": "ru", "german": "de", "deutsch": "de",
    "italian": "it", "dutch": "nl", "turkish": "tr", "nepali": "ne", "urdu": "ur",
    "somali": "so", "tigrinya": "ti", "oromo": "om", "kinyarwanda": "rw", "burmese": "my",
    "khmer": "km", "lao": "lo", "thai": "th", "tagalog": "tl", "filipino": "fil",
    "ukrainian": "uk", "polish": "pl", "romanian": "ro", "haitian creole": "ht",
}

_TEXTS = {
    "en": {
        "behaviour": "do the behaviour this study is about",
        "introduction": "Hello! This is the survey “{title}”. It takes a few minutes, and your "
                        "answers stay anonymous.",
        "consent": "You can stop at any time, skip a question with /skip or go back with /back. "
                   "Shall we start?",
        "closing": "That's all — thank you very much for your time!",
    },
    "fr": {
        "behaviour": "adopter le comportement étudié",
        "introduction": "Bonjour ! Voici l'enquête « {title} ». Elle prend quelques minutes et "
                        "vos réponses restent anonymes.",
        "consent": "Vous pouvez arrêter à tout moment, passer une question avec /skip ou revenir "
                   "en arrière avec /back. On commence ?",
        "closing": "C'est terminé — merci beaucoup pour votre temps !",
    },
    "es": {
        "behaviour": "adoptar el comportamiento estudiado",
        "introduction": "¡Hola! Esta es la encuesta «{title}». Toma unos minutos y sus "
                        "respuestas son anónimas.",
        "consent": "Puede parar cuando quiera, saltar una pregunta con /skip o volver con /back. "
                   "¿Empezamos?",
        "closing": "Eso es todo: ¡muchas gracias por su tiempo!",
    },
}
CONTACT = "research-team@example.org"


def study_texts(codes: list[str], title: str) -> dict[str, Any]:
    """behaviour, introduction, consent, closing (per language when several) and contact."""
    out: dict[str, Any] = {}
    for key in ("behaviour", "introduction", "consent", "closing"):
        texts = {code: _TEXTS.get(code, _TEXTS["en"])[key].replace("{title}", title)
                 .replace("{", "{{").replace("}", "}}") for code in codes}
        out[key] = texts[codes[0]] if len(codes) == 1 else texts
    out["contact"] = CONTACT
    return out


HEADER = """\
# yaml-language-server: $schema=schema.json
#
# Converted from the XLSForm {source} by `perceptions from-xlsform`. Check it with
# `perceptions check` and try it with `perceptions try` after every edit.
#
# Before fieldwork:
#   - study: rewrite the introduction, consent and closing texts (placeholders), the behaviour
#     phrase and the contact address ({contact}).
#   - Barrier Analysis: add `classification` (who is a doer / a non-doer), a `determinant` on each
#     research question, `competing` on the competing-behaviour questions and a `codebook` on
#     open questions: see "After converting an XLSForm" in dialogs/README.md.
{skipped}"""


def render_yaml(script: dict[str, Any], source: str, skipped: list[str]) -> str:
    """The script as a YAML file, with a header saying where it came from and what to do next."""
    if skipped:
        lines = "#\n# Not converted, or changed on the way (sheet and row of the form):\n" + "".join(
            f"#   - {item}\n" for item in skipped)
    else:
        lines = "#\n# Everything in the form was converted.\n"
    header = HEADER.format(source=source, contact=CONTACT, skipped=lines)
    body = yaml.safe_dump(script, sort_keys=False, allow_unicode=True, width=100,
                          default_flow_style=False)
    return f"{header}\n{body}"
