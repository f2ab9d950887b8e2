"""The studio in a real browser against the real servers, as its editors use it: an editor
changes an answer and sees a planted conflict, takes a customer's unanswered question from the
inbox, cannot publish; a publisher publishes, and the chat widget on the help page answers
anew without a restart; a rollback brings the old answer back.

The screenshots of the editors' guide (``docs/studio.md``) are taken here: into
``docs/studio/`` when ``PLUSKOD_GUIDE_SCREENSHOTS=1``, else into ``reports/screenshots/``.
"""

import os
import re
import subprocess
import sys
import time

import pytest

from tests.studio.conftest import EDITOR_PASSWORD, PUBLISHER_PASSWORD, add_user
from tests.studio.test_publishing import (  # noqa: F401 - live: the shared servers and studio
    Customers,
    ask,
    git,
    live,
)
from tests.web.widget_driver import last_answer, open_chat, say

pytestmark = pytest.mark.slow
UNANSWERED = "czy plus kod jest potrzebny przy przedłużaniu umowy"
#: what the editor writes: only what the sources say (the number is the consultants' line)
NEW_TEXT = "O opłaty za Plus Kod zapytaj konsultanta Działu Obsługi Klienta: 601 102 601."


@pytest.fixture
def shots(root):
    folder = root / ("docs/studio" if os.environ.get("PLUSKOD_GUIDE_SCREENSHOTS") == "1"
                     else "reports/screenshots/studio")
    folder.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)

    return take


def log_in(open_page, url, name, password):
    page = open_page(f"{url}/login")
    page.get_by_label("Nazwa użytkownika").fill(name)
    page.get_by_label("Hasło").fill(password)
    page.get_by_role("button", name="Zaloguj").click()
    page.wait_for_url(re.compile(r".*/topics$"))
    return page


def customer_asks(open_page, servers, text):
    page = open_page(f"{servers.rasa_url}/webhooks/web/")
    open_chat(page)
    say(page, text)
    return last_answer(page)


def wait_for_result(page, timeout=300):
    deadline = time.monotonic() + timeout
    while not page.locator("#job-result").count():
        assert time.monotonic() < deadline, page.content()
        page.wait_for_timeout(1000)
        page.reload()
    return page.locator("#job-result").inner_text()


