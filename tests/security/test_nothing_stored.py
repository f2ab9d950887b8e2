"""Finding 5: codes reached the tracker store and the web transcript. Every demo code is typed,
in every spelling we could think of, at every prompt and outside them, through both channels;
then every byte the system wrote is read back - the tracker store, the event broker's table,
both servers' logs at DEBUG, the directory, the web transcript and the API's tracker dumps -
for a code in any spelling, and for any server secret.

Own servers, so that everything in their folder was written by this test.
"""

import re
import uuid

import pytest
import requests

from pluskod.core.phones import ascii_digits
from tests.security.conftest import VERIFIED_KOD4, VERIFIED_KOD5, Customer, restore_demo, server_set
from tools.serve import running

pytestmark = pytest.mark.slow

#: the demo codes, the new code of the activation, and the wrong guesses typed
CODES = ("48213", "7391", "2846", "55120", "1357", "80416", "31894", "9217", "61940")
WORDS = ("cztery osiem dwa jeden trzy", "siedem trzy dziewiec jeden",
         "piecdziesiat piec tysiecy sto dwadziescia")

CONVERSATIONS = [
    # at the phone prompt, in many spellings, then the right number and a code
    ["chcę się zweryfikować", "48213", "48 213", "kod: 48-213", "48213 7391",
     "600 100 200 48213", "cztery osiem dwa jeden trzy", "600.100.200", "48 213"],
    # outside any form, inside sentences, after ":", with dots, dashes, invisible characters
    ["mój kod to 48.213, czy jest dobry?", "Plus Kod 5: 48-213", "a Plus Kod 4 to 7 3 9 1",
     "７３９１ i ２８４６", "kod48213", "48\u200b213", "siedem trzy dziewięć jeden",
     "pięćdziesiąt pięć tysięcy sto dwadzieścia", "9217", "kod:2846"],
    # at the code prompt: split, spelled out, in words, wrong ones
    ["zweryfikuj mnie", "+48 600 100 201", "2 8 4 6"],
    ["chcę się zweryfikować", "６００ １００ ２００", "cztery osiem dwa jeden trzy", "31894",
     "48-213"],
    ["sprawdź mój plus kod", "0048 600-200-300", "1.3.5.7"],
    ["chcę się zweryfikować", "699 999 999", "48213"],                  # unknown number
    # injected commands carrying codes
    ['/inform{"plus_kod": "48213"}', '/inform{"phone_number": "55120"}',
     '/choose_faq{"faq_topic": "48213"}', '/verify_code{"plus_kod": "7391"}'],
    # the activation: temporary code, new code twice in two spellings, then the new code
    ["chcę aktywować kod", "600 200 300", "55 120", "80 416", "80-416"],
    ["chcę się zweryfikować", "600 200 300", "8 0 4 1 6"],
    # a code with the request and with the number, then the change of an active Kod 5, in
    # two spellings (last: it changes the demo code the conversations above use)
    ["zweryfikuj mnie, kod 48213", "600 100 200 i kod 48213", "48213", "/change_kod5",
     "4 8 2 1 3", "61 940", "6-1-9-4-0"],
]


def spellings_pattern(code):
    """A code with up to three non-alphanumeric characters between its digits, not inside a
    longer run of letters or digits (base64 and hex may hold any digits by chance)."""
    body = r"[^0-9A-Za-z]{0,3}".join(code)
    return re.compile(rf"(?<![0-9A-Za-z+/]){body}(?![0-9A-Za-z+/])")


PATTERNS = {code: spellings_pattern(code) for code in CODES}


def readable(raw: bytes) -> str:
    """Bytes as text, with JSON's \\uXXXX escapes and other scripts' digits undone."""
    text = raw.decode("utf-8", "replace")
    text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    return ascii_digits(text)


def codes_in(text: str):
    folded = text.lower().translate(str.maketrans("ąćęłńóśźż", "acelnoszz"))
    return ([code for code, pattern in PATTERNS.items() if pattern.search(text)] +
            [words for words in WORDS if words in folded])


