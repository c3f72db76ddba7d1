"""The gradient check (rnn_helpers.gradcheck): a fourth-order centred difference; on these sizes
its own error is about 1e-11, so the tolerance of 1e-7 fails any gradient that is really wrong
(test_check_is_sensitive shows a 1e-6 error is caught). Each cell's gradients are checked in its
own test file and in test_cell_contract.py.
"""

import numpy as np
import pytest

import rnn_helpers as rh
from conftest import random_problem

T = 6


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
