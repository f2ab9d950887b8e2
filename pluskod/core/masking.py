"""One definition of what may betray a Plus Kod in text, and how it is hidden.

Used by the redacting tracker store (what is stored or streamed of a conversation), the web
transcript (which reads the store), the actions (what a slot holds once its code was checked)
and the log redaction below.

**What is masked.** Customers spell codes in many ways: ``48213``, ``48 213``, ``48-213``,
``48.213``, ``kod:48213``, ``４８２１３``, ``4 8 2 1 3``, ``48\\u200b213``, or in words
(``cztery osiem dwa jeden trzy``). So text is read as *runs*: a run is a stretch of digits
(any character that stands for one digit: ``６``, ``𝟔``, ``⁶``, ``⑥``) and numeral words
(Polish with their cases; English, Ukrainian and Russian digits) with no other letter in it -
any punctuation, spacing or invisible character in between does not end a run. A run is
masked whole when it holds four or more digits, or two or more numeral words, or digits
together with a numeral word, unless it is a phone number spelled as
:func:`pluskod.core.phones.parse_phone` accepts it (phone numbers stay usable, and two codes
typed together are not a phone number). ``Plus Kod 5``, ``mam 2 numery`` and ``pięć cyfr``
are kept. At a code prompt the store masks the whole answer, whatever it says
(:func:`mask_secret_answer`).

**Logs.** Rasa logs message texts, slot values and events at DEBUG, and an exception's text may
quote what the customer typed. :func:`install_log_redaction` wraps the process's ``logging``
record factory, so every record of every logger - stdlib, or structlog through its stdlib
factory - is masked when it is created, before any handler or file sees it, after the escapes
that JSON and ``repr`` write for non-ASCII characters are undone.
Log lines keep only the loopback addresses with their ports; bearer tokens (JWTs) and signed
web conversation ids are hidden as well.
"""

from __future__ import annotations

import logging
import re
from typing import Callable, Iterable, List, Set, Tuple

from pluskod.core.conversation_ids import NONCE_CHARS, SIGNATURE_CHARS
from pluskod.core.folding import fold
from pluskod.core.phones import INVISIBLE, ascii_digits, parse_phone

MASK = "•••••"

#: numerals (folded, lower case) a customer might spell a code with: Polish, with the cases
#: of the digits, and the digits in English, Ukrainian and Russian
NUMERAL_WORDS = frozenset("""
    zero zera zerem jeden jedna jedno jednego jednej jednym jedynka jedynki dwa dwie dwoch
    dwom dwoma dwojka dwojki trzy trzech trzem trzema trojka trojki cztery czterech czterem
    czterema czworka czworki piec pieciu piecioma piatka piatki szesc szesciu szescioma
    szostka szostki siedem siedmiu siedmioma siodemka siodemki osiem osmiu osmioma osemka
    osemki dziewiec dziewieciu dziewiecioma dziewiatka dziewiatki dziesiec dziesieciu
    jedenascie dwanascie trzynascie czternascie pietnascie szesnascie siedemnascie
    osiemnascie dziewietnascie dwadziescia trzydziesci czterdziesci piecdziesiat
    szescdziesiat siedemdziesiat osiemdziesiat dziewiecdziesiat sto dwiescie trzysta
    czterysta piecset szescset siedemset osiemset dziewiecset tysiac tysiace tysiecy
    one two three four five six seven eight nine oh
    нуль нуля один одна два дві три чотири пʼять п'ять шість сім вісім девʼять дев'ять
    ноль одна две четыре пять шесть семь восемь девять
""".split())

# a digit group, or a word (a numeral word joins a run, any other word ends it); the
# apostrophes inside Ukrainian numerals (п'ять) belong to the word
_TOKEN = re.compile(r"\d+|[^\W\d_]+(?:['ʼ’][^\W\d_]+)?")
_DIGIT = re.compile(r"\d")
#: any numeral word, on folded lower-case text: most strings have neither this nor a digit,
#: and are returned as they are without being read run by run
_NUMERAL = re.compile(r"(?<![^\W\d_])(?:" + "|".join(sorted(NUMERAL_WORDS, key=len, reverse=True))
                      + r")(?![^\W\d_])")


def _may_hold_a_number(text: str) -> bool:
    text = ascii_digits(text)   # also drops invisible characters hidden inside a word
    return bool(_DIGIT.search(text) or _NUMERAL.search(fold(text.lower())))


def _runs(text: str) -> Iterable[tuple]:
    """``(start, end, digits, numeral_words)`` of every run in ``text`` (see module doc)."""
    start = end = None
    digits = words = 0
    for token in _TOKEN.finditer(text):
        value = token.group()
        if value[0].isdigit():
            digits += len(value)
        elif fold(value.lower()) in NUMERAL_WORDS:
            words += 1
        else:
            if start is not None:
                yield start, end, digits, words
            start, digits, words = None, 0, 0
            continue
        if start is None:
            start = token.start()
        end = token.end()
    if start is not None:
        yield start, end, digits, words


