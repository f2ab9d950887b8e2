"""The names that cross the system's boundaries, each defined here and nowhere else in code.

Rasa reads some of these names from YAML as well (``domain.yml``, ``config.yml``,
``endpoints.yml``, ``credentials.yml``); ``make check-content`` checks that those files agree
with this module (:mod:`editor_tools.agreement`), so a rename done in one place only is an
error with ``file:line``, not a silent change of behaviour.

What lives here: the FAQ's retrieval intent and how its answers are named and ranked, the
commands that buttons send (one grammar, one :func:`is_allowed_command`), the slots that hold
codes or sealed values, the offers and which of them are prepaid, and the default places of
the stores.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Tuple

# --- FAQ --------------------------------------------------------------------------------------
#: the intent whose examples are FAQ questions; each answer is ``faq/<topic>``
RETRIEVAL_INTENT = "faq"
#: the button-only intent that picks a FAQ topic: ``/choose_faq{"faq_topic": "<topic>"}``
CHOOSE_FAQ_INTENT = "choose_faq"
FAQ_TOPIC_ENTITY = "faq_topic"
HANDOFF_INTENT = "human_handoff"


def faq_response(topic: str) -> str:
    """The response (in ``data/faq/<topic>.yml``) that answers a FAQ topic."""
    return f"utter_{RETRIEVAL_INTENT}/{topic}"


def choose_faq_payload(topic: str) -> str:
    """The payload of a button that asks the FAQ question of ``topic``."""
    return "/%s%s" % (CHOOSE_FAQ_INTENT, json.dumps({FAQ_TOPIC_ENTITY: topic}))


@dataclass(frozen=True)
class RankedAnswer:
    """One FAQ answer the NLU considered: its key (``faq/<topic>``) and confidence."""

    key: str
    confidence: Optional[float]

    @property
    def topic(self) -> Optional[str]:
        prefix = RETRIEVAL_INTENT + "/"
        return self.key[len(prefix):] if self.key.startswith(prefix) else None


def _selector(response_selector: Optional[Mapping[str, Any]],
              retrieval_intent: str) -> Mapping[str, Any]:
    # A selector trained without a retrieval intent answers under "default", which is where
    # Rasa's own ActionRetrieveResponse looks too (the vanilla benchmark pipeline does that).
    selectors = response_selector or {}
    return selectors.get(retrieval_intent) or selectors.get("default") or {}


def chosen_answer(response_selector: Optional[Mapping[str, Any]],
                  retrieval_intent: str = RETRIEVAL_INTENT) -> Optional[RankedAnswer]:
    """The FAQ answer the NLU chose, from a parse result's ``response_selector``."""
    prediction = _selector(response_selector, retrieval_intent).get("response") or {}
    key = prediction.get("intent_response_key")
    return RankedAnswer(key, prediction.get("confidence")) if key else None


def answer_ranking(response_selector: Optional[Mapping[str, Any]],
                   retrieval_intent: str = RETRIEVAL_INTENT) -> List[RankedAnswer]:
    """The FAQ answers the NLU ranked, best first, from a parse result's
    ``response_selector``."""
    return [RankedAnswer(candidate.get("intent_response_key") or "", candidate.get("confidence"))
            for candidate in _selector(response_selector, retrieval_intent).get("ranking") or []]


# --- commands that buttons send -----------------------------------------------------------------
#: intent -> the entities its payload may carry. Typed text that looks like any other command
#: is turned into plain text by the NLU's input guard (``config.yml`` repeats this list).
BUTTON_COMMANDS: Mapping[str, Tuple[str, ...]] = {
    "verify_code": (),
    "activate_code": (),
    "change_kod5": (),
    HANDOFF_INTENT: (),
    "affirm": (),
    "deny": (),
    CHOOSE_FAQ_INTENT: (FAQ_TOPIC_ENTITY,),
}

COMMAND = re.compile(r"^/(?P<intent>[A-Za-z_][A-Za-z0-9_]*)(?P<entities>\{.*\})?$", re.S)


@dataclass(frozen=True)
class Command:
    """A parsed ``/intent`` or ``/intent{json}``; ``entities`` is ``None`` when the JSON is
    not an object of strings."""

    intent: str
    entities: Optional[Dict[str, str]]


def parse_command(text: str) -> Optional[Command]:
    """The command ``text`` spells (surrounding space aside), or ``None`` if it is none."""
    match = COMMAND.match(text.strip())
    if not match:
        return None
    raw = match.group("entities")
    if raw is None:
        return Command(match.group("intent"), {})
    try:
        entities = json.loads(raw)
    except ValueError:
        return Command(match.group("intent"), None)
    if not (isinstance(entities, dict)
            and all(isinstance(value, str) for value in entities.values())):
        return Command(match.group("intent"), None)
    return Command(match.group("intent"), entities)


def is_allowed_command(text: str, allowed: Mapping[str, Any] = BUTTON_COMMANDS) -> bool:
    """True for ``/intent`` or ``/intent{json}`` whose intent is in ``allowed`` and whose
    entities (string values only) are among those ``allowed`` lists for it."""
    command = parse_command(text)
    if command is None or command.intent not in allowed or command.entities is None:
        return False
    permitted = set(allowed[command.intent] or ())
    return all(name in permitted for name in command.entities)


# --- slots ---------------------------------------------------------------------------------------
PHONE_SLOT = "phone_number"
CODE_SLOT = "plus_kod"
NEW_CODE_SLOT = "new_plus_kod"
NEW_CODE_CONFIRMATION_SLOT = "new_plus_kod_confirmation"
#: slots that hold what a customer typed at a code prompt: never stored (masked)
SECRET_SLOTS = (CODE_SLOT, NEW_CODE_SLOT, NEW_CODE_CONFIRMATION_SLOT)

NEW_CODE_SEAL_SLOT = "new_plus_kod_seal"
VERIFICATION_PROOF_SLOT = "verification_proof"
ACTIVATION_PROOF_SLOT = "activation_proof"
CHANGE_PROOF_SLOT = "change_proof"
#: slots only the actions write (``custom`` mappings): sealed values stored as written
SEALED_SLOTS = (NEW_CODE_SEAL_SLOT, VERIFICATION_PROOF_SLOT, ACTIVATION_PROOF_SLOT,
                CHANGE_PROOF_SLOT)
#: how a form that checks codes ended (written only by actions)
OUTCOME_SLOT = "verification_outcome"

VERIFICATION_FORM = "verification_form"
ACTIVATION_FORM = "activation_form"
CHANGE_FORM = "change_code_form"

# --- offers --------------------------------------------------------------------------------------
OFFER_ENTITY = "offer_type"
OFFER_TYPES = ("abonament", "na_karte", "mix")
#: Plus na Kartę and Plus/Plush Mix: no Plus Kod exists for them
PREPAID_OFFERS = ("na_karte", "mix")
PREPAID_REFUSAL = "utter_prepaid_not_available"

# --- the two servers -------------------------------------------------------------------------
#: the secret the Rasa server sends to the action server (``endpoints.yml`` names it too)
ACTION_TOKEN_ENV = "PLUSKOD_ACTION_TOKEN"

# --- stores --------------------------------------------------------------------------------------
#: the only tracker store the channels serve with (it masks codes before writing)
TRACKER_STORE = "pluskod.tracker_store.RedactingSQLTrackerStore"
DEFAULT_TRACKER_DB = "var/tracker.db"
DEFAULT_DIRECTORY_URL = "sqlite:///var/directory.db"
