"""The studio's reading and writing of the content: every file keeps its bytes through a
round trip, and an edit changes only what the editor changed."""

import difflib

import pytest
import yaml

from editor_tools.check_content import check
from studio.content import Button, Content, ContentError, chosen_faq_payload, dump, load


def changed_lines(before: str, after: str):
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                                  lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_every_file_the_studio_may_write_keeps_its_bytes(project):
    files = sorted((project / "data").rglob("*.yml")) + [project / "domain.yml"]
    assert len(files) > 25
    assert [p for p in files if dump(load(p)) != p.read_text(encoding="utf-8")] == []


def test_a_topic_reads_as_the_file_says(project):
    topic = Content(project).topic("cost")
    raw = yaml.safe_load((project / "data/faq/cost.yml").read_text(encoding="utf-8"))
    answer = raw["responses"]["utter_faq/cost"][0]
    assert topic.title == answer["metadata"]["title"]
    assert topic.text == answer["text"].rstrip("\n")
    assert [(b.title, b.payload) for b in topic.buttons] == [
        (b["title"], b["payload"]) for b in answer["buttons"]]
    assert len(topic.examples) == len(raw["nlu"][0]["examples"].strip().splitlines())


def test_changing_an_answer_changes_only_its_line(project):
    path = project / "data/faq/cost.yml"
    before = path.read_text(encoding="utf-8")
    content = Content(project)
    topic = content.topic("cost")
    topic.text = topic.text.replace("nie będę zgadywać", "nie zgaduję")
    content.save_topic(topic)
    after = path.read_text(encoding="utf-8")
    old = [line for line in before.splitlines() if "nie będę zgadywać" in line][0]
    assert changed_lines(before, after) == ["-" + old,
                                            "+" + old.replace("nie będę zgadywać", "nie zgaduję")]
    assert after.startswith("# Temat: Ile kosztuje Plus Kod?")
    assert check(project).errors == []


def test_adding_and_removing_examples_and_buttons(project):
    content = Content(project)
    topic = content.topic("cost")
    topic.examples = topic.examples[1:] + ["  czy   za plus kod jest abonament  "]
    topic.buttons = topic.buttons[:1] + [Button("Konsultant", "/human_handoff")]
    content.save_topic(topic)
    again = content.topic("cost")
    assert again.examples == topic.examples[:-1] + ["czy za plus kod jest abonament"]
    assert [(b.title, b.payload) for b in again.buttons] == [
        ("Co to jest Plus Kod?", chosen_faq_payload("what_is_plus_kod")),
        ("Konsultant", "/human_handoff")]
    assert check(project).errors == []


def test_a_new_topic_is_a_valid_faq_file(project):
    content = Content(project)
    examples = [f"pytanie o zgubiony telefon numer {n}" for n in range(25)]
    topic = content.add_topic("lost_phone", "Zgubiłem telefon", "Zadzwoń do konsultanta.",
                              [Button("Konsultant", "/human_handoff")], examples)
    assert topic.name == "lost_phone" and topic.examples == examples
    assert topic.text == "Zadzwoń do konsultanta." and topic.title == "Zgubiłem telefon"
    assert "lost_phone" in content.topic_names()
    assert check(project).errors == []


@pytest.mark.parametrize("name", ["Lost", "x", "zgubiony-telefon", "../../etc", "ąę", "cost"])
def test_a_bad_or_taken_topic_name_is_refused_in_polish(project, name):
    before = sorted(p.name for p in (project / "data/faq").iterdir())
    with pytest.raises(ContentError, match="Nazwa tematu|już istnieje"):
        Content(project).add_topic(name, "T", "Odpowiedź.", [], ["a"] * 25)
    assert sorted(p.name for p in (project / "data/faq").iterdir()) == before


@pytest.mark.parametrize("name", ["../domain", "nope", "cost/../cost"])
def test_an_unknown_topic_is_refused(project, name):
    with pytest.raises(ContentError, match="Nie ma tematu"):
        Content(project).topic(name)


def test_adding_one_example_to_an_intent_changes_one_line(project):
    path = project / "data/nlu/out_of_scope.yml"
    before = path.read_text(encoding="utf-8")
    Content(project).add_example("out_of_scope", "jaka będzie jutro pogoda w Gdańsku")
    assert changed_lines(before, path.read_text(encoding="utf-8")) == [
        "+    - jaka będzie jutro pogoda w Gdańsku"]


def test_adding_an_example_to_a_topic(project):
    content = Content(project)
    content.add_example("faq/cost", "a ile zapłacę za ten kod")
    assert content.topic("cost").examples[-1] == "a ile zapłacę za ten kod"
    content.add_example("faq/cost", "a ile zapłacę za ten kod")
    assert content.topic("cost").examples.count("a ile zapłacę za ten kod") == 1


def test_changing_a_response_text_in_the_domain_changes_only_its_line(project):
    path = project / "domain.yml"
    before = path.read_text(encoding="utf-8")
    content = Content(project)
    goodbye = [r for r in content.responses() if r.name == "utter_goodbye"][0]
    content.save_response_text("utter_goodbye", 0, goodbye.texts[0] + " Miłego dnia!")
    assert changed_lines(before, path.read_text(encoding="utf-8")) == [
        f'-  - text: "{goodbye.texts[0]}"', f'+  - text: "{goodbye.texts[0]} Miłego dnia!"']


def test_a_rule_is_appended_and_reads_back_as_a_conversation(project):
    content = Content(project)
    content.add_rule("pogoda - odpowiedz poza tematem", "out_of_scope", "utter_out_of_scope")
    last = content.conversations()
    rule = [c for c in last if c.name == "pogoda - odpowiedz poza tematem"][0]
    assert rule.kind == "rule"
    assert [(s.who, s.text) for s in rule.steps] == [("klient", "out_of_scope"),
                                                      ("asystent", "utter_out_of_scope")]
    assert check(project).errors == []
