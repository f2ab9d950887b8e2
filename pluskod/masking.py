"""One definition of what a Plus Kod looks like in text, and how it is hidden.

Used by the redacting tracker store (:mod:`pluskod.tracker_store.redaction`), the actions
(what a slot holds once its code was checked) and the log redaction below.

Log redaction: Rasa logs message texts, slot values and events at DEBUG (structlog's
``processor.message.parse`` and friends), and an exception's text may quote what the customer
typed. We ship INFO, where none of that is logged, but a DEBUG run must not write codes either.
:func:`install_log_redaction` wraps the process's ``logging`` record factory, so every record
of every logger - stdlib or structlog through its stdlib factory - is masked when it is
created, before any handler or file sees it. Port numbers (``:5005``) and dates are kept.
"""

from __future__ import annotations

import logging
import re

MASK = "•••••"
#: a standalone run of 4 or 5 digits: the shape of a Plus Kod 4 or 5
CODE_LIKE = re.compile(r"(?<!\d)\d{4,5}(?!\d)")
_ANY_DIGIT_RUN = re.compile(r"\d+")
#: in log lines, keep ports (":5005") and years in dates ("2026-11-25")
_LOG_CODE_LIKE = re.compile(r"(?<![\d:])\d{4,5}(?!\d)(?!-\d\d-\d\d)")


def mask_codes(text: str, everything: bool = False) -> str:
    """Mask code-like runs, or with ``everything`` every digit run (``48 213``)."""
    return (_ANY_DIGIT_RUN if everything else CODE_LIKE).sub(MASK, text)


def mask_log_text(text: str) -> str:
    return _LOG_CODE_LIKE.sub(MASK, text)


def install_log_redaction() -> None:
    """Mask code-like digits in every log record this process creates (idempotent)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "pluskod_redacting", False):
        return

    def redacting_factory(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep the template only
            message = str(record.msg)
        record.msg, record.args = mask_log_text(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = mask_log_text(logging.Formatter().formatException(record.exc_info))
        return record

    redacting_factory.pluskod_redacting = True
    logging.setLogRecordFactory(redacting_factory)
