"""How a check of an implement-it exercise runs: seeded cases, strict comparison, recognised mistakes.

An Exercise says which package function the learner mirrors, which seeded cases to run, how to read
the function's result as named arrays, and which deliberate mistakes to recognise. run_check runs
the learner's function on every case and returns a Verdict; it never raises for anything the
learner's function does (except KeyboardInterrupt and the like).

Comparison: an entry a of the learner's result matches the right value r when
|a - r| <= RTOL |r| + ATOL max|r over the whole array|, so an error of 1e-6 relative in a single
entry fails, while the last-bit differences of another order of arithmetic pass.

Two levels of hints: the first message says what is wrong and where (which output, which case, which
index) and, for a recognised mistake, names it in a few words; the formula or the corrected piece of
code comes only on the second failure of the same kind in a row, or when asked for with hint=2. No
hint writes a whole line the learner is asked to write.

Every result is compared by value, whatever it is (arrays entry by entry, strings and numbers by
equality, dicts key by key); a returned array that is one of the caller's own arrays (the same memory)
where the package returns a new one is named as such, and so is an argument that an in-place function
left as it was ("did not change").
"""

import copy
import inspect
from dataclasses import dataclass, field

import numpy as np

from . import tracking as _tracking
from .gate import record
from .verdict import Verdict

__all__ = ["RTOL", "ATOL", "Case", "Exercise", "Wrong", "run_check", "forget_failures"]

RTOL = 1e-9
ATOL = 1e-12


