import pytest

from pluskod.core.codes import digits_of, is_trivial, weak_code_reason
from pluskod.core.phones import (
    ascii_digits,
    find_phones,
    format_phone,
    mask_phones,
    parse_phone,
    phone_hint,
)


@pytest.mark.parametrize("text", [
    "600100200", "600 100 200", "600-100-200", "600.100.200", "+48 600 100 200",
    "0048600100200", " +48600100200 ", "0048 600-100-200", "(+48) 600 100 200",
    "600 - 100 - 200", "600\u00a0100\u00a0200", "６００１００２００", "600\u200b100200",
])
def test_every_accepted_phone_spelling_parses(text):
    assert parse_phone(text) == "600100200"


@pytest.mark.parametrize("text", [
    "", None, "60010020", "6001002000", "600 100 20a", "+49 600 100 200", "48 600 100 200",
    "600100200; DROP TABLE", "48213 7391", "4821 37391", "60 010 0200", "600 100 200 48213",
])
def test_anything_else_is_not_a_phone_number(text):
    """Two codes typed together make nine digits, but not in a phone number's groups."""
    assert parse_phone(text) is None


def test_a_phone_hint_shows_only_the_last_three_digits():
    assert phone_hint("600100200") == "*** *** 200"
    assert phone_hint(parse_phone("+48 601-102-601")) == "*** *** 601"


def test_format_phone():
    assert format_phone("600100200") == "600 100 200"


def test_digits_of_any_script_and_without_separators():
    assert digits_of("48 213") == digits_of("48-213") == digits_of("４８２１３") == "48213"
    assert digits_of("٤٨٢١٣") == "48213" and digits_of(None) == "" and digits_of("abc") == ""
    assert ascii_digits("x\u200b1") == "x1"


@pytest.mark.parametrize("code, reason", [
    ("1234", "not_five_digits"), ("123456", "not_five_digits"), ("12a45", "not_five_digits"),
    ("55120", "same_as_current"), ("77777", "repeated_digit"), ("12345", "sequence"),
    ("98765", "sequence"), ("45678", "sequence"), ("20030", "part_of_phone_number"),
    ("00200", "part_of_phone_number"), ("31894", None), ("12354", None),
])
def test_weak_code_rules(code, reason):
    assert weak_code_reason(code, ("600200300",), current="55120") == reason


def test_a_new_code_may_be_part_of_none_of_the_accounts_numbers():
    numbers = ("600100200", "600100201")
    assert weak_code_reason("00201", numbers) == "part_of_phone_number"
    assert weak_code_reason("00200", numbers) == "part_of_phone_number"
    assert weak_code_reason("00201", ("600100200",)) is None


def test_trivial_codes():
    assert [is_trivial(c) for c in ("1111", "0123", "3210", "1357", "48213")] == \
        [True, True, True, False, False]


@pytest.mark.parametrize("text,found", [
    ("mój numer to 600 100 200, a żony +48 601-102-603", ["600100200", "601102603"]),
    ("0048600100200 albo (+48) 600.100.201", ["600100200", "600100201"]),
    ("kod 48213 i numer ６００１００２００", ["600100200"]),
    ("konto 1234567890123 nie jest numerem", []),
    ("", []),
])
def test_phone_numbers_are_found_inside_text(text, found):
    assert find_phones(text) == found


@pytest.mark.parametrize("text,masked", [
    ("mój numer 600 100 200, żony +48 601-102-603", "mój numer *** *** 200, żony *** *** 603"),
    ("(+48) 600.100.201 i 0048600100202", "*** *** 201 i *** *** 202"),
    ("numer ６００１００２００", "numer *** *** 200"),
    ("konto 1234567890123 bez zmian", "konto 1234567890123 bez zmian"),
    ("kod 48213", "kod 48213"),
])
def test_phone_numbers_are_masked_in_any_spelling(text, masked):
    assert mask_phones(text) == masked
