"""The launcher's endpoints copy still carries the secret the way Rasa expands it."""

from rasa.utils.endpoints import read_endpoint_config

from tools.serve import endpoints_for


def test_the_endpoints_copy_points_at_the_action_port_and_sends_the_secret(monkeypatch):
    monkeypatch.setenv("PLUSKOD_ACTION_TOKEN", "s3cret-value-for-the-test-only")
    path = endpoints_for("http://127.0.0.1:6123/webhook")
    try:
        endpoint = read_endpoint_config(str(path), "action_endpoint")
    finally:
        path.unlink()
    assert endpoint.url == "http://127.0.0.1:6123/webhook"
    assert endpoint.headers == {"Authorization": "Bearer s3cret-value-for-the-test-only"}


def test_the_shipped_endpoints_file_sends_the_secret(root, monkeypatch):
    monkeypatch.setenv("PLUSKOD_ACTION_TOKEN", "another-secret-value-123456")
    endpoint = read_endpoint_config(str(root / "endpoints.yml"), "action_endpoint")
    assert endpoint.headers["Authorization"] == "Bearer another-secret-value-123456"
