"""rnn_helpers.deep.stack: the stack's forward and backward against the readable loop versions,
against the package's single layer, against finite differences (with dX), and padded records
against the same records alone."""

import numpy as np
import pytest

import rnn_helpers as rh
from rnn_helpers import deep
from rnn_helpers.gradcheck import numerical_gradient, relative_error

CELLS = ("rnn", "lstm", "gru", "mgu")
CONFIGS = [(1, False), (1, True), (2, False), (2, True), (3, True)]
IDS = [f"L{L}{'-bi' if bi else ''}" for L, bi in CONFIGS]


def problem(cell, num_layers, bidirectional, *, N=3, T=5, D=2, H=3, O=2, seed=0):
    """Weights with every entry moved off its initial value (biases non-zero), X, Y, lengths."""
    rng = np.random.default_rng(seed)
    params = deep.init_params(cell, H, D, O, num_layers=num_layers, bidirectional=bidirectional, seed=seed)
    params = {k: v + rng.normal(scale=0.3, size=v.shape) for k, v in params.items()}
    X, Y = rng.normal(size=(N, T, D)), rng.normal(size=(N, O))
    lengths = np.array([T, max(T - 2, 1), 1][:N])
    return params, X, Y, lengths


def _state0(cell, params, N, seed=9):
    spec = deep.describe(params)
    rng = np.random.default_rng(seed)
    return [tuple(rng.normal(scale=0.5, size=(N, spec.hidden_dim)) for _ in rh.get_cell(cell).states)
            for _ in range(spec.num_layers * spec.dirs)]


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("num_layers, bidirectional", CONFIGS, ids=IDS)
@pytest.mark.parametrize("truncate", [None, 2])
def test_vectorised_equals_the_loop_versions(cell, num_layers, bidirectional, truncate):
    params, X, _, lengths = problem(cell, num_layers, bidirectional)
    state0 = _state0(cell, params, 3)
    rng = np.random.default_rng(4)
    H_seq, last, cache = deep.layers_forward(params, X, lengths=lengths, state0=state0)
    H_loop, last_loop = deep.layers_forward_loop(params, X, lengths=lengths, state0=state0)
    np.testing.assert_allclose(H_seq, H_loop, rtol=0, atol=1e-12)
    np.testing.assert_allclose(last, last_loop, rtol=0, atol=1e-12)
    dH, dlast = rng.normal(size=H_seq.shape), rng.normal(size=last.shape)
    dX, grads = deep.layers_backward(dH, dlast, cache, truncate)
    dX_loop, grads_loop = deep.layers_backward_loop(params, X, dH, dlast, lengths=lengths, state0=state0,
                                                    truncate=truncate)
    np.testing.assert_allclose(dX, dX_loop, rtol=0, atol=1e-12)
    assert set(grads) == set(grads_loop) == {k for k in params if k not in ("V", "c")}
    for key in grads:
        np.testing.assert_allclose(grads[key], grads_loop[key], rtol=0, atol=1e-12, err_msg=key)


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("num_layers, bidirectional", [(2, True), (3, False)], ids=["L2-bi", "L3"])
@pytest.mark.parametrize("truncate", [None, 2])
def test_layers_backward_is_the_gradient_of_its_outputs_with_dX(cell, num_layers, bidirectional, truncate):
    """Finite differences of sum(dH_seq * H_seq) + sum(dlast * last), X nudged too; truncated: of
    the objective with every cell's states before its last k steps held (layers_forward_loop)."""
    params, X, _, lengths = problem(cell, num_layers, bidirectional, N=2, T=4, H=2)
    rng = np.random.default_rng(5)
    H_seq, last, cache = deep.layers_forward(params, X, lengths=lengths)
    dH, dlast = rng.normal(size=H_seq.shape), rng.normal(size=last.shape)
    dX, grads = deep.layers_backward(dH, dlast, cache, truncate)
    frozen = {k: v.copy() for k, v in params.items()}
    X_frozen = X.copy()

    def objective(p):
        weights = {k: v for k, v in p.items() if k != "X"}
        out, fin = deep.layers_forward_loop(weights, p["X"], lengths=lengths, truncate=truncate,
                                            state_params=frozen, state_X=X_frozen)
        return float(np.sum(dH * out) + np.sum(dlast * fin))

    numeric = numerical_gradient(objective, {**params, "X": X})
    errors = {k: relative_error(grads[k], numeric[k]) for k in grads}
    errors["X"] = relative_error(dX, numeric["X"])
    rh.assert_gradients_match(errors, tol=1e-7)
    assert all(np.abs(numeric[k]).max() > 1e-6 for k in grads)          # every key is reached


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("truncate", [None, 1, 3])
def test_a_one_direction_layer_is_the_package_single_layer(cell, truncate):
    """One layer, one direction, no padding: the package's own loss_and_grads (its keys without
    the suffix), full and truncated: the stack's truncation is the single layer's."""
    params, X, Y, _ = problem(cell, 1, False, N=4, T=6, H=4)
    single = {(k[:-3] if k.endswith("_l0") else k): v for k, v in params.items()}
    loss, grads = deep.loss_and_grads(params, X, Y, truncate)
    want_loss, want = rh.get_cell(cell).loss_and_grads(single, X, Y, truncate=truncate)
    assert abs(loss - want_loss) <= 1e-13 * max(1.0, abs(want_loss))
    for key, g in grads.items():
        np.testing.assert_allclose(g, want[key[:-3] if key.endswith("_l0") else key], rtol=1e-10,
                                   atol=1e-13, err_msg=key)


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("num_layers, bidirectional", [(1, True), (3, True)], ids=["L1-bi", "L3-bi"])
def test_a_padded_record_gives_what_it_gives_alone_unpadded(cell, num_layers, bidirectional):
    params, X, Y, lengths = problem(cell, num_layers, bidirectional, N=3, T=6)
    rng = np.random.default_rng(6)
    H_seq, last, cache = deep.layers_forward(params, X, lengths=lengths)
    dH, dlast = rng.normal(size=H_seq.shape), rng.normal(size=last.shape)
    for truncate in (None, 2):
        dX, _ = deep.layers_backward(dH, dlast, cache, truncate)
        for n, L in enumerate(lengths):
            H_n, last_n, cache_n = deep.layers_forward(params, X[n:n + 1, :L])
            np.testing.assert_allclose(H_seq[n, :L], H_n[0], rtol=0, atol=1e-14)
            np.testing.assert_allclose(last[n], last_n[0], rtol=0, atol=1e-14)
            assert np.all(H_seq[n, L:] == 0.0)
            dX_n, _ = deep.layers_backward(dH[n:n + 1, :L], dlast[n:n + 1], cache_n, truncate)
            np.testing.assert_allclose(dX[n, :L], dX_n[0], rtol=0, atol=1e-13)
            assert np.all(dX[n, L:] == 0.0)


