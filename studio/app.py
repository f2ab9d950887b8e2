"""The studio's web application: server-rendered Polish pages (Jinja2, autoescaped) on Sanic,
which the project already runs on.

Security, for every request:

- the ``Host`` header must name an allowed host (:mod:`pluskod.core.hosts`; DNS rebinding);
- a page other than the login needs a session (cookie ``pluskod_studio``: HttpOnly,
  SameSite=Strict, Secure unless ``PLUSKOD_STUDIO_INSECURE_COOKIE=1``; the id is stored only
  hashed, :mod:`studio.store`);
- every POST carries the session's CSRF token (a form field or the ``X-CSRF-Token`` header)
  and, when the browser says where it comes from (``Origin``, ``Sec-Fetch-Site``), comes from
  this origin; the login form has a token of its own (a cookie and a field that must match);
- publishing, rolling back and discarding drafts need the publisher role (403 otherwise);
- responses are ``no-store``, ``nosniff``, framed by nobody, with a strict Content Security
  Policy (scripts and styles from this origin only).

Editors' changes go to ``data/`` and ``domain.yml`` (:mod:`studio.content`); each is checked
with the content check first and written only without errors, and recorded in the audit trail.
Publishing runs in a background thread (:class:`Jobs`), the page shows its progress.
"""

from __future__ import annotations

import hmac
import logging
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Sanic, response
from sanic.exceptions import NotFound
from sanic.request import Request
from sanic.response import HTTPResponse

from editor_tools.check_content import PLACEHOLDER, check
from pluskod.core.clients import Network, client_address
from pluskod.core.hosts import host_name
from pluskod.core.names import FAQ_TOPIC_ENTITY, RETRIEVAL_INTENT, parse_command
from studio.content import (
    TOPIC_NAME,
    Button,
    Content,
    ContentError,
    Topic,
    chosen_faq_payload,
    clean_text,
    dump,
    examples_block,
    load,
    new_topic_text,
    readable,
    set_topic,
)
from studio.drafts import DraftAssistant, DraftError
from studio.inbox import Inbox, InboxError
from studio.publishing import GateFailed, Publisher, PublishError
from studio.store import LoginResult, StudioSession, StudioStore

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
COOKIE = "pluskod_studio"
LOGIN_COOKIE = "pluskod_studio_login"
MAX_BODY = 512 * 1024
#: what each ?ok= code says after a redirect (fixed texts: nothing a URL says is echoed)
NOTICES = {
    "saved": "Zapisano. Zmiana jest szkicem, dopóki ktoś z uprawnieniami jej nie opublikuje.",
    "added": "Dodano nowy temat (szkic).",
    "rule": "Dodano regułę (szkic).",
    "discarded": "Odrzucono szkice: treść jest taka jak w ostatniej wersji.",
    "started": "Publikacja ruszyła; postęp widać poniżej.",
    "rollback": "Wycofywanie ruszyło; postęp widać poniżej.",
    "loggedout": "Wylogowano.",
    "inbox_added": "Dodano pytanie jako przykład (szkic). Zacznie działać po publikacji.",
    "inbox_dismissed": "Pominięto pytanie; nie wróci do skrzynki.",
}
QUESTION_KEY = re.compile(r"[0-9a-f]{32}")
#: buttons an editor may put under an answer besides other topics (label, payload): the
#: conversations that start with checks of their own; never a bare answer such as /affirm,
#: which would answer a question the form asked
FIXED_BUTTONS = (("Konsultant", "/human_handoff"),
                 ("Aktywacja kodu z faktury", "/activate_code"),
                 ("Weryfikacja Plus Kodu", "/verify_code"),
                 ("Zmiana Plus Kodu 5 (po weryfikacji)", "/change_kod5"))
ACTIONS_PL = {"edit": "zmiana", "add_topic": "nowy temat", "add_rule": "nowa reguła",
              "inbox_add": "przykład ze skrzynki", "inbox_dismiss": "pominięte ze skrzynki",
              "publish": "publikacja", "rollback": "wycofanie", "discard": "odrzucenie szkiców",
              "login": "logowanie"}


