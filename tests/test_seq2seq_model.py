"""The encoder-decoder's loss and its exact gradient: checked against fourth-order differences for
every key, every attention kind, uni- and bidirectional encoders, several cells, padded batches;
the vectorised pass against the readable loop; padding changes nothing."""

from unittest import mock

import numpy as np
import pytest

from rnn_helpers import deep
from rnn_helpers.gradcheck import assert_gradients_match, numerical_gradient, relative_error
from rnn_helpers.seq2seq import Seq2Seq, describe, init_model, init_params, make_batch, make_vocab
from rnn_helpers.seq2seq.model import loss, loss_and_grads, loss_and_grads_loop

VOCAB = make_vocab(["abc"], max_len=4)
# sources and targets of different lengths: both sides of the batch are padded
PAIRS = [("abca", "cb"), ("b", "abc"), ("cc", "a")]


def _model(cell="gru", attention="additive", bidirectional=False, decoder_cell=None, seed=0):
    """A small model whose weights (biases too) are redrawn from normal(0, 0.6): every term shows."""
    params = init_params(VOCAB.K, VOCAB.K, 2, cell=cell, decoder_cell=decoder_cell,
                         bidirectional=bidirectional, attention=attention, decoder_dim=3,
                         attention_dim=2, seed=seed)
    rng = np.random.default_rng(100 + seed)
    return Seq2Seq({k: rng.normal(0.0, 0.6, v.shape) for k, v in params.items()}, VOCAB, VOCAB)


CONFIGS = [(cell, attention, bidirectional, None)
           for cell in ("rnn", "lstm", "gru") for attention in ("additive", "dot")
           for bidirectional in (False, True)]
CONFIGS += [(cell, "none", bidirectional, None) for cell in ("lstm", "gru") for bidirectional in (False, True)]
CONFIGS += [("lstm", "additive", True, "gru"), ("gru", "dot", False, "mgu"), ("mgu", "additive", True, "rnn")]


def _errors(model, batch):
    _, analytic = loss_and_grads(dict(model), batch)
    numeric = numerical_gradient(lambda p: loss(p, batch), dict(model))
    return {k: relative_error(analytic[k], numeric[k]) for k in model}, analytic, numeric


@pytest.mark.parametrize("cell, attention, bidirectional, decoder_cell", CONFIGS)
def test_gradients_match_fourth_order_differences_for_every_key(cell, attention, bidirectional,
                                                                decoder_cell):
    model = _model(cell, attention, bidirectional, decoder_cell)
    batch = make_batch(model, PAIRS)
    assert batch.src_len.min() < batch.src.shape[1] and batch.tgt_len.min() < batch.tgt_in.shape[1]
    errors, _, _ = _errors(model, batch)
    assert set(errors) == set(model)
    assert_gradients_match(errors, tol=1e-7)


def test_a_wrong_entry_fails_the_gradient_check():
    model = _model("lstm", "additive", True)
    batch = make_batch(model, PAIRS)
    _, analytic, numeric = _errors(model, batch)
    for key in model:
        wrong = {k: v.copy() for k, v in analytic.items()}
        wrong[key].flat[-1] += 1e-4 * (1.0 + abs(wrong[key].flat[-1]))
        with pytest.raises(AssertionError, match=key):
            assert_gradients_match({k: relative_error(wrong[k], numeric[k]) for k in wrong})


@pytest.mark.parametrize("cell, attention, bidirectional, decoder_cell", CONFIGS)
def test_vectorised_equals_the_loop(cell, attention, bidirectional, decoder_cell):
    model = _model(cell, attention, bidirectional, decoder_cell, seed=1)
    batch = make_batch(model, PAIRS)
    value, grads = loss_and_grads(dict(model), batch)
    value_loop, grads_loop = loss_and_grads_loop(dict(model), batch)
    assert value == pytest.approx(value_loop, rel=1e-12, abs=0)
    for k in model:
        np.testing.assert_allclose(grads[k], grads_loop[k], rtol=0, atol=1e-12, err_msg=k)


@pytest.mark.parametrize("attention", ["additive", "dot", "none"])
def test_a_padded_record_gives_its_unpadded_loss(attention):
    model = _model("gru", attention, True)
    per_record = [loss(dict(model), make_batch(model, [pair])) for pair in PAIRS]
    counts = [len(t) + 1 for _, t in PAIRS]                       # target positions, END included
    together = loss(dict(model), make_batch(model, PAIRS))
    assert together == pytest.approx(np.dot(per_record, counts) / sum(counts), rel=1e-13)


@pytest.mark.parametrize("attention", ["additive", "dot"])
def test_padded_encoder_states_receive_exactly_zero_gradient(attention):
    model = _model("lstm", attention, True)
    batch = make_batch(model, PAIRS)
    seen = []
    real = deep.layers_backward

    def spy(dH_seq, dlast, cache, *args, **kwargs):
        seen.append(dH_seq.copy())
        return real(dH_seq, dlast, cache, *args, **kwargs)

    with mock.patch.object(deep, "layers_backward", spy):
        loss_and_grads(dict(model), batch)
    (dH,) = seen
    padded = np.arange(batch.src.shape[1])[None, :] >= batch.src_len[:, None]
    assert padded.any() and np.all(dH[padded] == 0.0)
    assert np.all(np.abs(dH[~padded]).sum(axis=-1) > 0)


