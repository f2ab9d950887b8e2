"""The HTTP guard's decisions, without a server (the e2e and security tests run it for real)."""

import pytest

from pluskod.channels.http_guard import (
    ADMIN,
    INTEGRATION,
    PUBLIC,
    GuardedBlueprint,
    HttpGuard,
)
from pluskod.core.clients import ClientPseudonyms
from pluskod.core.hosts import allowed_hosts_from_env, host_name
from pluskod.core.tokens import ApiTokens, bearer

SECRET = b"s" * 40


@pytest.fixture
def guard():
    guard = HttpGuard(tokens=ApiTokens(SECRET), allowed_hosts=frozenset({"127.0.0.1", "localhost"}),
                      pseudonyms=ClientPseudonyms(b"k" * 32))
    guard.access.update({"pluskod_web": PUBLIC, "pluskod_rest": INTEGRATION})
    return guard


def token(role):
    return bearer(ApiTokens(SECRET).issue(role, 5))


@pytest.mark.parametrize("header, name", [
    ("127.0.0.1:5005", "127.0.0.1"), ("[::1]:5005", "::1"), ("LocalHost.", "localhost"),
    ("example.org", "example.org"), ("", None), (None, None), ("::1", "::1"),
])
def test_host_names(header, name):
    assert host_name(header) == name


@pytest.mark.parametrize("host", ["attacker.example", "127.0.0.1.nip.io", "", None,
                                  "localhost.attacker.example", "127.0.0.2:5005"])
def test_a_foreign_host_is_refused_before_anything_even_with_a_token(guard, host):
    for blueprint in ("pluskod_web", "pluskod_rest", None):
        assert guard.refusal(host, blueprint, token(ADMIN))[0] == (403, "host not allowed")


@pytest.mark.parametrize("blueprint, headers, expected", [
    ("pluskod_web", {}, None),
    ("pluskod_rest", {}, (401, "authentication required")),
    ("pluskod_rest", token(INTEGRATION), None),
    ("pluskod_rest", token(ADMIN), None),
    (None, {}, (401, "authentication required")),                     # Rasa's API, /, /version
    (None, token(INTEGRATION), (403, "forbidden")),
    (None, token(ADMIN), None),
    ("some_other_blueprint", token(INTEGRATION), (403, "forbidden")),  # unknown: the API's rule
])
def test_access_by_the_blueprint_of_the_matched_route(guard, blueprint, headers, expected):
    assert guard.refusal("127.0.0.1:5005", blueprint, headers)[0] == expected


def test_allowed_hosts_from_the_environment():
    assert allowed_hosts_from_env({}) == {"127.0.0.1", "localhost", "::1"}
    assert allowed_hosts_from_env({"PLUSKOD_HOST": "10.0.0.5"}) == \
        {"127.0.0.1", "localhost", "::1", "10.0.0.5"}
    assert allowed_hosts_from_env({"PLUSKOD_HOST": "0.0.0.0"}) == {"127.0.0.1", "localhost", "::1"}
    assert allowed_hosts_from_env({"PLUSKOD_ALLOWED_HOSTS": "pomoc.plus.pl, Chat.Plus.pl:443"}) \
        == {"pomoc.plus.pl", "chat.plus.pl"}
    with pytest.raises(ValueError, match="'\\*' is not allowed"):
        allowed_hosts_from_env({"PLUSKOD_ALLOWED_HOSTS": "*"})


def test_the_guard_from_the_environment_uses_the_api_secret(tmp_path):
    env = {"PLUSKOD_JWT_SECRET_FILE": str(tmp_path / "jwt"), "PLUSKOD_MAX_REQUEST_BYTES": "2048",
           "PLUSKOD_TRUSTED_PROXIES": "10.0.0.0/8"}
    guard = HttpGuard.from_env(env)
    secret = (tmp_path / "jwt").read_text().strip().encode()
    assert guard.tokens.check(bearer(ApiTokens(secret).issue(ADMIN, 1)), (ADMIN,)).role == ADMIN
    assert guard.max_request_bytes == 2048 and len(guard.proxies) == 1
    with pytest.raises(ValueError, match="PLUSKOD_MAX_REQUEST_BYTES"):
        HttpGuard.from_env({**env, "PLUSKOD_MAX_REQUEST_BYTES": "lots"})


def test_a_blueprint_needs_a_known_access_level(guard):
    with pytest.raises(ValueError, match="access must be one of"):
        GuardedBlueprint("x", guard, "everyone")
