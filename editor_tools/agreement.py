"""Do the YAML files Rasa reads agree with the shared names of :mod:`pluskod.core.names`?

Rasa needs some names in ``domain.yml``, ``config.yml``, ``endpoints.yml`` and
``credentials.yml`` as well as in the code: a slot renamed in the domain only, a button command
added to the input guard only, or another tracker store named for a channel would change the
assistant's behaviour without any error. :func:`disagreements` lists every such difference as
``file:line: message``; ``make check-content`` (and so ``make train``) refuses to go on while
there is one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional

import yaml

from pluskod.core import names

FILES = ("domain.yml", "config.yml", "endpoints.yml", "credentials.yml")
CONTRACT = "pluskod/core/names.py"


class _Problems:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.found: List[str] = []
        self._lines: Dict[str, List[str]] = {}

    def line_of(self, name: str, *needles: str) -> Optional[int]:
        """The first line holding the needles in order (a key, then what is under it)."""
        if name not in self._lines:
            path = self.root / name
            text = path.read_text(encoding="utf-8") if path.exists() else ""
            self._lines[name] = text.splitlines()
        line = 0
        for needle in needles:
            line = next((n for n, text in enumerate(self._lines[name], 1)
                         if n > line and needle in text), line)
        return line or None

    def add(self, name: str, message: str, *needles: str) -> None:
        line = self.line_of(name, *needles) if needles else None
        where = f"{name}:{line}" if line else name
        self.found.append(f"{where}: {message} (the code's name is in {CONTRACT})")


def _load(root: Path, name: str) -> Dict[str, Any]:
    path = root / name
    if not path.exists():
        return {}
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    return content if isinstance(content, dict) else {}


def _names_of(entries: Optional[Iterable[Any]]) -> List[str]:
    """Names of a domain list whose entries are names or one-key mappings."""
    out: List[str] = []
    for entry in entries or []:
        out.extend(entry if isinstance(entry, dict) else [entry])
    return [str(name) for name in out]


def _component(items: Optional[Iterable[Any]], suffix: str) -> Optional[Mapping[str, Any]]:
    return next((c for c in items or [] if isinstance(c, dict)
                 and str(c.get("name", "")).split(".")[-1] == suffix), None)


def _check_domain(root: Path, problems: _Problems) -> None:
    domain, name = _load(root, "domain.yml"), "domain.yml"
    intents = _names_of(domain.get("intents"))
    for intent in (names.RETRIEVAL_INTENT, *names.BUTTON_COMMANDS):
        if intent not in intents:
            problems.add(name, f"the intent {intent!r} is missing under 'intents:'", "intents:")
    entities = _names_of(domain.get("entities"))
    for entity in (names.FAQ_TOPIC_ENTITY, names.OFFER_ENTITY, names.PHONE_SLOT):
        if entity not in entities:
            problems.add(name, f"the entity {entity!r} is missing under 'entities:'",
                         "entities:")
    slots = domain.get("slots") or {}
    expected_slots = (names.PHONE_SLOT, names.OFFER_ENTITY, *names.SECRET_SLOTS,
                      *names.SEALED_SLOTS, names.OUTCOME_SLOT)
    for slot in expected_slots:
        if slot not in slots:
            problems.add(name, f"the slot {slot!r} is missing under 'slots:'", "slots:")
    for slot in (*names.SEALED_SLOTS, names.OUTCOME_SLOT):
        mappings = (slots.get(slot) or {}).get("mappings") or []
        if slot in slots and (not mappings or any(m.get("type") != "custom" for m in mappings)):
            problems.add(name, f"the slot {slot!r} must have only 'type: custom' mappings: "
                               f"only the actions may write it", "slots:", f"  {slot}:")
    offers = (slots.get(names.OFFER_ENTITY) or {}).get("values")
    if names.OFFER_ENTITY in slots and list(offers or []) != list(names.OFFER_TYPES):
        problems.add(name, f"the values of the slot {names.OFFER_ENTITY!r} are {offers}, not "
                           f"{list(names.OFFER_TYPES)}", "slots:", f"  {names.OFFER_ENTITY}:")
    forms = domain.get("forms") or {}
    for form in (names.VERIFICATION_FORM, names.ACTIVATION_FORM):
        required = (forms.get(form) or {}).get("required_slots") or []
        if form not in forms:
            problems.add(name, f"the form {form!r} is missing under 'forms:'", "forms:")
        elif list(required[:2]) != [names.PHONE_SLOT, names.CODE_SLOT]:
            problems.add(name, f"the form {form!r} must ask for {names.PHONE_SLOT!r}, then "
                               f"{names.CODE_SLOT!r} first", "forms:", f"  {form}:")
    if names.PREPAID_REFUSAL not in (domain.get("responses") or {}):
        problems.add(name, f"the response {names.PREPAID_REFUSAL!r} is missing", "responses:")


def _check_config(root: Path, problems: _Problems) -> None:
    config, name = _load(root, "config.yml"), "config.yml"
    pipeline, policies = config.get("pipeline") or [], config.get("policies") or []
    guard = _component(pipeline, "InputGuard")
    if guard is None:
        problems.add(name, "the pipeline has no InputGuard", "pipeline:")
    else:
        listed = {intent: list(entities or []) for intent, entities
                  in (guard.get("allowed_commands") or {}).items()}
        contract = {intent: list(entities) for intent, entities in names.BUTTON_COMMANDS.items()}
        if listed != contract:
            problems.add(name, f"InputGuard's allowed_commands are {listed}, not the button "
                               f"commands {contract}", "InputGuard", "allowed_commands")
    for component in ("LinearIntentClassifier", "FaqAwareFallbackClassifier"):
        settings = _component(pipeline, component) or {}
        given = settings.get("retrieval_intent", names.RETRIEVAL_INTENT)
        if given != names.RETRIEVAL_INTENT:
            problems.add(name, f"{component}'s retrieval_intent is {given!r}, not "
                               f"{names.RETRIEVAL_INTENT!r}", component, "retrieval_intent")
    policy = _component(policies, "DeclaredPrepaidPolicy") or {}
    for key, contract_value in (("entity", names.OFFER_ENTITY),
                                ("values", list(names.PREPAID_OFFERS)),
                                ("action", names.PREPAID_REFUSAL)):
        if key in policy and policy[key] != contract_value:
            problems.add(name, f"DeclaredPrepaidPolicy's {key} is {policy[key]!r}, not "
                               f"{contract_value!r}", "DeclaredPrepaidPolicy", f"{key}:")


def _check_endpoints(root: Path, problems: _Problems) -> None:
    store, name = _load(root, "endpoints.yml").get("tracker_store") or {}, "endpoints.yml"
    if store.get("type") != names.TRACKER_STORE:
        problems.add(name, f"tracker_store type is {store.get('type')!r}, not "
                           f"{names.TRACKER_STORE!r}", "tracker_store")
    slots = store.get("secret_slots")
    if slots is not None and sorted(slots) != sorted(names.SECRET_SLOTS):
        problems.add(name, f"secret_slots are {slots}, not {list(names.SECRET_SLOTS)}",
                     "tracker_store", "secret_slots")


def _check_credentials(root: Path, problems: _Problems) -> None:
    credentials, name = _load(root, "credentials.yml"), "credentials.yml"
    for channel, settings in credentials.items():
        if not str(channel).startswith("pluskod.channels."):
            continue
        required = (settings or {}).get("required_tracker_store", names.TRACKER_STORE)
        if required != names.TRACKER_STORE:
            problems.add(name, f"{channel} requires the tracker store {required!r}, not "
                               f"{names.TRACKER_STORE!r}", str(channel), "required_tracker_store")


def disagreements(root: Path) -> List[str]:
    """Every place where the four YAML files and :mod:`pluskod.core.names` disagree."""
    problems = _Problems(root)
    for check in (_check_domain, _check_config, _check_endpoints, _check_credentials):
        check(root, problems)
    return problems.found
