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
    ("domain.yml", "- choose_faq:\n", "- pick_faq:\n", "domain.yml:",
     "'choose_faq' is missing"),
    ("domain.yml", "  plus_kod:\n", "  the_code:\n", "domain.yml:", "slot 'plus_kod' is missing"),
    ("domain.yml", "    - na_karte\n", "    - na_karte\n    - plush\n", "domain.yml:",
     "values of the slot 'offer_type'"),
    ("domain.yml", "  activation_proof:\n    type: text\n    influence_conversation: false\n"
                   "    mappings:\n    - type: custom",
     "  activation_proof:\n    type: text\n    influence_conversation: false\n"
     "    mappings:\n    - type: from_text", "domain.yml:", "'activation_proof' must have only"),
    ("domain.yml", "  utter_prepaid_not_available:", "  utter_prepaid_refused:", "domain.yml:",
     "'utter_prepaid_not_available' is missing"),
    ("domain.yml", "  change_code_form:\n    required_slots:\n    - plus_kod\n",
     "  change_code_form:\n    required_slots:\n", "domain.yml:",
     "'change_code_form' must ask for exactly 'plus_kod'"),
    ("domain.yml", "  change_code_form:\n", "  changing_form:\n", "domain.yml:",
     "'change_code_form' is missing"),
    ("domain.yml", "- change_kod5\n", "", "domain.yml:", "'change_kod5' is missing"),
    ("config.yml", "      change_kod5: []\n", "", "config.yml:", "allowed_commands"),
    ("config.yml", "      choose_faq: [faq_topic]", "      choose_faq: [faq_topic, phone_number]",
     "config.yml:", "allowed_commands"),
    ("config.yml", "      deny: []\n", "", "config.yml:", "allowed_commands"),
    ("config.yml", "    retrieval_intent: faq\n", "    retrieval_intent: pytania\n",
     "config.yml:", "LinearIntentClassifier's retrieval_intent is 'pytania'"),
    ("config.yml", "  - name: pluskod.policies.DeclaredPrepaidPolicy",
     "  - name: pluskod.policies.DeclaredPrepaidPolicy\n    values: [na_karte]", "config.yml:",
     "DeclaredPrepaidPolicy's values"),
    ("endpoints.yml", "    - new_plus_kod_confirmation\n", "", "endpoints.yml:", "secret_slots"),
    ("endpoints.yml", "Bearer ${PLUSKOD_ACTION_TOKEN}", "Bearer ${ACTION_TOKEN}", "endpoints.yml:",
     "must send 'Authorization: Bearer ${PLUSKOD_ACTION_TOKEN}'"),
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


def test_the_line_is_the_key_not_a_comment_mentioning_it(project):
    path = project / "endpoints.yml"
    edit(path, "  type: pluskod.tracker_store.RedactingSQLTrackerStore", "  type: sql")
    found = disagreements(project)
    assert found == [f"endpoints.yml:{line_of(path, '  type: sql')}: tracker_store type is "
                     f"'sql', not 'pluskod.tracker_store.RedactingSQLTrackerStore' (the code's "
                     f"name is in pluskod/core/names.py)"]


def test_each_line_is_exact(project):
    cases = [("config.yml", "      choose_faq: [faq_topic]", "      choose_faq: []"),
             ("domain.yml", "    - na_karte\n", "    - na_kartę\n"),
             ("credentials.yml", "  required_tracker_store: pluskod.tracker_store."
                                 "RedactingSQLTrackerStore\n  # longest message accepted, as",
              "  required_tracker_store: x\n  # longest message accepted, as")]
    for name, old, new in cases:
        edit(project / name, old, new)
    found = disagreements(project)
    assert [f.split(": ", 1)[0] for f in found] == [
        f"domain.yml:{line_of(project / 'domain.yml', '    values:')}",
        f"config.yml:{line_of(project / 'config.yml', 'allowed_commands:')}",
        f"credentials.yml:{line_of(project / 'credentials.yml', 'required_tracker_store: x')}",
    ], found


ODD_SHAPES = [
    ("domain.yml", "slots:\n", "slots: []\nold_slots:\n"),
    ("domain.yml", "forms:\n", "forms: [a]\nold_forms:\n"),
    ("domain.yml", "  activation_proof:\n    type: text\n    influence_conversation: false\n"
                   "    mappings:\n    - type: custom",
     "  activation_proof:\n    type: text\n    influence_conversation: false\n"
     "    mappings:\n    - custom"),
    ("domain.yml", "  activation_proof:\n    type: text", "  activation_proof: text\n  x:\n"
                                                         "    type: text"),
    ("domain.yml", "    values:\n    - abonament\n    - na_karte\n    - mix\n",
     "    values: abonament\n"),
    ("domain.yml", "    - phone_number\n    - plus_kod\n  activation_form:",
     "      phone_number: 1\n  activation_form:"),
    ("domain.yml", "intents:\n", "intents: faq\nold_intents:\n"),
    ("domain.yml", "responses:\n", "responses: []\nold_responses:\n"),
    ("config.yml", "    allowed_commands:\n", "    allowed_commands: [verify_code]\n    old:\n"),
    ("config.yml", "      choose_faq: [faq_topic]", "      choose_faq: faq_topic"),
    ("config.yml", "pipeline:\n", "pipeline: spacy\nold_pipeline:\n"),
    ("endpoints.yml", "tracker_store:\n  type: pluskod.tracker_store.RedactingSQLTrackerStore",
     "tracker_store: sql\nold_store:\n  type: pluskod.tracker_store.RedactingSQLTrackerStore"),
    ("endpoints.yml", "    - plus_kod\n", "    - 1\n"),
    ("credentials.yml", "pluskod.channels.WebChatInput:\n",
     "pluskod.channels.WebChatInput: [a]\nold_web:\n"),
]


@pytest.mark.parametrize("name, old, new", ODD_SHAPES, ids=[f"{c[0]}:{i}" for i, c
                                                           in enumerate(ODD_SHAPES)])
def test_odd_shapes_are_reported_never_raised(project, root, name, old, new):
    edit(project / name, old, new)
    found = disagreements(project)
    assert found and all(f.startswith(f"{name}") for f in found), found
    for name_ in ("data", "docs"):
        shutil.copytree(root / name_, project / name_)
    assert check(project).errors          # and the whole check reports, without raising


@pytest.mark.parametrize("text", ["- a\n- b\n", "just text\n", "42\n"])
def test_a_file_that_is_not_a_mapping_is_one_error(project, text):
    (project / "credentials.yml").write_text(text, encoding="utf-8")
    assert disagreements(project) == [
        "credentials.yml: the file must be a mapping (key: value lines), not "
        f"{type(__import__('yaml').safe_load(text)).__name__} "
        "(the code's name is in pluskod/core/names.py)"]
