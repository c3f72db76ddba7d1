"""The GRU cell (rnn_helpers.gru): its own step functions, equations, initialisation and every bad
input. What every cell shares (gradients against a numerical gradient and against autograd, the
vectorised code against the one-record loop and the steps, truncation) is in test_cell_contract.py
and test_autograd_references.py.
"""

import numpy as np
import pytest

from rnn_helpers import gru, lstm
from rnn_helpers.gradcheck import (check_gradients, numerical_gradient,
                                   relative_error)

T = 6
TRUNCATIONS = [None, 1, 2, T - 1, T, T + 4]
GATES = ("r", "z", "n", "hn")


def problem(N=3, T=T, D=1, H=4, O=1, seed=0):
    """A small random GRU problem. The biases are drawn non-zero so that their gradients, and their
    effect on the others, are tested."""
    rng = np.random.default_rng(seed)
    params = gru.init_params(H, D, O, seed=seed)
    params["b_x"] = rng.normal(scale=0.5, size=3 * H)
    params["b_h"] = rng.normal(scale=0.5, size=3 * H)
    params["c"] = rng.normal(scale=0.5, size=O)
    return params, rng.normal(size=(N, T, D)), rng.normal(size=(N, O))


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# --- gradients ---------------------------------------------------------------------------------

def test_step_backward_matches_numerical():
    """One step, with a random upstream gradient dh_t: every output of step_backward is the
    gradient of <dh_t, h_t> with respect to that input."""
    rng = np.random.default_rng(4)
    params, _, _ = problem(D=2, H=3)
    weights = ("W_x", "W_h", "b_x", "b_h")
    point = {"x_t": rng.normal(size=(2, 2)), "h_prev": rng.normal(size=(2, 3)),
             **{k: params[k] for k in weights}}
    dh_t = rng.normal(size=(2, 3))

    def scalar(p):
        h_t, _ = gru.step_forward(p["x_t"], p["h_prev"], {**params, **{k: p[k] for k in weights}})
        return np.sum(dh_t * h_t)

    numeric = numerical_gradient(scalar, point)
    _, cache = gru.step_forward(point["x_t"], point["h_prev"], params)
    dh_prev, step_grads = gru.step_backward(dh_t, cache, params)
    assert set(step_grads) == set(weights)
    assert relative_error(dh_prev, numeric["h_prev"]) < 1e-9
    for name, g in step_grads.items():
        assert relative_error(g, numeric[name]) < 1e-9, name


# --- the forward pass ----------------------------------------------------------------------------

def test_step_forward_follows_the_equations():
    """Blocks in the order r, z, n, as nn.GRU, with r scaling only W_hn h_{t-1} + b_hn."""
    params, X, _ = problem(N=4, D=2, H=3)
    rng = np.random.default_rng(1)
    x_t, h_prev = X[:, 0], rng.normal(size=(4, 3))
    h_t, cache = gru.step_forward(x_t, h_prev, params)
    W_x, W_h, b_x, b_h = params["W_x"], params["W_h"], params["b_x"], params["b_h"]
    r = _sigmoid(x_t @ W_x[:3].T + b_x[:3] + h_prev @ W_h[:3].T + b_h[:3])
    z = _sigmoid(x_t @ W_x[3:6].T + b_x[3:6] + h_prev @ W_h[3:6].T + b_h[3:6])
    n = np.tanh(x_t @ W_x[6:].T + b_x[6:] + r * (h_prev @ W_h[6:].T + b_h[6:]))
    for name, expected in zip(("r", "z", "n"), (r, z, n)):
        np.testing.assert_allclose(cache[name], expected, rtol=0, atol=1e-15, err_msg=name)
    np.testing.assert_allclose(h_t, (1 - z) * n + z * h_prev, rtol=0, atol=1e-15)
    assert set(cache) == {"x_t", "h_prev", "r", "z", "n", "hn"}
    assert all(cache[k].shape == (4, 3) for k in cache if k != "x_t")


