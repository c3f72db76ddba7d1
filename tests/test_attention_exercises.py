"""The implement-it exercise of notebook 12: check_attention (rnn_helpers.exercises.attention_checks).

Each learner function below is a way a learner might write attention(scores, mask, values) ->
(weights, context); the check must pass the right ones and name each classic mistake, never raise.
"""

import math

import numpy as np
import pytest

from rnn_helpers.exercises import attention_checks as ac
from rnn_helpers.exercises import check_attention
from rnn_helpers.exercises.engine import forget_failures
from rnn_helpers.seq2seq import attention as att


def right(scores, mask, values):
    """Correct, written with np.where and a weighted sum by broadcasting."""
    z = np.where(mask, scores, -np.inf)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    w = e / e.sum(axis=1, keepdims=True)
    return w, (w[:, :, None] * values).sum(axis=1)


def right_loop(scores, mask, values):
    """Correct, one record and one position at a time, with math.exp."""
    N, S, E = values.shape
    weights, context = np.zeros((N, S)), np.zeros((N, E))
    for n in range(N):
        valid = [j for j in range(S) if mask[n, j]]
        top = max(scores[n, j] for j in valid)
        total = sum(math.exp(scores[n, j] - top) for j in valid)
        for j in valid:
            weights[n, j] = math.exp(scores[n, j] - top) / total
            context[n] += weights[n, j] * values[n, j]
    return weights, context


def right_large_negative(scores, mask, values):
    """Correct: padded scores pushed far down (-1e30) instead of -inf, then renormalised after."""
    z = scores - 1e30 * ~mask
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z) * mask
    w = e / e.sum(axis=1, keepdims=True)
    return w, np.einsum("ns,nse->ne", w, values)


def right_renormalised(scores, mask, values):
    """Correct: exp of the scores shifted by the largest valid one, padded entries zeroed after exp,
    then normalised; the context as a batched matrix product."""
    top = np.where(mask, scores, -np.inf).max(axis=1, keepdims=True)
    e = np.where(mask, np.exp(np.minimum(scores - top, 0.0)), 0.0)
    w = e / e.sum(axis=1, keepdims=True)
    return w, np.matmul(w[:, None, :], values)[:, 0]


# --- the classic mistakes, each written as a learner would --------------------------------------

def wrong_axis(scores, mask, values):
    z = np.where(mask, scores, -np.inf)
    e = np.exp(z - z.max(axis=0, keepdims=True))
    w = e / e.sum(axis=0, keepdims=True)                     # over the records
    return w, np.einsum("ns,nse->ne", w, values)


def no_mask(scores, mask, values):
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    w = e / e.sum(axis=1, keepdims=True)
    return w, np.einsum("ns,nse->ne", w, values)


def mask_after_softmax(scores, mask, values):
    w = np.exp(scores - scores.max(axis=1, keepdims=True))
    w = w / w.sum(axis=1, keepdims=True)
    w = w * mask
    return w, np.einsum("ns,nse->ne", w, values)


def masked_to_zero(scores, mask, values):
    z = scores * mask
    e = np.exp(z - z.max(axis=1, keepdims=True))
    w = e / e.sum(axis=1, keepdims=True)
    return w, np.einsum("ns,nse->ne", w, values)


def not_normalised(scores, mask, values):
    z = np.where(mask, scores, -np.inf)
    w = np.exp(z - z.max(axis=1, keepdims=True))
    return w, np.einsum("ns,nse->ne", w, values)


def context_sum(scores, mask, values):
    w, _ = right(scores, mask, values)
    return w, values.sum(axis=1)


def context_valid_sum(scores, mask, values):
    w, _ = right(scores, mask, values)
    return w, np.sum(values * mask[..., None], axis=1)


def context_mean(scores, mask, values):
    w, _ = right(scores, mask, values)
    return w, values.mean(axis=1)


def context_valid_mean(scores, mask, values):
    w, _ = right(scores, mask, values)
    return w, (values * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)


