"""A cell's sequence functions built from its steps (rnn_helpers.sequence): the checks a cell
without vectorised code gets. The arithmetic is held to autograd and to finite differences in
test_autograd_references.py and test_cell_contract.py."""

import numpy as np
import pytest

from rnn_helpers import cells


def test_from_steps_has_no_vectorised_code_and_no_engines():
    model = cells.get_cell("lstm").from_steps()
    assert model.vectorised is None and model.engines == {} and model.name == "lstm"


@pytest.mark.parametrize("change, error, message", [
    (lambda p: [1, 2], TypeError, r"^params must be a dict"),
    (lambda p: {k: v for k, v in p.items() if k != "W_fh"}, ValueError, r"params is missing \['W_fh'\]"),
    (lambda p: {**p, "Z": p["V"]}, ValueError, r"params has unknown keys \['Z'\]"),
    (lambda p: {**p, "W_fh": p["W_fh"].astype(np.float32)}, TypeError,
     r"params\['W_fh'\] must be a float64 numpy array"),
    (lambda p: {**p, "b_f": np.full(3, np.nan)}, ValueError, r"params\['b_f'\] contains NaN"),
    (lambda p: {**p, "W_fh": np.zeros((3, 4))}, ValueError, r"params\['W_fh'\] has shape \(3, 4\), expected \(3, 3\)"),
    (lambda p: {**p, "V": np.zeros(3)}, ValueError, r"params\['V'\] must be a non-empty 2-D array"),
])
def test_bad_params_of_a_cell_without_vectorised_code(change, error, message):
    model = cells.get_cell("mgu")
    params = cells.init_params("mgu", 3, 2, 1, seed=0)
    assert model.check_params(params) == (3, 2, 1)
    with pytest.raises(error, match=message):
        model.check_params(change(params))


def test_activation_and_state0_are_checked():
    model = cells.get_cell("mgu")
    params = cells.init_params("mgu", 3, 2, 1, seed=0)
    X = np.ones((2, 4, 2))
    with pytest.raises(ValueError, match="activation must be None for the MGU"):
        model.forward(params, X, activation="tanh")
    with pytest.raises(ValueError, match="activation must be one of 'sigmoid', 'tanh' for the RNN"):
        cells.get_cell("rnn").options("relu")
    with pytest.raises(TypeError, match=r"state0 must be a tuple of 1 arrays"):
        model.forward(params, X, state0=np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"state0\[0\] must have shape \(N, hidden_dim\) = \(2, 3\)"):
        model.forward(params, X, state0=(np.zeros((2, 4)),))
    with pytest.raises(ValueError, match="state must be one of the MGU's states"):
        model.state_gradients(params, X, np.ones((2, 1)), state="c")
    with pytest.raises(TypeError, match="cache must be the dict"):
        model.backward(np.ones((2, 1)), {})