def test_the_two_biases_of_n_are_not_interchangeable():
    """Moving b_hn into b_xn changes h_t: the reset gate scales only the h side of n."""
    params, X, _ = problem()
    moved = {**params, "b_x": params["b_x"].copy(), "b_h": params["b_h"].copy()}
    moved["b_x"][8:] += moved["b_h"][8:]
    moved["b_h"][8:] = 0.0
    assert not np.allclose(gru.forward(params, X)[0], gru.forward(moved, X)[0], rtol=0, atol=1e-6)
    moved_rz = {**params, "b_x": params["b_x"].copy(), "b_h": params["b_h"].copy()}
    moved_rz["b_x"][:8] += moved_rz["b_h"][:8]                          # r and z: only the sum counts
    moved_rz["b_h"][:8] = 0.0
    np.testing.assert_allclose(gru.forward(params, X)[0], gru.forward(moved_rz, X)[0], rtol=0,
                               atol=1e-14)


def test_step_forward_agrees_with_forward():
    params, X, _ = problem(N=4, T=7, D=2, H=5, O=3)
    Y_hat, cache = gru.forward(params, X)
    h_t = np.zeros((4, 5))
    for t in range(1, 8):
        h_t, step = gru.step_forward(X[:, t - 1], h_t, params)
        np.testing.assert_allclose(cache["h"][t], h_t, rtol=0, atol=1e-14)
        for name in GATES:
            np.testing.assert_allclose(cache[name][t - 1], step[name], rtol=0, atol=1e-14)
    np.testing.assert_allclose(Y_hat, h_t @ params["V"].T + params["c"], rtol=0, atol=1e-14)


def test_forward_from_given_state_continues_the_sequence():
    params, X, _ = problem(T=8)
    _, full = gru.forward(params, X)
    _, first = gru.forward(params, X[:, :5])
    _, rest = gru.forward(params, X[:, 5:], h0=first["h"][-1])
    np.testing.assert_allclose(rest["h"], full["h"][5:], rtol=0, atol=1e-15)


def test_shapes_and_dtypes():
    N, D, H, O = 3, 2, 5, 4
    params, X, Y = problem(N=N, D=D, H=H, O=O)
    Y_hat, cache = gru.forward(params, X)
    assert Y_hat.shape == (N, O) and Y_hat.dtype == np.float64
    assert set(cache) == {"h", "r", "z", "n", "hn", "X", "params"}
    assert cache["h"].shape == (T + 1, N, H) and not cache["h"][0].any()
    assert all(cache[name].shape == (T, N, H) for name in GATES)
    grads = gru.backward((Y_hat - Y) / N, cache, truncate=2)
    assert {k: g.shape for k, g in grads.items()} == {k: p.shape for k, p in params.items()}
    assert all(g.dtype == np.float64 for g in grads.values())
    _, step = gru.step_forward(X[:, 0], cache["h"][0], params)
    dh_prev, step_grads = gru.step_backward(np.ones((N, H)), step, params)
    assert dh_prev.shape == (N, H)
    assert {k: g.shape for k, g in step_grads.items()} == {k: params[k].shape for k in step_grads}


def test_init_params_shapes_scale_zero_biases_and_seed():
    H, D, O = 7, 3, 2
    p = gru.init_params(H, input_dim=D, output_dim=O, seed=5)
    assert {k: v.shape for k, v in p.items()} == {"W_x": (3 * H, D), "W_h": (3 * H, H),
                                                  "b_x": (3 * H,), "b_h": (3 * H,), "V": (O, H),
                                                  "c": (O,)}
    assert all(v.dtype == np.float64 for v in p.values())
    a = 1 / np.sqrt(H)
    for k in ("W_x", "W_h", "V"):
        assert a / 2 < np.abs(p[k]).max() <= a, k
    assert not p["b_x"].any() and not p["b_h"].any() and not p["c"].any()
    q = gru.init_params(H, D, O, seed=5)
    assert all(np.array_equal(p[k], q[k]) for k in p)
    assert not np.array_equal(p["W_h"], gru.init_params(H, D, O, seed=6)["W_h"])
    assert {k: v.shape for k, v in gru.init_params(4).items()}["W_x"] == (12, 1)


