"""The studio's HTTP surface attacked on a real server: logins, sessions, CSRF, roles, hosts,
odd requests; and an editor's change written as a small diff with an audit entry."""

import re
import subprocess
import sys
import threading

import pytest
import requests

from tests.studio.conftest import EDITOR_PASSWORD, PUBLISHER_PASSWORD, Client

pytestmark = pytest.mark.slow  # a real studio server


def git_log(project):
    return subprocess.run(["git", "log", "--format=%H"], cwd=project, capture_output=True,
                          text=True, check=True).stdout


def topic_form(client, name="cost", **changes):
    """The topic page's form as a browser would send it (every field as the page shows it)."""
    import html

    page = client.get(f"/topics/{name}").text

    def field(pattern):
        return html.unescape(re.search(pattern, page, re.S).group(1))

    values = {"name": name,
              "title": field(r'id="title" name="title" value="([^"]*)"'),
              "text": field(r'name="text" rows="7" required>(.*?)</textarea>'),
              "examples": field(r'name="examples" rows="14">(.*?)</textarea>')}
    for index in range(4):
        values[f"button{index}_title"] = field(
            rf'name="button{index}_title" value="([^"]*)"')
        select = field(rf'<select id="button{index}" name="button{index}">(.*?)</select>')
        chosen = re.search(r'<option value="([^"]*)" selected>', select)
        values[f"button{index}"] = chosen.group(1) if chosen else ""
    values.update(changes)
    return values


# --- logging in ------------------------------------------------------------------------------
def test_a_login_sets_a_strict_session_cookie_and_opens_the_studio(studio_site):
    client = Client(studio_site[0])
    response = client.login("ewa", EDITOR_PASSWORD)
    assert response.status_code == 303 and response.headers["Location"] == "/topics"
    cookie = [h for h in response.raw.headers.getlist("Set-Cookie")
              if h.startswith("pluskod_studio=")][0]
    for attribute in ("HttpOnly", "SameSite=Strict", "Secure", "Path=/"):
        assert attribute.lower() in cookie.lower()
    page = client.get("/topics")
    assert page.status_code == 200 and "ewa (redaktor)" in page.text
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("name,password", [("ewa", "zle-haslo-123456"), ("ewa", ""),
                                           ("nikt", EDITOR_PASSWORD), ("", ""),
                                           ("ewa", EDITOR_PASSWORD + "\x00")])
def test_a_wrong_login_opens_nothing_and_says_so_in_polish(studio_site, name, password):
    client = Client(studio_site[0])
    response = client.login(name, password)
    assert response.status_code == 401
    assert "Nieprawidłowa nazwa lub hasło." in response.text
    assert "pluskod_studio" not in client.cookies
    assert client.get("/topics").status_code == 303


def test_a_login_form_must_come_from_this_login_page(studio_site):
    url = studio_site[0]
    victim, attacker = Client(url), Client(url)
    attacker.get("/login")
    token = attacker.cookies["pluskod_studio_login"]
    victim.get("/login")
    # the attacker's own form token, posted from the victim's browser (login CSRF)
    forged = victim.post("/login", {"login_token": token, "name": "ewa",
                                    "password": EDITOR_PASSWORD}, csrf=False)
    assert forged.status_code == 403 and "pluskod_studio" not in victim.cookies
    missing = Client(url).post("/login", {"name": "ewa", "password": EDITOR_PASSWORD},
                               csrf=False)
    assert missing.status_code == 403
    page = Client(url)
    page.get("/login")
    token = page.cookies["pluskod_studio_login"]
    other_site = page.post("/login", {"login_token": token, "name": "ewa",
                                      "password": EDITOR_PASSWORD}, csrf=False,
                           headers={"Origin": "http://evil.example"})
    assert other_site.status_code == 403 and "pluskod_studio" not in page.cookies


@pytest.mark.parametrize("target", ["//evil.example/", "http://evil.example/", "/\\evil.example",
                                    "javascript:alert(1)"])
