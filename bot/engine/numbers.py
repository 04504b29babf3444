"""Reading the numbers people type, in any script: `3`, `٣`, `３`, `⓵`, `1,5`, `1 200`, `−2`.

Digits are read with `unicodedata` (Arabic-Indic, Devanagari, full-width, circled…), so a
respondent's own keyboard works; anything that is not clearly one number reads as none, and the
engine asks again rather than guess.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

# Signs and separators other keyboards type, as the ASCII ones.
_SAME_AS = str.maketrans({"\u2212": "-", "\u066b": ".", "\u066c": ",", "\u2019": "'"})
_TOKEN = re.compile(r"[-+]?[0-9](?:[0-9.,' \u00a0\u202f]*[0-9])?")
# Thousands: 1,000 · 1.000 · 1 000 · 1'000 (one separator throughout, groups of three).
_GROUPS = re.compile(r"[1-9][0-9]{0,2}(?:(?P<sep>[,. '\u00a0\u202f])[0-9]{3})(?:(?P=sep)[0-9]{3})*")


def ascii_digits(text: str) -> str:
    """`text` with every digit of any script as an ASCII digit (and −, ٫, ٬ as -, ., ,)."""
    normal = unicodedata.normalize("NFKC", text).translate(_SAME_AS)
    if normal.isascii():
        return normal
    out = []
    for char in normal:
        digit = unicodedata.digit(char, None) if not char.isascii() else None
        out.append(str(digit) if digit is not None else char)
    return "".join(out)


def whole_number(text: str) -> int | None:
    """A typed whole number on its own (`3`, `٣`, `⓵`), as for picking option 3; else None."""
    digits = ascii_digits(text.strip())
    if not digits or not digits.isascii() or not digits.isdigit() or len(digits) > 6:
        return None
    return int(digits)


def read_number(text: str) -> Decimal | None:
    """The one number in a typed answer (`about 3 days` → 3), or None if none or several."""
    tokens = _TOKEN.findall(ascii_digits(text))
    if len(tokens) != 1:
        return None  # "2 or 3" is ambiguous; "three" is for the re-ask to sort out
    return _number(tokens[0])


def _number(token: str) -> Decimal | None:
    sign = "-" if token[0] == "-" else ""
    body = token.lstrip("+-")
    if body.isdigit():
        return Decimal(sign + body)
    grouped = _GROUPS.match(body)
    if grouped and (grouped.end() == len(body) or _decimals(body, grouped)):
        whole = re.sub(r"[^0-9]", "", grouped.group(0))
        rest = body[grouped.end() :]
        return Decimal(f"{sign}{whole}.{rest[1:]}" if rest else sign + whole)
    integer, separator, fraction = _split_decimal(body)
    if separator and integer.isdigit() and fraction.isdigit():
        return Decimal(f"{sign}{integer}.{fraction}")
    return None  # "2 3", "1.2.3", "1,2,3": more than one number, or none clearly


def _decimals(body: str, grouped: re.Match[str]) -> bool:
    """Whether what follows the thousands is a decimal part with the other separator."""
    rest = body[grouped.end() :]
    return (
        len(rest) > 1 and rest[0] in ".," and rest[0] != grouped.group("sep") and rest[1:].isdigit()
    )


def _split_decimal(body: str) -> tuple[str, str, str]:
    for separator in ".,":
        if body.count(separator) == 1:
            integer, _, fraction = body.partition(separator)
            return integer, separator, fraction
    return body, "", ""
