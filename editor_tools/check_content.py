"""Check the editors' files before training: clear errors with file and line, no tracebacks.

    python -m editor_tools.check_content      (or: make check-content)

Checks that every YAML file parses; that each FAQ file data/faq/<topic>.yml holds the intent
faq/<topic> with at least MIN_EXAMPLES examples and its answer utter_faq/<topic> with a title;
that every button payload is one the assistant accepts (see InputGuard in config.yml, and
:func:`pluskod.core.names.is_allowed_command`); that the YAML files agree with the names the
code uses (:mod:`editor_tools.agreement`); and
that every number in an answer appears in the sources (docs/sources/), so no price, phone
number or deadline is invented (a prompt whose numbers only show a format, like
"np. 600 100 200", says so with ``metadata: {numbers: format examples}``); and that no
training example repeats a sentence of the held-out or development test sets (tests/nlu/),
which would make the measured quality a lie; that no answer is longer than MAX_ANSWER_CHARS.

It also *warns* (the check still passes, the studio shows the warnings beside the text) of an
example that nearly repeats one of another intent or topic (:mod:`editor_tools.similarity`),
both sides with file and line, and of an example that holds what looks like a phone number or
a code where customers do not give theirs (a real customer's data must never become a
training example).

The studio (:mod:`studio`) runs the same :func:`check` on an editor's draft: ``drafts`` maps a
file to the text it would have, and the check reads that text instead of the file.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Set, Tuple

import yaml

from editor_tools.agreement import disagreements
from editor_tools.similarity import near_pairs
from pluskod.core.folding import fold
from pluskod.core.masking import holds_a_code
from pluskod.core.names import (
    FAQ_TOPIC_ENTITY,
    RETRIEVAL_INTENT,
    SEALED_SLOTS,
    SECRET_SLOTS,
    faq_response,
    is_allowed_command,
    parse_command,
)
from pluskod.core.phones import find_phones

MIN_EXAMPLES = 25
#: sentences the model is measured on: never training examples
TEST_SETS = ("tests/nlu/heldout.yml", "tests/nlu/heldout2.yml", "tests/nlu/dev.yml",
             "tests/nlu/dev2.yml", "tests/nlu/dev3.yml", "tests/nlu/dev4.yml",
             "tests/nlu/dev5.yml", "tests/nlu/dev6.yml", "tests/nlu/dev7.yml")
#: PyYAML's safe loader, in C when libyaml is there (six times faster: the studio checks
#: a draft as the editor types)
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: the longest answer the chat widget shows without a wall of text
MAX_ANSWER_CHARS = 700
#: intents whose examples are customers giving their number or code: there a number or a code
#: in an example is expected (and made up)
DATA_INTENTS = ("inform", "verify_code", "activate_code")
#: Rasa's entity markup in an example: [text](entity), [text](entity:value), [text]{json}
ENTITY_MARKUP = re.compile(r"\[(?P<text>[^\]]+?)\](?:\((?P<name>[^:)]+?)(?::[^)]+)?\)"
                           r"|\{(?P<dict>[^}]*?)\})")
PLACEHOLDER = re.compile(r"(?<!\{)\{(\w+)\}(?!\})")
ANNOTATION = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")
NUMBER = re.compile(r"\d+(?:[ -]\d+)*")


@dataclass
class Report:
    root: Path = field(default_factory=Path.cwd)
    errors: List[str] = field(default_factory=list)
    warnings: List[str] = field(default_factory=list)
    #: the same problems in Polish, for the editors' studio (English where a developer's
    #: problem has no Polish text: the names the code and the YAML share)
    errors_pl: List[str] = field(default_factory=list)
    warnings_pl: List[str] = field(default_factory=list)
    #: file -> the text an editor's draft would give it (read instead of the file)
    drafts: Dict[Path, str] = field(default_factory=dict)

    def where(self, path: Path, line: Optional[int] = None) -> str:
        try:
            where = str(path.relative_to(self.root))
        except ValueError:
            where = str(path)
        return where if line is None else f"{where}:{line}"

    def error(self, path: Path, message: str, line: Optional[int] = None,
              pl: Optional[str] = None) -> None:
        self.errors.append(f"{self.where(path, line)}: {message}")
        self.errors_pl.append(f"{self.where(path, line)}: {pl or message}")

    def warn(self, path: Path, message: str, line: Optional[int] = None,
             pl: Optional[str] = None) -> None:
        self.warnings.append(f"{self.where(path, line)}: {message}")
        self.warnings_pl.append(f"{self.where(path, line)}: {pl or message}")

    def text(self, path: Path) -> str:
        draft = self.drafts.get(path)
        return draft if draft is not None else path.read_text(encoding="utf-8")


def load_yaml(path: Path, report: Report) -> Optional[Any]:
    try:
        return yaml.load(report.text(path), Loader=SAFE_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        report.error(path, f"not valid YAML ({problem}); check indentation and that each "
                           f"example line starts with '    - '",
                     line=mark.line + 1 if mark else None,
                     pl=f"plik YAML jest uszkodzony ({problem}); sprawdź wcięcia i to, że "
                        f"każdy przykład zaczyna się od '    - '")
    except UnicodeDecodeError:
        report.error(path, "not UTF-8 text; save the file as UTF-8",
                     pl="plik nie jest tekstem UTF-8; zapisz go jako UTF-8")
    return None


def examples_of(block: Dict[str, Any]) -> List[str]:
    text = block.get("examples") or ""
    if not isinstance(text, str):
        return []
    return [line.strip()[2:] for line in text.splitlines() if line.strip().startswith("- ")]


def source_numbers(sources: Path) -> Set[str]:
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(sources.glob("*")) if p.is_file())
    numbers = {re.sub(r"\D", "", n) for n in NUMBER.findall(text)}
    # single numbers inside grouped ones too ("601 102 601" -> "601", "102")
    numbers |= set(re.findall(r"\d+", text))
    return numbers


def allowed_commands(config_path: Path) -> Dict[str, List[str]]:
    """The input guard's commands as config.yml lists them ({} when it cannot be read: the
    agreement check reports why)."""
    config = yaml.load(config_path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    pipeline = config.get("pipeline") if isinstance(config, dict) else None
    for component in pipeline if isinstance(pipeline, list) else []:
        if isinstance(component, dict) and str(component.get("name", "")).endswith("InputGuard"):
            commands = component.get("allowed_commands")
            if isinstance(commands, dict):
                return {str(intent): entities if isinstance(entities, list) else []
                        for intent, entities in commands.items()}
    return {}


def responses_of(path: Path, content: Any, report: Report) -> Dict[str, List[Dict[str, Any]]]:
    """A file's responses, each a list of variations that are mappings; anything shaped
    otherwise is reported (with the line of the response) and left out."""
    responses = content.get("responses") if isinstance(content, dict) else None
    if responses is None:
        return {}
    if not isinstance(responses, dict):
        report.error(path, "'responses:' must hold response names, each with its '- text:' "
                           "variations", line=line_of(path, "responses:", report),
                     pl="pod 'responses:' muszą być nazwy odpowiedzi, każda z wariantami "
                        "'- text:'")
        return {}
    out: Dict[str, List[Dict[str, Any]]] = {}
    for name, variations in responses.items():
        if variations is None:
            continue
        if not isinstance(variations, list) or not all(isinstance(v, dict) for v in variations):
            report.error(path, f"{name}: each variation must be a '- text: ...' entry",
                         line=line_of(path, f"{name}:", report),
                         pl=f"{name}: każdy wariant musi być wpisem '- text: ...'")
            continue
        cleaned = []
        for variation in variations:
            buttons, metadata = variation.get("buttons"), variation.get("metadata")
            if buttons is not None and not (isinstance(buttons, list)
                                            and all(isinstance(b, dict) for b in buttons)):
                report.error(path, f"{name}: each button must be a '- title: ...' entry with "
                                   f"its 'payload:'", line=line_of(path, f"{name}:", report),
                             pl=f"{name}: każdy przycisk musi być wpisem '- title: ...' z "
                                f"'payload:'")
                buttons = []
            if metadata is not None and not isinstance(metadata, dict):
                report.error(path, f"{name}: 'metadata:' must hold 'key: value' lines",
                             line=line_of(path, f"{name}:", report),
                             pl=f"{name}: pod 'metadata:' muszą być wiersze 'klucz: wartość'")
                metadata = {}
            cleaned.append({**variation, "buttons": buttons or [], "metadata": metadata or {}})
        out[str(name)] = cleaned
    return out


def line_of(path: Path, needle: str, report: Optional[Report] = None) -> Optional[int]:
    try:
        lines = (report.text(path) if report else path.read_text(encoding="utf-8")).splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return next((n for n, text in enumerate(lines, 1) if needle in text), None)


def check_buttons(path: Path, responses: Dict[str, List[Dict[str, Any]]],
                  commands: Dict[str, List[str]],
                  topics: Set[str], report: Report) -> None:
    for name, variations in responses.items():
        for variation in variations:
            for button in variation["buttons"]:
                written = str(button.get("payload", ""))
                if "{" in written and "{{" not in written:
                    report.error(path, f"{name}: write braces in a payload doubled "
                                       f"('{{{{' and '}}}}'): Rasa fills single braces as "
                                       f"slot placeholders and logs an error",
                                 pl=f"{name}: nawiasy klamrowe w 'payload' pisz podwójnie "
                                    f"('{{{{' i '}}}}')")
                    continue
                payload = written.replace("{{", "{").replace("}}", "}")
                command = parse_command(payload)
                if command is None or command.intent not in commands:
                    report.error(path, f"{name}: button payload {payload!r} is not one the "
                                       f"assistant accepts ({', '.join(sorted(commands))})",
                                 pl=f"{name}: przycisk z poleceniem {payload!r}, którego "
                                    f"asystent nie przyjmuje; wybierz cel przycisku z listy")
                    continue
                if command.entities is None:
                    report.error(path, f"{name}: button payload {payload!r} has broken JSON "
                                       f"(write {{{{\"name\": \"value\"}}}})",
                                 pl=f"{name}: polecenie przycisku {payload!r} jest uszkodzone")
                    continue
                if not is_allowed_command(payload, commands):
                    allowed = ", ".join(commands[command.intent] or ()) or "none"
                    report.error(path, f"{name}: button payload {payload!r} carries an entity "
                                       f"that /{command.intent} may not carry (allowed: "
                                       f"{allowed}); the assistant would read it as text",
                                 pl=f"{name}: polecenie przycisku {payload!r} niesie dane, "
                                    f"których /{command.intent} nie przyjmuje")
                    continue
                topic = command.entities.get(FAQ_TOPIC_ENTITY)
                if topic is not None and topic not in topics:
                    report.error(path, f"{name}: button points to unknown FAQ topic {topic!r}",
                                 pl=f"{name}: przycisk prowadzi do tematu {topic!r}, którego "
                                    f"nie ma")


def check_numbers(path: Path, responses: Dict[str, List[Dict[str, Any]]], allowed: Set[str],
                  report: Report) -> None:
    for name, variations in responses.items():
        for variation in variations:
            if variation["metadata"].get("numbers") == "format examples":
                continue  # e.g. "np. 600 100 200" in a prompt: not a fact about the offer
            for number in NUMBER.findall(str(variation.get("text", ""))):
                digits = re.sub(r"\D", "", number)
                parts = re.findall(r"\d+", number)
                if digits not in allowed and not all(part in allowed for part in parts):
                    report.error(path, f"{name}: the number {number!r} is not in docs/sources/; "
                                       f"answers may only state what the sources say",
                                 pl=f"{name}: liczby {number!r} nie ma w źródłach "
                                    f"(docs/sources/); odpowiedź może mówić tylko to, co "
                                    f"mówią źródła (bez wymyślonych cen i terminów)")


def sentence_key(example: str) -> str:
    """What makes two examples the same sentence: entity markup, case, Polish letters,
    punctuation and spacing aside."""
    text = fold(ANNOTATION.sub(r"\1", example).lower())
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def measured_sentences(root: Path, report: Report) -> Dict[str, str]:
    """Sentence key -> the test set it belongs to."""
    found: Dict[str, str] = {}
    for name in TEST_SETS:
        path = root / name
        if not path.exists():
            continue
        content = load_yaml(path, report)
        nlu = content.get("nlu") if isinstance(content, dict) else None
        for block in nlu if isinstance(nlu, list) else []:
            if isinstance(block, dict):
                for example in examples_of(block):
                    found.setdefault(sentence_key(example), name)
    return found


def check_not_in_test_sets(path: Path, content: Dict[str, Any], tests: Dict[str, str],
                           report: Report) -> None:
    lines = report.text(path).splitlines()
    for block in content.get("nlu") or []:
        if not isinstance(block, dict):
            continue
        for example in examples_of(block):
            test_set = tests.get(sentence_key(example))
            if test_set is None:
                continue
            line = next((n for n, text in enumerate(lines, 1)
                         if text.strip() == f"- {example}"), None)
            report.error(path, f"the example {example!r} is a sentence of the test set "
                               f"{test_set}; write a training example of your own (a copied "
                               f"test sentence makes the measured quality worthless)", line=line,
                         pl=f"przykład {example!r} to zdanie ze zbioru testowego {test_set}; "
                            f"napisz własny przykład (skopiowane zdanie testowe psuje pomiar "
                            f"jakości)")


def yaml_files(root: Path, drafts: Iterable[Path] = ()) -> Iterable[Path]:
    data = set((root / "data").rglob("*.yml")) | {p for p in drafts if root / "data" in p.parents}
    yield from sorted(data)
    for name in ("domain.yml", "config.yml", "endpoints.yml", "credentials.yml"):
        if (root / name).exists():
            yield root / name


def example_lines(path: Path, report: Report) -> Dict[str, int]:
    """Example -> the line it is on (the first time), for messages."""
    lines: Dict[str, int] = {}
    for number, text in enumerate(report.text(path).splitlines(), 1):
        stripped = text.strip()
        if stripped.startswith("- "):
            lines.setdefault(stripped[2:], number)
    return lines


def intent_examples(parsed: Dict[Path, Any]) -> List[Tuple[Path, str, str]]:
    """(file, intent, example) of every training example."""
    found: List[Tuple[Path, str, str]] = []
    for path, content in parsed.items():
        nlu = content.get("nlu") if isinstance(content, dict) else None
        for block in nlu if isinstance(nlu, list) else []:
            if isinstance(block, dict) and "intent" in block:
                found.extend((path, str(block["intent"]), e) for e in examples_of(block))
    return found


def check_conflicts(examples: List[Tuple[Path, str, str]], report: Report) -> None:
    """Warn of each example that nearly repeats one of another intent, both sides shown."""
    lines: Dict[Path, Dict[str, int]] = {}

    def at(path: Path, example: str) -> str:
        if path not in lines:
            lines[path] = example_lines(path, report)
        return report.where(path, lines[path].get(example))

    pairs = near_pairs((sentence_key(e), (p, i, e)) for p, i, e in examples)
    for (path_a, intent_a, a), (path_b, intent_b, b) in pairs:
        if intent_a != intent_b:
            where = at(path_b, b)
            report.warnings.append(
                f"{where}: the example {b!r} ({intent_b}) nearly repeats {a!r} "
                f"({intent_a}, {at(path_a, a)}); the model cannot tell them apart: keep it in "
                f"one place, or reword one of them")
            report.warnings_pl.append(
                f"{where}: przykład {b!r} ({intent_b}) prawie powtarza {a!r} ({intent_a}, "
                f"{at(path_a, a)}); asystent ich nie odróżni: zostaw go w jednym miejscu albo "
                f"przeredaguj jeden z nich")


def check_private_data(examples: List[Tuple[Path, str, str]], report: Report) -> None:
    """Warn of a phone number (not marked as an entity) in an example where customers do not
    give theirs, and of what may be a code in a FAQ question."""
    lines: Dict[Path, Dict[str, int]] = {}
    for path, intent, example in examples:
        if intent in DATA_INTENTS:
            continue
        plain = ANNOTATION.sub("", example)  # annotated entities are made-up on purpose
        if find_phones(plain) or (intent.startswith(f"{RETRIEVAL_INTENT}/")
                                  and holds_a_code(plain)):
            if path not in lines:
                lines[path] = example_lines(path, report)
            report.warn(path, f"the example {example!r} ({intent}) holds what looks like a "
                              f"phone number or a Plus Kod; never copy a customer's real "
                              f"number or code into the examples (write another one, or leave "
                              f"the digits out)", line=lines[path].get(example),
                        pl=f"przykład {example!r} ({intent}) zawiera coś, co wygląda na numer "
                           f"telefonu albo Plus Kod; nigdy nie przepisuj prawdziwych danych "
                           f"klienta (napisz inny przykład albo pomiń cyfry)")


def check_entity_markup(examples: List[Tuple[Path, str, str]], entities: Set[str],
                        report: Report) -> None:
    """Refuse entity markup Rasa cannot read, or that names an entity the domain lacks (the
    training would stop on it)."""
    lines: Dict[Path, Dict[str, int]] = {}
    for path, intent, example in examples:
        for match in ENTITY_MARKUP.finditer(example):
            name = match.group("name")
            if match.group("dict") is not None:
                try:
                    parsed = json.loads("{" + match.group("dict") + "}")
                except ValueError:
                    parsed = None
                name = parsed.get("entity") if isinstance(parsed, dict) else None
            if name is None or str(name).strip() not in entities:
                if path not in lines:
                    lines[path] = example_lines(path, report)
                known = ", ".join(sorted(entities))
                report.error(path, f"the example {example!r} ({intent}) marks "
                                   f"{match.group(0)!r} as an entity Rasa cannot read or the "
                                   f"domain does not have (entities: {known})",
                             line=lines[path].get(example),
                             pl=f"przykład {example!r} ({intent}) ma oznaczenie "
                                f"{match.group(0)!r}, którego asystent nie odczyta; usuń "
                                f"nawiasy [ ] i {{ }} z przykładu")


def check_rules(parsed: Dict[Path, Any], report: Report) -> None:
    """Two rules that start the same way (the same intent and slot conditions, no condition
    of their own) but answer differently contradict each other: Rasa refuses to train."""
    seen: Dict[str, Tuple[str, Path, str]] = {}
    for path, content in parsed.items():
        rules = content.get("rules") if isinstance(content, dict) else None
        for rule in rules if isinstance(rules, list) else []:
            if not isinstance(rule, dict) or rule.get("condition") or \
                    rule.get("conversation_start"):
                continue
            raw = rule.get("steps")
            steps: List[Any] = raw if isinstance(raw, list) else []
            prefix = []
            for step in steps:
                if isinstance(step, dict) and "action" in step:
                    break
                prefix.append(json.dumps(step, sort_keys=True, default=str))
            actions = [s["action"] for s in steps if isinstance(s, dict) and "action" in s]
            if not prefix or not actions or not prefix[0].startswith('{"intent"'):
                continue
            key, name = " ".join(prefix), str(rule.get("rule", ""))
            if key in seen and seen[key][0] != actions[0]:
                other, other_path, other_name = seen[key]
                report.error(path, f"rule {name!r} answers {actions[0]} where rule "
                                   f"{other_name!r} ({report.where(other_path)}) answers {other} "
                                   f"to the same message; Rasa cannot train on both",
                             line=line_of(path, f"rule: {name}", report),
                             pl=f"reguła {name!r} odpowiada {actions[0]} tam, gdzie reguła "
                                f"{other_name!r} odpowiada {other} na to samo; obie naraz "
                                f"się wykluczają (usuń albo zmień jedną z nich)")
            seen.setdefault(key, (actions[0], path, name))


def check_placeholders(path: Path, responses: Dict[str, List[Dict[str, Any]]],
                       report: Report) -> None:
    """A response may not print a slot that holds a code or a sealed proof (Rasa fills
    ``{slot}`` with the conversation's current value)."""
    forbidden = set(SECRET_SLOTS) | set(SEALED_SLOTS)
    for name, variations in responses.items():
        for variation in variations:
            for slot in PLACEHOLDER.findall(str(variation.get("text") or "")):
                if slot in forbidden:
                    report.error(path, f"{name}: {{{slot}}} would print a secret slot to the "
                                       f"customer", line=line_of(path, f"{name}:", report),
                                 pl=f"{name}: {{{slot}}} pokazałoby klientowi tajną wartość "
                                    f"(kod); usuń to z tekstu")


def check_lengths(path: Path, responses: Dict[str, List[Dict[str, Any]]],
                  report: Report) -> None:
    for name, variations in responses.items():
        for variation in variations:
            length = len(str(variation.get("text") or "").strip())
            if length > MAX_ANSWER_CHARS:
                report.error(path, f"{name}: the answer has {length} characters; at most "
                                   f"{MAX_ANSWER_CHARS} fit in the chat window (shorten it, "
                                   f"or split it into a topic of its own)",
                             line=line_of(path, f"{name}:", report),
                             pl=f"{name}: odpowiedź ma {length} znaków, a w oknie czatu "
                                f"mieści się najwyżej {MAX_ANSWER_CHARS} (skróć ją albo "
                                f"wydziel osobny temat)")


def check(root: Optional[Path] = None, drafts: Optional[Dict[Path, str]] = None) -> Report:
    """Check the project in ``root`` (default: the current directory, as for ``rasa``), with
    ``drafts`` (file -> text) in place of those files."""
    root = Path.cwd() if root is None else root
    report = Report(root=root, drafts=dict(drafts or {}))
    parsed = {path: load_yaml(path, report) for path in yaml_files(root, report.drafts)}
    if report.errors:
        return report  # later checks would only repeat the syntax errors

    developer = disagreements(root)
    report.errors.extend(developer)
    report.errors_pl.extend(f"{line} (niezgodność z kodem: przekaż programiście)"
                            for line in developer)
    commands = allowed_commands(root / "config.yml")
    numbers = source_numbers(root / "docs" / "sources")
    faq_files = sorted(p for p in parsed if p.parent == root / "data" / "faq")
    topics = {p.stem for p in faq_files}

    for path in faq_files:
        content = parsed[path]
        topic, intent = path.stem, f"{RETRIEVAL_INTENT}/{path.stem}"
        if not isinstance(content, dict):
            report.error(path, "must hold 'nlu:' (the examples) and 'responses:' (the answer)",
                         pl="plik musi mieć 'nlu:' (przykłady) i 'responses:' (odpowiedź)")
            continue
        nlu = content.get("nlu")
        blocks = [b for b in nlu if isinstance(b, dict) and "intent" in b] \
            if isinstance(nlu, list) else []
        intents = {str(b["intent"]) for b in blocks}
        if intents != {intent}:
            report.error(path, f"must hold exactly the intent {intent!r} (found: "
                               f"{', '.join(sorted(intents)) or 'none'})",
                         pl=f"plik musi mieć dokładnie intencję {intent!r} (jest: "
                            f"{', '.join(sorted(intents)) or 'żadna'})")
        count = sum(len(examples_of(b)) for b in blocks)
        if count < MIN_EXAMPLES:
            report.error(path, f"has {count} examples; at least {MIN_EXAMPLES} are needed",
                         pl=f"temat ma {count} przykładów; potrzeba co najmniej "
                            f"{MIN_EXAMPLES}")
        answer = responses_of(path, content, Report(root=root)).get(faq_response(topic))
        if not answer:
            report.error(path, f"has no answer {faq_response(topic)!r} under 'responses:'",
                         pl=f"brak odpowiedzi {faq_response(topic)!r} pod 'responses:'")
        elif not any(v["metadata"].get("title") for v in answer):
            report.error(path, f"{faq_response(topic)} needs 'metadata: title:' (the question "
                               f"shown on suggestion buttons)",
                         pl=f"{faq_response(topic)}: brak pytania-tytułu (pokazywanego na "
                            f"przyciskach z propozycjami)")

    tests = measured_sentences(root, report)
    for path, content in parsed.items():
        if not isinstance(content, dict):
            continue
        if root / "data" in path.parents:
            check_not_in_test_sets(path, content, tests, report)
        if path.name in ("config.yml", "endpoints.yml", "credentials.yml"):
            continue
        responses = responses_of(path, content, report)
        check_buttons(path, responses, commands, topics, report)
        check_numbers(path, responses, numbers, report)
        check_lengths(path, responses, report)
        check_placeholders(path, responses, report)
    data = {p: c for p, c in parsed.items() if root / "data" in p.parents}
    examples = intent_examples(data)
    domain = parsed.get(root / "domain.yml")
    entities = {str(e) if not isinstance(e, dict) else str(next(iter(e)))
                for e in (domain.get("entities") or [] if isinstance(domain, dict) else [])}
    check_entity_markup(examples, entities, report)
    check_rules(data, report)
    check_conflicts(examples, report)
    check_private_data(examples, report)
    return report


def main(argv: Optional[List[str]] = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=Path.cwd(),
                        help="the project's directory (default: the current one)")
    try:
        report = check(parser.parse_args(argv).project)
    except Exception as error:  # noqa: BLE001 - editors get a line to pass on, never a stack
        print(f"Content check could not finish ({type(error).__name__}: {error}). Please send "
              f"this line to a developer; the files are unchanged.", file=sys.stderr)
        return 2
    if report.warnings:
        print(f"Content check warnings ({len(report.warnings)}; they do not stop training):",
              file=sys.stderr)
        for line in report.warnings:
            print(f"  {line}", file=sys.stderr)
    if report.errors:
        print(f"Content check found {len(report.errors)} problem(s):", file=sys.stderr)
        for line in report.errors:
            print(f"  {line}", file=sys.stderr)
        return 1
    print("Content check passed: YAML, names shared with the code, FAQ topics, button "
          "payloads, numbers and test-set separation are fine.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
