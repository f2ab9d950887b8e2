import subprocess
import sys
from pathlib import Path

import pytest
from rasa.engine.graph import GraphSchema, SchemaNode
from rasa.engine.training.hooks import TrainingHook
from rasa.nlu.featurizers.sparse_featurizer.regex_featurizer import RegexFeaturizer

from tools.rasa_train import KNOWN_WARNINGS, disable_training_cache

ROOT = Path(__file__).resolve().parents[2]


class RefusingCache:
    """A training cache that fails the test if anything is put into it."""

    def cache_output(self, **kwargs):
        raise AssertionError("the training cache was filled")


class Unfingerprintable:
    def fingerprint(self):
        raise AssertionError("an output was fingerprinted")


def make_hook():
    node = SchemaNode(needs={}, uses=RegexFeaturizer, constructor_name="create",
                      fn="train", config={})
    return TrainingHook(cache=RefusingCache(), model_storage=None,
                        pruned_schema=GraphSchema({"node": node}))


def test_rasas_hook_fingerprints_every_output():
    # the premise of tools/rasa_train.py: as Rasa ships it, the hook fingerprints each output
    with pytest.raises(AssertionError, match="fingerprinted"):
        make_hook().on_after_node("node", None, {}, Unfingerprintable(), {"fingerprint_key": "k"})


def test_disabled_hook_neither_fingerprints_nor_caches(monkeypatch):
    monkeypatch.setattr(TrainingHook, "on_after_node", TrainingHook.on_after_node)
    disable_training_cache()
    make_hook().on_after_node("node", None, {}, Unfingerprintable(), {"fingerprint_key": "k"})


def test_passes_its_arguments_to_rasas_cli():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "rasa_train.py"), "--version"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Rasa Version" in result.stdout and "3.6.21" in result.stdout


@pytest.mark.slow
def test_training_shows_none_of_the_validators_warnings_this_pipeline_makes_wrong(tmp_path):
    # the NLU part of the project's own config and data, trained through the wrapper
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "rasa_train.py"), "train", "nlu", "--config",
         "config.yml", "--nlu", "data", "--out", str(tmp_path), "--fixed-model-name", "nlu"],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "nlu.tar.gz").exists()
    output = result.stdout + result.stderr
    for start in KNOWN_WARNINGS:
        assert start not in output
