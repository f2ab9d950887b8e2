"""Start the action server and the Rasa server, wait until both answer, say where to chat.

    python -m tools.serve --model models/pluskod.tar.gz          # what `make run` does
    python -m tools.serve --model models/pluskod.tar.gz --shell  # terminal chat

Both servers listen on 127.0.0.1 (``PLUSKOD_HOST`` to change). Ports come from
``RASA_PORT`` (5005) and ``ACTION_PORT`` (5055). Server output goes to ``logs/``. Ctrl-C stops
everything this script started; if one server dies, the others are stopped too.

``PLUSKOD_LOG_DIR`` and ``PLUSKOD_TRACKER_DB`` (a SQLite file) move the logs and the tracker
store elsewhere (the studio's test chat runs a second assistant that way).

Beside them it starts the editors' content studio (:mod:`tools.studio`) on
``PLUSKOD_STUDIO_PORT`` (5080; ``PLUSKOD_STUDIO=0`` leaves it out). On a local first start it
creates a demo publisher and says once where its password is. Once something has been published
in the studio, the assistant serves the published version's model, not a model trained from the
drafts.

The Rasa server gets the API secret (``PLUSKOD_JWT_SECRET``, else ``.secrets/jwt-secret``,
created on a first start) through its environment, never on a command line that ``ps`` shows.
It counts as ready when ``/status`` answers a token of this secret; before anyone is told
where to chat, this script checks that the HTTP API refuses a request without a token and one
with a foreign ``Host``, and stops everything if it does not.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import yaml
from sqlalchemy.exc import SQLAlchemyError

from actions.server_guard import HOST_ENV, TOKEN_ENV
from pluskod.core.demo import seed_demo, wants_demo
from pluskod.core.directory import URL_ENV, directory_from_env, reason_of
from pluskod.core.names import DEFAULT_DIRECTORY_URL
from pluskod.core.secrets import API_SECRET, SecretError
from pluskod.core.tokens import ADMIN, INTEGRATION, ApiTokens, bearer
from studio.store import StudioError, ensure_demo_publisher, store_from_env
from tools import ROOT
from tools.check_services import shown

BIN = Path(sys.executable).parent
READY_TIMEOUT = float(os.environ.get("PLUSKOD_READY_TIMEOUT", "180"))
#: the name in the tokens this launcher (and the tests through it) uses: its REST
#: conversations are rest:serve:<sender> (pluskod.channels.rest.conversation_id)
TOKEN_NAME = "serve"


def endpoints_for(action_url: str, source: Path = ROOT / "endpoints.yml",
                  tracker_db: Optional[Path] = None) -> Path:
    """A copy of endpoints.yml whose action endpoint points at ``action_url`` (and whose
    SQL tracker store writes to ``tracker_db``, when given)."""
    config = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    config.setdefault("action_endpoint", {})["url"] = action_url
    if tracker_db is not None and config.get("tracker_store"):
        config["tracker_store"]["db"] = str(tracker_db)
    handle, path = tempfile.mkstemp(prefix="endpoints.", suffix=".yml")
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        yaml.safe_dump(config, file)
    return Path(path)


def status_of(url: str, headers: Optional[Dict[str, str]] = None) -> Optional[int]:
    """The HTTP status ``url`` answers (``None`` when nothing answers)."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}),
                                    timeout=2) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_until_ready(url: str, process: subprocess.Popen, name: str, log: Path,
                     headers: Optional[Dict[str, str]] = None) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the {name} exited with code {process.returncode}; see {log}")
        if status_of(url, headers) == 200:
            return
        time.sleep(0.5)
    raise RuntimeError(f"the {name} did not answer {url} within {READY_TIMEOUT:.0f} s; see {log}")


