"""A customer who says they are on Plus na Kartę or Plus/Plush Mix gets the refusal at once.

Plus Kod does not exist for prepaid offers, so "Mam Plus na Kartę, jak dostać Plus Kod?" or
"jestem w Mixie, chcę się zweryfikować" must not be answered by the FAQ or start a form,
whatever intent the message was classified as. Rules cannot say "any intent", so this policy
looks at the entities of the latest message: when an ``offer_type`` entity with a prepaid value
was extracted in this very turn, it predicts the refusal with full confidence and a priority
above RulePolicy, then listens. It abstains while a form is active (the form's own phone-number
check refuses prepaid numbers) and on every other turn.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.core.constants import RULE_POLICY_PRIORITY
from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from pluskod.core.names import OFFER_ENTITY, PREPAID_OFFERS, PREPAID_REFUSAL


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class DeclaredPrepaidPolicy(Policy):
    """Predicts ``action`` right after a message declaring a prepaid offer."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"priority": RULE_POLICY_PRIORITY + 1, "entity": OFFER_ENTITY,
                "values": list(PREPAID_OFFERS), "action": PREPAID_REFUSAL}

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain,
              **kwargs: Any) -> Resource:
        return self._resource  # nothing to learn: the behaviour is the configuration

    def declares_prepaid(self, tracker: DialogueStateTracker) -> bool:
        entities = tracker.latest_message.entities if tracker.latest_message else []
        return any(entity.get("entity") == self.config["entity"]
                   and entity.get("value") in self.config["values"] for entity in entities)

    def predict_action_probabilities(self, tracker: DialogueStateTracker, domain: Domain,
                                     rule_only_data: Optional[Dict[Text, Any]] = None,
                                     **kwargs: Any) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        action: Optional[Text] = None
        if not tracker.active_loop_name:
            latest = tracker.latest_action_name
            if latest == ACTION_LISTEN_NAME and self.declares_prepaid(tracker):
                action = self.config["action"]
            elif latest == self.config["action"]:
                action = ACTION_LISTEN_NAME
        if action is not None:
            probabilities[domain.index_for_action(action)] = 1.0
        return self._prediction(probabilities)
