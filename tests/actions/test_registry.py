"""What rasa-sdk registers from the actions package is exactly what the domain declares."""

import yaml
from rasa_sdk.executor import ActionExecutor


def test_the_action_server_registers_exactly_the_domain_actions(root):
    executor = ActionExecutor()
    executor.register_package("actions")        # raises if a helper class looks like an action
    declared = yaml.safe_load((root / "domain.yml").read_text(encoding="utf-8"))["actions"]
    assert sorted(executor.actions) == sorted(declared)
