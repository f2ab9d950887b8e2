"""Bearer tokens of the HTTP API: roles, expiry, and every forgery we could think of."""

import base64
import json

import jwt
import pytest

from pluskod.core.tokens import ADMIN, INTEGRATION, ApiTokens, TokenError, bearer
from tests.conftest import EpochClock

SECRET = b"s" * 40


@pytest.fixture
def clock():
    return EpochClock(2000000000.0)


@pytest.fixture
def tokens(clock):
    return ApiTokens(SECRET, clock=clock)


def refused(tokens, headers, roles=(ADMIN,)):
    with pytest.raises(TokenError) as error:
        tokens.check(headers, roles)
    return error.value.status, str(error.value)


def test_an_issued_token_is_accepted_for_its_roles(tokens):
    claims = tokens.check(bearer(tokens.issue(ADMIN, 5, "anna")), (ADMIN,))
    assert (claims.username, claims.role) == ("anna", ADMIN)
    token = tokens.issue(INTEGRATION, 5)
    assert tokens.check(bearer(token), (ADMIN, INTEGRATION)).role == INTEGRATION
    assert refused(tokens, bearer(token), (ADMIN,)) == (403, "forbidden")


def test_the_payload_is_the_shape_rasa_reads(tokens):
    payload = jwt.decode(tokens.issue(ADMIN, 5, "anna"), SECRET, algorithms=["HS256"],
                         options={"verify_exp": False, "verify_iat": False})
    assert payload["user"] == {"username": "anna", "role": "admin"}


def test_an_expired_token_is_refused(tokens, clock):
    token = tokens.issue(ADMIN, 1)
    clock.now += 61
    assert refused(tokens, bearer(token)) == (401, "token expired")


def b64(data):
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": ""}, {"Authorization": "Bearer"}, {"Authorization": "Basic abc"},
    {"Authorization": "Bearer not-a-token"},
    bearer(jwt.encode({"user": {"role": "admin"}, "iat": 1, "exp": 4e9},
                      "a-guessed-secret-of-32-characters", algorithm="HS256")),
    bearer(jwt.encode({"user": {"role": "admin"}, "exp": 4e9}, SECRET, algorithm="HS256")),
    bearer(jwt.encode({"user": {"role": "admin"}, "iat": 1}, SECRET, algorithm="HS256")),
    bearer(jwt.encode({"user": "admin", "iat": 1, "exp": 4e9}, SECRET, algorithm="HS256")),
    bearer(f"{b64({'alg': 'none'})}.{b64({'user': {'role': 'admin'}, 'iat': 1, 'exp': 4e9})}."),
    bearer(jwt.encode({"user": {"role": "admin"}, "iat": 1, "exp": 4e9}, SECRET,
                      algorithm="HS512")),
])
def test_forged_missing_or_malformed_tokens_are_refused(tokens, headers):
    assert refused(tokens, headers)[0] == 401


def test_rasas_user_role_is_never_enough(tokens, clock):
    token = jwt.encode({"user": {"username": "web-x", "role": "user"}, "iat": int(clock.now),
                        "exp": int(clock.now) + 60}, SECRET, algorithm="HS256")
    assert refused(tokens, bearer(token), (ADMIN, INTEGRATION)) == (403, "forbidden")


def test_a_token_that_lives_longer_than_a_year_is_refused(tokens, clock):
    forever = jwt.encode({"user": {"role": "admin"}, "iat": int(clock.now),
                          "exp": int(clock.now) + 367 * 24 * 3600}, SECRET, algorithm="HS256")
    assert refused(tokens, bearer(forever)) == (401, "invalid token")
    huge = jwt.encode({"user": {"role": "admin"}, "iat": 1, "exp": 10**20}, SECRET,
                      algorithm="HS256")
    assert refused(tokens, bearer(huge)) == (401, "invalid token")


def test_tokens_must_expire_and_have_a_known_role_and_a_plain_name(tokens):
    with pytest.raises(ValueError, match="must expire"):
        tokens.issue(ADMIN, 0)
    with pytest.raises(ValueError, match="must expire"):
        tokens.issue(ADMIN, 367 * 24 * 60)
    for name in ("", "a b", "rest:crm", "x" * 33, "-x"):
        with pytest.raises(ValueError, match="the name must be"):
            tokens.issue(INTEGRATION, 5, username=name)
    with pytest.raises(ValueError, match="role must be one of"):
        tokens.issue("user", 5)
    with pytest.raises(ValueError, match="at least 32"):
        ApiTokens(b"short")
