"""The implement-it exercise of notebook 8: check_lstm_step_forward (rnn_helpers.exercises.lstm_checks).

Each learner function below is a way a learner might write one step of the LSTM; the check must pass
the right ones, and answer each classic mistake with its own hint, never with a traceback.
"""

import itertools

import re

import numpy as np
import pytest

from rnn_helpers import lstm
from rnn_helpers.exercises import lstm_checks as lc
from rnn_helpers.exercises.verdict import Verdict


def _sig(z):
    return 1.0 / (1.0 + np.exp(-z))


def _cache(x_t, h_prev, c_prev, i, f, g, o, c_t, tanh_c):
    return {"x_t": x_t, "h_prev": h_prev, "c_prev": c_prev, "i": i, "f": f, "g": g, "o": o,
            "c_t": c_t, "tanh_c": tanh_c}


def right(x_t, h_prev, c_prev, params):
    """A learner's correct version, written differently from the package's (np.split, 1/(1+e^-z))."""
    a = x_t @ params["W_x"].T + h_prev @ params["W_h"].T + params["b"]
    a_i, a_f, a_g, a_o = np.split(a, 4, axis=1)
    i, f, g, o = _sig(a_i), _sig(a_f), np.tanh(a_g), _sig(a_o)
    c_t = f * c_prev + i * g
    h_t = o * np.tanh(c_t)
    return h_t, c_t, _cache(x_t, h_prev, c_prev, i, f, g, o, c_t, np.tanh(c_t))


def right_per_record(x_t, h_prev, c_prev, params):
    """Correct, one record at a time, with column vectors as in the maths, and extra cache entries."""
    N, H = h_prev.shape
    out = {k: np.empty((N, H)) for k in ("h", "c", "i", "f", "g", "o")}
    for n in range(N):
        a = params["W_x"] @ x_t[n] + params["W_h"] @ h_prev[n] + params["b"]
        i, f, g, o = _sig(a[:H]), _sig(a[H:2 * H]), np.tanh(a[2 * H:3 * H]), _sig(a[3 * H:])
        out["c"][n] = f * c_prev[n] + i * g
        out["h"][n] = o * np.tanh(out["c"][n])
        out["i"][n], out["f"][n], out["g"][n], out["o"][n] = i, f, g, o
    cache = _cache(x_t, h_prev, c_prev, out["i"], out["f"], out["g"], out["o"], out["c"],
                   np.tanh(out["c"]))
    cache["a_t"] = "extra entries are allowed"
    return out["h"], out["c"], cache


def cs231n_order(x_t, h_prev, c_prev, params):
    """The blocks read as i, f, o, g (CS231n's assignment order)."""
    H = h_prev.shape[1]
    a = x_t @ params["W_x"].T + h_prev @ params["W_h"].T + params["b"]
    i, f, o, g = _sig(a[:, :H]), _sig(a[:, H:2 * H]), _sig(a[:, 2 * H:3 * H]), np.tanh(a[:, 3 * H:])
    c_t = f * c_prev + i * g
    return o * np.tanh(c_t), c_t, _cache(x_t, h_prev, c_prev, i, f, g, o, c_t, np.tanh(c_t))


def forget_first(x_t, h_prev, c_prev, params):
    """The blocks read as f, i, g, o."""
    a = x_t @ params["W_x"].T + h_prev @ params["W_h"].T + params["b"]
    a_f, a_i, a_g, a_o = np.split(a, 4, axis=1)
    i, f, g, o = _sig(a_i), _sig(a_f), np.tanh(a_g), _sig(a_o)
    c_t = f * c_prev + i * g
    return o * np.tanh(c_t), c_t, _cache(x_t, h_prev, c_prev, i, f, g, o, c_t, np.tanh(c_t))


def swapped(x_t, h_prev, c_prev, params):
    """tanh for the gates, sigmoid for the candidate."""
    a = x_t @ params["W_x"].T + h_prev @ params["W_h"].T + params["b"]
    a_i, a_f, a_g, a_o = np.split(a, 4, axis=1)
    i, f, g, o = np.tanh(a_i), np.tanh(a_f), _sig(a_g), np.tanh(a_o)
    c_t = f * c_prev + i * g
    return o * np.tanh(c_t), c_t, _cache(x_t, h_prev, c_prev, i, f, g, o, c_t, np.tanh(c_t))


