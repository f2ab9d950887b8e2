"""NLU quality gate: score the trained model on the held-out set and fail under thresholds.

    python -m tools.nlu_quality --model models/pluskod.tar.gz

Prints one row per slice (held-out, diacritics stripped, typos) and how many held-out
utterances went to which wrong label, writes reports/nlu_quality.json and exits 1 if any
threshold in tests/nlu/thresholds.yml is not met.

The misclassified sentences themselves are printed only with ``--show-errors``: settings and
training data are chosen on tests/nlu/dev.yml to dev4.yml, and a held-out sentence
that someone has read while tuning no longer measures how the assistant does on messages nobody
planned for.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import List, Sequence, Tuple

import yaml

from tools.nlu_eval import evaluate, load_examples


def confusions(errors: Sequence[Tuple[str, str, str]]) -> List[Tuple[str, str, int]]:
    """(expected, predicted, how many) for the errors, most frequent first, without texts."""
    counts = Counter((expected, predicted) for _, expected, predicted in errors)
    return [(e, p, n) for (e, p), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=Path("models/pluskod.tar.gz"))
    parser.add_argument("--heldout", type=Path, default=Path("tests/nlu/heldout.yml"))
    parser.add_argument("--thresholds", type=Path, default=Path("tests/nlu/thresholds.yml"))
    parser.add_argument("--report", type=Path, default=Path("reports/nlu_quality.json"))
    parser.add_argument("--show-errors", action="store_true",
                        help="also print the misclassified held-out sentences (spends the "
                             "held-out set: tune on tests/nlu/dev*.yml instead)")
    args = parser.parse_args(argv)

    if not args.model.exists():
        print(f"error: no model at {args.model}; run `make train` first.", file=sys.stderr)
        return 2
    thresholds = yaml.safe_load(args.thresholds.read_text(encoding="utf-8"))
    examples = load_examples(args.heldout)
    results, latency = evaluate(args.model, examples)

    print(f"\nNLU quality on {args.heldout} ({len(examples)} utterances), model {args.model}")
    print(f"{'slice':<15}{'accuracy':>10}{'in-scope':>10}{'OOS rej.':>10}{'fallback':>10}")
    failures = []
    for name, scores in results.items():
        print(f"{name:<15}{scores.accuracy:>10.3f}{scores.in_scope_accuracy:>10.3f}"
              f"{scores.oos_rejection:>10.3f}{scores.fallback_rate:>10.3f}")
        for metric, minimum in (thresholds.get(name) or {}).items():
            value = getattr(scores, metric)
            if value < minimum:
                failures.append(f"{name} {metric} {value:.3f} < {minimum:.3f}")
    print(f"median parse latency: {latency * 1000:.1f} ms")

    errors = results["held-out"].errors
    print(f"\nmisclassified (held-out): {len(errors)}, by expected -> predicted label:")
    for expected, got, count in confusions(errors):
        print(f"  {count:>3}  {expected:<24} -> {got}")
    if args.show_errors:
        for text, expected, got in errors:
            print(f"  {expected:<24} -> {got:<24} | {text}")
    else:
        print("  (sentences hidden; --show-errors prints them)")

    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(json.dumps({
        name: {"accuracy": s.accuracy, "in_scope_accuracy": s.in_scope_accuracy,
               "oos_rejection": s.oos_rejection, "fallback_rate": s.fallback_rate,
               "errors": [{"expected": e, "predicted": p} for _, e, p in s.errors]}
        for name, s in results.items()}, indent=2))

    if failures:
        print("\nNLU quality gate FAILED: " + "; ".join(failures), file=sys.stderr)
        return 1
    print("\nNLU quality gate passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
