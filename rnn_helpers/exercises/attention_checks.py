"""The implement-it exercise of notebook 12: the attention weights and the context vector.

    check_attention(fn)   notebook 12   mirrors rnn_helpers.seq2seq.attention.attention

The learner writes attention(scores, mask, values) -> (weights, context):

    weights[n, j] = exp(e_nj) / sum_{i valid} exp(e_ni)   at the valid positions j,  0 at padded ones
    context[n]    = sum_j weights[n, j] values[n, j]                                    (N, E)

scores (N, S), mask (N, S) bool (True where valid), values (N, S, E). The check runs it on seeded
cases (several N, S and E; padded records whose padded positions hold scores and values that are
not zero, so that a missing mask shows; scores of size 1000) and compares weights and context with
the package's, as every check of rnn_helpers.exercises does (engine.run_check). A wrong result that
equals a deliberately wrong variant run on the same case gets that mistake's hint:

    wrong_axis            the softmax normalised over the records (axis 0), not the positions
    no_mask               the softmax over every position, padded ones included
    mask_after_softmax    the softmax over every position, then the padded weights set to 0: the
                          valid weights no longer sum to 1
    masked_to_zero        padded scores set to 0 instead of -inf: exp(0) = 1 still counts
    not_normalised        exp(e) without dividing by the sum
    context_sum           the context summed over the positions without the weights
    context_valid_sum     the same over the valid positions only
    context_mean          the context averaged over the positions (every weight 1/S)
    context_valid_mean    averaged over the valid positions (every weight 1/length): uniform
                          attention, not learned attention
    overflow              exp(e) without subtracting the row's largest score first: inf / inf =
                          NaN where the scores are large (recognised by position, as in
                          text_checks)

EXERCISES maps the name to (check function, reference function), like implement.EXERCISES.
"""

import numpy as np

from ..seq2seq import attention as _attention
from .engine import Case, Exercise, Wrong, run_check

__all__ = ["check_attention", "HINTS", "FIRST", "MISTAKES", "OVERFLOW", "EXERCISES"]

_SOFTMAX = ("weights[n] = exp(e_n - max) / sum over the valid positions of exp(e_n - max), with the "
            "padded scores replaced by -inf first (np.where(mask, scores, -np.inf)), so that "
            "exp gives exactly 0 there")

HINTS = {
    "wrong_axis": "the softmax runs over the wrong axis. Each record attends over its own source "
                  "positions, so the maximum and the sum are taken over axis 1 (the S positions), "
                  "with keepdims=True; axis 0 mixes different records.",
    "no_mask": f"the padded positions take part in the softmax. {_SOFTMAX}.",
    "mask_after_softmax": "the padded weights are set to 0 after the softmax, so the valid weights no "
                          f"longer sum to 1. Mask the scores before the softmax: {_SOFTMAX}.",
    "masked_to_zero": "the padded scores are set to 0, but exp(0) = 1 still counts in the sum. Set "
                      f"them to -inf instead: {_SOFTMAX}.",
    "not_normalised": "the weights are not divided by their sum. The softmax is exp(e_j) / sum_i "
                      "exp(e_i), over each record's valid positions (axis 1, keepdims=True).",
    "context_sum": "the context ignores the weights: it is the weighted sum, context[n] = sum_j "
                   "weights[n, j] values[n, j] (np.einsum('ns,nse->ne', weights, values), or "
                   "(weights[:, :, None] * values).sum(axis=1)).",
    "context_valid_sum": "the context ignores the weights: summing the valid values is not enough, "
                         "each is multiplied by its weight: context[n] = sum_j weights[n, j] "
                         "values[n, j].",
    "context_mean": "the context is a plain mean of the values, as if every weight were 1/S: it "
                    "must be the weighted sum, context[n] = sum_j weights[n, j] values[n, j].",
    "context_valid_mean": "the context is the mean of the valid values, as if every weight were "
                          "1/length: that is uniform attention. Use the weights you computed: "
                          "context[n] = sum_j weights[n, j] values[n, j].",
    "overflow": "the softmax overflows on large scores: exp(1000) is inf in float64, and inf / inf is "
                "NaN. Subtract each record's largest valid score (over axis 1, keepdims=True) before "
                "exp: the weights do not change, and the largest exp is then exactly 1.",
}

#: The first message's words: what is wrong, in a few words (HINTS follow on a second failure).
FIRST = {
    "wrong_axis": "the softmax is taken over the wrong axis",
    "no_mask": "the padded positions are not masked",
    "mask_after_softmax": "the padded positions are masked after the softmax instead of before it",
    "masked_to_zero": "the padded positions are masked with a score of 0, which still counts",
    "not_normalised": "the weights are not normalised",
    "context_sum": "the context is summed without the weights",
    "context_valid_sum": "the context is summed without the weights",
    "context_mean": "the context is averaged instead of weighted",
    "context_valid_mean": "the context is averaged instead of weighted",
    "overflow": "the softmax overflows where the scores are large",
}


def _variant(scores, mask, values, axis=1, masking="inf", shift=True, normalise=True, context="weighted"):
    """attention written with one deliberate mistake (the keywords say which)."""
    scores = np.asarray(scores, dtype=float)
    if masking == "inf":
        z = np.where(mask, scores, -np.inf)
    elif masking == "zero":
        z = np.where(mask, scores, 0.0)
    else:                                                 # "none" or "after"
        z = scores
    if shift:
        z = z - z.max(axis=axis, keepdims=True)
    e = np.exp(z)
    weights = e / e.sum(axis=axis, keepdims=True) if normalise else e
    if masking == "after":
        weights = weights * mask
    lengths = mask.sum(axis=1)[:, None]
    if context == "weighted":
        ctx = np.einsum("ns,nse->ne", weights, values)
    elif context == "sum":
        ctx = values.sum(axis=1)
    elif context == "valid_sum":
        ctx = (values * mask[:, :, None]).sum(axis=1)
    elif context == "mean":
        ctx = values.mean(axis=1)
    else:                                                 # "valid_mean"
        ctx = (values * mask[:, :, None]).sum(axis=1) / lengths
    return weights, ctx


