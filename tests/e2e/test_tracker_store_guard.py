"""A missing tracker-store class stops the real server instead of falling back to memory."""

import time

import pytest
import yaml

from tests.conftest import free_port
from tools.serve import Servers

pytestmark = pytest.mark.slow


def test_a_broken_tracker_store_stops_the_server(root, trained_model, tmp_path):
    config = yaml.safe_load((root / "endpoints.yml").read_text())
    config["tracker_store"]["type"] = "pluskod.tracker_store.NoSuchStore"
    broken = tmp_path / "endpoints.yml"
    broken.write_text(yaml.safe_dump(config))
    servers = Servers(model=trained_model, host="127.0.0.1", rasa_port=free_port(),
                      action_port=free_port(), log_dir=tmp_path, endpoints_source=broken,
                      tracker_db=tmp_path / "tracker.db")
    try:
        servers.start_actions()
        try:
            servers.start_rasa()
        except RuntimeError:
            pass  # it may die before it ever answers
        rasa = servers.processes["rasa"]
        deadline = time.monotonic() + 120
        while rasa.poll() is None and time.monotonic() < deadline:
            time.sleep(0.5)
        assert rasa.returncode not in (None, 0)
        assert "Refusing to serve" in (tmp_path / "rasa.log").read_text()
    finally:
        servers.stop()
