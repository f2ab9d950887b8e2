"""The editors' content as the studio sees it: FAQ topics, intents' examples, responses, stories
and rules, read from and written to ``data/`` and ``domain.yml``.

Files are changed with ruamel.yaml's round trip, so comments, key order, quoting and block
styles stay as they were and a developer's diff holds only what the editor changed
(``tests/studio/test_content.py`` loads and writes every file of the project and compares the
bytes). Each write replaces the file atomically (a temporary file renamed over it).

Names an editor types (a new topic) are checked here; text is not: what a text may say is
the content check's business (:mod:`editor_tools.check_content`).
"""

from __future__ import annotations

import fcntl
import io
import os
import re
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, List, Optional, Tuple

import yaml as safe_yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)

from editor_tools.check_content import examples_of
from pluskod.core.names import RETRIEVAL_INTENT, choose_faq_payload, faq_response

TOPIC_NAME = re.compile(r"[a-z][a-z0-9_]{1,40}")
#: intents whose examples editors may change in the studio besides the FAQ topics: every
#: file of data/nlu/ except the entities' lookup and regex file
NOT_EDITABLE = ("entities.yml",)


class ContentError(ValueError):
    """A change the studio cannot make; the message is Polish, for the editor."""


@dataclass
class Button:
    title: str
    payload: str


@dataclass
class Topic:
    name: str
    title: str
    text: str
    buttons: List[Button]
    examples: List[str]
    path: Path

    @property
    def intent(self) -> str:
        return f"{RETRIEVAL_INTENT}/{self.name}"


@dataclass
class IntentExamples:
    intent: str
    examples: List[str]
    path: Path


@dataclass
class Response:
    name: str
    #: the texts of its variations, in order
    texts: List[str]
    has_buttons: bool


@dataclass
class Step:
    """One line of a story or rule shown as a conversation."""

    who: str  # "klient", "asystent", "stan"
    text: str


@dataclass
class Conversation:
    kind: str  # "rule" or "story"
    name: str
    steps: List[Step] = field(default_factory=list)
    path: Optional[Path] = None