def swapped_everywhere(x_t, h_prev, c_prev, params):
    """Every tanh a sigmoid and every sigmoid a tanh, the squashing of c_t included."""
    a = x_t @ params["W_x"].T + h_prev @ params["W_h"].T + params["b"]
    a_i, a_f, a_g, a_o = np.split(a, 4, axis=1)
    i, f, g, o = np.tanh(a_i), np.tanh(a_f), _sig(a_g), np.tanh(a_o)
    c_t = f * c_prev + i * g
    return o * _sig(c_t), c_t, _cache(x_t, h_prev, c_prev, i, f, g, o, c_t, _sig(c_t))


def no_output_gate(x_t, h_prev, c_prev, params):
    """h_t = tanh(c_t): o is computed (and cached) but never used."""
    h_t, c_t, cache = right(x_t, h_prev, c_prev, params)
    return np.tanh(c_t), c_t, cache


def no_forget_gate(x_t, h_prev, c_prev, params):
    a = x_t @ params["W_x"].T + h_prev @ params["W_h"].T + params["b"]
    a_i, a_f, a_g, a_o = np.split(a, 4, axis=1)
    i, f, g, o = _sig(a_i), _sig(a_f), np.tanh(a_g), _sig(a_o)
    c_t = c_prev + i * g
    return o * np.tanh(c_t), c_t, _cache(x_t, h_prev, c_prev, i, f, g, o, c_t, np.tanh(c_t))


def no_bias(x_t, h_prev, c_prev, params):
    return right(x_t, h_prev, c_prev, dict(params, b=np.zeros_like(params["b"])))


MISTAKES = [("order_ifog", cs231n_order), ("order_figo", forget_first),
            ("swapped_activations", swapped), ("swapped_everywhere", swapped_everywhere),
            ("no_output_gate", no_output_gate), ("no_forget_gate", no_forget_gate),
            ("forgot_b", no_bias)]


@pytest.mark.parametrize("fn", [lstm.step_forward, right, right_per_record], ids=lambda f: f.__name__)
def test_right_versions_pass(fn):
    verdict = lc.check_lstm_step_forward(fn)
    assert isinstance(verdict, Verdict)
    assert verdict.passed, verdict.message
    assert "on all 6 seeded cases" in verdict.message
    assert "leaves its inputs unchanged" in verdict.message
    assert verdict.function is fn and verdict.reference is lstm.step_forward


@pytest.mark.parametrize("name, fn", MISTAKES, ids=[m[0] for m in MISTAKES])
def test_each_mistake_gets_its_hint(name, fn):
    first = lc.check_lstm_step_forward(fn, hint=1)
    assert not first.passed and lc.FIRST[name] in first.message, first.message
    assert not any(h in first.message for h in lc.HINTS.values()), "the formula comes second"
    verdict = lc.check_lstm_step_forward(fn, hint=2)
    assert not verdict.passed
    assert lc.HINTS[name] in verdict.message, verdict.message
    others = {h for n, h in lc.HINTS.items() if h != lc.HINTS[name]}
    assert not any(h in verdict.message for h in others), verdict.message


def test_the_order_hint_names_the_order_found():
    message = lc.check_lstm_step_forward(cs231n_order, hint=2).message
    assert "in the order i, f, o, g (CS231n's order)" in message
    assert "in the order f, i, g, o," in lc.check_lstm_step_forward(forget_first, hint=2).message


def test_every_wrong_order_is_a_recognised_mistake():
    orders = {"order_" + "".join(p) for p in itertools.permutations("ifgo")} - {"order_ifgo"}
    assert len(orders) == 23
    assert orders <= set(lc.MISTAKES)
    assert set(lc.MISTAKES) == set(lc.HINTS)
    for name in orders:
        verdict = lc.check_lstm_step_forward(lc.MISTAKES[name], hint=2)
        assert not verdict.passed and lc.HINTS[name] in verdict.message, (name, verdict.message)


def test_no_variant_is_right_on_any_case():
    """A variant that equals the reference on a case would recognise a right answer as a mistake."""
    for case in lc._LSTM_STEP_FORWARD.cases():
        ref = lc._outputs(lstm.step_forward(*case.args), case.args, {})
        for name, variant in lc.MISTAKES.items():
            got = lc._outputs(variant(*case.args), case.args, {})
            assert not np.allclose(got["h_t"], ref["h_t"], rtol=1e-9, atol=0), (name, case.label)


