import os
import stat

import pytest

from actions.security import (CodeHasher, format_phone, load_pepper, normalize_phone,
                              weak_code_reason)

PEPPER = b"p" * 64


@pytest.fixture(scope="module")
def hasher():
    return CodeHasher(PEPPER, time_cost=1, memory_cost=8192)


@pytest.mark.parametrize("text", ["600100200", "600 100 200", "600-100-200", "+48 600 100 200",
                                  "0048600100200", " +48600100200 ", "0048 600-100-200"])
def test_every_accepted_phone_format_normalises(text):
    assert normalize_phone(text) == "600100200"


@pytest.mark.parametrize("text", ["", None, "60010020", "6001002000", "600 100 20a",
                                  "+49 600 100 200", "600.100.200", "48 600 100 200",
                                  "600100200; DROP TABLE"])
def test_anything_else_is_not_a_phone_number(text):
    assert normalize_phone(text) is None


def test_format_phone():
    assert format_phone("600100200") == "600 100 200"


@pytest.mark.parametrize("code, reason", [
    ("1234", "not_five_digits"), ("123456", "not_five_digits"), ("12a45", "not_five_digits"),
    ("55120", "same_as_current"), ("77777", "repeated_digit"), ("12345", "sequence"),
    ("98765", "sequence"), ("45678", "sequence"), ("20030", "part_of_phone_number"),
    ("00200", "part_of_phone_number"), ("31894", None), ("12354", None),
])
def test_weak_code_rules(code, reason):
    assert weak_code_reason(code, phone="600200300", current="55120") == reason


def test_hashes_are_salted_and_verify_only_their_own_code(hasher):
    first = hasher.hash("kod5", "account-B", "55120")
    second = hasher.hash("kod5", "account-B", "55120")
    assert first != second                       # random salt
    assert "55120" not in first and first.startswith("$argon2id$")
    assert hasher.verify(first, "kod5", "account-B", "55120")
    assert not hasher.verify(first, "kod5", "account-B", "55121")


def test_a_hash_is_bound_to_its_subject_and_purpose(hasher):
    stored = hasher.hash("kod4", "600100200", "7391")
    assert not hasher.verify(stored, "kod4", "600100201", "7391")
    assert not hasher.verify(stored, "kod5", "600100200", "7391")


def test_a_different_pepper_does_not_verify(hasher):
    stored = hasher.hash("kod4", "600100200", "7391")
    other = CodeHasher(b"q" * 64, time_cost=1, memory_cost=8192)
    assert not other.verify(stored, "kod4", "600100200", "7391")


def test_a_missing_or_broken_hash_never_verifies(hasher):
    assert not hasher.verify(None, "kod4", "600300400", "0000")
    assert not hasher.verify("not a hash", "kod4", "600300400", "0000")


def test_the_pepper_file_is_created_once_private_and_reused(tmp_path):
    path = tmp_path / "secrets" / "pepper"
    env = {"PLUSKOD_PEPPER_FILE": str(path)}
    first = load_pepper(env)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_pepper(env) == first and len(first) >= 32


def test_the_pepper_from_the_environment_wins_and_must_be_long(tmp_path):
    env = {"PLUSKOD_PEPPER": "x" * 40, "PLUSKOD_PEPPER_FILE": str(tmp_path / "unused")}
    assert load_pepper(env) == b"x" * 40
    assert not (tmp_path / "unused").exists()
    with pytest.raises(RuntimeError, match="at least 32"):
        load_pepper({"PLUSKOD_PEPPER": "short"})


def test_no_pepper_is_an_error_when_creating_is_not_allowed(tmp_path):
    with pytest.raises(RuntimeError, match="No pepper"):
        load_pepper({"PLUSKOD_PEPPER_FILE": str(tmp_path / "missing")}, create=False)
