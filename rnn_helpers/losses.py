"""The loss every model of the course is trained on: the mean over the N records of 1/2 ||y_hat - y||^2.

Letters used in shapes: N records, O output size.
"""

import numpy as np

from ._checks import as_float_array

__all__ = ["mse_loss"]


def mse_loss(Y_hat, Y):
    """Mean over the N records of 1/2 ||y_hat - y||^2. Y_hat, Y: (N, O). Returns a float.

    Raises ValueError if the shapes differ or are empty, TypeError for non-numeric arrays.
    """
    Y_hat = as_float_array("Y_hat", Y_hat, ndim=2, what="(N, output_dim)")
    Y = as_float_array("Y", Y, ndim=2, what="(N, output_dim)")
    if Y_hat.shape != Y.shape or Y.shape[0] == 0:
        raise ValueError(f"Y_hat {Y_hat.shape} and Y {Y.shape} must have the same, non-empty shape.")
    return mse_unchecked(Y_hat, Y)


def mse_unchecked(Y_hat, Y):
    """mse_loss without argument checks, for training loops (where NaN means divergence)."""
    diff = Y_hat - Y
    return 0.5 * float(np.vdot(diff, diff)) / Y.shape[0]