def test_the_variants_are_told_apart_by_different_hints():
    """Each variant, given to the check, is named as itself (no two variants give the same output)."""
    for name, variant in lc.MISTAKES.items():
        verdict = lc.check_lstm_step_forward(variant, hint=2)
        assert lc.HINTS[name] in verdict.message, (name, verdict.message)


def test_stub_is_not_implemented_yet():
    def lstm_step_forward(x_t, h_prev, c_prev, params):
        raise NotImplementedError("your code here")
    verdict = lc.check_lstm_step_forward(lstm_step_forward)
    assert not verdict.passed and verdict.message.startswith("not implemented yet")


def test_a_missing_cache_entry_is_named_with_its_use():
    def no_o_in_cache(x_t, h_prev, c_prev, params):
        h_t, c_t, cache = right(x_t, h_prev, c_prev, params)
        del cache["o"], cache["tanh_c"]
        return h_t, c_t, cache
    verdict = lc.check_lstm_step_forward(no_o_in_cache)
    assert not verdict.passed
    assert "the cache lacks 'o', 'tanh_c'" in verdict.message and "the output gate o" in verdict.message


def test_a_wrong_cache_entry_is_caught():
    def stale_tanh_c(x_t, h_prev, c_prev, params):
        h_t, c_t, cache = right(x_t, h_prev, c_prev, params)
        cache["tanh_c"] = np.tanh(c_prev)
        return h_t, c_t, cache
    verdict = lc.check_lstm_step_forward(stale_tanh_c)
    assert not verdict.passed and verdict.message.startswith("cache['tanh_c'] is wrong"), verdict.message


def test_a_function_that_changes_its_input_is_told():
    def in_place(x_t, h_prev, c_prev, params):
        h_t, c_t, cache = right(x_t, h_prev, c_prev.copy(), params)
        c_prev *= cache["f"]
        c_prev += cache["i"] * cache["g"]
        return h_t, c_prev, dict(cache, c_t=c_prev)
    verdict = lc.check_lstm_step_forward(in_place, hint=2)
    assert not verdict.passed
    assert "changed its input c_prev" in verdict.message and "c_prev *= ..." in verdict.message


def test_the_check_does_not_change_its_cases():
    before = [tuple(a.copy() if isinstance(a, np.ndarray) else {k: v.copy() for k, v in a.items()}
                    for a in c.args) for c in lc._LSTM_STEP_FORWARD.cases()]

    def scribble(x_t, h_prev, c_prev, params):
        h_prev[...] = 0.0
        params["b"][...] = 0.0
        return right(x_t, h_prev, c_prev, params)
    assert not lc.check_lstm_step_forward(scribble).passed
    for old, case in zip(before, lc._LSTM_STEP_FORWARD.cases()):
        for a, b in zip(old, case.args):
            if isinstance(a, dict):
                assert all(np.array_equal(a[k], b[k]) for k in a)
            else:
                assert np.array_equal(a, b)
    assert lc.check_lstm_step_forward(right).passed


def test_wrong_structure_and_types_get_sentences():
    cases = {
        "two values": (lambda x, h, c, p: right(x, h, c, p)[:2], "returned a tuple of 2"),
        "an array": (lambda x, h, c, p: right(x, h, c, p)[0], "returned a ndarray"),
        "cache a list": (lambda x, h, c, p: right(x, h, c, p)[:2] + ([],), "should be a dict"),
        "list h_t": (lambda x, h, c, p: (right(x, h, c, p)[0].tolist(),) + right(x, h, c, p)[1:],
                     "should be a numpy array"),
        "float32": (lambda x, h, c, p: (right(x, h, c, p)[0].astype(np.float32),) + right(x, h, c, p)[1:],
                    "dtype float32"),
        "shape": (lambda x, h, c, p: (right(x, h, c, p)[0][:, :1],) + right(x, h, c, p)[1:], "has shape"),
        "signature": (lambda x_t, h_prev, params: None, "cannot be called the way the package's is"),
    }
    for label, (fn, words) in cases.items():
        verdict = lc.check_lstm_step_forward(fn)
        assert not verdict.passed and words in verdict.message, (label, verdict.message)


