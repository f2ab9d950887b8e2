import os
import stat

import pytest

from pluskod.core.secrets import API_SECRET, PEPPER, SecretError, SecretSource, derive_key


def test_a_secret_file_is_created_once_private_and_reused(tmp_path):
    path = tmp_path / "secrets" / "pepper"
    env = {"PLUSKOD_PEPPER_FILE": str(path)}
    first = PEPPER.load(env)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    assert PEPPER.load(env) == first and len(first) >= 32


def test_the_environment_wins_and_must_be_long(tmp_path):
    env = {"PLUSKOD_JWT_SECRET": "x" * 40, "PLUSKOD_JWT_SECRET_FILE": str(tmp_path / "unused")}
    assert API_SECRET.load(env) == b"x" * 40
    assert not (tmp_path / "unused").exists()
    with pytest.raises(SecretError, match="PLUSKOD_JWT_SECRET must be at least 32"):
        API_SECRET.load({"PLUSKOD_JWT_SECRET": "short"})


def test_no_secret_is_an_error_when_creating_is_not_allowed(tmp_path):
    with pytest.raises(SecretError, match="set PLUSKOD_PEPPER or create"):
        PEPPER.load({"PLUSKOD_PEPPER_FILE": str(tmp_path / "missing")}, create=False)


def test_a_short_file_is_refused_with_what_to_do(tmp_path):
    (tmp_path / "s").write_text("short\n")
    with pytest.raises(SecretError, match="too short.*delete it"):
        SecretSource("X", "X_FILE", tmp_path / "s").load({})


def test_secrets_have_their_own_files(tmp_path):
    assert PEPPER.default_file != API_SECRET.default_file


def test_derived_keys_differ_by_purpose_and_secret():
    keys = {derive_key(b"s" * 32, "a"), derive_key(b"s" * 32, "b"), derive_key(b"t" * 32, "a")}
    assert len(keys) == 3 and derive_key(b"s" * 32, "a") == derive_key(b"s" * 32, "a")
