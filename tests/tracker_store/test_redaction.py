from pluskod.tracker_store.redaction import MASK, mask_codes, redact_events


def test_code_like_runs_are_masked_and_phone_numbers_kept():
    assert mask_codes("kod 48213 i 7391, numer 600100200") == f"kod {MASK} i {MASK}, numer 600100200"
    assert mask_codes("123 albo 123456") == "123 albo 123456"


def test_everything_mode_masks_split_codes():
    assert mask_codes("48 213", everything=True) == f"{MASK} {MASK}"


def test_user_events_are_masked_everywhere_and_slots_hidden():
    events = [
        {"event": "user", "text": "kod 48213",
         "parse_data": {"text": "kod 48213", "entities": [{"value": "48213"}]},
         "metadata": {"raw": ["48213"]}},
        {"event": "slot", "name": "requested_slot", "value": "plus_kod"},
        {"event": "user", "text": "48 213", "parse_data": {"text": "48 213"}},
        {"event": "slot", "name": "plus_kod", "value": "48213"},
        {"event": "slot", "name": "phone_number", "value": "600100200"},
        {"event": "active_loop", "name": None},
        {"event": "user", "text": "600 100 200 to mój numer"},
    ]
    out = redact_events(events, ["plus_kod"])
    assert len(out) == len(events)
    assert "48213" not in repr(out) and "48 213" not in repr(out)
    assert out[2]["text"] == f"{MASK} {MASK}"
    assert out[3]["value"] == MASK and out[4]["value"] == "600100200"
    assert out[6]["text"] == "600 100 200 to mój numer"   # the form is over: digits kept
    assert events[0]["text"] == "kod 48213"                # the input is not modified
