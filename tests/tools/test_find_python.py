"""tools/find-python.sh: finds Python 3.10 without a hard-coded path, refuses the rest."""

import os
import subprocess
import sys

import pytest


def find(root, **env):
    return subprocess.run([str(root / "tools" / "find-python.sh")], capture_output=True,
                          text=True, env={**os.environ, **env})


def test_finds_a_python_3_10(root):
    result = find(root)
    assert result.returncode == 0, result.stderr
    version = subprocess.run([result.stdout.strip(), "--version"], capture_output=True, text=True)
    assert version.stdout.startswith("Python 3.10")


def test_accepts_an_explicit_python_3_10(root):
    assert find(root, PYTHON=sys.executable).returncode == 0   # the test venv is 3.10


@pytest.mark.parametrize("python", ["/bin/sh", "/no/such/python"])
def test_refuses_anything_else_with_a_clear_message(root, python):
    result = find(root, PYTHON=python)
    assert result.returncode == 1
    assert "needs Python 3.10" in result.stderr
