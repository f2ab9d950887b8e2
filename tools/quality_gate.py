"""The publishing gate: may a newly trained model replace the live one?

    python -m tools.quality_gate --model models/published/new.tar.gz \
        [--baseline models/published/live.tar.gz] --report reports/gate.json

Passes when the model meets the held-out thresholds (``tests/nlu/heldout.yml`` with
``thresholds.yml``, ``heldout2.yml`` with ``thresholds2.yml``) and every test story
(``tests/stories``) is followed. Whatever the outcome it compares the model with the baseline,
topic by topic, on the development sets (``tests/nlu/dev*.yml``): that table, not the held-out
sets, is what an editor is shown, so the held-out sentences are never seen and stay a fair
measure. The report holds figures and labels only, never a sentence.

Used by :mod:`studio.publishing` (the studio and ``python -m tools.publish``) in a process of
its own, so the studio never loads Rasa. Exit code 0 passed, 1 failed, 2 could not run.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import yaml

from editor_tools.check_content import TEST_SETS
from tools import ROOT
from tools.nlu_eval import SLICES, Example, Parser, load_examples, score

HELDOUT = ((Path("tests/nlu/heldout.yml"), Path("tests/nlu/thresholds.yml")),
           (Path("tests/nlu/heldout2.yml"), Path("tests/nlu/thresholds2.yml")))
DEV_SETS = tuple(Path(name) for name in TEST_SETS if "/dev" in name)
STORIES = Path("tests/stories")


def say(line: str) -> None:
    print(line, flush=True)


def heldout_failures(parser: Parser, root: Path) -> Tuple[List[str], Dict[str, float]]:
    """Thresholds not met (as "set slice metric value < minimum"), and the figures."""
    failures, figures = [], {}
    for data, limits in HELDOUT:
        examples = load_examples(root / data)
        thresholds = yaml.safe_load((root / limits).read_text(encoding="utf-8")) or {}
        texts = {name: [make(e.text) for e in examples] for name, make in SLICES.items()}
        for name, batch in texts.items():
            if name not in thresholds:
                continue
            labels, _ = parser(batch)
            scores = score(examples, batch, labels)
            for metric, minimum in thresholds[name].items():
                value = getattr(scores, metric)
                figures[f"{data.stem} {name} {metric}"] = round(value, 4)
                if value < minimum:
                    failures.append(f"{data.stem} {name} {metric} {value:.3f} < {minimum:.3f}")
    return failures, figures


def per_label(parser: Parser, examples: Sequence[Example]) -> Dict[str, Tuple[int, int]]:
    """label -> (right, of how many) on ``examples``."""
    labels, _ = parser([e.text for e in examples])
    counts: Dict[str, List[int]] = defaultdict(lambda: [0, 0])
    for example, label in zip(examples, labels):
        counts[example.label][1] += 1
        counts[example.label][0] += (label == example.label
                                     or (example.label == "out_of_scope"
                                         and label in ("out_of_scope", "nlu_fallback")))
    return {label: (right, total) for label, (right, total) in counts.items()}


def topic_table(after: Dict[str, Tuple[int, int]],
                before: Optional[Dict[str, Tuple[int, int]]]) -> List[Dict[str, object]]:
    rows = []
    for label in sorted(after):
        right, total = after[label]
        old = before.get(label, (None, total))[0] if before is not None else None
        rows.append({"label": label, "examples": total, "before": old, "after": right,
                     "worse": old is not None and right < old})
    return rows


class Stories:
    """``rasa test core`` on the test stories, started at once in a process of its own (it
    runs on the second core while the NLU part runs on the first)."""

    def __init__(self, model: Path, root: Path) -> None:
        self._out = tempfile.TemporaryDirectory(prefix="gate-core-")
        self._process = subprocess.Popen(
            [str(Path(sys.executable).parent / "rasa"), "test", "core", "--model", str(model),
             "--stories", str(root / STORIES), "--fail-on-prediction-errors",
             "--out", self._out.name],
            cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def result(self) -> Tuple[bool, str]:
        """(passed, why not: the names of the stories not followed)."""
        _, stderr = self._process.communicate()
        failed = Path(self._out.name) / "failed_test_stories.yml"
        names = []
        if failed.exists():
            names = [line.split(":", 1)[1].strip() for line in
                     failed.read_text(encoding="utf-8").splitlines()
                     if line.startswith("- story:")]
        self._out.cleanup()
        if self._process.returncode == 0:
            return True, ""
        if names:
            return False, "test stories not followed: " + "; ".join(names)
        return False, "rasa test core failed: " + (stderr.strip().splitlines() or ["?"])[-1]


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--baseline", type=Path, help="the live model, for the table")
    parser.add_argument("--report", type=Path, required=True)
    parser.add_argument("--skip-stories", action="store_true",
                        help="only the NLU part (for tests of this tool)")
    args = parser.parse_args(argv)
    for model in (args.model, args.baseline):
        if model is not None and not model.exists():
            print(f"error: no model at {model}", file=sys.stderr)
            return 2

    stories = None if args.skip_stories else Stories(args.model, ROOT)
    say("[gate] held-out thresholds…")
    candidate = Parser(args.model)
    failures, figures = heldout_failures(candidate, ROOT)
    say("[gate] development sets, topic by topic…")
    dev = [e for path in DEV_SETS if (ROOT / path).exists() for e in load_examples(ROOT / path)]
    after = per_label(candidate, dev)
    before = per_label(Parser(args.baseline), dev) if args.baseline else None
    if stories is not None:
        say("[gate] test stories…")
        ok, why = stories.result()
        if not ok:
            failures.append(why)
    report = {"passed": not failures, "failures": failures, "figures": figures,
              "topics": topic_table(after, before)}
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    say("[gate] passed" if not failures else "[gate] FAILED: " + "; ".join(failures))
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