def test_a_shape_error_gets_the_shape_hint():
    def untransposed(x_t, h_prev, c_prev, params):
        a = x_t @ params["W_x"] + h_prev @ params["W_h"].T + params["b"]
        return right(x_t, h_prev, c_prev, params) if a is None else None
    verdict = lc.check_lstm_step_forward(untransposed, hint=2)
    assert not verdict.passed
    assert "raised ValueError" in verdict.message and "x_t @ params['W_x'].T is (N, 4H)" in verdict.message


def test_not_a_function():
    for value in (None, 3, np.zeros(3)):
        verdict = lc.check_lstm_step_forward(value)
        assert not verdict.passed and "needs your function itself" in verdict.message


def test_unrecognised_error_gets_the_general_hint_and_the_worst_entry():
    def h_from_c_prev(x_t, h_prev, c_prev, params):
        h_t, c_t, cache = right(x_t, h_prev, c_prev, params)
        return cache["o"] * np.tanh(c_prev), c_t, cache
    verdict = lc.check_lstm_step_forward(h_from_c_prev, hint=2)
    assert not verdict.passed
    assert verdict.message.startswith("h_t is wrong") and "largest difference" in verdict.message
    assert "c_t = f * c_{t-1} + i * g" in verdict.message


def test_exercises_table():
    check, reference = lc.EXERCISES["lstm_step_forward"]
    assert check is lc.check_lstm_step_forward and reference is lstm.step_forward


# ---- exercise 1: check_forget_share --------------------------------------------------------------

def test_forget_share_right_answers():
    f = 1.0 / (1.0 + np.exp(-1.0))
    for answer in (f ** 49, 2.1e-7, np.float64(f ** 49), float(f) ** 49 * 1.03):
        reply = lc.check_forget_share(answer)
        assert reply.startswith("Right: sigmoid(1) ** 49 = 2.2e-07"), (answer, reply)


def test_forget_share_named_slips_and_wrong_answers():
    f = 1.0 / (1.0 + np.exp(-1.0))
    assert lc.check_forget_share(f ** 50).startswith("Close: count the steps")
    assert "multiply, they do not add" in lc.check_forget_share(49 * f)
    assert lc.check_forget_share(0.5).startswith("Not quite: 0.5. Hint:")
    assert "is not a share" in lc.check_forget_share(3.0)
    for answer in (0.0, 1e-3, 1e-9):
        assert lc.check_forget_share(answer).startswith("Not quite"), answer


def test_forget_share_never_raises():
    assert lc.check_forget_share(None).startswith("Not answered yet")
    for answer in ("2e-7", True, [1e-7], float("nan"), float("inf"), complex(1, 1)):
        reply = lc.check_forget_share(answer)
        assert isinstance(reply, str) and not reply.startswith("Right"), (answer, reply)


# ---- exercise B: the LSTM step backward --------------------------------------------------------------
# Each wrong answer is written out by hand, as a learner would get it wrong.

def _back(dh_t, dc_t, cache, params, *, carry=True, tanh_prime=True, f_of="c_prev", f_in_carry=True,
          g_prime="tanh", order="ifgo"):
    i, f, g, o, tanh_c = cache["i"], cache["f"], cache["g"], cache["o"], cache["tanh_c"]
    dc = dh_t * o * (1 - tanh_c ** 2 if tanh_prime else 1)
    if carry:
        dc = dc + dc_t
    da = {"i": dc * g * i * (1 - i), "f": dc * cache[f_of] * f * (1 - f),
          "g": dc * i * (1 - g ** 2 if g_prime == "tanh" else g * (1 - g)),
          "o": dh_t * tanh_c * o * (1 - o)}
    da_t = np.hstack([da[k] for k in order])
    grads = {"W_x": da_t.T @ cache["x_t"], "W_h": da_t.T @ cache["h_prev"], "b": np.sum(da_t, axis=0)}
    return da_t @ params["W_h"], dc * f if f_in_carry else dc, grads


def back_right(dh_t, dc_t, cache, params):
    return _back(dh_t, dc_t, cache, params)


def back_no_carry(dh_t, dc_t, cache, params):
    return _back(dh_t, dc_t, cache, params, carry=False)


def back_no_tanh_prime(dh_t, dc_t, cache, params):
    return _back(dh_t, dc_t, cache, params, tanh_prime=False)


def back_df_with_c_t(dh_t, dc_t, cache, params):
    return _back(dh_t, dc_t, cache, params, f_of="c_t")