class Servers:
    """The action server and (unless ``shell``) the Rasa server, as child process groups."""

    def __init__(self, model: Path, host: str, rasa_port: int, action_port: int,
                 log_dir: Path, enable_api: bool = True,
                 endpoints_source: Path = ROOT / "endpoints.yml",
                 tracker_db: Optional[Path] = None,
                 extra_env: Optional[Dict[str, str]] = None, debug: bool = False,
                 studio_port: Optional[int] = None) -> None:
        self.model, self.host, self.debug = model, host, debug
        #: the editors' studio is started too when this is set (``make run`` does)
        self.studio_port = studio_port
        self.rasa_port, self.action_port = rasa_port, action_port
        self.log_dir, self.enable_api = log_dir, enable_api
        self.processes: Dict[str, subprocess.Popen] = {}
        self.endpoints = endpoints_for(f"http://{host}:{action_port}/webhook",
                                       endpoints_source, tracker_db)
        # one secret per start unless the operator set one; only the two children know it
        self.action_token = os.environ.get(TOKEN_ENV) or secrets.token_urlsafe(32)
        self.extra_env = dict(extra_env or {})
        # the API secret as the Rasa server will read it (created on a local first start)
        self.api_secret = API_SECRET.load({**os.environ, **self.extra_env})
        self.tokens = ApiTokens(self.api_secret)

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    @property
    def studio_url(self) -> str:
        return f"http://{self.host}:{self.studio_port}"

    @property
    def action_url(self) -> str:
        return f"http://{self.host}:{self.action_port}"

    def admin_headers(self, minutes: float = 10) -> Dict[str, str]:
        """Headers with an ``admin`` token for the HTTP API."""
        return bearer(self.tokens.issue(ADMIN, minutes, username=TOKEN_NAME))

    def integration_headers(self, minutes: float = 60) -> Dict[str, str]:
        """Headers with an ``integration`` token for the REST channel."""
        return bearer(self.tokens.issue(INTEGRATION, minutes, username=TOKEN_NAME))

    def _log_level(self) -> List[str]:
        return ["--debug"] if self.debug else []

    def _start(self, name: str, command: List[str], env: Optional[Dict[str, str]] = None) -> Path:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_dir / f"{name}.log"
        with open(log, "ab") as output:
            self.processes[name] = subprocess.Popen(
                command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT,
                env={**os.environ, TOKEN_ENV: self.action_token, **self.extra_env, **(env or {})},
                start_new_session=True,
            )
        return log

    def prepare_directory(self) -> None:
        """Create the directory's tables, and seed the demo rows into an empty directory when
        configured to (:func:`pluskod.core.demo.wants_demo`): once, here, so the action
        server only ever opens it."""
        environ = {**os.environ, **self.extra_env}
        url = shown(environ.get(URL_ENV, DEFAULT_DIRECTORY_URL))
        try:
            directory = directory_from_env(environ)
            try:
                if wants_demo(environ) and directory.is_empty():
                    seed_demo(directory)
            finally:
                directory.engine.dispose()
        except SQLAlchemyError as error:
            raise RuntimeError(f"the customer directory at {url} cannot be opened "
                               f"({reason_of(error)}); check {URL_ENV}") from None
        except (ValueError, SecretError) as error:
            raise RuntimeError(str(error)) from None

    def start_actions(self) -> None:
        self.prepare_directory()
        log = self._start(
            "actions",
            [sys.executable, "-m", "actions.server", "--port", str(self.action_port)]
            + self._log_level(),
            env={HOST_ENV: self.host},
        )
        wait_until_ready(f"{self.action_url}/health", self.processes["actions"],
                         "action server", log)

    def start_rasa(self) -> None:
        command = [str(BIN / "rasa"), "run", "--model", str(self.model),
                   "--endpoints", str(self.endpoints), "--credentials", "credentials.yml",
                   "--interface", self.host, "--port", str(self.rasa_port)]
        if self.enable_api:
            command.append("--enable-api")
        command += self._log_level()
        log = self._start("rasa", command, env={API_SECRET.env: self.api_secret.decode()})
        wait_until_ready(f"{self.rasa_url}/status", self.processes["rasa"], "Rasa server", log,
                         self.admin_headers())
        self.check_closed()

    def start_studio(self) -> None:
        """The editors' studio, publishing to this Rasa server (:mod:`tools.studio`)."""
        log = self._start("studio", [sys.executable, "-m", "tools.studio",
                                     "--port", str(self.studio_port), "--host", self.host],
                          env={"PLUSKOD_RASA_URL": self.rasa_url,
                               "PLUSKOD_MODEL": str(self.model),
                               API_SECRET.env: self.api_secret.decode()})
        wait_until_ready(f"{self.studio_url}/login", self.processes["studio"], "studio", log)

    def check_closed(self) -> None:
        """Refuse to go on unless the HTTP API asks for a token and checks the Host header."""
        url = f"{self.rasa_url}/status"
        anonymous = status_of(url)
        foreign = status_of(url, {**self.admin_headers(), "Host": "attacker.example"})
        if anonymous != 401 or foreign != 403:
            raise RuntimeError(
                f"the Rasa server's HTTP API is not closed ({url} answered {anonymous} without "
                f"a token and {foreign} for a foreign Host; expected 401 and 403): check that "
                f"credentials.yml lists the pluskod.channels channels. Refusing to serve.")

    def first_exit(self) -> Optional[str]:
        for name, process in self.processes.items():
            if process.poll() is not None:
                return name
        return None

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.endpoints.unlink(missing_ok=True)


@contextmanager
def running(servers: Servers, rasa: bool = True) -> Iterator[Servers]:
    try:
        servers.start_actions()
        if rasa:
            servers.start_rasa()
            if servers.studio_port:
                servers.start_studio()
        yield servers
    finally:
        servers.stop()


