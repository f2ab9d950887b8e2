"""Start the action server and the Rasa server, wait until both answer, say where to chat.

    python tools/serve.py --model models/pluskod.tar.gz          # what `make run` does
    python tools/serve.py --model models/pluskod.tar.gz --shell  # terminal chat

Both servers listen on 127.0.0.1 (``PLUSKOD_HOST`` to change). Ports come from
``RASA_PORT`` (5005) and ``ACTION_PORT`` (5055). Server output goes to ``logs/``. Ctrl-C stops
everything this script started; if one server dies, the other is stopped too.
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

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
READY_TIMEOUT = float(os.environ.get("PLUSKOD_READY_TIMEOUT", "180"))
TOKEN_ENV = "PLUSKOD_ACTION_TOKEN"  # shared secret between the two servers


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


def wait_until_ready(url: str, process: subprocess.Popen, name: str, log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the {name} exited with code {process.returncode}; see {log}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the {name} did not answer {url} within {READY_TIMEOUT:.0f} s; see {log}")


class Servers:
    """The action server and (unless ``shell``) the Rasa server, as child process groups."""

    def __init__(self, model: Path, host: str, rasa_port: int, action_port: int,
                 log_dir: Path, enable_api: bool = True,
                 endpoints_source: Path = ROOT / "endpoints.yml",
                 tracker_db: Optional[Path] = None,
                 extra_env: Optional[Dict[str, str]] = None, debug: bool = False) -> None:
        self.model, self.host, self.debug = model, host, debug
        self.rasa_port, self.action_port = rasa_port, action_port
        self.log_dir, self.enable_api = log_dir, enable_api
        self.processes: Dict[str, subprocess.Popen] = {}
        self.endpoints = endpoints_for(f"http://{host}:{action_port}/webhook",
                                       endpoints_source, tracker_db)
        # one secret per start unless the operator set one; only the two children know it
        self.action_token = os.environ.get(TOKEN_ENV) or secrets.token_urlsafe(32)
        self.extra_env = dict(extra_env or {})

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://{self.host}:{self.action_port}"

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

    def start_actions(self) -> None:
        log = self._start(
            "actions",
            [str(BIN / "rasa"), "run", "actions", "--actions", "actions",
             "--port", str(self.action_port)] + self._log_level(),
            env={"SANIC_HOST": self.host},
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
        log = self._start("rasa", command)
        wait_until_ready(f"{self.rasa_url}/", self.processes["rasa"], "Rasa server", log)

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
        yield servers
    finally:
        servers.stop()


def banner(servers: Servers) -> str:
    url = servers.rasa_url
    return f"""
  The Plus Kod assistant is running.
    Help page with the chat:        {url}/webhooks/web/   (open it in a browser)
    Chat over HTTP (REST channel):  POST {url}/webhooks/rest/webhook
      curl -s {url}/webhooks/rest/webhook -H 'Content-Type: application/json' \\
           -d '{{"sender": "demo", "message": "Co to jest Plus Kod?"}}'
    NLU only:                       POST {url}/model/parse  {{"text": "..."}}
    Action server:                  {servers.action_url}/health
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

    servers = Servers(
        model=args.model,
        host=os.environ.get("PLUSKOD_HOST", "127.0.0.1"),
        rasa_port=int(os.environ.get("RASA_PORT", "5005")),
        action_port=int(os.environ.get("ACTION_PORT", "5055")),
        log_dir=ROOT / "logs",
    )
    # SIGINT too: a shell that starts a command in the background without job control (CI
    # scripts, `make test &`) makes it ignore SIGINT, and Python then installs no handler of
    # its own, so Ctrl-C / kill -INT would leave both servers running.
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, _interrupt)
    print("[run] starting the action server and the Rasa server (about 30 s)…", flush=True)
    try:
        with running(servers, rasa=not args.shell):
            if args.shell:
                return subprocess.call(
                    [str(BIN / "rasa"), "shell", "--model", str(args.model),
                     "--endpoints", str(servers.endpoints), "--port", str(servers.rasa_port)],
                    cwd=ROOT, env={**os.environ, TOKEN_ENV: servers.action_token})
            print(banner(servers), flush=True)
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
