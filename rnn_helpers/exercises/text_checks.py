"""The implement-it exercise of notebook 10: the gradient of the softmax cross-entropy.

    check_softmax_xent_backward(fn)   notebook 10   mirrors rnn_helpers.text.softmax_xent_backward

The learner writes softmax_xent_backward(logits, targets) -> dlogits, the gradient of
L = mean over the N*T positions of -log softmax(o)[y]:

    dlogits = (softmax(o) - onehot(y)) / (N T)                   (N, T, K)

The check runs it on seeded cases (several N, T and K, K = 64 as in the notebook, and logits of size
1000) and compares with the package's function, as every check of rnn_helpers.exercises does
(engine.run_check). A wrong result that equals a deliberately wrong variant run on the same case gets
that mistake's hint:

    forgot_onehot     softmax(o) / (N T): the one-hot target is not subtracted
    forgot_mean       softmax(o) - onehot(y): not divided by N T
    divided_by_N      (softmax(o) - onehot(y)) / N: the mean over records only (notebook 3's loss)
    overflow          exp(o) without subtracting the row's maximum first: NaN or inf where the logits
                      are large (recognised when the non-finite entries sit only at positions where a
                      softmax without the shift, run on the same case, fails too)

EXERCISES maps the name to (check function, reference function), like implement.EXERCISES.
"""

import numpy as np

from ..text import model as _model
from .engine import Case, Exercise, Wrong, run_check

__all__ = ["check_softmax_xent_backward", "HINTS", "MISTAKES", "OVERFLOW", "EXERCISES"]

HINTS = {
    "forgot_onehot": "the one-hot target is not subtracted. For one position, the derivative of "
                     "-log p[y] = -o[y] + log sum_j exp(o[j]) with respect to o[j] is p[j] - [j = y]: "
                     "subtract 1 at the target's entry of every position.",
    "forgot_mean": "the result is not divided by the number of positions. The loss is the mean over "
                   "all N * T positions, so every position's p - onehot(y) is divided by N * T "
                   "(targets.size).",
    "divided_by_N": "you divided by N (the records) only, as notebook 3's loss did. Here the loss is "
                    "the mean over all N * T positions, records and steps: divide by N * T "
                    "(targets.size).",
    "overflow": "the softmax overflows on large logits: exp(1000) is inf in float64, and inf / inf is "
                "NaN. Subtract each row's maximum before exp, o - o.max(axis=-1, keepdims=True): the "
                "softmax does not change, and the largest exp is then exactly 1.",
}


def _softmax(logits, shift):
    z = logits - logits.max(axis=-1, keepdims=True) if shift else logits
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def _onehot(targets, K):
    return np.eye(K)[targets]


def _variant(logits, targets, subtract=True, divide="NT", shift=True):
    """softmax_xent_backward written with one deliberate mistake (the keywords say which)."""
    logits = np.asarray(logits, dtype=float)
    K = logits.shape[-1]
    p = _softmax(logits, shift)
    if subtract:
        p = p - _onehot(targets, K)
    if divide == "NT":
        p = p / targets.size
    elif divide == "N":
        p = p / targets.shape[0]
    return p


def _with(**flags):
    def variant(logits, targets):
        return _variant(logits, targets, **flags)
    return variant


MISTAKES = {
    "forgot_onehot": _with(subtract=False),
    "forgot_mean": _with(divide=None),
    "divided_by_N": _with(divide="N"),
}
OVERFLOW = _with(shift=False)       # its output is not finite, so _outputs recognises it (see there)


def _rng(seed):
    return np.random.default_rng(20_000 + seed)


# (N, T, K, size of the logits, label of the size)
_SIZES = [(2, 3, 4, 1.0, None), (3, 5, 6, 2.0, None), (1, 4, 5, 1.0, None), (4, 1, 3, 3.0, None),
          (2, 5, 64, 2.0, "K = 64, as for the text"), (3, 4, 5, 1.0, "logits of size 1000")]


def _cases():
    cases = []
    n = len(_SIZES)
    for i, (N, T, K, size, note) in enumerate(_SIZES):
        rng = _rng(i)
        logits = rng.normal(0.0, size, (N, T, K))
        if note == "logits of size 1000":
            logits[0] += 1000.0                    # record 0: every exp overflows to inf
            logits[-1] -= 1000.0                   # the last record: every exp underflows to 0
        targets = rng.integers(K, size=(N, T))
        what = f"N={N}, T={T}, K={K}" + (f", {note}" if note else "")
        cases.append(Case(f"case {i + 1} of {n} ({what})", (logits, targets)))
    return cases


def _outputs(ret, args, kwargs):
    if isinstance(ret, tuple):
        raise Wrong("softmax_xent_backward should return one array, dlogits, not a tuple (the loss "
                    "itself is softmax_xent's job)")
    if not isinstance(ret, np.ndarray):
        raise Wrong(f"what softmax_xent_backward returns (dlogits) should be a numpy array, but is a "
                    f"{type(ret).__name__}")
    if ret.dtype.kind == "f" and not np.all(np.isfinite(ret)) and _is_overflow(ret, *args):
        raise Wrong("dlogits contains NaN or infinite values at the positions whose logits are large. "
                    f"Hint: {HINTS['overflow']}")
    return {"dlogits": ret}


def _is_overflow(got, logits, targets):
    """True when got's non-finite entries all sit at positions (rows of K) where the softmax without
    the max shift, run on the same case, is not finite either.

    The engine compares only finite results, so this mistake is matched by position, not by value:
    exp(o) / sum exp(o), exp(o - log sum exp(o)) and e / (sum + eps) fail at different subsets of
    the large-logit positions, and each is the same mistake.
    """
    with np.errstate(all="ignore"):
        naive = OVERFLOW(logits, targets)
    if naive.shape != got.shape:
        return False
    bad_naive = ~np.isfinite(naive).all(axis=-1)
    bad_got = ~np.isfinite(got).all(axis=-1)
    return bool(bad_got.any()) and not np.any(bad_got & ~bad_naive)


_SOFTMAX_XENT_BACKWARD = Exercise(
    name="softmax_xent_backward", reference=_model.softmax_xent_backward,
    arg_names=("logits", "targets"), make_cases=_cases, outputs=_outputs, mistakes=MISTAKES,
    hints=HINTS,
    coverage="N from 1 to 4, T from 1 to 5, K from 3 to 64, logits of size 1 to 3 and of size 1000",
    hint="Compare with dlogits = (softmax(o) - onehot(y)) / (N T): the softmax of each position's K "
         "logits (shifted by their maximum), minus 1 at the target, divided by targets.size.",
    mutation_hint="the caller's logits must stay as they were (the model reuses them): write "
                  "z = logits - logits.max(axis=-1, keepdims=True), not logits -= ..., and build "
                  "dlogits in a new array.",
    shape_hint="logits is (N, T, K) and targets (N, T): take the maximum and the sum over the last "
               "axis with keepdims=True, so that they broadcast against the logits.")


def check_softmax_xent_backward(learner_fn):
    """Check the learner's softmax_xent_backward(logits, targets) against the package's.

    Returns a Verdict (.passed, .message): green when dlogits matches on every seeded case, else the
    first problem, with a hint when it is one of the mistakes in HINTS.
    """
    return run_check(_SOFTMAX_XENT_BACKWARD, learner_fn)


EXERCISES = {
    "softmax_xent_backward": (check_softmax_xent_backward, _model.softmax_xent_backward),
}
