"""The reset-before GRU (rnn_helpers.gru_reset_before; Cho et al. 2014, d2l): its gradients against
a fourth-order finite difference of the objective they claim, the vectorised code against the
one-record loop, the equations, how it differs from rnn_helpers.gru, and bad input.

The numerical gradient is rnn_helpers.gradcheck's fourth-order centred difference; on these sizes
its own error is about 1e-11, so the tolerance 1e-7 fails a gradient wrong by one part in a million
in a single entry (test_check_fails_on_a_gradient_wrong_by_one_part_in_a_million).
"""

import numpy as np
import pytest

from rnn_helpers import gru
from rnn_helpers import gru_reset_before as grb
from rnn_helpers.gradcheck import assert_gradients_match, numerical_gradient, relative_error

T = 6
TRUNCATIONS = [None, 1, 2, T - 1, T, T + 4]


def problem(N=3, T=T, D=1, H=4, O=1, seed=0):
    """A small random problem; biases drawn non-zero so that their gradients count."""
    rng = np.random.default_rng(seed)
    params = grb.init_params(H, D, O, seed=seed)
    for name, size in (("b_x", 3 * H), ("b_h", 3 * H), ("c", O)):
        params[name] = rng.normal(scale=0.5, size=size)
    return params, rng.normal(size=(N, T, D)), rng.normal(size=(N, O))


def gradient_errors(params, X, Y, truncate=None, module=grb):
    """Relative error of module.loss_and_grads against the numerical gradient of its truncated loss
    (the state at T - k held at its value under the unperturbed params), per parameter."""
    _, analytic = module.loss_and_grads(params, X, Y, truncate)
    frozen = {name: value.copy() for name, value in params.items()}
    numeric = numerical_gradient(lambda p: module.truncated_loss(p, X, Y, truncate, frozen), params)
    return {name: relative_error(analytic[name], numeric[name]) for name in params}


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# --- gradients -------------------------------------------------------------------------------------

@pytest.mark.parametrize("dims", [(1, 1), (2, 3)], ids=["D1-O1", "D2-O3"])
@pytest.mark.parametrize("truncate", TRUNCATIONS, ids=lambda k: f"trunc-{k}")
def test_gradients_match_numerical(truncate, dims):
    D, O = dims
    params, X, Y = problem(D=D, O=O, seed=D + O)
    errors = gradient_errors(params, X, Y, truncate)
    assert set(errors) == set(params)
    assert_gradients_match(errors, tol=1e-7)


@pytest.mark.parametrize("name", ["W_x", "W_h", "b_x", "b_h", "V", "c"])
def test_check_fails_on_a_gradient_wrong_by_one_part_in_a_million(monkeypatch, name):
    params, X, Y = problem()
    right = grb.loss_and_grads

    def wrong(*args, **kwargs):
        loss, grads = right(*args, **kwargs)
        g = grads[name]
        g[np.unravel_index(np.argmax(np.abs(g)), g.shape)] *= 1 + 1e-6
        return loss, grads

    monkeypatch.setattr(grb, "loss_and_grads", wrong)
    errors = gradient_errors(params, X, Y)
    assert errors[name] > 1e-7
    assert max(err for key, err in errors.items() if key != name) < 1e-9
    with pytest.raises(AssertionError, match=f"{name}: "):
        assert_gradients_match(errors, tol=1e-7)


def test_the_reset_after_gradient_is_wrong_for_this_cell():
    """The other GRU's step backward, swapped in, fails the check: the check tells the two apart."""
    params, X, Y = problem(D=2, H=3)
    _, theirs = gru.loss_and_grads(params, X, Y)
    _, ours = grb.loss_and_grads(params, X, Y)
    assert relative_error(theirs["W_h"], ours["W_h"]) > 1e-2


@pytest.mark.parametrize("truncate", TRUNCATIONS, ids=lambda k: f"trunc-{k}")
def test_vectorised_matches_one_record_loop(truncate):
    params, X, Y = problem(N=5, D=2, H=6, O=2)
    loss, grads = grb.loss_and_grads(params, X, Y, truncate)
    loss_loop, grads_loop = grb.loss_and_grads_loop(params, X, Y, truncate)
    assert loss == pytest.approx(loss_loop, rel=1e-12)
    for name in params:
        np.testing.assert_allclose(grads[name], grads_loop[name], rtol=1e-12, atol=1e-15, err_msg=name)


