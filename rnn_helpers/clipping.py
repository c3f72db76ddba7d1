"""Gradient clipping: keep one bad step from throwing the weights far away.

Both functions take a grads dict (name -> array) and return a new dict; the input is not changed.
"""

import numpy as np

from ._checks import as_float_array, check_positive_float

__all__ = ["global_norm", "clip_elementwise", "clip_global_norm"]


def global_norm(grads):
    """The L2 norm of all gradient entries together, sqrt(sum over every array of sum g^2).

    grads: a non-empty dict name -> array (any shapes). Returns a float. Computed as
    m sqrt(sum (g/m)^2) with m the largest |g|, so that squaring huge finite entries cannot
    overflow. Raises ValueError naming grads if an entry is NaN or infinite.
    """
    arrays = _check_grads(grads)
    return norm_unchecked(*arrays.values())


def norm_unchecked(*arrays):
    """The L2 norm of all entries of the arrays together, without overflow for large finite ones;
    no argument checks (global_norm checks them), for training loops."""
    m = max(float(np.max(np.abs(g))) if g.size else 0.0 for g in arrays)
    if m == 0.0 or not np.isfinite(m):
        return m
    plain = float(np.sqrt(sum(float(np.vdot(g, g)) for g in arrays)))
    if 1e-150 < m < 1e150:          # squares cannot overflow or underflow: the plain sum is exact
        return plain
    return m * _unit_norm(arrays, m)


def _unit_norm(arrays, m):
    """||g / m|| over all the arrays, m > 0 their largest |entry|: a number in [1, sqrt(size)]."""
    return float(np.sqrt(sum(float(np.vdot(g / m, g / m)) for g in arrays)))


def clip_elementwise(grads, clip_value=10.0):
    """Clip every entry of every gradient to [-clip_value, clip_value] (the tutorial's clipping).

    It changes the direction of the step whenever some entries are clipped and others are not.
    Returns a new dict with the same keys and shapes.
    """
    clip_value = check_positive_float("clip_value", clip_value)
    arrays = _check_grads(grads)
    return {name: np.clip(g, -clip_value, clip_value) for name, g in arrays.items()}


def clip_global_norm(grads, clip_norm=1.0):
    """Rescale all gradients together so that their global norm is at most clip_norm.

    The direction of the step is kept; only its length shrinks. Returns (new_grads, norm_before).
    Any finite gradient is rescaled with its direction, even one whose norm is beyond the largest
    float (norm_before is then inf); a NaN or infinite entry raises ValueError naming grads.
    """
    clip_norm = check_positive_float("clip_norm", clip_norm)
    arrays = _check_grads(grads)
    norm = global_norm(arrays)
    factor = clip_norm / norm if norm > clip_norm else 1.0
    if factor < 1e-290:            # a norm near the largest float: see _rescale_huge
        return _rescale_huge(arrays, clip_norm), norm
    return {name: g * factor for name, g in arrays.items()}, norm


def _rescale_huge(arrays, clip_norm):
    """clip_global_norm for a norm so large that clip_norm / norm underflows (or the norm is inf):
    g / m (entries in [-1, 1], m the largest |entry|) times clip_norm / ||g / m||, in two steps
    neither of which can overflow or lose the direction."""
    m = max(float(np.max(np.abs(g))) if g.size else 0.0 for g in arrays.values())
    scale = clip_norm / _unit_norm(arrays.values(), m)
    return {name: (g / m) * scale for name, g in arrays.items()}


def _check_grads(grads):
    """grads as a dict of finite float arrays; errors name grads and the key."""
    if not isinstance(grads, dict) or not grads:
        raise TypeError(f"grads must be a non-empty dict of arrays, like loss_and_grads returns; got "
                        f"{type(grads).__name__}.")
    out = {}
    for name, g in grads.items():
        if not isinstance(g, np.ndarray):
            raise TypeError(f"grads[{name!r}] must be a numpy array, got {type(g).__name__}.")
        try:
            out[name] = as_float_array(f"grads[{name!r}]", g)
        except ValueError as err:
            raise ValueError(f"{err} An infinite or NaN gradient cannot be clipped to a direction: "
                             "the step that produced it has already diverged.") from None
    return out
