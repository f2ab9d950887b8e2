"""The help page and its chat widget in a real browser (headless chromium) against the real
servers."""

import pytest

from tests.conftest import ROOT, demo_directory_env, free_port
from tests.security.conftest import restore_demo
from tests.web.widget_driver import at_code_prompt, click, last_answer, open_chat, say
from tools.serve import Servers, running

pytestmark = pytest.mark.slow

REPORTS = ROOT / "reports"


@pytest.fixture
def page_url(servers):
    return f"{servers.rasa_url}/webhooks/web/"


def test_a_typed_question_is_answered(open_page, page_url):
    page = open_page(page_url)
    assert page.get_by_role("heading", name="Co to jest Plus Kod?").is_visible()
    open_chat(page)
    say(page, "Co to jest Plus Kod?")
    assert "cyfrowe hasło" in last_answer(page)
    assert page.problems == []


def test_a_quick_reply_is_clicked(open_page, page_url):
    page = open_page(page_url)
    open_chat(page)
    say(page, "Co to jest Plus Kod?")
    answers = page.locator(".pk-bot").count()
    page.locator(".pk-bot").last.get_by_role("button", name="Jak dostać Plus Kod?").click()
    page.locator(".pk-bot").nth(answers).wait_for(timeout=60_000)
    assert page.locator(".pk-user").last.inner_text().endswith("Jak dostać Plus Kod?")
    assert "pierwszej fakturze" in last_answer(page)


def test_a_full_verification_keeps_the_code_nowhere(open_page, page_url):
    page = open_page(page_url)
    field = at_code_prompt(page, "600 100 200")
    assert field.get_attribute("inputmode") == "numeric"
    assert field.get_attribute("autocomplete") == "off"
    say(page, "48213")
    assert "Plus Kod 5 jest poprawny" in last_answer(page)
    assert page.locator(".pk-user").last.inner_text().endswith("•••••")
    assert field.get_attribute("type") == "text" and field.input_value() == ""
    storage = page.evaluate("JSON.stringify([Object.entries(sessionStorage),"
                            " Object.entries(localStorage)])")
    dom = page.content() + page.evaluate("document.documentElement.innerText")
    for place in (dom, storage, page.url):
        assert "48213" not in place
    assert "600 100 200" in dom                    # the check reads the real transcript


def test_the_customer_leaves_the_code_prompt_and_the_field_is_plain_again(open_page,
                                                                          page_url):
    page = open_page(page_url)
    field = at_code_prompt(page, "600 100 201")
    say(page, "anuluj to wszystko")
    assert "przerywam sprawdzanie kodu" in last_answer(page)
    assert page.locator(".pk-user").last.inner_text().endswith("•••••")   # typed masked
    assert field.get_attribute("type") == "text"
    say(page, "Co to jest Plus Kod?")
    answer = last_answer(page)
    assert "cyfrowe hasło" in answer and "Wpisz swój Plus Kod" not in answer
    assert page.problems == []


@pytest.mark.parametrize("leaving", ["wróć", "nie"])
def test_the_customer_leaves_the_number_prompt_and_the_activation(open_page, page_url, leaving):
    page = open_page(page_url)
    open_chat(page)
    say(page, "chcę się zweryfikować")
    say(page, leaving)
    assert "przerywam sprawdzanie kodu" in last_answer(page)
    say(page, "chcę teraz aktywować kod z faktury")
    say(page, "600 200 300")
    field = page.locator("#pk-input")
    assert field.get_attribute("type") == "password"
    say(page, leaving)
    assert "przerywam aktywację" in last_answer(page)
    assert field.get_attribute("type") == "text"
    assert page.problems == []


def test_a_verified_customer_changes_the_code_with_the_buttons(open_page, page_url, servers):
    page = open_page(page_url)
    at_code_prompt(page, "600 100 200")
    try:
        say(page, "48213")
        click(page, "Zmień Plus Kod 5")
        field = page.locator("#pk-input")
        assert "obecny Plus Kod 5" in last_answer(page)
        assert field.get_attribute("type") == "password"       # every code is masked
        say(page, "48213")
        assert "Wpisz nowy Plus Kod 5" in last_answer(page)
        assert field.get_attribute("type") == "password"
        say(page, "80416")
        assert field.get_attribute("type") == "password"
        say(page, "80416")
        assert "Plus Kod 5 jest aktywny dla całego konta" in last_answer(page)
        assert field.get_attribute("type") == "text"
        say(page, "czy jestem zweryfikowany?")
        assert "Jesteś już zweryfikowany(-a)" in last_answer(page)
        dom = page.content() + page.evaluate("document.documentElement.innerText")
        assert "80416" not in dom and "48213" not in dom
        assert page.problems == []
    finally:
        restore_demo(servers)          # the other tests of this session use the demo codes


