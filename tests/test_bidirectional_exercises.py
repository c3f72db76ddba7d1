"""The implement-it exercise of notebook 11: check_bidirectional_forward
(rnn_helpers.exercises.bidirectional_checks).

Each learner function below is a way a learner might write bidirectional_forward, by hand and not
from the checker's variants; the check must pass the right ones, however they are written, and name
each classic mistake, never answering with a traceback.
"""

import numpy as np
import pytest

from rnn_helpers import deep
from rnn_helpers.exercises import EXERCISES, check_bidirectional_forward
from rnn_helpers.exercises import bidirectional_checks as bc
from rnn_helpers.exercises import gate
from rnn_helpers.exercises.verdict import Verdict


# ---- right answers, written in different ways ---------------------------------------------------

def right_flip(step, params_fwd, params_bwd, X, h0):
    """Flip the steps, run the same loop, flip the outputs back."""
    def run(X, params):
        h, out = h0, []
        for t in range(X.shape[1]):
            h = step(X[:, t], h, params)
            out.append(h)
        return np.stack(out, axis=1)
    forward = run(X, params_fwd)
    backward = run(X[:, ::-1], params_bwd)[:, ::-1]
    return np.concatenate([forward, backward], axis=-1)


def right_preallocated(step, params_fwd, params_bwd, X, h0):
    """One output array, filled in place, both halves by index."""
    N, T, _ = X.shape
    H = h0.shape[1]
    out = np.empty((N, T, 2 * H))
    h_f, h_b = h0.copy(), h0.copy()
    for t in range(T):
        h_f = step(X[:, t], h_f, params_fwd)
        out[:, t, :H] = h_f
        s = T - 1 - t
        h_b = step(X[:, s], h_b, params_bwd)
        out[:, s, H:] = h_b
    return out


def right_reversed_list(step, params_fwd, params_bwd, X, h0):
    """Collect the backward outputs in run order, then reverse the list."""
    fw, bw = [], []
    h = h0
    for x_t in np.moveaxis(X, 1, 0):
        h = step(x_t, h, params_fwd)
        fw.append(h)
    h = h0
    for x_t in np.moveaxis(X, 1, 0)[::-1]:
        h = step(x_t, h, params_bwd)
        bw.append(h)
    bw.reverse()
    return np.concatenate([np.stack(fw, 1), np.stack(bw, 1)], 2)


RIGHT = [deep.bidirectional_forward, right_flip, right_preallocated, right_reversed_list]


@pytest.mark.parametrize("fn", RIGHT, ids=lambda f: f.__name__)
def test_right_versions_pass(fn):
    verdict = check_bidirectional_forward(fn)
    assert isinstance(verdict, Verdict) and verdict.passed, verdict.message
    assert "matches the package's bidirectional_forward on all 6 seeded cases" in verdict.message
    assert verdict.function is fn and verdict.reference is deep.bidirectional_forward


def test_the_reference_is_the_stacks_bidirectional_layer():
    """The plain reference computes what the package's layer does, for an h-only cell."""
    rng = np.random.default_rng(0)
    params = deep.init_params("gru", 3, 2, num_layers=1, bidirectional=True, seed=2)
    X = rng.normal(size=(2, 5, 2))
    H_seq, _, _ = deep.layers_forward(params, X)
    fwd = {k[:-3]: v for k, v in params.items() if k.endswith("_l0")}
    bwd = {k[:-11]: v for k, v in params.items() if k.endswith("_l0_reverse")}
    np.testing.assert_allclose(deep.bidirectional_forward(bc.gru_step, fwd, bwd, X, np.zeros((2, 3))),
                               H_seq, rtol=0, atol=1e-14)


# ---- the classic mistakes, written by hand ------------------------------------------------------

def _run(step, X, h, params, order):
    out = {}
    for t in order:
        h = step(X[:, t], h, params)
        out[t] = h
    return out, h


def not_reversed_back(step, params_fwd, params_bwd, X, h0):
    T = X.shape[1]
    f, _ = _run(step, X, h0, params_fwd, range(T))
    b, _ = _run(step, X[:, ::-1], h0, params_bwd, range(T))        # flipped in, never flipped back
    return np.concatenate([np.stack([f[t] for t in range(T)], 1), np.stack([b[t] for t in range(T)], 1)], 2)


def reads_forward(step, params_fwd, params_bwd, X, h0):
    T = X.shape[1]
    f, _ = _run(step, X, h0, params_fwd, range(T))
    b, _ = _run(step, X, h0, params_bwd, range(T))
    return np.concatenate([np.stack(list(f.values()), 1), np.stack(list(b.values()), 1)], 2)


def records_flipped_twice(step, params_fwd, params_bwd, X, h0):
    """X[::-1] in, [::-1] out: the records come back in place, but the steps were never reversed."""
    T = X.shape[1]
    f, _ = _run(step, X, h0, params_fwd, range(T))
    b, _ = _run(step, X[::-1], h0[::-1], params_bwd, range(T))
    backward = np.stack([b[t] for t in range(T)], 1)[::-1]
    return np.concatenate([np.stack([f[t] for t in range(T)], 1), backward], 2)


def records_flipped_steps_back(step, params_fwd, params_bwd, X, h0):
    T = X.shape[1]
    f, _ = _run(step, X, h0, params_fwd, range(T))
    b, _ = _run(step, X[::-1], h0, params_bwd, range(T))
    backward = np.stack([b[t] for t in range(T)], 1)[:, ::-1]
    return np.concatenate([np.stack([f[t] for t in range(T)], 1), backward], 2)