def test_the_page_after_login_is_never_another_site(studio_site, target):
    client = Client(studio_site[0])
    page = client.get("/login")
    token = re.search(r'name="login_token" value="([^"]+)"', page.text).group(1)
    response = client.post("/login", {"login_token": token, "name": "piotr",
                                      "password": PUBLISHER_PASSWORD, "next": target},
                           csrf=False)
    assert response.status_code == 303 and response.headers["Location"] == "/"


def test_wrong_passwords_lock_the_name_over_http_until_an_operator_unlocks_it(studio_site):
    url, project, env = studio_site
    subprocess.run([sys.executable, "-m", "tools.studio_users", "add", "zofia", "--role",
                    "editor"], cwd=project, env=env, input="zofia-haslo-2026\n", text=True,
                   check=True, capture_output=True)
    statuses = [Client(url).login("zofia", f"proba-{n}-hasla").status_code for n in range(5)]
    assert statuses == [401] * 4 + [429]
    locked = Client(url).login("zofia", "zofia-haslo-2026")
    assert locked.status_code == 429 and "Zbyt wiele nieudanych prób" in locked.text
    subprocess.run([sys.executable, "-m", "tools.studio_users", "unlock", "zofia"],
                   cwd=project, env=env, check=True, capture_output=True)
    assert Client(url).login("zofia", "zofia-haslo-2026").status_code == 303


# --- sessions ---------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/topics", "/topics/cost", "/publish", "/audit", "/intents",
                                  "/responses", "/conversations", "/topics/new"])
def test_every_page_needs_a_session(studio_site, path):
    response = Client(studio_site[0]).get(path)
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("cookie", ["", "x", "a" * 43, "a" * 5000, "'; DROP TABLE studio_users;--"])
def test_a_forged_session_cookie_opens_nothing(studio_site, cookie):
    client = Client(studio_site[0])
    client.cookies["pluskod_studio"] = cookie
    assert client.get("/topics").status_code == 303


def test_after_logout_the_old_cookie_opens_nothing(studio_site):
    client = Client(studio_site[0])
    client.login("ewa", EDITOR_PASSWORD)
    stolen = dict(client.cookies)
    assert client.post("/logout").status_code == 303
    thief = Client(studio_site[0])
    thief.cookies.update(stolen)
    assert thief.get("/topics").status_code == 303


# --- CSRF and origins -----------------------------------------------------------------------
def csrf_variants(editor, studio_site):
    other = Client(studio_site[0])
    other.login("piotr", PUBLISHER_PASSWORD)
    return [
        ({"csrf": ""}, {}),
        ({"csrf": "x" * 43}, {}),
        ({"csrf": other.csrf}, {}),
        ({}, {"Origin": "http://evil.example"}),
        ({}, {"Origin": "null"}),
        ({}, {"Sec-Fetch-Site": "cross-site"}),
        ({}, {"Origin": f"http://evil.example.{studio_site[0][7:]}"}),
    ]


def test_a_change_without_the_sessions_token_or_from_another_site_is_refused(editor,
                                                                              studio_site):
    project = studio_site[1]
    path = project / "data/faq/cost.yml"
    before = path.read_text(encoding="utf-8")
    for data, headers in csrf_variants(editor, studio_site):
        values = {**topic_form(editor, text="Przejęta odpowiedź."), **data}
        if not data:
            values["csrf"] = editor.csrf
        response = editor.post("/topics/cost", values, csrf=False, headers=headers)
        assert response.status_code == 403, (data, headers)
        assert path.read_text(encoding="utf-8") == before


def test_an_editor_cannot_publish_roll_back_or_discard(editor, studio_site):
    project = studio_site[1]
    log = git_log(project)
    for path in ("/publish", "/rollback/1", "/discard"):
        response = editor.post(path, {"message": "przejęcie"})
        assert response.status_code == 403, path
        assert "tylko osoby z rolą publikującej" in response.text
    assert git_log(project) == log
    assert "Opublikuj" not in editor.get("/publish").text


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.evil.example", "", "localhost@evil"])
def test_a_foreign_host_header_is_refused(studio_site, host):
    response = requests.get(studio_site[0] + "/login", headers={"Host": host}, timeout=10)
    assert response.status_code == 403


# --- odd requests ------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/topics/..%2F..%2Fdomain", "/topics/nope", "/topics/%00",
                                  "/intents/..%2Fdomain", "/topics/cost%2F..%2Fcost"])
