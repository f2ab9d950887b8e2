"""DeclaredPrepaidPolicy on real trackers and the project's own domain."""

import pytest
from rasa.core.constants import RULE_POLICY_PRIORITY
from rasa.core.policies.ensemble import DefaultPolicyPredictionEnsemble
from rasa.core.policies.policy import PolicyPrediction
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from pluskod.policies import DeclaredPrepaidPolicy


@pytest.fixture(scope="module")
def domain(root):
    return Domain.load(str(root / "domain.yml"))


@pytest.fixture
def policy(tmp_path):
    return DeclaredPrepaidPolicy.create(
        DeclaredPrepaidPolicy.get_default_config(), LocalModelStorage(tmp_path),
        Resource("declared_prepaid"), ExecutionContext(GraphSchema({}), "test"))


def conversation(domain, intent, offer=None, *after):
    entities = [{"entity": "offer_type", "value": offer, "start": 0, "end": 3}] if offer else []
    events = [ActionExecuted("action_listen"),
              UserUttered("…", {"name": intent, "confidence": 0.9}, entities), *after]
    return DialogueStateTracker.from_events("p", events, domain.slots)


def predicted(policy, domain, tracker):
    prediction = policy.predict_action_probabilities(tracker, domain)
    if prediction.max_confidence == 0:
        return None
    return domain.action_names_or_texts[prediction.max_confidence_index]


@pytest.mark.parametrize("intent", ["faq", "verify_code", "activate_code", "greet", "inform",
                                    "nlu_fallback", "out_of_scope"])
@pytest.mark.parametrize("offer", ["na_karte", "mix"])
def test_a_declared_prepaid_offer_is_refused_whatever_the_intent(policy, domain, intent, offer):
    assert predicted(policy, domain, conversation(domain, intent, offer)) == \
        "utter_prepaid_not_available"


def test_after_the_refusal_the_assistant_listens(policy, domain):
    tracker = conversation(domain, "verify_code", "mix",
                           ActionExecuted("utter_prepaid_not_available"))
    assert predicted(policy, domain, tracker) == "action_listen"


@pytest.mark.parametrize("offer", [None, "abonament"])
def test_other_messages_are_left_to_the_other_policies(policy, domain, offer):
    assert predicted(policy, domain, conversation(domain, "faq", offer)) is None


def test_it_abstains_while_a_form_runs(policy, domain):
    tracker = conversation(domain, "inform", "na_karte")
    tracker.update(ActiveLoop("verification_form"))
    assert predicted(policy, domain, tracker) is None


def test_it_outranks_a_rule_that_would_start_a_form(policy, domain):
    """A rule predicts with full confidence too; the higher priority decides the tie."""
    rule = PolicyPrediction.for_action_name(domain, "verification_form", "RulePolicy")
    rule.policy_priority = RULE_POLICY_PRIORITY
    ours = policy.predict_action_probabilities(conversation(domain, "verify_code", "mix"), domain)
    best = DefaultPolicyPredictionEnsemble._pick_best_policy([rule, ours])
    assert best.policy_name == "DeclaredPrepaidPolicy"
