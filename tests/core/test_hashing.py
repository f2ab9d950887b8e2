import pytest

from pluskod.core.hashing import CodeHasher

PEPPER = b"p" * 64


@pytest.fixture(scope="module")
def hasher():
    return CodeHasher(PEPPER, time_cost=1, memory_cost=8192)


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


def test_a_version_changes_with_every_new_hash_and_hides_the_code(hasher):
    first, second = hasher.hash("kod5", "B", "55120"), hasher.hash("kod5", "B", "55120")
    assert hasher.version(first) == hasher.version(first)
    assert hasher.version(first) != hasher.version(second)
    other = CodeHasher(b"q" * 64, time_cost=1, memory_cost=8192)
    assert other.version(first) != hasher.version(first)     # keyed with the pepper
    assert len(hasher.version(first)) == 24 and "55120" not in hasher.version(first)