def yaml_rt() -> YAML:
    """The round-trip reader and writer, set up as the project's files are written."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True  # type: ignore[assignment]
    yaml.width = 4096  # type: ignore[assignment]
    yaml.indent(mapping=2, sequence=2, offset=0)
    # the project writes an empty value as `null` (Rasa's docs do too); ruamel would drop it
    yaml.representer.add_representer(
        type(None), lambda r, _: r.represent_scalar("tag:yaml.org,2002:null", "null"))
    return yaml


def load(path: Path) -> Any:
    return yaml_rt().load(path.read_text(encoding="utf-8"))


def dump(data: Any) -> str:
    stream = io.StringIO()
    yaml_rt().dump(data, stream)
    return stream.getvalue()


#: characters no editor means to type: controls other than newline and tab (C0, DEL, C1)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"\r\n|[\r\u0085\u2028\u2029]")


def clean_text(text: str) -> str:
    """What an editor typed, as a file may hold it: every kind of line break a newline, other
    control characters gone (YAML readers disagree on them)."""
    return _CONTROLS.sub("", _LINE_BREAKS.sub("\n", text))


@contextmanager
def content_lock(root: Path) -> Iterator[None]:
    """Held while content files are written, and by a publication while it compares what it
    trained on with the files and commits them: a save never lands between the two."""
    path = root / "var" / "content.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def readable(text: str) -> None:
    """Refuse a file text that the studio's or Rasa's YAML reader would not read back."""
    try:
        yaml_rt().load(text)
        safe_yaml.safe_load(text)
    except Exception:  # noqa: BLE001 - any reader's complaint means: do not write it
        raise ContentError("Tego tekstu nie da się zapisać (zawiera znaki, których pliki "
                           "treści nie przyjmują); usuń nietypowe znaki i spróbuj ponownie.") \
            from None


def write_atomically(path: Path, text: str) -> None:
    readable(text)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def examples_block(examples: List[str]) -> LiteralScalarString:
    lines = [" ".join(e.split()) for e in examples]
    return LiteralScalarString("".join(f"- {e}\n" for e in lines if e))


def chosen_faq_payload(topic: str) -> str:
    """A button that shows a topic's answer, written as Rasa's response files need it
    (braces doubled: Rasa fills single braces as slot placeholders)."""
    return choose_faq_payload(topic).replace("{", "{{").replace("}", "}}")


class Content:
    """The content of one project directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.faq_dir = root / "data" / "faq"
        self.nlu_dir = root / "data" / "nlu"
        self.domain = root / "domain.yml"

    # --- FAQ topics ---------------------------------------------------------------------
    def topic_names(self) -> List[str]:
        return sorted(p.stem for p in self.faq_dir.glob("*.yml"))

    def topic(self, name: str) -> Topic:
        path = self._topic_path(name)
        data = load(path)
        variation = answer_of(data, name)
        buttons = [Button(str(b.get("title", "")), str(b.get("payload", "")))
                   for b in variation.get("buttons") or []]
        metadata = variation.get("metadata") or {}
        examples = [e for block in data.get("nlu") or [] for e in examples_of(block)]
        return Topic(name=name, title=str(metadata.get("title", "")),
                     text=str(variation.get("text", "")).rstrip("\n"), buttons=buttons,
                     examples=examples, path=path)

    def topics(self) -> List[Topic]:
        return [self.topic(name) for name in self.topic_names()]

    def save_topic(self, topic: Topic) -> None:
        """Write a topic's title, answer, buttons and examples into its file (which must
        exist: :meth:`add_topic` makes new ones)."""
        path = self._topic_path(topic.name)
        with content_lock(self.root):
            write_atomically(path, dump(set_topic(load(path), topic)))

    def add_topic(self, name: str, title: str, text: str, buttons: List[Button],
                  examples: List[str]) -> Topic:
        topic = Topic(name, title, text, buttons, examples, self.faq_dir / f"{name}.yml")
        text_of_file = new_topic_text(topic)
        with content_lock(self.root):
            if topic.path.exists():
                raise ContentError(f"Temat {name} już istnieje.")
            write_atomically(topic.path, text_of_file)
        return self.topic(name)

    def _topic_path(self, name: str) -> Path:
        if not TOPIC_NAME.fullmatch(name):
            raise ContentError(f"Nie ma tematu {name!r}.")
        path = self.faq_dir / f"{name}.yml"
        if not path.is_file():
            raise ContentError(f"Nie ma tematu {name!r}.")
        return path

    # --- examples of the other intents --------------------------------------------------
    def intent_files(self) -> List[Tuple[str, Path]]:
        found = []
        for path in sorted(self.nlu_dir.glob("*.yml")):
            if path.name in NOT_EDITABLE:
                continue
            for block in load(path).get("nlu") or []:
                if isinstance(block, dict) and "intent" in block:
                    found.append((str(block["intent"]), path))
        return found

    def intent(self, intent: str) -> IntentExamples:
        for name, path in self.intent_files():
            if name == intent:
                data = load(path)
                examples = [e for b in data.get("nlu") or []
                            if isinstance(b, dict) and b.get("intent") == intent
                            for e in examples_of(b)]
                return IntentExamples(intent, examples, path)
        raise ContentError(f"Nie ma intencji {intent!r} w data/nlu/.")

    def save_intent(self, intent: str, examples: List[str]) -> None:
        path = self.intent(intent).path
        data = load(path)
        blocks = [b for b in data.get("nlu") or []
                  if isinstance(b, dict) and b.get("intent") == intent]
        blocks[0]["examples"] = examples_block(examples)
        for extra in blocks[1:]:
            data["nlu"].remove(extra)
        with content_lock(self.root):
            write_atomically(path, dump(data))

    def example_added(self, intent: str, example: str) -> Tuple[Path, Optional[str]]:
        """The file that holds ``intent`` (``faq/<topic>`` or an intent of data/nlu/) and the
        text it would have with ``example`` added (``None`` when it is there already)."""
        example = " ".join(example.split())
        if intent.startswith(f"{RETRIEVAL_INTENT}/"):
            topic = self.topic(intent.split("/", 1)[1])
            if example in topic.examples:
                return topic.path, None
            topic.examples.append(example)
            return topic.path, dump(set_topic(load(topic.path), topic))
        current = self.intent(intent)
        if example in current.examples:
            return current.path, None
        data = load(current.path)
        blocks = [b for b in data.get("nlu") or []
                  if isinstance(b, dict) and b.get("intent") == intent]
        blocks[0]["examples"] = examples_block(current.examples + [example])
        for extra in blocks[1:]:
            data["nlu"].remove(extra)
        return current.path, dump(data)

    def add_example(self, intent: str, example: str) -> Path:
        """Add one example to a topic (``faq/<topic>``) or an intent; returns the file."""
        path, text = self.example_added(intent, example)
        if text is not None:
            with content_lock(self.root):
                write_atomically(path, text)
        return path

    # --- conversation responses ---------------------------------------------------------
    def responses(self) -> List[Response]:
        data = load(self.domain)
        out = []
        for name, variations in (data.get("responses") or {}).items():
            if not isinstance(variations, list):
                continue
            texts = [str(v.get("text", "")).rstrip("\n") for v in variations
                     if isinstance(v, dict)]
            out.append(Response(str(name), texts,
                                any(isinstance(v, dict) and v.get("buttons")
                                    for v in variations)))
        return out

    def save_response_text(self, name: str, index: int, text: str) -> None:
        with content_lock(self.root):
            write_atomically(self.domain, self.response_changed(name, index, text))

    def response_changed(self, name: str, index: int, text: str) -> str:
        """The text domain.yml would have with the response's variation changed."""
        data = load(self.domain)
        variations = (data.get("responses") or {}).get(name)
        if not isinstance(variations, list) or not 0 <= index < len(variations):
            raise ContentError(f"Nie ma odpowiedzi {name!r} (wariant {index + 1}).")
        old = variations[index].get("text")
        text = text.strip()
        variations[index]["text"] = (LiteralScalarString(text + "\n")
                                     if isinstance(old, LiteralScalarString) or "\n" in text
                                     else DoubleQuotedScalarString(text)
                                     if isinstance(old, DoubleQuotedScalarString) else text)
        return dump(data)

    # --- stories and rules --------------------------------------------------------------
    def conversations(self) -> List[Conversation]:
        out = []
        for path in sorted((self.root / "data").glob("*.yml")):
            data = load(path)
            for kind in ("rules", "stories"):
                for item in data.get(kind) or []:
                    if not isinstance(item, dict):
                        continue
                    name = item.get("rule") or item.get("story") or ""
                    out.append(Conversation(kind[:-1] if kind == "rules" else "story",
                                            str(name), list(_steps(item.get("steps") or [])),
                                            path))
        return out

    def add_rule(self, name: str, intent: str, response: str) -> None:
        """A rule "when the customer asks ``intent``, answer ``response``", appended to
        ``data/rules.yml``."""
        path, text = self.rule_added(name, intent, response)
        with content_lock(self.root):
            write_atomically(path, text)

    def rule_added(self, name: str, intent: str, response: str) -> Tuple[Path, str]:
        """``data/rules.yml`` and the text it would have with the rule appended."""
        path = self.root / "data" / "rules.yml"
        data = load(path)
        rule = CommentedMap()
        rule["rule"] = " ".join(name.split())
        steps = CommentedSeq()
        steps.append(CommentedMap([("intent", intent)]))
        steps.append(CommentedMap([("action", response)]))
        rule["steps"] = steps
        data["rules"].append(rule)
        data["rules"].yaml_set_comment_before_after_key(len(data["rules"]) - 1, before="\n")
        return path, dump(data)


