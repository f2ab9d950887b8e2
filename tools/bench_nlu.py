"""NLU benchmark: this pipeline against a vanilla Rasa pipeline, same data, same run.

    python -m tools.bench_nlu [--seeds 3]        (or: make bench-nlu)

Trains the NLU part of config.yml and the `rasa init` default pipeline (language: pl) once per
seed on data/, scores both on tests/nlu/heldout.yml, its diacritic-stripped copy and its
typo'd copy, and prints medians over the seeds with the ratio ours / vanilla. Also writes
reports/bench_nlu.md and reports/bench_nlu.json.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.nlu_eval import evaluate, load_examples  # noqa: E402

#: The pipeline `rasa init` writes (commented) into config.yml in Rasa 3.6, with language pl.
VANILLA_PIPELINE = [
    {"name": "WhitespaceTokenizer"},
    {"name": "RegexFeaturizer"},
    {"name": "LexicalSyntacticFeaturizer"},
    {"name": "CountVectorsFeaturizer"},
    {"name": "CountVectorsFeaturizer", "analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4},
    {"name": "DIETClassifier", "epochs": 100},
    {"name": "EntitySynonymMapper"},
    {"name": "ResponseSelector", "epochs": 100},
    {"name": "FallbackClassifier", "threshold": 0.3, "ambiguity_threshold": 0.1},
]
SEEDED = {"DIETClassifier", "ResponseSelector"}


def configs(seed: int) -> Dict[str, dict]:
    ours = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    ours.pop("policies", None)
    vanilla = {"recipe": "default.v1", "language": "pl", "assistant_id": "vanilla",
               "pipeline": copy.deepcopy(VANILLA_PIPELINE)}
    for config in (ours, vanilla):
        for component in config["pipeline"]:
            if component["name"] in SEEDED:
                component["random_seed"] = seed
    return {"vanilla": vanilla, "ours": ours}


def train(config: dict, workdir: Path, name: str) -> float:
    config_path = workdir / f"{name}.yml"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    started = time.perf_counter()
    subprocess.run(
        [str(Path(sys.executable).with_name("rasa")), "train", "nlu", "--config",
         str(config_path), "--nlu", "data", "--out", str(workdir), "--fixed-model-name", name],
        cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def render(title: str, median: Dict[str, Dict[str, float]]) -> str:
    """The Markdown table: medians of both pipelines and the ratio ours / vanilla (3 decimals,
    so a one-utterance difference shows)."""
    lines = [title, "",
             "| metric | vanilla (rasa init, pl) | this pipeline | ratio ours/vanilla |",
             "|---|---:|---:|---:|"]
    for metric in median["ours"]:
        v, o = median["vanilla"][metric], median["ours"][metric]
        fmt = "{:.1f}" if metric in ("train_s", "parse_ms") else "{:.3f}"
        ratio = f"{o / v:.3f}" if v else "n/a"
        label = {"train_s": "training time (s)", "parse_ms": "parse latency (ms)"}.get(metric, metric)
        lines.append(f"| {label} | {fmt.format(v)} | {fmt.format(o)} | {ratio} |")
    return "\n".join(lines)


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--heldout", type=Path, default=ROOT / "tests/nlu/heldout.yml")
    args = parser.parse_args(argv)

    examples = load_examples(args.heldout)
    runs: Dict[str, List[dict]] = {"vanilla": [], "ours": []}
    with tempfile.TemporaryDirectory(prefix="bench-nlu-") as tmp:
        workdir = Path(tmp)
        for seed in range(1, args.seeds + 1):
            for name, config in configs(seed).items():
                print(f"[bench] seed {seed}/{args.seeds}: training {name}…", flush=True)
                seconds = train(config, workdir, f"{name}-{seed}")
                results, latency = evaluate(workdir / f"{name}-{seed}.tar.gz", examples)
                row = {"train_s": seconds, "parse_ms": latency * 1000}
                for slice_name, scores in results.items():
                    row[f"{slice_name}: accuracy"] = scores.accuracy
                    row[f"{slice_name}: OOS rejection"] = scores.oos_rejection
                runs[name].append(row)
                print(f"[bench]   {name}: held-out accuracy "
                      f"{row['held-out: accuracy']:.3f}, trained in {seconds:.0f} s", flush=True)

    metrics = list(runs["ours"][0])
    median = {n: {m: statistics.median(r[m] for r in rows) for m in metrics}
              for n, rows in runs.items()}
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    title = (f"NLU benchmark on {args.heldout.name} ({len(examples)} utterances), medians over "
             f"{args.seeds} seed(s); {machine}")
    table = render(title, median)
    print("\n" + table)
    reports = ROOT / "reports"
    reports.mkdir(exist_ok=True)
    (reports / "bench_nlu.md").write_text(table + "\n", encoding="utf-8")
    (reports / "bench_nlu.json").write_text(json.dumps({"machine": machine, "runs": runs,
                                                        "median": median}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
