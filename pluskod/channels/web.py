"""The help-page chat channel (``/webhooks/web/``): the page, the widget and its small API.

Why not Rasa's ``rest`` or ``socketio`` channel: there the client picks its own ``sender`` id,
so anyone who learns or guesses an id can read and continue another customer's conversation.
Here the server issues every conversation an unguessable, signed id
(:mod:`pluskod.core.conversation_ids`); the client cannot choose one. The channel also

* refuses to serve without the redacting tracker store (:mod:`pluskod.channels.guard`), so what
  is stored of a conversation never holds a code;
* limits input (a polite Polish refusal past ``max_characters``; oversized bodies get 413);
* answers only pages of allowed origins (default: its own origin);
* answers with the bot's texts and buttons, and ``secret_input`` when the next input is a code,
  so the widget can mask the field;
* serves the help page and the widget's files from ``web/`` with strict security headers
  (a Content-Security-Policy without inline scripts, ``nosniff``, no referrer, no cookies);
* is public: its blueprint is registered with :data:`PUBLIC` access in the HTTP guard
  (:mod:`pluskod.channels.http_guard`), which still refuses foreign ``Host`` headers, and it
  passes the client's pseudonym to the actions for the limits on code attempts.

API (JSON; ``<id>`` is what ``POST conversations`` returned):

* ``POST /webhooks/web/conversations`` -> ``{"conversation_id": …}``
* ``POST /webhooks/web/conversations/<id>/messages`` ``{"message": "…"}`` ->
  ``{"messages": [{"text": …, "buttons": [{"title": …, "payload": …}]}], "secret_input": bool}``
* ``GET /webhooks/web/conversations/<id>`` -> the transcript so far (codes masked) and
  ``secret_input``; 404 for an id this server did not issue.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from pluskod.channels.guard import attach
from pluskod.channels.http_guard import PUBLIC, GuardedBlueprint, HttpGuard
from pluskod.channels.limits import MAX_BODY_BYTES, is_text, max_characters, too_long
from pluskod.core.clients import CLIENT_METADATA
from pluskod.core.conversation_ids import ConversationIds, key_from_env
from pluskod.core.names import SECRET_SLOTS, TRACKER_STORE

logger = logging.getLogger(__name__)

ORIGINS_ENV = "PLUSKOD_WEB_ALLOWED_ORIGINS"
STATIC_FILES = {"widget.js": "text/javascript; charset=utf-8",
                "widget.css": "text/css; charset=utf-8",
                "page.css": "text/css; charset=utf-8"}
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def same_origin(request: Request) -> Text:
    return f"{request.scheme}://{request.host}"


def bot_messages(collected: Iterable[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
    """Only what the widget shows: text and buttons (title, payload)."""
    out = []
    for message in collected:
        item: Dict[Text, Any] = {"text": message.get("text") or ""}
        buttons = [{"title": b.get("title", ""), "payload": b.get("payload", "")}
                   for b in message.get("buttons") or []]
        if buttons:
            item["buttons"] = buttons
        if item["text"] or buttons:
            out.append(item)
    return out


class WebChatInput(InputChannel):
    """The help page's chat: server-issued ids, limits, origins, and the secret-input flag."""

    @classmethod
    def name(cls) -> Text:
        return "web"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = credentials or {}
        origins = credentials.get("allowed_origins") or []
        if os.environ.get(ORIGINS_ENV):
            origins = [o.strip() for o in os.environ[ORIGINS_ENV].split(",") if o.strip()]
        return cls(max_characters=max_characters(credentials),
                   allowed_origins=origins,
                   web_root=credentials.get("web_root", "web"),
                   required_tracker_store=credentials.get("required_tracker_store",
                                                          TRACKER_STORE))

    def __init__(self, max_characters: int = 1000, allowed_origins: Iterable[Text] = (),
                 web_root: Text = "web", required_tracker_store: Text = TRACKER_STORE,
                 ids: Optional[ConversationIds] = None,
                 guard: Optional[HttpGuard] = None) -> None:
        self.max_characters = max_characters
        self.allowed_origins = [o.rstrip("/") for o in allowed_origins]
        # relative to the directory the server runs in, like every path Rasa reads from YAML
        self.web_root = Path(web_root).resolve()
        if not (self.web_root / "index.html").is_file():
            raise ValueError(
                f"The web chat's web_root {web_root!r} (that is {self.web_root}) holds no "
                f"index.html: set web_root in credentials.yml to the folder with the help "
                f"page, relative to the directory the Rasa server is started in.")
        self.required_tracker_store = required_tracker_store
        self.ids = ids or ConversationIds(key_from_env())
        self.guard = guard or HttpGuard.from_env()

    # --- origins ---------------------------------------------------------------------------
    def origin_allowed(self, request: Request) -> bool:
        origin = request.headers.get("Origin")
        if origin is None:      # not a browser page: CORS does not apply, the id still does
            return True
        return origin == same_origin(request) or origin in self.allowed_origins

    def with_headers(self, request: Request, reply: HTTPResponse) -> HTTPResponse:
        for name, value in SECURITY_HEADERS.items():
            reply.headers.setdefault(name, value)
        origin = request.headers.get("Origin")
        if origin and origin in self.allowed_origins:
            reply.headers["Access-Control-Allow-Origin"] = origin
            reply.headers["Vary"] = "Origin"
        return reply

    # --- conversation state ----------------------------------------------------------------
    def secret_input(self, request: Request, tracker: Any) -> bool:
        """Whether a form is waiting for a code (the widget masks its field)."""
        if tracker is None or not tracker.active_loop_name:
            return False
        secret_slots = getattr(self._store(request), "secret_slots", SECRET_SLOTS)
        return tracker.get_slot("requested_slot") in secret_slots

    @staticmethod
    def _store(request: Request) -> Any:
        return request.app.ctx.agent.tracker_store

    async def _tracker(self, request: Request, sender: Text) -> Any:
        return await self._store(request).retrieve(sender)

    @staticmethod
    def transcript(tracker: Any) -> List[Dict]:
        """The stored conversation (codes already masked by the tracker store)."""
        out: List[Dict[Text, Any]] = []
        titles: Dict[Text, Text] = {}
        for event in tracker.events if tracker is not None else []:
            if isinstance(event, UserUttered):
                text = event.text or ""
                if text.startswith("/"):  # a button: show its title, as when it was clicked
                    text = titles.get(text, "")
                if text:
                    out.append({"from": "user", "text": text})
            elif isinstance(event, BotUttered):
                data = event.data or {}
                item = bot_messages([{"text": event.text, "buttons": data.get("buttons")}])
                for message in item:
                    out.append({"from": "bot", **message})
                    titles.update({b["payload"]: b["title"] for b in message.get("buttons", [])})
        return out

    # --- routes ----------------------------------------------------------------------------
    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
                  ) -> GuardedBlueprint:
        web = GuardedBlueprint("pluskod_web", self.guard, PUBLIC)
        attach(web, self.required_tracker_store)
        channel = self

        @web.middleware("response")
        async def headers(request: Request, reply_: HTTPResponse) -> None:
            # also on the CORS preflights that Rasa's sanic-cors answers before our routes
            if request.method == "OPTIONS" and channel.origin_allowed(request):
                channel.preflight_headers(reply_)
            channel.with_headers(request, reply_)

        def reply(request: Request, body: Dict[Text, Any], status: int = 200) -> HTTPResponse:
            return channel.with_headers(request, response.json(body, status=status))

        def refused(request: Request, status: int, error: Text) -> HTTPResponse:
            return reply(request, {"error": error}, status)

        @web.route("/", methods=["GET"])
        async def page(request: Request) -> HTTPResponse:
            return channel.with_headers(request, await _file(channel.web_root / "index.html",
                                                             "text/html; charset=utf-8"))

        @web.route("/static/<name>", methods=["GET"])
        async def static(request: Request, name: Text) -> HTTPResponse:
            if name not in STATIC_FILES:
                return refused(request, 404, "not found")
            return channel.with_headers(request, await _file(channel.web_root / name,
                                                             STATIC_FILES[name]))

        def admit(request: Request, conversation_id: Optional[Text] = None):
            """``(early response, sender)``: refuse foreign origins and unknown ids, answer
            CORS preflights; otherwise ``(None, sender)``."""
            if not channel.origin_allowed(request):
                return refused(request, 403, "origin not allowed"), None
            if request.method == "OPTIONS":
                return channel.preflight(request), None
            if conversation_id is None:
                return None, None
            sender = channel.ids.sender_of(conversation_id)
            if sender is None:
                return refused(request, 404, "unknown conversation"), None
            return None, sender

        @web.route("/conversations", methods=["POST", "OPTIONS"])
        async def new_conversation(request: Request) -> HTTPResponse:
            early, _ = admit(request)
            if early is not None:
                return early
            return reply(request, {"conversation_id": channel.ids.issue()}, 201)

        @web.route("/conversations/<conversation_id>", methods=["GET", "OPTIONS"])
        async def history(request: Request, conversation_id: Text) -> HTTPResponse:
            early, sender = admit(request, conversation_id)
            if early is not None:
                return early
            tracker = await channel._tracker(request, sender)
            return reply(request, {"messages": channel.transcript(tracker),
                                   "secret_input": channel.secret_input(request, tracker)})

        @web.route("/conversations/<conversation_id>/messages", methods=["POST", "OPTIONS"])
        async def message(request: Request, conversation_id: Text) -> HTTPResponse:
            early, sender = admit(request, conversation_id)
            if early is not None:
                return early
            if len(request.body or b"") > MAX_BODY_BYTES:
                return refused(request, 413, "request too large")
            try:
                body = request.json
            except Exception:  # sanic raises its own InvalidUsage for broken JSON
                body = None
            text = body.get("message") if isinstance(body, dict) else None
            if not is_text(text):
                return refused(request, 400, 'send JSON: {"message": "..."}')
            if len(text) > channel.max_characters:
                return reply(request, {"messages": [{"text": too_long(channel.max_characters)}],
                                       "secret_input": False, "error": "message too long"}, 413)
            collector = CollectingOutputChannel()
            await on_new_message(UserMessage(
                text, collector, sender, input_channel=channel.name(),
                metadata={CLIENT_METADATA: channel.guard.client_of(request)}))
            tracker = await channel._tracker(request, sender)
            return reply(request, {"messages": bot_messages(collector.messages),
                                   "secret_input": channel.secret_input(request, tracker)})

        return web

    def preflight(self, request: Request) -> HTTPResponse:
        return self.with_headers(request, self.preflight_headers(response.empty(status=204)))

    @staticmethod
    def preflight_headers(reply: HTTPResponse) -> HTTPResponse:
        reply.headers["Access-Control-Allow-Methods"] = "GET, POST"
        reply.headers["Access-Control-Allow-Headers"] = "Content-Type"
        reply.headers["Access-Control-Max-Age"] = "600"
        return reply


async def _file(path: Path, content_type: Text) -> HTTPResponse:
    return response.raw(path.read_bytes(), content_type=content_type)
