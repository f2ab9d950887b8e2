"""A compact Polish lemma table with one-letter typo correction.

Keys and lemmas are stored *folded* (see :mod:`pluskod.core.folding`), so ``zapomnialem``
and ``zapomniałem`` find the same entry. The table is small (the inflections of the lemmas the
training data uses) and loads in a fraction of a second, unlike the full PoliMorf tables.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Set

from pluskod.core.folding import fold

FORMAT_VERSION = 1


def _deletes(word: str) -> Set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def within_one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by at most one insertion, deletion, substitution or
    swap of two neighbouring letters (optimal string alignment distance <= 1)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    shorter, longer = (a, b) if la < lb else (b, a)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


@dataclass
class LemmaTable:
    """Folded form -> folded lemma, plus the frequency of each form in the training data
    (used to break ties when correcting a typo)."""

    lemmas: Dict[str, str]
    frequencies: Dict[str, int] = field(default_factory=dict)
    min_typo_length: int = 5
    _deletes_index: Optional[Dict[str, List[str]]] = field(default=None, repr=False)

    def lemma(self, form: str) -> Optional[str]:
        """The lemma of a lower-case ``form`` (folded or not), or ``None`` when unknown."""
        return self.lemmas.get(fold(form))

    def correct(self, form: str) -> Optional[str]:
        """The known form one edit away from an unknown ``form``, preferring forms seen in
        training; ``None`` when there is none or the word is too short to trust a guess."""
        key = fold(form)
        if key in self.lemmas or len(key) < self.min_typo_length:
            return None
        index = self._index()
        candidates = set(index.get(key, ()))
        for deleted in _deletes(key):
            candidates.update(index.get(deleted, ()))
        close = [c for c in candidates if within_one_edit(key, c)]
        if not close:
            return None
        return max(close, key=lambda c: (self.frequencies.get(c, 0), -len(c), c))

    def _index(self) -> Dict[str, List[str]]:
        if self._deletes_index is None:
            index: Dict[str, List[str]] = defaultdict(list)
            for known in self.lemmas:
                if len(known) < self.min_typo_length - 1:
                    continue
                index[known].append(known)
                for deleted in _deletes(known):
                    index[deleted].append(known)
            self._deletes_index = dict(index)
        return self._deletes_index

    # serialisation --------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        return json.dumps(
            {
                "format": FORMAT_VERSION,
                "min_typo_length": self.min_typo_length,
                "lemmas": self.lemmas,
                "frequencies": self.frequencies,
            },
            ensure_ascii=False,
            sort_keys=True,
        ).encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> "LemmaTable":
        payload = json.loads(data.decode("utf-8"))
        if payload.get("format") != FORMAT_VERSION:
            raise ValueError(
                f"Unsupported lemma table format {payload.get('format')!r}; "
                f"rebuild the spaCy pipeline with `make install`."
            )
        return cls(
            lemmas=payload["lemmas"],
            frequencies=payload.get("frequencies", {}),
            min_typo_length=payload.get("min_typo_length", 5),
        )


# building -----------------------------------------------------------------------------
_POS_PREFERENCE = ("verb", "noun", "adj", "adv", "num", "pron", "adp", "aux", "part")


def build_lemma_table(
    vocabulary: Dict[str, int],
    lookups: Dict[str, Dict[str, str]],
    overrides: Optional[Dict[str, str]] = None,
) -> LemmaTable:
    """Build the compact table.

    Args:
        vocabulary: lower-case surface forms of the training data with their counts.
        lookups: PoliMorf tables per part of speech (form -> lemma), e.g. from
            :func:`pluskod.language.polimorf.load_polimorf`.
        overrides: folded form -> lemma for domain words the dictionary gets wrong
            (``kodzie`` is ``kod`` here, not ``koda``).

    Every lemma that a training word may have is kept with *all* its inflected forms, so a
    form never seen in training (``kodem``) still meets its lemma. A form shared by several
    lemmas goes to the lemma with the most support in the training vocabulary.
    """
    overrides = {fold(k.lower()): fold(v.lower()) for k, v in (overrides or {}).items()}
    lemma_sets = {pos: set(table.values()) for pos, table in lookups.items()}

    def direct_candidates(form: str) -> Set[tuple]:
        found = {(table[form], pos) for pos, table in lookups.items() if form in table}
        found |= {(form, pos) for pos, lemmas in lemma_sets.items() if form in lemmas}
        return found

    # forms typed without Polish letters: find their spellings with diacritics
    unresolved = {fold(w) for w in vocabulary if not direct_candidates(w)}
    spelled: Dict[str, Set[str]] = defaultdict(set)
    if unresolved:
        for table in lookups.values():
            for form in table:
                key = fold(form)
                if key in unresolved:
                    spelled[key].add(form)
            for lemma in set(table.values()):
                key = fold(lemma)
                if key in unresolved:
                    spelled[key].add(lemma)

    support: Dict[tuple, int] = defaultdict(int)
    for word in vocabulary:
        candidates = direct_candidates(word)
        if not candidates:
            for spelling in spelled.get(fold(word), ()):
                candidates |= direct_candidates(spelling)
        for candidate in candidates:
            support[candidate] += 1

    wanted = {lemma for lemma, _ in support}
    forms_of: Dict[str, Set[tuple]] = defaultdict(set)
    for pos, table in lookups.items():
        for form, lemma in table.items():
            if lemma in wanted:
                forms_of[form].add((lemma, pos))
    for lemma, pos in support:
        forms_of[lemma].add((lemma, pos))

    lemma_support: Dict[str, int] = defaultdict(int)
    for (lemma, _), count in support.items():
        lemma_support[lemma] += count

    def rank(candidate: tuple) -> tuple:
        lemma, pos = candidate
        pos_rank = _POS_PREFERENCE.index(pos) if pos in _POS_PREFERENCE else 99
        return (-lemma_support[lemma], pos_rank, lemma)

    lemmas: Dict[str, str] = {}
    best_rank: Dict[str, tuple] = {}
    for form, candidates in forms_of.items():
        key = fold(form)
        best = min(candidates, key=rank)
        if key not in best_rank or rank(best) < best_rank[key]:
            best_rank[key] = rank(best)
            lemmas[key] = fold(best[0])
    lemmas.update(overrides)

    frequencies: Dict[str, int] = defaultdict(int)
    for word, count in vocabulary.items():
        frequencies[fold(word)] += count
    return LemmaTable(lemmas=dict(sorted(lemmas.items())), frequencies=dict(frequencies))


def count_words(texts: Iterable[Iterable[str]]) -> Dict[str, int]:
    """Count lower-case alphabetic tokens (token lists -> vocabulary for the builder)."""
    counts: Dict[str, int] = defaultdict(int)
    for tokens in texts:
        for token in tokens:
            word = token.lower()
            if word.isalpha():
                counts[word] += 1
    return dict(counts)