def _with(**flags):
    def variant(scores, mask, values):
        return _variant(scores, mask, values, **flags)
    return variant


MISTAKES = {
    "wrong_axis": _with(axis=0),
    "no_mask": _with(masking="none"),
    "mask_after_softmax": _with(masking="after"),
    "masked_to_zero": _with(masking="zero"),
    "not_normalised": _with(normalise=False),
    "context_sum": _with(context="sum"),
    "context_valid_sum": _with(context="valid_sum"),
    "context_mean": _with(context="mean"),
    "context_valid_mean": _with(context="valid_mean"),
}
OVERFLOW = _with(shift=False)          # its output is not finite, so _outputs recognises it


def _rng(seed):
    return np.random.default_rng(40_000 + seed)


# (lengths: one record per entry, the first always full (so that every position is valid in some
# record), S, E, size of the scores, label)
_SIZES = [((5, 3, 1), 5, 4, 1.0, None), ((4, 2), 4, 2, 2.0, None), ((3,), 3, 3, 1.0, "one record"),
          ((6, 6, 2, 4), 6, 5, 1.5, None), ((4, 1, 3), 4, 3, 1.0, "scores of size 1000")]


def _cases():
    cases = []
    n = len(_SIZES)
    for i, (lengths, S, E, size, note) in enumerate(_SIZES):
        rng = _rng(i)
        N = len(lengths)
        scores = rng.normal(0.0, size, (N, S))
        values = rng.normal(0.0, 1.0, (N, S, E))            # padded values too: not zero
        mask = np.arange(S)[None, :] < np.array(lengths)[:, None]
        if note == "scores of size 1000":
            scores[0] += 1000.0                             # every exp of record 0 overflows
            scores[2, 1] += 1000.0                          # one valid score of record 2
            scores[1, 2] += 1000.0                          # a padded score: masked, never read
        what = f"N={N}, S={S}, E={E}, lengths {list(lengths)}" + (f", {note}" if note else "")
        cases.append(Case(f"case {i + 1} of {n} ({what})", (scores, mask, values)))
    return cases


def _outputs(ret, args, kwargs):
    if not isinstance(ret, tuple) or len(ret) != 2:
        what = f"a tuple of {len(ret)}" if isinstance(ret, tuple) else f"a {type(ret).__name__}"
        raise Wrong(f"attention should return two arrays, (weights, context), but returned {what}")
    weights, context = ret
    for name, value in (("weights", weights), ("context", context)):
        if not isinstance(value, np.ndarray):
            raise Wrong(f"{name} should be a numpy array, but is a {type(value).__name__}")
    if weights.dtype.kind == "f" and not np.all(np.isfinite(weights)):
        bad = np.argwhere(~np.isfinite(weights).all(axis=-1)) if weights.ndim == 2 else None
        where = f" in record {int(bad[0][0])}" if bad is not None and len(bad) else ""
        if _overflow_where(weights, *args):
            raise Wrong(f"weights contains NaN or infinite values{where}, whose scores are large: "
                        f"{FIRST['overflow']}", HINTS["overflow"])
    return {"weights": weights, "context": context}


def _overflow_where(got, scores, mask, values):
    """True when got's non-finite records (rows) are all records where a softmax without the max
    shift, run on the same case, is not finite either."""
    with np.errstate(all="ignore"):
        expected, _ = OVERFLOW(scores, mask, values)
    if got.shape != expected.shape or got.ndim != 2:
        return False
    bad_variant = ~np.isfinite(expected).all(axis=-1)
    bad_got = ~np.isfinite(got).all(axis=-1)
    return bool(bad_got.any()) and not np.any(bad_got & ~bad_variant)


def _locate(key, idx, case):
    """Whether entry (n, j) of weights is a padded position."""
    if key != "weights" or len(idx) != 2:
        return ""
    n, j = idx
    return ", a padded position" if not case.args[1][n, j] else ", a valid position"


_ATTENTION = Exercise(
    name="attention", reference=_attention.attention,
    arg_names=("scores", "mask", "values"), make_cases=_cases, outputs=_outputs, mistakes=MISTAKES,
    hints=HINTS, first_hints=FIRST, locate=_locate,
    coverage="N from 1 to 4, S from 3 to 6, E from 2 to 5, padded records whose padded positions "
             "hold scores and values, scores of size 1000",
    hint={"weights": f"Compare with {_SOFTMAX}.",
          "context": "Compare with context[n] = sum_j weights[n, j] values[n, j]."},
    mutation_hint="the caller's arrays must stay as they were (the model reuses the scores): mask "
                  "them into a new array (np.where(mask, scores, -np.inf)), not with "
                  "scores[~mask] = ....",
    shape_hint="scores and mask are (N, S) and values (N, S, E): take the maximum and the sum over "
               "axis 1 with keepdims=True; weights[:, :, None] * values broadcasts to (N, S, E).")


def check_attention(learner_fn, hint=None):
    """Check the learner's attention(scores, mask, values) -> (weights, context) against the package's.

    Returns a Verdict (.passed, .message): green when weights and context match on every seeded
    case, else the first problem, naming the mistake when it is one of those in HINTS (hint=2: the
    formula at once).
    """
    return run_check(_ATTENTION, learner_fn, hint)


EXERCISES = {
    "attention": (check_attention, _attention.attention),
}