def test_what_sits_in_the_padding_changes_nothing():
    model = _model("gru", "additive", True)
    batch = make_batch(model, PAIRS)
    value, grads = loss_and_grads(dict(model), batch)
    src = batch.src.copy()
    src[np.arange(src.shape[1])[None, :] >= batch.src_len[:, None]] = 4     # a real character id
    tgt_in = batch.tgt_in.copy()
    tgt_in[np.arange(tgt_in.shape[1])[None, :] >= batch.tgt_len[:, None]] = 5
    value2, grads2 = loss_and_grads(dict(model), batch._replace(src=src, tgt_in=tgt_in))
    assert value2 == value
    for k in grads:
        np.testing.assert_array_equal(grads[k], grads2[k])


def test_describe_reads_the_configuration_back():
    model = init_model(make_vocab(["abc"]), make_vocab(["0123456789-"]), 4, cell="lstm",
                       decoder_cell="gru", bidirectional=True, attention="dot", decoder_dim=5)
    spec = describe(model)
    assert (spec.cell, spec.bidirectional, spec.decoder_cell, spec.attention) == ("lstm", True, "gru", "dot")
    assert (spec.K_src, spec.K_tgt, spec.E, spec.Hd) == (6, 14, 8, 5)
    assert model["V"].shape == (14, 5 + 8) and model["dec_W_x"].shape == (15, 14 + 8)
    none = init_model(make_vocab(["abc"]), make_vocab(["ab"]), 4, attention="none")
    assert describe(none).attention == "none" and none["V"].shape == (5, 4)
    assert "W_k" not in none and "enc_W_x_l0" in none


def test_init_is_seeded():
    a = init_params(6, 7, 4, seed=3)
    b = init_params(6, 7, 4, seed=3)
    c = init_params(6, 7, 4, seed=4)
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert not np.array_equal(a["V"], c["V"]) and not np.array_equal(a["enc_W_x_l0"], c["enc_W_x_l0"])


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(attention="luong"), ValueError, "attention must be one of 'additive', 'dot', 'none'"),
    (dict(cell="elman"), ValueError, "cell"),
    (dict(decoder_cell=3), TypeError, "decoder_cell must be the name of a registered cell"),
    (dict(hidden_dim=0), ValueError, "hidden_dim must be at least 1"),
    (dict(K_src=2), ValueError, "K_src must be at least 4"),
    (dict(seed=-1), ValueError, "seed must be at least 0"),
])
def test_init_params_names_a_bad_argument(kwargs, error, message):
    args = {"K_src": 6, "K_tgt": 6, "hidden_dim": 3, **kwargs}
    with pytest.raises(error, match=message):
        init_params(args.pop("K_src"), args.pop("K_tgt"), args.pop("hidden_dim"), **args)


def test_make_batch_names_the_bad_pair():
    model = _model()
    with pytest.raises(ValueError, match=r"the sources of pairs\[1\] holds 'x'"):
        make_batch(model, [("ab", "a"), ("ax", "b")])
    with pytest.raises(ValueError, match=r"the targets of pairs\[0\] is empty"):
        make_batch(model, [("ab", "")])
    with pytest.raises(TypeError, match=r"pairs\[0\] must be a \(source, target\) pair"):
        make_batch(model, ["ab"])
    with pytest.raises(TypeError, match="model must be a Seq2Seq"):
        make_batch(dict(model), PAIRS)


def test_describe_refuses_foreign_params():
    with pytest.raises(ValueError, match=r"params lacks \['W_s', 'b_s'\]"):
        describe({"V": np.zeros((2, 2)), "c": np.zeros(2)})
    with pytest.raises(TypeError, match="params must be the dict"):
        describe([1, 2])
    params = dict(_model())
    params["extra"] = np.zeros(2)
    with pytest.raises(ValueError, match=r"keys no encoder-decoder with 'additive' attention has: \['extra'\]"):
        describe(params)




@pytest.mark.parametrize("attention", ["additive", "dot"])
def test_without_the_mask_a_padded_record_depends_on_its_batch_and_gradients_stay_exact(attention):
    model = _model("gru", attention, True)
    batch = make_batch(model, PAIRS)
    per_record = [loss(dict(model), make_batch(model, [pair]), masked=False) for pair in PAIRS]
    counts = [len(t) + 1 for _, t in PAIRS]
    together = loss(dict(model), batch, masked=False)
    assert abs(together - np.dot(per_record, counts) / sum(counts)) > 1e-3
    _, analytic = loss_and_grads(dict(model), batch, masked=False)
    numeric = numerical_gradient(lambda p: loss(p, batch, masked=False), dict(model))
    assert_gradients_match({k: relative_error(analytic[k], numeric[k]) for k in model})
    with pytest.raises(TypeError, match="masked must be True or False"):
        loss(dict(model), batch, masked="no")
