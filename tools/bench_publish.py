"""Benchmark: publish a one-answer change while customers chat.

    python -m tools.bench_publish [--customers 3] [--runs 1]      (or: make bench-publish)

Starts an assistant of its own (Rasa and action servers, on free ports, with a demo directory
and tracker store in a temporary folder) and a scratch copy of the project
(:mod:`tools.scratch`). Customers ask FAQ questions over the REST channel in a loop, first for
a quiet baseline, then while the answer of ``faq/cost`` is changed and published through the
studio's own code path (:class:`studio.publishing.Publisher`: check, training, quality gate,
commit, ``PUT /model``). It measures the time from pressing "publish" until a customer gets
the new answer, the phases of the publication, every request that failed, and the customers'
latency (median, p95) before and during the publication, with the ratio. Prints a table and
writes ``reports/bench_publish.json``. Nothing in the checkout changes.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import socket
import statistics
import string
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import requests

from studio.content import Content
from studio.publishing import Publisher, PublishError, RasaModelSwap
from studio.store import StudioStore
from tools import ROOT
from tools.scratch import scratch_project
from tools.serve import Servers, running

QUESTION = "ile kosztuje plus kod?"


class Customers:
    """Customers asking over REST in a loop; each request's latency and outcome kept."""

    def __init__(self, servers: Servers, count: int) -> None:
        self.servers, self.count = servers, count
        self.stop = threading.Event()
        self.records: List[Tuple[float, float, Optional[str]]] = []  # (start, seconds, error)
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(count)]

    def _run(self) -> None:
        sender = uuid.uuid4().hex
        headers = self.servers.integration_headers(minutes=120)
        while not self.stop.is_set():
            started = time.monotonic()
            error = None
            try:
                response = requests.post(f"{self.servers.rasa_url}/webhooks/rest/webhook",
                                         json={"sender": sender, "message": QUESTION},
                                         headers=headers, timeout=120)
                if response.status_code != 200 or not response.json():
                    error = f"HTTP {response.status_code}"
            except (requests.RequestException, ValueError) as failure:
                error = type(failure).__name__
            self.records.append((started, time.monotonic() - started, error))

    def start(self) -> "Customers":
        for thread in self._threads:
            thread.start()
        return self

    def finish(self) -> None:
        self.stop.set()
        for thread in self._threads:
            thread.join()

    def window(self, start: float, end: float) -> List[Tuple[float, float, Optional[str]]]:
        return [r for r in self.records if start <= r[0] < end]


def latency(records) -> Dict[str, float]:
    seconds = sorted(r[1] for r in records if r[2] is None)
    if not seconds:
        return {"requests": len(records), "median_ms": float("nan"), "p95_ms": float("nan")}
    return {"requests": len(records),
            "median_ms": statistics.median(seconds) * 1000,
            "p95_ms": seconds[min(len(seconds) - 1, int(len(seconds) * 0.95))] * 1000}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answer(servers: Servers) -> str:
    response = requests.post(f"{servers.rasa_url}/webhooks/rest/webhook",
                             json={"sender": uuid.uuid4().hex, "message": QUESTION},
                             headers=servers.integration_headers(), timeout=120)
    return " ".join(m.get("text", "") for m in response.json())


@dataclass
class Run:
    seconds_to_live_answer: Optional[float]
    publish_seconds: float
    steps: Dict[str, float]
    failed: List[str]
    before: Dict[str, float]
    during: Dict[str, float]


