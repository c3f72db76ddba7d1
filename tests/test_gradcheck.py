"""Every gradient the package computes, against a numerical gradient of the objective it claims.

The numerical gradient is a fourth-order centred difference (rnn_helpers.gradcheck); on these sizes
its own error is about 1e-11, so the tolerance of 1e-7 fails any gradient that is really wrong
(test_check_is_sensitive shows a 1e-6 error is caught).
"""

import numpy as np
import pytest

import rnn_helpers as rh
from conftest import random_problem

T = 6
TRUNCATIONS = [None, 1, 2, T - 1, T, T + 4]


@pytest.mark.parametrize("dims", [(1, 1), (2, 3)], ids=["D1-O1", "D2-O3"])
@pytest.mark.parametrize("biases", [True, False], ids=["biases", "no-biases"])
@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
@pytest.mark.parametrize("truncate", TRUNCATIONS, ids=lambda k: f"trunc-{k}")
def test_gradients_match_numerical(truncate, activation, biases, dims):
    D, O = dims
    params, X, Y = random_problem(N=3, T=T, D=D, H=4, O=O, biases=biases, seed=D + O)
    errors = rh.check_gradients(params, X, Y, truncate=truncate, activation=activation)
    assert set(errors) == set(params)
    rh.assert_gradients_match(errors, tol=1e-7)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
@pytest.mark.parametrize("truncate", TRUNCATIONS)
def test_vectorized_matches_per_record_loop(truncate, activation):
    params, X, Y = random_problem(N=5, T=T, D=2, H=6, O=2)
    loss, grads = rh.loss_and_grads(params, X, Y, truncate, activation)
    loss_loop, grads_loop = rh.loss_and_grads_loop(params, X, Y, truncate, activation)
    assert loss == pytest.approx(loss_loop, rel=1e-13)
    assert {k: g.shape for k, g in grads.items()} == {k: p.shape for k, p in params.items()}
    for name in params:
        np.testing.assert_allclose(grads[name], grads_loop[name], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_truncate_at_or_beyond_T_is_full_bptt(activation):
    params, X, Y = random_problem(T=T)
    _, full = rh.loss_and_grads(params, X, Y, None, activation)
    for k in (T, T + 1, 1000):
        _, g = rh.loss_and_grads(params, X, Y, k, activation)
        for name in params:
            assert np.array_equal(g[name], full[name])


def test_truncated_gradient_differs_from_full_and_from_its_finite_difference():
    """The truncated gradient is not the full gradient, so checking it needs the truncated objective."""
    params, X, Y = random_problem(T=T, H=4)
    _, trunc = rh.loss_and_grads(params, X, Y, 2, "tanh")
    _, full = rh.loss_and_grads(params, X, Y, None, "tanh")
    assert rh.relative_error(trunc["W"], full["W"]) > 1e-3
    numeric_full = rh.numerical_gradient(
        lambda p: rh.mse_loss(rh.forward(p, X, "tanh")[0], Y), params)
    assert rh.relative_error(trunc["W"], numeric_full["W"]) > 1e-3
    assert rh.relative_error(full["W"], numeric_full["W"]) < 1e-9


def test_check_is_sensitive():
    """A gradient wrong by one part in a million in a single entry fails the check."""
    params, X, Y = random_problem(T=T)
    _, grads = rh.loss_and_grads(params, X, Y, None, "sigmoid")
    numeric = rh.numerical_gradient(lambda p: rh.mse_loss(rh.forward(p, X)[0], Y), params)
    wrong = grads["W"].copy()
    i = np.unravel_index(np.argmax(np.abs(wrong)), wrong.shape)
    wrong[i] *= 1 + 1e-6
    assert rh.relative_error(grads["W"], numeric["W"]) < 1e-9
    assert rh.relative_error(wrong, numeric["W"]) > 1e-7
    with pytest.raises(AssertionError, match="W: "):
        rh.assert_gradients_match({"W": rh.relative_error(wrong, numeric["W"])})


def test_gradient_check_on_the_course_problem():
    """The sine windows, hidden 8, small init: what notebook 3 shows, at a size a test can afford."""
    X, Y, _, _ = rh.sine_windows(n_points=40, seq_len=12, n_train=5, n_val=0)
    params = rh.init_params(8, seed=3)
    for truncate in (None, 5):
        rh.assert_gradients_match(rh.check_gradients(params, X, Y, truncate=truncate))


def test_relative_error_basics():
    a = np.array([1.0, 2.0])
    assert rh.relative_error(a, a) == 0.0
    assert rh.relative_error(a, -a) == 1.0
    with pytest.raises(ValueError, match="must match"):
        rh.relative_error(a, np.ones(3))


@pytest.mark.parametrize("call, exc, message", [
    (lambda p, X, Y: rh.loss_and_grads(p, X, Y[:2]), ValueError, "X has 3 records but Y has 2"),
    (lambda p, X, Y: rh.loss_and_grads(p, X, Y[:, 0]), ValueError, "Y must have 2 dimensions"),
    (lambda p, X, Y: rh.loss_and_grads(p, X, np.hstack([Y, Y])), ValueError, "output_dim=1"),
    (lambda p, X, Y: rh.loss_and_grads(p, X, Y, truncate=0), ValueError, "truncate must be at least 1"),
    (lambda p, X, Y: rh.loss_and_grads(p, X, Y, truncate=2.5), TypeError, "truncate must be a whole"),
    (lambda p, X, Y: rh.loss_and_grads(p, X, Y * np.inf), ValueError, "Y contains infinite"),
    (lambda p, X, Y: rh.loss_and_grads(p, X, Y, activation="ReLU"), ValueError, "activation must be"),
    (lambda p, X, Y: rh.loss_and_grads_loop(p, X, Y, truncate=-1), ValueError, "truncate must be"),
    (lambda p, X, Y: rh.check_gradients(p, X, Y, eps=0), ValueError, "eps must be"),
])
def test_loss_and_grads_rejects_bad_input(call, exc, message):
    params, X, Y = random_problem()
    with pytest.raises(exc, match=message):
        call(params, X, Y)


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


def test_backward_mse_and_numerical_gradient_reject_bad_input():
    params, X, Y = random_problem()
    Y_hat, cache = rh.forward(params, X)
    with pytest.raises(ValueError, match=r"dY_hat must have shape \(N, output_dim\) = \(3, 1\)"):
        rh.backward(Y_hat[:2], cache)
    with pytest.raises(TypeError, match="cache must be the dict that forward"):
        rh.backward(Y_hat, {"states": None})
    with pytest.raises(ValueError, match="truncate must be at least 1"):
        rh.backward(Y_hat, cache, truncate=0)
    with pytest.raises(ValueError, match="same, non-empty shape"):
        rh.mse_loss(Y_hat, Y[:2])
    with pytest.raises(ValueError, match="Y_hat contains NaN"):
        rh.mse_loss(Y_hat * np.nan, Y)
    with pytest.raises(TypeError, match="f must be a function"):
        rh.numerical_gradient(3.0, params)
    with pytest.raises(ValueError, match="activation must be"):
        rh.truncated_loss(params, X, Y, 2, activation="relu")
