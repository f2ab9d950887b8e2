"""When two training examples are "the same sentence, nearly": the conflicts the content check
warns about, and the grouping of the studio's inbox.

Two examples are near copies when their :func:`~editor_tools.check_content.sentence_key`
(case, Polish letters, punctuation and entity markup aside) holds the same words in any order,
the same letters with the spaces moved ("pluskod" / "plus kod"), or the same words but one with
a one-letter typo ("aktywowac" / "aktywowac"). A digit is never a typo: "kod 4" and "kod 5"
are different questions. Found through shared keys, not by comparing every pair, so the whole
project is checked in well under a second.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Dict, Iterable, Iterator, List, Set, Tuple, TypeVar

T = TypeVar("T")
#: words shorter than this take no typo (a one-letter change in "na" or "nie" changes the word)
MIN_TYPO_WORD = 6


def _variants(word: str) -> Set[str]:
    """The word and the word with each one letter left out: two words one edit apart share
    one of these (a symmetric-deletion index)."""
    if len(word) < MIN_TYPO_WORD or any(c.isdigit() for c in word):
        return {word}
    return {word} | {word[:i] + word[i + 1:] for i in range(len(word))}


def near_keys(key: str) -> Set[str]:
    """Keys that two near copies (as defined above) of a sentence key share: the sorted
    words, the words without spaces, and for each word each of its :func:`_variants` in
    its place."""
    words = key.split()
    if not words:
        return set()
    keys = {"w:" + " ".join(sorted(words)), "j:" + "".join(words)}
    for i, word in enumerate(words):
        for variant in _variants(word):
            keys.add(f"t{i}:" + " ".join(words[:i] + [variant + "\x00"] + words[i + 1:]))
    return keys


def near_pairs(items: Iterable[Tuple[str, T]]) -> Iterator[Tuple[T, T]]:
    """Each pair of items whose keys are near copies, once (the earlier item first)."""
    index: Dict[str, List[int]] = defaultdict(list)
    values: List[T] = []
    for key, value in items:
        position = len(values)
        values.append(value)
        found: Set[int] = set()
        for near in near_keys(key):
            found.update(index[near])
            index[near].append(position)
        for other in sorted(found):
            yield values[other], value
