"""rnn_helpers.losses: the mean squared error and the overflow-safe error summaries."""

import numpy as np
import pytest

from rnn_helpers.losses import mse_loss, mse_unchecked, rms_and_mean_abs

rng = np.random.default_rng(0)
A, B = rng.normal(size=(7, 3)), rng.normal(size=(7, 3))


def test_mse_loss_is_the_mean_over_records_of_half_the_squared_norm():
    expected = np.mean([0.5 * np.sum((a - b) ** 2) for a, b in zip(A, B)])
    assert mse_loss(A, B) == pytest.approx(expected, rel=1e-14)
    assert mse_unchecked(A, B) == pytest.approx(expected, rel=1e-14)


def test_mse_loss_is_zero_only_for_equal_arrays():
    assert mse_loss(A, A) == 0.0
    assert mse_loss(A, A + 1e-8) > 0.0


@pytest.mark.parametrize("Y_hat, Y", [(np.zeros((2, 1)), np.zeros((3, 1))),
                                      (np.zeros((0, 1)), np.zeros((0, 1)))])
def test_shapes_that_differ_or_are_empty_are_refused(Y_hat, Y):
    with pytest.raises(ValueError, match="same, non-empty shape"):
        mse_loss(Y_hat, Y)


def test_a_loss_beyond_the_largest_float_is_refused_with_the_gap():
    with pytest.raises(ValueError, match="standardise the targets"):
        mse_loss(np.array([[1e200]]), np.array([[-1e200]]))


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_rms_and_mean_abs_match_the_plain_formula(axis):
    rms, mae = rms_and_mean_abs(A, B, axis=axis)
    np.testing.assert_allclose(rms, np.sqrt(np.mean((A - B) ** 2, axis=axis)), rtol=1e-14)
    np.testing.assert_allclose(mae, np.mean(np.abs(A - B), axis=axis), rtol=1e-14)


@pytest.mark.parametrize("scale", [1e-150, 1e150])
def test_rms_and_mean_abs_neither_overflow_nor_vanish(scale):
    with np.errstate(all="raise"):
        rms, mae = rms_and_mean_abs(A * scale, B * scale)
    assert rms / scale == pytest.approx(np.sqrt(np.mean((A - B) ** 2)), rel=1e-12)
    assert mae / scale == pytest.approx(np.mean(np.abs(A - B)), rel=1e-12)