def one_run(servers: Servers, folder: Path, customers: int, run: int,
            baseline_seconds: float) -> Run:
    project = scratch_project(ROOT, folder / f"project-{run}")
    store = StudioStore(f"sqlite:///{folder / f'studio-{run}.db'}", b"b" * 64)
    publisher = Publisher(project, store, RasaModelSwap(servers.rasa_url,
                                                        servers.admin_headers),
                          live_model=servers.model.resolve())
    # letters only: a digit in an answer must be in the sources (the content check)
    marker = "Zmiana testowa " + "".join(random.choice(string.ascii_lowercase)
                                         for _ in range(8)) + "."
    content = Content(project)
    topic = content.topic("cost")
    topic.text = f"{topic.text} {marker}"
    content.save_topic(topic)

    crowd = Customers(servers, customers).start()
    time.sleep(baseline_seconds)
    phases: List[Tuple[float, str]] = []
    pressed = time.monotonic()
    live_at: List[float] = []

    def watch() -> None:
        while not live_at and time.monotonic() - pressed < 600:
            try:
                if marker in answer(servers):
                    live_at.append(time.monotonic())
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    publisher.publish("bench", "benchmark: one answer",
                      progress=lambda line: phases.append((time.monotonic(), line)))
    done = time.monotonic()
    watcher.join(timeout=120)
    time.sleep(3)
    crowd.finish()
    before = crowd.window(0, pressed)
    during = crowd.window(pressed, done + 3)
    # each step of the studio's own progress lines lasts until the next one (the tools'
    # bracketed lines in between belong to it)
    marks = [(at, line) for at, line in phases if not line.startswith("[")]
    steps = {line.rstrip("…"): following - at
             for (at, line), (following, _) in zip(marks, marks[1:] + [(done, "")])
             if not line.startswith("Opublikowano")}
    store.engine.dispose()
    return Run(seconds_to_live_answer=(live_at[0] - pressed) if live_at else None,
               publish_seconds=done - pressed, steps=steps,
               failed=[r[2] for r in crowd.records if r[2] is not None],
               before=latency(before), during=latency(during))


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=3)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--baseline-seconds", type=float, default=20)
    parser.add_argument("--model", type=Path, default=Path("models/pluskod.tar.gz"))
    args = parser.parse_args(argv)
    if not (ROOT / args.model).exists():
        print(f"error: no model at {args.model}; run `make train`.", file=sys.stderr)
        return 2
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-publish-") as temporary:
        folder = Path(temporary)
        servers = Servers(model=(ROOT / args.model).resolve(), host="127.0.0.1",
                          rasa_port=free_port(), action_port=free_port(),
                          log_dir=folder / "logs", tracker_db=folder / "tracker.db",
                          extra_env={"PLUSKOD_DIRECTORY_URL": f"sqlite:///{folder / 'dir.db'}",
                                     "PLUSKOD_SEED_DEMO": "1",
                                     "PLUSKOD_PEPPER_FILE": str(folder / "pepper"),
                                     "PLUSKOD_JWT_SECRET_FILE": str(folder / "jwt")})
        print("[bench] starting an assistant of its own…", flush=True)
        with running(servers):
            for run in range(args.runs):
                print(f"[bench] run {run + 1}/{args.runs}: {args.customers} customers, "
                      f"publishing one answer…", flush=True)
                try:
                    results.append(one_run(servers, folder, args.customers, run,
                                           args.baseline_seconds))
                except PublishError as error:
                    print(f"[bench] error: the publication was refused: {error}",
                          file=sys.stderr)
                    return 1
    print_table(results, args.customers)
    report = ROOT / "reports" / "bench_publish.json"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(json.dumps({"machine": platform.processor() or platform.machine(),
                                  "date": time.strftime("%Y-%m-%d"),
                                  "customers": args.customers,
                                  "runs": [asdict(r) for r in results]},
                                 indent=2, ensure_ascii=False))
    failed = sum(len(r.failed) for r in results)
    return 0 if failed == 0 and all(r.seconds_to_live_answer for r in results) else 1


def print_table(results: List[Run], customers: int) -> None:
    live = [r.seconds_to_live_answer for r in results if r.seconds_to_live_answer is not None]
    print(f"\nPublishing one answer while {customers} customers chat "
          f"({len(results)} run(s), medians)")
    print(f"{'publish pressed -> live answer':<34}"
          f"{statistics.median(live) if live else float('nan'):>10.1f} s")
    print(f"{'publication, all steps':<34}"
          f"{statistics.median(r.publish_seconds for r in results):>10.1f} s")
    for step in results[0].steps:
        value = statistics.median(r.steps.get(step, 0.0) for r in results)
        print(f"  {step[:40]:<40}{value:>6.1f} s")
    print(f"{'customer requests during publish':<34}"
          f"{sum(int(r.during['requests']) for r in results):>12}")
    print(f"{'failed customer requests':<34}{sum(len(r.failed) for r in results):>12}")
    print(f"\n{'customer latency':<20}{'before':>10}{'during':>10}{'ratio':>8}")
    for key in ("median_ms", "p95_ms"):
        before = statistics.median(r.before[key] for r in results)
        during = statistics.median(r.during[key] for r in results)
        print(f"{key.replace('_ms', '') + ' (ms)':<20}{before:>10.0f}{during:>10.0f}"
              f"{during / before:>8.2f}")


if __name__ == "__main__":
    sys.exit(main())
