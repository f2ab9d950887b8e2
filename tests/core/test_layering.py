"""Layers point one way: the core imports neither Rasa, rasa-sdk nor Sanic (checked in a fresh
interpreter), and no layer imports one above it (checked on every file's imports)."""

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

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


# --- every layer's imports point one way -----------------------------------------------------
RASA_SIDE = ("language", "nlu", "policies", "tracker_store", "channels")
FIRST_PARTY = ("pluskod", "actions", "tools", "editor_tools", "studio", "tests")


def rule_of(relative: str):
    """(first-party modules it may import, third-party packages it may not) for a file."""
    parts = relative.split("/")
    if parts[:2] == ["pluskod", "core"]:
        return ("pluskod.core",), ("rasa", "rasa_sdk", "sanic")
    if parts[0] == "pluskod" and len(parts) > 2 and parts[1] in RASA_SIDE:
        return ("pluskod.core", f"pluskod.{parts[1]}"), ("rasa_sdk",)
    if parts[0] == "pluskod":
        return ("pluskod.core",), ("rasa_sdk",)
    if parts[0] == "actions":
        return ("pluskod.core", "actions", "pluskod"), ("rasa",)
    if parts[0] == "editor_tools":
        return ("pluskod.core", "editor_tools"), ("rasa", "rasa_sdk", "sanic")
    if parts[0] == "studio":
        # training and the quality gate run as commands in their own processes
        return ("pluskod.core", "editor_tools", "studio"), ("rasa", "rasa_sdk")
    return None   # tools/ may use every layer


def imported(path: Path, relative: str, root: Path):
    """Every module a file imports, nested imports too, relative ones made absolute; for
    ``from package import name`` also ``package.name`` (it may be a module)."""
    package = relative[:-len(".py")].split("/")
    package = package[:-1] if package[-1] != "__init__" else package[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            module = ".".join(base + (node.module.split(".") if node.module else []))
            yield module
            yield from (f"{module}.{alias.name}" for alias in node.names
                        if _is_module(root, f"{module}.{alias.name}"))
        elif (isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "import_module"
              and node.args and isinstance(node.args[0], ast.Constant)):
            yield str(node.args[0].value)


def _is_module(root: Path, name: str) -> bool:
    """Whether ``name`` is a module or package of the tree at ``root`` (read, not imported)."""
    path = root.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def breaches(root: Path):
    found = []
    for package in ("pluskod", "actions", "editor_tools", "studio"):
        for path in sorted((root / package).rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            allowed, banned = rule_of(relative)
            for name in imported(path, relative, root):
                top = name.split(".")[0]
                if top in FIRST_PARTY:
                    # the bare package (its log redaction) only where listed; else a module
                    # of an allowed layer
                    ok = (name in allowed if name == "pluskod" else
                          any(name == a or name.startswith(a + ".")
                              for a in allowed if a != "pluskod"))
                    if not ok:
                        found.append(f"{relative} imports {name}")
                elif top in banned:
                    found.append(f"{relative} imports {name}")
    return sorted(found)


def test_each_layer_imports_only_the_layers_below_it(root):
    assert breaches(root) == []


def test_a_breach_is_found(root, tmp_path):
    import shutil

    for package in ("pluskod", "actions", "editor_tools", "studio"):
        shutil.copytree(root / package, tmp_path / package,
                        ignore=shutil.ignore_patterns("__pycache__"))
    with open(tmp_path / "pluskod/core/codes.py", "a", encoding="utf-8") as file:
        file.write("\nfrom pluskod.channels.limits import is_text  # noqa\n")
    with open(tmp_path / "actions/faq.py", "a", encoding="utf-8") as file:
        file.write("\ndef late():\n    from pluskod.nlu.input_guard import InputGuard  # noqa\n")
    with open(tmp_path / "pluskod/nlu/data_message.py", "a", encoding="utf-8") as file:
        file.write("\nimport actions.faq  # noqa\n")
    with open(tmp_path / "pluskod/core/phones.py", "a", encoding="utf-8") as file:
        file.write("\nfrom ..channels import limits  # noqa\nfrom .. import nlu  # noqa\n")
    with open(tmp_path / "editor_tools/similarity.py", "a", encoding="utf-8") as file:
        file.write("\nfrom studio import content  # noqa\n")
    with open(tmp_path / "studio/content.py", "a", encoding="utf-8") as file:
        file.write("\nimport rasa.shared.utils.io  # noqa\n")
    with open(tmp_path / "studio/store.py", "a", encoding="utf-8") as file:
        file.write("\nfrom tools.serve import Servers  # noqa\n")
    with open(tmp_path / "actions/verification.py", "a", encoding="utf-8") as file:
        file.write("\nfrom pluskod import policies  # noqa\n"
                   "importlib.import_module('pluskod.tracker_store')\n")
    assert breaches(tmp_path) == [
        "actions/faq.py imports pluskod.nlu.input_guard",
        "actions/verification.py imports pluskod.policies",
        "actions/verification.py imports pluskod.tracker_store",
        "editor_tools/similarity.py imports studio",
        "editor_tools/similarity.py imports studio.content",
        "pluskod/core/codes.py imports pluskod.channels.limits",
        "pluskod/core/phones.py imports pluskod",
        "pluskod/core/phones.py imports pluskod.channels",
        "pluskod/core/phones.py imports pluskod.channels.limits",
        "pluskod/core/phones.py imports pluskod.nlu",
        "pluskod/nlu/data_message.py imports actions.faq",
        "studio/content.py imports rasa.shared.utils.io",
        "studio/store.py imports tools.serve",
    ]