def overflow(scores, mask, values):
    e = np.exp(np.where(mask, scores, -np.inf))
    w = e / e.sum(axis=1, keepdims=True)
    return w, np.einsum("ns,nse->ne", w, values)


def changes_scores(scores, mask, values):
    scores[~mask] = -np.inf                                  # in place: the caller's scores change
    return right(scores, mask, values)


def returns_weights_only(scores, mask, values):
    return right(scores, mask, values)[0]


def stub(scores, mask, values):
    raise NotImplementedError


@pytest.fixture(autouse=True)
def _fresh():
    forget_failures()
    yield
    forget_failures()


@pytest.mark.parametrize("fn", [att.attention, right, right_loop, right_large_negative, right_renormalised])
def test_right_answers_pass(fn):
    verdict = check_attention(fn)
    assert verdict.passed, verdict.message
    assert verdict.mistake is None


MISTAKEN = [(wrong_axis, "wrong_axis"), (no_mask, "no_mask"), (mask_after_softmax, "mask_after_softmax"),
            (masked_to_zero, "masked_to_zero"), (not_normalised, "not_normalised"),
            (context_sum, "context_sum"), (context_valid_sum, "context_valid_sum"),
            (context_mean, "context_mean"), (context_valid_mean, "context_valid_mean")]


@pytest.mark.parametrize("fn, mistake", MISTAKEN)
def test_each_classic_mistake_is_named(fn, mistake):
    first = check_attention(fn)
    assert not first.passed
    assert first.mistake == mistake, first.message
    assert ac.FIRST[mistake] in first.message
    second = check_attention(fn)                              # the same failure again: the hint
    assert ac.HINTS[mistake] in second.message
    assert check_attention(fn, hint=2).message == second.message


def test_every_mistake_has_a_learner_version_above():
    assert {m for _, m in MISTAKEN} == set(ac.MISTAKES)
    assert set(ac.HINTS) == set(ac.FIRST) == set(ac.MISTAKES) | {"overflow"}


def test_overflow_is_named_by_where_it_fails():
    first = check_attention(overflow)
    assert not first.passed and ac.FIRST["overflow"] in first.message and "case 5 of 5" in first.message
    assert ac.HINTS["overflow"] in check_attention(overflow).message


def test_mistakes_of_structure_and_stubs_get_a_message_not_a_traceback():
    changed = check_attention(changes_scores)
    assert not changed.passed and "changed its input scores" in changed.message
    assert "should return two arrays, (weights, context)" in check_attention(returns_weights_only).message
    assert "not implemented yet" in check_attention(stub).message
    assert "needs your function itself" in check_attention(right(np.zeros((1, 1)), np.ones((1, 1), bool),
                                                                  np.zeros((1, 1, 1)))).message


def test_a_wrong_weight_is_located_at_its_position():
    verdict = check_attention(no_mask)
    assert "weights is wrong" in verdict.message and "at index (2, 0), a valid position" in verdict.message


Z23, Z233 = np.zeros((2, 3)), np.zeros((2, 3, 1))


@pytest.mark.parametrize("call, error, message", [
    (lambda: att.attention(Z23, np.ones((2, 3)), Z233), TypeError, "mask must be a bool array"),
    (lambda: att.attention(Z23, np.ones((2, 2), bool), Z233), ValueError, "mask must have scores' shape"),
    (lambda: att.attention(Z23, np.ones((2, 3), bool), np.zeros((2, 4, 1))), ValueError, "values must have shape"),
    (lambda: att.attention(np.zeros(3), np.ones(3, bool), Z233), ValueError, "scores must have 2 dimensions"),
    (lambda: att.attention(Z23 + np.nan, np.ones((2, 3), bool), Z233), ValueError, "scores contains NaN"),
    (lambda: att.attention(Z23, np.array([[True, False, False], [False] * 3]), Z233),
     ValueError, "mask has no valid position for record 1"),
])
def test_the_reference_names_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()