def test_a_reload_keeps_the_conversation(open_page, page_url):
    page = open_page(page_url)
    open_chat(page)
    say(page, "Co to jest Plus Kod?")
    before = page.locator(".pk-msg").all_inner_texts()
    page.reload()
    page.locator(".pk-user").first.wait_for(timeout=60_000)       # reopened and restored
    assert page.locator(".pk-msg").all_inner_texts()[-2:] == before[-2:]
    page.get_by_role("button", name="Nowa rozmowa").click()
    assert "cyfrowe hasło" not in page.locator(".pk-log").inner_text()


def test_html_in_a_message_is_shown_as_text(open_page, page_url):
    page = open_page(page_url)
    open_chat(page)
    attack = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
    say(page, attack)
    assert page.locator(".pk-user").last.inner_text().endswith(attack)
    assert page.locator(".pk-log img, .pk-log script").count() == 0
    assert page.evaluate("window.__pwned === undefined")


def test_keyboard_escape_closes_and_focus_returns(open_page, page_url):
    page = open_page(page_url)
    open_chat(page)
    assert page.evaluate("document.activeElement.id") == "pk-input"
    page.keyboard.press("Escape")
    assert page.locator("#pk-panel").is_hidden()
    assert page.evaluate("document.activeElement.className") == "pk-launcher"
    assert page.locator("[role=log][aria-live=polite]").count() == 1


CONTRAST = """([fg, bg]) => {
  const lum = c => { const [r, g, b] = c.match(/\\d+/g).slice(0, 3).map(v => {
      v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


def test_text_contrast_passes_wcag_aa(open_page, page_url):
    page = open_page(page_url)
    open_chat(page)
    say(page, "Co to jest Plus Kod?")
    for selector in (".pk-bot .pk-text", ".pk-user .pk-text", ".pk-send", ".pk-title",
                     ".pk-quick-reply", ".pk-handoff", ".pk-status"):
        colours = page.locator(selector).last.evaluate(
            """node => { const bg = n => { const c = getComputedStyle(n).backgroundColor;
                 return (c === 'rgba(0, 0, 0, 0)' && n.parentElement) ? bg(n.parentElement) : c; };
               return [getComputedStyle(node).color, bg(node)]; }""")
        assert page.evaluate(CONTRAST, colours) >= 4.5, (selector, colours)


def test_screenshots_on_a_desktop_and_at_360_px(open_page, page_url):
    REPORTS.mkdir(exist_ok=True)
    for name, width, height in (("desktop", 1280, 900), ("360px", 360, 740)):
        page = open_page(page_url, width, height)
        open_chat(page)
        say(page, "Co to jest Plus Kod?")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        box = page.locator("#pk-panel").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
        page.screenshot(path=str(REPORTS / f"web-chat-{name}.png"))
        assert (REPORTS / f"web-chat-{name}.png").stat().st_size > 10_000


def test_a_server_stopped_mid_conversation_shows_a_clear_error(open_page, trained_model,
                                                                 tmp_path):
    own = Servers(model=trained_model, host="127.0.0.1", rasa_port=free_port(),
                  action_port=free_port(), log_dir=tmp_path, tracker_db=tmp_path / "t.db",
                  extra_env=demo_directory_env(tmp_path))
    with running(own):
        page = open_page(f"{own.rasa_url}/webhooks/web/")
        open_chat(page)
        say(page, "Co to jest Plus Kod?")
        own.stop()
        page.locator("#pk-input").fill("Jak dostać Plus Kod?")
        page.locator("#pk-input").press("Enter")
        alert = page.get_by_role("alert")
        alert.wait_for(timeout=30_000)
        assert "Nie udało się połączyć z asystentem" in alert.inner_text()
        assert alert.get_by_role("button", name="Spróbuj ponownie").is_visible()


def test_the_consultant_button_is_always_there(open_page, page_url):
    page = open_page(page_url)
    open_chat(page)
    answers = page.locator(".pk-bot").count()
    page.get_by_role("button", name="Połącz z konsultantem").click()
    page.locator(".pk-bot").nth(answers).wait_for(timeout=60_000)
    assert "601 102 601" in last_answer(page)


def test_a_slow_server_gets_a_clear_message_and_a_working_retry(open_page, page_url):
    """The page is served with data-timeout=1500; the first answer never comes."""
    page = open_page("about:blank")

    def short_timeout(route):
        original = route.fetch()
        body = original.text().replace('src="static/widget.js"',
                                       'src="static/widget.js" data-timeout="1500"')
        route.fulfill(response=original, body=body)

    page.route(page_url, short_timeout)
    page.route("**/messages", lambda route: None)          # never answered
    page.goto(page_url)
    open_chat(page)
    page.locator("#pk-input").fill("Co to jest Plus Kod?")
    page.locator("#pk-input").press("Enter")
    alert = page.get_by_role("alert")
    alert.wait_for(timeout=30_000)
    assert "nie odpowiedział na czas" in alert.inner_text()
    page.unroute("**/messages")
    alert.get_by_role("button", name="Spróbuj ponownie").click()
    page.locator(".pk-bot").nth(1).wait_for(timeout=60_000)
    assert "cyfrowe hasło" in last_answer(page)
