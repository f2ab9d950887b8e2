import pytest

from pluskod.language.lemma_table import LemmaTable, build_lemma_table, count_words, within_one_edit

# A miniature PoliMorf: the same shape as spacy-lookups-data's tables (form -> lemma).
LOOKUPS = {
    "noun": {"kodu": "kod", "kodem": "kod", "kodzie": "koda", "kod": "koda",
             "faktury": "faktura", "fakturze": "faktura"},
    "verb": {"aktywuję": "aktywować", "aktywowałem": "aktywować",
             "zapomniałem": "zapomnieć", "zapomniała": "zapomnieć"},
}


def test_every_form_of_a_training_lemma_is_kept_even_unseen_ones():
    table = build_lemma_table({"kodu": 3, "aktywuję": 1}, LOOKUPS)
    assert table.lemma("kodem") == "kod"          # never in training
    assert table.lemma("aktywowałem") == "aktywowac"


def test_a_form_shared_by_two_lemmas_goes_to_the_one_training_supports():
    # "kod" is also a form of "koda"; training says kodu/kodem -> kod wins
    table = build_lemma_table({"kod": 5, "kodu": 2, "kodem": 1}, LOOKUPS)
    assert table.lemma("kod") == "kod"


def test_overrides_win_over_the_dictionary():
    table = build_lemma_table({"kodzie": 1}, LOOKUPS, overrides={"kodzie": "kod"})
    assert table.lemma("kodzie") == "kod"


def test_words_typed_without_diacritics_find_their_lemma():
    table = build_lemma_table({"zapomnialem": 1}, LOOKUPS)
    assert table.lemma("zapomnialem") == table.lemma("zapomniałem") == "zapomniec"
    assert table.lemma("zapomniała") == "zapomniec"   # other forms of the found lemma too


def test_unknown_words_have_no_lemma():
    table = build_lemma_table({"kodu": 1}, LOOKUPS)
    assert table.lemma("roaming") is None


@pytest.mark.parametrize(
    "a, b, expected",
    [("kod", "kod", True), ("aktywowac", "aktywowc", True), ("aktywowac", "aktywowaac", True),
     ("aktywowac", "aktywowca", True), ("aktywowac", "aktywowax", True),
     ("aktywowac", "aktwyowc", False), ("kod", "kodowi", False)],
)
def test_within_one_edit(a, b, expected):
    assert within_one_edit(a, b) is expected


def test_typo_correction_prefers_forms_seen_in_training():
    table = LemmaTable(lemmas={"faktura": "faktura", "faktury": "faktura", "fakturo": "faktura"},
                       frequencies={"faktury": 7, "fakturo": 1})
    assert table.correct("fakturr") == "faktury"
    assert table.correct("faktury") is None      # known word: nothing to correct
    assert table.correct("kot") is None          # too short to trust a guess
    assert table.correct("zupełnie") is None     # nothing one edit away


def test_serialisation_round_trip():
    table = build_lemma_table({"kodu": 1}, LOOKUPS)
    again = LemmaTable.from_bytes(table.to_bytes())
    assert again.lemmas == table.lemmas and again.frequencies == table.frequencies


def test_an_old_table_format_is_refused_with_a_clear_error():
    with pytest.raises(ValueError, match="rebuild the spaCy pipeline"):
        LemmaTable.from_bytes(b'{"format": 0, "lemmas": {}}')


def test_count_words_keeps_only_words():
    assert count_words([["Kod", "kodu", "600", ",", "kod"]]) == {"kod": 2, "kodu": 1}
