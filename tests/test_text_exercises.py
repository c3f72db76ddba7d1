"""The implement-it exercise of notebook 10: check_softmax_xent_backward (rnn_helpers.exercises.text_checks).

Each learner function below is a way a learner might write softmax_xent_backward; the check must pass
the right ones, and answer each classic mistake with its own hint, never with a traceback.
"""

import re

import numpy as np
import pytest

from rnn_helpers import text as tx
from rnn_helpers.exercises import text_checks as tc
from rnn_helpers.exercises.verdict import Verdict


def _onehot(targets, K):
    return np.eye(K)[targets]


def right(logits, targets):
    """A learner's correct version, written differently from the package's."""
    z = logits - logits.max(axis=-1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)
    return (p - _onehot(targets, logits.shape[-1])) / targets.size


def right_loop(logits, targets):
    """Correct, one position at a time."""
    N, T, K = logits.shape
    out = np.empty_like(logits, dtype=float)
    for n in range(N):
        for t in range(T):
            o = logits[n, t] - logits[n, t].max()
            p = np.exp(o) / np.exp(o).sum()
            p[targets[n, t]] -= 1.0
            out[n, t] = p / (N * T)
    return out


def _softmax(logits):
    z = logits - logits.max(axis=-1, keepdims=True)
    return np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)


def forgot_onehot(logits, targets):
    return _softmax(logits) / targets.size


def forgot_mean(logits, targets):
    return _softmax(logits) - _onehot(targets, logits.shape[-1])


def divided_by_N(logits, targets):
    return (_softmax(logits) - _onehot(targets, logits.shape[-1])) / logits.shape[0]


def overflow_naive(logits, targets):
    e = np.exp(logits)
    return (e / e.sum(axis=-1, keepdims=True) - _onehot(targets, logits.shape[-1])) / targets.size


def overflow_log_sum_exp(logits, targets):
    p = np.exp(logits - np.log(np.exp(logits).sum(axis=-1, keepdims=True)))
    return (p - _onehot(targets, logits.shape[-1])) / targets.size


def overflow_with_epsilon(logits, targets):
    e = np.exp(logits)
    return (e / (e.sum(axis=-1, keepdims=True) + 1e-300) - _onehot(targets, logits.shape[-1])) / targets.size


MISTAKES = [("forgot_onehot", forgot_onehot), ("forgot_mean", forgot_mean),
            ("divided_by_N", divided_by_N), ("overflow", overflow_naive),
            ("overflow", overflow_log_sum_exp), ("overflow", overflow_with_epsilon)]


@pytest.mark.parametrize("fn", [tx.softmax_xent_backward, right, right_loop], ids=lambda f: f.__name__)
def test_right_versions_pass(fn):
    verdict = tc.check_softmax_xent_backward(fn)
    assert isinstance(verdict, Verdict)
    assert verdict.passed, verdict.message
    assert "matches the package's softmax_xent_backward on all 6 seeded cases" in verdict.message
    assert "leaves its inputs unchanged" in verdict.message
    assert verdict.function is fn and verdict.reference is tx.softmax_xent_backward


@pytest.mark.parametrize("name, fn", MISTAKES, ids=lambda x: x if isinstance(x, str) else x.__name__)
def test_each_mistake_gets_its_hint(name, fn):
    first = tc.check_softmax_xent_backward(fn, hint=1)
    assert not first.passed and tc.FIRST[name] in first.message, first.message
    assert not any(h in first.message for h in tc.HINTS.values()), "the formula comes second"
    verdict = tc.check_softmax_xent_backward(fn, hint=2)
    assert not verdict.passed
    assert tc.HINTS[name] in verdict.message, verdict.message
    others = [h for n, h in tc.HINTS.items() if n != name]
    assert not any(h in verdict.message for h in others), verdict.message


def test_the_overflow_is_caught_on_the_large_case_only():
    """A naive softmax is right on ordinary logits: the case of size 1000 is what exposes it."""
    verdict = tc.check_softmax_xent_backward(overflow_naive)
    assert "logits of size 1000" in verdict.message and "NaN" in verdict.message
    ordinary = [c for c in tc._SOFTMAX_XENT_BACKWARD.cases() if "1000" not in c.label]
    for case in ordinary:
        np.testing.assert_allclose(overflow_naive(*case.args), tx.softmax_xent_backward(*case.args),
                                   rtol=1e-12, atol=1e-15)


def test_every_mistake_variant_is_wrong_on_some_case_and_right_on_none():
    """The deliberate variants must differ from the reference, or they would recognise right answers."""
    cases = tc._SOFTMAX_XENT_BACKWARD.cases()
    for name, variant in {**tc.MISTAKES, "overflow": tc.OVERFLOW}.items():
        differs = []
        with np.errstate(all="ignore"):
            for case in cases:
                got, ref = variant(*case.args), tx.softmax_xent_backward(*case.args)
                differs.append(not np.allclose(got, ref, rtol=1e-9, atol=0))
        assert any(differs), name