def test_odd_paths_are_a_polish_not_found(editor, path):
    response = editor.get(path)
    assert response.status_code == 404
    assert "Traceback" not in response.text


def test_a_huge_body_is_refused_before_it_is_read(editor, studio_site):
    response = editor.post("/topics/cost", {"text": "x" * (600 * 1024)})
    assert response.status_code == 413


def test_a_json_body_is_an_empty_form(editor):
    response = editor.request("POST", "/topics/cost", json={"text": "x"})
    assert response.status_code == 403


# --- editing ------------------------------------------------------------------------------------
def test_saving_every_shipped_topic_unchanged_changes_no_byte(editor, studio_site):
    """The form shows everything a topic holds (every button among its targets), so saving
    it as it is keeps the file as it is."""
    project = studio_site[1]
    for path in sorted((project / "data/faq").glob("*.yml")):
        before = path.read_text(encoding="utf-8")
        response = editor.post(f"/topics/{path.stem}", topic_form(editor, path.stem))
        assert response.status_code == 303, (path.stem, response.text[-800:])
        assert path.read_text(encoding="utf-8") == before, path.stem



def test_an_editors_change_is_one_line_of_diff_and_an_audit_entry(editor, studio_site):
    project = studio_site[1]
    values = topic_form(editor)
    values["text"] = values["text"].replace("nie będę zgadywać", "nie zgaduję")
    response = editor.post("/topics/cost", values)
    assert response.status_code == 303 and response.headers["Location"] == "/topics/cost?ok=saved"
    diff = subprocess.run(["git", "diff", "--unified=0", "--", "data/faq/cost.yml"],
                          cwd=project, capture_output=True, text=True).stdout
    changed = [line for line in diff.splitlines() if line[:1] in "+-"
               and not line.startswith(("+++", "---"))]
    assert len(changed) == 2 and "nie zgaduję" in changed[1]
    audit = editor.get("/audit").text
    assert re.search(r"<td>ewa</td><td>zmiana</td><td>faq/cost</td><td>odpowiedź", audit)
    subprocess.run(["git", "checkout", "--", "data"], cwd=project, check=True)


@pytest.mark.parametrize("change,message", [
    ({"text": "Plus Kod kosztuje 9,99 zł."}, "nie ma w źródłach"),
    ({"examples": "jedno pytanie"}, "potrzeba co najmniej 25"),
    ({"title": ""}, "Podaj pytanie-tytuł"),
    ({"text": "Długa odpowiedź. " * 60}, "najwyżej 700"),
])
def test_a_change_with_errors_is_not_written(editor, studio_site, change, message):
    path = studio_site[1] / "data/faq/cost.yml"
    before = path.read_text(encoding="utf-8")
    response = editor.post("/topics/cost", topic_form(editor, **change))
    assert response.status_code == 422
    assert message in response.text
    assert path.read_text(encoding="utf-8") == before


def test_markup_in_an_answer_is_text_everywhere(editor, studio_site):
    project = studio_site[1]
    evil = 'Uwaga <script>alert("x")</script> <img src=x onerror=alert(1)> 601 102 601'
    assert editor.post("/topics/cost", topic_form(editor, text=evil)).status_code == 303
    page = editor.get("/topics/cost").text
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert "<img src=x" not in editor.get("/topics").text
    subprocess.run(["git", "checkout", "--", "data"], cwd=project, check=True)


def test_the_check_as_you_type_names_a_planted_conflict_with_both_sides(editor):
    values = topic_form(editor, name="how_to_get")
    values["examples"] += "\nIle kosztuje plus kod"
    result = editor.post("/check", values, headers={"X-CSRF-Token": editor.csrf}).json()
    assert result["errors"] == []
    assert any("'Ile kosztuje plus kod' (faq/how_to_get) prawie powtarza 'Ile kosztuje Plus "
               "Kod?' (faq/cost, data/faq/cost.yml:11)" in w for w in result["warnings"])


def test_the_check_needs_the_token_too(editor):
    response = editor.post("/check", topic_form(editor), csrf=False)
    assert response.status_code == 403


