"""The recurrent layer and its heads (rnn_helpers.layer), against numerical gradients."""

import numpy as np
import pytest

import rnn_helpers as rh
from rnn_helpers import cells, layer, text


def test_softmax_head_backward_is_the_gradient_of_the_cross_entropy():
    rng = np.random.default_rng(0)
    H_seq = rng.normal(size=(4, 2, 3))                     # (T, N, H)
    params = {"V": rng.normal(size=(5, 3)), "c": rng.normal(size=5)}
    targets = rng.integers(5, size=(4, 2))

    def loss(p, H=H_seq):
        return text.softmax_xent(layer.softmax_head_forward(H, p), targets)

    dlogits = text.softmax_xent_backward(layer.softmax_head_forward(H_seq, params), targets)
    grads, dH = layer.softmax_head_backward(dlogits, H_seq, params)
    numeric = rh.numerical_gradient(loss, params)
    for key in params:
        assert rh.relative_error(grads[key], numeric[key]) < 1e-8, key
    numeric_H = rh.numerical_gradient(lambda p: loss(params, p["H"]), {"H": H_seq})["H"]
    assert rh.relative_error(dH, numeric_H) < 1e-8


def test_regression_head_backward_is_the_gradient_of_the_mean_squared_error():
    rng = np.random.default_rng(1)
    h_T = rng.normal(size=(3, 4))
    params = {"V": rng.normal(size=(2, 4)), "c": rng.normal(size=2)}
    Y = rng.normal(size=(3, 2))
    _, dY_hat = layer.regression_loss(layer.regression_forward(h_T, params), Y)
    grads, dh_T = layer.regression_backward(dY_hat, h_T, params)
    numeric = rh.numerical_gradient(lambda p: rh.mse_loss(layer.regression_forward(h_T, p), Y), params)
    for key in params:
        assert rh.relative_error(grads[key], numeric[key]) < 1e-8, key
    numeric_h = rh.numerical_gradient(
        lambda p: rh.mse_loss(layer.regression_forward(p["h"], params), Y), {"h": h_T})["h"]
    assert rh.relative_error(dh_T, numeric_h) < 1e-8


@pytest.mark.parametrize("name", cells.names())
def test_steps_back_walks_exactly_k_steps_and_adds_the_head_at_each(name):
    model = cells.get_cell(name)
    rng = np.random.default_rng(2)
    params = cells.init_params(name, 3, 2, 1, seed=2)
    X = rng.normal(size=(2, 5, 2))
    state0 = layer.zero_state(len(model.states), 2, 3)
    states, caches = layer.layer_forward(model.cell.step_forward, model.cell_params(params), X, state0,
                                         model.options())
    assert len(states) == 6 and len(caches) == 5
    top = tuple(np.ones((2, 3)) for _ in model.states)
    walked = [t for t, *_ in layer.steps_back(model.cell.step_backward, caches, 3,
                                              lambda t: top if t == 5 else None)]
    assert walked == [5, 4, 3]
    every = list(layer.steps_back(model.cell.step_backward, caches, 2, lambda t: top))
    once = list(layer.steps_back(model.cell.step_backward, caches, 2, lambda t: top if t == 5 else None))
    # at step 4 the head's gradient is added to what comes back from step 5
    for a, b, h in zip(every[1][1], once[1][1], top):
        np.testing.assert_allclose(a, b + h)
