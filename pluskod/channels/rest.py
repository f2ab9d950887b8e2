"""The REST channel for integrations (``POST /webhooks/rest/webhook``), same JSON as Rasa's.

Rasa's ``rest`` channel lets any caller pick any ``sender`` (so anyone who learns an id can
continue another person's conversation, including a web chat's ``web-<nonce>``), stores
whatever ``metadata`` the caller sends, accepts a message of any size and answers a missing
``sender`` as the shared conversation ``default``. This channel is for systems that talk to
the assistant for their users, not for browsers:

* every request needs a bearer token of the ``integration`` (or ``admin``) role
  (:mod:`pluskod.core.tokens`; checked by :mod:`pluskod.channels.http_guard`);
* each integration has conversations of its own: ``sender`` ``anna`` of the integration whose
  token names it ``crm`` is the conversation ``rest:crm:anna`` (:func:`conversation_id`), so
  one integration can never write into another's conversation (and ride its proofs);
* ``sender`` is required: 1-64 letters, digits or ``_ . : @ -``; since every REST
  conversation's id starts with ``rest:``, none is ever a web chat's ``web-<nonce>``;
* ``message`` must be text of at most ``max_characters`` (as in the web chat; longer: 413 with
  a polite Polish answer); a body over 16 KiB is refused unread;
* ``client`` (optional) names the integration's own end user (at most 128 characters), so that
  the limits on code attempts count each user apart (:mod:`pluskod.core.clients`); without it
  the integration's address is the client. Nothing else from the body is stored;
* it refuses to serve without the redacting tracker store (:mod:`pluskod.channels.guard`).

Answer: ``200 [{"recipient_id": <sender>, "text": …, "buttons": […]}]``, as Rasa's channel.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from pluskod.channels.guard import attach
from pluskod.channels.http_guard import INTEGRATION, GuardedBlueprint, HttpGuard
from pluskod.channels.limits import MAX_BODY_BYTES, is_text, max_characters, too_long
from pluskod.core.clients import CLIENT_METADATA
from pluskod.core.names import TRACKER_STORE
from pluskod.core.tokens import USERNAME

logger = logging.getLogger(__name__)

SENDER = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:@-]{0,63}")
MAX_CLIENT_CHARACTERS = 128
USAGE = 'send JSON: {"sender": "<your user id>", "message": "<text>"}'
REST_PREFIX = "rest:"


def conversation_id(integration: Text, sender: Text) -> Text:
    """The tracker's id of ``sender``'s conversation with the integration ``integration``."""
    return f"{REST_PREFIX}{integration}:{sender}"


class StrictRestInput(InputChannel):
    """The REST channel for authenticated integrations (see the module's docstring)."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = credentials or {}
        return cls(required_tracker_store=credentials.get("required_tracker_store",
                                                          TRACKER_STORE),
                   max_characters=max_characters(credentials))

    def __init__(self, required_tracker_store: Text = TRACKER_STORE,
                 max_characters: int = 1000, guard: Optional[HttpGuard] = None) -> None:
        self.required_tracker_store = required_tracker_store
        self.max_characters = max_characters
        self.guard = guard or HttpGuard.from_env()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
                  ) -> GuardedBlueprint:
        rest = GuardedBlueprint("pluskod_rest", self.guard, INTEGRATION)
        attach(rest, self.required_tracker_store)
        channel = self

        @rest.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @rest.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if len(request.body or b"") > MAX_BODY_BYTES:
                return response.json({"error": "request too large"}, status=413)
            try:
                body = request.json
            except Exception:  # sanic raises its own InvalidUsage for broken JSON
                body = None
            if not isinstance(body, dict):
                return response.json({"error": USAGE}, status=400)
            sender, text, client = body.get("sender"), body.get("message"), body.get("client")
            if not isinstance(sender, str) or not SENDER.fullmatch(sender):
                return response.json({"error": "'sender' must be 1-64 letters, digits or "
                                               "_ . : @ - (starting with a letter or digit)"},
                                     status=400)
            if not is_text(text):
                return response.json({"error": USAGE}, status=400)
            if client is not None and (not is_text(client) or not client
                                       or len(client) > MAX_CLIENT_CHARACTERS):
                return response.json({"error": f"'client' must be text of 1-"
                                               f"{MAX_CLIENT_CHARACTERS} characters"},
                                     status=400)
            if len(text) > channel.max_characters:
                return response.json([{"recipient_id": sender,
                                       "text": too_long(channel.max_characters)}], status=413)
            integration = channel.integration(request)
            if integration is None:
                return response.json({"error": "the token names no integration: mint one with "
                                               "python -m tools.api_token --name <integration>"},
                                     status=403)
            collector = CollectingOutputChannel()
            metadata = {CLIENT_METADATA: channel.client(request, integration, client)}
            try:
                await on_new_message(UserMessage(text, collector,
                                                 conversation_id(integration, sender),
                                                 input_channel=channel.name(),
                                                 metadata=metadata))
            except Exception as error:  # never the text: it may hold a code
                logger.error("REST message failed: %s", type(error).__name__)
                return response.json({"error": "internal error"}, status=500)
            return response.json([{**m, "recipient_id": sender} for m in collector.messages])

        return rest

    @staticmethod
    def integration(request: Request) -> Optional[str]:
        """The name of the integration whose token the guard accepted, if it is a usable one."""
        claims = getattr(request.ctx, "pluskod_claims", None)
        name = claims.username if claims is not None else ""
        return name if USERNAME.fullmatch(name) else None

    def client(self, request: Request, integration: str, named: Optional[str]) -> str:
        """The pseudonym the limits count this message under: the integration's own user when
        it names one, else the integration's address."""
        if named is None:
            return self.guard.client_of(request)
        return self.guard.pseudonyms.of(conversation_id(integration, named))
