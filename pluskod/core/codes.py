"""Plus Kod values: reading what a customer typed, and the rules for a new Plus Kod 5."""

from __future__ import annotations

import hmac
import re
from typing import Iterable, Optional

from pluskod.core.phones import ascii_digits

KOD5_LENGTH, KOD4_LENGTH = 5, 4


def digits_of(text: Optional[str]) -> str:
    """The digits of what was typed at a code prompt, as ASCII (``48 213``, ``48-213``,
    ``４８２１３`` -> ``48213``); letters and punctuation are dropped."""
    return re.sub(r"\D", "", ascii_digits(text or ""))


def is_trivial(code: str) -> bool:
    """All digits the same, or an ascending/descending run (12345, 98765)."""
    steps = {int(b) - int(a) for a, b in zip(code, code[1:])}
    return len(set(code)) == 1 or steps in ({1}, {-1})


def weak_code_reason(code: str, phones: Iterable[str],
                     current: Optional[str] = None) -> Optional[str]:
    """Why a new Plus Kod 5 is refused, as a key for a Polish message, or ``None`` if fine.
    ``phones``: the numbers of the account (a Plus Kod 5 is the whole account's), none of
    which the code may be a part of.

    ``current`` is compared only when given (tests and operators' tools); the activation
    compares with the temporary code through its sealed proof instead, never with a stored
    code (see :mod:`pluskod.core.proofs`)."""
    if not re.fullmatch(r"\d{5}", code or ""):
        return "not_five_digits"
    if current is not None and hmac.compare_digest(code, current):
        return "same_as_current"
    if len(set(code)) == 1:
        return "repeated_digit"
    if is_trivial(code):
        return "sequence"
    if any(code in phone for phone in phones):
        return "part_of_phone_number"
    return None
