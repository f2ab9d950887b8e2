"""NLU benchmark: this pipeline against a vanilla Rasa pipeline, same data, same run.

    python -m tools.bench_nlu [--seeds 3]        (or: make bench-nlu)

Trains the NLU part of config.yml and the `rasa init` default pipeline (language: pl) once per
seed on data/, scores both on the held-out set (tests/nlu/heldout.yml), its diacritic-stripped
copy and its typo'd copy, and prints medians over the seeds with the ratio ours / vanilla.
Also writes reports/bench_nlu.md and reports/bench_nlu.json.

For choosing a setting, score on the development set instead, and try a variant of our
config without training vanilla again:

    python -m tools.bench_nlu --sets tests/nlu/dev.yml --pipelines ours --config variant.yml
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
from typing import Any, Dict, List

import yaml

from tools import ROOT
from tools.nlu_eval import evaluate, load_examples

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
#: Rasa's components that take a seed; ours that do say so with a `random_seed` in config.yml.
SEEDED = {"DIETClassifier", "ResponseSelector"}


def configs(seed: int, config_path: Path = ROOT / "config.yml") -> Dict[str, dict]:
    ours = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    ours.pop("policies", None)
    vanilla: Dict[str, Any] = {"recipe": "default.v1", "language": "pl", "assistant_id": "vanilla",
               "pipeline": copy.deepcopy(VANILLA_PIPELINE)}
    for config in (ours, vanilla):
        for component in config["pipeline"]:
            if component["name"] in SEEDED or "random_seed" in component:
                component["random_seed"] = seed
    return {"vanilla": vanilla, "ours": ours}


def train(config: dict, workdir: Path, name: str, data: Path = ROOT / "data") -> float:
    config_path = workdir / f"{name}.yml"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    # Rasa's training cache would restore a component trained earlier with the same config
    # and data (another run of this bench, an experiment): a timing of seconds, not minutes.
    env = {**os.environ, "RASA_MAX_CACHE_SIZE": "0"}
    started = time.perf_counter()
    subprocess.run(
        [str(Path(sys.executable).with_name("rasa")), "train", "nlu", "--config",
         str(config_path), "--nlu", str(data), "--out", str(workdir), "--fixed-model-name", name],
        cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


HEADERS = {"vanilla": "vanilla (rasa init, pl)", "ours": "this pipeline"}


def render(title: str, median: Dict[str, Dict[str, float]]) -> str:
    """The Markdown table: medians of each pipeline and, with both, the ratio ours / vanilla
    (3 decimals, so a one-utterance difference shows)."""
    names = [n for n in ("vanilla", "ours") if n in median]
    both = len(names) == 2
    header = "| metric | " + " | ".join(HEADERS[n] for n in names)
    header += " | ratio ours/vanilla |" if both else " |"
    lines = [title, "", header, "|---|" + "---:|" * (len(names) + both)]
    for metric in median[names[-1]]:
        fmt = "{:.1f}" if metric in ("train_s", "parse_ms") else "{:.3f}"
        values = [median[n][metric] for n in names]
        labels = {"train_s": "training time (s)", "parse_ms": "parse latency (ms)"}
        label = labels.get(metric, metric)
        cells = [fmt.format(v) for v in values]
        if both:
            cells.append(f"{values[1] / values[0]:.3f}" if values[0] else "n/a")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="how many seeds")
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--sets", type=Path, nargs="+", default=[ROOT / "tests/nlu/heldout.yml"],
                        help="test sets to score each trained model on (default: held-out)")
    parser.add_argument("--pipelines", nargs="+", choices=["vanilla", "ours"],
                        default=["vanilla", "ours"])
    parser.add_argument("--config", type=Path, default=ROOT / "config.yml",
                        help="our config (a variant to try; its policies are ignored)")
    parser.add_argument("--data", type=Path, default=ROOT / "data",
                        help="training data (both pipelines train on the same)")
    parser.add_argument("--report", default="bench_nlu",
                        help="name of the reports/<name>.md and .json written")
    args = parser.parse_args(argv)
    if args.seeds < 1:
        parser.error("--seeds must be 1 or more")
    for path in [*args.sets, args.config, args.data]:
        if not path.exists():
            parser.error(f"{path} does not exist")

    sets = {path: load_examples(path) for path in args.sets}
    runs: Dict[str, Dict[str, List[dict]]] = {p.name: {n: [] for n in args.pipelines}
                                              for p in args.sets}
    with tempfile.TemporaryDirectory(prefix="bench-nlu-") as tmp:
        workdir = Path(tmp)
        for seed in range(args.first_seed, args.first_seed + args.seeds):
            for name, config in configs(seed, args.config).items():
                if name not in args.pipelines:
                    continue
                print(f"[bench] seed {seed}: training {name}…", flush=True)
                seconds = train(config, workdir, f"{name}-{seed}", args.data)
                for path, examples in sets.items():
                    results, latency = evaluate(workdir / f"{name}-{seed}.tar.gz", examples)
                    row = {"train_s": seconds, "parse_ms": latency * 1000}
                    for slice_name, scores in results.items():
                        row[f"{slice_name}: accuracy"] = scores.accuracy
                        row[f"{slice_name}: OOS rejection"] = scores.oos_rejection
                    runs[path.name][name].append(row)
                    print(f"[bench]   {name} on {path.name}: accuracy "
                          f"{row['held-out: accuracy']:.3f} (no diacritics "
                          f"{row['no diacritics: accuracy']:.3f}, typos "
                          f"{row['typos: accuracy']:.3f}), OOS rejection "
                          f"{row['held-out: OOS rejection']:.3f}; trained in {seconds:.0f} s",
                          flush=True)

    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    tables, medians = [], {}
    for path, examples in sets.items():
        by_pipeline = runs[path.name]
        metrics = list(next(iter(by_pipeline.values()))[0])
        medians[path.name] = {n: {m: statistics.median(r[m] for r in rows) for m in metrics}
                              for n, rows in by_pipeline.items()}
        title = (f"NLU benchmark on {path.name} ({len(examples)} utterances), medians over "
                 f"{args.seeds} seed(s); {machine}")
        tables.append(render(title, medians[path.name]))
    print("\n" + "\n\n".join(tables))
    reports = ROOT / "reports"
    reports.mkdir(exist_ok=True)
    (reports / f"{args.report}.md").write_text("\n\n".join(tables) + "\n", encoding="utf-8")
    (reports / f"{args.report}.json").write_text(json.dumps(
        {"machine": machine, "config": str(args.config), "runs": runs, "median": medians},
        indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
