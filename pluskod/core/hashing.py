"""Peppered slow hashes of Plus Kod values.

A code has only 10^4 or 10^5 values, so a stolen hash alone must be useless: codes are hashed
with argon2id (salted, memory-hard) over an HMAC keyed with a pepper that lives outside the
database (:data:`pluskod.core.secrets.PEPPER`), and the lockout
(:mod:`pluskod.core.directory`) makes online guessing useless.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from pluskod.core.secrets import derive_key


class CodeHasher:
    """argon2id over HMAC-SHA256(pepper, purpose:subject:code).

    ``purpose`` and ``subject`` (account id or phone number) bind a hash to its place, so a
    hash copied to another row does not verify there. Every :meth:`verify` costs one argon2
    verification with the same parameters, whether a hash is stored or not (a dummy hash is
    checked instead), so its time says nothing about what is stored.
    """

    def __init__(self, pepper: bytes, time_cost: int = 2, memory_cost: int = 19456,
                 parallelism: int = 1) -> None:
        self._pepper = pepper
        self._versions = derive_key(pepper, "code versions")
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost,
                                      parallelism=parallelism)
        self._dummy = self._hasher.hash(self._keyed("dummy", "dummy", "00000"))

    @property
    def pepper(self) -> bytes:
        """The pepper, for the keys derived from it (:mod:`pluskod.core.proofs`)."""
        return self._pepper

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

    def needs_rehash(self, stored: str) -> bool:
        """Whether ``stored`` was made with other argon2 parameters than this hasher's: then it
        costs another time to verify than the dummy does, and should be made again (the only
        moment is when the customer has just typed the right code)."""
        try:
            return self._hasher.check_needs_rehash(stored)
        except InvalidHashError:
            return False

    def version(self, stored: Optional[str]) -> str:
        """A short keyed fingerprint of a stored hash: it changes whenever the code is set
        again, and tells nothing about the code (proofs carry it to stay bound to the code
        they proved, see :mod:`pluskod.core.proofs`)."""
        digest = hmac.new(self._versions, (stored or "").encode("utf-8"), hashlib.sha256)
        return digest.hexdigest()[:24]
