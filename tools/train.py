"""Train the model when - and only when - what it is made from has changed.

The fingerprint is a SHA-256 over config.yml, domain.yml, data/, the graph components in
pluskod/language (with the folding it takes from the core), pluskod/nlu and pluskod/policies,
the built spaCy pipeline and requirements.txt (channels, tracker stores and actions do not
change the model). Rasa's own fingerprint ignores the code of custom components and the
contents of the spaCy pipeline, so it cannot decide this.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterable, List

from tools import ROOT

INPUTS = ["config.yml", "domain.yml", "requirements.txt", "data", "pluskod/language",
          "pluskod/core/folding.py", "pluskod/nlu", "pluskod/policies", "build/spacy_pl_pluskod"]


def input_files(root: Path = ROOT, inputs: Iterable[str] = INPUTS) -> List[Path]:
    files: List[Path] = []
    for name in inputs:
        path = root / name
        if path.is_dir():
            files.extend(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        elif path.is_file():
            files.append(path)
    return sorted(files)


def fingerprint(root: Path = ROOT, inputs: Iterable[str] = INPUTS) -> str:
    digest = hashlib.sha256()
    for path in input_files(root, inputs):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=Path("models/pluskod.tar.gz"))
    parser.add_argument("--force", action="store_true", help="train even if nothing changed")
    args = parser.parse_args(argv)

    model = ROOT / args.model
    stamp = model.with_suffix("").with_suffix(".fingerprint")
    current = fingerprint()
    if not args.force and model.exists() and stamp.exists() and stamp.read_text() == current:
        print(f"[train] {args.model} is up to date (inputs unchanged).")
        return 0

    print("[train] inputs changed: training (about half a minute on 2 cores)…", flush=True)
    started = time.monotonic()
    # `make train` runs the editors' content check first and `make test` runs
    # `rasa data validate`; Rasa's own validation here would be the same work again. Rasa's CLI
    # runs without filling its training cache, which --force never reads (tools/rasa_train.py).
    command = [sys.executable, "-m", "tools.rasa_train", "train", "--force",
               "--skip-validation",
               "--fixed-model-name", model.name[: -len(".tar.gz")], "--out", str(model.parent)]
    result = subprocess.run(command, cwd=ROOT)
    if result.returncode != 0 or not model.exists():
        print("[train] error: training failed (see the output above).", file=sys.stderr)
        return 1
    stamp.write_text(current)
    print(f"[train] model written to {args.model} in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
