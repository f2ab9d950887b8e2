"""The editors' check on a copy of the real content, broken the ways editors break it."""

import itertools
import shutil
import subprocess
import sys

import pytest
import yaml

from editor_tools.check_content import TEST_SETS, check, examples_of, sentence_key
from pluskod.core.folding import fold
from tests.editor_tools.conftest import edit


@pytest.fixture
def content(root, tmp_path):
    for name in ("data", "docs"):
        shutil.copytree(root / name, tmp_path / name)
    for name in ("domain.yml", "config.yml", "endpoints.yml", "credentials.yml", *TEST_SETS):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(root / name, tmp_path / name)
    return tmp_path


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
    result = subprocess.run([sys.executable, "-m", "editor_tools.check_content"], cwd=content,
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "data/nlu/greet.yml:" in result.stderr and "Traceback" not in result.stderr


def first_example(path):
    block = yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"][0]
    return block["intent"], examples_of(block)[0]


def line_of(path, example):
    return path.read_text(encoding="utf-8").splitlines().index(f"    - {example}") + 1


@pytest.mark.parametrize("test_set", TEST_SETS)
def test_a_test_sentence_copied_into_training_is_refused(content, test_set):
    intent, sentence = first_example(content / test_set)
    topic = intent.split("/")[1]
    path = content / f"data/faq/{topic}.yml"
    # varied the way editors vary a sentence: case, Polish letters, punctuation
    variant = fold(sentence).upper().rstrip("?!.") + " !"
    edit(path, "  examples: |\n", f"  examples: |\n    - {variant}\n")
    assert check(content).errors == [
        f"data/faq/{topic}.yml:{line_of(path, variant)}: the example {variant!r} is a sentence "
        f"of the test set {test_set}; write a training example of your own (a copied test "
        f"sentence makes the measured quality worthless)"]


def test_the_shipped_test_sets_share_no_sentence_with_each_other(root):
    keys = []
    for name in TEST_SETS:
        content = yaml.safe_load((root / name).read_text(encoding="utf-8"))
        keys.append({sentence_key(e) for block in content["nlu"] for e in examples_of(block)})
    assert len(keys) == len(TEST_SETS) >= 2 and all(keys)
    for first, second in itertools.combinations(keys, 2):
        assert not first & second


ODD_CONTENT = [
    ("data/faq/cost.yml", "responses:\n  utter_faq/cost:\n  - text: |",
     "responses:\n- utter_faq/cost\nold:\n  - text: |", "'responses:' must hold"),
    ("data/faq/cost.yml", "  utter_faq/cost:\n  - text: |", "  utter_faq/cost: just text\n"
                                                            "  old:\n  - text: |",
     "utter_faq/cost: each variation must be"),
    ("data/faq/cost.yml", "    metadata:\n      title:", "    metadata: title\n    old:\n"
                                                         "      title:",
     "utter_faq/cost: 'metadata:' must hold"),
    ("domain.yml", "    buttons:\n    - title: \"Co to jest Plus Kod?\"",
     "    buttons:\n    - Co to jest Plus Kod?\n    - title: \"Co to jest Plus Kod?\"",
     "utter_greet: each button must be"),
    ("data/faq/cost.yml", "nlu:\n- intent: faq/cost", "nlu: faq/cost\nold:\n- intent: faq/cost",
     "must hold exactly the intent 'faq/cost'"),
    ("tests/nlu/dev.yml", "nlu:\n", "nlu: oops\nold:\n", None),
]


@pytest.mark.parametrize("name, old, new, says", ODD_CONTENT,
                         ids=[f"{c[0]}:{i}" for i, c in enumerate(ODD_CONTENT)])
def test_odd_shapes_from_editors_are_reported_with_file_and_line(content, name, old, new, says):
    edit(content / name, old, new)
    errors = check(content).errors
    if says is None:     # a test set of an odd shape only has no sentences to compare with
        assert errors == []
        return
    mine = [e for e in errors if says in e]
    assert mine and all(e.startswith(f"{name}:") for e in mine), errors


def test_the_command_line_never_shows_a_stack_even_when_the_check_breaks(content):
    # a YAML that parses and then breaks an assumption deep down: a response name that is a list
    edit(content / "data/faq/cost.yml", "  utter_faq/cost:\n", "  ? [utter_faq, cost]\n  : \n"
                                                               "  utter_faq/cost:\n")
    result = subprocess.run([sys.executable, "-m", "editor_tools.check_content"], cwd=content,
                            capture_output=True, text=True)
    assert "Traceback" not in result.stderr and result.returncode in (0, 1, 2)


def test_the_shipped_content_has_no_warnings(content):
    assert check(content).warnings == []


@pytest.mark.parametrize("planted", ["Ile kosztuje plus kod", "ILE KOSZTUJE PLUS-KOD?!",
                                     "plus kod ile kosztuje", "Ile kosztuje pluskod",
                                     "Ile kosztjue Plus Kod?"])
def test_an_example_nearly_repeating_another_topics_is_a_warning_naming_both_sides(
        content, planted):
    edit(content / "data/faq/how_to_get.yml", "  examples: |\n",
         f"  examples: |\n    - {planted}\n")
    report = check(content)
    assert report.errors == []
    assert (f"data/faq/how_to_get.yml:11: the example {planted!r} (faq/how_to_get) nearly "
            f"repeats 'Ile kosztuje Plus Kod?' (faq/cost, data/faq/cost.yml:11); the model cannot "
            f"tell them apart: keep it in one place, or reword one of them") in report.warnings
    # every warning is about the planted example (another cost question may be near it too)
    assert all(w.startswith(f"data/faq/how_to_get.yml:11: the example {planted!r} "
                            f"(faq/how_to_get) nearly repeats ") for w in report.warnings)


@pytest.mark.parametrize("different", ["Ile kosztuje Plus Kod 5?", "Ile kosztowal Plus Kod?",
                                       "Ile kosztuje nowy Plus Kod?"])
def test_a_different_question_is_no_conflict(content, different):
    edit(content / "data/faq/how_to_get.yml", "  examples: |\n",
         f"  examples: |\n    - {different}\n")
    assert [w for w in check(content).warnings if "nearly repeats" in w
            and repr(different) in w] == []


@pytest.mark.parametrize("example", ["mój numer 601 234 567, jak dostać kod",
                                     "jak dostać kod na +48601234567",
                                     "dostałem kod 48213 czy jest dobry"])
def test_a_phone_number_or_code_in_a_faq_example_is_a_warning(content, example):
    edit(content / "data/faq/how_to_get.yml", "  examples: |\n",
         f"  examples: |\n    - {example}\n")
    warnings = check(content).warnings
    assert len(warnings) == 1
    assert warnings[0].startswith(f"data/faq/how_to_get.yml:11: the example {example!r} "
                                  f"(faq/how_to_get) holds what looks like a phone number")


def test_an_answer_over_the_length_limit_is_refused(content):
    edit(content / "data/faq/cost.yml", "W moich materiałach",
         "Bardzo długa odpowiedź. " * 30 + "W moich materiałach")
    errors = check(content).errors
    assert len(errors) == 1
    assert errors[0].startswith("data/faq/cost.yml:")
    assert "utter_faq/cost: the answer has" in errors[0] and "at most 700" in errors[0]


def test_a_draft_is_checked_instead_of_the_file_and_the_file_is_left_alone(content):
    path = content / "data/faq/cost.yml"
    before = path.read_text(encoding="utf-8")
    draft = before.replace("W moich materiałach nie ma informacji o cenie Plus Kodu",
                           "Plus Kod kosztuje 9 zł")
    report = check(content, drafts={path: draft})
    assert any("'9'" in e for e in report.errors)
    assert path.read_text(encoding="utf-8") == before
    assert check(content).errors == []


def test_a_draft_of_a_new_topic_is_checked_as_a_topic(content):
    path = content / "data/faq/new_topic.yml"
    draft = ('version: "3.1"\nnlu:\n- intent: faq/new_topic\n  examples: |\n    - pytanie\n'
             'responses:\n  utter_faq/new_topic:\n  - text: "Odpowiedź."\n'
             '    metadata:\n      title: "Nowe"\n')
    errors = check(content, drafts={path: draft}).errors
    assert errors == ["data/faq/new_topic.yml: has 1 examples; at least 25 are needed"]
    assert not path.exists()


def test_every_problem_has_its_polish_line_for_the_editors(content):
    edit(content / "data/faq/cost.yml", "W moich materiałach nie ma informacji o cenie Plus Kodu",
         "Plus Kod kosztuje 9 zł")
    edit(content / "data/faq/how_to_get.yml", "  examples: |\n",
         "  examples: |\n    - Ile kosztuje plus kod\n    - mój numer 601 234 567\n")
    report = check(content)
    assert len(report.errors_pl) == len(report.errors) == 1
    assert report.errors_pl[0].startswith("data/faq/cost.yml:")
    assert "liczby '9' nie ma w źródłach" in report.errors_pl[0]
    assert len(report.warnings_pl) == len(report.warnings) >= 2
    assert any("prawie powtarza" in w for w in report.warnings_pl)
    assert any("wygląda na numer telefonu" in w for w in report.warnings_pl)
    # the places are the same in both languages
    assert [w.split(": ")[0] for w in report.warnings_pl] == \
        [w.split(": ")[0] for w in report.warnings]


@pytest.mark.parametrize("example", ["ile to [kosztuje]{nope}", 'ile [to]{"entity": "price"}',
                                     "ile [to](price)", 'ile [to]{"value": "x"}'])
def test_entity_markup_rasa_cannot_read_is_refused(content, example):
    edit(content / "data/faq/cost.yml", "  examples: |\n", f"  examples: |\n    - {example}\n")
    errors = check(content).errors
    assert len(errors) == 1
    assert errors[0].startswith(f"data/faq/cost.yml:11: the example {example!r} (faq/cost) "
                                f"marks ")


def test_well_formed_entity_markup_passes(content):
    edit(content / "data/faq/cost.yml", "  examples: |\n",
         '  examples: |\n    - mam [abonament]{"entity": "offer_type", "value": "abonament"} '
         'czy placę\n    - a na [karte](offer_type:na_karte)?\n')
    assert [e for e in check(content).errors if "marks" in e] == []


def test_a_rule_contradicting_another_is_refused(content):
    with open(content / "data/rules.yml", "a", encoding="utf-8") as rules:
        rules.write("\n- rule: powitanie - pozegnaj\n  steps:\n  - intent: greet\n"
                    "  - action: utter_goodbye\n")
    errors = check(content).errors
    assert len(errors) == 1
    assert errors[0].startswith("data/rules.yml:")
    assert "answers utter_goodbye where rule" in errors[0] and "utter_greet" in errors[0]


@pytest.mark.parametrize("slot", ["plus_kod", "new_plus_kod", "verification_proof"])
def test_a_response_may_not_print_a_secret_slot(content, slot):
    edit(content / "domain.yml", "Do widzenia!", f"Do widzenia {{{slot}}}!")
    errors = check(content).errors
    assert len(errors) == 1 and f"{{{slot}}} would print a secret slot" in errors[0]
