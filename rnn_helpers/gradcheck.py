"""Numerical gradient checks: the proof that a backward pass is the gradient of its loss.

The numerical gradient uses a fourth-order centred difference,
    f'(p) ~ [8 (f(p + e) - f(p - e)) - (f(p + 2e) - f(p - 2e))] / (12 e),
whose truncation error is O(e^4). With e = 1e-3 in float64 both that error and rounding are below
about 1e-10 relative on the course's sizes, so a tolerance of 1e-7 separates right from wrong with
room to spare. (The plain centred difference with e = 1e-6 is typically good to 1e-9, but its
rounding error reaches about 1e-6 on single entries, above that tolerance: notebook 3 measures it.)
"""

import numbers

import numpy as np

from ._checks import as_float_array, check_positive_float, check_truncate
from .cells import cell_of, get_cell

__all__ = ["DEFAULT_EPS", "DEFAULT_TOL", "numerical_gradient", "relative_error", "check_gradients",
           "assert_gradients_match"]

DEFAULT_EPS = 1e-3
DEFAULT_TOL = 1e-7


def numerical_gradient(f, params, eps=DEFAULT_EPS):
    """The gradient of a scalar function f(params) by fourth-order centred differences.

    params: dict name -> float64 array (not changed). f is called with dicts of the same shapes
    and must return a real number. Returns a dict with the same keys and shapes.
    Costs 4 calls of f per parameter entry. Raises TypeError for integer or non-float arrays
    (nudging an integer array by eps would round the nudge away) and a non-callable f.
    """
    eps = _check_numerical_args(f, params, eps)
    grads = {}
    for name, value in params.items():
        g = np.zeros_like(value)
        for idx in np.ndindex(value.shape):
            def f_at(delta):
                shifted = dict(params)
                p = value.copy()
                p[idx] += delta
                shifted[name] = p
                return _real(f(shifted))
            g[idx] = (8.0 * (f_at(eps) - f_at(-eps)) - (f_at(2 * eps) - f_at(-2 * eps))) / (12.0 * eps)
        grads[name] = g
    return grads


def _check_numerical_args(f, params, eps):
    """numerical_gradient's checks: TypeError for a non-callable f or params that are not a dict of
    float64 arrays; ValueError naming eps if params +- 2 eps is not finite (eps far too large)."""
    eps = check_positive_float("eps", eps)
    if not callable(f):
        raise TypeError(f"f must be a function of the params dict returning a float, got {type(f).__name__}.")
    if not isinstance(params, dict) or not params:
        raise TypeError(f"params must be a non-empty dict of float64 arrays, like init_params "
                        f"returns; got {type(params).__name__}.")
    for name, value in params.items():
        if not isinstance(value, np.ndarray) or value.dtype != np.float64:
            raise TypeError(f"params[{name!r}] must be a float64 numpy array (a finite difference "
                            f"nudges it by eps={eps:g}); got {type(value).__name__} "
                            f"{getattr(value, 'dtype', '')}. Convert it with .astype(float).")
        as_float_array(f"params[{name!r}]", value)
        with np.errstate(over="ignore"):
            reach = np.abs(value).max(initial=0.0) + 2 * eps
        if not np.isfinite(reach):
            raise ValueError(f"eps={eps:g} is too large: params[{name!r}] +- 2 eps is not a finite "
                             "number. The check needs a small eps (the default is "
                             f"{DEFAULT_EPS:g}).")
    return eps


def _real(value):
    """f's value as a float: TypeError naming f unless it is a real number, ValueError naming f
    and eps if it is NaN or infinite (a finite difference of such values means nothing)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.floating)):
        raise TypeError(f"f must return a real number, got {value!r} ({type(value).__name__}).")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"f returned {value} at params moved by eps or 2 eps: a finite difference "
                         "needs finite values; choose a smaller eps, or check f.")
    return value


def relative_error(analytic, numeric):
    """||a - n|| / max(||a|| + ||n||, 1e-300): 0 when equal, 1 when opposite or one is zero.

    analytic, numeric: arrays of one shape (any). Returns a float.
    """
    a = as_float_array("analytic", analytic)
    n = as_float_array("numeric", numeric)
    if a.shape != n.shape:
        raise ValueError(f"analytic has shape {a.shape} but numeric has shape {n.shape}; they must match.")
    m = max(np.max(np.abs(a), initial=0.0), np.max(np.abs(n), initial=0.0))
    if m > 1e100 or 0 < m < 1e-100:        # the ratio does not change with the scale: divide by
        a, n = a / m, n / m                # the largest entry, so that no square overflows
    denom = np.linalg.norm(a) + np.linalg.norm(n)
    return float(np.linalg.norm(a - n) / max(denom, 1e-300))


def check_gradients(params, X, Y, truncate=None, activation=None, eps=DEFAULT_EPS, *, cell=None):
    """Relative error between a cell's loss_and_grads and the numerical gradient, per parameter.

    params: for any registered cell (rnn_helpers.cells), which is read off its keys, or named by
    cell. X: (N, T, D).  Y: (N, O).  activation: the vanilla RNN's ("sigmoid", the default, or
    "tanh"); ignored by a cell without activations (the LSTM, the GRU).
    With truncate=k the numerical gradient is taken of the truncated objective (the state at step
    T-k held fixed at its value under the unperturbed params), which is what truncated BPTT
    differentiates. Keep the sizes small: the cost is 4 forward passes per parameter entry.
    Returns a dict name -> relative error (a float).
    """
    model = get_cell(cell_of(params) if cell is None else cell)
    activation = activation if model.activations else None       # ignored, as documented
    truncate = check_truncate(truncate)
    _, analytic = model.loss_and_grads(params, X, Y, truncate=truncate, activation=activation)
    frozen = {name: value.copy() for name, value in params.items()}

    def objective(p):
        return model.truncated_loss(p, X, Y, truncate, activation=activation, state_params=frozen)

    numeric = numerical_gradient(objective, params, eps)
    return {name: relative_error(analytic[name], numeric[name]) for name in params}


def assert_gradients_match(errors, tol=DEFAULT_TOL):
    """Raise AssertionError naming every parameter whose relative error exceeds tol.

    errors: dict name -> relative error, as check_gradients returns. A NaN error fails the check.
    Raises TypeError naming errors if it is not such a dict of real numbers.
    """
    if not isinstance(errors, dict) or not errors:
        raise TypeError(f"errors must be the dict name -> relative error that check_gradients "
                        f"returns, got {type(errors).__name__}.")
    for name, err in errors.items():
        if isinstance(err, (bool, np.bool_)) or not isinstance(err, (numbers.Real, np.floating)):
            raise TypeError(f"errors[{name!r}] must be a relative error (a number), got {err!r} "
                            f"({type(err).__name__}).")
    tol = check_positive_float("tol", tol)
    bad = {name: err for name, err in errors.items() if not err <= tol}
    if bad:
        listing = ", ".join(f"{name}: {err:.2e}" for name, err in bad.items())
        raise AssertionError(f"gradient check failed (tolerance {tol:.0e}): {listing}")
