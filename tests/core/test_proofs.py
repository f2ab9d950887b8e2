"""Sealed proofs: bound to conversation, session, number, scope and version; expiring."""

from datetime import timedelta

import jwt
import pytest

from pluskod.core.hashing import CodeHasher
from pluskod.core.proofs import ACCOUNT, CHANGE, NUMBER, TEMPORARY, ProofSealer
from pluskod.core.secrets import derive_key
from tests.conftest import FAST_HASHER, EpochClock


@pytest.fixture
def clock():
    return EpochClock(1000000.0)


@pytest.fixture
def sealer(clock):
    return ProofSealer(FAST_HASHER, idle=timedelta(minutes=10), clock=clock)


def seal(sealer, **changes):
    claims = dict(sender_id="web-abc", session=123.5, msisdn="600100200", scope=ACCOUNT,
                  version="v" * 24)
    claims.update(changes)
    return sealer.seal(**claims)


def test_a_proof_opens_in_its_own_conversation_and_session(sealer):
    proof = sealer.open(seal(sealer), sender_id="web-abc", session=123.5)
    assert (proof.msisdn, proof.scope, proof.version) == ("600100200", ACCOUNT, "v" * 24)


@pytest.mark.parametrize("sender, session", [("web-other", 123.5), ("web-abc", 999.0)])
def test_a_proof_copied_to_another_conversation_or_session_is_void(sealer, sender, session):
    assert sealer.open(seal(sealer), sender_id=sender, session=session) is None


def test_a_proof_of_one_scope_does_not_open_for_another(sealer):
    token = seal(sealer, scope=NUMBER)
    assert sealer.open(token, sender_id="web-abc", session=123.5, scopes=(ACCOUNT,)) is None
    assert sealer.open(token, sender_id="web-abc", session=123.5, scopes=(NUMBER,)) is not None


def test_a_proof_expires_when_idle_and_renewing_extends_it(sealer, clock):
    token = seal(sealer)
    clock.now += 9 * 60
    proof = sealer.open(token, sender_id="web-abc", session=123.5)
    renewed = sealer.renewed(proof, "web-abc")
    clock.now += 2 * 60
    assert sealer.open(token, sender_id="web-abc", session=123.5) is None
    assert sealer.open(renewed, sender_id="web-abc", session=123.5) is not None


@pytest.mark.parametrize("forged", [
    None, "", "true", "not.a.token", 42,
    jwt.encode({"n": "600100200", "sc": "account", "v": "x", "c": "y", "s": 123.5,
                "exp": 2e9}, "guess", algorithm="HS256"),
    jwt.encode({"n": "600100200", "sc": "account"}, "", algorithm="none"),
])
def test_anything_but_a_proof_this_server_sealed_is_void(sealer, forged):
    assert sealer.open(forged, sender_id="web-abc", session=123.5) is None


def test_a_proof_sealed_with_another_pepper_is_void(clock):
    other = ProofSealer(CodeHasher(b"o" * 64, time_cost=1, memory_cost=8192), clock=clock)
    mine = ProofSealer(FAST_HASHER, clock=clock)
    assert mine.open(seal(other), sender_id="web-abc", session=123.5) is None


def test_a_changed_claim_breaks_the_seal(sealer):
    token = seal(sealer, msisdn="600100200")
    header, payload, signature = token.split(".")
    claims = jwt.decode(token, options={"verify_signature": False})
    claims["n"] = "600200300"
    forged_payload = jwt.encode(claims, "x", algorithm="HS256").split(".")[1]
    assert sealer.open(f"{header}.{forged_payload}.{signature}", sender_id="web-abc",
                       session=123.5) is None


def test_a_temporary_proof_knows_the_typed_code_without_holding_it(sealer):
    token = seal(sealer, scope=TEMPORARY, typed_code="55120")
    assert "55120" not in jwt.decode(token, options={"verify_signature": False}).__repr__()
    proof = sealer.open(token, sender_id="web-abc", session=123.5, scopes=(TEMPORARY,))
    assert sealer.is_proven_code(proof, "55120") and not sealer.is_proven_code(proof, "55121")
    renewed = sealer.open(sealer.renewed(proof, "web-abc"), sender_id="web-abc", session=123.5)
    assert sealer.is_proven_code(renewed, "55120")
    account = sealer.open(seal(sealer), sender_id="web-abc", session=123.5)
    assert not sealer.is_proven_code(account, "55120")
    with pytest.raises(ValueError, match="exactly when"):
        seal(sealer, scope=TEMPORARY)


def test_a_change_proof_carries_the_code_a_verification_proof_never_does(sealer):
    """A change of the account's Kod 5 refuses the code it starts from; a verification proof
    lives the whole conversation and holds no trace of the code."""
    token = seal(sealer, scope=CHANGE, typed_code="48213")
    assert sealer.open(token, sender_id="web-abc", session=123.5, scopes=(ACCOUNT,)) is None
    proof = sealer.open(token, sender_id="web-abc", session=123.5, scopes=(CHANGE,))
    assert sealer.is_proven_code(proof, "48213") and not sealer.is_proven_code(proof, "48214")
    assert "48213" not in repr(jwt.decode(token, options={"verify_signature": False}))
    other = sealer.open(seal(sealer, scope=CHANGE, sender_id="web-other", typed_code="48213"),
                        sender_id="web-other", session=123.5)
    assert proof.typed != other.typed        # bound to the conversation, not a global hash
    for scope in (ACCOUNT, NUMBER):
        with pytest.raises(ValueError, match="exactly when"):
            seal(sealer, scope=scope, typed_code="48213")
    with pytest.raises(ValueError, match="exactly when"):
        seal(sealer, scope=CHANGE)
    assert sealer.open(seal(sealer), sender_id="web-abc", session=123.5,
                       scopes=(CHANGE,)) is None        # a verification is no change proof


def test_the_proof_key_is_derived_from_the_pepper_not_the_pepper_itself(sealer):
    token = seal(sealer)
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, FAST_HASHER.pepper, algorithms=["HS256"])
    assert jwt.decode(token, derive_key(FAST_HASHER.pepper, "proofs"), algorithms=["HS256"],
                      options={"verify_exp": False})["n"] == "600100200"
