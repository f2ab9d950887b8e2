"""Phone numbers: the one rule for what a customer's phone number looks like.

The forms accept a number only in the spellings below, and the redaction of stored text
(:mod:`pluskod.core.masking`) keeps a run of digits only when this rule calls it a phone number:
the same rule on both sides, so nothing that the forms refuse is kept as "a phone number", and
two codes typed together (``48213 7391``: nine digits, grouped 5+4) are neither.

Accepted: nine digits, whole or in three groups of three, separated by spaces, dashes or dots,
optionally after ``+48``, ``0048`` or ``(+48)``. Digits of any script (full-width ``６``,
Arabic-Indic ``٦``) count as their ASCII digit; invisible characters are ignored.
"""

from __future__ import annotations

import re
import unicodedata
from typing import List, Optional

#: characters with no width that may hide inside a number (zero-width space and joiners,
#: word joiner, byte-order mark, soft hyphen)
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_INVISIBLE_TABLE = str.maketrans("", "", INVISIBLE)
_GAP = r"(?:\s*[.\-\u2010-\u2015]\s*|\s+)?"
_PATTERN = (rf"(?:(?:\(\s*(?:\+|00)48\s*\)|(?:\+|00)48){_GAP})?"
            rf"(\d{{3}}){_GAP}(\d{{3}}){_GAP}(\d{{3}})")
_PHONE = re.compile(_PATTERN)
#: a phone number inside text: not part of a longer run of digits
_PHONE_IN_TEXT = re.compile(rf"(?<![\d+]){_PATTERN}(?!\d)")


def _ascii_digit(char: str) -> str:
    digit = unicodedata.digit(char, None)
    return char if digit is None else str(digit)


def ascii_digits(text: str) -> str:
    """``text`` with every character that stands for one digit - a decimal digit of any script
    (``６``, ``٦``, ``𝟔``), a superscript or circled digit (``⁶``, ``⑥``) - written as its ASCII
    digit, and the invisible characters removed (``６００`` -> ``600``)."""
    text = text.translate(_INVISIBLE_TABLE)
    if text.isascii():
        return text
    return "".join(c if c.isascii() else _ascii_digit(c) for c in text)


def parse_phone(text: Optional[str]) -> Optional[str]:
    """The nine digits of a phone number spelled as described above, else ``None``:
    ``600 100 200``, ``600-100-200``, ``600.100.200``, ``+48 600 100 200``, ``0048600100200``,
    ``(+48) 600100200`` -> ``600100200``."""
    if not text:
        return None
    match = _PHONE.fullmatch(ascii_digits(text).strip())
    return "".join(match.groups()) if match else None


def find_phones(text: Optional[str]) -> List[str]:
    """The nine digits of each phone number written anywhere in ``text``, in any spelling
    :func:`parse_phone` reads (a longer run of digits holds none)."""
    if not text:
        return []
    return ["".join(m.groups()) for m in _PHONE_IN_TEXT.finditer(ascii_digits(text))]


def mask_phones(text: str) -> str:
    """``text`` with every phone number :func:`find_phones` finds written as its
    :func:`phone_hint` (``*** *** 200``), whatever its spelling."""
    if not find_phones(text):
        return text
    return _PHONE_IN_TEXT.sub(lambda m: phone_hint("".join(m.groups())), ascii_digits(text))


def format_phone(number: str) -> str:
    """``600100200`` -> ``600 100 200`` (how the assistant repeats a number back)."""
    return f"{number[:3]} {number[3:6]} {number[6:]}"


def phone_hint(number: str) -> str:
    """``600100200`` -> ``*** *** 200``: enough for a customer to tell which of their numbers
    is meant, without repeating a whole number in a message."""
    return f"*** *** {number[6:]}"
