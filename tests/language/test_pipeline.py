"""The Polish spaCy pipeline as Rasa loads it (``SpacyNLP`` lower-cases text first)."""

import subprocess
import sys

import pytest

from pluskod.language.components import PHONE_LEMMA


def lemmas(nlp, text):
    return [t.lemma_ for t in nlp(text.lower())]


@pytest.mark.parametrize("form", ["kod", "kodu", "kodem", "kodzie", "kody"])
def test_inflected_forms_of_kod_share_one_lemma(polish_nlp, form):
    assert lemmas(polish_nlp, form) == ["kod"]


@pytest.mark.parametrize("form", ["aktywować", "aktywuję", "aktywowałem", "aktywowac",
                                  "aktywowalem"])
def test_forms_of_aktywowac_share_one_lemma(polish_nlp, form):
    assert lemmas(polish_nlp, form) == lemmas(polish_nlp, "aktywować")


@pytest.mark.parametrize("plain, polish", [("zapomnialem", "zapomniałem"),
                                           ("pamietam", "pamiętam"),
                                           ("upowaznic zone", "upoważnić żonę")])
def test_text_without_polish_letters_gets_the_same_lemmas(polish_nlp, plain, polish):
    assert lemmas(polish_nlp, plain) == lemmas(polish_nlp, polish)


def test_the_compound_pluskod_reads_as_plus_kod(polish_nlp):
    assert lemmas(polish_nlp, "pluskodu") == ["plus kod"]


def test_function_words_that_separate_intents_keep_their_form(polish_nlp):
    assert lemmas(polish_nlp, "nie jak co czy") == ["nie", "jak", "co", "czy"]


def test_a_one_letter_typo_still_meets_its_lemma(polish_nlp):
    assert lemmas(polish_nlp, "aktywowc") == lemmas(polish_nlp, "aktywować")


@pytest.mark.parametrize("phone", ["600100200", "600 100 200", "600-100-200",
                                   "+48 600 100 200", "0048600100200", "+48600100200"])
def test_a_phone_number_in_any_format_is_one_token(polish_nlp, phone):
    doc = polish_nlp(f"mój numer to {phone}, dzięki")
    phones = [t for t in doc if t.lemma_ == PHONE_LEMMA]
    assert [t.text for t in phones] == [phone]


def test_codes_become_their_shape_not_their_digits(polish_nlp):
    assert lemmas(polish_nlp, "kod 12345 albo 9876 lub 12") == [
        "kod", "__code5__", "albo", "__code4__", "lub", "__number__"]


def test_norm_is_folded_lower_case(polish_nlp):
    assert [t.norm_ for t in polish_nlp("Żółw")] == ["zolw"]


def test_spacy_finds_the_components_through_the_entry_point(polish_nlp):
    """A fresh interpreter that never imports pluskod can still load the pipeline."""
    path = polish_nlp.path
    code = f"import spacy; print(spacy.load({str(path)!r}).pipe_names)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "pluskod_lemmatizer" in out.stdout and "pluskod_phone_merger" in out.stdout
