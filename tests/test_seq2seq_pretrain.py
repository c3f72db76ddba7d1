"""What notebook 12 ships (rnn_helpers.seq2seq.pretrain): the bottleneck table
(rnn_helpers/datasets/bottleneck_reverse.json) says how it was made and is complete, the script's
functions run on a tiny budget, one stored run is reproduced, bad files are named."""

import pytest

from rnn_helpers import seq2seq as s2s
from rnn_helpers.seq2seq import dates, pretrain


def test_the_dates_vocabularies_hold_every_character_and_length():
    src, tgt = pretrain.dates_vocabularies()
    assert src.chars == dates.SOURCE_CHARS and src.max_len == dates.MAX_SOURCE_LEN
    assert tgt.chars == "".join(sorted(dates.TARGET_CHARS)) and tgt.max_len == dates.TARGET_LEN
    s2s.make_batch(s2s.init_model(src, tgt, 2, seed=0), dates.make_date_pairs(200, 1, seed=3)[0])


# ---- the bottleneck measurement (bottleneck_reverse.json) -----------------------------------------

def test_the_stored_bottleneck_table_says_how_it_was_made_and_is_complete():
    table = pretrain.load_bottleneck()
    b = pretrain.BOTTLENECK
    assert table["command"] == ("python -m rnn_helpers.seq2seq.pretrain --out "
                                "rnn_helpers/datasets/bottleneck_reverse.json")
    assert table["settings"] == b and table["seconds"] > 0
    lengths = {str(L) for L in range(b["min_len"], b["max_len"] + 1)}
    for att in b["attentions"]:
        assert set(table["accuracy"][att]) == {str(seed) for seed in b["seeds"]}
        for by_length in table["accuracy"][att].values():
            assert set(by_length) == lengths and all(0 <= a <= 1 for a in by_length.values())


def test_measure_bottleneck_on_a_tiny_budget():
    tiny = pretrain.measure_bottleneck(n_train=20, n_test=30, max_len=4, epochs=1, hidden_dim=2, seeds=[0, 3])
    assert tiny["settings"]["seeds"] == [0, 3] and set(tiny["accuracy"]) == {"none", "additive"}
    assert set(tiny["accuracy"]["none"]["3"]) <= {"2", "3", "4"}
    again = pretrain.bottleneck_run(3, "none", n_train=20, n_test=30, max_len=4, epochs=1, hidden_dim=2)
    assert {str(L): a for L, a in again.items()} == tiny["accuracy"]["none"]["3"], "seeded: the same again"
    with pytest.raises(ValueError, match=r"unknown setting\(s\) \['hidden'\]"):
        pretrain.bottleneck_run(0, "none", hidden=2)


def test_one_stored_bottleneck_run_is_reproduced():
    """Seed 0 without attention, trained again with the stored settings (a few seconds)."""
    table = pretrain.load_bottleneck()
    settings = {k: v for k, v in table["settings"].items() if k not in ("seeds", "attentions")}
    again = pretrain.bottleneck_run(0, "none", **settings)
    assert {str(L): a for L, a in again.items()} == table["accuracy"]["none"]["0"]


def test_a_bad_bottleneck_file_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="python -m rnn_helpers.seq2seq.pretrain --out"):
        pretrain.load_bottleneck(tmp_path / "missing.json")
    (tmp_path / "other.json").write_text('{"accuracy": {}}')
    with pytest.raises(ValueError, match="not a bottleneck table"):
        pretrain.load_bottleneck(tmp_path / "other.json")
    with pytest.raises(TypeError, match="path must be a file name"):
        pretrain.load_bottleneck(["x.json"])
