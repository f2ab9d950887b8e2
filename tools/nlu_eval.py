"""Scoring of an NLU model on the held-out set and its noisy copies.

Shared by the quality gate (``tools/nlu_quality.py``, run by ``make test``) and the benchmark
(``tools/bench_nlu.py``). A prediction's *label* is the intent, or for the FAQ retrieval
intent the chosen answer (``faq/how_to_get``): an FAQ question counts as right only if the
right answer would go out.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Sequence, Tuple

from pluskod.core.folding import fold
from pluskod.core.names import RETRIEVAL_INTENT, chosen_answer

OUT_OF_SCOPE = "out_of_scope"
FALLBACK = "nlu_fallback"
REJECTIONS = {OUT_OF_SCOPE, FALLBACK}


@dataclass(frozen=True)
class Example:
    text: str
    label: str


def load_examples(path: Path) -> List[Example]:
    """Held-out examples with their expected label (``faq/<topic>`` or the intent)."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    examples = []
    for message in data.training_examples:
        label = message.get("intent_response_key") or message.get("intent")
        examples.append(Example(text=message.get("text"), label=label))
    if not examples:
        raise SystemExit(f"error: no examples in {path}")
    return examples


# --- noisy copies ---------------------------------------------------------------------------
_NEIGHBOURS = {
    "a": "sqz", "b": "vn", "c": "xv", "d": "sf", "e": "wr", "f": "dg", "g": "fh", "h": "gj",
    "i": "uo", "j": "hk", "k": "jl", "l": "k", "m": "n", "n": "bm", "o": "ip", "p": "o",
    "r": "et", "s": "ad", "t": "ry", "u": "yi", "w": "qe", "y": "tu", "z": "xa",
}


def strip_diacritics(text: str) -> str:
    return fold(text)


def add_typo(text: str) -> str:
    """One realistic typo (drop, swap, double or neighbour key) in one word of 4+ letters.

    Deterministic per text (seeded with its CRC32) so every run scores the same copy.
    """
    rng = random.Random(zlib.crc32(text.encode("utf-8")))
    words = text.split(" ")
    eligible = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    if not eligible:
        return text
    index = rng.choice(eligible)
    word = words[index]
    position = rng.randrange(1, len(word) - 1)
    kind = rng.choice(["drop", "swap", "double", "neighbour"])
    if kind == "drop":
        word = word[:position] + word[position + 1 :]
    elif kind == "swap":
        word = word[:position] + word[position + 1] + word[position] + word[position + 2 :]
    elif kind == "double":
        word = word[:position] + word[position] + word[position:]
    else:
        letter = word[position].lower()
        replacement = rng.choice(_NEIGHBOURS.get(letter, "e"))
        word = word[:position] + replacement + word[position + 1 :]
    words[index] = word
    return " ".join(words)


SLICES: Dict[str, Callable[[str], str]] = {
    "held-out": lambda text: text,
    "no diacritics": strip_diacritics,
    "typos": add_typo,
}


# --- prediction and scores -------------------------------------------------------------------
def label_of(parse: Dict) -> str:
    intent = (parse.get("intent") or {}).get("name") or ""
    if intent == RETRIEVAL_INTENT:
        chosen = chosen_answer(parse.get("response_selector"))
        return chosen.key if chosen else intent
    return intent


def predict(model_path: Path, texts: Sequence[str]) -> Tuple[List[str], List[float]]:
    """Labels for ``texts`` and the parse time of each (seconds)."""
    return Parser(model_path)(texts)


class Parser:
    """A trained model loaded once, labelling lists of texts."""

    def __init__(self, model_path: Path) -> None:
        import logging

        from rasa.core.agent import Agent
        from rasa.utils.log_utils import configure_structlog

        configure_structlog(logging.WARNING)  # unconfigured, structlog prints every debug line
        self.agent = Agent.load(str(model_path))

    def __call__(self, texts: Sequence[str]) -> Tuple[List[str], List[float]]:
        """Labels for ``texts`` and the parse time of each (seconds)."""
        async def run() -> Tuple[List[str], List[float]]:
            labels, seconds = [], []
            for text in texts:
                started = time.perf_counter()
                parse = await self.agent.parse_message(text)
                seconds.append(time.perf_counter() - started)
                labels.append(label_of(parse))
            return labels, seconds

        return asyncio.run(run())


@dataclass
class Scores:
    accuracy: float
    in_scope_accuracy: float
    oos_rejection: float
    fallback_rate: float
    errors: List[Tuple[str, str, str]]


def score(examples: Sequence[Example], texts: Sequence[str], labels: Sequence[str]) -> Scores:
    right = in_scope = in_scope_right = oos = oos_rejected = fallbacks = 0
    errors = []
    for example, text, label in zip(examples, texts, labels):
        if example.label == OUT_OF_SCOPE:
            oos += 1
            ok = label in REJECTIONS
            oos_rejected += ok
        else:
            in_scope += 1
            ok = label == example.label
            in_scope_right += ok
            fallbacks += label == FALLBACK
        right += ok
        if not ok:
            errors.append((text, example.label, label))
    return Scores(
        accuracy=right / len(examples),
        in_scope_accuracy=in_scope_right / max(in_scope, 1),
        oos_rejection=oos_rejected / max(oos, 1),
        fallback_rate=fallbacks / max(in_scope, 1),
        errors=errors,
    )


def evaluate(model_path: Path, examples: Sequence[Example]) -> Tuple[Dict[str, Scores], float]:
    """Scores per slice and the median parse latency (seconds) over all parses."""
    texts_by_slice = {name: [make(e.text) for e in examples] for name, make in SLICES.items()}
    all_texts = [t for texts in texts_by_slice.values() for t in texts]
    labels, seconds = predict(model_path, all_texts)
    results, offset = {}, 0
    for name, texts in texts_by_slice.items():
        results[name] = score(examples, texts, labels[offset : offset + len(texts)])
        offset += len(texts)
    return results, statistics.median(seconds)
