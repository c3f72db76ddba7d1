"""The gradient per time step (rnn_helpers.gradient_flow), checked against finite differences.

dloss/dh_t is the gradient of the loss seen as a function of the state at step t: run the last
T - t steps from that state (forward's h0/s0 and c0) and differentiate numerically.
"""

import numpy as np
import pytest

import rnn_helpers as rh
from conftest import random_problem
from rnn_helpers import gru, lstm

T = 6


def _problem(cell, seed=0, N=3, T=6, D=2, H=4, O=2):
    rng = np.random.default_rng(seed)
    params = (rh.init_params(H, D, O, seed=seed, scale=0.8) if cell == "rnn"
              else rh.get_cell(cell).init_params(H, D, O, seed=seed))
    return params, rng.normal(size=(N, T, D)), rng.normal(size=(N, O))


def _loss_from_state(cell, params, X, Y, t, h, c=None):
    """The loss as a function of the state at step t (h, and c for the LSTM)."""
    rest = X[:, t:]
    if cell == "rnn":
        return rh.mse_loss(rh.forward(params, rest, "tanh", s0=h)[0], Y)
    if cell == "lstm":
        return rh.mse_loss(lstm.forward(params, rest, h0=h, c0=c)[0], Y)
    return rh.mse_loss(gru.forward(params, rest, h0=h)[0], Y)


def _states(cell, params, X):
    if cell == "rnn":
        return rh.forward(params, X, "tanh")[1]["states"], None
    cache = {"lstm": lstm, "gru": gru}[cell].forward(params, X)[1]
    return cache["h"], cache.get("c")


@pytest.mark.parametrize("cell, state", [("rnn", "h"), ("lstm", "h"), ("lstm", "c"), ("gru", "h")])
@pytest.mark.parametrize("t", [1, 3, 5])
def test_state_gradients_match_finite_differences(cell, state, t):
    params, X, Y = _problem(cell)
    dS = rh.state_gradients(params, X, Y, "tanh", state=state)
    assert dS.shape == (X.shape[1], X.shape[0], 4)
    h, c = _states(cell, params, X)
    h_t, c_t = h[t].copy(), None if c is None else c[t].copy()

    def f(p):
        if state == "h":
            return _loss_from_state(cell, params, X, Y, t, p["s"], c_t)
        # the LSTM's c_t reaches the loss through c_{t+1} and through h_t = o_t tanh(c_t)
        o_t = lstm.forward(params, X)[1]["o"][t - 1]
        return _loss_from_state(cell, params, X, Y, t, o_t * np.tanh(p["s"]), p["s"])

    numeric = rh.numerical_gradient(f, {"s": (h_t if state == "h" else c_t).copy()})["s"]
    assert rh.relative_error(dS[t - 1], numeric) < 1e-8


def test_state_c_is_for_the_lstm_only():
    params, X, Y = _problem("gru")
    with pytest.raises(ValueError, match="state"):
        rh.state_gradients(params, X, Y, state="c")
    with pytest.raises(ValueError, match="state"):
        rh.state_gradients(_problem("rnn")[0], X, Y, "tanh", state="s")


def test_the_lstm_cell_state_carries_the_gradient_further_than_the_rnn_state():
    """What notebook 8 shows: at the same size and data, the gradient reaching step 1 through the
    LSTM's cell state is far larger, relative to its size at the last step, than the RNN's."""
    X, Y = rh.sine_windows()[:2]
    ratio = {}
    for cell, state in (("rnn", "h"), ("lstm", "c")):
        params = rh.init_params(16, seed=0) if cell == "rnn" else lstm.init_params(16, seed=0)
        n = np.linalg.norm(rh.state_gradients(params, X[:20], Y[:20], "tanh", state=state),
                           axis=(1, 2))
        ratio[cell] = n[0] / n[-1]
    assert ratio["lstm"] > 1e3 * ratio["rnn"], ratio


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_state_gradients_match_numerical(activation):
    """dloss/ds_t, checked by restarting the sequence from a perturbed s_t."""
    params, X, Y = random_problem(N=2, T=T, D=2, H=3, O=2)
    dS = rh.state_gradients(params, X, Y, activation)
    assert dS.shape == (T, 2, 3)
    _, cache = rh.forward(params, X, activation)
    for t in range(1, T + 1):
        s_t = cache["states"][t]

        def loss_from(p):
            if t == T:
                Y_hat = p["s"] @ params["V"].T + params["c"]
            else:
                Y_hat = rh.forward(params, X[:, t:], activation, s0=p["s"])[0]
            return rh.mse_loss(Y_hat, Y)

        numeric = rh.numerical_gradient(loss_from, {"s": s_t.copy()})["s"]
        assert rh.relative_error(dS[t - 1], numeric) < 1e-8
