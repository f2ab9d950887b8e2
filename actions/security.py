"""Security primitives for Plus Kod values: peppered slow hashes, the server-side pepper,
phone-number normalisation and the weak-code rules.

A code has only 10^4 or 10^5 values, so a stolen hash alone must be useless: codes are hashed
with argon2id (salted, memory-hard) over an HMAC keyed with a pepper that lives outside the
database (environment or a secret file), and lockouts (see :mod:`actions.directory`) make
online guessing useless.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path
from typing import Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

PEPPER_ENV = "PLUSKOD_PEPPER"
PEPPER_FILE_ENV = "PLUSKOD_PEPPER_FILE"
DEFAULT_PEPPER_FILE = Path(".secrets") / "pepper"

_PHONE = re.compile(r"^(?:\+48|0048)?(\d{9})$")
_PHONE_SEPARATORS = re.compile(r"[\s\-]")


def normalize_phone(text: Optional[str]) -> Optional[str]:
    """``600 100 200``, ``600-100-200``, ``+48 600 100 200``, ``0048600100200`` -> ``600100200``;
    anything else -> ``None``."""
    if not text:
        return None
    match = _PHONE.match(_PHONE_SEPARATORS.sub("", text.strip()))
    return match.group(1) if match else None


def format_phone(number: str) -> str:
    """``600100200`` -> ``600 100 200`` (how the assistant repeats a number back)."""
    return f"{number[:3]} {number[3:6]} {number[6:]}"


def is_trivial(code: str) -> bool:
    """All digits the same, or an ascending/descending run (12345, 98765)."""
    steps = {int(b) - int(a) for a, b in zip(code, code[1:])}
    return len(set(code)) == 1 or steps in ({1}, {-1})


def weak_code_reason(code: str, phone: str, current: Optional[str] = None) -> Optional[str]:
    """Why a new Plus Kod 5 is refused, as a key for a Polish message, or ``None`` if fine."""
    if not re.fullmatch(r"\d{5}", code or ""):
        return "not_five_digits"
    if current is not None and hmac.compare_digest(code, current):
        return "same_as_current"
    if len(set(code)) == 1:
        return "repeated_digit"
    if is_trivial(code):
        return "sequence"
    if code in phone:
        return "part_of_phone_number"
    return None


def load_pepper(environ: Optional[dict] = None, create: bool = True) -> bytes:
    """The server-side pepper: ``$PLUSKOD_PEPPER``, else the file ``$PLUSKOD_PEPPER_FILE``
    (default ``.secrets/pepper``), generated with 32 random bytes on a local first start."""
    environ = os.environ if environ is None else environ
    value = environ.get(PEPPER_ENV)
    if value:
        if len(value) < 32:
            raise RuntimeError(f"{PEPPER_ENV} must be at least 32 characters long.")
        return value.encode("utf-8")
    path = Path(environ.get(PEPPER_FILE_ENV) or DEFAULT_PEPPER_FILE)
    if not path.exists():
        if not create:
            raise RuntimeError(f"No pepper: set {PEPPER_ENV} or create {path}.")
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_hex(32))
    pepper = path.read_text(encoding="utf-8").strip()
    if len(pepper) < 32:
        raise RuntimeError(f"The pepper in {path} is too short (need 32+ characters).")
    return pepper.encode("utf-8")


class CodeHasher:
    """argon2id over HMAC-SHA256(pepper, purpose:subject:code).

    ``purpose`` and ``subject`` (account id or phone number) bind a hash to its place, so a
    hash copied to another row does not verify there.
    """

    def __init__(self, pepper: bytes, time_cost: int = 2, memory_cost: int = 19456,
                 parallelism: int = 1) -> None:
        self._pepper = pepper
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost,
                                      parallelism=parallelism)
        self._dummy = self._hasher.hash(self._keyed("dummy", "dummy", "00000"))

    def _keyed(self, purpose: str, subject: str, code: str) -> str:
        message = f"{purpose}:{subject}:{code}".encode("utf-8")
        return hmac.new(self._pepper, message, hashlib.sha256).hexdigest()

    def hash(self, purpose: str, subject: str, code: str) -> str:
        return self._hasher.hash(self._keyed(purpose, subject, code))

    def verify(self, stored: Optional[str], purpose: str, subject: str, code: str) -> bool:
        """Constant work whether or not there is a stored hash (a dummy is checked instead)."""
        candidate = self._keyed(purpose, subject, code)
        try:
            return self._hasher.verify(stored or self._dummy, candidate) and stored is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
