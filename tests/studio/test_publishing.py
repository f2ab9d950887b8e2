"""Publishing against the real assistant when it must not happen: a weaker model is refused
with the topics that got worse; a swap that fails leaves the drafts (through the command, which
shares the studio's path); and the test chat answers from the drafts. The publication that
succeeds, while customers chat, and the rollbacks are in ``test_studio_browser.py``."""

import re
import subprocess
import sys
import threading
import time
import uuid

import pytest
import requests
import yaml

from tests.conftest import demo_directory_env, free_port
from tests.studio.conftest import (
    PUBLISHER_PASSWORD,
    Client,
    add_user,
    copy_project,
    studio_env,
    studio_server,
)
from tests.studio.test_studio_http import topic_form
from tools.serve import Servers, running

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def live(root, trained_model, tmp_path_factory):
    """An assistant of its own (publishing swaps its model) and a studio on a project copy
    that publishes to it; yields (servers, studio url, project, env)."""
    folder = tmp_path_factory.mktemp("publishing")
    extra = demo_directory_env(folder)
    servers = Servers(model=trained_model, host="127.0.0.1", rasa_port=free_port(),
                      action_port=free_port(), log_dir=folder / "logs",
                      tracker_db=folder / "tracker.db", extra_env=extra)
    with running(servers):
        project = copy_project(root, folder / "project")
        env = studio_env(folder, PLUSKOD_RASA_URL=servers.rasa_url,
                         PLUSKOD_JWT_SECRET_FILE=extra["PLUSKOD_JWT_SECRET_FILE"],
                         PLUSKOD_MODEL=str(trained_model),
                         PLUSKOD_TRACKER_DB_URL=f"sqlite:///{folder / 'tracker.db'}",
                         PLUSKOD_DRAFT_RASA_PORT=str(free_port()),
                         PLUSKOD_DRAFT_ACTION_PORT=str(free_port()))
        add_user(project, env, "piotr", "publisher", PUBLISHER_PASSWORD)
        with studio_server(project, env, folder / "studio.log") as url:
            yield servers, url, project, env


def ask(servers, text, sender=None):
    response = requests.post(f"{servers.rasa_url}/webhooks/rest/webhook",
                             json={"sender": sender or uuid.uuid4().hex, "message": text},
                             headers=servers.integration_headers(), timeout=60)
    response.raise_for_status()
    return " ".join(m.get("text", "") for m in response.json())


def wait_for_job(client, timeout=300):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page = client.get("/publish").text
        found = re.search(r'id="job-result">(.*?)</p>', page, re.S)
        if found:
            return found.group(1), page
        time.sleep(1)
    raise AssertionError("the job did not finish")


class Customers:
    """Customers asking FAQ questions over REST in a loop, counting what failed."""

    def __init__(self, servers, threads=3):
        self.servers, self.stop = servers, threading.Event()
        self.answered, self.failed = 0, []
        self.threads = [threading.Thread(target=self.run) for _ in range(threads)]

    def run(self):
        while not self.stop.is_set():
            try:
                if ask(self.servers, "ile kosztuje plus kod?").strip():
                    self.answered += 1
                else:
                    self.failed.append("empty answer")
            except requests.RequestException as error:
                self.failed.append(repr(error))

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_):
        self.stop.set()
        for thread in self.threads:
            thread.join()


def git(project, *args):
    return subprocess.run(["git", *args], cwd=project, capture_output=True, text=True,
                          check=True).stdout


