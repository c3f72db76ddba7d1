"""Checkers for the notebooks' "answer with a number" exercises.

Each takes the learner's answer, computes the truth inside the package (so that the notebook cell
that calls it does not show the answer), and returns a reply in words. None means "not answered
yet"; a reply never raises, whatever was typed.

    check_window_count(answer)          notebook 1, exercise 2
    check_parameter_count(answer)       notebook 2, exercise 2
    check_detach_answer(answer, T, k)   notebook 3, exercise 2
    check_clip_factor(answer)           notebook 4, exercise 2
    check_offset_rule(a, b, d)          notebook 5, exercise 2
    check_truncation(answer, data)      notebook 6, exercise 2
    check_fall_per_epoch(answer)        notebook 7, exercise 2
"""

import math
import numbers

import numpy as np

from .._checks import as_float_array, check_int

__all__ = ["check_window_count", "check_parameter_count", "check_detach_answer",
           "check_clip_factor", "check_offset_rule", "check_truncation", "check_fall_per_epoch",
           "check_max_val_answer"]

_NOT_ANSWERED = "Not answered yet: replace None with your number."


def _whole(answer):
    """(int, None) for a whole number (2.0 counts as 2), else (None, a reply saying what is wrong)."""
    if answer is None:
        return None, _NOT_ANSWERED
    if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, numbers.Real):
        return None, f"{answer!r} is not a number: write a whole number without quotes."
    if not math.isfinite(float(answer)) or not float(answer).is_integer():
        return None, f"{answer!r} is not a whole number: write a whole number without quotes."
    return int(answer), None


def _real(answer):
    """(float, None) for a finite real number, else (None, a reply)."""
    if answer is None:
        return None, _NOT_ANSWERED
    if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, numbers.Real):
        return None, f"{answer!r} is not a number: write a number without quotes."
    if not math.isfinite(float(answer)):
        return None, f"{answer!r} is not a finite number."
    return float(answer), None


def check_window_count(answer):
    """Notebook 1, exercise 2: how many windows does make_windows(np.sin(np.arange(300)), 50) return?"""
    from ..data import make_windows
    n, reply = _whole(answer)
    if reply:
        return reply
    truth = make_windows(np.sin(np.arange(300)), 50)[0].shape[0]
    if n == truth:
        return f"Right: {truth} windows (starts 0 .. {truth - 1})."
    return f"Not quite: {n}. Hint: the last window needs its target inside the series."


def check_parameter_count(answer):
    """Notebook 2, exercise 2: the number of parameters for D = 2, H = 32, O = 2, with biases."""
    from ..rnn import init_params
    n, reply = _whole(answer)
    if reply:
        return reply
    truth = sum(v.size for v in init_params(32, input_dim=2, output_dim=2).values())
    if n == truth:
        return f"Right: {truth} parameters."
    return (f"Not quite: {n}. Hint: add up the sizes of U (H, D), W (H, H), V (O, H), b (H,) "
            "and c (O,).")


