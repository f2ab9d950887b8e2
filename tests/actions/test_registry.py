"""The action server runs exactly the actions the domain declares, each with its collaborators."""

import yaml
from rasa_sdk.executor import ActionExecutor

from actions.server import Services, actions_of
from pluskod.core.proofs import ProofSealer


def test_the_action_server_registers_exactly_the_domain_actions(root, demo_directory):
    executor = ActionExecutor()
    for action in actions_of(Services(demo_directory, ProofSealer(demo_directory.hasher))):
        executor.register_action(action)
    declared = yaml.safe_load((root / "domain.yml").read_text(encoding="utf-8"))["actions"]
    assert sorted(executor.actions) == sorted(declared)


def test_services_are_made_from_the_environment_without_rows(tmp_path):
    environ = {"PLUSKOD_DIRECTORY_URL": f"sqlite:///{tmp_path / 'directory.db'}",
               "PLUSKOD_PEPPER_FILE": str(tmp_path / "pepper"),
               "PLUSKOD_PROOF_IDLE_MINUTES": "2.5"}
    services = Services.from_env(environ)
    assert services.directory.is_empty()          # no demo rows as a side effect
    assert services.sealer.idle.total_seconds() == 150
    assert services.directory.hasher.pepper == (tmp_path / "pepper").read_bytes()


def test_a_bad_idle_time_is_a_clear_error(tmp_path):
    import pytest

    for raw, message in (("ten", "PLUSKOD_PROOF_IDLE_MINUTES must be a number, not 'ten'"),
                         ("0", "must be a number greater than 0, not '0'"),
                         ("nan", "must be a number greater than 0, not 'nan'"),
                         ("inf", "must be a number greater than 0, not 'inf'")):
        with pytest.raises(ValueError, match=message):
            Services.from_env({"PLUSKOD_PROOF_IDLE_MINUTES": raw,
                               "PLUSKOD_DIRECTORY_URL": "sqlite://",
                               "PLUSKOD_PEPPER_FILE": str(tmp_path / "pepper")})


def test_every_form_has_its_validation_action_with_a_method_per_slot(root, demo_directory):
    """rasa-sdk skips a slot whose validate_<slot> method is missing, silently: a slot renamed
    in the domain and in pluskod.core.names but not in the form's action would be taken as
    typed, unchecked."""
    domain = yaml.safe_load((root / "domain.yml").read_text(encoding="utf-8"))
    actions = {a.name(): a for a in
               actions_of(Services(demo_directory, ProofSealer(demo_directory.hasher)))}
    checked = []
    for form, settings in domain["forms"].items():
        validation = actions.get(f"validate_{form}")
        assert validation is not None, f"no validate_{form} action"
        for slot in settings["required_slots"]:
            assert callable(getattr(validation, f"validate_{slot}", None)), (form, slot)
            checked.append((form, slot))
    assert ("verification_form", "plus_kod") in checked and len(checked) == 9
    assert ("change_code_form", "plus_kod") in checked
