"""rnn_helpers.deep.heads: both heads' gradients against 4th-order finite differences for every
cell, stacks of 1-3 layers, one or two directions, padded records, full and truncated; the loop
versions; wrong gradients failing the check; predictions and state gradients."""

import numpy as np
import pytest

import own_cell
import rnn_helpers as rh
from rnn_helpers import deep
from rnn_helpers.deep import heads

CELLS = ("rnn", "lstm", "gru", "mgu")
CONFIGS = [(1, False), (1, True), (2, True), (3, False), (3, True)]
IDS = [f"L{L}{'-bi' if bi else ''}" for L, bi in CONFIGS]


def problem(cell, num_layers, bidirectional, *, N=3, T=4, D=2, H=2, O=2, seed=0):
    """Small sizes (each weight costs 4 passes of the loop version); every weight moved off its
    initial value, so no bias is zero; lengths T, T-2 and 1 (padding, a one-step record)."""
    rng = np.random.default_rng(seed)
    params = deep.init_params(cell, H, D, O, num_layers=num_layers, bidirectional=bidirectional, seed=seed)
    params = {k: v + rng.normal(scale=0.3, size=v.shape) for k, v in params.items()}
    X, Y = rng.normal(size=(N, T, D)), rng.normal(size=(N, O))
    labels = rng.integers(0, O, size=(N, T))
    lengths = np.array([T, T - 2, 1][:N])
    labels[1, T - 2:] = -1                                   # padded steps may hold anything
    return params, X, Y, labels, lengths


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("num_layers, bidirectional", CONFIGS, ids=IDS)
@pytest.mark.parametrize("truncate", [None, 2], ids=["full", "trunc-2"])
def test_both_heads_pass_the_gradient_check(cell, num_layers, bidirectional, truncate):
    params, X, Y, labels, lengths = problem(cell, num_layers, bidirectional)
    errors = deep.check_gradients(params, X, Y, truncate=truncate, lengths=lengths)
    assert set(errors) == set(params)
    rh.assert_gradients_match(errors, tol=1e-7)
    errors = deep.check_gradients(params, X, labels, head="tagging", truncate=truncate, lengths=lengths)
    rh.assert_gradients_match(errors, tol=1e-7)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_the_rnn_passes_with_either_activation_without_padding(activation):
    params, X, Y, labels, _ = problem("rnn", 2, True)
    for truncate in (None, 1):
        rh.assert_gradients_match(deep.check_gradients(params, X, Y, truncate=truncate, activation=activation))
        rh.assert_gradients_match(deep.check_gradients(params, X, np.abs(labels), head="tagging",
                                                       truncate=truncate, activation=activation))


def test_a_wrong_step_backward_fails_the_check(monkeypatch):
    """The check is not vacuous: the own cell's step_backward losing a tenth of dh_prev fails it,
    for the forward and the reverse cells alike."""
    params, X, Y, _, lengths = problem("mgu", 2, True)
    right = own_cell.step_backward

    def wrong(dstate_t, cache):
        dx, (dh_prev,), dparams = right(dstate_t, cache)
        return dx, (dh_prev * 0.9,), dparams

    monkeypatch.setattr(own_cell, "step_backward", wrong)
    errors = deep.check_gradients(params, X, Y, lengths=lengths)
    with pytest.raises(AssertionError, match="W_fh_l0_reverse"):
        rh.assert_gradients_match(errors)
    assert errors["W_fh_l0"] > 1e-4 and errors["V"] < 1e-9


def test_one_wrong_entry_fails_the_check_and_is_named(monkeypatch):
    params, X, Y, _, lengths = problem("gru", 2, True)
    right = heads.loss_and_grads

    def off_by_a_little(*args, **kwargs):
        loss, grads = right(*args, **kwargs)
        grads["W_h_l1_reverse"][3, 1] += 1e-4
        return loss, grads

    monkeypatch.setattr(heads, "loss_and_grads", off_by_a_little)
    errors = deep.check_gradients(params, X, Y, lengths=lengths)
    with pytest.raises(AssertionError, match=r"W_h_l1_reverse: [0-9.e-]+$"):
        rh.assert_gradients_match(errors)


def test_the_reverse_outputs_left_in_run_order_fail_the_check(monkeypatch):
    """A classic mistake in the backward pass (not gathering the reverse cell's gradient back into
    time order) is caught by the check."""
    from rnn_helpers.deep import bidirectional
    params, X, Y, labels, lengths = problem("lstm", 1, True)
    right = bidirectional.reverse_steps
    calls = []

    def forgets_in_backward(A, rev):
        calls.append(1)
        return A if len(calls) > 2 else right(A, rev)       # the forward pass's two gathers are right

    monkeypatch.setattr(bidirectional, "reverse_steps", forgets_in_backward)
    _, grads = heads.tagging_loss_and_grads(params, X, labels, lengths)
    monkeypatch.setattr(bidirectional, "reverse_steps", right)
    _, want = heads.tagging_loss_and_grads(params, X, labels, lengths)
    assert rh.relative_error(grads["W_x_l0_reverse"], want["W_x_l0_reverse"]) > 1e-3


def test_a_truncated_gradient_is_not_the_full_one():
    """The check compares each gradient with its own objective: the truncated gradient fails
    against the full loss's finite differences."""
    params, X, Y, _, lengths = problem("lstm", 2, False, T=5)
    lengths = np.array([5, 5, 5])
    _, truncated = deep.loss_and_grads(params, X, Y, 2, lengths=lengths)
    _, full = deep.loss_and_grads(params, X, Y, lengths=lengths)
    assert rh.relative_error(truncated["W_h_l0"], full["W_h_l0"]) > 1e-3
    assert rh.relative_error(truncated["V"], full["V"]) == 0.0