def check_detach_answer(answer, T=50, k=12):
    """Notebook 3, exercise 2: through how many of the last steps does the gradient of the loss at
    step T flow, when the state is detached every k steps? Returns a reply in words and never raises
    for any answer; T and k (the teacher's, whole numbers >= 1) raise TypeError/ValueError naming them."""
    T = check_int("T", T, minimum=1)
    k = check_int("k", k, minimum=1)
    n, reply = _whole(answer)
    if reply:
        return reply if answer is None else \
            f"{answer!r} is not a whole number of steps: write a number without quotes."
    truth = T - k * ((T - 1) // k)          # steps after the last boundary before step T
    if n == truth:
        return f"Right: {truth} steps."
    return (f"Not quite: {n}. Hint: list the boundaries {k}, {2 * k}, ...; which is the last "
            f"before step {T}?")


def check_clip_factor(answer):
    """Notebook 4, exercise 2: the factor clip_global_norm(..., clip_norm=2.5) applies to dW = [6, 8]."""
    from ..clipping import clip_global_norm
    x, reply = _real(answer)
    if reply:
        return reply
    grads = {"W": np.array([[6.0, 8.0]])}
    clipped, norm = clip_global_norm(grads, clip_norm=2.5)
    truth = float(clipped["W"][0, 0] / grads["W"][0, 0])
    if abs(x - truth) < 1e-9:
        return f"Right: the norm is {norm:g}, so every entry is multiplied by 2.5 / {norm:g} = {truth:g}."
    if abs(x - 1.0) < 1e-9:
        return "Not quite: 1 would mean no clipping. Is the norm of this gradient above 2.5?"
    return f"Not quite: {x:g}. Hint: first compute the global norm, sqrt(6^2 + 8^2)."


def check_max_val_answer(answer, values):
    """Notebook 9, exercise 2: the RMSE in the data's units of predicting each day by the day before,
    for `values` (T,) (the test period's series, in °C), worked back from the RMSE on values / max_val.
    Returns a reply in words; raises TypeError/ValueError naming values if it is not a real series."""
    from ..training import rmse
    values = as_float_array("values", values, ndim=1, what="(T,)")
    if values.size < 2:
        raise ValueError(f"values must hold at least 2 days, got {values.size}.")
    x, reply = _real(answer)
    if reply:
        return reply.replace("your number", "an expression of rmse_scaled and max_val")
    truth = rmse(values[:-1], values[1:])
    if abs(x - truth) <= 1e-9 * max(1.0, abs(truth)):
        return f"Right: {x:.4f} °C, the RMSE computed directly in °C."
    return (f"Not quite: {x:.4f}. Hint: every scaled value is the value in °C divided by max_val; "
            "what happens to a difference of two of them?")


def check_offset_rule(a, b, d):
    """Notebook 5, exercise 2: does x_(T+1) = a x_T + b x_(T-1) + d fit the series 3 + sin(k)?"""
    from ..data import sine_windows
    from ..training import rmse
    values = []
    for name, value in (("a", a), ("b", b), ("d", d)):
        x, reply = _real(value)
        if reply:
            return ("Not answered yet: replace the three None with numbers." if value is None
                    else f"{name}: {reply}")
        values.append(x)
    a, b, d = values
    _, _, X_val, Y_val = sine_windows()
    Xo, Yo = 3 + X_val, 3 + Y_val                      # windows and targets of 3 + sin(k)
    with np.errstate(all="ignore"):
        prediction = a * Xo[:, -1] + b * Xo[:, -2] + d
    if not np.isfinite(prediction).all():
        return "Not quite: with these numbers your rule's predictions overflow. Try numbers near 1."
    error = rmse(prediction, Yo)
    d_true = 6 * (1 - np.cos(1))
    if abs(a - 2 * np.cos(1)) < 5e-4 and abs(b + 1) < 1e-6 and abs(d - d_true) < 1e-3:
        return (f"Right: a = 2 cos(1) = {2 * np.cos(1):.4f}, b = -1, d = 6 (1 - cos(1)) = {d_true:.4f}; "
                f"on the 50 validation windows of 3 + sin(k) your rule's RMSE is {error:.1g}.")
    return (f"Not quite: your rule's RMSE on the 50 validation windows of 3 + sin(k) is {error:.3g}. "
            "Hint: write x_k = 3 + s_k, where s_k = sin(k) follows the rule above, and solve for x_(T+1).")


def check_fall_per_epoch(answer):
    """Notebook 7, exercise 2: by how much does the tutorial's constant output fall per epoch while
    every entry of dV is clipped to 10?"""
    x, reply = _real(answer)
    if reply:
        return reply
    learning_rate, clip_limit, entries_of_V, records = 1e-4, 10.0, 100, 100
    truth = learning_rate * clip_limit * entries_of_V * records
    if math.isclose(x, truth, rel_tol=1e-6):
        return f"Right: {truth:.0f} per epoch, as the log shows (52.5, 42.5, 32.5, ...)."
    return (f"Not quite: {x:g}. Hint: each record lowers every entry of V by learning rate x "
            "clip limit; the output is the sum of V's entries.")


def check_truncation(answer, data=None):
    """Notebook 6, exercise 2: is `answer` the smallest truncation k for which the explorer's run
    at the defaults reaches a validation RMSE below 0.01? Returns a reply in words, never raises.

    Accepts a whole number from 1 to FULL_BPTT (2.0 counts as 2); anything else gets a reply that
    says what is expected. Retrains for k = 1, 2, ... and stops at the first k below 0.01 or at
    the answer, whichever comes first.
    """
    from ..widgets.explorer_widget import FULL_BPTT, Settings, retrain
    data = _check_data(data)
    expected = f"a whole number from 1 to {FULL_BPTT}"
    if answer is None:
        return f"Not answered yet: replace None with {expected}."
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        return f"{answer!r} is not a number: the answer is {expected}, written without quotes."
    if not math.isfinite(float(answer)) or not float(answer).is_integer():
        return f"{answer:g} is not a whole number: truncation counts time steps, {expected}."
    k = int(answer)
    if k < 1:
        return (f"{k} steps is not a truncation: BPTT must go back at least 1 step. "
                f"The answer is {expected}.")
    if k > FULL_BPTT:
        return (f"A window has only {FULL_BPTT} time steps, so truncation {k} is the same as "
                f"{FULL_BPTT} (full BPTT). The answer is {expected}.")
    rmse = {}
    for j in range(1, k + 1):
        rmse[j] = retrain(Settings(truncation=j), data).rmse
        if rmse[j] < 0.01:
            break
    if j < k:
        return f"Too large: k = {j} already gives RMSE {rmse[j]:.2g}."
    if rmse[k] >= 0.01:
        return f"Not yet: with k = {k} the RMSE is {rmse[k]:.2g}, still above 0.01. Try larger."
    before = f", and k = {k - 1} gives {rmse[k - 1]:.2g}" if k > 1 else ""
    return f"Right: k = {k} gives RMSE {rmse[k]:.2g}{before}."


def _check_data(data):
    """None, or (X, Y, X_val, Y_val) as float arrays of shapes (N, T, D), (N, O), (M, T, D), (M, O)."""
    if data is None:
        return None
    if not isinstance(data, (tuple, list)) or len(data) != 4:
        raise TypeError("data must be None or (X, Y, X_val, Y_val), as rh.sine_windows() returns; "
                        f"got {type(data).__name__}.")
    names = ("data[0] (X)", "data[1] (Y)", "data[2] (X_val)", "data[3] (Y_val)")
    X, Y, X_val, Y_val = (as_float_array(name, value, ndim=ndim)
                          for name, value, ndim in zip(names, data, (3, 2, 3, 2)))
    if len(X) == 0 or len(X_val) == 0 or X.shape[1:] != X_val.shape[1:] or \
            len(Y) != len(X) or len(Y_val) != len(X_val) or Y.shape[1] != Y_val.shape[1]:
        raise ValueError("data must be (X, Y, X_val, Y_val) with X (N, T, D), Y (N, O), X_val "
                         f"(M, T, D), Y_val (M, O), N and M at least 1; got shapes "
                         f"{X.shape}, {Y.shape}, {X_val.shape}, {Y_val.shape}.")
    return X, Y, X_val, Y_val