def back_no_f_in_carry(dh_t, dc_t, cache, params):
    return _back(dh_t, dc_t, cache, params, f_in_carry=False)


def back_sigmoid_prime_for_g(dh_t, dc_t, cache, params):
    return _back(dh_t, dc_t, cache, params, g_prime="sigmoid")


def back_cs231n_order(dh_t, dc_t, cache, params):
    return _back(dh_t, dc_t, cache, params, order="ifog")


BACK_MISTAKES = [("dc_not_carried", back_no_carry), ("no_tanh_derivative", back_no_tanh_prime),
                 ("df_uses_c_t", back_df_with_c_t), ("dc_prev_without_f", back_no_f_in_carry),
                 ("candidate_derivative", back_sigmoid_prime_for_g),
                 ("backorder_ifog", back_cs231n_order)]


def test_backward_right_versions_pass():
    for fn in (back_right, lstm.step_backward):
        verdict = lc.check_lstm_step_backward(fn)
        assert verdict.passed, verdict.message


@pytest.mark.parametrize("name, fn", BACK_MISTAKES, ids=[m[0] for m in BACK_MISTAKES])
def test_backward_each_mistake_gets_its_first_then_its_second_message(name, fn):
    lc.check_lstm_step_backward(back_right)                  # a pass forgets earlier failures
    first = lc.check_lstm_step_backward(fn)
    assert not first.passed and lc.BACKWARD_FIRST[name] in first.message, first.message
    assert re.search(r"is wrong in case \d of 6 .*at index \(", first.message), first.message
    assert not any(h in first.message for h in lc.BACKWARD_HINTS.values()), "the formula comes second"
    second = lc.check_lstm_step_backward(fn)                 # the same mistake again
    assert lc.BACKWARD_HINTS[name] in second.message, second.message
    others = {h for n, h in lc.BACKWARD_HINTS.items() if n != name}
    assert not any(h in second.message for h in others), second.message


def test_backward_every_variant_is_recognised_as_itself():
    for name, variant in lc.BACKWARD_MISTAKES.items():
        verdict = lc.check_lstm_step_backward(variant, hint=2)
        assert not verdict.passed and lc.BACKWARD_HINTS[name] in verdict.message, (name, verdict.message)
    assert "(CS231n's order)" in lc.BACKWARD_HINTS["backorder_ifog"]


def test_backward_unrecognised_slip_gets_only_its_outputs_formula():
    def dh_prev_wrong(dh_t, dc_t, cache, params):
        dh_prev, dc_prev, grads = back_right(dh_t, dc_t, cache, params)
        return dh_prev * 2, dc_prev, grads
    first = lc.check_lstm_step_backward(dh_prev_wrong, hint=1)
    assert first.message.startswith("dh_prev is wrong in case 1 of 6") and "Compare" not in first.message
    second = lc.check_lstm_step_backward(dh_prev_wrong, hint=2)
    assert "dh_{t-1} = da_t W_h" in second.message and "dc_{t-1} = dc * f" not in second.message


def test_backward_missing_gradient_and_changed_input_are_named():
    def no_b(dh_t, dc_t, cache, params):
        dh_prev, dc_prev, grads = back_right(dh_t, dc_t, cache, params)
        return dh_prev, dc_prev, {"W_x": grads["W_x"], "W_h": grads["W_h"]}

    def adds_into_dc_t(dh_t, dc_t, cache, params):
        dc_t += dh_t * cache["o"] * (1 - cache["tanh_c"] ** 2)
        return _back(dh_t, dc_t, cache, params, tanh_prime=False, carry=False)
    assert "step_grads has no 'b'" in lc.check_lstm_step_backward(no_b).message
    verdict = lc.check_lstm_step_backward(adds_into_dc_t, hint=2)
    assert "changed its input dc_t" in verdict.message and "dc_t += ..." in verdict.message


def test_the_gradient_check_passes_the_right_step_and_fails_each_mistake():
    errors = lc.lstm_step_gradient_check(back_right)
    assert set(errors) == {"W_x", "W_h", "b", "h_prev", "c_prev"} and max(errors.values()) < 1e-8
    for name, fn in BACK_MISTAKES:
        assert max(lc.lstm_step_gradient_check(fn).values()) > 1e-3, name
    with pytest.raises(TypeError, match="step_backward"):
        lc.lstm_step_gradient_check(None)
