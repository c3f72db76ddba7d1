"""The reset-before GRU (rnn_helpers.gru_reset_before, registered as "gru_before"; Cho et al. 2014,
d2l): its own equations, its weights and how they move from the reset-after GRU and from Keras'
layout, and its bad-input messages.

What every registered cell shares (gradients against a fourth-order finite difference and against
autograd, the vectorised code against the one-record loop and the steps, truncation, the protocol's
step_backward) is tested in test_cell_contract.py and test_autograd_references.py, which run over
"gru_before" like the other cells; every bad input to its public functions, in test_bad_input.py.
"""

import numpy as np
import pytest

import rnn_helpers as rh
from rnn_helpers import gru
from rnn_helpers import gru_reset_before as grb

T = 6


def problem(N=3, T=T, D=1, H=4, O=1, seed=0):
    """A small random problem; b_xh and c drawn non-zero so that they count."""
    rng = np.random.default_rng(seed)
    params = grb.init_params(H, D, O, seed=seed)
    params["b_xh"] = rng.normal(scale=0.5, size=3 * H)
    params["c"] = rng.normal(scale=0.5, size=O)
    return params, rng.normal(size=(N, T, D)), rng.normal(size=(N, O))


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def test_step_forward_follows_the_equations():
    """Cho et al.'s candidate: n = tanh(W_xn x + b_xn + W_hn (r * h)); one bias per block."""
    params, X, _ = problem(N=4, D=2, H=3)
    h_prev = np.random.default_rng(1).normal(size=(4, 3))
    x_t = X[:, 0]
    h_t, cache = grb.step_forward(x_t, h_prev, params)
    W_x, W_h, b = params["W_x"], params["W_h"], params["b_xh"]
    r = _sigmoid(x_t @ W_x[:3].T + b[:3] + h_prev @ W_h[:3].T)
    z = _sigmoid(x_t @ W_x[3:6].T + b[3:6] + h_prev @ W_h[3:6].T)
    n = np.tanh(x_t @ W_x[6:].T + b[6:] + (r * h_prev) @ W_h[6:].T)
    for name, expected in (("r", r), ("z", z), ("n", n), ("rh", r * h_prev)):
        np.testing.assert_allclose(cache[name], expected, rtol=0, atol=1e-15, err_msg=name)
    np.testing.assert_allclose(h_t, (1 - z) * n + z * h_prev, rtol=0, atol=1e-15)
    assert set(cache) == {"x_t", "h_prev", "r", "z", "n", "rh"}


def test_init_params_keys_shapes_and_the_gru_s_draws():
    """One bias, b_xh; the same seed draws the same W_x, W_h and V as rnn_helpers.gru."""
    p, q = grb.init_params(5, 2, 3, seed=7), gru.init_params(5, 2, 3, seed=7)
    assert {k: v.shape for k, v in p.items()} == {"W_x": (15, 2), "W_h": (15, 5), "b_xh": (15,),
                                                  "V": (3, 5), "c": (3,)}
    assert all(np.array_equal(p[k], q[k]) for k in ("W_x", "W_h", "V"))
    assert not p["b_xh"].any() and not p["c"].any()


def test_registered_as_its_own_cell():
    """A distinct key set: the registry recognises each GRU from its params, and a GRU's params with
    a bias deleted are no cell (not silently the other GRU)."""
    assert "gru_before" in rh.cells.names()
    assert rh.cell_of(grb.init_params(3)) == "gru_before"
    assert rh.cell_of(gru.init_params(3)) == "gru"
    for bias in ("b_x", "b_h"):
        with pytest.raises(ValueError, match="fit no cell"):
            rh.cell_of({k: v for k, v in gru.init_params(3).items() if k != bias})
    model, history = rh.train(grb.init_params(4, seed=1), *problem(N=8)[1:], epochs=5,
                              learning_rate=0.1, batch_size=8)
    assert model.cell == "gru_before" and history.train_loss[-1] < history.train_loss[0]


