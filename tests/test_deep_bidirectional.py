"""rnn_helpers.deep.bidirectional: one layer read both ways, on padded batches.

The reverse cell is checked against the plainest possible statement of it (the forward machinery
run on each record's steps flipped by hand), padding against each record run alone, and the
truncation against its definition (only each record's last k steps of the run are walked back)."""

import numpy as np
import pytest

import rnn_helpers as rh
from rnn_helpers import deep
from rnn_helpers.deep.bidirectional import (direction_backward, direction_forward, layer_backward,
                                            layer_forward, reverse_index, reverse_steps)

CELLS = ("rnn", "lstm", "gru", "mgu")


def _cell_weights(cell, H, D, seed):
    rng = np.random.default_rng(seed)
    weights = rh.get_cell(cell).cell.init_params(H, D, seed=seed)
    return {k: v + rng.normal(scale=0.3, size=v.shape) for k, v in weights.items()}


def _zeros(cell, N, H):
    return tuple(np.zeros((N, H)) for _ in rh.get_cell(cell).states)


def test_reverse_index_flips_each_record_within_its_length_and_is_its_own_inverse():
    rev = reverse_index(np.array([4, 2, 1]), 4)
    np.testing.assert_array_equal(rev, [[3, 2, 1, 0], [1, 0, 2, 3], [0, 1, 2, 3]])
    A = np.arange(24.0).reshape(3, 4, 2)
    np.testing.assert_array_equal(reverse_steps(reverse_steps(A, rev), rev), A)


@pytest.mark.parametrize("cell", CELLS)
def test_the_reverse_half_is_the_reverse_cell_run_on_each_record_flipped_by_hand(cell):
    H, D = 3, 2
    fwd, bwd = _cell_weights(cell, H, D, 1), _cell_weights(cell, H, D, 2)
    rng = np.random.default_rng(0)
    X, lengths = rng.normal(size=(3, 5, D)), np.array([5, 3, 1])
    step = rh.get_cell(cell).cell.step_forward
    options = rh.get_cell(cell).options()
    H_layer, finals, _ = layer_forward(step, [fwd, bwd], X, lengths, [_zeros(cell, 3, H)] * 2, options)
    assert H_layer.shape == (3, 5, 2 * H)
    for n, L in enumerate(lengths):
        alone = X[n:n + 1, :L]
        H_f, final_f, _ = direction_forward(step, fwd, alone, np.array([L]), _zeros(cell, 1, H), options)
        H_b, final_b, _ = direction_forward(step, bwd, alone[:, ::-1], np.array([L]), _zeros(cell, 1, H),
                                            options)
        np.testing.assert_allclose(H_layer[n, :L, :H], H_f[0], rtol=0, atol=1e-14)
        np.testing.assert_allclose(H_layer[n, :L, H:], H_b[0, ::-1], rtol=0, atol=1e-14)
        assert np.all(H_layer[n, L:] == 0.0)
        np.testing.assert_allclose(finals[0][0][n], H_layer[n, L - 1, :H], rtol=0, atol=0)
        np.testing.assert_allclose(finals[1][0][n], H_layer[n, 0, H:], rtol=0, atol=0)
        for s, s_alone in zip(finals[1], final_b):
            np.testing.assert_allclose(s[n], s_alone[0], rtol=0, atol=1e-14)


@pytest.mark.parametrize("cell", CELLS)
def test_what_is_in_the_padding_changes_nothing(cell):
    H, D = 2, 2
    weights = [_cell_weights(cell, H, D, 1), _cell_weights(cell, H, D, 2)]
    rng = np.random.default_rng(1)
    X, lengths = rng.normal(size=(3, 6, D)), np.array([6, 4, 2])
    noisy = X.copy()
    for n, L in enumerate(lengths):
        noisy[n, L:] = rng.normal(scale=50.0, size=noisy[n, L:].shape)
    model = rh.get_cell(cell)
    results = []
    for data in (X, noisy):
        out, _, cache = layer_forward(model.cell.step_forward, weights, data, lengths,
                                      [_zeros(cell, 3, H)] * 2, model.options())
        dX, grads, _ = layer_backward(model.cell.step_backward, np.ones_like(out), np.ones((3, 2 * H)),
                                      cache, 6)
        results.append((out, dX, grads))
    np.testing.assert_array_equal(results[0][0], results[1][0])
    np.testing.assert_array_equal(results[0][1], results[1][1])
    for g0, g1 in zip(results[0][2], results[1][2]):
        assert all(np.array_equal(g0[k], g1[k]) for k in g0)
    for n, L in enumerate(lengths):
        assert np.all(results[0][1][n, L:] == 0.0)       # padded inputs get no gradient


@pytest.mark.parametrize("cell", ["lstm", "mgu"])
@pytest.mark.parametrize("k", [1, 2, 3])
def test_truncation_walks_back_only_each_records_last_k_steps(cell, k):
    """The definition, step by step: the inputs that get a gradient are exactly each record's
    last k steps of the run, and the weights' gradient is that of those steps alone."""
    H, D = 2, 2
    weights = _cell_weights(cell, H, D, 3)
    model = rh.get_cell(cell)
    rng = np.random.default_rng(2)
    X, lengths = rng.normal(size=(3, 5, D)), np.array([5, 3, 2])
    H_out, _, caches = direction_forward(model.cell.step_forward, weights, X, lengths, _zeros(cell, 3, H),
                                         model.options())
    dH = rng.normal(size=H_out.shape)
    dX, grads, _ = direction_backward(model.cell.step_backward, caches, dH, None, lengths, k,
                                      len(model.states))
    for n, L in enumerate(lengths):
        nonzero = np.flatnonzero(np.abs(dX[n]).sum(axis=1))
        np.testing.assert_array_equal(nonzero, np.arange(max(L - k, 0), L))
    # record by record, with a plain walk through the last k steps of its own run
    want = {key: np.zeros_like(v) for key, v in weights.items()}
    for n, L in enumerate(lengths):
        state, step_caches = _zeros(cell, 1, H), []
        for t in range(L):
            state, cache = model.cell.step_forward(X[n:n + 1, t], state, weights)
            step_caches.append(cache)
        upstream = _zeros(cell, 1, H)
        for t in range(L - 1, max(L - k, 0) - 1, -1):
            dstate = (upstream[0] + dH[n:n + 1, t],) + tuple(upstream[1:])
            _, upstream, dparams = model.cell.step_backward(dstate, step_caches[t])
            for key, g in dparams.items():
                want[key] += g
    for key in weights:
        np.testing.assert_allclose(grads[key], want[key], rtol=1e-12, atol=1e-14)


def test_a_layer_with_one_direction_is_the_package_layer():
    """One direction, full length: the same states as rnn_helpers.layer.layer_forward."""
    weights = _cell_weights("gru", 3, 2, 5)
    model = rh.get_cell("gru")
    X = np.random.default_rng(3).normal(size=(2, 4, 2))
    out, finals, _ = layer_forward(model.cell.step_forward, [weights], X, np.array([4, 4]),
                                   [_zeros("gru", 2, 3)], {})
    states, _ = rh.layer.layer_forward(model.cell.step_forward, weights, X, _zeros("gru", 2, 3))
    np.testing.assert_array_equal(out, np.stack([s[0] for s in states[1:]], axis=1))
    np.testing.assert_array_equal(finals[0][0], states[-1][0])
    assert deep.reverse_index is reverse_index
