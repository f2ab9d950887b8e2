"""The guard of the Rasa server's whole HTTP surface.

Rasa 3.6 serves its HTTP API (``--enable-api``) with no authentication unless ``--auth-token``
or ``--jwt-secret`` is given, answers ``/`` and ``/version`` to anyone even then, parses a
``text/plain`` body as JSON (so a page on any origin can POST to it without a CORS preflight)
and does not look at the ``Host`` header (DNS rebinding). Our channels' blueprints are
:class:`GuardedBlueprint` s: registering one installs this guard as the first request
middleware of the whole app, whatever else is configured. For every request it

1. refuses a ``Host`` that is not an allowed host name (403), before anything else - CORS
   preflights included;
2. lets through the routes of a blueprint registered as :data:`PUBLIC` (the web chat, which
   does its own checks);
3. asks every other route - Rasa's whole HTTP API, ``/``, ``/version``, unknown paths - for a
   bearer token of the ``admin`` role, and the routes of an :data:`INTEGRATION` blueprint (the
   REST channel) for an ``admin`` or ``integration`` token (:mod:`pluskod.core.tokens`):
   401 without a valid token, 403 for a role that may not;
4. caps every request body at ``PLUSKOD_MAX_REQUEST_BYTES`` (Sanic answers 413 before reading
   more) and marks every response ``nosniff`` and ``no-store``.

Whether a route is public is read from the route Sanic matched, not from the path's text, so
no spelling of a path (``//``, ``%2F``, ``..``) reaches the API past the check. The guard also
tells the channels who the client is (:mod:`pluskod.core.clients`).

Settings come from the environment: ``PLUSKOD_ALLOWED_HOSTS`` (host names, comma-separated;
default ``127.0.0.1,localhost,::1`` plus ``PLUSKOD_HOST`` when that is a name or a single
address), ``PLUSKOD_TRUSTED_PROXIES``, ``PLUSKOD_MAX_REQUEST_BYTES`` (default 1 MiB), and the
API secret (``PLUSKOD_JWT_SECRET`` or its file).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from typing import Any, Dict, FrozenSet, Mapping, Optional, Sequence, Tuple

from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import BaseHTTPResponse, HTTPResponse

from pluskod.core.clients import (
    TRUSTED_PROXIES_ENV,
    ClientPseudonyms,
    Network,
    client_address,
    parse_networks,
)
from pluskod.core.hosts import allowed_hosts_from_env, host_name
from pluskod.core.secrets import API_SECRET, derive_key
from pluskod.core.tokens import ADMIN, INTEGRATION, ApiTokens, Claims, TokenError

logger = logging.getLogger(__name__)

PUBLIC = "public"
#: what each access level asks of a request's token (``None``: nothing)
ROLES_FOR = {PUBLIC: None, INTEGRATION: (ADMIN, INTEGRATION), ADMIN: (ADMIN,)}
MAX_REQUEST_BYTES_ENV = "PLUSKOD_MAX_REQUEST_BYTES"
DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024
@dataclass
class HttpGuard:
    tokens: ApiTokens
    allowed_hosts: FrozenSet[str]
    pseudonyms: ClientPseudonyms
    proxies: Sequence[Network] = ()
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES
    #: blueprint name -> access level (routes of other blueprints, and the app's, are ADMIN)
    access: Dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> "HttpGuard":
        environ = os.environ if environ is None else environ
        secret = API_SECRET.load(environ)
        raw_max = environ.get(MAX_REQUEST_BYTES_ENV, str(DEFAULT_MAX_REQUEST_BYTES))
        try:
            max_bytes = int(raw_max)
        except ValueError:
            raise ValueError(f"{MAX_REQUEST_BYTES_ENV} must be a number of bytes") from None
        return cls(tokens=ApiTokens(secret), allowed_hosts=allowed_hosts_from_env(environ),
                   pseudonyms=ClientPseudonyms(derive_key(secret, "client pseudonyms")),
                   proxies=parse_networks(environ.get(TRUSTED_PROXIES_ENV)),
                   max_request_bytes=max_bytes)

    # --- decisions (no Sanic objects: tested directly) ------------------------------------
    def refusal(self, host: Optional[str], blueprint: Optional[str],
                headers: Mapping[str, str]) -> Tuple[Optional[Tuple[int, str]], Optional[Claims]]:
        """``((status, error), None)`` to refuse a request, else ``(None, claims or None)``."""
        if host_name(host) not in self.allowed_hosts:
            return (403, "host not allowed"), None
        roles = ROLES_FOR[self.access.get(blueprint or "", ADMIN)]
        if roles is None:
            return None, None
        try:
            return None, self.tokens.check(headers, roles)
        except TokenError as error:
            return (error.status, str(error)), None

    def client_of(self, request: Request) -> str:
        """The pseudonym of the request's client (see :mod:`pluskod.core.clients`)."""
        address = client_address(request.ip, request.headers.get("X-Forwarded-For"),
                                 self.proxies)
        return self.pseudonyms.of(address)

    # --- Sanic ----------------------------------------------------------------------------
    def install(self, app: Sanic) -> "HttpGuard":
        """Install on ``app`` unless a guard is there already; returns the app's guard."""
        installed = getattr(app.ctx, "pluskod_http_guard", None)
        if installed is not None:
            return installed
        app.ctx.pluskod_http_guard = self
        app.config.REQUEST_MAX_SIZE = min(app.config.REQUEST_MAX_SIZE, self.max_request_bytes)
        app.request_middleware.appendleft(self._on_request)
        app.register_middleware(self._on_response, "response")
        # sanic-cors puts its own middleware, which answers every OPTIONS request, at the head
        # of the line when the server starts: go back in front of it then
        app.register_listener(self._first_in_line, "before_server_start")
        return self

    async def _first_in_line(self, app: Sanic, _loop: Any) -> None:
        if self._on_request in app.request_middleware:
            app.request_middleware.remove(self._on_request)
        app.request_middleware.appendleft(self._on_request)

    async def _on_request(self, request: Request) -> Optional[HTTPResponse]:
        route = getattr(request, "route", None)
        blueprint = _blueprint_of(route.name) if route is not None else None
        refused, claims = self.refusal(request.headers.get("Host"), blueprint, request.headers)
        if refused is not None:
            status, error = refused
            headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
            return response.json({"error": error}, status=status, headers=headers)
        request.ctx.pluskod_claims = claims
        return None

    @staticmethod
    async def _on_response(request: Request, reply: BaseHTTPResponse) -> None:
        reply.headers.setdefault("X-Content-Type-Options", "nosniff")
        reply.headers.setdefault("Cache-Control", "no-store")


def _blueprint_of(route_name: str) -> Optional[str]:
    """Sanic names a blueprint's route ``<app>.<blueprint>.<handler>``."""
    parts = route_name.split(".")
    return parts[1] if len(parts) == 3 else None


class GuardedBlueprint(Blueprint):
    """A blueprint whose registration installs ``guard`` on the app and declares the access
    its own routes need (:data:`PUBLIC`, :data:`INTEGRATION` or :data:`ADMIN`)."""

    def __init__(self, name: str, guard: HttpGuard, access: str, **kwargs: Any) -> None:
        if access not in ROLES_FOR:
            raise ValueError(f"access must be one of {', '.join(ROLES_FOR)}")
        super().__init__(name, **kwargs)
        self.ctx.guard, self.ctx.access = guard, access

    def register(self, app: Sanic, options: Dict[str, Any]) -> None:
        super().register(app, options)
        installed = self.ctx.guard.install(app)
        installed.access[self.name] = self.ctx.access