def test_a_new_topic_end_to_end(editor, studio_site):
    project = studio_site[1]
    examples = "\n".join(f"zgubiłem telefon co z plus kodem wariant {n}" for n in range(25))
    values = {"name": "lost_phone", "title": "Zgubiłem telefon – co z Plus Kodem?",
              "text": "Zadzwoń do Działu Obsługi Klienta: 601 102 601.", "examples": examples,
              "button0": "/human_handoff", "button0_title": "Konsultant"}
    response = editor.post("/topics/new", values)
    assert response.status_code == 303, response.text
    assert response.headers["Location"] == "/topics/lost_phone?ok=added"
    assert (project / "data/faq/lost_phone.yml").exists()
    from editor_tools.check_content import check

    assert check(project).errors == []
    assert "lost_phone" in editor.get("/topics").text
    again = editor.post("/topics/new", values)
    assert again.status_code == 422 and "już istnieje" in again.text
    (project / "data/faq/lost_phone.yml").unlink()


@pytest.mark.parametrize("name", ["../../domain", "Lost", "a", "x" * 60])
def test_a_new_topic_with_a_bad_name_writes_nothing(editor, studio_site, name):
    before = sorted(p.name for p in (studio_site[1] / "data/faq").iterdir())
    response = editor.post("/topics/new", {"name": name, "title": "T", "text": "Odpowiedź.",
                                           "examples": "a"})
    assert response.status_code == 422
    assert sorted(p.name for p in (studio_site[1] / "data/faq").iterdir()) == before


