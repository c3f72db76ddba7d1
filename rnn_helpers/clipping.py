"""Gradient clipping: keep one bad step from throwing the weights far away.

Both functions take a grads dict (name -> array) and return a new dict; the input is not changed.
"""

import numpy as np

from ._checks import check_positive_float


def global_norm(grads):
    """The L2 norm of all gradient entries together, sqrt(sum over every array of sum g^2)."""
    return float(np.sqrt(sum(float(np.vdot(g, g)) for g in grads.values())))


def clip_elementwise(grads, limit=10.0):
    """Clip every entry of every gradient to [-limit, limit] (the tutorial's clipping).

    It changes the direction of the step whenever some entries are clipped and others are not.
    Returns a new dict with the same keys and shapes.
    """
    limit = check_positive_float("limit", limit)
    _check_grads(grads)
    return {name: np.clip(g, -limit, limit) for name, g in grads.items()}


def clip_global_norm(grads, max_norm=1.0):
    """Rescale all gradients together so that their global norm is at most max_norm.

    The direction of the step is kept; only its length shrinks. Returns (new_grads, norm_before).
    """
    max_norm = check_positive_float("max_norm", max_norm)
    _check_grads(grads)
    norm = global_norm(grads)
    factor = max_norm / norm if norm > max_norm else 1.0
    return {name: g * factor for name, g in grads.items()}, norm


def _check_grads(grads):
    if not isinstance(grads, dict) or not grads:
        raise TypeError(f"grads must be a non-empty dict of arrays, like loss_and_grads returns; got "
                        f"{type(grads).__name__}.")
    for name, g in grads.items():
        if not isinstance(g, np.ndarray):
            raise TypeError(f"grads[{name!r}] must be a numpy array, got {type(g).__name__}.")
