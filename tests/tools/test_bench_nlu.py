"""The benchmark: its table (medians side by side, ratios precise enough to show one utterance)
and its refusal of wrong arguments before any training."""

import pytest

from tools.bench_nlu import configs, main, render


def test_the_table_shows_medians_and_three_decimal_ratios():
    median = {"vanilla": {"train_s": 455.6, "typos: accuracy": 0.973},
              "ours": {"train_s": 116.7, "typos: accuracy": 0.969}}
    table = render("title", median).splitlines()
    assert table[0] == "title"
    assert "| training time (s) | 455.6 | 116.7 | 0.256 |" in table
    assert "| typos: accuracy | 0.973 | 0.969 | 0.996 |" in table


def test_one_pipeline_alone_has_no_ratio_column():
    table = render("title", {"ours": {"train_s": 116.7, "held-out: accuracy": 0.9}}).splitlines()
    assert table[2] == "| metric | this pipeline |"
    assert table[3] == "|---|---:|"
    assert "| held-out: accuracy | 0.900 |" in table


@pytest.mark.parametrize("args, message", [
    (["--sets", "tests/nlu/missing.yml"], "tests/nlu/missing.yml does not exist"),
    (["--config", "no-such-config.yml"], "no-such-config.yml does not exist"),
    (["--seeds", "0"], "--seeds must be 1 or more"),
])
def test_wrong_arguments_get_a_clear_error_before_any_training(args, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_each_seed_reaches_every_seeded_component_of_both_pipelines():
    seeded = {name: [c for c in config["pipeline"] if "random_seed" in c]
              for name, config in configs(7).items()}
    assert {c["name"] for c in seeded["vanilla"]} == {"DIETClassifier", "ResponseSelector"}
    assert "pluskod.nlu.linear_classifier.LinearIntentClassifier" in {
        c["name"] for c in seeded["ours"]}
    assert all(c["random_seed"] == 7 for cs in seeded.values() for c in cs)
