"""Do the YAML files Rasa reads agree with the shared names of :mod:`pluskod.core.names`?

Rasa needs some names in ``domain.yml``, ``config.yml``, ``endpoints.yml`` and
``credentials.yml`` as well as in the code: a slot renamed in the domain only, a button command
added to the input guard only, or another tracker store named for a channel would change the
assistant's behaviour without any error. :func:`disagreements` lists every such difference as
``file:line: message``; ``make check-content`` (and so ``make train``) refuses to go on while
there is one.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

from pluskod.core import names

FILES = ("domain.yml", "config.yml", "endpoints.yml", "credentials.yml")
CONTRACT = "pluskod/core/names.py"


class _Problems:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.found: List[str] = []
        self._lines: Dict[str, List[str]] = {}

    def _code(self, name: str) -> List[str]:
        """The file's lines without their comments (a needle in a comment is not a key)."""
        if name not in self._lines:
            path = self.root / name
            text = path.read_text(encoding="utf-8") if path.exists() else ""
            self._lines[name] = [re.sub(r"(^|\s)#.*$", "", line) for line in text.splitlines()]
        return self._lines[name]

    def line_of(self, name: str, *needles: str) -> Optional[int]:
        """The line of the last needle, each found after the one before (a key, then a key
        under it); the line of the last needle found when a later one is missing."""
        line = 0
        for needle in needles:
            line = next((n for n, text in enumerate(self._code(name), 1)
                         if n > line and needle in text), line)
        return line or None

    def add(self, name: str, message: str, *needles: str) -> None:
        line = self.line_of(name, *needles) if needles else None
        where = f"{name}:{line}" if line else name
        self.found.append(f"{where}: {message} (the code's name is in {CONTRACT})")

    def shape(self, name: str, value: Any, kind: type, what: str, *needles: str) -> Any:
        """``value`` if it is a ``kind`` (or missing); else reports it and gives an empty one."""
        if value is None or isinstance(value, kind):
            return value if value is not None else kind()
        article = "a mapping (key: value lines)" if kind is dict else "a list ('- ' lines)"
        self.add(name, f"{what} must be {article}, not {type(value).__name__}", *needles)
        return kind()


