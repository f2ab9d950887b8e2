"""The action server is not an open door.

rasa-sdk 3.6's ``/webhook`` has no authentication and answers an error with the whole
tracker echoed back. Attached to the action server's app (:mod:`actions.server`), this module
makes every endpoint except ``/health`` require the shared secret that the Rasa server sends
(``Authorization: Bearer …`` from ``endpoints.yml``), refuses to start without a secret, and
replaces every error body with a generic one. The server listens on loopback unless
``SANIC_HOST`` says otherwise, so exposing it takes an explicit ``SANIC_HOST=0.0.0.0``.
"""

from __future__ import annotations

import hmac
import logging
import os
from typing import Optional

from sanic import Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request

from pluskod.core.names import ACTION_TOKEN_ENV

TOKEN_ENV = ACTION_TOKEN_ENV
HOST_ENV, DEFAULT_HOST = "SANIC_HOST", "127.0.0.1"
OPEN_PATHS = {"/health"}
MIN_TOKEN_LENGTH = 24

logger = logging.getLogger(__name__)


def configured_token(environ: Optional[dict] = None) -> str:
    token = (os.environ if environ is None else environ).get(TOKEN_ENV, "")
    if len(token) < MIN_TOKEN_LENGTH:
        raise RuntimeError(
            f"{TOKEN_ENV} must be set to a secret of at least {MIN_TOKEN_LENGTH} characters "
            f"(the same value the Rasa server sends; `make run` generates one).")
    return token


def presented_token(request: Request) -> Optional[str]:
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return header[len("Bearer "):]
    return None


def configured_host(environ: Optional[dict] = None) -> str:
    return (os.environ if environ is None else environ).get(HOST_ENV) or DEFAULT_HOST


def attach(app: Sanic, token: Optional[str] = None) -> None:
    """Install the guard on the action server's Sanic app."""
    secret = token or configured_token()

    @app.middleware("request")
    async def require_token(request: Request):
        if request.path in OPEN_PATHS:
            return None
        given = presented_token(request)
        if given is None:
            return response.json({"error": "authentication required"}, status=401)
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return response.json({"error": "forbidden"}, status=403)
        return None

    async def generic_error(request: Request, exception: Exception):
        # no request body, no exception text: both may hold what the customer typed
        status = getattr(exception, "status_code", 500)
        if isinstance(exception, SanicException) and isinstance(status, int) and status < 500:
            return response.json({"error": "request refused"}, status=status)  # 404, 413…
        logger.error("Action server error %s on %s %s", type(exception).__name__,
                     request.method, request.path)
        return response.json({"error": "internal error"}, status=500)

    app.error_handler.add(Exception, generic_error)
