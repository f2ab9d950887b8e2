"""The benchmark's table: medians side by side, and ratios precise enough to show one utterance."""

from tools.bench_nlu import render


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