def answer_of(data: Any, name: str) -> Any:
    """The first variation of a topic's answer in its file's content."""
    responses = data.get("responses") if isinstance(data, dict) else None
    variations = responses.get(faq_response(name)) if isinstance(responses, dict) else None
    if not variations or not isinstance(variations[0], dict):
        raise ContentError(f"Temat {name} nie ma odpowiedzi {faq_response(name)}; "
                           f"popraw plik data/faq/{name}.yml.")
    return variations[0]


def set_topic(data: Any, topic: Topic) -> Any:
    """A topic file's round-trip content with the topic's title, answer, buttons and examples
    set (the same object, changed)."""
    variation = answer_of(data, topic.name)
    variation["text"] = LiteralScalarString(topic.text.strip() + "\n")
    metadata = variation.get("metadata")
    if metadata is None:
        metadata = variation["metadata"] = CommentedMap()
    old_title = metadata.get("title")
    metadata["title"] = DoubleQuotedScalarString(topic.title.strip())
    if metadata.get("short_title") in (None, old_title):
        metadata["short_title"] = DoubleQuotedScalarString(topic.title.strip())
    _set_buttons(variation, topic.buttons)
    blocks = [b for b in data.get("nlu") or [] if isinstance(b, dict) and "examples" in b]
    if not blocks:
        raise ContentError(f"Plik data/faq/{topic.name}.yml nie ma listy przykładów "
                           f"(examples).")
    blocks[0]["examples"] = examples_block(topic.examples)
    for extra in blocks[1:]:
        data["nlu"].remove(extra)
    return data