@pytest.mark.parametrize("cell", ["lstm", "mgu"])
@pytest.mark.parametrize("truncate", [None, 2])
def test_the_heads_loop_versions_give_the_same_numbers(cell, truncate):
    params, X, Y, labels, lengths = problem(cell, 2, True, N=3, T=5, H=3)
    for fast, loop, target in ((deep.loss_and_grads, deep.loss_and_grads_loop, Y),):
        loss, grads = fast(params, X, target, truncate, lengths=lengths)
        loss_l, grads_l = loop(params, X, target, truncate, lengths=lengths)
        assert abs(loss - loss_l) < 1e-13
        for key in params:
            np.testing.assert_allclose(grads[key], grads_l[key], rtol=0, atol=1e-12, err_msg=key)
    loss, grads = deep.tagging_loss_and_grads(params, X, labels, lengths, truncate)
    loss_l, grads_l = deep.tagging_loss_and_grads_loop(params, X, labels, lengths, truncate)
    assert abs(loss - loss_l) < 1e-13
    for key in params:
        np.testing.assert_allclose(grads[key], grads_l[key], rtol=0, atol=1e-12, err_msg=key)
    # the truncated objective at the unperturbed weights is the loss itself
    assert abs(deep.truncated_loss(params, X, Y, truncate, lengths=lengths)
               - deep.loss_and_grads(params, X, Y, lengths=lengths)[0]) < 1e-13


def test_predictions_read_the_heads():
    params, X, Y, labels, lengths = problem("gru", 2, True, N=3, T=5)
    H_seq, last, _ = deep.layers_forward(params, X, lengths=lengths)
    np.testing.assert_allclose(deep.predict(params, X, lengths=lengths), last @ params["V"].T + params["c"])
    tags = deep.predict_tags(params, X, lengths=lengths)
    assert tags.shape == (3, 5) and tags.dtype.kind == "i"
    np.testing.assert_array_equal(tags[1, 3:], -1)
    np.testing.assert_array_equal(tags[0], np.argmax(H_seq[0] @ params["V"].T + params["c"], axis=1))
    loss, _ = deep.tagging_loss_and_grads(params, X, labels, lengths)
    logits = H_seq @ params["V"].T + params["c"]
    want = [np.log(np.exp(logits[n, t]).sum()) - logits[n, t, labels[n, t]]
            for n in range(3) for t in range(lengths[n])]
    assert abs(loss - np.mean(want)) < 1e-13


def test_state_gradients_are_the_single_layers_and_reach_every_layer():
    params, X, Y, _, _ = problem("lstm", 1, False, N=4, T=6, H=3)
    single = {(k[:-3] if k.endswith("_l0") else k): v for k, v in params.items()}
    dS = rh.get_cell("lstm").state_gradients(single, X, Y)                  # (T, N, H)
    G = deep.state_gradients(params, X, Y)
    assert G.shape == (1, 1, 6)
    np.testing.assert_allclose(G[0, 0], np.linalg.norm(dS, axis=2).mean(axis=1), rtol=1e-12)
    params, X, Y, labels, lengths = problem("gru", 3, True, N=3, T=5)
    G = deep.state_gradients(params, X, Y, lengths=lengths)
    assert G.shape == (3, 2, 5) and np.all(G[:, :, 0] > 0)
    # the top layer's reverse cell gets the head's gradient only at step 0 (its final h): its
    # gradient at the other steps comes from the steps run after them (towards t = 0)
    Gt = deep.state_gradients(params, X, labels, lengths=lengths, head="tagging")
    assert Gt.shape == (3, 2, 5) and np.all(Gt[2, :, :3] > 0)
    with pytest.raises(ValueError, match="head must be 'regression' or 'tagging'"):
        deep.state_gradients(params, X, Y, head="softmax")


BAD = [
    ("no-head", lambda p, X, Y, lab: deep.loss_and_grads({k: v for k, v in p.items() if k not in "Vc"}, X, Y),
     ValueError, "params has no head"),
    ("Y-shape", lambda p, X, Y, lab: deep.loss_and_grads(p, X, Y[:, :1]), ValueError, r"Y has shape \(3, 1\)"),
    ("Y-text", lambda p, X, Y, lab: deep.loss_and_grads(p, X, "Y"), TypeError, "Y must be a numpy array"),
    ("labels-float", lambda p, X, Y, lab: deep.tagging_loss_and_grads(p, X, lab * 1.0), TypeError,
     "labels must hold whole numbers"),
    ("labels-range", lambda p, X, Y, lab: deep.tagging_loss_and_grads(p, X, lab + 5), ValueError,
     r"labels must be class indices in 0 \.\. 1"),
    ("labels-shape", lambda p, X, Y, lab: deep.tagging_loss_and_grads(p, X, lab[:, :2]), ValueError,
     r"labels has shape \(3, 2\)"),
    ("labels-padded", lambda p, X, Y, lab: deep.tagging_loss_and_grads(p, X, lab), ValueError,
     r"labels must be class indices"),
    ("head-name", lambda p, X, Y, lab: deep.check_gradients(p, X, Y, head="tags"), ValueError,
     "head must be 'regression' or 'tagging'"),
]


@pytest.mark.parametrize("case, call, error, message", BAD, ids=[b[0] for b in BAD])
def test_the_heads_refuse_bad_input_naming_it(case, call, error, message):
    params, X, Y, labels, _ = problem("gru", 1, True)
    with pytest.raises(error, match=message):
        call(params, X, Y, labels)
