"""The web chat's conversation ids: issued by the server, unguessable, signed.

An id is ``<nonce>.<signature>``: 24 random bytes and an HMAC over them, both base64url. Only
ids this server signed are accepted, so a client can neither choose an id nor derive another
customer's. The tracker's sender id is ``web-<nonce>`` (:data:`WEB_SENDER_PREFIX`); the REST
channel's conversations all start with ``rest:``, so the signature cannot be skipped by going
through another channel. The whole id is a bearer secret of its conversation: the log
redaction hides its signature (:mod:`pluskod.core.masking`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from typing import Mapping, Optional

WEB_SENDER_PREFIX = "web-"
NONCE_BYTES, SIGNATURE_BYTES = 24, 16
#: lengths of the two parts in base64url without padding
NONCE_CHARS, SIGNATURE_CHARS = 32, 22
SECRET_ENV = "PLUSKOD_WEB_SECRET"


class ConversationIds:
    """Issues and checks conversation ids. The key comes from ``PLUSKOD_WEB_SECRET`` (set it
    to keep conversations across restarts and replicas) or is random per start."""

    def __init__(self, key: Optional[bytes] = None) -> None:
        self._key = key or secrets.token_bytes(32)

    def _sign(self, nonce: str) -> str:
        digest = hmac.new(self._key, nonce.encode(), hashlib.sha256).digest()[:SIGNATURE_BYTES]
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def issue(self) -> str:
        nonce = secrets.token_urlsafe(NONCE_BYTES)
        return f"{nonce}.{self._sign(nonce)}"

    def sender_of(self, conversation_id: Optional[str]) -> Optional[str]:
        """The tracker's sender id for a valid conversation id, else ``None``."""
        nonce, _, signature = (conversation_id or "").partition(".")
        if len(nonce) != NONCE_CHARS or not hmac.compare_digest(signature, self._sign(nonce)):
            return None
        return f"{WEB_SENDER_PREFIX}{nonce}"


def key_from_env(environ: Optional[Mapping[str, str]] = None) -> Optional[bytes]:
    value = (os.environ if environ is None else environ).get(SECRET_ENV, "")
    if value and len(value) < 32:
        raise RuntimeError(f"{SECRET_ENV} must be at least 32 characters long.")
    return value.encode() if value else None