@dataclass
class Job:
    """A publication or rollback running in the background."""

    kind: str
    author: str
    started: float = field(default_factory=time.time)
    lines: List[str] = field(default_factory=list)
    done: bool = False
    outcome: Optional[Any] = None
    error: Optional[str] = None
    topics: List[Dict[str, object]] = field(default_factory=list)


class Jobs:
    """At most one job at a time (the publisher's lock guards the files across processes
    too); the last one stays to be shown."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.current: Optional[Job] = None

    def start(self, job: Job, work: Callable[[Callable[[str], None]], Any]) -> bool:
        with self._lock:
            if self.current is not None and not self.current.done:
                return False
            self.current = job

        def run() -> None:
            try:
                job.outcome = work(job.lines.append)
                job.topics = getattr(job.outcome, "topics", [])
            except GateFailed as error:
                job.error, job.topics = str(error), error.topics
            except (PublishError, DraftError) as error:
                job.error = str(error)
            except Exception:  # noqa: BLE001 - the editor gets a sentence, the log the rest
                logger.exception("the %s failed", job.kind)
                job.error = "Nieoczekiwany błąd; szczegóły są w logu studia."
            finally:
                job.done = True

        threading.Thread(target=run, name=f"studio-{job.kind}", daemon=True).start()
        return True


@dataclass
class TestChat:
    conversation: str
    #: (who, text, buttons as (title, payload)) in order
    lines: List[Tuple[str, str, List[Tuple[str, str]]]] = field(default_factory=list)


@dataclass
class Studio:
    """What the routes need, passed in (tests build their own)."""

    root: Path
    store: StudioStore
    publisher: Publisher
    allowed_hosts: frozenset
    inbox: Optional[Inbox] = None
    drafts: Optional[DraftAssistant] = None
    #: proxies whose X-Forwarded-For names the client (PLUSKOD_TRUSTED_PROXIES)
    proxies: Tuple[Network, ...] = ()
    secure_cookie: bool = True
    jobs: Jobs = field(default_factory=Jobs)
    draft_jobs: Jobs = field(default_factory=Jobs)
    #: the test chat of each session (by its CSRF token): conversation id and what was said
    chats: Dict[str, "TestChat"] = field(default_factory=dict)

    @property
    def content(self) -> Content:
        return Content(self.root)


def templates() -> Environment:
    env = Environment(loader=FileSystemLoader(str(HERE / "templates")),
                      autoescape=select_autoescape(["html"]), trim_blocks=True,
                      lstrip_blocks=True)
    env.filters["when"] = lambda d: d.strftime("%Y-%m-%d %H:%M") if isinstance(d, datetime) \
        else ""
    env.globals["action_pl"] = lambda a: ACTIONS_PL.get(a, a)
    return env


def create_app(studio: Studio, name: str = "pluskod_studio") -> Sanic:
    app = Sanic(name)
    app.config.REQUEST_MAX_SIZE = MAX_BODY
    app.config.FALLBACK_ERROR_FORMAT = "html"
    env = templates()

    def render(request: Request, template: str, status: int = 200, **values: Any) -> HTTPResponse:
        session: Optional[StudioSession] = request.ctx.session
        html = env.get_template(template).render(
            account=session.account if session else None,
            csrf=session.csrf if session else "",
            notice=NOTICES.get(request.args.get("ok", "")), **values)
        return response.html(html, status=status)

    def redirect(path: str) -> HTTPResponse:
        return response.redirect(path, status=303)

    # --- every request ------------------------------------------------------------------
    @app.on_request
    async def guard(request: Request) -> Optional[HTTPResponse]:
        request.ctx.session = None
        if host_name(request.headers.get("host")) not in studio.allowed_hosts:
            return response.text("Unknown host.", status=403)
        if declared_length(request) > MAX_BODY:
            # Sanic's own limit stops reading a body only once the handler reads it
            return response.text("Za duże żądanie.", status=413)
        if request.path.startswith("/static/"):
            return None
        request.ctx.session = studio.store.session(request.cookies.get(COOKIE))
        if request.path == "/login":
            return None
        if request.ctx.session is None:
            if request.method == "GET":
                return redirect("/login?next=" + quote(request.path, safe="/"))
            return response.text("Sesja wygasła; zaloguj się ponownie.", status=401)
        if request.method == "POST" and not same_origin(request):
            return response.text("Żądanie z innej strony zostało odrzucone.", status=403)
        if request.method == "POST":
            sent = request.headers.get("x-csrf-token") or form(request).get("csrf", "")
            if not hmac.compare_digest(sent.encode(), request.ctx.session.csrf.encode()):
                return response.text("Nieprawidłowy token formularza; odśwież stronę.",
                                     status=403)
        return None

    @app.on_response
    async def headers(request: Request, resp: HTTPResponse) -> None:
        resp.headers["Cache-Control"] = "no-store"
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["X-Frame-Options"] = "DENY"
        resp.headers["Referrer-Policy"] = "same-origin"
        resp.headers["Content-Security-Policy"] = (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")

    def same_origin(request: Request) -> bool:
        origin = request.headers.get("origin")
        if origin is not None:
            return host_name(origin.split("://", 1)[-1]) in studio.allowed_hosts and \
                origin.split("://", 1)[-1] == request.headers.get("host")
        site = request.headers.get("sec-fetch-site")
        return site in (None, "same-origin", "none")

    def need_publisher(request: Request) -> Optional[HTTPResponse]:
        if not request.ctx.session.account.can_publish:
            return render(request, "error.html", status=403,
                          message="Publikować i wycofywać wersje mogą tylko osoby z rolą "
                                  "publikującej. Poproś taką osobę o publikację.")
        return None

    def cookie(resp: HTTPResponse, name: str, value: str, max_age: Optional[int]) -> None:
        resp.cookies[name] = value
        resp.cookies[name]["httponly"] = True
        resp.cookies[name]["samesite"] = "Strict"
        resp.cookies[name]["path"] = "/"
        if studio.secure_cookie:
            resp.cookies[name]["secure"] = True
        if max_age is not None:
            resp.cookies[name]["max-age"] = max_age

    # --- logging in ---------------------------------------------------------------------
    @app.get("/login")
    async def login_page(request: Request) -> HTTPResponse:
        token = secrets.token_urlsafe(24)
        resp = render(request, "login.html", login_token=token,
                      next=safe_next(request.args.get("next", "/")))
        cookie(resp, LOGIN_COOKIE, token, 600)
        return resp

    @app.post("/login")
    async def login(request: Request) -> HTTPResponse:
        values = form(request)
        sent, expected = values.get("login_token", ""), request.cookies.get(LOGIN_COOKIE, "")
        if not expected or not hmac.compare_digest(sent.encode(), expected.encode()) \
                or not same_origin(request):
            return render(request, "login.html", status=403, login_token="",
                          error="Formularz logowania wygasł albo pochodzi z innej strony; "
                                "otwórz stronę logowania jeszcze raz.", next="/")
        result = studio.store.login(values.get("name", ""), values.get("password", ""),
                                    client_address(request.ip, request.headers.get(
                                        "x-forwarded-for"), studio.proxies))
        if result.result is not LoginResult.OK or result.account is None:
            message = ("Nieprawidłowa nazwa lub hasło." if result.result is LoginResult.WRONG
                       else f"Zbyt wiele nieudanych prób. Spróbuj ponownie po "
                            f"{result.locked_until:%H:%M} (UTC).")
            token = secrets.token_urlsafe(24)
            resp = render(request, "login.html", status=401 if result.result is
                          LoginResult.WRONG else 429, error=message, login_token=token,
                          next=safe_next(values.get("next", "/")))
            cookie(resp, LOGIN_COOKIE, token, 600)
            return resp
        token = studio.store.open_session(result.account)
        resp = redirect(safe_next(values.get("next", "/")))
        cookie(resp, COOKIE, token, None)
        del resp.cookies[LOGIN_COOKIE]
        return resp

    @app.post("/logout")
    async def logout(request: Request) -> HTTPResponse:
        studio.store.close_session(request.cookies.get(COOKIE))
        resp = redirect("/login?ok=loggedout")
        del resp.cookies[COOKIE]
        return resp

    # --- topics -------------------------------------------------------------------------
    @app.get("/")
    async def home(request: Request) -> HTTPResponse:
        return redirect("/topics")

    @app.get("/topics")
    async def topics(request: Request) -> HTTPResponse:
        report = check(studio.root)
        rows = []
        for topic in studio.content.topics():
            mine = problems_of(report.errors_pl + report.warnings_pl, topic.path, studio.root)
            rows.append({"topic": topic, "problems": mine})
        return render(request, "topics.html", rows=rows,
                      drafts=studio.publisher.drafts(), errors=report.errors_pl)

    @app.get("/topics/new")
    async def new_topic_page(request: Request) -> HTTPResponse:
        blank = Topic("", "", "", [], [], studio.root / "data/faq/new.yml")
        return render(request, "topic.html", topic=blank, new=True, problems=[],
                      targets=button_targets(studio.content), **topic_form(blank))

    @app.post("/topics/new")
    async def new_topic(request: Request) -> HTTPResponse:
        values = form(request)
        topic = topic_from_form(values, values.get("name", "").strip(), studio.root)
        problems = draft_problems(studio, topic, new=True, values=values)
        if problems["errors"] or not topic.name:
            return render(request, "topic.html", status=422, topic=topic, new=True,
                          problems=problems["errors"] + problems["warnings"],
                          targets=button_targets(studio.content), **topic_form(topic))
        try:
            studio.content.add_topic(topic.name, topic.title, topic.text, topic.buttons,
                                     topic.examples)
        except ContentError as error:
            return render(request, "topic.html", status=422, topic=topic, new=True,
                          problems=[str(error)], targets=button_targets(studio.content),
                          **topic_form(topic))
        studio.store.audit(request.ctx.session.account.name, "add_topic",
                           f"{RETRIEVAL_INTENT}/{topic.name}", topic.title)
        return redirect(f"/topics/{topic.name}?ok=added")

    @app.get("/topics/<name>")
    async def topic_page(request: Request, name: str) -> HTTPResponse:
        topic = studio.content.topic(name)
        report = check(studio.root)
        return render(request, "topic.html", topic=topic, new=False,
                      problems=problems_of(report.errors_pl + report.warnings_pl, topic.path,
                                           studio.root),
                      targets=button_targets(studio.content, exclude=name),
                      chat=chat_of(request),
                      chat_ready=studio.drafts is not None and studio.drafts.ready,
                      **topic_form(topic))

    @app.post("/topics/<name>")
    async def save_topic(request: Request, name: str) -> HTTPResponse:
        old = studio.content.topic(name)
        values = form(request)
        topic = topic_from_form(values, name, studio.root)
        problems = draft_problems(studio, topic, new=False, values=values)
        if problems["errors"]:
            return render(request, "topic.html", status=422, topic=topic, new=False,
                          problems=problems["errors"] + problems["warnings"],
                          targets=button_targets(studio.content, exclude=name),
                          **topic_form(topic))
        studio.content.save_topic(topic)
        studio.store.audit(request.ctx.session.account.name, "edit", f"{RETRIEVAL_INTENT}/{name}",
                           describe_change(old, topic))
        return redirect(f"/topics/{name}?ok=saved")

    @app.post("/check")
    async def check_draft(request: Request) -> HTTPResponse:
        """The checks of a topic's draft as the editor types (JSON for the page's script)."""
        values = form(request)
        name = values.get("name", "").strip()
        is_new = values.get("new") == "1"
        topic = topic_from_form(values, name, studio.root)
        if not is_new:
            studio.content.topic(name)
        problems = draft_problems(studio, topic, new=is_new, values=values)
        return response.json(problems)

    # --- intents, responses, conversations ----------------------------------------------
    @app.get("/intents")
    async def intents(request: Request) -> HTTPResponse:
        content = studio.content
        return render(request, "intents.html",
                      intents=[content.intent(name) for name, _ in content.intent_files()])

    @app.get("/intents/<intent>")
    async def intent_page(request: Request, intent: str) -> HTTPResponse:
        return render(request, "intent.html", intent=studio.content.intent(intent), problems=[])

    @app.post("/intents/<intent>")
    async def save_intent(request: Request, intent: str) -> HTTPResponse:
        current = studio.content.intent(intent)
        examples = lines_of(form(request).get("examples", ""))
        data = load(current.path)
        for block in data.get("nlu") or []:
            if isinstance(block, dict) and block.get("intent") == intent:
                block["examples"] = examples_block(examples)
        report = check(studio.root, drafts={current.path: dump(data)})
        mine = problems_of(report.errors_pl, current.path, studio.root)
        if mine:
            current.examples = examples
            return render(request, "intent.html", status=422, intent=current, problems=mine)
        studio.content.save_intent(intent, examples)
        studio.store.audit(request.ctx.session.account.name, "edit", intent,
                           f"przykłady: {len(current.examples)} → {len(examples)}")
        return redirect(f"/intents/{intent}?ok=saved")

    @app.get("/responses")
    async def responses_page(request: Request) -> HTTPResponse:
        return render(request, "responses.html", responses=studio.content.responses(),
                      problems=[])

    @app.post("/responses/<name>/<index:int>")
    async def save_response(request: Request, name: str, index: int) -> HTTPResponse:
        text = form(request).get("text", "").strip()
        content = studio.content
        data = load(content.domain)
        variations = (data.get("responses") or {}).get(name)
        if not text or not isinstance(variations, list) or not 0 <= index < len(variations):
            return render(request, "responses.html", status=422, responses=content.responses(),
                          problems=["Nie ma takiej odpowiedzi albo tekst jest pusty."])
        old = str(variations[index].get("text") or "")
        added = set(PLACEHOLDER.findall(text)) - set(PLACEHOLDER.findall(old))
        if added:
            return render(request, "responses.html", status=422, responses=content.responses(),
                          problems=[f"Nowe pole w nawiasach klamrowych ({', '.join(sorted(added))})"
                                    f" – asystent wstawiłby tam dane z rozmowy. Zostaw tylko "
                                    f"pola, które już były w tekście."])
        try:
            draft = content.response_changed(name, index, text)
            readable(draft)
        except ContentError as error:
            return render(request, "responses.html", status=422, responses=content.responses(),
                          problems=[str(error)])
        report = check(studio.root, drafts={content.domain: draft})
        mine = problems_of(report.errors_pl, content.domain, studio.root)
        if mine:
            return render(request, "responses.html", status=422, responses=content.responses(),
                          problems=mine)
        content.save_response_text(name, index, text)
        studio.store.audit(request.ctx.session.account.name, "edit", name, text[:120])
        return redirect(f"/responses?ok=saved#{name}")

    @app.get("/conversations")
    async def conversations(request: Request) -> HTTPResponse:
        content = studio.content
        return render(request, "conversations.html", conversations=content.conversations(),
                      intents=sorted({name for name, _ in content.intent_files()}
                                     | {f"{RETRIEVAL_INTENT}/{t}" for t in content.topic_names()}),
                      responses=[r.name for r in content.responses()], problems=[])

    @app.post("/rules")
    async def add_rule(request: Request) -> HTTPResponse:
        values = form(request)
        content = studio.content
        intents = {name for name, _ in content.intent_files()}
        responses = {r.name for r in content.responses()}
        name = " ".join(values.get("name", "").split())[:120]
        intent, answer = values.get("intent", ""), values.get("response", "")
        problems = []
        if not name:
            problems.append("Nadaj regule nazwę (np. „pytanie o pogodę → poza tematem”).")
        if intent not in intents:
            problems.append("Wybierz intencję klienta z listy.")
        if answer not in responses:
            problems.append("Wybierz odpowiedź z listy.")
        if not problems:
            path, draft = content.rule_added(name, intent, answer)
            report = check(studio.root, drafts={path: draft})
            problems = problems_of(report.errors_pl, path, studio.root)
        if problems:
            return render(request, "conversations.html", status=422,
                          conversations=content.conversations(), intents=sorted(intents),
                          responses=sorted(responses), problems=problems)
        content.add_rule(name, intent, answer)
        studio.store.audit(request.ctx.session.account.name, "add_rule", name,
                           f"{intent} → {answer}")
        return redirect("/conversations?ok=rule")

    # --- publishing ---------------------------------------------------------------------
    @app.get("/publish")
    async def publish_page(request: Request) -> HTTPResponse:
        job = studio.jobs.current
        return render(request, "publish.html", job=job,
                      running=job is not None and not job.done,
                      drafts=studio.publisher.drafts(), versions=studio.store.versions())

    def start_job(request: Request, kind: str, work: Callable[[Callable[[str], None]], Any],
                  notice: str) -> HTTPResponse:
        if not studio.jobs.start(Job(kind, request.ctx.session.account.name), work):
            return render(request, "error.html", status=409,
                          message="Trwa już publikacja albo wycofanie.")
        return redirect(f"/publish?ok={notice}")

    @app.post("/publish")
    async def publish(request: Request) -> HTTPResponse:
        refused = need_publisher(request)
        if refused:
            return refused
        author = request.ctx.session.account.name
        message = form(request).get("message", "")[:500]
        return start_job(request, "publish", lambda progress: studio.publisher.publish(
            author, message, progress), "started")

    @app.post("/rollback/<version:int>")
    async def rollback(request: Request, version: int) -> HTTPResponse:
        refused = need_publisher(request)
        if refused:
            return refused
        author = request.ctx.session.account.name
        return start_job(request, "rollback", lambda progress: studio.publisher.rollback(
            author, version, progress), "rollback")

    @app.post("/discard")
    async def discard(request: Request) -> HTTPResponse:
        refused = need_publisher(request)
        if refused:
            return refused
        try:
            studio.publisher.discard_drafts(request.ctx.session.account.name)
        except PublishError as error:
            return render(request, "error.html", status=409, message=str(error))
        return redirect("/publish?ok=discarded")

    # --- the test chat against the drafts' model ---------------------------------------
    def chat_of(request: Request) -> TestChat:
        session = request.ctx.session
        chat = studio.chats.get(session.csrf)
        if chat is None:
            chat = studio.chats[session.csrf] = TestChat(
                f"studio-{session.account.name}-{secrets.token_hex(4)}")
        return chat

    @app.get("/chat")
    async def chat_page(request: Request) -> HTTPResponse:
        job = studio.draft_jobs.current
        return render(request, "chat.html", chat=chat_of(request), job=job,
                      running=job is not None and not job.done,
                      ready=studio.drafts is not None and studio.drafts.ready,
                      available=studio.drafts is not None,
                      drafts=studio.publisher.drafts())

    @app.post("/chat/prepare")
    async def chat_prepare(request: Request) -> HTTPResponse:
        if studio.drafts is None:
            return render(request, "error.html", status=409,
                          message="Czat testowy nie jest skonfigurowany.")
        drafts = studio.drafts
        studio.draft_jobs.start(Job("draft", request.ctx.session.account.name),
                                lambda progress: drafts.prepare(progress))
        return redirect("/chat")

    @app.post("/chat")
    async def chat_send(request: Request) -> HTTPResponse:
        text = " ".join(form(request).get("message", "").split())[:2000]
        shown = " ".join(form(request).get("shown", "").split())[:200]
        chat = chat_of(request)
        if text and studio.drafts is not None:
            chat.lines.append(("klient", shown or text, []))
            try:
                answers = await request.app.loop.run_in_executor(
                    None, studio.drafts.send, chat.conversation, text)
            except DraftError as error:
                chat.lines.append(("błąd", str(error), []))
            else:
                for answer in answers:
                    buttons = [(str(b.get("title", "")), str(b.get("payload", "")))
                               for b in answer.get("buttons") or [] if isinstance(b, dict)]
                    chat.lines.append(("asystent", str(answer.get("text") or ""), buttons))
        # the test chat beside a topic's editor sends back to that topic
        back = safe_next(form(request).get("back", ""))
        return redirect(f"{back}#czat" if back != "/" else "/chat#koniec")

    @app.post("/chat/reset")
    async def chat_reset(request: Request) -> HTTPResponse:
        studio.chats.pop(request.ctx.session.csrf, None)
        return redirect("/chat")

    # --- the inbox of unanswered questions ----------------------------------------------
    @app.get("/inbox")
    async def inbox(request: Request) -> HTTPResponse:
        content = studio.content
        titles = {f"{RETRIEVAL_INTENT}/{t.name}": t.title for t in content.topics()}
        targets = [(key, f"Temat: {title}") for key, title in titles.items()]
        targets += [(name, f"Intencja: {name}") for name, _ in content.intent_files()]
        groups, problem = [], None
        if studio.inbox is None:
            problem = "Skrzynka nie jest skonfigurowana (brak bazy rozmów)."
        else:
            try:
                groups = studio.inbox.groups(studio.store.handled_questions())
            except InboxError as error:
                problem = str(error)
        return render(request, "inbox.html", groups=groups[:200], total=len(groups),
                      problem=problem, titles=titles, targets=targets, problems=[])

    @app.post("/inbox/add")
    async def inbox_add(request: Request) -> HTTPResponse:
        values = form(request)
        keys = question_keys(values.get("keys", ""))
        intent = values.get("intent", "")
        # entity markup in a customer's words is never meant: brackets and braces go
        example = " ".join(re.sub(r"[\[\]{}]", " ", values.get("text", "")).split())[:300]
        content = studio.content
        known = {name for name, _ in content.intent_files()} | {
            f"{RETRIEVAL_INTENT}/{t}" for t in content.topic_names()}
        if not keys or intent not in known or not example:
            return render(request, "error.html", status=422,
                          message="Wybierz temat lub intencję i zostaw tekst pytania.")
        path, text = content.example_added(intent, example)
        if text is not None:
            report = check(studio.root, drafts={path: text})
            mine = problems_of(report.errors_pl, path, studio.root)
            if mine:
                return render(request, "error.html", status=422,
                              message="Nie dodano przykładu: " + " | ".join(mine))
            content.add_example(intent, example)
        studio.store.handle_questions(keys, f"added:{intent}", request.ctx.session.account.name)
        studio.store.audit(request.ctx.session.account.name, "inbox_add", intent, example)
        return redirect("/inbox?ok=inbox_added")

    @app.post("/inbox/dismiss")
    async def inbox_dismiss(request: Request) -> HTTPResponse:
        keys = question_keys(form(request).get("keys", ""))
        if not keys:
            return render(request, "error.html", status=422, message="Nie ma takiego pytania.")
        studio.store.handle_questions(keys, "dismissed", request.ctx.session.account.name)
        studio.store.audit(request.ctx.session.account.name, "inbox_dismiss",
                           f"{len(keys)} pytań", "")
        return redirect("/inbox?ok=inbox_dismissed")

    @app.get("/audit")
    async def audit(request: Request) -> HTTPResponse:
        return render(request, "audit.html", entries=studio.store.audit_trail())

    # --- static files and errors --------------------------------------------------------
    app.static("/static/studio.css", str(HERE / "static" / "studio.css"))
    app.static("/static/studio.js", str(HERE / "static" / "studio.js"))
    app.static("/static/widget.css", str(studio.root / "web" / "widget.css"))

    @app.exception(NotFound)
    async def not_found(request: Request, _error: Exception) -> HTTPResponse:
        if getattr(request.ctx, "session", None) is None:
            return response.text("Nie ma takiej strony.", status=404)
        return render(request, "error.html", status=404, message="Nie ma takiej strony.")

    @app.exception(ContentError)
    async def content_error(request: Request, error: Exception) -> HTTPResponse:
        return render(request, "error.html", status=404, message=str(error))

    return app


# --- helpers --------------------------------------------------------------------------------
def form(request: Request) -> Dict[str, str]:
    """The request's form fields, first value of each (never raises on a broken body)."""
    try:
        fields = request.form or {}
    except Exception:  # noqa: BLE001 - a broken body is an empty form
        return {}
    found = {name: str(values[0]) if isinstance(values, list) and values else str(values)
             for name, values in fields.items()}
    # text is cleaned of odd line breaks and controls; a password is compared as typed
    return {name: value if name == "password" else clean_text(value)
            for name, value in found.items()}