# --- bad input -----------------------------------------------------------------------------------

CALLS_WITH_Y = {
    "loss_and_grads": lambda p, X, Y, k=None: gru.loss_and_grads(p, X, Y, k),
    "loss_and_grads_loop": lambda p, X, Y, k=None: gru.loss_and_grads_loop(p, X, Y, k),
    "truncated_loss": lambda p, X, Y, k=2: gru.truncated_loss(p, X, Y, k),
    "check_gradients": lambda p, X, Y, k=None: check_gradients(p, X, Y, k),
}
CALLS = {"forward": lambda p, X, Y: gru.forward(p, X), **CALLS_WITH_Y}

BAD_PARAMS = [
    ("not-a-dict", lambda p: list(p.values()), TypeError, "params must be a dict"),
    ("missing", lambda p: {k: v for k, v in p.items() if k != "b_h"}, ValueError,
     r"params is missing \['b_h'\]"),
    ("rnn-keys", lambda p: {**p, "U": p["W_x"]}, ValueError, r"params has unknown keys \['U'\]"),
    ("lstm-params", lambda p: lstm.init_params(4), ValueError,
     r"params is missing \['b_x', 'b_h'\] and has unknown keys \['b'\]"),
    ("W_x-shape", lambda p: {**p, "W_x": p["W_x"][:9]}, ValueError,
     r"params\['W_x'\] has shape \(9, 1\), expected \(3 \* hidden_dim, input_dim\) = \(12, 1\)"),
    ("W_h-shape", lambda p: {**p, "W_h": p["W_h"][:, :3]}, ValueError,
     r"params\['W_h'\] has shape \(12, 3\), expected \(3 \* hidden_dim, hidden_dim\) = \(9, 3\)"),
    ("W_h-1d", lambda p: {**p, "W_h": p["W_h"].ravel()}, ValueError,
     r"params\['W_h'\] must be a non-empty 2-D array"),
    ("b_x-shape", lambda p: {**p, "b_x": p["b_x"][:4]}, ValueError,
     r"params\['b_x'\] has shape \(4,\), expected \(3 \* hidden_dim,\) = \(12,\)"),
    ("b_h-shape", lambda p: {**p, "b_h": np.zeros((12, 1))}, ValueError,
     r"params\['b_h'\] has shape \(12, 1\)"),
    ("V-shape", lambda p: {**p, "V": np.zeros((1, 3))}, ValueError,
     r"params\['V'\] has shape \(1, 3\), expected \(output_dim, hidden_dim\) = \(1, 4\)"),
    ("c-shape", lambda p: {**p, "c": np.zeros(2)}, ValueError, r"params\['c'\] has shape \(2,\)"),
    ("float32", lambda p: {**p, "W_x": p["W_x"].astype(np.float32)}, TypeError,
     r"params\['W_x'\] must have dtype float64"),
    ("complex", lambda p: {**p, "W_h": p["W_h"] + 0j}, TypeError, r"params\['W_h'\] is complex"),
    ("list", lambda p: {**p, "V": p["V"].tolist()}, TypeError,
     r"params\['V'\] must be a float64 numpy array"),
    ("nan", lambda p: {**p, "b_x": p["b_x"] * np.nan}, ValueError, r"params\['b_x'\] contains NaN"),
    ("inf", lambda p: {**p, "W_h": p["W_h"] * np.inf}, ValueError, r"params\['W_h'\] contains NaN or inf"),
]


# check_gradients reads the cell off the keys (rnn_helpers.cells.cell_of): keys that fit no cell are
# refused there, and LSTM params are checked as a LSTM (tests/test_cells.py).
FIT_NO_CELL = {"missing", "rnn-keys"}


