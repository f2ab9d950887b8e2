"""The YAML files Rasa reads agree with pluskod.core.names; a copy that disagrees is refused.

Each case edits one file of a copy of the real project the way a rename done in one place
only would, and expects exactly one error naming the file and line.
"""

import shutil

import pytest

from editor_tools.agreement import FILES, disagreements
from editor_tools.check_content import check
from tests.editor_tools.conftest import edit


@pytest.fixture
def project(root, tmp_path):
    for name in FILES:
        shutil.copy(root / name, tmp_path / name)
    return tmp_path


def test_the_shipped_files_agree_with_the_names(project):
    assert disagreements(project) == []


def line_of(path, text):
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


CASES = [
    # (file, old, new, the error's start, what it says)
    ("domain.yml", "  - choose_faq:\n", "  - pick_faq:\n", "domain.yml:",
     "'choose_faq' is missing"),
    ("domain.yml", "  plus_kod:\n", "  the_code:\n", "domain.yml:", "slot 'plus_kod' is missing"),
    ("domain.yml", "      - na_karte\n", "      - na_karte\n      - plush\n", "domain.yml:",
     "values of the slot 'offer_type'"),
    ("domain.yml", "  activation_proof:\n    type: text\n    influence_conversation: false\n"
                   "    mappings:\n      - type: custom",
     "  activation_proof:\n    type: text\n    influence_conversation: false\n"
     "    mappings:\n      - type: from_text", "domain.yml:", "'activation_proof' must have only"),
    ("domain.yml", "  utter_prepaid_not_available:", "  utter_prepaid_refused:", "domain.yml:",
     "'utter_prepaid_not_available' is missing"),
    ("config.yml", "      choose_faq: [faq_topic]", "      choose_faq: [faq_topic, phone_number]",
     "config.yml:", "allowed_commands"),
    ("config.yml", "      deny: []\n", "", "config.yml:", "allowed_commands"),
    ("config.yml", "    retrieval_intent: faq\n", "    retrieval_intent: pytania\n",
     "config.yml:", "LinearIntentClassifier's retrieval_intent is 'pytania'"),
    ("config.yml", "  - name: pluskod.policies.DeclaredPrepaidPolicy",
     "  - name: pluskod.policies.DeclaredPrepaidPolicy\n    values: [na_karte]", "config.yml:",
     "DeclaredPrepaidPolicy's values"),
    ("endpoints.yml", "    - new_plus_kod_confirmation\n", "", "endpoints.yml:", "secret_slots"),
    ("endpoints.yml", "  type: pluskod.tracker_store.RedactingSQLTrackerStore",
     "  type: SQL", "endpoints.yml:", "tracker_store type is 'SQL'"),
    ("credentials.yml", "pluskod.channels.WebChatInput:\n  required_tracker_store: "
                        "pluskod.tracker_store.RedactingSQLTrackerStore",
     "pluskod.channels.WebChatInput:\n  required_tracker_store: rasa.core.tracker_store."
     "InMemoryTrackerStore", "credentials.yml:", "WebChatInput requires the tracker store"),
]


@pytest.mark.parametrize("name, old, new, where, says", CASES,
                         ids=[f"{c[0]}:{c[4][:30]}" for c in CASES])
def test_a_file_that_disagrees_is_one_error_with_file_and_line(project, name, old, new,
                                                               where, says):
    edit(project / name, old, new)
    found = disagreements(project)
    assert len(found) == 1, found
    assert found[0].startswith(where) and says in found[0], found[0]
    line = int(found[0].split(":")[1])
    assert 1 <= line <= len((project / name).read_text().splitlines())
    assert found[0].endswith("(the code's name is in pluskod/core/names.py)")


def test_the_line_is_where_the_disagreement_is(project):
    path = project / "endpoints.yml"
    edit(path, "    - new_plus_kod_confirmation\n", "")
    assert disagreements(project)[0].startswith(f"endpoints.yml:{line_of(path, 'secret_slots')}:")


def test_make_check_content_reports_a_disagreement(project, root):
    for name in ("data", "docs"):
        shutil.copytree(root / name, project / name)
    edit(project / "config.yml", "      choose_faq: [faq_topic]", "      choose_faq: []")
    errors = check(project).errors
    assert any(e.startswith("config.yml:") and "allowed_commands" in e for e in errors), errors
    # and the buttons that now carry an entity the guard would drop are named too
    assert any("carries an entity that /choose_faq may not carry (allowed: none)" in e
               for e in errors), errors
