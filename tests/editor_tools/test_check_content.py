"""The editors' check on a copy of the real content, broken the ways editors break it."""

import shutil
import subprocess
import sys

import pytest

from editor_tools.check_content import check


@pytest.fixture
def content(root, tmp_path):
    for name in ("data", "docs"):
        shutil.copytree(root / name, tmp_path / name)
    for name in ("domain.yml", "config.yml", "endpoints.yml", "credentials.yml"):
        shutil.copy(root / name, tmp_path / name)
    return tmp_path


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_shipped_content_passes(content):
    assert check(content).errors == []


def test_broken_yaml_is_reported_with_file_and_line(content):
    path = content / "data/faq/cost.yml"
    edit(path, "responses:", "responses: [")
    errors = check(content).errors
    assert len(errors) == 1
    assert errors[0].startswith("data/faq/cost.yml:")
    assert "not valid YAML" in errors[0]


def test_an_invented_price_is_refused(content):
    edit(content / "data/faq/cost.yml", "W moich materiałach nie ma informacji o cenie Plus Kodu",
         "Plus Kod kosztuje 9,99 zł miesięcznie")
    assert any("'9,99'" in e or "'9'" in e for e in check(content).errors)


def test_an_unknown_button_payload_is_refused(content):
    edit(content / "domain.yml", "payload: '/human_handoff'", "payload: '/restart'")
    assert any("'/restart'" in e for e in check(content).errors)


def test_single_braces_in_a_payload_are_refused(content):
    edit(content / "domain.yml", '{{"faq_topic": "how_to_get"}}', '{"faq_topic": "how_to_get"}')
    assert any("write braces in a payload doubled" in e for e in check(content).errors)


def test_a_button_to_a_missing_topic_is_refused(content):
    edit(content / "domain.yml", '"faq_topic": "how_to_get"', '"faq_topic": "how_to_gett"')
    assert any("unknown FAQ topic 'how_to_gett'" in e for e in check(content).errors)


def test_a_faq_file_without_its_answer_is_refused(content):
    path = content / "data/faq/security.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("responses:")], encoding="utf-8")
    assert any("no answer 'utter_faq/security'" in e for e in check(content).errors)


def test_too_few_examples_are_refused(content):
    path = content / "data/faq/cost.yml"
    lines = path.read_text(encoding="utf-8").splitlines()
    kept, examples = [], 0
    for line in lines:
        if line.startswith("    - ") and not line.startswith("    - title"):
            examples += 1
            if examples > 3:
                continue
        kept.append(line)
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    assert any("has 3 examples" in e for e in check(content).errors)


def test_the_command_line_prints_errors_without_a_traceback(content, root):
    edit(content / "data/nlu/greet.yml", "nlu:", "nlu: [")
    script = root / "editor_tools" / "check_content.py"
    shutil.copytree(root / "editor_tools", content / "editor_tools")
    result = subprocess.run([sys.executable, str(content / "editor_tools" / "check_content.py")],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "data/nlu/greet.yml:" in result.stderr and "Traceback" not in result.stderr
    assert script.exists()