def question_keys(text: str) -> List[str]:
    """The inbox keys a form sent (at most 500, each 32 hex digits; anything else dropped)."""
    return [k for k in text.split(",")[:500] if QUESTION_KEY.fullmatch(k)]


def declared_length(request: Request) -> int:
    try:
        return int(request.headers.get("content-length") or 0)
    except ValueError:
        return MAX_BODY + 1


def safe_next(target: str) -> str:
    """Only a path of this site (no scheme, no host, no '//')."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def lines_of(text: str) -> List[str]:
    out: List[str] = []
    for line in text.splitlines():
        line = " ".join(line.strip().removeprefix("- ").split())
        if line and line not in out:
            out.append(line)
    return out


def topic_from_form(values: Mapping[str, str], name: str, root: Path) -> Topic:
    """The topic a form describes. A button's target must be one the page offers (another
    topic, or a fixed command): anything else is dropped and reported by
    :func:`unknown_targets`."""
    buttons = []
    fixed = {payload for _, payload in FIXED_BUTTONS}
    for index in range(8):
        target = values.get(f"button{index}", "")
        title = " ".join(values.get(f"button{index}_title", "").split())
        if not target:
            continue
        if target in fixed:
            buttons.append(Button(title, target))
        elif TOPIC_NAME.fullmatch(target) and (root / "data" / "faq" / f"{target}.yml").is_file():
            buttons.append(Button(title, chosen_faq_payload(target)))
    return Topic(name=name, title=" ".join(values.get("title", "").split()),
                 text=values.get("text", "").replace("\r\n", "\n").strip(),
                 buttons=buttons, examples=lines_of(values.get("examples", "")),
                 path=root / "data" / "faq" / f"{name or 'new'}.yml")


def unknown_targets(values: Mapping[str, str], root: Path) -> List[str]:
    fixed = {payload for _, payload in FIXED_BUTTONS}
    bad = [values.get(f"button{i}", "") for i in range(8)]
    return [t for t in bad if t and t not in fixed and not (
        TOPIC_NAME.fullmatch(t) and (root / "data" / "faq" / f"{t}.yml").is_file())]


def topic_form(topic: Topic) -> Dict[str, Any]:
    """Values of the form's fields for ``topic``: each button as (target, title)."""
    rows: List[Tuple[str, str]] = []
    for button in topic.buttons:
        command = parse_command(button.payload.replace("{{", "{").replace("}}", "}"))
        topic_name = (command.entities or {}).get(FAQ_TOPIC_ENTITY) if command else None
        rows.append((str(topic_name) if topic_name else button.payload, button.title))
    rows += [("", "")] * (4 - len(rows)) if len(rows) < 4 else []
    return {"button_rows": rows, "examples_text": "\n".join(topic.examples)}