def test_backward_from_forward_equals_loss_and_grads():
    params, X, Y = problem(N=4, D=2, H=3, O=2)
    Y_hat, cache = grb.forward(params, X)
    grads = grb.backward((Y_hat - Y) / 4, cache)
    _, expected = grb.loss_and_grads(params, X, Y)
    for name in params:
        np.testing.assert_allclose(grads[name], expected[name], rtol=1e-13, atol=1e-15, err_msg=name)


def test_step_backward_matches_numerical():
    """One step with a random upstream gradient dh_t: every output of step_backward is the gradient
    of <dh_t, h_t> with respect to that input."""
    rng = np.random.default_rng(4)
    params, _, _ = problem(D=2, H=3)
    weights = ("W_x", "W_h", "b_x", "b_h")
    point = {"x_t": rng.normal(size=(2, 2)), "h_prev": rng.normal(size=(2, 3)),
             **{k: params[k] for k in weights}}
    dh_t = rng.normal(size=(2, 3))

    def scalar(p):
        h_t, _ = grb.step_forward(p["x_t"], p["h_prev"], {**params, **{k: p[k] for k in weights}})
        return np.sum(dh_t * h_t)

    numeric = numerical_gradient(scalar, point)
    _, cache = grb.step_forward(point["x_t"], point["h_prev"], params)
    dh_prev, step_grads = grb.step_backward(dh_t, cache, params)
    assert set(step_grads) == set(weights)
    assert relative_error(dh_prev, numeric["h_prev"]) < 1e-9
    for name, g in step_grads.items():
        assert relative_error(g, numeric[name]) < 1e-9, name


# --- the forward pass -------------------------------------------------------------------------------

def test_step_forward_follows_the_equations():
    """Cho et al.'s candidate: n = tanh(W_xn x + b_xn + W_hn (r * h) + b_hn)."""
    params, X, _ = problem(N=4, D=2, H=3)
    h_prev = np.random.default_rng(1).normal(size=(4, 3))
    x_t = X[:, 0]
    h_t, cache = grb.step_forward(x_t, h_prev, params)
    W_x, W_h, b_x, b_h = params["W_x"], params["W_h"], params["b_x"], params["b_h"]
    r = _sigmoid(x_t @ W_x[:3].T + b_x[:3] + h_prev @ W_h[:3].T + b_h[:3])
    z = _sigmoid(x_t @ W_x[3:6].T + b_x[3:6] + h_prev @ W_h[3:6].T + b_h[3:6])
    n = np.tanh(x_t @ W_x[6:].T + b_x[6:] + (r * h_prev) @ W_h[6:].T + b_h[6:])
    for name, expected in (("r", r), ("z", z), ("n", n), ("rh", r * h_prev)):
        np.testing.assert_allclose(cache[name], expected, rtol=0, atol=1e-15, err_msg=name)
    np.testing.assert_allclose(h_t, (1 - z) * n + z * h_prev, rtol=0, atol=1e-15)
    assert set(cache) == {"x_t", "h_prev", "r", "z", "n", "rh"}


def test_same_weights_different_function_from_the_reset_after_gru():
    params, X, _ = problem(D=2, H=3)
    x_t, h_prev = X[:, 0], np.random.default_rng(2).normal(size=(3, 3))
    ours, theirs = grb.step_forward(x_t, h_prev, params), gru.step_forward(x_t, h_prev, params)
    for name in ("r", "z"):                                     # the gates are the same ...
        np.testing.assert_allclose(ours[1][name], theirs[1][name], rtol=0, atol=1e-15)
    assert not np.allclose(ours[1]["n"], theirs[1]["n"], atol=1e-3)   # ... the candidate is not
    assert not np.allclose(grb.forward(params, X)[0], gru.forward(params, X)[0], atol=1e-3)


