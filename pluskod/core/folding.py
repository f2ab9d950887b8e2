"""Folding of Polish letters to ASCII, one character for one character.

Customers often type without Polish letters (``aktywowac`` for ``aktywować``). Folding both
sides makes them equal. The map is explicit and length-preserving, so character offsets (and
entity spans) stay valid; ``unicodedata`` or sklearn's ``strip_accents`` would drop or keep
``ł``.
"""

_POLISH = "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ"
_ASCII = "acelnoszzACELNOSZZ"
_TABLE = str.maketrans(_POLISH, _ASCII)


def fold(text: str) -> str:
    """Return ``text`` with Polish diacritics replaced by their ASCII base letter."""
    return text.translate(_TABLE)