@pytest.mark.parametrize("case, change, exc, message, call", [
    pytest.param(*row, call, id=f"{row[0]}-{call}") for row in BAD_PARAMS for call in CALLS
    if not (call == "check_gradients" and row[0] == "lstm-params")])
def test_bad_params_are_rejected(case, change, exc, message, call):
    params, X, Y = problem()
    if call == "check_gradients" and case in FIT_NO_CELL:
        exc, message = ValueError, r"params has the keys .* which fit no cell"
    with pytest.raises(exc, match=message):
        CALLS[call](change(params), X, Y)


def _step(params, X):
    return gru.step_forward(X[:, 0], np.zeros((3, 4)), params)[1]


@pytest.mark.parametrize("call, exc, message", [
    (lambda p, X, Y: gru.forward(p, X, h0=np.zeros((2, 4))), ValueError,
     r"h0 must have shape \(N, hidden_dim\) = \(3, 4\)"),
    (lambda p, X, Y: gru.forward(p, X, h0=np.zeros((3, 4)) + 0j), TypeError,
     "h0 must hold real numbers .* complex numbers"),
    (lambda p, X, Y: gru.step_forward(X[:, 0, 0], np.zeros((3, 4)), p), ValueError,
     "x_t must have 2 dimensions"),
    (lambda p, X, Y: gru.step_forward(X[:, 0].repeat(2, 1), np.zeros((3, 4)), p), ValueError,
     r"x_t must have shape \(N, input_dim\) = \(N, 1\)"),
    (lambda p, X, Y: gru.step_forward(X[:, 0], np.zeros((2, 4)), p), ValueError,
     "x_t has 3 rows but h_prev has 2: every array of one step"),
    (lambda p, X, Y: gru.step_forward(X[:, 0], np.zeros((3, 5)), p), ValueError,
     r"h_prev must have shape \(N, hidden_dim\) = \(N, 4\), got \(3, 5\)"),
    (lambda p, X, Y: gru.step_forward(X[:, 0], np.full((3, 4), np.inf), p), ValueError,
     "h_prev contains infinite"),
    (lambda p, X, Y: gru.step_forward(X[:, 0], np.zeros((3, 4)), {}), ValueError, "params is missing"),
    (lambda p, X, Y: gru.step_backward(np.zeros((3, 3)), _step(p, X), p), ValueError,
     "dh_t must have shape"),
    (lambda p, X, Y: gru.step_backward(np.zeros((3, 4)), {"r": 1}, p), TypeError,
     "cache must be the dict that rnn_helpers.gru.step_forward returned"),
    (lambda p, X, Y: gru.step_backward(np.zeros((3, 4)), gru.forward(p, X)[1], p), TypeError,
     "cache must be the dict that rnn_helpers.gru.step_forward returned"),
    (lambda p, X, Y: gru.backward(Y[:2], gru.forward(p, X)[1]), ValueError,
     r"dY_hat must have shape \(N, output_dim\) = \(3, 1\)"),
    (lambda p, X, Y: gru.backward(Y + 0j, gru.forward(p, X)[1]), TypeError,
     "dY_hat must hold real numbers .* complex numbers"),
    (lambda p, X, Y: gru.backward(Y, lstm.forward(lstm.init_params(4), X)[1]), TypeError,
     "cache must be the dict that rnn_helpers.gru.forward returned"),
    (lambda p, X, Y: gru.truncated_loss(p, X, Y, 2, state_params=gru.init_params(5)), ValueError,
     "state_params must have the same shapes as params"),
    (lambda p, X, Y: gru.truncated_loss(p, X, Y, 2, state_params={"b_x": p["b_x"]}), ValueError,
     "state_params is missing"),
    (lambda p, X, Y: check_gradients(p, X, Y, eps=0), ValueError, "eps must be a finite number > 0"),
    (lambda p, X, Y: check_gradients(p, X, Y, eps="small"), TypeError, "eps must be a number"),
])
def test_steps_states_caches_and_eps_are_checked(call, exc, message):
    params, X, Y = problem()
    with pytest.raises(exc, match=message):
        call(params, X, Y)

