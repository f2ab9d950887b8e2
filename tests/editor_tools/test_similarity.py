"""Near copies of training examples: found through shared keys, never between different
questions."""

import pytest

from editor_tools.check_content import sentence_key
from editor_tools.similarity import near_pairs


def pairs(*sentences):
    return [(a, b) for a, b in near_pairs((sentence_key(s), s) for s in sentences)]


@pytest.mark.parametrize("a,b", [
    ("Jak aktywować Plus Kod?", "jak aktywowac plus kod"),
    ("Jak aktywować Plus Kod?", "plus kod jak aktywować"),
    ("Jak aktywować Plus Kod?", "Jak aktywować PlusKod"),
    ("Jak aktywować Plus Kod?", "Jak aktywowć Plus Kod"),
    ("Jak aktywować Plus Kod?", "Jak aktywowaść Plus Kod"),
    ("Jak aktywować Plus Kod?", "Jak aktywowac Plus Kod"),
])
def test_near_copies_are_paired(a, b):
    assert pairs(a, b) == [(a, b)]


@pytest.mark.parametrize("a,b", [
    ("co to jest plus kod 4", "co to jest plus kod 5"),
    ("jak uzyskac plus kod", "jak odzyskac plus kod"),
    ("dobry", "dobra"),
    ("Jak aktywować Plus Kod?", "Jak aktywować nowy Plus Kod?"),
])
def test_different_questions_are_not(a, b):
    assert pairs(a, b) == []


def test_each_pair_once_in_order():
    assert pairs("a b c", "c b a", "b a c") == [("a b c", "c b a"), ("a b c", "b a c"),
                                                ("c b a", "b a c")]
