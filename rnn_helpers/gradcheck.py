"""Numerical gradient checks: the proof that a backward pass is the gradient of its loss.

The numerical gradient uses a fourth-order centred difference,
    f'(p) ~ [8 (f(p + e) - f(p - e)) - (f(p + 2e) - f(p - 2e))] / (12 e),
whose truncation error is O(e^4). With e = 1e-3 in float64 both that error and rounding are below
about 1e-10 relative on the course's sizes, so a tolerance of 1e-7 separates right from wrong with
room to spare. (The plain centred difference with e = 1e-6 is typically good to 1e-9, but its
rounding error reaches about 1e-6 on single entries, above that tolerance: notebook 3 measures it.)
"""

import numpy as np

from ._checks import check_activation, check_inputs, check_positive_float, check_truncate
from .bptt import loss_and_grads, truncated_loss

DEFAULT_EPS = 1e-3
DEFAULT_TOL = 1e-7


def numerical_gradient(f, params, eps=DEFAULT_EPS):
    """The gradient of a scalar function f(params) by fourth-order centred differences.

    params: dict name -> float64 array. f is called with dicts of the same shapes.
    Returns a dict with the same keys and shapes. Costs 4 calls of f per parameter entry.
    """
    eps = check_positive_float("eps", eps)
    if not callable(f):
        raise TypeError(f"f must be a function of the params dict returning a float, got {type(f).__name__}.")
    if not isinstance(params, dict) or not all(isinstance(v, np.ndarray) for v in params.values()):
        raise TypeError("params must be a dict of numpy arrays, like init_params returns.")
    grads = {}
    for name, value in params.items():
        g = np.zeros_like(value)
        for idx in np.ndindex(value.shape):
            def f_at(delta):
                shifted = dict(params)
                p = value.copy()
                p[idx] += delta
                shifted[name] = p
                return f(shifted)
            g[idx] = (8.0 * (f_at(eps) - f_at(-eps)) - (f_at(2 * eps) - f_at(-2 * eps))) / (12.0 * eps)
        grads[name] = g
    return grads


def relative_error(analytic, numeric):
    """||a - n|| / max(||a|| + ||n||, 1e-300): 0 when equal, 1 when opposite or one is zero."""
    a = np.asarray(analytic, dtype=np.float64)
    n = np.asarray(numeric, dtype=np.float64)
    if a.shape != n.shape:
        raise ValueError(f"analytic has shape {a.shape} but numeric has shape {n.shape}; they must match.")
    denom = np.linalg.norm(a) + np.linalg.norm(n)
    return float(np.linalg.norm(a - n) / max(denom, 1e-300))


def check_gradients(params, X, Y, truncate=None, activation="sigmoid", eps=DEFAULT_EPS):
    """Relative error between loss_and_grads and the numerical gradient, for each parameter.

    With truncate=k the numerical gradient is taken of the truncated objective (s_{T-k} held fixed
    at its value under the unperturbed params), which is what truncated BPTT differentiates.
    Keep the sizes small: the cost is 4 forward passes per parameter entry.
    Returns a dict name -> relative error (a float).
    """
    check_activation(activation)
    X, Y = check_inputs(params, X, Y)
    truncate = check_truncate(truncate)
    _, analytic = loss_and_grads(params, X, Y, truncate=truncate, activation=activation)
    frozen = {name: value.copy() for name, value in params.items()}

    def objective(p):
        return truncated_loss(p, X, Y, truncate, activation, state_params=frozen)

    numeric = numerical_gradient(objective, params, eps)
    return {name: relative_error(analytic[name], numeric[name]) for name in params}


def assert_gradients_match(errors, tol=DEFAULT_TOL):
    """Raise AssertionError naming every parameter whose relative error exceeds tol.

    errors: dict name -> relative error, as check_gradients returns.
    """
    bad = {name: err for name, err in errors.items() if not err <= tol}
    if bad:
        listing = ", ".join(f"{name}: {err:.2e}" for name, err in bad.items())
        raise AssertionError(f"gradient check failed (tolerance {tol:.0e}): {listing}")
