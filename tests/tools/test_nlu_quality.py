from tools.nlu_quality import confusions


def test_confusions_count_label_pairs_most_frequent_first_without_texts():
    errors = [
        ("ile kosztuje roaming", "out_of_scope", "faq/cost"),
        ("zapomniałem hasła do poczty", "out_of_scope", "faq/forgot_code"),
        ("ile za roaming w Niemczech", "out_of_scope", "faq/cost"),
        ("aktywuj mi kod teraz", "activate_code", "faq/how_to_activate"),
    ]
    rows = confusions(errors)
    assert rows == [
        ("out_of_scope", "faq/cost", 2),
        ("activate_code", "faq/how_to_activate", 1),
        ("out_of_scope", "faq/forgot_code", 1),
    ]
    assert not any("roaming" in str(cell) for row in rows for cell in row)


def test_no_errors_no_rows():
    assert confusions([]) == []
