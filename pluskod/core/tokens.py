"""Bearer tokens for the Rasa server's HTTP API and for REST integrations.

A token is a JWT (HS256) signed with the API secret (:data:`pluskod.core.secrets.API_SECRET`),
in the payload shape Rasa's own ``--jwt-secret`` authentication reads
(``{"user": {"username": …, "role": …}}``), with an expiry that is required. Roles:

* ``admin`` - the HTTP API (``/model/parse``, ``/conversations/…``, ``/status``, …) and the REST
  channel; operators and this project's tools;
* ``integration`` - the REST channel only (``/webhooks/rest/``), for systems that talk to the
  assistant for their users.

Only ``Authorization: Bearer <token>`` is read: a token in a URL would end up in logs and
browser histories. Rasa's ``user`` role (its own conversation's API) is never accepted.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Callable, Mapping, Optional

import jwt

from pluskod.core.secrets import API_SECRET

ADMIN, INTEGRATION = "admin", "integration"
ROLES = (ADMIN, INTEGRATION)
_ALGORITHM = "HS256"
#: who a token is for (an operator, or an integration: its REST conversations are kept apart
#: under this name, see pluskod.channels.rest)
USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,31}")
#: the longest a token may live (a longer one is refused even with a valid signature)
MAX_LIFETIME_SECONDS = 366 * 24 * 3600


class TokenError(Exception):
    """A request without a usable token: ``status`` is 401 (no or bad token) or 403 (a
    valid token whose role may not do this)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Claims:
    username: str
    role: str
    expires: float


class ApiTokens:
    """Issues and checks tokens with one secret. ``clock`` returns seconds since the epoch."""

    def __init__(self, secret: bytes, clock: Callable[[], float] = time.time) -> None:
        if len(secret) < 32:
            raise ValueError("the API secret must be at least 32 bytes long")
        self._secret, self.clock = secret, clock

    def issue(self, role: str, minutes: float, username: str = "operator") -> str:
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        if not 0 < minutes * 60 <= MAX_LIFETIME_SECONDS:
            raise ValueError("a token must expire, within a year: minutes must be between 0 "
                             f"and {MAX_LIFETIME_SECONDS // 60}")
        if not USERNAME.fullmatch(username):
            raise ValueError("the name must be 1-32 letters, digits or _ . - (starting with a "
                             "letter or digit)")
        now = self.clock()
        return jwt.encode({"user": {"username": username, "role": role},
                           "iat": int(now), "exp": int(now + minutes * 60)},
                          self._secret, algorithm=_ALGORITHM)

    def check(self, headers: Mapping[str, str], roles: tuple) -> Claims:
        """The claims of the request's bearer token if its role is one of ``roles``; raises
        :class:`TokenError` otherwise."""
        header = headers.get("Authorization") or headers.get("authorization") or ""
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise TokenError(401, "authentication required")
        try:
            payload = jwt.decode(token.strip(), self._secret, algorithms=[_ALGORITHM],
                                 options={"require": ["exp", "iat"], "verify_exp": False,
                                          "verify_iat": False})
        except jwt.PyJWTError:
            raise TokenError(401, "invalid token") from None
        user, expires, issued = payload.get("user"), payload.get("exp"), payload.get("iat")
        if (not isinstance(user, dict) or not isinstance(expires, (int, float))
                or not isinstance(issued, (int, float))
                or expires - issued > MAX_LIFETIME_SECONDS):
            raise TokenError(401, "invalid token")
        if expires <= self.clock():   # checked here, on the injectable clock
            raise TokenError(401, "token expired")
        role = user.get("role")
        if not isinstance(role, str) or role not in roles:
            raise TokenError(403, "forbidden")
        return Claims(username=str(user.get("username", "")), role=role, expires=float(expires))


def bearer(token: str) -> dict:
    """Request headers that carry ``token``."""
    return {"Authorization": f"Bearer {token}"}


def from_env(environ: Optional[Mapping[str, str]] = None) -> ApiTokens:
    """Tokens signed with the API secret (``PLUSKOD_JWT_SECRET`` or its file)."""
    return ApiTokens(API_SECRET.load(environ))
