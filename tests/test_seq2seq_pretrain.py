"""The shipped dates model (rnn_helpers/datasets/dates_attention.npz) and the script that trains it
(rnn_helpers.seq2seq.pretrain): the file is what the package's model expects, its metadata says how
it was made, its stored accuracy is what its weights give; the script runs on a tiny budget."""

import json

import numpy as np
import pytest

from rnn_helpers import seq2seq as s2s
from rnn_helpers.seq2seq import dates, pretrain


@pytest.fixture(scope="module")
def shipped():
    return pretrain.load_dates_model()


def test_the_shipped_file_is_small_and_says_how_it_was_made(shipped):
    _, info = shipped
    assert pretrain.DEFAULT_PATH.stat().st_size < 400 * 1024, "a few hundred KB at most"
    assert info["command"].startswith("python -m rnn_helpers.seq2seq.pretrain")
    assert info["settings"] == pretrain.DEFAULTS, "the shipped weights were trained with DEFAULTS"
    assert len(info["epoch_loss"]) == pretrain.DEFAULTS["epochs"]
    assert info["epoch_loss"] == sorted(info["epoch_loss"], reverse=True), "the loss fell every epoch"
    assert info["train_seconds"] > 0 and info["format_version"] == pretrain.FORMAT_VERSION
    assert 0.9 <= info["held_out_exact_match"] <= 1.0


def test_the_shipped_weights_are_what_the_package_model_expects(shipped):
    model, _ = shipped
    s = pretrain.DEFAULTS
    spec = s2s.describe(model)
    assert (spec.cell, spec.bidirectional, spec.attention) == (s["cell"], s["bidirectional"], s["attention"])
    assert model.src_vocab == s2s.make_vocab(list(dates.SOURCE_CHARS), max_len=dates.MAX_SOURCE_LEN)
    assert model.tgt_vocab == s2s.make_vocab(list(dates.TARGET_CHARS), max_len=dates.TARGET_LEN)
    fresh = s2s.init_model(model.src_vocab, model.tgt_vocab, s["hidden_dim"], cell=s["cell"],
                           bidirectional=s["bidirectional"], attention=s["attention"], seed=s["seed"])
    assert {k: v.shape for k, v in model.items()} == {k: v.shape for k, v in fresh.items()}
    assert all(v.dtype == np.float64 and np.isfinite(v).all() for v in model.values())
    assert any(not np.array_equal(model[k], fresh[k]) for k in fresh), "trained, not the initial weights"


def test_the_stored_accuracy_is_what_the_weights_give_on_dates_never_seen(shipped):
    model, info = shipped
    s = info["settings"]
    train_pairs, held_pairs = dates.make_date_pairs(s["n_train"], s["n_held_out"], held_out=s["held_out"],
                                                    seed=s["seed"])
    assert not {t for _, t in train_pairs} & {t for _, t in held_pairs}
    assert s2s.exact_match(model, held_pairs) == info["held_out_exact_match"]
    assert s2s.greedy_decode(model, ["Thursday, June 25, 2009"]) == ["2009-06-25"]


def test_the_script_runs_on_a_tiny_budget_and_the_file_loads(tmp_path, capsys):
    out = tmp_path / "tiny.npz"
    argv = ["--out", str(out), "--n-train", "40", "--n-held-out", "10", "--epochs", "1", "--hidden-dim", "3",
            "--bidirectional", "false", "--attention", "dot", "--seed", "2"]
    trained, info = pretrain.main(argv)
    assert "held-out exact match" in capsys.readouterr().out
    model, loaded = pretrain.load_dates_model(out)
    assert loaded["command"] == "python -m rnn_helpers.seq2seq.pretrain " + " ".join(argv)
    assert loaded["settings"] == dict(pretrain.DEFAULTS, n_train=40, n_held_out=10, epochs=1, hidden_dim=3,
                                      bidirectional=False, attention="dot", seed=2)
    assert s2s.describe(model).attention == "dot" and not s2s.describe(model).bidirectional
    assert all(np.array_equal(model[k], trained[k]) for k in trained)
    assert loaded["held_out_exact_match"] == s2s.exact_match(
        model, dates.make_date_pairs(40, 10, seed=2)[1])


def test_bad_files_and_settings_are_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="python -m rnn_helpers.seq2seq.pretrain --out"):
        pretrain.load_dates_model(tmp_path / "missing.npz")
    np.savez(tmp_path / "other.npz", W=np.ones(2))
    with pytest.raises(ValueError, match="not a file of weights saved by rnn_helpers.seq2seq.pretrain"):
        pretrain.load_dates_model(tmp_path / "other.npz")
    (tmp_path / "text.npz").write_text("not a zip")
    with pytest.raises(ValueError, match="path .* is not a file of weights"):
        pretrain.load_dates_model(tmp_path / "text.npz")
    np.savez(tmp_path / "old.npz", __info__=np.array(json.dumps({"format_version": 0})))
    with pytest.raises(ValueError, match="format version 0"):
        pretrain.load_dates_model(tmp_path / "old.npz")
    with pytest.raises(TypeError, match="path must be a file name"):
        pretrain.load_dates_model(3)
    with pytest.raises(ValueError, match=r"unknown setting\(s\) \['hidden'\]"):
        pretrain.train_dates_model(hidden=3)


# ---- the bottleneck measurement (bottleneck_reverse.json) -----------------------------------------

def test_the_stored_bottleneck_table_says_how_it_was_made_and_is_complete():
    table = pretrain.load_bottleneck()
    b = pretrain.BOTTLENECK
    assert table["command"] == ("python -m rnn_helpers.seq2seq.pretrain --bottleneck --out "
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


@pytest.mark.slow
def test_one_stored_bottleneck_run_is_reproduced():
    """Seed 0 without attention, trained again with the stored settings (about a minute)."""
    table = pretrain.load_bottleneck()
    settings = {k: v for k, v in table["settings"].items() if k not in ("seeds", "attentions")}
    again = pretrain.bottleneck_run(0, "none", **settings)
    assert {str(L): a for L, a in again.items()} == table["accuracy"]["none"]["0"]


def test_a_bad_bottleneck_file_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="--bottleneck --out"):
        pretrain.load_bottleneck(tmp_path / "missing.json")
    (tmp_path / "other.json").write_text('{"accuracy": {}}')
    with pytest.raises(ValueError, match="not a bottleneck table"):
        pretrain.load_bottleneck(tmp_path / "other.json")
    with pytest.raises(TypeError, match="path must be a file name"):
        pretrain.load_bottleneck(["x.json"])