def test_only_the_sum_of_the_two_candidate_biases_counts():
    """Here b_hn is added outside the reset, so it can be merged into b_xn (not so in gru)."""
    params, X, _ = problem()
    moved = {**params, "b_x": params["b_x"].copy(), "b_h": params["b_h"].copy()}
    moved["b_x"][8:] += moved["b_h"][8:]
    moved["b_h"][8:] = 0.0
    np.testing.assert_allclose(grb.forward(params, X)[0], grb.forward(moved, X)[0], rtol=0, atol=1e-14)
    assert not np.allclose(gru.forward(params, X)[0], gru.forward(moved, X)[0], rtol=0, atol=1e-6)


def test_step_forward_agrees_with_forward_and_a_given_state_continues():
    params, X, _ = problem(N=4, T=7, D=2, H=5, O=3)
    Y_hat, cache = grb.forward(params, X)
    h_t = np.zeros((4, 5))
    for t in range(1, 8):
        h_t, step = grb.step_forward(X[:, t - 1], h_t, params)
        np.testing.assert_allclose(cache["h"][t], h_t, rtol=0, atol=1e-14)
        for name in ("r", "z", "n", "rh"):
            np.testing.assert_allclose(cache[name][t - 1], step[name], rtol=0, atol=1e-14)
    np.testing.assert_allclose(Y_hat, h_t @ params["V"].T + params["c"], rtol=0, atol=1e-14)
    _, first = grb.forward(params, X[:, :3])
    Y_rest, _ = grb.forward(params, X[:, 3:], first["h"][-1])
    np.testing.assert_allclose(Y_rest, Y_hat, rtol=0, atol=1e-14)


def test_truncate_at_or_beyond_T_is_full_bptt():
    params, X, Y = problem()
    loss_full, full = grb.loss_and_grads(params, X, Y)
    for k in (T, T + 1, 1000):
        loss, grads = grb.loss_and_grads(params, X, Y, k)
        assert loss == loss_full and all(np.array_equal(grads[n], full[n]) for n in params)
    assert grb.truncated_loss(params, X, Y, None) == loss_full


def test_same_public_names_as_gru():
    assert grb.__all__ == gru.__all__
    assert grb.init_params is gru.init_params and grb.check_inputs is gru.check_inputs


# --- bad input ------------------------------------------------------------------------------------

@pytest.mark.parametrize("call, exc, words", [
    (lambda p, X, Y: grb.forward({**p, "W_h": p["W_h"][:, :2]}, X), ValueError, "W_h"),
    (lambda p, X, Y: grb.forward(p, X[..., 0]), ValueError, "X"),
    (lambda p, X, Y: grb.loss_and_grads(p, X, Y[:2]), ValueError, "Y"),
    (lambda p, X, Y: grb.loss_and_grads(p, X, Y, truncate=0), ValueError, "truncate"),
    (lambda p, X, Y: grb.step_forward(X[:, 0], np.zeros((3, 5)), p), ValueError, "h_prev"),
    (lambda p, X, Y: grb.step_backward(np.zeros((3, 4)), {"r": 1}, p), TypeError, "cache"),
    (lambda p, X, Y: grb.step_backward(np.zeros((2, 4)), grb.step_forward(X[:, 0], np.zeros((3, 4)),
                                                                           p)[1], p),
     ValueError, "dh_t"),
    (lambda p, X, Y: grb.backward(np.zeros((3, 1)), {}), TypeError, "cache"),
    (lambda p, X, Y: grb.backward(np.zeros((3, 2)), grb.forward(p, X)[1]), ValueError, "dY_hat"),
    (lambda p, X, Y: grb.forward(p, X, h0=np.zeros((3, 2))), ValueError, "h0"),
    (lambda p, X, Y: grb.truncated_loss(p, X, Y, 2, state_params={"W_x": 1}), ValueError,
     "state_params"),
    (lambda p, X, Y: grb.forward(None, X), TypeError, "params"),
])
def test_bad_input_names_the_argument(call, exc, words):
    params, X, Y = problem()
    with pytest.raises(exc, match=words):
        call(params, X, Y)