def button_targets(content: Content, exclude: str = "") -> List[Tuple[str, str]]:
    """(value, label) of every target a button may have: another topic, or a fixed command."""
    targets = [(payload, f"{title} (rozmowa)") for title, payload in FIXED_BUTTONS]
    for topic in content.topics():
        if topic.name != exclude:
            targets.append((topic.name, f"Temat: {topic.title}"))
    return targets


def draft_problems(studio: Studio, topic: Topic, new: bool,
                   values: Optional[Mapping[str, str]] = None) -> Dict[str, List[str]]:
    """The content check's errors and warnings about this topic's file, were the draft saved."""
    errors = [] if topic.title else ["Podaj pytanie-tytuł (pokazywane na przyciskach)."]
    errors += [f"Przycisk prowadzi do {t!r}, czego nie ma na liście celów; wybierz cel z listy."
               for t in unknown_targets(values or {}, studio.root)]
    try:
        if new:
            path = studio.root / "data" / "faq" / f"{topic.name}.yml"
            if topic.name and path.exists():
                return {"errors": [f"Temat {topic.name} już istnieje."], "warnings": []}
            text = new_topic_text(topic)
        else:
            path = topic.path
            text = dump(set_topic(load(path), topic))
    except ContentError as error:
        return {"errors": errors + [str(error)], "warnings": []}
    report = check(studio.root, drafts={path: text})
    return {"errors": errors + problems_of(report.errors_pl, path, studio.root),
            "warnings": problems_of(report.warnings_pl, path, studio.root)}


def problems_of(lines: List[str], path: Path, root: Path) -> List[str]:
    """The lines of a report about ``path`` (and those naming it on the other side)."""
    relative = str(path.relative_to(root))
    return [line for line in lines if line.startswith(relative) or f", {relative}:" in line]


def describe_change(old: Topic, new: Topic) -> str:
    parts = []
    if old.title != new.title:
        parts.append("tytuł")
    if old.text != new.text:
        parts.append("odpowiedź")
    if [(b.title, b.payload) for b in old.buttons] != [(b.title, b.payload) for b in new.buttons]:
        parts.append("przyciski")
    added = len(set(new.examples) - set(old.examples))
    removed = len(set(old.examples) - set(new.examples))
    if added or removed:
        parts.append(f"przykłady +{added} −{removed}")
    return ", ".join(parts) or "bez zmian"
