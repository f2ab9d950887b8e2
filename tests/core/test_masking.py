"""Masking of codes in any spelling, and log redaction checked on what a real process wrote."""

import subprocess
import sys
import textwrap

import pytest

from pluskod.core.masking import (
    MASK,
    SECRET_MASK,
    holds_a_code,
    mask_log_text,
    mask_secret_answer,
    mask_text,
)

#: every spelling of a demo code a customer (or an attacker) might type
CODE_SPELLINGS = [
    "48213", "48 213", "482 13", "4 8 2 1 3", "48-213", "48.213", "48,213", "48/213", "48_213",
    "48:213", "48) 213", "48\n213", "48  -  213", "48\u00a0213", "48\u200b213", "４８２１３",
    "٤٨٢١٣", "kod48213", "48213zł", "(48213)", "+48213", "7391", "73 91", "7.3.9.1",
    "cztery osiem dwa jeden trzy", "czterdzieści osiem tysięcy dwieście trzynaście",
    "siedem trzy dziewiec jeden", "48 dwa 13", "48213 7391", "600 100 200 48213",
    "CZTERY osiem\u200b DWA jeden trzy", "czte\u200bry osiem dwa",
    "600100200 7391", "60010020048213",
    # digits of other kinds, separators of other scripts, numerals of other languages and cases
    "⁴⁸²¹³", "④⑧②①③", "𝟒𝟖𝟐𝟏𝟑", "𝟺𝟾𝟸𝟷𝟹", "48\u202f213", "4\u20098\u20092\u20091\u20093",
    "4·8·2·1·3", "48°213", "48€213", "four eight two one three", "чотири вісім два один три",
    "п'ять сім", "czterech ośmiu dwóch jednego trzech",
]


@pytest.mark.parametrize("spelling", CODE_SPELLINGS)
def test_every_spelling_of_a_code_is_masked(spelling):
    masked = mask_text(f"mój kod to {spelling}, proszę")
    assert masked.startswith("mój kod to ") and masked.endswith(", proszę") and MASK in masked
    assert not any(c.isdigit() for c in masked), masked


@pytest.mark.parametrize("text", [
    "ten kod", "oh well", "one more", "numer 600 100 200", "+48 600 100 200",
    "(+48) 600-100-200", "0048600100200",
    "600.100.200", "Plus Kod 5", "mam 2 numery", "pięć cyfr", "dwa numery", "kod 4 i kod 5",
    "601 102 601", "123 zł", "", "nie pamiętam kodu",
])
def test_phone_numbers_and_small_numbers_are_kept(text):
    assert mask_text(text) == text


def test_only_the_code_is_masked_in_a_sentence():
    assert mask_text("numer 600 100 200, kod 48213") == f"numer 600 100 200, kod {MASK}"
    assert mask_text("7391 i 2846") == f"{MASK} i {MASK}"


@pytest.mark.parametrize("answer", [
    "48213", "4", "cztery", "czte\u200bry", "PIĘĆ", "٤", "czteryosiemdwajedentrzy",
    "four eight two one three", "nie pamiętam", "anuluj", "  x  ",
])
def test_an_answer_at_a_code_prompt_is_masked_whole_whatever_it_says(answer):
    assert mask_secret_answer(answer) == MASK
    assert mask_secret_answer("") == "" and mask_secret_answer("   ") == "   "


@pytest.mark.parametrize("text, expected", [
    ("text='48213'", f"text='{MASK}'"),
    ('{"plus_kod": "55120"}', f'{{"plus_kod": "{MASK}"}}'),
    ("kod:48213 i 48 213", f"kod:{MASK} i {MASK}"),
    ("Starting on http://127.0.0.1:5005", "Starting on http://127.0.0.1:5005"),
    ("up on localhost:5055 and 0.0.0.0:5005", "up on localhost:5055 and 0.0.0.0:5005"),
    # what a customer could type as a code looks like an address, a date or a time
    ("value: 1.3.5.7", f"value: {MASK}"), ("at 4821-03-01", f"at {MASK}"),
    ("at 00:48:21", f"at {MASK}"),
    # JSON and repr escapes of what was typed
    ('"48\\u200b213"', f'"{MASK}"'), ('"\\uff14\\uff18\\uff12\\uff11\\uff13"', f'"{MASK}"'),
    ("pi\\u0119\\u0107 tysi\\u0119cy", MASK), ("'48\\xad213'", f"'{MASK}'"),
    ('"48\\u202f213"', f'"{MASK}"'), ('"4\\u00b78\\u00b72\\u00b71\\u00b73"', f'"{MASK}"'),
    ('"\\ud835\\udfd2\\ud835\\udfd6\\ud835\\udfd0\\ud835\\udfcf\\ud835\\udfd1"', f'"{MASK}"'),
    ('"\\ud800x"', '"\\ud800x"'),
    ('a \\u0022quoted\\u0022 word', 'a \\u0022quoted\\u0022 word'),
    ("Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl", f"Bearer {SECRET_MASK}"),
    ("/webhooks/web/conversations/" + "A" * 32 + "." + "b" * 22 + "/messages",
     "/webhooks/web/conversations/" + "A" * 32 + "." + SECRET_MASK + "/messages"),
])
def test_log_text_keeps_addresses_and_dates_and_hides_bearer_secrets(text, expected):
    assert mask_log_text(text) == expected


SCRIPT = textwrap.dedent('''
    import logging, structlog
    from rasa.utils.log_utils import configure_structlog
    configure_structlog(logging.DEBUG)
    import pluskod  # installs the redaction
    structlog.get_logger().debug("processor.message.parse", text="mój kod to 48 213",
                                 slot_values={"plus_kod": "55120"})
    logging.getLogger("rasa.core.processor").debug("Received user message '%s'", "7391")
    logging.getLogger("rasa.core.processor").debug("slot value: %s", "kod:2846")
    try:
        int("1357x")
    except ValueError:
        logging.getLogger("actions").exception("failed")
    logging.getLogger("x").info("listening on 127.0.0.1:5055")
    structlog.get_logger().debug("json", text="\uff14\uff18 \u2060213", other="1.3.5.7")
''')


def test_a_debug_run_writes_no_code(root, tmp_path):
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=root, capture_output=True,
                            text=True, timeout=120, env={"PATH": "/usr/bin:/bin",
                                                         "PYTHONPATH": str(root)})
    written = result.stdout + result.stderr
    assert result.returncode == 0, written
    assert "processor.message.parse" in written and "Received user message" in written
    assert "Traceback" in written and "127.0.0.1:5055" in written
    for code in ("48 213", "48213", "55120", "7391", "2846", "1357", "1.3.5.7", "\\uff14"):
        assert code not in written, f"{code} was logged:\n{written}"


@pytest.mark.parametrize("text, holds", [
    ("48213", True), ("48 213", True), ("mój kod to 4 8 2 1 3, dobry?", True),
    ("cztery osiem dwa jeden trzy", True), ("７３９１", True), ("48\u200b213", True),
    ("600 100 200", False), ("+48 600 100 200", False), ("mam 2 numery", False),
    ("Plus Kod 5", False), ("", False), ("jak aktywować kod?", False),
    ("600100200 48213", True),
])
def test_holds_a_code_is_true_exactly_when_something_would_be_masked(text, holds):
    assert holds_a_code(text) is holds
    assert (MASK in mask_text(text)) is holds
