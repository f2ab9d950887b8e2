"""Build the Polish spaCy pipeline the assistant loads (``SpacyNLP`` ``model:`` path).

    python -m pluskod.language.build --data data --output build/spacy_pl_pluskod

A blank Polish pipeline + ``pluskod_phone_merger`` + ``pluskod_lemmatizer`` whose table is
made from the training data's vocabulary and PoliMorf. Run by ``make install`` and again
whenever ``data/`` changes (the Makefile tracks that). Written to a temporary folder and
renamed, so an interrupted build never leaves a half pipeline behind.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, Iterable, List

import spacy
import yaml

from pluskod.language.components import PolishLemmatizer
from pluskod.language.lemma_table import build_lemma_table, count_words
from pluskod.language.polimorf import load_polimorf

DEFAULT_OVERRIDES = Path(__file__).with_name("lemma_overrides.yml")


def make_pipeline(typo_correction: bool = True) -> spacy.language.Language:
    """A blank Polish pipeline with the layer's components (table still empty)."""
    nlp = spacy.blank("pl")
    nlp.add_pipe("pluskod_phone_merger")
    nlp.add_pipe("pluskod_lemmatizer", config={"typo_correction": typo_correction})
    return nlp


def training_texts(data_path: Path) -> List[str]:
    """Every NLU example and response text under ``data_path``."""
    from rasa.shared.nlu.training_data.loading import load_data

    texts: List[str] = []
    files = sorted(p for p in data_path.rglob("*.yml")) + sorted(data_path.rglob("*.yaml"))
    for path in files:
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(content, dict) or not ({"nlu", "responses"} & content.keys()):
            continue
        data = load_data(str(path))
        texts.extend(m.get("text") for m in data.training_examples if m.get("text"))
        for variations in data.responses.values():
            texts.extend(v.get("text", "") for v in variations)
    return texts


def load_overrides(path: Path) -> Dict[str, str]:
    overrides = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(overrides, dict):
        raise SystemExit(f"error: {path} must be a mapping 'form: lemma'.")
    return {str(k): str(v) for k, v in overrides.items()}


def vocabulary(nlp: spacy.language.Language, texts: Iterable[str]) -> Dict[str, int]:
    tokenizer_only = [nlp.make_doc(text.lower()) for text in texts]
    return count_words([t.text for t in doc] for doc in tokenizer_only)


def build(data_path: Path, output: Path, overrides_path: Path = DEFAULT_OVERRIDES) -> Path:
    started = time.monotonic()
    nlp = make_pipeline()
    texts = training_texts(data_path)
    if not texts:
        raise SystemExit(f"error: no NLU examples found under {data_path}.")
    words = vocabulary(nlp, texts)
    print(f"[spacy-pl] {len(texts)} texts, {len(words)} distinct words; loading PoliMorf…",
          flush=True)
    table = build_lemma_table(words, load_polimorf(), load_overrides(overrides_path))
    lemmatizer = nlp.get_pipe("pluskod_lemmatizer")
    if not isinstance(lemmatizer, PolishLemmatizer):
        raise TypeError(f"pluskod_lemmatizer is a {type(lemmatizer).__name__}, not ours")
    lemmatizer.table = table
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=output.name + ".", dir=output.parent))
    try:
        nlp.to_disk(staging)
        if output.exists():
            shutil.rmtree(output)
        staging.rename(output)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    print(f"[spacy-pl] {len(table.lemmas)} lemma entries written to {output} "
          f"in {time.monotonic() - started:.1f} s", flush=True)
    return output


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("data"))
    parser.add_argument("--output", type=Path, default=Path("build/spacy_pl_pluskod"))
    parser.add_argument("--overrides", type=Path, default=DEFAULT_OVERRIDES)
    args = parser.parse_args(argv)
    build(args.data, args.output, args.overrides)
    return 0


if __name__ == "__main__":
    sys.exit(main())