def test_a_weaker_model_is_refused_naming_the_topics_that_got_worse(live, root):
    servers, url, project, _ = live
    before = ask(servers, "ile kosztuje plus kod?")
    head = git(project, "rev-parse", "HEAD").strip()
    client = Client(url)
    client.login("piotr", PUBLISHER_PASSWORD)
    cost, availability = topic_form(client, "cost"), topic_form(client, "availability")
    cost["examples"], availability["examples"] = availability["examples"], cost["examples"]
    assert client.post("/topics/cost", cost).status_code == 303
    assert client.post("/topics/availability", availability).status_code == 303

    assert client.post("/publish", {"message": "Zamiana przykładów"}).status_code == 303
    result, page = wait_for_job(client)
    assert result.startswith("Publikacja zatrzymana: nowy model jest słabszy.")
    assert "faq/cost" in result and "faq/availability" in result
    heldout = yaml.safe_load((root / "tests/nlu/heldout.yml").read_text(encoding="utf-8"))
    sentences = [line.strip()[2:] for block in heldout["nlu"]
                 for line in block["examples"].splitlines() if line.strip().startswith("- ")]
    import html

    shown = html.unescape(page)
    assert [s for s in sentences if len(s) > 12 and s in shown] == []
    assert git(project, "rev-parse", "HEAD").strip() == head
    assert ask(servers, "ile kosztuje plus kod?") == before
    assert sorted(git(project, "status", "--porcelain", "--", "data").split()) == [
        "M", "M", "data/faq/availability.yml", "data/faq/cost.yml"]
    assert client.post("/discard").status_code == 303
    assert git(project, "status", "--porcelain", "--", "data") == ""


def test_a_swap_that_fails_keeps_the_drafts_and_no_commit(live):
    _, _, project, env = live
    path = project / "data/faq/cost.yml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "czy plus kod jest płatny", "czy plus kod jest odpłatny"), encoding="utf-8")
    head = git(project, "rev-parse", "HEAD").strip()
    result = subprocess.run([sys.executable, "-m", "tools.publish", "-m", "bez asystenta",
                             "--author", "ops"], cwd=project,
                            env={**env, "PLUSKOD_RASA_URL": "http://127.0.0.1:9"},
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "Nie udało się połączyć z asystentem" in result.stderr
    assert git(project, "rev-parse", "HEAD").strip() == head
    assert git(project, "status", "--porcelain", "--", "data").split() == [
        "M", "data/faq/cost.yml"]
    assert not list((project / "models/published").glob("*odpl*"))
    git(project, "checkout", "--", "data")


def test_the_test_chat_answers_from_the_drafts_while_customers_get_the_live_answer(live):
    servers, url, project, env = live
    client = Client(url)
    client.login("piotr", PUBLISHER_PASSWORD)
    draft = "Ta odpowiedź jest jeszcze szkicem."
    values = topic_form(client, "security")
    values["text"] = values["text"] + " " + draft
    assert client.post("/topics/security", values).status_code == 303
    assert client.post("/chat/prepare").status_code == 303
    deadline = time.monotonic() + 300
    while 'http-equiv="refresh"' in client.get("/chat").text:
        assert time.monotonic() < deadline
        time.sleep(2)
    assert "Asystent testowy działa na szkicach." in client.get("/chat").text
    for message in ("czy plus kod jest bezpieczny?", "chcę się zweryfikować", "600 100 200",
                    "48213"):
        assert client.post("/chat", {"message": message}).status_code == 303
    import html

    said = [html.unescape(t) for t in re.findall(r'<p class="pk-text">(.*?)</p>',
                                                 client.get("/chat").text, re.S)]
    assert draft in said[1]
    assert "Plus Kod 5 jest poprawny" in said[-1]
    # the same chat beside the topic's editor, which sends back to the topic
    beside = client.post("/chat", {"message": "a czy to bezpieczne?",
                                   "back": "/topics/security"})
    assert beside.headers["Location"] == "/topics/security#czat"
    page = html.unescape(client.get("/topics/security").text)
    side = page[page.index('id="czat"'):]
    assert "a czy to bezpieczne?" in side and draft in side
    elsewhere = client.post("/chat", {"message": "x", "back": "//evil.example/"})
    assert elsewhere.headers["Location"] == "/chat#koniec"
    assert draft not in ask(servers, "czy plus kod jest bezpieczny?")
    # the draft assistant writes to its own sandbox, never to the customers' stores
    assert (project / "var/draft/tracker.db").exists()
    assert "jeszcze szkicem".encode() not in (project.parent / "tracker.db").read_bytes()
    git(project, "checkout", "--", "data")
