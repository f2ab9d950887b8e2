from pluskod.core.folding import fold


def test_every_polish_letter_folds_to_its_base_letter():
    assert fold("ąćęłńóśźż") == "acelnoszz"
    assert fold("ĄĆĘŁŃÓŚŹŻ") == "ACELNOSZZ"


def test_folding_keeps_length_so_offsets_stay_valid():
    text = "Zapomniałem Plus Kodu, żółć!"
    assert len(fold(text)) == len(text)
    assert fold(text) == "Zapomnialem Plus Kodu, zolc!"


def test_text_without_polish_letters_is_unchanged():
    assert fold("jak aktywowac plus kod 600 100 200") == "jak aktywowac plus kod 600 100 200"
