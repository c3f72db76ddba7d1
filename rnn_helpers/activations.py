"""The activation functions of the hidden state, and their derivatives written in their outputs.

    sigmoid(z) = 1 / (1 + exp(-z))       act'(z) = s (1 - s)   with s = sigmoid(z)
    tanh(z)                              act'(z) = 1 - s^2     with s = tanh(z)

Writing the derivative in terms of the output s is what the backward pass needs: it stores the
states s_t, not the pre-activations z_t. (The tutorial multiplied by z (1 - z) instead: notebook 7.)
"""

import numpy as np

from ._checks import ACTIVATIONS, as_float_array, check_activation, check_magnitude

__all__ = ["ACTIVATIONS", "sigmoid", "activate", "activation_derivative"]


def sigmoid(z):
    """Logistic function 1 / (1 + exp(-z)), computed as 0.5 tanh(z/2) + 0.5.

    z: an array of any shape (or a number). Returns an array of the same shape.
    The two forms are equal; the tanh form never overflows and is about 3x faster in numpy. Its
    outputs are exact to about 1e-16 in absolute terms (tiny values for z << 0 are not exact
    relatively). Raises TypeError for non-numeric, complex or string input.
    """
    return sigmoid_unchecked(as_float_array("z", z))


def sigmoid_unchecked(z):
    """sigmoid without argument checks, for the cells' inner loops."""
    return 0.5 * np.tanh(0.5 * z) + 0.5


def activate(z, activation):
    """act(z) for activation "sigmoid" or "tanh". z: any shape; returns the same shape."""
    check_activation(activation)
    z = as_float_array("z", z)
    return sigmoid(z) if activation == "sigmoid" else np.tanh(z)


_AN_OUTPUT = "s is the activation's output, between -1 and 1 (and s * s would overflow)"


def activation_derivative(s, activation):
    """act'(z) written in terms of the output s = act(z): s (1 - s) for sigmoid, 1 - s^2 for tanh.

    s: any shape; returns the same shape.
    """
    check_activation(activation)
    s = check_magnitude("s", as_float_array("s", s), hint=_AN_OUTPUT)   # s * s must not overflow
    return s * (1.0 - s) if activation == "sigmoid" else 1.0 - s * s