def test_edit_inbox_publish_and_roll_back_in_the_browser(live, open_page, shots):  # noqa: F811
    servers, url, project, env = live
    add_user(project, env, "ewa", "editor", EDITOR_PASSWORD)
    rasa = servers.processes["rasa"].pid
    before = customer_asks(open_page, servers, "ile kosztuje plus kod?")
    assert NEW_TEXT not in before
    unanswered = customer_asks(open_page, servers, UNANSWERED)

    # the editor: a planted conflict is named as they type, then the answer is changed
    editor = log_in(open_page, url, "ewa", EDITOR_PASSWORD)
    shots(editor, "1-tematy")
    editor.goto(f"{url}/topics/how_to_get")
    examples = editor.get_by_label(re.compile("Przykładowe pytania klientów"))
    examples.fill(examples.input_value() + "\nIle kosztuje plus kod")
    warning = editor.locator("#problems li", has_text="prawie powtarza 'Ile kosztuje Plus Kod?'")
    warning.wait_for(timeout=15_000)
    assert "faq/cost" in warning.inner_text()
    shots(editor, "2-konflikt")
    editor.goto(f"{url}/topics/cost")
    editor.get_by_label("Odpowiedź asystenta").fill(NEW_TEXT)
    assert editor.locator("#preview-text").inner_text() == NEW_TEXT
    shots(editor, "3-edycja-i-podglad")
    editor.get_by_role("button", name="Zapisz szkic").click()
    editor.get_by_text("Zapisano.").wait_for()

    # the customer's question from the inbox, added to a topic
    editor.goto(f"{url}/inbox")
    question = editor.locator("section.question", has_text=UNANSWERED)
    question.wait_for()
    shots(editor, "4-skrzynka")
    question.get_by_label("Dodaj jako przykład do").select_option("faq/what_is_plus_kod")
    question.get_by_role("button", name="Dodaj przykład").click()
    editor.get_by_text("Dodano pytanie jako przykład").wait_for()
    assert not editor.locator("section.question", has_text=UNANSWERED).count()

    # an editor has no publish button, and a forged request is refused
    editor.goto(f"{url}/publish")
    assert editor.get_by_role("button", name="Opublikuj").count() == 0
    csrf = editor.locator("input[name=csrf]").first.get_attribute("value")
    forged = editor.request.post(f"{url}/publish", form={"csrf": csrf, "message": "x"},
                                 headers={"Origin": url})
    assert forged.status == 403

    # the publisher publishes, while customers keep asking over REST: none of them fails
    head = git(project, "rev-parse", "HEAD").strip()
    publisher = log_in(open_page, url, "piotr", PUBLISHER_PASSWORD)
    publisher.goto(f"{url}/publish")
    publisher.get_by_label("Opis zmiany").fill("Nowa odpowiedź o koszcie, pytanie ze skrzynki")
    with Customers(servers) as customers:
        publisher.get_by_role("button", name="Opublikuj").click()
        result = wait_for_result(publisher)
        time.sleep(2)  # and after the swap
    assert result == "Opublikowano wersję 2.", result
    assert customers.failed == [] and customers.answered > 10
    shots(publisher, "5-publikacja")
    assert publisher.locator("#topics-table", has_text="faq/cost").count() == 1
    assert git(project, "log", "-1", "--format=%an|%s").strip() == \
        "piotr|Nowa odpowiedź o koszcie, pytanie ze skrzynki"
    assert git(project, "rev-parse", "HEAD~1").strip() == head
    assert git(project, "status", "--porcelain", "--", "data", "domain.yml") == ""

    # customers get the new answers from the same, never restarted, assistant
    assert NEW_TEXT in customer_asks(open_page, servers, "ile kosztuje plus kod?")
    answer = customer_asks(open_page, servers, UNANSWERED)
    assert answer != unanswered and "cyfrowe hasło" in answer
    assert servers.processes["rasa"].pid == rasa and servers.processes["rasa"].poll() is None

    # rollback to the version before
    publisher.goto(f"{url}/publish")
    live_row = publisher.locator("#versions tr", has_text="działa teraz")
    live_id = int(live_row.locator("td").first.inner_text())
    publisher.locator("#versions tr", has=publisher.locator(
        f"form[action='/rollback/{live_id - 1}']")).get_by_role(
        "button", name="Wróć do tej wersji").click()
    with Customers(servers) as customers:
        assert wait_for_result(publisher).startswith("Wrócono do wersji")
    assert customers.failed == []
    shots(publisher, "6-wycofanie")
    assert NEW_TEXT not in customer_asks(open_page, servers, "ile kosztuje plus kod?")
    assert NEW_TEXT not in (project / "data/faq/cost.yml").read_text(encoding="utf-8")
    publisher.goto(f"{url}/audit")
    shots(publisher, "7-dziennik")
    assert publisher.locator("#audit", has_text="przykład ze skrzynki").count() == 1
    for page in (editor, publisher):
        assert page.problems == []

    # the commands share the path: list the versions, then back to the published one
    listed = subprocess.run([sys.executable, "-m", "tools.rollback"], cwd=project, env=env,
                            capture_output=True, text=True, check=True).stdout
    assert re.search(r"^\s+3 .*piotr .*Wycofanie do wersji 1.*\(live\)$", listed, re.M), listed
    back = subprocess.run([sys.executable, "-m", "tools.rollback", "2", "--author", "ops"],
                          cwd=project, env=env, capture_output=True, text=True)
    assert back.returncode == 0, back.stderr
    assert NEW_TEXT in ask(servers, "ile kosztuje plus kod?")
    assert git(project, "log", "-1", "--format=%an").strip() == "ops"
    git(project, "checkout", "--", "data")
