"""spaCy components of the Polish layer, registered through the ``spacy_factories`` entry
point so that ``spacy.load()`` (and so Rasa's ``SpacyNLP``) finds them."""


import re
from pathlib import Path
from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc, Token
from spacy.util import filter_spans

from pluskod.core.folding import fold
from pluskod.language.lemma_table import LemmaTable

#: 9 digits, optionally grouped 3-3-3 by spaces or hyphens, optionally after +48 / 0048.
PHONE_NUMBER = re.compile(r"(?<![\d+])(?:(?:\+|00)48[\s-]?)?\d{3}[\s-]?\d{3}[\s-]?\d{3}(?!\d)")

#: Lemmas that stand for a number's shape, so the classifier learns "a phone number was
#: given" instead of memorising digits.
PHONE_LEMMA = "__phone__"
NUMBER_LEMMAS = {4: "__code4__", 5: "__code5__"}
OTHER_NUMBER_LEMMA = "__number__"

TABLE_FILE = "lemma_table.json"


class PhoneNumberMerger:
    """Merges a phone number typed in groups (``600 100 200``) into one token."""

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for match in PHONE_NUMBER.finditer(doc.text):
            span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
            if span is not None and len(span) > 1:
                spans.append(span)
        with doc.retokenize() as retokenizer:
            for span in filter_spans(spans):
                retokenizer.merge(span)
        return doc


class PolishLemmatizer:
    """Sets ``token.norm_`` (folded lower case) and ``token.lemma_`` (folded lemma).

    Order of decisions: number shapes, then the lemma table, then a one-edit typo
    correction against the table, then the folded word itself.
    """

    def __init__(self, typo_correction: bool = True, table: Optional[LemmaTable] = None):
        self.typo_correction = typo_correction
        self.table = table or LemmaTable(lemmas={})

    def __call__(self, doc: Doc) -> Doc:
        for token in doc:
            token.norm_ = fold(token.lower_)
            token.lemma_ = self.lemma_of(token)
        return doc

    def lemma_of(self, token: Token) -> str:
        text = token.lower_
        if PHONE_NUMBER.fullmatch(text):
            return PHONE_LEMMA
        if text.isdigit():
            return NUMBER_LEMMAS.get(len(text), OTHER_NUMBER_LEMMA)
        if not any(ch.isalpha() for ch in text):
            return text
        lemma = self.table.lemma(text)
        if lemma is None and self.typo_correction:
            corrected = self.table.correct(text)
            if corrected is not None:
                lemma = self.table.lemma(corrected)
        return lemma if lemma is not None else fold(text)

    # spaCy serialisation ---------------------------------------------------------------
    def to_disk(self, path, *, exclude=tuple()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / TABLE_FILE).write_bytes(self.table.to_bytes())

    def from_disk(self, path, *, exclude=tuple()) -> "PolishLemmatizer":
        table_path = Path(path) / TABLE_FILE
        if not table_path.exists():
            raise FileNotFoundError(
                f"{table_path} is missing: rebuild the spaCy pipeline with `make install`."
            )
        self.table = LemmaTable.from_bytes(table_path.read_bytes())
        return self


@Language.factory("pluskod_phone_merger")
def make_phone_merger(nlp: Language, name: str) -> PhoneNumberMerger:
    return PhoneNumberMerger()


@Language.factory("pluskod_lemmatizer", default_config={"typo_correction": True})
def make_lemmatizer(nlp: Language, name: str, typo_correction: bool) -> PolishLemmatizer:
    return PolishLemmatizer(typo_correction=typo_correction)