def one_set_of_weights(step, params_fwd, params_bwd, X, h0):
    return right_flip(step, params_fwd, params_fwd, X, h0)


def backward_weights_twice(step, params_fwd, params_bwd, X, h0):
    return right_flip(step, params_bwd, params_bwd, X, h0)


def halves_swapped(step, params_fwd, params_bwd, X, h0):
    H = h0.shape[1]
    out = right_preallocated(step, params_fwd, params_bwd, X, h0)
    return np.concatenate([out[:, :, H:], out[:, :, :H]], axis=2)


def carries_the_state(step, params_fwd, params_bwd, X, h0):
    T = X.shape[1]
    f, h = _run(step, X, h0, params_fwd, range(T))
    b, _ = _run(step, X, h, params_bwd, range(T - 1, -1, -1))        # h not reset to h0
    return np.concatenate([np.stack([f[t] for t in range(T)], 1), np.stack([b[t] for t in range(T)], 1)], 2)


MISTAKES = [("not_reversed_back", not_reversed_back), ("reverse_reads_forward", reads_forward),
            ("reverse_reads_forward", records_flipped_twice),
            ("records_reversed", records_flipped_steps_back), ("shared_weights", one_set_of_weights),
            ("shared_weights_bwd", backward_weights_twice), ("swapped_halves", halves_swapped),
            ("reverse_starts_from_forward", carries_the_state)]


@pytest.mark.parametrize("name, fn", MISTAKES, ids=lambda x: x if isinstance(x, str) else x.__name__)
def test_each_mistake_is_named_then_explained(name, fn):
    check_bidirectional_forward(deep.bidirectional_forward)          # a pass forgets earlier failures
    first = check_bidirectional_forward(fn)
    assert not first.passed and bc.FIRST[name] in first.message, first.message
    assert first.mistake == name
    assert not any(h in first.message for h in bc.HINTS.values()), "the formula comes second"
    second = check_bidirectional_forward(fn)                         # the same mistake again
    assert bc.HINTS[name] in second.message, second.message
    assert not any(h in second.message for n, h in bc.HINTS.items() if h != bc.HINTS[name])
    assert "Traceback" not in second.message and "\n" not in second.message


def test_every_variant_is_wrong_on_some_case_and_no_two_agree_everywhere():
    """A variant equal to the reference would recognise right answers; two variants equal on every
    case would name one mistake for the other."""
    cases = bc._BIDIRECTIONAL_FORWARD.cases()
    outputs = {name: [v(*c.args) for c in cases] for name, v in bc.MISTAKES.items()}
    truth = [deep.bidirectional_forward(*c.args) for c in cases]
    for name, outs in outputs.items():
        assert any(not np.allclose(o, t, rtol=1e-9, atol=0) for o, t in zip(outs, truth)), name
    names = list(outputs)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert any(not np.allclose(x, y, rtol=1e-9, atol=0) for x, y in zip(outputs[a], outputs[b])), (a, b)


@pytest.mark.parametrize("wrong, words", [
    (lambda step, pf, pb, X, h0: np.concatenate([right_flip(step, pf, pb, X, h0)[:, :, :h0.shape[1]],
                                                 right_flip(step, pf, pb, X, h0)[:, :, h0.shape[1]:]], axis=1),
     "joined along the time axis"),
    (lambda step, pf, pb, X, h0: np.stack([right_flip(step, pf, pb, X, h0)[:, :, :h0.shape[1]],
                                           right_flip(step, pf, pb, X, h0)[:, :, h0.shape[1]:]]),
     "stacked, not concatenated"),
    (lambda step, pf, pb, X, h0: right_flip(step, pf, pb, X, h0)[:, :, :h0.shape[1]], "one direction only"),
    (lambda step, pf, pb, X, h0: (right_flip(step, pf, pb, X, h0),), "returned a tuple of 1"),
])
def test_results_of_the_wrong_shape_are_read_for_what_they_are(wrong, words):
    verdict = check_bidirectional_forward(wrong, hint=2)
    assert not verdict.passed and words in verdict.message and "Hint:" in verdict.message, verdict.message


def test_a_stub_a_changed_input_and_anything_else_get_a_reply():
    def bidirectional_forward(step, params_fwd, params_bwd, X, h0):
        raise NotImplementedError("your code here")
    assert check_bidirectional_forward(bidirectional_forward).message.startswith("not implemented yet")

    def writes_into_h0(step, params_fwd, params_bwd, X, h0):
        out = right_flip(step, params_fwd, params_bwd, X, h0.copy())
        h0 += 1.0
        return out
    verdict = check_bidirectional_forward(writes_into_h0)
    assert not verdict.passed and "changed its input h0" in verdict.message
    verdict = check_bidirectional_forward(lambda step, X: X)
    assert not verdict.passed and "Keep the stub's first line: def bidirectional_forward(" in verdict.message
    assert not check_bidirectional_forward(None).passed


def test_it_is_registered_and_its_answer_is_withheld_until_it_passes():
    assert EXERCISES["bidirectional_forward"] == (check_bidirectional_forward, deep.bidirectional_forward)
    assert gate.ANSWERS["bidirectional_forward"] == (deep.bidirectional_forward,)
    gate._PASSED.discard("bidirectional_forward")
    assert gate.withheld(deep.bidirectional_forward) == "bidirectional_forward"
    assert check_bidirectional_forward(right_flip).passed
    assert gate.withheld(deep.bidirectional_forward) is None