def new_topic_text(topic: Topic) -> str:
    """The text of a new topic's file (its name checked)."""
    if not TOPIC_NAME.fullmatch(topic.name):
        raise ContentError("Nazwa tematu: 2–41 znaków, małe litery bez polskich znaków, "
                           "cyfry i podkreślenia, na początku litera (np. lost_phone).")
    name, title = topic.name, " ".join(topic.title.split())
    header = (f"# Temat: {title}  (intencja {RETRIEVAL_INTENT}/{name})\n"
              f"# Ten plik łączy pytania klientów (examples) z odpowiedzią asystenta "
              f"(responses).\n"
              f"# Utworzony w studiu treści; można go edytować tam albo tutaj.\n"
              f"version: \"3.1\"\n"
              f"nlu:\n- intent: {RETRIEVAL_INTENT}/{name}\n  examples: |\n    - x\n\n"
              f"responses:\n  {faq_response(name)}:\n  - text: |\n      x\n"
              f"    metadata:\n      title: \"x\"\n")
    return dump(set_topic(yaml_rt().load(header), topic))


def _set_buttons(variation: Any, buttons: List[Button]) -> None:
    if not buttons:
        variation.pop("buttons", None)
        return
    seq = CommentedSeq()
    for button in buttons:
        item = CommentedMap()
        item["title"] = DoubleQuotedScalarString(button.title.strip())
        item["payload"] = SingleQuotedScalarString(button.payload.strip())
        seq.append(item)
    variation["buttons"] = seq


def _steps(steps: List[Any]) -> Iterator[Step]:
    for step in steps:
        if not isinstance(step, dict):
            continue
        if "intent" in step:
            yield Step("klient", str(step["intent"]))
        elif "action" in step:
            yield Step("asystent", str(step["action"]))
        elif "active_loop" in step:
            loop = step["active_loop"]
            yield Step("stan", f"formularz {loop}" if loop else "koniec formularza")
        elif "slot_was_set" in step:
            for item in step["slot_was_set"] or []:
                if isinstance(item, dict):
                    for slot, value in item.items():
                        yield Step("stan", f"{slot} = {value}")
                else:
                    yield Step("stan", f"{item} ustawione")
        elif "or" in step:
            yield Step("klient", " albo ".join(str(o.get("intent", "")) for o in step["or"]
                                              if isinstance(o, dict)))
        elif "checkpoint" in step:
            yield Step("stan", f"punkt {step['checkpoint']}")
