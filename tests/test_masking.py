"""Code masking, and log redaction checked on what a real process wrote."""

import subprocess
import sys
import textwrap

import pytest

from pluskod.masking import MASK, mask_codes, mask_log_text


@pytest.mark.parametrize("text, expected", [
    ("mój kod to 48213", f"mój kod to {MASK}"),
    ("7391, 2846", f"{MASK}, {MASK}"),
    ("numer 600100200", "numer 600100200"),       # a phone number is not a code
    ("123 i 123456", "123 i 123456"),
])
def test_code_like_runs_are_masked(text, expected):
    assert mask_codes(text) == expected


def test_everything_masks_split_codes_too():
    assert mask_codes("48 213", everything=True) == f"{MASK} {MASK}"


@pytest.mark.parametrize("text, expected", [
    ("text='48213'", f"text='{MASK}'"),
    ('{"plus_kod": "55120"}', f'{{"plus_kod": "{MASK}"}}'),
    ("Starting on http://127.0.0.1:5005", "Starting on http://127.0.0.1:5005"),
    ("trained on 2026-11-25", "trained on 2026-11-25"),
])
def test_log_text_keeps_ports_and_dates(text, expected):
    assert mask_log_text(text) == expected


SCRIPT = textwrap.dedent('''
    import logging, structlog
    from rasa.utils.log_utils import configure_structlog
    configure_structlog(logging.DEBUG)
    import pluskod  # installs the redaction
    structlog.get_logger().debug("processor.message.parse", text="mój kod to 48213",
                                 slot_values={"plus_kod": "55120"})
    logging.getLogger("rasa.core.processor").debug("Received user message '%s'", "7391")
    try:
        int("2846x")
    except ValueError:
        logging.getLogger("actions").exception("failed")
    logging.getLogger("x").info("listening on 127.0.0.1:5055 since 2026-11-25")
''')


def test_a_debug_run_writes_no_code(root, tmp_path):
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=root, capture_output=True,
                            text=True, timeout=120, env={"PATH": "/usr/bin:/bin",
                                                         "PYTHONPATH": str(root)})
    written = result.stdout + result.stderr
    assert result.returncode == 0, written
    assert "processor.message.parse" in written and "Received user message" in written
    assert "Traceback" in written and "127.0.0.1:5055" in written and "2026-11-25" in written
    for code in ("48213", "55120", "7391", "2846"):
        assert code not in written, f"{code} was logged:\n{written}"
