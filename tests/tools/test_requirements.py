"""requirements.txt is what pip-tools compiled from requirements.in, not a hand-edited freeze."""

import re

import pytest

NAME = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*(?:==\s*([^\s#;]+))?")


def normalise(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements(path):
    """name -> pinned version (or None) of each requirement line."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "-")):
            continue
        match = NAME.match(line)
        assert match, f"{path.name}: cannot read {line!r}"
        found[normalise(match.group(1))] = match.group(2)
    return found


def via(text, name):
    """The '# via' comment lines pip-compile wrote under ``name``'s pin."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if normalise(line.split("==")[0]) == name)
    block = []
    for line in lines[start + 1:]:
        if not line.startswith(" "):
            break
        block.append(line)
    return "\n".join(block)


@pytest.fixture(scope="module")
def direct(root):
    return requirements(root / "requirements.in")


@pytest.fixture(scope="module")
def pinned(root):
    return requirements(root / "requirements.txt")


def test_the_pinned_file_says_it_was_compiled_from_the_direct_list(root):
    header = (root / "requirements.txt").read_text(encoding="utf-8").splitlines()[:6]
    assert any("pip-compile" in line and "requirements.in" in line for line in header), header
    assert not any(line.startswith("--find-links") or line.startswith("--index-url")
                   for line in (root / "requirements.txt").read_text().splitlines())


def test_every_requirement_is_pinned_exactly(pinned):
    assert pinned and all(version for version in pinned.values()), \
        [name for name, version in pinned.items() if not version]


def test_each_direct_dependency_is_pinned_as_asked_and_comes_from_the_list(direct, pinned,
                                                                            root):
    text = (root / "requirements.txt").read_text(encoding="utf-8")
    for name, version in direct.items():
        assert name in pinned, f"{name} of requirements.in is not in requirements.txt"
        if version:
            assert pinned[name] == version, (name, version, pinned[name])
        assert "-r requirements.in" in via(text, name), \
            f"{name} is not marked as coming from requirements.in"


def test_each_direct_dependency_says_why(root):
    for line in (root / "requirements.in").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            assert "#" in line and line.split("#", 1)[1].strip(), f"no reason given: {line!r}"
