"""The LSTM cell (rnn_helpers.lstm): its own step functions, equations, initialisation and every bad
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
GATES = ("i", "f", "g", "o")


def problem(N=3, T=T, D=1, H=4, O=1, seed=0):
    """A small random LSTM problem. The biases are drawn non-zero so that their gradients, and their
    effect on the others, are tested."""
    rng = np.random.default_rng(seed)
    params = lstm.init_params(H, D, O, seed=seed)
    params["b"] = rng.normal(scale=0.5, size=4 * H)
    params["c"] = rng.normal(scale=0.5, size=O)
    return params, rng.normal(size=(N, T, D)), rng.normal(size=(N, O))


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# --- gradients ---------------------------------------------------------------------------------

def test_step_backward_matches_numerical():
    """One step, with random upstream gradients dh_t and dc_t: every output of step_backward is the
    gradient of <dh_t, h_t> + <dc_t, c_t> with respect to that input."""
    rng = np.random.default_rng(4)
    params, _, _ = problem(D=2, H=3)
    point = {"x_t": rng.normal(size=(2, 2)), "h_prev": rng.normal(size=(2, 3)),
             "c_prev": rng.normal(size=(2, 3)), **{k: params[k] for k in ("W_x", "W_h", "b")}}
    dh_t, dc_t = rng.normal(size=(2, 3)), rng.normal(size=(2, 3))

    def scalar(p):
        weights = {**params, "W_x": p["W_x"], "W_h": p["W_h"], "b": p["b"]}
        h_t, c_t, _ = lstm.step_forward(p["x_t"], p["h_prev"], p["c_prev"], weights)
        return np.sum(dh_t * h_t) + np.sum(dc_t * c_t)

    numeric = numerical_gradient(scalar, point)
    _, _, cache = lstm.step_forward(point["x_t"], point["h_prev"], point["c_prev"], params)
    dh_prev, dc_prev, step_grads = lstm.step_backward(dh_t, dc_t, cache, params)
    assert set(step_grads) == {"W_x", "W_h", "b"}
    assert relative_error(dh_prev, numeric["h_prev"]) < 1e-9
    assert relative_error(dc_prev, numeric["c_prev"]) < 1e-9
    for name, g in step_grads.items():
        assert relative_error(g, numeric[name]) < 1e-9, name


# --- the forward pass ----------------------------------------------------------------------------

def test_step_forward_follows_the_equations():
    """Blocks in the order i, f, g, o, as nn.LSTM; sigmoid written out independently here."""
    params, X, _ = problem(N=4, D=2, H=3)
    rng = np.random.default_rng(1)
    x_t, h_prev, c_prev = X[:, 0], rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    h_t, c_t, cache = lstm.step_forward(x_t, h_prev, c_prev, params)
    a = x_t @ params["W_x"].T + h_prev @ params["W_h"].T + params["b"]
    i, f, g, o = _sigmoid(a[:, :3]), _sigmoid(a[:, 3:6]), np.tanh(a[:, 6:9]), _sigmoid(a[:, 9:])
    for name, expected in zip(GATES, (i, f, g, o)):
        np.testing.assert_allclose(cache[name], expected, rtol=0, atol=1e-15, err_msg=name)
    np.testing.assert_allclose(c_t, f * c_prev + i * g, rtol=0, atol=1e-15)
    np.testing.assert_allclose(h_t, o * np.tanh(f * c_prev + i * g), rtol=0, atol=1e-15)
    assert set(cache) == {"x_t", "h_prev", "c_prev", "i", "f", "g", "o", "c_t", "tanh_c"}
    assert all(cache[k].shape == (4, 3) for k in cache if k != "x_t")


def test_step_forward_agrees_with_forward():
    params, X, _ = problem(N=4, T=7, D=2, H=5, O=3)
    Y_hat, cache = lstm.forward(params, X)
    h_t, c_t = np.zeros((4, 5)), np.zeros((4, 5))
    for t in range(1, 8):
        h_t, c_t, step = lstm.step_forward(X[:, t - 1], h_t, c_t, params)
        np.testing.assert_allclose(cache["h"][t], h_t, rtol=0, atol=1e-14)
        np.testing.assert_allclose(cache["c"][t], c_t, rtol=0, atol=1e-14)
        for name in GATES + ("tanh_c",):
            np.testing.assert_allclose(cache[name][t - 1], step[name], rtol=0, atol=1e-14)
    np.testing.assert_allclose(Y_hat, h_t @ params["V"].T + params["c"], rtol=0, atol=1e-14)


def test_forward_from_given_states_continues_the_sequence():
    params, X, _ = problem(T=8)
    _, full = lstm.forward(params, X)
    _, first = lstm.forward(params, X[:, :5])
    _, rest = lstm.forward(params, X[:, 5:], h0=first["h"][-1], c0=first["c"][-1])
    np.testing.assert_allclose(rest["h"], full["h"][5:], rtol=0, atol=1e-15)
    np.testing.assert_allclose(rest["c"], full["c"][5:], rtol=0, atol=1e-15)


def test_shapes_and_dtypes():
    N, D, H, O = 3, 2, 5, 4
    params, X, Y = problem(N=N, D=D, H=H, O=O)
    Y_hat, cache = lstm.forward(params, X)
    assert Y_hat.shape == (N, O) and Y_hat.dtype == np.float64
    assert set(cache) == {"h", "c", "i", "f", "g", "o", "tanh_c", "X", "params"}
    assert cache["h"].shape == cache["c"].shape == (T + 1, N, H)
    assert not cache["h"][0].any() and not cache["c"][0].any()
    assert all(cache[name].shape == (T, N, H) for name in GATES + ("tanh_c",))
    grads = lstm.backward((Y_hat - Y) / N, cache, truncate=2)
    assert {k: g.shape for k, g in grads.items()} == {k: p.shape for k, p in params.items()}
    assert all(g.dtype == np.float64 for g in grads.values())
    dh_prev, dc_prev, step_grads = lstm.step_backward(np.ones((N, H)), np.ones((N, H)),
                                                      lstm.step_forward(X[:, 0], cache["h"][0],
                                                                        cache["c"][0], params)[2],
                                                      params)
    assert dh_prev.shape == dc_prev.shape == (N, H)
    assert {k: g.shape for k, g in step_grads.items()} == {k: params[k].shape for k in step_grads}


def test_init_params_shapes_scale_forget_bias_and_seed():
    H, D, O = 7, 3, 2
    p = lstm.init_params(H, input_dim=D, output_dim=O, seed=5)
    assert {k: v.shape for k, v in p.items()} == {"W_x": (4 * H, D), "W_h": (4 * H, H),
                                                  "b": (4 * H,), "V": (O, H), "c": (O,)}
    assert all(v.dtype == np.float64 for v in p.values())
    a = 1 / np.sqrt(H)
    for k in ("W_x", "W_h", "V"):
        assert a / 2 < np.abs(p[k]).max() <= a, k
    assert np.array_equal(p["b"][H:2 * H], np.ones(H))                    # forget gate
    assert not p["b"][:H].any() and not p["b"][2 * H:].any() and not p["c"].any()
    q = lstm.init_params(H, D, O, seed=5)
    assert all(np.array_equal(p[k], q[k]) for k in p)
    assert not np.array_equal(p["W_h"], lstm.init_params(H, D, O, seed=6)["W_h"])
    assert {k: v.shape for k, v in lstm.init_params(4).items()}["W_x"] == (16, 1)


# --- bad input -----------------------------------------------------------------------------------

CALLS_WITH_Y = {
    "loss_and_grads": lambda p, X, Y, k=None: lstm.loss_and_grads(p, X, Y, k),
    "loss_and_grads_loop": lambda p, X, Y, k=None: lstm.loss_and_grads_loop(p, X, Y, k),
    "truncated_loss": lambda p, X, Y, k=2: lstm.truncated_loss(p, X, Y, k),
    "check_gradients": lambda p, X, Y, k=None: check_gradients(p, X, Y, k),
}
CALLS = {"forward": lambda p, X, Y: lstm.forward(p, X), **CALLS_WITH_Y}

BAD_PARAMS = [
    ("not-a-dict", lambda p: list(p.values()), TypeError, "params must be a dict"),
    ("missing", lambda p: {k: v for k, v in p.items() if k != "b"}, ValueError,
     r"params is missing \['b'\]"),
    ("rnn-keys", lambda p: {**p, "U": p["W_x"]}, ValueError, r"params has unknown keys \['U'\]"),
    ("gru-params", lambda p: gru.init_params(4), ValueError,
     r"params is missing \['b'\] and has unknown keys \['b_x', 'b_h'\]"),
    ("W_x-shape", lambda p: {**p, "W_x": p["W_x"][:12]}, ValueError,
     r"params\['W_x'\] has shape \(12, 1\), expected \(4 \* hidden_dim, input_dim\) = \(16, 1\)"),
    ("W_h-shape", lambda p: {**p, "W_h": p["W_h"][:, :3]}, ValueError,
     r"params\['W_h'\] has shape \(16, 3\), expected \(4 \* hidden_dim, hidden_dim\) = \(12, 3\)"),
    ("W_h-1d", lambda p: {**p, "W_h": p["W_h"].ravel()}, ValueError,
     r"params\['W_h'\] must be a non-empty 2-D array"),
    ("b-shape", lambda p: {**p, "b": p["b"][:4]}, ValueError,
     r"params\['b'\] has shape \(4,\), expected \(4 \* hidden_dim,\) = \(16,\)"),
    ("V-shape", lambda p: {**p, "V": np.zeros((1, 3))}, ValueError,
     r"params\['V'\] has shape \(1, 3\), expected \(output_dim, hidden_dim\) = \(1, 4\)"),
    ("c-shape", lambda p: {**p, "c": np.zeros(2)}, ValueError, r"params\['c'\] has shape \(2,\)"),
    ("float32", lambda p: {**p, "W_x": p["W_x"].astype(np.float32)}, TypeError,
     r"params\['W_x'\] must have dtype float64"),
    ("complex", lambda p: {**p, "W_h": p["W_h"] + 0j}, TypeError, r"params\['W_h'\] is complex"),
    ("list", lambda p: {**p, "V": p["V"].tolist()}, TypeError,
     r"params\['V'\] must be a float64 numpy array"),
    ("nan", lambda p: {**p, "b": p["b"] * np.nan}, ValueError, r"params\['b'\] contains NaN"),
    ("inf", lambda p: {**p, "W_h": p["W_h"] * np.inf}, ValueError, r"params\['W_h'\] contains NaN or inf"),
]


# check_gradients reads the cell off the keys (rnn_helpers.cells.cell_of): keys that fit no cell are
# refused there, and GRU params are checked as a GRU (tests/test_cells.py).
FIT_NO_CELL = {"missing", "rnn-keys"}


@pytest.mark.parametrize("case, change, exc, message, call", [
    pytest.param(*row, call, id=f"{row[0]}-{call}") for row in BAD_PARAMS for call in CALLS
    if not (call == "check_gradients" and row[0] == "gru-params")])
def test_bad_params_are_rejected(case, change, exc, message, call):
    params, X, Y = problem()
    if call == "check_gradients" and case in FIT_NO_CELL:
        exc, message = ValueError, r"params has the keys .* which fit no cell"
    with pytest.raises(exc, match=message):
        CALLS[call](change(params), X, Y)


@pytest.mark.parametrize("call, exc, message", [
    (lambda p, X, Y: lstm.forward(p, X, h0=np.zeros((2, 4))), ValueError,
     r"h0 must have shape \(N, hidden_dim\) = \(3, 4\)"),
    (lambda p, X, Y: lstm.forward(p, X, c0=np.zeros((3, 5))), ValueError, "c0 must have shape"),
    (lambda p, X, Y: lstm.forward(p, X, c0=np.zeros((3, 4)) + 0j), TypeError,
     "c0 must hold real numbers .* complex numbers"),
    (lambda p, X, Y: lstm.step_forward(X[:, 0, 0], np.zeros((3, 4)), np.zeros((3, 4)), p),
     ValueError, "x_t must have 2 dimensions"),
    (lambda p, X, Y: lstm.step_forward(X[:, 0].repeat(2, 1), np.zeros((3, 4)), np.zeros((3, 4)), p),
     ValueError, r"x_t must have shape \(N, input_dim\) = \(N, 1\)"),
    (lambda p, X, Y: lstm.step_forward(X[:, 0], np.zeros((2, 4)), np.zeros((3, 4)), p),
     ValueError, "x_t has 3 rows but h_prev has 2: every array of one step"),
    (lambda p, X, Y: lstm.step_forward(X[:, 0], np.zeros((3, 4)), np.zeros((3, 5)), p),
     ValueError, r"c_prev must have shape \(N, hidden_dim\) = \(N, 4\), got \(3, 5\)"),
    (lambda p, X, Y: lstm.step_forward(X[:, 0], np.zeros((3, 4)), np.full((3, 4), np.nan), p),
     ValueError, "c_prev contains NaN"),
    (lambda p, X, Y: lstm.step_forward(X[:, 0], np.zeros((3, 4)), np.zeros((3, 4)), {}),
     ValueError, "params is missing"),
    (lambda p, X, Y: lstm.step_backward(np.zeros((3, 3)), np.zeros((3, 4)), _step(p, X), p),
     ValueError, "dh_t must have shape"),
    (lambda p, X, Y: lstm.step_backward(np.zeros((3, 4)), np.zeros(4), _step(p, X), p),
     ValueError, "dc_t must have 2 dimensions"),
    (lambda p, X, Y: lstm.step_backward(np.zeros((3, 4)), np.zeros((3, 4)), {"i": 1}, p),
     TypeError, "cache must be the dict that rnn_helpers.lstm.step_forward returned"),
    (lambda p, X, Y: lstm.step_backward(np.zeros((3, 4)), np.zeros((3, 4)), lstm.forward(p, X)[1], p),
     TypeError, "cache must be the dict that rnn_helpers.lstm.step_forward returned"),
    (lambda p, X, Y: lstm.backward(Y[:2], lstm.forward(p, X)[1]), ValueError,
     r"dY_hat must have shape \(N, output_dim\) = \(3, 1\)"),
    (lambda p, X, Y: lstm.backward(Y + 0j, lstm.forward(p, X)[1]), TypeError,
     "dY_hat must hold real numbers .* complex numbers"),
    (lambda p, X, Y: lstm.backward(Y, gru.forward(gru.init_params(4), X)[1]), TypeError,
     "cache must be the dict that rnn_helpers.lstm.forward returned"),
    (lambda p, X, Y: lstm.truncated_loss(p, X, Y, 2, state_params=lstm.init_params(5)), ValueError,
     "state_params must have the same shapes as params"),
    (lambda p, X, Y: lstm.truncated_loss(p, X, Y, 2, state_params={"b": p["b"]}), ValueError,
     "state_params is missing"),
    (lambda p, X, Y: check_gradients(p, X, Y, eps=0), ValueError, "eps must be a finite number > 0"),
    (lambda p, X, Y: check_gradients(p, X, Y, eps="small"), TypeError, "eps must be a number"),
])
def test_steps_states_caches_and_eps_are_checked(call, exc, message):
    params, X, Y = problem()
    with pytest.raises(exc, match=message):
        call(params, X, Y)


def _step(params, X):
    return lstm.step_forward(X[:, 0], np.zeros((3, 4)), np.zeros((3, 4)), params)[2]

