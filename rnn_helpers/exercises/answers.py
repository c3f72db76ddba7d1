"""Checkers for the notebooks' "answer with a number" exercises.

Each takes the learner's answer, computes the truth inside the package (so that the notebook cell
that calls it does not show the answer), and returns a reply in words. None means "not answered
yet"; a reply never raises, whatever was typed.
"""

import numbers

from ..widgets.explorer_widget import FULL_BPTT, Settings, retrain

__all__ = ["check_truncation", "check_detach_answer"]


def check_detach_answer(answer, T=50, k=12):
    """Notebook 3, exercise 2: through how many of the last steps does the gradient of the loss at
    step T flow, when the state is detached every k steps? Returns a reply in words, never raises."""
    if answer is None:
        return "Not answered yet: replace None with your number."
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real) or \
            not float(answer).is_integer():
        return f"{answer!r} is not a whole number of steps: write a number without quotes."
    truth = T - k * ((T - 1) // k)          # steps after the last boundary before step T
    if int(answer) == truth:
        return f"Right: {truth} steps."
    return (f"Not quite: {answer}. Hint: list the boundaries {k}, {2 * k}, ...; which is the last "
            f"before step {T}?")


def check_truncation(answer, data=None):
    """Notebook 6, exercise 2: is `answer` the smallest truncation k for which the explorer's run
    at the defaults reaches a validation RMSE below 0.01? Returns a reply in words, never raises.

    Accepts a whole number from 1 to FULL_BPTT (2.0 counts as 2); anything else gets a reply that
    says what is expected. Retrains for k = 1, 2, ... and stops at the first k below 0.01 or at
    the answer, whichever comes first.
    """
    expected = f"a whole number from 1 to {FULL_BPTT}"
    if answer is None:
        return f"Not answered yet: replace None with {expected}."
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        return f"{answer!r} is not a number: the answer is {expected}, written without quotes."
    if not float(answer).is_integer():
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
