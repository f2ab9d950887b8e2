"""The core imports neither Rasa, rasa-sdk nor Sanic: checked in a fresh interpreter."""

import pkgutil
import subprocess
import sys

import pluskod.core

CORE_MODULES = sorted(f"pluskod.core.{m.name}" for m in pkgutil.iter_modules(pluskod.core.__path__))


def test_the_core_imports_no_rasa_no_rasa_sdk_no_sanic(root):
    script = ("import sys\n" + "".join(f"import {m}\n" for m in CORE_MODULES) +
              "print(sorted({n.split('.')[0] for n in sys.modules} & "
              "{'rasa', 'rasa_sdk', 'sanic', 'actions'}))")
    result = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
    assert len(CORE_MODULES) >= 10
