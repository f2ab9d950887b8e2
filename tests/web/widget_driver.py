"""How the browser tests use the widget: open it, type, wait for the answer."""


def open_chat(page):
    page.get_by_role("button", name="Zapytaj o Plus Kod").click()
    page.locator("#pk-input").wait_for()


def say(page, text):
    """Type and press Enter; wait until the assistant answered."""
    answers = page.locator(".pk-bot").count()
    page.locator("#pk-input").fill(text)
    page.locator("#pk-input").press("Enter")
    page.locator(".pk-bot").nth(answers).wait_for(timeout=60_000)
    page.wait_for_function("!document.querySelector('.pk-widget').classList.contains('pk-busy')",
                           timeout=60_000)


def last_answer(page):
    return page.locator(".pk-bot").last.inner_text()


def at_code_prompt(page, number):
    """Open the chat, ask to verify and give ``number``; returns the input field, which the
    code prompt has made a masked one."""
    open_chat(page)
    say(page, "chcę się zweryfikować")
    say(page, number)
    field = page.locator("#pk-input")
    assert field.get_attribute("type") == "password"
    return field


def click(page, title):
    """Click the button ``title`` under the last answer; wait until the assistant answered."""
    answers = page.locator(".pk-bot").count()
    page.locator(".pk-bot").last.get_by_role("button", name=title).click()
    page.locator(".pk-bot").nth(answers).wait_for(timeout=60_000)
    page.wait_for_function("!document.querySelector('.pk-widget').classList.contains('pk-busy')",
                           timeout=60_000)