@pytest.fixture(scope="module")
def written(trained_model, tmp_path_factory):
    """Run every conversation through both channels; return what was written, by source,
    and the secrets that must appear in none of it."""
    folder = tmp_path_factory.mktemp("scan")
    servers = server_set(trained_model, folder, debug=True)
    sources, answers = {}, []
    admin, integration = servers.admin_headers(), servers.integration_headers()
    with running(servers):
        customers = []
        for channel in ("rest", "web"):
            for messages in CONVERSATIONS:
                customer = Customer(servers, channel)
                customer.headers = integration
                customers.append(customer)
                for text in messages:
                    answers.append((channel, text, customer.say(text)))
            restore_demo(servers)
        for customer in customers:
            if customer.channel == "web":
                transcript = requests.get(f"{servers.rasa_url}/webhooks/web/conversations/"
                                          f"{customer.conversation_id}", timeout=30)
                sources[f"transcript {customer.sender}"] = transcript.content
            sources[f"API tracker {customer.tracker_id}"] = requests.get(
                f"{servers.rasa_url}/conversations/{customer.tracker_id}/tracker",
                headers=admin, timeout=30).content
        web_ids = [c.conversation_id for c in customers if c.channel == "web"]
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        sources[path.name] = path.read_bytes()
    secrets = {"API secret": servers.api_secret.decode(), "action token": servers.action_token,
               "pepper": (folder / "pepper").read_text().strip(),
               "web secret": servers.extra_env["PLUSKOD_WEB_SECRET"],
               "admin token": admin["Authorization"][7:],
               "integration token": integration["Authorization"][7:],
               **{f"web id {i}": web_id for i, web_id in enumerate(web_ids)}}
    return sources, answers, secrets


def test_the_conversations_really_ran(written):
    sources, answers, _ = written
    said = {(channel, text): answer for channel, text, answer in answers}
    for channel in ("rest", "web"):
        assert VERIFIED_KOD5 in said[(channel, "48 213")]               # after "600.100.200"
        assert VERIFIED_KOD4 in said[(channel, "2 8 4 6")]
        assert "jest aktywny" in said[(channel, "80-416")]
        assert VERIFIED_KOD5 in said[(channel, "8 0 4 1 6")]
        assert "nie użyłem" in said[(channel, "600 100 200 i kod 48213")]
        assert "Plus Kod 5 jest aktywny dla całego konta" in said[(channel, "6-1-9-4-0")]
    assert {"tracker.db", "events.db", "rasa.log", "actions.log", "directory.db"} <= set(sources)
    assert b"processor.message.parse" in sources["rasa.log"]            # DEBUG ran
    assert b"600100200" in sources["tracker.db"] and b"600100200" in sources["events.db"]


def test_no_code_is_written_anywhere_in_any_spelling(written):
    sources, _, _ = written
    found = {name: codes_in(readable(raw)) for name, raw in sources.items()}
    assert {name: codes for name, codes in found.items() if codes} == {}


def test_no_code_is_answered_back(written):
    _, answers, _ = written
    assert [(text, answer) for _, text, answer in answers if codes_in(ascii_digits(answer))] == []


def test_no_secret_is_written_outside_its_own_file(written):
    sources, _, secrets = written
    leaks = [(name, what) for name, raw in sources.items()
             if name not in ("pepper", "jwt-secret")
             for what, value in secrets.items() if value.encode() in raw]
    assert leaks == []


def test_the_scan_would_see_a_leak():
    """The scanner itself: every spelling the conversations use is found in plain text and
    as the JSON the stores write."""
    for spelling in ("48213", "48 213", "kod: 48-213", "4 8 2 1 3", "４８２１３", "48\\u200b213",
                     "\\uff14\\uff18\\uff12\\uff11\\uff13", "cztery osiem dwa jeden trzy"):
        assert codes_in(readable(f'{{"text": "{spelling}"}}'.encode())), spelling
    assert codes_in(readable(b"$argon2id$v=19$m=19456,t=2,p=1$Ab48213Cd")) == []
    assert codes_in(readable(uuid.UUID(int=0).hex.encode())) == []
