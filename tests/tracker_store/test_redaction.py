from pluskod.tracker_store.redaction import MASK, redact_events

PROOF = "eyJhbGciOiJIUzI1NiJ9.eyJuIjoiNjAwMTAwMjAwIn0.48213abc"


def test_every_event_is_masked_everywhere_and_secret_slots_hidden():
    events = [
        {"event": "user", "text": "kod 48 213",
         "parse_data": {"text": "kod 48 213", "entities": [{"value": "48213"}]},
         "metadata": {"raw": ["48-213"], "client": "abcdef"}},
        {"event": "slot", "name": "requested_slot", "value": "plus_kod"},
        {"event": "user", "text": "cztery osiem", "parse_data": {"text": "cztery osiem"}},
        {"event": "slot", "name": "plus_kod", "value": "48213"},
        {"event": "slot", "name": "phone_number", "value": "600100200"},
        {"event": "slot", "name": "phone_number", "value": "48 213"},   # typed at the number
        {"event": "active_loop", "name": None},
        {"event": "user", "text": "600 100 200 to mój numer"},
        {"event": "slot", "name": "verification_proof", "value": PROOF},
        {"event": "bot", "text": "Zadzwoń pod 2601."},
        {"event": "entities", "entities": [{"entity": "x", "value": "7391"}]},
    ]
    out = redact_events(events, ["plus_kod"], ["verification_proof"])
    assert len(out) == len(events)
    assert out[0]["text"] == f"kod {MASK}" and out[0]["metadata"]["client"] == "abcdef"
    assert out[0]["parse_data"]["entities"][0]["value"] == MASK
    assert out[2]["text"] == MASK                          # a code prompt: masked whole
    assert out[3]["value"] == MASK and out[4]["value"] == "600100200"
    assert out[5]["value"] == MASK
    assert out[7]["text"] == "600 100 200 to mój numer"   # the form is over: a phone is kept
    assert out[8]["value"] == PROOF                       # sealed by an action: kept whole
    assert out[9]["text"] == "Zadzwoń pod 2601."          # the bot's own words
    assert out[10]["entities"][0]["value"] == MASK
    assert events[0]["text"] == "kod 48 213"               # the input is not modified


def test_an_answer_at_a_code_prompt_is_masked_whole_but_keeps_its_intent():
    events = [{"event": "slot", "name": "requested_slot", "value": "plus_kod"},
              {"event": "user", "text": "four eight two one three",
               "parse_data": {"text": "four eight two one three", "intent": {"name": "inform"},
                              "entities": [{"entity": "x", "value": "foureight"}]}}]
    answer = redact_events(events, ["plus_kod"])[1]
    assert answer["text"] == answer["parse_data"]["text"] == MASK
    assert answer["parse_data"]["intent"] == {"name": "inform"}
    assert answer["parse_data"]["entities"] == [{"entity": "x", "value": MASK}]
