"""How a check of an implement-it exercise runs: seeded cases, strict comparison, recognised mistakes.

An Exercise says which package function the learner mirrors, which seeded cases to run, how to read
the function's result as named arrays, and which deliberate mistakes to recognise. run_check runs
the learner's function on every case and returns a Verdict; it never raises for anything the
learner's function does (except KeyboardInterrupt and the like).

Comparison: an entry a of the learner's result matches the right value r when
|a - r| <= RTOL |r| + ATOL max|r over the whole array|, so an error of 1e-6 relative in a single
entry fails, while the last-bit differences of another order of arithmetic pass.
"""

import copy
import inspect
from dataclasses import dataclass, field

import numpy as np

from . import tracking as _tracking
from .verdict import Verdict

__all__ = ["RTOL", "ATOL", "Case", "Exercise", "Wrong", "run_check"]

RTOL = 1e-9
ATOL = 1e-12


class Wrong(Exception):
    """Raised by an Exercise's `outputs` when a result has the wrong structure; the text is for the learner."""


@dataclass
class Case:
    """One seeded call: fn(*args, **kwargs). label names it in messages, e.g. 'case 2 of 7 (N=2, tanh)'."""
    label: str
    args: tuple
    kwargs: dict = field(default_factory=dict)


@dataclass
class Exercise:
    """An implement-it exercise.

    name: the package function mirrored ("step_forward"). reference: that function.
    arg_names: the names of its positional arguments, for messages.
    make_cases: () -> list of Case (seeded, so every run checks the same cases).
    outputs: (returned value, args, kwargs after the call) -> dict name -> array; raises Wrong.
    mistakes: dict mistake name -> variant function (see mistakes.py); hints: name -> hint.
    hint: what to say when a wrong result matches no known mistake.
    coverage: words for the passing message ("N, D, H from 1 to 5; sigmoid and tanh").
    in_place: argument names the function must change (their new values are among the outputs).
    scratch: argument names it may change the way the reference does (or leave alone).
    missing: dict output name -> hint when the learner's result lacks it.
    mutation_hint: what to say when an input was changed (None: a general sentence).
    shape_hint: what to add when the learner's function fails on mismatched shapes.
    """
    name: str
    reference: object
    arg_names: tuple
    make_cases: object
    outputs: object
    mistakes: dict
    hints: dict
    hint: str
    coverage: str
    in_place: tuple = ()
    scratch: tuple = ()
    missing: dict = field(default_factory=dict)
    mutation_hint: str = None
    shape_hint: str = None
    _cases: list = None

    def cases(self):
        if self._cases is None:
            self._cases = self.make_cases()
        return self._cases


class _NotImplementedYet(Exception):
    pass


@_tracking.recorded                  # each verdict is recorded in the learner's progress file
def run_check(ex, learner_fn):
    """Run learner_fn on every case of ex and return a Verdict (see the module docstring)."""
    if not callable(learner_fn):
        return Verdict(ex.name, False, _not_callable(ex.name, learner_fn), None, ex.reference)
    cases = ex.cases()
    learner_results = {}
    for i, case in enumerate(cases):
        try:
            problem = _check_case(ex, learner_fn, case, i, learner_results)
        except _NotImplementedYet:
            return Verdict(ex.name, False, "not implemented yet: your function still raises "
                           "NotImplementedError. Write it in its cell above (the derivation is just "
                           "before it), run that cell, then run this check again.",
                           learner_fn, ex.reference)
        if problem is not None:
            return Verdict(ex.name, False, problem, learner_fn, ex.reference)
    changed = f" and changes {' and '.join(ex.in_place)} in place" if ex.in_place else \
        " and leaves its inputs unchanged"
    return Verdict(ex.name, True,
                   f"it matches the package's {ex.name} on all {len(cases)} seeded cases ({ex.coverage}) "
                   f"to within {_sci(RTOL)} relative, with the right shapes and dtypes,{changed}.",
                   learner_fn, ex.reference)


def _check_case(ex, fn, case, i, learner_results):
    bad_call = _call_problem(ex, fn, case)
    if bad_call:
        return bad_call
    outcome = _run(ex, fn, case)
    if isinstance(outcome, BaseException):
        message = f"{ex.name} raised {type(outcome).__name__} in {case.label}: {_first_line(outcome)}"
        if ex.shape_hint and isinstance(outcome, ValueError) and \
                any(w in str(outcome) for w in ("matmul", "shapes", "broadcast", "aligned")):
            message += f" Hint: {ex.shape_hint}"
        return message
    ret, args, kwargs = outcome
    ref_ret, ref_args, ref_kwargs = _run(ex, ex.reference, case)
    mutated = _mutated(ex, case, args, kwargs, ref_args, ref_kwargs)
    if mutated:
        hint = ex.mutation_hint or ("a function must leave the arrays it is given as they were: put "
                                    "results into new arrays (z = a + b), not into an input (a += b).")
        return f"{ex.name} changed its input {mutated} in {case.label}. Hint: {hint}"
    try:
        got = ex.outputs(ret, args, kwargs)
    except Wrong as err:
        return f"{err} (in {case.label})"
    expected = ex.outputs(ref_ret, ref_args, ref_kwargs)
    structure = _structure(ex, got, expected)
    if structure:
        return f"{structure} (in {case.label})"
    learner_results[i] = got
    diff = _difference(got, expected)
    if diff is None:
        return None
    mistake = _recognise(ex, fn, i, got, learner_results)
    key = diff[0]
    if mistake is not None:
        return f"{key} is wrong in {case.label}. Hint: {ex.hints[mistake]}"
    _, idx, a, r, d = diff
    where = f" at index {idx}" if idx else ""
    return (f"{key} is wrong in {case.label}: the largest difference is {d:.2g}{where} (yours "
            f"{a:.6g}, right {r:.6g}). {ex.hint}")


