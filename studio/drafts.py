"""The test chat's assistant: the drafts trained into a model of their own and served by a
second assistant, apart from the customers' one.

:meth:`DraftAssistant.prepare` trains ``models/drafts/draft.tar.gz`` from the working tree
(``tools.train`` skips the work when nothing changed since the last draft) and serves it with
``python -m tools.serve`` on ports of its own: the first time it starts that assistant, later
it swaps the model in (``PUT /model``). The draft assistant has a sandbox of its own under
``var/draft/``: the demo customer directory (so the test chat can verify the demo numbers and
never touches real customers) and a tracker store that the inbox does not read. It stops with
the studio.

Messages go through its REST channel with an integration token the studio mints; each editor
chats in a conversation of their own.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable, Dict, List, Mapping, Optional

import requests

from pluskod.core.tokens import INTEGRATION, ApiTokens, bearer

Progress = Callable[[str], None]
DRAFT_MODEL = Path("models/drafts/draft.tar.gz")
SANDBOX = Path("var/draft")
READY_TIMEOUT = 240


class DraftError(RuntimeError):
    """The draft assistant could not be prepared or asked; the message is Polish."""


class DraftAssistant:
    def __init__(self, root: Path, tokens: ApiTokens, admin_headers: Callable[[], Dict[str, str]],
                 rasa_port: int, action_port: int, host: str = "127.0.0.1",
                 environ: Optional[Mapping[str, str]] = None,
                 python: str = sys.executable) -> None:
        self.root, self.tokens, self.admin_headers = root, tokens, admin_headers
        self.rasa_port, self.action_port, self.host = rasa_port, action_port, host
        self.environ = dict(os.environ if environ is None else environ)
        self.python = python
        self._process: Optional[subprocess.Popen] = None
        self._lock = threading.Lock()
        #: when the model now served was trained (None: no draft model yet)
        self.trained_at: Optional[float] = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    @property
    def ready(self) -> bool:
        return self.trained_at is not None and self._process is not None \
            and self._process.poll() is None

    def prepare(self, progress: Progress) -> None:
        """Train the drafts' model and make the draft assistant serve it."""
        with self._lock:
            model = self.root / DRAFT_MODEL
            model.parent.mkdir(parents=True, exist_ok=True)
            progress("Trenuję model szkicu (jeśli treść się zmieniła: około pół minuty)…")
            result = subprocess.run([self.python, "-m", "tools.train", "--model",
                                     str(DRAFT_MODEL)], cwd=self.root, capture_output=True,
                                    text=True)
            if result.returncode != 0 or not model.exists():
                raise DraftError("Trening modelu szkicu się nie udał. Sprawdź błędy treści na "
                                 "liście tematów.")
            if self._process is None or self._process.poll() is not None:
                progress("Uruchamiam asystenta testowego (około pół minuty)…")
                self._start(model)
            else:
                progress("Podmieniam model asystenta testowego…")
                self._swap(model)
            self.trained_at = model.stat().st_mtime
            progress("Asystent testowy działa na szkicach.")

    def _start(self, model: Path) -> None:
        sandbox = self.root / SANDBOX
        sandbox.mkdir(parents=True, exist_ok=True)
        env = {**self.environ, "RASA_PORT": str(self.rasa_port),
               "ACTION_PORT": str(self.action_port), "PLUSKOD_HOST": self.host,
               "PLUSKOD_STUDIO": "0", "PLUSKOD_SEED_DEMO": "1",
               "PLUSKOD_DIRECTORY_URL": f"sqlite:///{sandbox / 'directory.db'}",
               "PLUSKOD_TRACKER_DB": str(sandbox / "tracker.db"),
               "PLUSKOD_LOG_DIR": str(sandbox / "logs")}
        log = open(sandbox / "serve.log", "ab")
        self._process = subprocess.Popen([self.python, "-m", "tools.serve", "--model",
                                          str(model)], cwd=self.root, env=env, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise DraftError("Asystent testowy nie wystartował; szczegóły w "
                                 f"{SANDBOX / 'serve.log'}.")
            try:
                if requests.get(f"{self.url}/status", headers=self.admin_headers(),
                                timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        self.stop()
        raise DraftError("Asystent testowy nie odpowiedział w czasie.")

    def _swap(self, model: Path) -> None:
        try:
            response = requests.put(f"{self.url}/model", json={"model_file": str(model.resolve())},
                                    headers=self.admin_headers(), timeout=300)
        except requests.RequestException:
            raise DraftError("Asystent testowy nie odpowiada; spróbuj jeszcze raz.") from None
        if response.status_code != 204:
            raise DraftError(f"Asystent testowy nie przyjął modelu (HTTP "
                             f"{response.status_code}).")

    def send(self, conversation: str, text: str) -> List[Dict[str, object]]:
        """The draft assistant's answers to ``text`` in ``conversation``."""
        if not self.ready:
            raise DraftError("Najpierw przygotuj asystenta testowego.")
        try:
            response = requests.post(
                f"{self.url}/webhooks/rest/webhook",
                json={"sender": conversation, "message": text},
                headers=bearer(self.tokens.issue(INTEGRATION, 5, username="studio")),
                timeout=60)
        except requests.RequestException:
            raise DraftError("Asystent testowy nie odpowiada.") from None
        if response.status_code != 200:
            raise DraftError(f"Asystent testowy odmówił (HTTP {response.status_code}).")
        return [m for m in response.json() if isinstance(m, dict)]

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
