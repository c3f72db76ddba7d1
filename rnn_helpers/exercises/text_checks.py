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
    global_max        one maximum over all the logits subtracted, not each row's own: the rows far
                      below it underflow to 0 / 0 = NaN (recognised, like overflow, by position)

EXERCISES maps the name to (check function, reference function), like implement.EXERCISES.
"""

import numpy as np

from ..text import model as _model
from .engine import Case, Exercise, Wrong, run_check

__all__ = ["check_softmax_xent_backward", "HINTS", "FIRST", "MISTAKES", "OVERFLOW", "GLOBAL_MAX",
           "EXERCISES"]

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
                "NaN. Subtract each position's own maximum (over its K logits, the last axis, kept "
                "for broadcasting) before exp: the softmax does not change, and the largest exp is "
                "then exactly 1.",
    "global_max": "one maximum over all the logits was subtracted, so a position whose logits all lie "
                  "far below it gets exp = 0 for every entry, and 0 / 0 is NaN. Subtract each "
                  "position's own maximum, over its K logits only (the last axis, kept for "
                  "broadcasting).",
}

#: The first message's words: what is wrong, in a few words (HINTS follow on a second failure).
FIRST = {
    "forgot_onehot": "the target's one-hot is not subtracted",
    "forgot_mean": "the result is not divided by the number of positions",
    "divided_by_N": "the result is divided by the wrong count",
    "overflow": "the softmax overflows where the logits are large",
    "global_max": "the softmax is shifted by one maximum for all positions, not by each position's own",
}


def _softmax(logits, shift):
    if shift == "global":
        z = logits - logits.max()
    else:
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
GLOBAL_MAX = _with(shift="global")  # likewise


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
    if ret.dtype.kind == "f" and not np.all(np.isfinite(ret)):
        where = _non_finite(ret)
        if _fails_where(GLOBAL_MAX, ret, *args):
            raise Wrong(f"dlogits contains NaN or infinite values {where}, whose logits lie far "
                        f"below the largest logit of all: {FIRST['global_max']}", HINTS["global_max"])
        if _fails_where(OVERFLOW, ret, *args):
            raise Wrong(f"dlogits contains NaN or infinite values {where}, whose logits are large or "
                        f"very negative: {FIRST['overflow']}", HINTS["overflow"])
    return {"dlogits": ret}


def _non_finite(got):
    """'at position (n, t) and k more' for the first position whose row is not finite."""
    bad = np.argwhere(~np.isfinite(got).all(axis=-1))
    first = tuple(int(j) for j in bad[0])
    more = f" and {len(bad) - 1} other positions" if len(bad) > 1 else ""
    return f"at position (n, t) = {first}{more}"


def _fails_where(variant, got, logits, targets):
    """True when got's non-finite entries all sit at positions (rows of K) where the variant, run on
    the same case, is not finite either (for GLOBAL_MAX: exactly those positions).

    The engine compares only finite results, so these mistakes are matched by position, not by value:
    exp(o) / sum exp(o), exp(o - log sum exp(o)) and e / (sum + eps) fail at different subsets of
    the large-logit positions, and each is the same mistake.
    """
    with np.errstate(all="ignore"):
        expected = variant(logits, targets)
    if expected.shape != got.shape:
        return False
    bad_variant = ~np.isfinite(expected).all(axis=-1)
    bad_got = ~np.isfinite(got).all(axis=-1)
    if variant is GLOBAL_MAX:
        return bool(bad_got.any()) and np.array_equal(bad_got, bad_variant)
    return bool(bad_got.any()) and not np.any(bad_got & ~bad_variant)


def _is_overflow(got, logits, targets):
    """True when got fails where a softmax without the max shift fails (see _fails_where)."""
    return _fails_where(OVERFLOW, got, logits, targets)


def _locate(key, idx, case):
    """Whether entry (n, t, k) of dlogits is the target character's entry of its position."""
    n, t, k = idx
    target = int(case.args[1][n, t])
    return (", the target's entry of that position" if k == target else
            f", not the target's entry of that position (the target there is k = {target})")


_SOFTMAX_XENT_BACKWARD = Exercise(
    name="softmax_xent_backward", reference=_model.softmax_xent_backward,
    arg_names=("logits", "targets"), make_cases=_cases, outputs=_outputs, mistakes=MISTAKES,
    hints=HINTS, first_hints=FIRST, locate=_locate,
    coverage="N from 1 to 4, T from 1 to 5, K from 3 to 64, logits of size 1 to 3 and of size 1000",
    hint="Compare with dlogits = (softmax(o) - onehot(y)) / (N T): the softmax of each position's K "
         "logits (shifted by their maximum), minus 1 at the target, divided by targets.size.",
    mutation_hint="the caller's logits must stay as they were (the model reuses them): shift them "
                  "into a new array, not with logits -= ..., and build dlogits in a new array.",
    shape_hint="logits is (N, T, K) and targets (N, T): take the maximum and the sum over the last "
               "axis with keepdims=True, so that they broadcast against the logits.")


def check_softmax_xent_backward(learner_fn, hint=None):
    """Check the learner's softmax_xent_backward(logits, targets) against the package's.

    Returns a Verdict (.passed, .message): green when dlogits matches on every seeded case, else the
    first problem, with a hint when it is one of the mistakes in HINTS.
    """
    return run_check(_SOFTMAX_XENT_BACKWARD, learner_fn, hint)


EXERCISES = {
    "softmax_xent_backward": (check_softmax_xent_backward, _model.softmax_xent_backward),
}