def _run(ex, fn, case):
    """Call fn on deep copies of the case's arguments; return (result, args, kwargs) or the exception."""
    args, kwargs = copy.deepcopy((case.args, case.kwargs))
    try:
        with np.errstate(all="ignore"):
            ret = fn(*args, **kwargs)
    except NotImplementedError:
        if fn is ex.reference:
            raise
        raise _NotImplementedYet from None
    except Exception as err:       # the learner's code may raise anything: report it in one line
        if fn is ex.reference:
            raise
        return err
    return ret, args, kwargs


def _call_problem(ex, fn, case):
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return None
    try:
        sig.bind(*case.args, **case.kwargs)
    except TypeError as err:
        call = ", ".join(list(ex.arg_names[:len(case.args)]) + [f"{k}=..." for k in case.kwargs])
        ref = inspect.signature(ex.reference)
        return (f"{ex.name} cannot be called the way the package's is, {ex.name}({call}): {err}. "
                f"Keep the stub's first line: def {ex.name}{ref}:")
    return None


def _mutated(ex, case, args, kwargs, ref_args, ref_kwargs):
    """The name of the first input the learner changed but should not have, or None."""
    before = _named(ex, case.args, case.kwargs)
    after = _named(ex, args, kwargs)
    ref_after = _named(ex, ref_args, ref_kwargs)
    for name, value in before.items():
        if name in ex.in_place:
            continue
        where = _first_change(name, value, after[name])
        if where and name in ex.scratch and not _first_change(name, ref_after[name], after[name]):
            continue
        if where:
            return where
    return None


def _named(ex, args, kwargs):
    return {**dict(zip(ex.arg_names, args)), **kwargs}


def _first_change(name, before, after):
    if isinstance(before, dict):
        if not isinstance(after, dict) or set(before) != set(after):
            return f"{name} (its keys)"
        for key in before:
            where = _first_change(f"{name}[{key!r}]", before[key], after[key])
            if where:
                return where
        return None
    if isinstance(before, np.ndarray):
        same = isinstance(after, np.ndarray) and after.shape == before.shape and \
            after.dtype == before.dtype and np.array_equal(after, before)
        return None if same else name
    return None


def _structure(ex, got, expected):
    for key in expected:
        if key not in got:
            return ex.missing.get(key, f"{key} is missing from what {ex.name} returns")
    for key in got:
        if key not in expected:
            return f"{key} should not be there: the package's {ex.name} returns no {key}"
    for key, r in expected.items():
        a = got[key]
        if a.shape != r.shape:
            return f"{key} has shape {a.shape}, but should have shape {r.shape}"
        if a.dtype != r.dtype:
            return (f"{key} has dtype {a.dtype}, but should be {r.dtype}, like the package's (numpy's "
                    "default: no dtype=np.float32, no integer arrays)")
        if not np.all(np.isfinite(a)):
            return f"{key} contains {'NaN' if np.isnan(a).any() else 'infinite'} values"
    return None


def _difference(got, expected):
    """None when every array matches; else (key, index, yours, right, |difference|) of the worst entry."""
    for key, r in expected.items():
        a = got[key]
        if a.shape != r.shape or a.dtype != r.dtype or not np.all(np.isfinite(a)):
            return key, (), np.nan, np.nan, np.inf
        if r.size == 0:
            continue
        scale = float(np.max(np.abs(r)))
        excess = np.abs(a - r) - (RTOL * np.abs(r) + ATOL * scale)
        if np.any(excess > 0):
            flat = int(np.argmax(excess))
            idx = np.unravel_index(flat, r.shape) if r.ndim else ()
            return key, tuple(int(j) for j in idx), float(a[idx]), float(r[idx]), \
                float(abs(a[idx] - r[idx]))
    return None


def _recognise(ex, fn, i, got, learner_results):
    """The first mistake whose variant gives the learner's output on case i (and, preferably, on all)."""
    cases = ex.cases()
    matching = [m for m, variant in ex.mistakes.items() if _same_as_variant(ex, variant, cases[i], got)]
    for mistake in matching:
        consistent = True
        for j, case in enumerate(cases):
            if j == i:
                continue
            if j not in learner_results:
                learner_results[j] = _outputs_or_none(ex, fn, case)
            theirs = learner_results[j]
            if theirs is not None and not _same_as_variant(ex, ex.mistakes[mistake], case, theirs):
                consistent = False
                break
        if consistent:
            return mistake
    return matching[0] if matching else None


def _same_as_variant(ex, variant, case, got):
    outcome = _outputs_or_none(ex, variant, case)
    if outcome is None or set(outcome) != set(got):
        return False
    return _difference(got, outcome) is None


def _outputs_or_none(ex, fn, case):
    try:
        outcome = _run(ex, fn, case)
    except _NotImplementedYet:
        return None
    if isinstance(outcome, BaseException):
        return None
    try:
        return ex.outputs(*outcome)
    except Wrong:
        return None


def _sci(x):
    mantissa, exponent = f"{x:.0e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def _first_line(err):
    text = str(err).strip().splitlines()
    line = text[0] if text else "(no message)"
    return line if len(line) <= 200 else line[:197] + "..."


def _not_callable(name, value):
    if value is None:
        what = "None"
    elif isinstance(value, (tuple, np.ndarray, float, int, dict)):
        what = f"a {type(value).__name__} (perhaps the result of calling it)"
    else:
        what = f"a {type(value).__name__}"
    return (f"check_{name} needs your function itself, but got {what}: write "
            f"check_{name}({name}), with no brackets after {name}.")