def _reset_before_with_two_biases(p, X):
    """Cho et al.'s GRU written with a bias on each side, b_x and b_h (as ONNX's Wb and Rb)."""
    H = p["W_h"].shape[1]
    h = np.zeros((X.shape[0], H))
    for t in range(X.shape[1]):
        a_x = X[:, t] @ p["W_x"].T + p["b_x"]
        r = _sigmoid(a_x[:, :H] + h @ p["W_h"][:H].T + p["b_h"][:H])
        z = _sigmoid(a_x[:, H:2 * H] + h @ p["W_h"][H:2 * H].T + p["b_h"][H:2 * H])
        n = np.tanh(a_x[:, 2 * H:] + (r * h) @ p["W_h"][2 * H:].T + p["b_h"][2 * H:])
        h = (1 - z) * n + z * h
    return h @ p["V"].T + p["c"]


def test_two_biases_move_into_one_and_the_reset_after_gru_differs():
    """With the reset before the product every bias only adds, so b_xh = b_x + b_h is the whole bias
    (the module's docstring's recipe); the same weights in the reset-after GRU give another function."""
    two, X, _ = gru.init_params(3, 2, 2, seed=3), np.random.default_rng(5).normal(size=(4, 6, 2)), None
    rng = np.random.default_rng(6)
    two.update(b_x=rng.normal(size=9), b_h=rng.normal(size=9), c=rng.normal(size=2))
    one = {k: v for k, v in two.items() if k != "b_h"}
    one = {k: v for k, v in one.items() if k != "b_x"}
    one["b_xh"] = two["b_x"] + two["b_h"]
    np.testing.assert_allclose(grb.forward(one, X)[0], _reset_before_with_two_biases(two, X),
                               rtol=0, atol=1e-14)
    assert not np.allclose(gru.forward(two, X)[0], grb.forward(one, X)[0], atol=1e-3)


def test_keras_layout_moves_across_by_transposing_and_reordering_the_blocks():
    """Keras GRU(reset_after=False): kernel (D, 3H), recurrent_kernel (H, 3H), bias (3H,), blocks
    z, r, h; written out here in Keras' own form, it gives the module's function."""
    H, D = 3, 2
    rng = np.random.default_rng(8)
    kernel, recurrent, bias = rng.normal(size=(D, 3 * H)), rng.normal(size=(H, 3 * H)), rng.normal(size=3 * H)
    X = rng.normal(size=(4, 5, D))
    h = np.zeros((4, H))
    for t in range(5):                               # keras' GRUCell, reset_after=False
        x_z, x_r, x_h = np.split(X[:, t] @ kernel + bias, 3, axis=1)
        z = _sigmoid(x_z + h @ recurrent[:, :H])
        r = _sigmoid(x_r + h @ recurrent[:, H:2 * H])
        hh = np.tanh(x_h + (r * h) @ recurrent[:, 2 * H:])
        h = z * h + (1 - z) * hh
    order = np.r_[H:2 * H, 0:H, 2 * H:3 * H]         # z, r, h -> r, z, n
    params = {"W_x": kernel.T[order], "W_h": recurrent.T[order], "b_xh": bias[order],
              "V": np.eye(H), "c": np.zeros(H)}
    np.testing.assert_allclose(grb.forward(params, X)[0], h, rtol=0, atol=1e-14)


def test_the_other_gru_s_params_are_refused_naming_the_keys():
    """Weights of the reset-after GRU passed to this one: the message names the key to merge and
    the key that is missing (every other bad input: tests/test_bad_input.py's table)."""
    params, X, Y = problem()
    with pytest.raises(ValueError, match=r"missing \['b_xh'\].*unknown keys \['b_x', 'b_h'\]"):
        grb.forward(gru.init_params(4), X)
    with pytest.raises(ValueError, match=r"unknown keys \['b_h'\]"):
        grb.loss_and_grads({**params, "b_h": params["b_xh"]}, X, Y)