def test_stub_is_not_implemented_yet():
    def softmax_xent_backward(logits, targets):
        raise NotImplementedError("your code here")
    verdict = tc.check_softmax_xent_backward(softmax_xent_backward)
    assert not verdict.passed and verdict.message.startswith("not implemented yet")


def test_a_function_that_changes_its_input_is_told():
    def in_place(logits, targets):
        logits -= logits.max(axis=-1, keepdims=True)
        return right(logits, targets)
    verdict = tc.check_softmax_xent_backward(in_place, hint=2)
    assert not verdict.passed
    assert "changed its input logits" in verdict.message and "not with logits -=" in verdict.message


def test_the_check_does_not_change_the_learners_arrays_or_its_cases():
    """The cases are passed as copies: a learner that mutates them cannot spoil the next check."""
    before = [tuple(a.copy() for a in c.args) for c in tc._SOFTMAX_XENT_BACKWARD.cases()]

    def scribble(logits, targets):
        logits[...] = 0.0
        targets[...] = 0
        return right(logits, targets)
    assert not tc.check_softmax_xent_backward(scribble).passed
    after = [c.args for c in tc._SOFTMAX_XENT_BACKWARD.cases()]
    for old, new in zip(before, after):
        for a, b in zip(old, new):
            assert np.array_equal(a, b)
    assert tc.check_softmax_xent_backward(right).passed


def test_wrong_structure_and_types_get_sentences():
    cases = {
        "tuple": (lambda o, y: (0.0, right(o, y)), "not a tuple"),
        "list": (lambda o, y: right(o, y).tolist(), "should be a numpy array"),
        "float32": (lambda o, y: right(o, y).astype(np.float32), "dtype float32"),
        "shape": (lambda o, y: right(o, y)[..., :-1], "has shape"),
        "raises": (lambda o, y: o @ o, "raised ValueError"),
        "signature": (lambda o: o, "cannot be called the way the package's is"),
    }
    for label, (fn, words) in cases.items():
        verdict = tc.check_softmax_xent_backward(fn)
        assert not verdict.passed and words in verdict.message, (label, verdict.message)


def test_not_a_function():
    for value in (None, 3, np.zeros(3)):
        verdict = tc.check_softmax_xent_backward(value)
        assert not verdict.passed and "needs your function itself" in verdict.message


def test_unrecognised_error_gets_the_general_hint_and_the_worst_entry():
    def wrong_axis(logits, targets):
        z = logits - logits.max(axis=-1, keepdims=True)
        p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        return (p - _onehot(targets, logits.shape[-1])) / targets.size
    verdict = tc.check_softmax_xent_backward(wrong_axis, hint=1)
    assert not verdict.passed and "largest difference" in verdict.message
    assert "(softmax(o) - onehot(y)) / (N T)" not in verdict.message, "the formula comes second"
    assert re.search(r"at index \(\d+, \d+, \d+\), (the|not the) target's entry", verdict.message)
    verdict = tc.check_softmax_xent_backward(wrong_axis, hint=2)
    assert "largest difference" in verdict.message and "(softmax(o) - onehot(y)) / (N T)" in verdict.message


def global_max(logits, targets):
    """One maximum over every logit, not each position's own: far-below positions give 0 / 0."""
    e = np.exp(logits - logits.max())
    return (e / e.sum(axis=-1, keepdims=True) - _onehot(targets, logits.shape[-1])) / targets.size


def test_the_global_max_softmax_is_recognised_and_not_called_an_overflow():
    first = tc.check_softmax_xent_backward(global_max, hint=1)
    assert not first.passed and tc.FIRST["global_max"] in first.message, first.message
    assert "position (n, t) = (1, 0)" in first.message and "logits of size 1000" in first.message
    second = tc.check_softmax_xent_backward(global_max, hint=2)
    assert tc.HINTS["global_max"] in second.message and tc.HINTS["overflow"] not in second.message
    assert tc.HINTS["global_max"] not in tc.check_softmax_xent_backward(overflow_naive, hint=2).message


def test_the_second_failure_of_the_same_kind_gets_the_formula():
    tc.check_softmax_xent_backward(right)                      # a pass forgets earlier failures
    first = tc.check_softmax_xent_backward(forgot_mean)
    second = tc.check_softmax_xent_backward(forgot_mean)
    assert tc.FIRST["forgot_mean"] in first.message and tc.HINTS["forgot_mean"] not in first.message
    assert tc.HINTS["forgot_mean"] in second.message
    other = tc.check_softmax_xent_backward(forgot_onehot)        # another kind: first message again
    assert tc.HINTS["forgot_onehot"] not in other.message and tc.FIRST["forgot_onehot"] in other.message


def test_exercises_table():
    check, reference = tc.EXERCISES["softmax_xent_backward"]
    assert check is tc.check_softmax_xent_backward and reference is tx.softmax_xent_backward