def studio_lines(servers: Servers, demo_password: Optional[Path]) -> str:
    if not servers.studio_port:
        return ""
    lines = f"    Content studio (editors):       {servers.studio_url}/\n"
    if demo_password is not None:
        lines += (f"      first start: a demo publisher was created; log in as 'demo' with the "
                  f"password in {demo_password}\n"
                  f"      (accounts: python -m tools.studio_users add NAME --role editor)\n")
    return lines


def banner(servers: Servers, demo_password: Optional[Path] = None) -> str:
    url, studio = servers.rasa_url, studio_lines(servers, demo_password)
    return f"""
  The Plus Kod assistant is running.
    Help page with the chat:        {url}/webhooks/web/   (open it in a browser)
    Chat over HTTP (REST channel, for integrations; needs a token of the integration role):
      TOKEN=$(.venv/bin/python -m tools.api_token --role integration)
      curl -s {url}/webhooks/rest/webhook -H "Authorization: Bearer $TOKEN" \\
           -H 'Content-Type: application/json' \\
           -d '{{"sender": "demo", "message": "Co to jest Plus Kod?"}}'
    HTTP API (operators; needs a token of the admin role):
      TOKEN=$(.venv/bin/python -m tools.api_token)
      curl -s {url}/model/parse -H "Authorization: Bearer $TOKEN" -d '{{"text": "..."}}'
{studio}    Action server:                  {servers.action_url}/health
    Logs:                           {servers.log_dir}/rasa.log, {servers.log_dir}/actions.log
  Press Ctrl-C to stop.
"""


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=Path("models/pluskod.tar.gz"))
    parser.add_argument("--shell", action="store_true", help="chat in the terminal")
    args = parser.parse_args(argv)
    if not (ROOT / args.model).exists():
        print(f"error: no model at {args.model}; run `make train`.", file=sys.stderr)
        return 2

    studio_port = None if os.environ.get("PLUSKOD_STUDIO") == "0" else \
        int(os.environ.get("PLUSKOD_STUDIO_PORT", "5080"))
    demo_password: Optional[Path] = None
    model = args.model
    if studio_port and not args.shell:
        try:
            store = store_from_env(os.environ, str(ROOT))
            demo_password = ensure_demo_publisher(store, os.environ)
            live = store.live_version()
            store.engine.dispose()
        except (SecretError, StudioError, SQLAlchemyError) as error:
            print(f"[run] error: the studio's store cannot be opened ({error}); set "
                  f"PLUSKOD_STUDIO=0 to run without the studio.", file=sys.stderr)
            return 1
        if live is not None and Path(live.model_file).exists():
            model = Path(live.model_file)
            print(f"[run] serving the published version {live.id} ({model.name}); drafts are "
                  f"published from the studio", flush=True)
    servers = Servers(
        model=model,
        host=os.environ.get("PLUSKOD_HOST", "127.0.0.1"),
        rasa_port=int(os.environ.get("RASA_PORT", "5005")),
        action_port=int(os.environ.get("ACTION_PORT", "5055")),
        log_dir=Path(os.environ.get("PLUSKOD_LOG_DIR") or ROOT / "logs"),
        tracker_db=Path(os.environ["PLUSKOD_TRACKER_DB"])
        if os.environ.get("PLUSKOD_TRACKER_DB") else None,
        studio_port=None if args.shell else studio_port,
    )
    # SIGINT too: a shell that starts a command in the background without job control (CI
    # scripts, `make test &`) makes it ignore SIGINT, and Python then installs no handler of
    # its own, so Ctrl-C / kill -INT would leave both servers running.
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, _interrupt)
    if servers.host in ("0.0.0.0", "::") and not os.environ.get("PLUSKOD_ALLOWED_HOSTS"):
        print(f"[run] note: PLUSKOD_HOST={servers.host} listens on every interface, but only "
              f"requests for 127.0.0.1, localhost or ::1 are answered: set "
              f"PLUSKOD_ALLOWED_HOSTS to the host names clients use.", flush=True)
    print("[run] starting the action server and the Rasa server (about 30 s)…", flush=True)
    try:
        with running(servers, rasa=not args.shell):
            if args.shell:
                return subprocess.call(
                    [str(BIN / "rasa"), "shell", "--model", str(args.model),
                     "--endpoints", str(servers.endpoints), "--interface", servers.host,
                     "--port", str(servers.rasa_port)],
                    cwd=ROOT, env={**os.environ, TOKEN_ENV: servers.action_token})
            print(banner(servers, demo_password), flush=True)
            while True:
                dead = servers.first_exit()
                if dead:
                    print(f"[run] error: the {dead} server stopped; see logs/{dead}.log",
                          file=sys.stderr)
                    return 1
                time.sleep(1)
    except KeyboardInterrupt:
        print("\n[run] stopping…", flush=True)
        return 0
    except RuntimeError as error:
        print(f"[run] error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
