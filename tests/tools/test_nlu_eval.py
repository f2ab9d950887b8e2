from pluskod.language.lemma_table import within_one_edit
from tools.nlu_eval import Example, add_typo, label_of, score, strip_diacritics


def test_a_typo_changes_exactly_one_word_by_one_edit():
    text = "Jak aktywować mój Plus Kod z faktury?"
    typo = add_typo(text)
    changed = [(a, b) for a, b in zip(text.split(" "), typo.split(" ")) if a != b]
    assert len(changed) == 1 and within_one_edit(*changed[0])
    assert add_typo(text) == typo   # deterministic: every run scores the same copy


def test_short_words_only_are_left_alone():
    assert add_typo("ok a b") == "ok a b"


def test_strip_diacritics():
    assert strip_diacritics("Zapomniałem kodu") == "Zapomnialem kodu"


def test_label_of_uses_the_chosen_faq_answer():
    parse = {"intent": {"name": "faq"}, "response_selector": {"faq": {"response": {
        "intent_response_key": "faq/cost"}}}}
    assert label_of(parse) == "faq/cost"
    assert label_of({"intent": {"name": "greet"}}) == "greet"


def test_label_of_reads_a_default_selector_like_rasa_does():
    parse = {"intent": {"name": "faq"}, "response_selector": {"default": {"response": {
        "intent_response_key": "faq/cost"}}}}
    assert label_of(parse) == "faq/cost"


def test_score_counts_fallback_as_rejection_for_out_of_scope_only():
    examples = [Example("a", "out_of_scope"), Example("b", "faq/cost"), Example("c", "greet")]
    scores = score(examples, ["a", "b", "c"], ["nlu_fallback", "nlu_fallback", "greet"])
    assert scores.oos_rejection == 1.0
    assert scores.in_scope_accuracy == 0.5
    assert scores.fallback_rate == 0.5
    assert abs(scores.accuracy - 2 / 3) < 1e-9
    assert scores.errors == [("b", "faq/cost", "nlu_fallback")]