def _load(root: Path, name: str, problems: _Problems) -> Dict[str, Any]:
    path = root / name
    if not path.exists():
        return {}
    try:
        content = yaml.load(path.read_text(encoding="utf-8"),
                            Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        problems.add(name, "is not valid YAML (make check-content shows where)")
        return {}
    return problems.shape(name, content, dict, "the file")


def _names_of(entries: List[Any]) -> List[str]:
    """Names of a domain list whose entries are names or one-key mappings."""
    out: List[str] = []
    for entry in entries:
        out.extend(entry if isinstance(entry, dict) else [entry])
    return [str(name) for name in out]


def _component(items: List[Any], suffix: str) -> Dict[str, Any]:
    return next((c for c in items if isinstance(c, dict)
                 and str(c.get("name", "")).split(".")[-1] == suffix), {})


def _check_domain(root: Path, problems: _Problems) -> None:
    name = "domain.yml"
    domain = _load(root, name, problems)
    intents = _names_of(problems.shape(name, domain.get("intents"), list, "'intents'",
                                       "intents:"))
    for intent in (names.RETRIEVAL_INTENT, *names.BUTTON_COMMANDS):
        if intent not in intents:
            problems.add(name, f"the intent {intent!r} is missing under 'intents:'", "intents:")
    entities = _names_of(problems.shape(name, domain.get("entities"), list, "'entities'",
                                        "entities:"))
    for entity in (names.FAQ_TOPIC_ENTITY, names.OFFER_ENTITY, names.PHONE_SLOT):
        if entity not in entities:
            problems.add(name, f"the entity {entity!r} is missing under 'entities:'",
                         "entities:")
    slots = problems.shape(name, domain.get("slots"), dict, "'slots'", "slots:")
    expected_slots = (names.PHONE_SLOT, names.OFFER_ENTITY, *names.SECRET_SLOTS,
                      *names.SEALED_SLOTS, names.OUTCOME_SLOT)
    for slot in expected_slots:
        if slot not in slots:
            problems.add(name, f"the slot {slot!r} is missing under 'slots:'", "slots:")
    settings = {slot: problems.shape(name, slots.get(slot), dict, f"the slot {slot!r}",
                                     "slots:", f"  {slot}:") for slot in expected_slots}
    for slot in (*names.SEALED_SLOTS, names.OUTCOME_SLOT):
        mappings = problems.shape(name, settings[slot].get("mappings"), list,
                                  f"the mappings of {slot!r}", "slots:", f"  {slot}:")
        if slot in slots and (not mappings or any(not isinstance(m, dict)
                                                  or m.get("type") != "custom"
                                                  for m in mappings)):
            problems.add(name, f"the slot {slot!r} must have only 'type: custom' mappings: "
                               f"only the actions may write it", "slots:", f"  {slot}:")
    offers = settings[names.OFFER_ENTITY].get("values")
    if names.OFFER_ENTITY in slots and offers != list(names.OFFER_TYPES):
        problems.add(name, f"the values of the slot {names.OFFER_ENTITY!r} are {offers}, not "
                           f"{list(names.OFFER_TYPES)}", "slots:", f"  {names.OFFER_ENTITY}:",
                     "values:")
    forms = problems.shape(name, domain.get("forms"), dict, "'forms'", "forms:")
    for form in (names.VERIFICATION_FORM, names.ACTIVATION_FORM):
        if form not in forms:
            problems.add(name, f"the form {form!r} is missing under 'forms:'", "forms:")
            continue
        settings_of_form = problems.shape(name, forms[form], dict, f"the form {form!r}",
                                          "forms:", f"  {form}:")
        required = problems.shape(name, settings_of_form.get("required_slots"), list,
                                  f"the required_slots of {form!r}", "forms:", f"  {form}:")
        if required[:2] != [names.PHONE_SLOT, names.CODE_SLOT]:
            problems.add(name, f"the form {form!r} must ask for {names.PHONE_SLOT!r}, then "
                               f"{names.CODE_SLOT!r} first", "forms:", f"  {form}:")
    # the change asks for the current code and the new one: the number is the proof's
    change = forms.get(names.CHANGE_FORM)
    if change is None:
        problems.add(name, f"the form {names.CHANGE_FORM!r} is missing under 'forms:'",
                     "forms:")
    elif not isinstance(change, dict):
        problems.shape(name, change, dict, f"the form {names.CHANGE_FORM!r}", "forms:",
                       f"  {names.CHANGE_FORM}:")
    elif change.get("required_slots") != [names.CODE_SLOT, names.NEW_CODE_SLOT,
                                          names.NEW_CODE_CONFIRMATION_SLOT]:
        problems.add(name, f"the form {names.CHANGE_FORM!r} must ask for exactly "
                           f"{names.CODE_SLOT!r}, {names.NEW_CODE_SLOT!r}, then "
                           f"{names.NEW_CODE_CONFIRMATION_SLOT!r}", "forms:",
                     f"  {names.CHANGE_FORM}:")
    responses = problems.shape(name, domain.get("responses"), dict, "'responses'",
                               "responses:")
    if names.PREPAID_REFUSAL not in responses:
        problems.add(name, f"the response {names.PREPAID_REFUSAL!r} is missing", "responses:")


def _check_config(root: Path, problems: _Problems) -> None:
    name = "config.yml"
    config = _load(root, name, problems)
    pipeline = problems.shape(name, config.get("pipeline"), list, "'pipeline'", "pipeline:")
    policies = problems.shape(name, config.get("policies"), list, "'policies'", "policies:")
    guard = _component(pipeline, "InputGuard")
    if not guard:
        problems.add(name, "the pipeline has no InputGuard", "pipeline:")
    else:
        allowed = problems.shape(name, guard.get("allowed_commands"), dict,
                                 "InputGuard's allowed_commands", "InputGuard",
                                 "allowed_commands:")
        listed = {intent: entities if isinstance(entities, list) else entities or []
                  for intent, entities in allowed.items()}
        contract = {intent: list(entities) for intent, entities in names.BUTTON_COMMANDS.items()}
        if listed != contract:
            problems.add(name, f"InputGuard's allowed_commands are {listed}, not the button "
                               f"commands {contract}", "InputGuard", "allowed_commands:")
    for component in ("LinearIntentClassifier", "FaqAwareFallbackClassifier"):
        given = _component(pipeline, component).get("retrieval_intent", names.RETRIEVAL_INTENT)
        if given != names.RETRIEVAL_INTENT:
            problems.add(name, f"{component}'s retrieval_intent is {given!r}, not "
                               f"{names.RETRIEVAL_INTENT!r}", component, "retrieval_intent:")
    policy = _component(policies, "DeclaredPrepaidPolicy")
    for key, contract_value in (("entity", names.OFFER_ENTITY),
                                ("values", list(names.PREPAID_OFFERS)),
                                ("action", names.PREPAID_REFUSAL)):
        if key in policy and policy[key] != contract_value:
            problems.add(name, f"DeclaredPrepaidPolicy's {key} is {policy[key]!r}, not "
                               f"{contract_value!r}", "DeclaredPrepaidPolicy", f"{key}:")


def _check_endpoints(root: Path, problems: _Problems) -> None:
    name = "endpoints.yml"
    endpoints = _load(root, name, problems)
    action = problems.shape(name, endpoints.get("action_endpoint"), dict, "'action_endpoint'",
                            "action_endpoint:")
    headers = problems.shape(name, action.get("headers"), dict, "the action endpoint's headers",
                             "action_endpoint:", "headers:")
    expected = f"Bearer ${{{names.ACTION_TOKEN_ENV}}}"
    if headers.get("Authorization") != expected:
        problems.add(name, f"the action endpoint must send 'Authorization: {expected}' (the "
                           f"action server refuses anything else)", "action_endpoint:",
                     "headers:")
    store = problems.shape(name, endpoints.get("tracker_store"), dict, "'tracker_store'",
                           "tracker_store:")
    if store.get("type") != names.TRACKER_STORE:
        problems.add(name, f"tracker_store type is {store.get('type')!r}, not "
                           f"{names.TRACKER_STORE!r}", "tracker_store:", "type:")
    slots = problems.shape(name, store.get("secret_slots"), list, "secret_slots",
                           "tracker_store:", "secret_slots:")
    if "secret_slots" in store and sorted(map(str, slots)) != sorted(names.SECRET_SLOTS):
        problems.add(name, f"secret_slots are {slots}, not {list(names.SECRET_SLOTS)}",
                     "tracker_store:", "secret_slots:")


def _check_credentials(root: Path, problems: _Problems) -> None:
    name = "credentials.yml"
    for channel, settings in _load(root, name, problems).items():
        if not str(channel).startswith("pluskod.channels."):
            continue
        settings = problems.shape(name, settings, dict, f"the settings of {channel}",
                                  f"{channel}:")
        required = settings.get("required_tracker_store", names.TRACKER_STORE)
        if required != names.TRACKER_STORE:
            problems.add(name, f"{channel} requires the tracker store {required!r}, not "
                               f"{names.TRACKER_STORE!r}", f"{channel}:",
                         "required_tracker_store:")


def disagreements(root: Path) -> List[str]:
    """Every place where the four YAML files and :mod:`pluskod.core.names` disagree."""
    problems = _Problems(root)
    for check in (_check_domain, _check_config, _check_endpoints, _check_credentials):
        check(root, problems)
    return problems.found
