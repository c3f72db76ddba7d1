"""rnn_helpers._optim: global-norm clipping and Adam, shared by the dict-based trainers."""

import math

import numpy as np
import pytest

from rnn_helpers._optim import Adam, clip_factor

GRADS = {"a": np.array([3.0, 0.0]), "b": np.array([[4.0]])}          # global norm 5


def test_clip_factor_rescales_only_a_larger_norm():
    assert clip_factor(GRADS, None) == (1.0, 5.0)
    assert clip_factor(GRADS, 10.0) == (1.0, 5.0)
    assert clip_factor(GRADS, 1.0) == (pytest.approx(0.2), 5.0)


def test_adams_first_step_moves_every_weight_by_the_learning_rate_against_its_sign():
    params = {"a": np.array([1.0, 1.0]), "b": np.array([[1.0]])}
    Adam(params).step(params, GRADS, 0.1)
    # m_hat = g and v_hat = g^2 after one step: the step is lr g / (|g| + 1e-8)
    np.testing.assert_allclose(params["a"], [0.9, 1.0], rtol=0, atol=1e-9)
    np.testing.assert_allclose(params["b"], [[0.9]], rtol=0, atol=1e-9)


def test_adam_follows_its_formulas_over_several_steps_with_a_factor():
    rng = np.random.default_rng(0)
    params = {"w": rng.normal(size=3)}
    expected, m, v = params["w"].copy(), np.zeros(3), np.zeros(3)
    adam = Adam(params)
    for t in range(1, 6):
        g = rng.normal(size=3)
        adam.step(params, {"w": g}, 0.01, factor=0.5)
        m = 0.9 * m + 0.1 * 0.5 * g
        v = 0.999 * v + 0.001 * (0.5 * g) ** 2
        expected -= 0.01 * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
    assert adam.t == 5
    np.testing.assert_allclose(params["w"], expected, rtol=1e-14)
    assert math.isfinite(float(params["w"].sum()))
