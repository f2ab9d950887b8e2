"""Publishing and rolling back: the one code path of the studio and of ``python -m tools.publish``
/ ``python -m tools.rollback``.

**Publish** = the content check, training in a process of its own, the quality gate
(:mod:`tools.quality_gate`: held-out thresholds and test stories; the table shown is per topic
on the development sets), a git commit of ``data/`` and ``domain.yml`` with the editor as its
author, then the swap of the model in the running assistant (``PUT /model``: Rasa loads the new
model beside the old one and switches when it is ready, so no customer request fails), and a
record of the version in the studio's store. A failed step leaves the live assistant and the
drafts as they were.

**Roll back** = the content of an earlier published version restored and committed, and its
model (kept under ``models/published/``) swapped in the same way.

One publication at a time per project: a lock file under ``var/`` is held from the check to
the record, whoever runs it (studio or command). The content is fingerprinted when training
starts and again before the commit, under the lock every save takes
(:func:`studio.content.content_lock`), so an edit made while the model trains is never
committed with a model that does not hold it.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional, Protocol

import requests

from editor_tools.check_content import check
from studio.content import content_lock
from studio.store import StudioStore, Version

#: what the studio edits, and so what a publication commits
CONTENT = ("data", "domain.yml")
PUBLISHED_DIR = Path("models/published")
#: the git committer of publications (the author is the editor)
COMMITTER = ("Plus Kod studio", "studio@pluskod.invalid")

Progress = Callable[[str], None]


class PublishError(RuntimeError):
    """A publication or rollback that did not happen; the message is Polish, for the editor
    (the command-line tools print it too)."""


class ModelSwap(Protocol):
    def __call__(self, model_file: Path) -> None:
        """Make the running assistant serve ``model_file``; raise :class:`PublishError` if
        it does not."""


@dataclass
class Outcome:
    version: Version
    message: str
    #: per topic on the development sets: label, examples, before, after, worse
    topics: List[Dict[str, object]] = field(default_factory=list)


class GateFailed(PublishError):
    def __init__(self, message: str, topics: List[Dict[str, object]]) -> None:
        super().__init__(message)
        self.topics = topics


class RasaModelSwap:
    """``PUT /model`` on the Rasa server's HTTP API with an admin token, then ``GET /status``
    to see that the new model is the one served."""

    def __init__(self, rasa_url: str, headers: Callable[[], Dict[str, str]],
                 timeout: float = 300) -> None:
        self.rasa_url, self.headers, self.timeout = rasa_url.rstrip("/"), headers, timeout

    def __call__(self, model_file: Path) -> None:
        try:
            response = requests.put(f"{self.rasa_url}/model", json={"model_file": str(model_file)},
                                    headers=self.headers(), timeout=self.timeout)
            if response.status_code != 204:
                raise PublishError(f"Asystent nie przyjął nowego modelu (HTTP "
                                   f"{response.status_code}); działa dalej poprzedni.")
            status = requests.get(f"{self.rasa_url}/status", headers=self.headers(), timeout=30)
            served = Path(str(status.json().get("model_file", ""))).name
        except requests.RequestException as error:
            raise PublishError(f"Nie udało się połączyć z asystentem pod {self.rasa_url} "
                               f"({type(error).__name__}); działa dalej poprzedni model.") from None
        if served != model_file.name:
            raise PublishError(f"Asystent podaje, że działa na modelu {served!r}, a nie "
                               f"{model_file.name!r}.")


def content_fingerprint(root: Path) -> str:
    digest = hashlib.sha256()
    for name in CONTENT:
        path = root / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(root)).encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


class Publisher:
    """Publishes the drafts of the project at ``root`` and rolls back to published versions."""

    def __init__(self, root: Path, store: StudioStore, swap: ModelSwap,
                 live_model: Path, python: str = sys.executable) -> None:
        self.root, self.store, self.swap, self.python = root, store, swap, python
        #: the model the assistant serves before anything is published here
        self.live_model = live_model

    # --- git ----------------------------------------------------------------------------
    def _git(self, *args: str, env: Optional[Dict[str, str]] = None) -> str:
        result = subprocess.run(["git", *args], cwd=self.root, capture_output=True, text=True,
                                env={**os.environ, **(env or {})})
        if result.returncode != 0:
            raise PublishError(f"Polecenie git {args[0]} nie powiodło się: "
                               f"{(result.stderr.strip().splitlines() or ['?'])[-1]}")
        return result.stdout

    def head(self) -> str:
        return self._git("rev-parse", "HEAD").strip()

    def drafts(self) -> List[str]:
        """Content files changed since the last commit (the drafts), as git names them."""
        out = self._git("status", "--porcelain", "--untracked-files=all", "--", *CONTENT)
        return [line[3:] for line in out.splitlines() if line.strip()]

    def _commit(self, author: str, message: str) -> str:
        self._git("add", "-A", "--", *CONTENT)
        name, email = COMMITTER
        self._git("commit", "-q", "-m", message, "--", *CONTENT, env={
            "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": f"{author}@studio.pluskod.invalid",
            "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email})
        return self.head()

    def _swap_or_undo(self, model: Path, committed: bool, progress: Progress,
                      restore_files: bool = False) -> None:
        """Swap ``model`` in; if that fails, take back the commit just made (its changes
        kept as drafts, or with ``restore_files`` the files as they were before it)."""
        progress("Podmieniam model w działającym asystencie…")
        try:
            self.swap(model.resolve())
        except PublishError:
            if committed:
                self._undo_commit()
                if restore_files:
                    self._git("restore", "--source=HEAD", "--staged", "--worktree", "--",
                              *CONTENT)
            raise

    def _undo_commit(self) -> None:
        """Take the last commit back, keeping its changes as drafts."""
        self._git("reset", "-q", "--soft", "HEAD~1")
        self._git("reset", "-q", "HEAD", "--", *CONTENT)

    # --- the lock -----------------------------------------------------------------------
    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        path = self.root / "var" / "publish.lock"
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise PublishError("Trwa już inna publikacja albo wycofanie; poczekaj, aż się "
                                   "skończy.") from None
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # --- steps --------------------------------------------------------------------------
    def _run(self, command: List[str], progress: Progress) -> int:
        process = subprocess.Popen(command, cwd=self.root, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True)
        assert process.stdout is not None
        for line in process.stdout:
            line = line.rstrip()
            if line.startswith(("[train]", "[gate]")) or "Epochs" in line:
                progress(line)
        return process.wait()

    def _baseline(self) -> Version:
        """The live version; before the first publication, the model served now (copied, so
        a later `make train` does not change what a rollback returns to)."""
        live = self.store.live_version()
        if live is not None:
            return live
        if not self.live_model.exists():
            raise PublishError(f"Nie ma modelu {self.live_model}, na którym działa asystent.")
        target = self.root / PUBLISHED_DIR / f"{time.strftime('%Y%m%d-%H%M%S')}-start.tar.gz"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(self.live_model, target)
        return self.store.record_version(self.head(), str(target), "system",
                                         "Wersja sprzed pierwszej publikacji w studiu")

    def publish(self, author: str, message: str, progress: Progress = lambda _: None) -> Outcome:
        message = " ".join(message.split()) or "Zmiany treści"
        with self._exclusive():
            progress("Sprawdzam treść…")
            report = check(self.root)
            if report.errors:
                raise PublishError("Treść ma błędy, popraw je przed publikacją: "
                                   + " | ".join(report.errors_pl[:5]))
            baseline = self._baseline()
            drafts = self.drafts()
            if not drafts and baseline.commit == self.head():
                raise PublishError("Nie ma zmian do opublikowania.")
            fingerprint = content_fingerprint(self.root)
            model = self.root / PUBLISHED_DIR / f"{time.strftime('%Y%m%d-%H%M%S')}.tar.gz"
            progress("Trenuję model (około pół minuty)…")
            if self._run([self.python, "-m", "tools.train", "--force", "--model",
                          str(model.relative_to(self.root))], progress) != 0 \
                    or not model.exists():
                raise PublishError("Trening modelu się nie udał; szczegóły w logu studia.")
            try:
                topics = self._gate(model, Path(baseline.model_file), progress)
                with content_lock(self.root):  # no save between the comparison and the commit
                    if content_fingerprint(self.root) != fingerprint:
                        raise PublishError("Treść zmieniła się w trakcie publikacji; opublikuj "
                                           "jeszcze raz, żeby nowy model ją zawierał.")
                    committed = bool(drafts)
                    commit = self._commit(author, message) if committed else self.head()
                self._swap_or_undo(model, committed, progress)
            except PublishError:
                _remove_model(model)
                raise
            version = self.store.record_version(commit, str(model), author, message)
            self.store.audit(author, "publish", f"wersja {version.id}", message)
            progress(f"Opublikowano wersję {version.id}.")
            return Outcome(version, f"Opublikowano wersję {version.id}.", topics)

    def _gate(self, model: Path, baseline: Path, progress: Progress) -> List[Dict[str, object]]:
        progress("Sprawdzam jakość (progi, historie testowe, tematy)…")
        report_path = self.root / "var" / "gate" / f"{model.name[:-len('.tar.gz')]}.json"
        command = [self.python, "-m", "tools.quality_gate", "--model", str(model),
                   "--report", str(report_path)]
        if baseline.exists():
            command += ["--baseline", str(baseline)]
        code = self._run(command, progress)
        if code not in (0, 1) or not report_path.exists():
            raise PublishError("Sprawdzenie jakości nie zadziałało; szczegóły w logu studia.")
        report = json.loads(report_path.read_text(encoding="utf-8"))
        topics = report.get("topics") or []
        if not report.get("passed"):
            worse = [str(t["label"]) for t in topics if t.get("worse")]
            reason = ("Pogorszyły się tematy (na zbiorach deweloperskich): " + ", ".join(worse)
                      if worse else "Żaden temat nie pogorszył się na zbiorach deweloperskich, "
                                    "ale model nie spełnia progów jakości.")
            raise GateFailed(f"Publikacja zatrzymana: nowy model jest słabszy. {reason}. "
                             f"Powód: {'; '.join(report.get('failures') or [])}.", topics)
        return topics

    def rollback(self, author: str, version_id: int,
                 progress: Progress = lambda _: None) -> Outcome:
        with self._exclusive():
            target = self.store.version(version_id)
            if target is None:
                raise PublishError(f"Nie ma opublikowanej wersji {version_id}.")
            if target.live:
                raise PublishError(f"Wersja {version_id} już działa.")
            model = Path(target.model_file)
            model = model if model.is_absolute() else self.root / model
            if not model.exists():
                raise PublishError(f"Brak pliku modelu wersji {version_id} ({model.name}); "
                                   f"nie da się do niej wrócić.")
            if self.drafts():
                raise PublishError("Są nieopublikowane zmiany (szkice). Opublikuj je albo "
                                   "odrzuć, zanim wrócisz do wcześniejszej wersji.")
            progress(f"Przywracam treść wersji {version_id}…")
            message = f"Wycofanie do wersji {version_id}: {target.message}"
            with content_lock(self.root):
                if self.drafts():
                    raise PublishError("Są nieopublikowane zmiany (szkice). Opublikuj je albo "
                                       "odrzuć, zanim wrócisz do wcześniejszej wersji.")
                self._git("restore", f"--source={target.commit}", "--staged", "--worktree",
                          "--", *CONTENT)
                committed = bool(self.drafts())
                commit = self._commit(author, message) if committed else self.head()
            self._swap_or_undo(model, committed, progress, restore_files=True)
            version = self.store.record_version(commit, str(target.model_file), author, message)
            self.store.audit(author, "rollback", f"wersja {version_id}", message)
            progress(f"Wrócono do wersji {version_id} (jako wersja {version.id}).")
            return Outcome(version, f"Wrócono do wersji {version_id}.")

    def discard_drafts(self, author: str) -> List[str]:
        """Throw the drafts away (back to the last commit); returns the files reset."""
        with self._exclusive(), content_lock(self.root):
            drafts = self.drafts()
            if drafts:
                self._git("restore", "--source=HEAD", "--staged", "--worktree", "--", *CONTENT)
                self._git("clean", "-q", "-f", "--", *CONTENT)
                self.store.audit(author, "discard", ", ".join(drafts)[:200], "")
            return drafts


def _remove_model(model: Path) -> None:
    model.unlink(missing_ok=True)
    model.with_suffix("").with_suffix(".fingerprint").unlink(missing_ok=True)
