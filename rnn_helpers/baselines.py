"""Simple predictors that any model must beat, for windows X (N, T, 1) of a single series.

Each returns predictions of shape (N, 1).
"""

import numpy as np

from ._checks import as_float_array


def _windows(X):
    X = as_float_array("X", X, ndim=3, what="(N, T, 1)")
    if X.shape[2] != 1:
        raise ValueError(f"the baselines take one series, X of shape (N, T, 1); got {X.shape}.")
    return X


def predict_mean(Y_train, n):
    """Always predict the mean of the training targets Y_train (N_train, O); returns (n, O)."""
    Y_train = as_float_array("Y_train", Y_train, ndim=2, what="(N, output_dim)")
    return np.repeat(Y_train.mean(axis=0, keepdims=True), n, axis=0)


def predict_last(X):
    """Predict that the next value equals the last one: x_T."""
    X = _windows(X)
    return X[:, -1].copy()


def predict_linear(X):
    """Continue the straight line through the last two values: 2 x_T - x_{T-1}."""
    X = _windows(X)
    if X.shape[1] < 2:
        raise ValueError("predict_linear needs windows of at least 2 steps.")
    return 2.0 * X[:, -1] - X[:, -2]


def predict_sine_recurrence(X, omega=1.0):
    """The exact rule for samples of sin(omega k): x_{T+1} = 2 cos(omega) x_T - x_{T-1}.

    From sin(a + w) + sin(a - w) = 2 cos(w) sin(a). A linear model with two weights.
    """
    X = _windows(X)
    if X.shape[1] < 2:
        raise ValueError("predict_sine_recurrence needs windows of at least 2 steps.")
    return 2.0 * np.cos(omega) * X[:, -1] - X[:, -2]