def test_truncate_at_or_beyond_T_is_full_bptt_and_last_is_the_final_states():
    params, X, _, lengths = problem("lstm", 2, True)
    H_seq, last, cache = deep.layers_forward(params, X, lengths=lengths)
    dH = np.random.default_rng(0).normal(size=H_seq.shape)
    full = deep.layers_backward(dH, None, cache)
    for k in (5, 50):
        dX, grads = deep.layers_backward(dH, None, cache, k)
        np.testing.assert_array_equal(dX, full[0])
        assert all(np.array_equal(grads[key], full[1][key]) for key in grads)
    finals = cache["final_states"]
    assert len(finals) == 4 and all(len(state) == 2 for state in finals)       # (h, c) per cell
    np.testing.assert_array_equal(last, np.concatenate([finals[2][0], finals[3][0]], axis=1))


def test_the_rnns_activation_is_passed_to_every_cell():
    params, X, _, _ = problem("rnn", 2, True)
    sig, _, _ = deep.layers_forward(params, X)
    tanh, _, _ = deep.layers_forward(params, X, activation="tanh")
    assert np.all((sig > 0) & (sig < 1)) and np.any(tanh < 0)
    np.testing.assert_allclose(tanh, deep.layers_forward_loop(params, X, activation="tanh")[0], atol=1e-12)
    with pytest.raises(ValueError, match="activation must be None for the LSTM"):
        deep.layers_forward(problem("lstm", 1, False)[0], X, activation="tanh")


BAD_CALLS = [
    ("X-2d", dict(X=np.zeros((3, 5))), ValueError, "X must have 3 dimensions"),
    ("X-width", dict(X=np.zeros((3, 5, 4))), ValueError, "X has 4 input features"),
    ("X-nan", dict(X=np.full((3, 5, 2), np.nan)), ValueError, "X contains NaN"),
    ("lengths-float", dict(lengths=np.array([5.5, 3, 1])), TypeError, "lengths must hold whole numbers"),
    ("lengths-0", dict(lengths=np.array([5, 0, 1])), ValueError, r"lengths must be in 1 \.\. T = 5"),
    ("lengths-long", dict(lengths=np.array([6, 3, 1])), ValueError, r"lengths must be in 1 \.\. T = 5"),
    ("lengths-count", dict(lengths=np.array([5, 3])), ValueError, r"lengths has shape \(2,\), expected \(3,\)"),
    ("lengths-2d", dict(lengths=np.ones((3, 1), int)), TypeError, "lengths must be a 1-D array"),
    ("state0-count", dict(state0=[(np.zeros((3, 3)),)]), TypeError, "state0 must be a list of num_layers"),
    ("state0-shape", dict(state0=[(np.zeros((3, 4)),)] * 4), ValueError, r"state0\[0\]\[0\] has shape"),
]


@pytest.mark.parametrize("case, change, error, message", BAD_CALLS, ids=[b[0] for b in BAD_CALLS])
def test_layers_forward_refuses_bad_input_naming_it(case, change, error, message):
    params, X, _, lengths = problem("gru", 2, True)
    args = dict(params=params, X=X, lengths=lengths, state0=None)
    args.update(change)
    with pytest.raises(error, match=message):
        deep.layers_forward(args["params"], args["X"], lengths=args["lengths"], state0=args["state0"])
    with pytest.raises(error, match=message):
        deep.layers_forward_loop(args["params"], args["X"], lengths=args["lengths"], state0=args["state0"])


def test_layers_backward_refuses_bad_input_naming_it():
    params, X, _, lengths = problem("gru", 2, True)
    H_seq, last, cache = deep.layers_forward(params, X, lengths=lengths)
    with pytest.raises(TypeError, match="cache must be the dict"):
        deep.layers_backward(H_seq, last, {"X": X})
    with pytest.raises(ValueError, match=r"dH_seq must have H_seq's shape \(3, 5, 6\)"):
        deep.layers_backward(H_seq[:, :4], last, cache)
    with pytest.raises(ValueError, match=r"dlast must have last's shape \(3, 6\)"):
        deep.layers_backward(None, last[:, :3], cache)
    with pytest.raises(ValueError, match="truncate must be at least 1"):
        deep.layers_backward(H_seq, None, cache, 0)
