"""rnn_helpers.activations: the activations and their derivatives written in their outputs."""

import numpy as np
import pytest

from rnn_helpers.activations import activate, activation_derivative, sigmoid

Z = np.linspace(-30, 30, 601)


def test_sigmoid_is_the_logistic_function():
    # the tanh form is exact to a few ulps of 1 (about 1e-16), as sigmoid's docstring says
    np.testing.assert_allclose(sigmoid(Z), 1.0 / (1.0 + np.exp(-Z)), rtol=0, atol=3e-16)


def test_sigmoid_never_overflows_and_saturates_to_0_and_1():
    with np.errstate(all="raise"):
        out = sigmoid(np.array([-1e308, -1000.0, 1000.0, 1e308]))
    np.testing.assert_array_equal(out, [0.0, 0.0, 1.0, 1.0])


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_derivative_in_the_output_matches_central_differences(activation):
    z = np.linspace(-4, 4, 81)
    eps = 1e-5
    numeric = (activate(z + eps, activation) - activate(z - eps, activation)) / (2 * eps)
    analytic = activation_derivative(activate(z, activation), activation)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-8, atol=1e-12)


def test_the_tutorials_z_times_one_minus_z_is_not_the_derivative():
    # the mistake notebook 7 measures: z (1 - z) written in the pre-activation
    z = np.array([1.0, 2.0, 3.0])
    wrong = z * (1 - z)
    right = activation_derivative(sigmoid(z), "sigmoid")
    assert np.all(np.abs(wrong - right) > 0.19)


def test_activate_keeps_the_shape():
    z = np.zeros((2, 3, 4))
    assert activate(z, "tanh").shape == z.shape
    assert activation_derivative(z, "sigmoid").shape == z.shape


@pytest.mark.parametrize("fn", [lambda a: activate(0.0, a), lambda a: activation_derivative(0.0, a)])
def test_an_unknown_activation_is_named(fn):
    with pytest.raises(ValueError, match="activation must be one of 'sigmoid', 'tanh', got 'relu'"):
        fn("relu")


def test_text_input_is_refused_naming_the_argument():
    with pytest.raises(TypeError, match="z"):
        sigmoid("0.5")
    with pytest.raises(TypeError, match="s"):
        activation_derivative(np.array(["a"]), "tanh")


def test_an_output_too_large_to_square_is_refused():
    with pytest.raises(ValueError, match="s"):
        activation_derivative(np.array([1e200]), "tanh")
