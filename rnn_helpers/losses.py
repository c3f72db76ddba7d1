"""The loss every model of the course is trained on: the mean over the N records of 1/2 ||y_hat - y||^2.

Letters used in shapes: N records, O output size.
"""

import numpy as np

from ._checks import as_float_array

__all__ = ["mse_loss"]


def mse_loss(Y_hat, Y):
    """Mean over the N records of 1/2 ||y_hat - y||^2. Y_hat, Y: (N, O). Returns a float.

    Raises ValueError if the shapes differ or are empty, or the loss is beyond the largest float
    (1.8e308); TypeError for non-numeric arrays.
    """
    Y_hat = as_float_array("Y_hat", Y_hat, ndim=2, what="(N, output_dim)")
    Y = as_float_array("Y", Y, ndim=2, what="(N, output_dim)")
    if Y_hat.shape != Y.shape or Y.shape[0] == 0 or Y.shape[1] == 0:
        raise ValueError(f"Y_hat {Y_hat.shape} and Y {Y.shape} must have the same, non-empty shape.")
    with np.errstate(over="ignore", invalid="ignore"):
        loss = mse_unchecked(Y_hat, Y)
    if not np.isfinite(loss):
        raise ValueError(f"Y_hat and Y differ by up to {_largest_gap(Y_hat, Y):.3g}: the squared "
                         "error is beyond the largest float (1.8e308), so the loss cannot be "
                         "computed; standardise the targets (and the model's outputs follow).")
    return loss


def _largest_gap(A, B):
    """max |A - B| over all entries, for messages: inf only if the gap itself exceeds 1.8e308."""
    with np.errstate(over="ignore"):
        return float(np.max(np.abs(A / 2 - B / 2))) * 2


def rms_and_mean_abs(Y_hat, Y, axis=None):
    """(root mean square, mean absolute value) of Y_hat - Y over `axis`, without overflow.

    Y_hat, Y: arrays of one shape (checked by the caller). Squares of entries beyond 1e100 (or
    below 1e-100) would overflow (or vanish): such inputs are divided by their largest entry s
    first, and the results multiplied back by s, as clipping.global_norm does. A result beyond
    the largest float is inf (the caller refuses it); no RuntimeWarning is issued.
    """
    scale = np.maximum(np.max(np.abs(Y_hat), axis=axis), np.max(np.abs(Y), axis=axis))
    if np.all((scale == 0) | ((scale > 1e-100) & (scale < 1e100))):
        d = Y_hat - Y                      # the plain formula: nothing can overflow or vanish
        return np.sqrt(np.mean(d * d, axis=axis)), np.mean(np.abs(d), axis=axis)
    s = np.where(scale > 0, scale, 1.0)
    s_b = s if axis is None else np.expand_dims(s, axis)
    d = Y_hat / s_b - Y / s_b              # entries in [-2, 2]
    with np.errstate(over="ignore"):
        return s * np.sqrt(np.mean(d * d, axis=axis)), s * np.mean(np.abs(d), axis=axis)


def mse_unchecked(Y_hat, Y):
    """mse_loss without argument checks, for training loops (where NaN means divergence)."""
    diff = Y_hat - Y
    return 0.5 * float(np.vdot(diff, diff)) / Y.shape[0]