class Wrong(Exception):
    """Raised by an Exercise's `outputs` when a result has the wrong structure; the text is for the learner.

    Wrong(first) is the message at both levels; Wrong(first, hint) adds the hint on the second level.
    """

    def __init__(self, message, hint=None):
        super().__init__(message)
        self.hint = hint


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
    mistakes: dict mistake name -> variant function (see mistakes.py); hints: name -> hint (the
        second message: what to do, with the formula); first_hints: name -> what is wrong, in a few
        words (the first message; the name itself when missing).
    hint: what to say, on the second failure, when a wrong result matches no known mistake: one str,
        or a dict output name -> str (only the formula of the output that is wrong is shown).
    coverage: words for the passing message ("N, D, H from 1 to 5; sigmoid and tanh").
    in_place: argument names the function must change (their new values are among the outputs).
    scratch: argument names it may change the way the reference does (or leave alone).
    missing: dict output name -> hint when the learner's result lacks it.
    mutation_hint: what to say when an input was changed (None: a general sentence).
    shape_hint: what to add when the learner's function fails on mismatched shapes.
    locate: None, or (output name, index, case) -> words that say what that entry is (", the
        target's entry"), added to where a wrong entry is.
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
    first_hints: dict = field(default_factory=dict)
    locate: object = None
    _cases: list = None

    def cases(self):
        if self._cases is None:
            self._cases = self.make_cases()
        return self._cases


class _NotImplementedYet(Exception):
    pass


@dataclass
class _Problem:
    """What went wrong on one case. kind: what counts as "the same kind" of failure (the output and
    the mistake); first: the first message; second: the message with the formula (None: first)."""
    kind: tuple
    first: str
    second: str = None


#: exercise name -> the kind of its last failure in this session, so that a second failure of the
#: same kind gets the second message.
_LAST_FAILURE = {}

_MORE = "Fix it and run the check again; if the same problem comes back, the check says more."


def forget_failures():
    """Forget the failures seen so far: the next failure of every exercise gets its first message."""
    _LAST_FAILURE.clear()


@_tracking.recorded                  # each verdict is recorded in the learner's progress file
def run_check(ex, learner_fn, hint=None):
    """Run learner_fn on every case of ex and return a Verdict (see the module docstring).

    hint: None (the first message, or the second on a second failure of the same kind in a row),
    1 or 2 (that message, whatever came before). Raises ValueError for another hint.
    """
    if hint not in (None, 1, 2):
        raise ValueError(f"hint must be None, 1 or 2 (2 for the formula), got {hint!r}.")
    if not callable(learner_fn):
        return Verdict(ex.name, False, _not_callable(ex.name, learner_fn), None, ex.reference)
    cases = ex.cases()
    learner_results = {}
    for i, case in enumerate(cases):
        try:
            problem = _check_case(ex, learner_fn, case, i, learner_results)
        except _NotImplementedYet:
            _LAST_FAILURE.pop(ex.name, None)
            return Verdict(ex.name, False, "not implemented yet: your function still raises "
                           "NotImplementedError. Write it in its cell above (the derivation is just "
                           "before it), run that cell, then run this check again.",
                           learner_fn, ex.reference)
        if problem is not None:
            if isinstance(problem, str):
                problem = _Problem(("other", problem), problem)
            level = hint or (2 if _LAST_FAILURE.get(ex.name) == problem.kind else 1)
            _LAST_FAILURE[ex.name] = problem.kind
            message = problem.second if level == 2 and problem.second else problem.first
            mistake = problem.kind[1] if problem.kind[0] == "mistake" else None
            return Verdict(ex.name, False, message, learner_fn, ex.reference, mistake)
    _LAST_FAILURE.pop(ex.name, None)
    record(ex.name, True)
    changed = f" and changes {' and '.join(ex.in_place)} in place" if ex.in_place else \
        " and leaves its inputs unchanged"
    return Verdict(ex.name, True,
                   f"it matches the package's {ex.name} on all {len(cases)} seeded cases ({ex.coverage}) "
                   f"to within {_sci(RTOL)} relative, with the right shapes and dtypes,{changed}.",
                   learner_fn, ex.reference)


def _check_case(ex, fn, case, i, learner_results):
    """None when fn is right on case i; else a _Problem (or a str: one message for both levels)."""
    bad_call = _call_problem(ex, fn, case)
    if bad_call:
        return bad_call
    outcome = _run(ex, fn, case)
    if isinstance(outcome, BaseException):
        message = f"{ex.name} raised {type(outcome).__name__} in {case.label}: {_first_line(outcome)}"
        if ex.shape_hint and isinstance(outcome, ValueError) and \
                any(w in str(outcome) for w in ("matmul", "shapes", "broadcast", "aligned")):
            return _Problem(("raised", "shape"), f"{message} {_MORE}", f"{message} Hint: {ex.shape_hint}")
        return message
    ret, args, kwargs = outcome
    ref_ret, ref_args, ref_kwargs = _run(ex, ex.reference, case)
    mutated = _mutated(ex, case, args, kwargs, ref_args, ref_kwargs)
    if mutated:
        hint = ex.mutation_hint or ("a function must leave the arrays it is given as they were: put "
                                    "results into new arrays, not into an input.")
        first = f"{ex.name} changed its input {mutated} in {case.label}."
        return _Problem(("changed", mutated), f"{first} {_MORE}", f"{first} Hint: {hint}")
    try:
        got = ex.outputs(ret, args, kwargs)
    except Wrong as err:
        if err.hint is None:
            return f"{err} (in {case.label})"
        return _Problem(("wrong", str(err)), f"{err}, in {case.label}. {_MORE}",
                        f"{err}, in {case.label}. Hint: {err.hint}")
    expected = ex.outputs(ref_ret, ref_args, ref_kwargs)
    structure = _structure(ex, got, expected)
    if structure:
        return f"{structure} (in {case.label})"
    learner_results[i] = got
    diff = _difference(got, expected)
    if diff is None:
        aliased = _aliased(ex, got, expected, args, kwargs, ref_args, ref_kwargs)
        if aliased:
            first = (f"{aliased[0]} is the caller's own array {aliased[1]} (the same memory), in "
                     f"{case.label}, where the package's {ex.name} returns a new array.")
            return _Problem(("aliased", aliased[0]), f"{first} {_MORE}",
                            f"{first} Hint: {_ALIAS_HINT.format(name=aliased[1])}")
        return None
    mistake = _recognise(ex, fn, i, got, learner_results)
    unchanged = _unchanged(ex, case, args, kwargs, ref_args, ref_kwargs)
    if unchanged and mistake is None:
        first = (f"{unchanged} did not change in {case.label}: {ex.name} must change it in place, so "
                 f"that the caller sees the new values.")
        return _Problem(("did not change", unchanged), f"{first} {_MORE}",
                        f"{first} Hint: {_IN_PLACE_HINT.format(name=unchanged)}")
    key, idx, a, r, d = diff
    what = ex.locate(key, idx, case) if ex.locate and idx else ""
    largest = f": the largest difference is {d:.2g}" if d is not None else ""
    where = f"{key} is wrong in {case.label}{largest}{_at(idx)}{what}{_values(a, r)}"
    if mistake is not None:
        first_hint = ex.first_hints.get(mistake, mistake.replace("_", " "))
        return _Problem(("mistake", mistake), f"{where}. It looks like {first_hint}. {_MORE}",
                        f"{where}. Hint: {ex.hints[mistake]}")
    formula = ex.hint.get(key, next(iter(ex.hint.values()))) if isinstance(ex.hint, dict) else ex.hint
    return _Problem(("unrecognised", key), f"{where}. {_MORE}", f"{where}. {formula}")


_IN_PLACE_HINT = ("{name} = ... inside the function makes a new array that the caller never sees; "
                  "change the caller's array itself: {name} += ..., {name} -= ..., {name} *= ... or "
                  "{name}[...] = ....")
_ALIAS_HINT = ("the caller may keep and change {name} after the call, and then what you returned "
               "changes too. Return a new array (np.clip(g, ...) without out=, g * factor, g.copy()).")


def _at(idx):
    return f" at index {idx}" if idx else ""


def _values(a, r):
    """' (yours .., right ..)', with more digits when six do not tell them apart."""
    if a is None:
        return ""
    if isinstance(a, str) or isinstance(r, str):
        return f" (yours {a!r}, right {r!r})"
    if f"{a:.6g}" != f"{r:.6g}":
        return f" (yours {a:.6g}, right {r:.6g})"
    return (f" (yours {a:.17g}, right {r:.17g}: they differ only in the last digits, as when a "
            f"value is computed in float32 or rounded)")


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


def _unchanged(ex, case, args, kwargs, ref_args, ref_kwargs):
    """The first argument an in-place function must change that the package's changes and the
    learner's left exactly as it was, or None."""
    before = _named(ex, case.args, case.kwargs)
    after = _named(ex, args, kwargs)
    ref_after = _named(ex, ref_args, ref_kwargs)
    for name in ex.in_place:
        if not isinstance(before.get(name), np.ndarray):
            continue
        if _first_change(name, before[name], ref_after[name]) and \
                not _first_change(name, before[name], after[name]):
            return name
    return None


def _inputs(ex, args, kwargs):
    """(name, array) of every array the caller passed, dict entries included."""
    found = []

    def walk(name, value):
        if isinstance(value, np.ndarray):
            found.append((name, value))
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(f"{name}[{key!r}]", item)
    for name, value in _named(ex, args, kwargs).items():
        walk(name, value)
    return found


def _aliased(ex, got, expected, args, kwargs, ref_args, ref_kwargs):
    """(output name, input name) of the first returned array that shares memory with an input where
    the package's result does not, or None. Storing an input as given (a cache keeping X) is fine when
    the package does the same."""
    inputs = _inputs(ex, args, kwargs)
    ref_inputs = _inputs(ex, ref_args, ref_kwargs)
    for key, a in got.items():
        if not isinstance(a, np.ndarray) or ex.in_place and key in ex.in_place:
            continue
        shared = [name for name, value in inputs if np.shares_memory(a, value)]
        if shared and not any(np.shares_memory(expected[key], value) for _, value in ref_inputs):
            return key, shared[0]
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
        if not isinstance(r, np.ndarray):
            if type(a) is not type(r):
                return f"{key} should be a {type(r).__name__}, like {r!r}, but is a {type(a).__name__}"
            continue
        if a.shape != r.shape:
            return f"{key} has shape {a.shape}, but should have shape {r.shape}"
        if a.dtype != r.dtype:
            return (f"{key} has dtype {a.dtype}, but should have dtype {r.dtype}, like the package's "
                    "(numpy's default: no dtype=np.float32, no integer arrays)")
        if r.dtype.kind in "fc" and not np.all(np.isfinite(a)):
            return f"{key} contains {'NaN' if np.isnan(a).any() else 'infinite'} values"
    return None


def _difference(got, expected):
    """None when every result matches; else (key, index, yours, right, |difference|) of the worst
    entry (for a string or another non-array: (key, (), yours, right, None))."""
    for key, r in expected.items():
        a = got[key]
        if not isinstance(r, np.ndarray):
            if type(a) is not type(r) or a != r:
                return key, (), a, r, None
            continue
        if a.shape != r.shape or a.dtype != r.dtype or \
                r.dtype.kind in "fc" and not np.all(np.isfinite(a)):
            return key, (), np.nan, np.nan, np.inf
        if r.size == 0:
            continue
        if r.dtype.kind not in "fc":
            if not np.array_equal(a, r):
                flat = int(np.argmax(a != r))
                idx = np.unravel_index(flat, r.shape) if r.ndim else ()
                return key, tuple(int(j) for j in idx), a[idx].item(), r[idx].item(), None
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
