"""Sealed proofs that a code was shown in a conversation.

Whatever grants access or lets a code be changed is derived from a proof that the action server
itself sealed when the directory confirmed a code in this conversation. A proof is a JWT
(HS256) whose key is derived from the pepper, which only the action server and the operators'
tools hold: the Rasa server, its HTTP API, a typed ``/intent{...}``, an entity or a forged slot
cannot make one. It is bound to

* the **conversation** (a keyed digest of its sender id) and its **session** (the start of the
  current session): copied into another conversation, or kept into a new session, it is void;
* the **number** and the **scope** it proves (``account`` for a Plus Kod 5, ``number`` for a
  Plus Kod 4, ``temporary`` for the temporary Kod 5 of a first invoice, ``change`` for an
  active Kod 5 typed again to change it); a proof of one scope never stands for another;
* the **version** of the code it proved (:meth:`pluskod.core.hashing.CodeHasher.version`):
  once that code is set again, the proof is void;
* a **deadline**: it expires after :attr:`ProofSealer.idle` of inactivity, and each use
  renews it (:meth:`ProofSealer.renewed`).

A proof of a code about to be replaced (``temporary``, ``change``) also carries an argon2id hash
of the code as typed (peppered and bound to the conversation and number), so that the new code
can be told apart from it without comparing anything with the stored code. Verification proofs
carry none: they live for the whole conversation, and hold no trace of the code.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable, Mapping, Optional

import jwt

from pluskod.core.hashing import CodeHasher
from pluskod.core.secrets import derive_key
from pluskod.core.settings import positive_number

IDLE_ENV = "PLUSKOD_PROOF_IDLE_MINUTES"
DEFAULT_IDLE = timedelta(minutes=10)


def idle_from_env(environ: Mapping[str, str]) -> timedelta:
    """How long a proof lives without use: ``PLUSKOD_PROOF_IDLE_MINUTES`` (default 10)."""
    minutes = DEFAULT_IDLE.total_seconds() / 60
    return timedelta(minutes=positive_number(environ, IDLE_ENV, minutes))

ACCOUNT, NUMBER, TEMPORARY, CHANGE = "account", "number", "temporary", "change"
SCOPES = (ACCOUNT, NUMBER, TEMPORARY, CHANGE)
#: scopes whose proof carries the code as typed: the code a new Plus Kod 5 will replace
REPLACED = (TEMPORARY, CHANGE)
_ALGORITHM = "HS256"
_PROVEN_CODE = "proven temporary code"


@dataclass(frozen=True)
class Proof:
    msisdn: str
    scope: str
    version: str
    conversation: str
    session: float
    expires: float
    typed: Optional[str] = None   # argon2id of the typed temporary code (scope "temporary")


class ProofSealer:
    """Seals and opens proofs. ``clock`` returns seconds since the epoch (injectable)."""

    def __init__(self, hasher: CodeHasher, idle: timedelta = DEFAULT_IDLE,
                 clock: Callable[[], float] = time.time) -> None:
        self.hasher, self.idle, self.clock = hasher, idle, clock
        self._key = derive_key(hasher.pepper, "proofs")
        self._conversations = derive_key(hasher.pepper, "proof conversations")

    def _conversation(self, sender_id: str) -> str:
        return hmac.new(self._conversations, sender_id.encode("utf-8"),
                        hashlib.sha256).hexdigest()[:32]

    def seal(self, *, sender_id: str, session: float, msisdn: str, scope: str, version: str,
             typed_code: Optional[str] = None) -> str:
        if scope not in SCOPES:
            raise ValueError(f"scope must be one of {SCOPES}")
        conversation = self._conversation(sender_id)
        claims = {"n": msisdn, "sc": scope, "v": version, "c": conversation, "s": session,
                  "exp": self.clock() + self.idle.total_seconds()}
        if (scope in REPLACED) != (typed_code is not None):
            raise ValueError(f"a proof carries the code as typed exactly when its scope is one "
                             f"of {REPLACED} (the code a new one replaces)")
        if typed_code is not None:
            claims["t"] = self.hasher.hash(_PROVEN_CODE, f"{conversation}:{msisdn}", typed_code)
        return jwt.encode(claims, self._key, algorithm=_ALGORITHM)

    def open(self, token: Optional[str], *, sender_id: str, session: float,
             scopes: tuple = SCOPES) -> Optional[Proof]:
        """The proof in ``token`` if this server sealed it for this conversation and session,
        with one of ``scopes``, and it has not expired; ``None`` for anything else."""
        if not token or not isinstance(token, str):
            return None
        try:
            claims = jwt.decode(token, self._key, algorithms=[_ALGORITHM],
                                options={"verify_exp": False, "require": ["exp"]})
        except jwt.PyJWTError:
            return None
        try:
            proof = Proof(msisdn=str(claims["n"]), scope=str(claims["sc"]),
                          version=str(claims["v"]), conversation=str(claims["c"]),
                          session=float(claims["s"]), expires=float(claims["exp"]),
                          typed=claims.get("t"))
        except (KeyError, TypeError, ValueError):
            return None
        if (proof.scope not in scopes or proof.expires <= self.clock()
                or not hmac.compare_digest(proof.conversation, self._conversation(sender_id))
                or proof.session != session):
            return None
        return proof

    def renewed(self, proof: Proof, sender_id: str) -> str:
        """The same proof with a new deadline (each use counts as activity)."""
        claims = {"n": proof.msisdn, "sc": proof.scope, "v": proof.version,
                  "c": self._conversation(sender_id), "s": proof.session,
                  "exp": self.clock() + self.idle.total_seconds()}
        if proof.typed:
            claims["t"] = proof.typed
        return jwt.encode(claims, self._key, algorithm=_ALGORITHM)

    def is_proven_code(self, proof: Proof, code: str) -> bool:
        """Whether ``code`` is the code typed when ``proof`` was sealed (the temporary Kod 5,
        or the Kod 5 a change starts from): one argon2 verification, nothing stored is
        compared. ``False`` for a proof that carries no code."""
        if not proof.typed:
            return False
        return self.hasher.verify(proof.typed, _PROVEN_CODE,
                                  f"{proof.conversation}:{proof.msisdn}", code)
