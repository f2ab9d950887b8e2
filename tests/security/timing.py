"""Statistics for the timing test: medians and a bootstrap confidence interval of their
difference, and the table the test prints.

An equivalence test (two one-sided tests, by confidence interval): two kinds of request take
"the same time" when the whole 95% interval of the difference of their medians lies within
``±margin``. A difference that is real but smaller than the noise can resolve fails too - the
test then asks for more samples rather than passing blindly - so the interval's width is part of
what is checked.
"""

from __future__ import annotations

import random
import statistics
from dataclasses import dataclass
from typing import Dict, Sequence


@dataclass(frozen=True)
class Difference:
    """``median(a) - median(b)`` and its bootstrap interval, in the samples' unit."""

    estimate: float
    low: float
    high: float

    def within(self, margin: float) -> bool:
        return -margin <= self.low and self.high <= margin


def median_difference(a: Sequence[float], b: Sequence[float], resamples: int = 4000,
                      confidence: float = 0.95, seed: int = 20261202) -> Difference:
    if len(a) < 10 or len(b) < 10:
        raise ValueError("need at least 10 samples of each kind")
    rng = random.Random(seed)
    draws = sorted(statistics.median(rng.choices(a, k=len(a))) -
                   statistics.median(rng.choices(b, k=len(b))) for _ in range(resamples))
    tail = (1 - confidence) / 2
    return Difference(statistics.median(a) - statistics.median(b),
                      draws[int(tail * resamples)], draws[int((1 - tail) * resamples) - 1])


def table(samples: Dict[str, Sequence[float]], baseline: str, margin: float) -> str:
    """Medians in ms, and each kind against ``baseline``: difference, its 95% interval, ratio."""
    base = statistics.median(samples[baseline])
    lines = [f"| kind | n | median (ms) | difference vs {baseline} (ms) | 95% interval | ratio |",
             "|---|---:|---:|---:|---:|---:|"]
    for kind, values in samples.items():
        median = statistics.median(values)
        if kind == baseline:
            lines.append(f"| {kind} | {len(values)} | {median:.1f} | - | - | 1.000 |")
            continue
        d = median_difference(values, samples[baseline])
        lines.append(f"| {kind} | {len(values)} | {median:.1f} | {d.estimate:+.1f} | "
                     f"[{d.low:+.1f}, {d.high:+.1f}] | {median / base:.3f} |")
    lines.append(f"equivalence margin: ±{margin:.1f} ms")
    return "\n".join(lines)
