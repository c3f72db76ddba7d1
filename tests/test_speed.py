"""rnn_helpers.speed: the loops training runs equal the readable forward and backward of rnn."""

import numpy as np
import pytest

import rnn_helpers as rh
from rnn_helpers.speed import backward_into, recurrence_matrix, run_states


@pytest.fixture
def case():
    rng = np.random.default_rng(3)
    params = rh.init_params(5, 2, 3, seed=1)
    params["b"] = rng.normal(size=5) * 0.3
    X, dY = rng.normal(size=(4, 6, 2)), rng.normal(size=(4, 3))
    return params, X, dY


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_run_states_gives_every_state_of_the_readable_forward(case, activation):
    params, X, _ = case
    _, cache = rh.forward(params, X, activation)
    states = run_states(params, X, activation).states()
    expected = [np.zeros((4, 5))]
    for t in range(X.shape[1]):
        expected.append(rh.step_forward(X[:, t], expected[-1], params, activation))
    np.testing.assert_allclose(states, np.array(expected), rtol=0, atol=1e-14)
    np.testing.assert_allclose(states, cache["states"], rtol=0, atol=1e-14)


def test_recurrence_matrix_is_W_U_b_side_by_side_for_tanh(case):
    params = case[0]
    np.testing.assert_array_equal(recurrence_matrix(params, "tanh"),
                                  np.hstack([params["W"], params["U"], params["b"][:, None]]))


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
@pytest.mark.parametrize("truncate", [None, 1, 3])
def test_backward_into_matches_the_readable_backward(case, activation, truncate):
    params, X, dY = case
    _, cache = rh.forward(params, X, activation)
    expected = rh.backward(dY, cache, truncate=truncate)
    H, D, O = 5, 2, 3
    dM, dV, dc = np.empty((H, H + D + 1)), np.empty((O, H)), np.empty(O)
    buffer = run_states(params, X, activation)
    backward_into(dY, buffer, params["W"], params["V"], activation, truncate, dM, dV, dc)
    np.testing.assert_allclose(dM[:, :H], expected["W"], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(dM[:, H:H + D], expected["U"], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(dM[:, -1], expected["b"], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(dV, expected["V"], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(dc, expected["c"], rtol=1e-12, atol=1e-14)