def test_two_editors_saving_at_once_both_land(studio_site):
    url, project = studio_site[0], studio_site[1]
    first, second = Client(url), Client(url)
    first.login("ewa", EDITOR_PASSWORD)
    second.login("piotr", PUBLISHER_PASSWORD)
    a = topic_form(first, name="cost")
    a["text"] = a["text"] + " (A)"
    b = topic_form(second, name="security")
    b["text"] = b["text"] + " (B)"
    results = {}

    def save(client, name, values):
        results[name] = client.post(f"/topics/{name}", values).status_code

    threads = [threading.Thread(target=save, args=(first, "cost", a)),
               threading.Thread(target=save, args=(second, "security", b))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {"cost": 303, "security": 303}
    assert "(A)" in (project / "data/faq/cost.yml").read_text(encoding="utf-8")
    assert "(B)" in (project / "data/faq/security.yml").read_text(encoding="utf-8")
    subprocess.run(["git", "checkout", "--", "data"], cwd=project, check=True)


def test_nothing_secret_is_written(studio_site):
    url, project, _ = studio_site
    client = Client(url)
    client.login("ewa", EDITOR_PASSWORD)
    session = client.cookies["pluskod_studio"]
    written = b"".join(p.read_bytes() for p in (project / "var").rglob("*") if p.is_file())
    written += (project.parent / "studio.log").read_bytes()
    for secret in (EDITOR_PASSWORD, PUBLISHER_PASSWORD, session, client.csrf):
        assert secret.encode() not in written


# --- the inbox ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def asked(studio_site):
    """Customers' questions the assistant could not answer, written by the real store where
    the studio reads them."""
    import asyncio

    from rasa.shared.core.trackers import DialogueStateTracker

    from pluskod.tracker_store import RedactingSQLTrackerStore
    from tests.studio.test_inbox import rejected

    db = studio_site[2]["PLUSKOD_TRACKER_DB_URL"][len("sqlite:///"):]
    store = RedactingSQLTrackerStore(dialect="sqlite", db=db)
    texts = ["czy plus kod działa za granicą?", "Czy Plus Kod działa za granicą",
             "mój numer 600 100 201 a kod 48213, czy działa za granicą"]
    asyncio.run(store.save(DialogueStateTracker.from_events(
        "klient", [rejected(t) for t in texts])))
    return texts


def inbox_forms(page):
    return re.findall(r'name="keys" value="([^"]+)"', page)


def test_the_inbox_shows_grouped_questions_with_phones_and_codes_masked(editor, asked):
    page = editor.get("/inbox").text
    assert "2 ×" in page and "1 ×" in page
    for secret in ("600 100 201", "600100201", "48213"):
        assert secret not in page
    assert "*** *** 201" in page and "•••••" in page
    assert "Dostępność" in page or "faq/availability" in page


def test_adding_a_question_to_a_topic_writes_one_example_and_it_leaves_the_inbox(
        editor, asked, studio_site):
    project = studio_site[1]
    page = editor.get("/inbox").text
    keys = inbox_forms(page)[0]
    response = editor.post("/inbox/add", {"keys": keys, "intent": "faq/availability",
                                          "text": "czy plus kod działa za granicą?"})
    assert response.status_code == 303 and response.headers["Location"] == "/inbox?ok=inbox_added"
    diff = subprocess.run(["git", "diff", "--unified=0", "--", "data"], cwd=project,
                          capture_output=True, text=True).stdout
    assert [line for line in diff.splitlines() if line.startswith(("+ ", "- ", "+\t"))
            or (line[:1] in "+-" and not line.startswith(("+++", "---")))] == [
        "+    - czy plus kod działa za granicą?"]
    after = editor.get("/inbox").text
    assert keys not in after and "2 ×" not in after
    assert "przykład ze skrzynki" in editor.get("/audit").text
    subprocess.run(["git", "checkout", "--", "data"], cwd=project, check=True)


@pytest.mark.parametrize("values", [
    {"keys": "../../x", "intent": "faq/cost", "text": "a"},
    {"keys": "0" * 32, "intent": "faq/../../domain", "text": "a"},
    {"keys": "0" * 32, "intent": "restart", "text": "a"},
    {"keys": "0" * 32, "intent": "faq/cost", "text": "   "},
])
def test_a_forged_inbox_form_writes_nothing(editor, studio_site, values):
    project = studio_site[1]
    response = editor.post("/inbox/add", values)
    assert response.status_code == 422
    assert subprocess.run(["git", "status", "--porcelain", "--", "data"], cwd=project,
                          capture_output=True, text=True).stdout == ""


def test_a_test_set_sentence_is_not_added_from_the_inbox(editor, studio_site, root):
    import yaml

    dev = yaml.safe_load((root / "tests/nlu/dev.yml").read_text(encoding="utf-8"))
    sentence = dev["nlu"][0]["examples"].splitlines()[0].strip()[2:]
    response = editor.post("/inbox/add", {"keys": "1" * 32, "intent": "out_of_scope",
                                          "text": sentence})
    assert response.status_code == 422 and "zbioru testowego" in response.text
    assert subprocess.run(["git", "status", "--porcelain", "--", "data"], cwd=studio_site[1],
                          capture_output=True, text=True).stdout == ""


def test_dismissing_a_question_keeps_it_away(publisher, asked):
    page = publisher.get("/inbox").text
    keys = inbox_forms(page)
    assert keys
    for group in keys:
        assert publisher.post("/inbox/dismiss", {"keys": group}).status_code == 303
    assert "Skrzynka jest pusta." in publisher.get("/inbox").text


# --- what the review found (issue 17): each attack, refused or made harmless ------------------
@pytest.mark.parametrize("odd", ["\u0085", "\u2028", "\u2029", "\r", "\x0b", "\x1b", "\x9b"])
def test_odd_line_breaks_and_controls_are_cleaned_and_every_page_still_opens(
        editor, studio_site, odd):
    project = studio_site[1]
    values = topic_form(editor)
    values["text"] = f"Pierwsze zdanie.{odd}Drugie zdanie."
    assert editor.post("/topics/cost", values).status_code == 303
    written = (project / "data/faq/cost.yml").read_text(encoding="utf-8")
    assert odd not in written
    for path in ("/topics", "/topics/cost", "/topics/new", "/inbox", "/responses",
                 "/conversations", "/intents"):
        assert editor.get(path).status_code == 200, path
    subprocess.run(["git", "checkout", "--", "data"], cwd=project, check=True)


def test_a_contradicting_rule_is_refused_before_it_is_written(editor, studio_site):
    path = studio_site[1] / "data/rules.yml"
    before = path.read_text(encoding="utf-8")
    response = editor.post("/rules", {"name": "powitanie: pożegnaj", "intent": "greet",
                                      "response": "utter_goodbye"})
    assert response.status_code == 422 and "wykluczają" in response.text
    assert path.read_text(encoding="utf-8") == before


@pytest.mark.parametrize("example", ["ile to [kosztuje]{nope}", "ile [to](cena)"])
def test_broken_entity_markup_in_an_example_is_refused(editor, studio_site, example):
    path = studio_site[1] / "data/faq/cost.yml"
    before = path.read_text(encoding="utf-8")
    values = topic_form(editor)
    values["examples"] += "\n" + example
    response = editor.post("/topics/cost", values)
    assert response.status_code == 422 and "którego asystent nie odczyta" in response.text
    assert path.read_text(encoding="utf-8") == before


def test_a_customers_markup_from_the_inbox_becomes_plain_words(editor, studio_site):
    project = studio_site[1]
    response = editor.post("/inbox/add", {"keys": "2" * 32, "intent": "out_of_scope",
                                          "text": 'ile to [kosztuje]{"entity": "x"} (pytam)'})
    assert response.status_code == 303
    diff = subprocess.run(["git", "diff", "-U0", "--", "data"], cwd=project,
                          capture_output=True, text=True).stdout
    assert '+    - ile to kosztuje "entity": "x" (pytam)' in diff.splitlines()
    from editor_tools.check_content import check

    assert check(project).errors == []
    subprocess.run(["git", "checkout", "--", "data"], cwd=project, check=True)


@pytest.mark.parametrize("target", ["/affirm", "/deny", "/restart", "/choose_faq",
                                    'security", "faq_topic": "cost', "nope", "../domain"])
def test_a_button_leads_only_where_the_page_offers(editor, studio_site, target):
    path = studio_site[1] / "data/faq/cost.yml"
    before = path.read_text(encoding="utf-8")
    response = editor.post("/topics/cost", topic_form(editor, button3=target,
                                                      button3_title="Więcej"))
    assert response.status_code == 422 and "wybierz cel z listy" in response.text
    assert path.read_text(encoding="utf-8") == before


@pytest.mark.parametrize("placeholder", ["{plus_kod}", "{phone_number}", "{new_plus_kod}"])
def test_a_response_cannot_gain_a_slot_placeholder(editor, studio_site, placeholder):
    path = studio_site[1] / "domain.yml"
    before = path.read_text(encoding="utf-8")
    page = editor.get("/responses").text
    import html

    old = html.unescape(re.search(r'id="utter_goodbye-0" name="text" rows="3">(.*?)</textarea>',
                                  page, re.S).group(1))
    response = editor.post("/responses/utter_goodbye/0", {"text": f"{old} {placeholder}"})
    assert response.status_code == 422 and "Nowe pole w nawiasach klamrowych" in response.text
    assert path.read_text(encoding="utf-8") == before


def test_a_forwarded_for_header_from_an_untrusted_peer_changes_nothing(studio_site):
    url, project, env = studio_site
    subprocess.run([sys.executable, "-m", "tools.studio_users", "add", "jan", "--role",
                    "editor"], cwd=project, env=env, input="jan-haslo-2026-x\n", text=True,
                   check=True, capture_output=True)
    # the module's other tests failed logins from this address too: start from none
    subprocess.run([sys.executable, "-m", "tools.studio_users", "unlock-all"], cwd=project,
                   env=env, check=True, capture_output=True)
    statuses = []
    for n in range(20):
        client = Client(url)
        page = client.get("/login")
        token = re.search(r'name="login_token" value="([^"]+)"', page.text).group(1)
        statuses.append(client.post("/login", {"login_token": token, "name": f"zgadywany{n}",
                                               "password": "x" * 12}, csrf=False,
                                    headers={"X-Forwarded-For": f"10.0.{n}.1"}).status_code)
    assert statuses[-1] == 429 and 429 not in statuses[:-1]
    assert Client(url).login("jan", "jan-haslo-2026-x").status_code == 429
    unlocked = subprocess.run([sys.executable, "-m", "tools.studio_users", "unlock-all"],
                              cwd=project, env=env, capture_output=True, text=True, check=True)
    assert unlocked.stdout.startswith("forgot ")
    assert Client(url).login("jan", "jan-haslo-2026-x").status_code == 303