def _betrays_a_code(run: str, digits: int, words: int) -> bool:
    if words:
        return words >= 2 or digits > 0
    return digits >= 4 and parse_phone(run) is None


def _with_sign(text: str, start: int, end: int) -> str:
    """The run with a ``+`` or ``(+`` written just before it, so that ``+48 600 100 200`` is
    read as the phone number it is."""
    sign = re.search(r"\(?\s*\+?\s*$", text[max(0, start - 4):start])
    return (sign.group() if sign else "") + text[start:end]


def mask_text(text: str) -> str:
    """``text`` with every run that may betray a code replaced by :data:`MASK` (digits of
    other scripts are written as ASCII digits and invisible characters dropped first)."""
    if not text or not _may_hold_a_number(text):
        return text
    text = ascii_digits(text)
    pieces, last = [], 0
    for start, end, digits, words in _runs(text):
        if _betrays_a_code(_with_sign(text, start, end), digits, words):
            pieces += [text[last:start], MASK]
            last = end
    pieces.append(text[last:])
    return "".join(pieces)


def code_runs(text: str) -> List[Tuple[int, int]]:
    """``(digits, numeral words)`` of each run :func:`mask_text` would mask in ``text``: what
    may be a code (a phone number alone is not one)."""
    if not text or not _may_hold_a_number(text):
        return []
    text = ascii_digits(text)
    return [(digits, words) for start, end, digits, words in _runs(text)
            if _betrays_a_code(_with_sign(text, start, end), digits, words)]


def holds_a_code(text: str) -> bool:
    """Whether :func:`mask_text` would mask something in ``text``."""
    return bool(code_runs(text))


def mask_secret_answer(text: str) -> str:
    """What is stored of an answer to a code prompt: :data:`MASK`, whatever it says - a code
    can be spelled in more ways than any rule knows (words of any language, glued together),
    and the answer was read in its own turn. Only an empty answer stays empty."""
    return MASK if text and text.strip() else text


# --- logs ------------------------------------------------------------------------------------
#: kept as written in a log line: the loopback and wildcard addresses with their ports (the
#: servers' own start-up lines), and the escapes of ASCII characters. Nothing else: a customer
#: can type a code as a date, a time or a dotted address ("1.3.5.7"), so those are masked like
#: any run.
_LOG_KEEP = re.compile(r"(?<![\w.])(?:127\.0\.0\.1|0\.0\.0\.0|localhost|\[::1?\])(?::\d{1,5})?"
                       r"(?![\w.])"
                       r"|\\u00[0-7][0-9a-fA-F]")   # an ASCII character's escape (JSON's \u0022)
#: bearer secrets that must never reach a log: JWTs, and the signature of a web conversation id
_LOG_SECRETS = re.compile(
    r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}"
    rf"|(?<=[A-Za-z0-9_-]{{{NONCE_CHARS}}}\.)[A-Za-z0-9_-]{{{SIGNATURE_CHARS}}}(?![A-Za-z0-9_-])")
SECRET_MASK = "[hidden]"
#: escapes that JSON (structlog renders with ensure_ascii) and repr() write for characters
#: outside ASCII - surrogate pairs for those beyond the first plane (𝟒 is \\ud835\\udfd2) -
#: undone before masking, so that digits, separators and letters are read as what was typed.
#: Escapes of ASCII characters (\\u0022) stay: they keep a JSON line valid.
_ESCAPE = re.compile(r"\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})"
                     r"|\\u([0-9a-f]{4})|\\x([0-9a-f]{2})|\\U([0-9a-f]{8})", re.IGNORECASE)


def _unescape(match: "re.Match[str]") -> str:
    high, low, four, two, eight = match.groups()
    if high:
        code = 0x10000 + ((int(high, 16) - 0xD800) << 10) + (int(low, 16) - 0xDC00)
    else:
        code = int(four or two or eight, 16)
    if code < 0x80 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        return match.group()   # ASCII (kept escaped) or a lone surrogate
    char = chr(code)
    return "" if char in INVISIBLE else char


def mask_log_text(text: str) -> str:
    text = _LOG_SECRETS.sub(SECRET_MASK, text)
    if "\\" in text:
        text = _ESCAPE.sub(_unescape, text)
    pieces, last = [], 0
    for kept in _LOG_KEEP.finditer(text):
        pieces.append(mask_text(text[last:kept.start()]))
        pieces.append(kept.group())
        last = kept.end()
    pieces.append(mask_text(text[last:]))
    return "".join(pieces)


#: the record factories this module installed (so that installing twice changes nothing)
_REDACTING_FACTORIES: Set[Callable[..., logging.LogRecord]] = set()


def install_log_redaction() -> None:
    """Mask what may betray a code in every log record this process creates (idempotent)."""
    previous = logging.getLogRecordFactory()
    if previous in _REDACTING_FACTORIES:
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

    _REDACTING_FACTORIES.add(redacting_factory)
    logging.setLogRecordFactory(redacting_factory)


__all__ = ["MASK", "INVISIBLE", "NUMERAL_WORDS", "install_log_redaction", "mask_log_text",
           "mask_secret_answer", "mask_text"]
