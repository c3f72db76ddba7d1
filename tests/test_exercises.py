"""The implement-it checks (rnn_helpers.exercises): right answers pass, the classic mistakes fail with
their own hint, and nothing a learner writes makes a check raise or print a traceback.

Every wrong implementation below is written out by hand, the way a learner would get it wrong; the
check must recognise it by running its own deliberately wrong variant (mistakes.py) and give that
mistake's hint (mistakes.HINTS).
"""

import ast
import inspect
import pathlib
import re

import numpy as np
import pytest

import rnn_helpers as rh
from rnn_helpers import lstm, text
from rnn_helpers import exercises
from rnn_helpers.seq2seq import attention as seq2seq_attention
from rnn_helpers.exercises import EXERCISES, Verdict, choose
from rnn_helpers.exercises.mistakes import FIRST_HINTS, HINTS, MUTATION_HINTS

PACKAGE = pathlib.Path(rh.__file__).parent / "exercises"


# ---- right answers -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_every_check_passes_its_reference(name):
    check, reference = EXERCISES[name]
    verdict = check(reference)
    assert verdict.passed, verdict.message
    assert verdict.function is reference and verdict.reference is reference


def test_exercises_are_named_after_package_functions():
    assert set(EXERCISES) == {"step_forward", "forward", "step_backward", "backward",
                              "clip_elementwise", "clip_global_norm", "sgd_momentum_update",
                              "lstm_step_forward", "lstm_step_backward", "softmax_xent_backward",
                              "attention"}
    owners = {"lstm_step_forward": (lstm, "step_forward"), "lstm_step_backward": (lstm, "step_backward"),
              "softmax_xent_backward": (text, "softmax_xent_backward"),
              "attention": (seq2seq_attention, "attention")}
    for name, (check, reference) in EXERCISES.items():
        assert check is getattr(exercises, f"check_{name}")
        module, attr = owners.get(name, (rh, name))
        assert reference is getattr(module, attr), f"{name}: the reference must be the package's own"


def step_forward(x_t, s_prev, params, activation="sigmoid"):
    """A learner's right answer, written differently from the package (1 / (1 + exp(-z)))."""
    z = np.dot(x_t, params["U"].T) + np.dot(s_prev, params["W"].T) + params.get("b", 0.0)
    return 1 / (1 + np.exp(-z)) if activation == "sigmoid" else np.tanh(z)


def forward(params, X, activation="sigmoid", s0=None):
    N, T, _ = X.shape
    s = np.zeros((N, params["W"].shape[0])) if s0 is None else s0
    states = [s]
    for t in range(T):
        states.append(step_forward(X[:, t], states[-1], params, activation))
    Y_hat = states[-1] @ params["V"].T + params.get("c", 0.0)
    return Y_hat, {"states": np.array(states), "X": X, "activation": activation, "params": params}


def deriv(s, activation):
    return s * (1 - s) if activation == "sigmoid" else 1 - s ** 2


def step_backward(ds_t, x_t, s_prev, s_t, params, activation="sigmoid"):
    dz = ds_t * deriv(s_t, activation)
    grads = {"U": dz.T @ x_t, "W": dz.T @ s_prev}
    if "b" in params:
        grads["b"] = dz.sum(axis=0)
    return dz @ params["W"], grads


def backward(dY_hat, cache, truncate=None, step=step_backward):
    p, S, X = cache["params"], cache["states"], cache["X"]
    T = X.shape[1]
    k = T if truncate is None or truncate > T else truncate
    grads = {n: np.zeros_like(v) for n, v in p.items()}
    grads["V"] = dY_hat.T @ S[T]
    if "c" in p:
        grads["c"] = dY_hat.sum(axis=0)
    ds = dY_hat @ p["V"]
    for t in range(T, T - k, -1):
        ds, g = step(ds, X[:, t - 1], S[t - 1], S[t], p, cache["activation"])
        for n in g:
            grads[n] = grads[n] + g[n]
    return grads


def clip_elementwise(grads, clip_value=10.0):
    return {n: np.minimum(np.maximum(g, -clip_value), clip_value) for n, g in grads.items()}


def clip_global_norm(grads, clip_norm=1.0):
    norm = np.sqrt(sum((g ** 2).sum() for g in grads.values()))
    if norm <= clip_norm:
        return {n: g.copy() for n, g in grads.items()}, norm
    return {n: g * clip_norm / norm for n, g in grads.items()}, norm


def sgd_momentum_update(theta, grad, velocity, learning_rate, momentum):
    if velocity is None:
        theta -= learning_rate * grad
        return
    velocity[:] = momentum * velocity - learning_rate * grad if momentum else velocity
    theta += velocity if momentum else -learning_rate * grad


LEARNERS = {"step_forward": step_forward, "forward": forward, "step_backward": step_backward,
            "backward": backward, "clip_elementwise": clip_elementwise,
            "clip_global_norm": clip_global_norm, "sgd_momentum_update": sgd_momentum_update}


@pytest.mark.parametrize("name", sorted(LEARNERS))
def test_a_right_answer_written_another_way_passes(name):
    verdict = EXERCISES[name][0](LEARNERS[name])
    assert verdict.passed, verdict.message
    assert "matches the package's" in verdict.message


# ---- the classic mistakes, written by hand -----------------------------------------------------

def sf_transposed(x_t, s_prev, params, activation="sigmoid"):
    return rh.activate(x_t @ params["U"].T + s_prev @ params["W"] + params.get("b", 0), activation)


def sf_no_bias(x_t, s_prev, params, activation="sigmoid"):
    return rh.activate(x_t @ params["U"].T + s_prev @ params["W"].T, activation)


def sf_always_tanh(x_t, s_prev, params, activation="sigmoid"):
    return np.tanh(x_t @ params["U"].T + s_prev @ params["W"].T + params.get("b", 0))


def sf_no_activation(x_t, s_prev, params, activation="sigmoid"):
    return x_t @ params["U"].T + s_prev @ params["W"].T + params.get("b", 0)


def fw_transposed(params, X, activation="sigmoid", s0=None):
    return forward(params, X, activation, s0) if False else _forward_with(sf_transposed, params, X,
                                                                          activation, s0)


def _forward_with(step, params, X, activation, s0, c=True):
    N, T, _ = X.shape
    S = [np.zeros((N, params["W"].shape[0])) if s0 is None else s0]
    for t in range(1, T + 1):
        S.append(step(X[:, t - 1], S[-1], params, activation))
    Y_hat = S[-1] @ params["V"].T + (params.get("c", 0) if c else 0)
    return Y_hat, {"states": np.stack(S), "X": X, "activation": activation, "params": params}


def fw_no_b(params, X, activation="sigmoid", s0=None):
    return _forward_with(sf_no_bias, params, X, activation, s0)


def fw_no_c(params, X, activation="sigmoid", s0=None):
    return _forward_with(step_forward, params, X, activation, s0, c=False)


def fw_ignores_s0(params, X, activation="sigmoid", s0=None):
    return _forward_with(step_forward, params, X, activation, None)


def sb_tutorial_derivative(ds_t, x_t, s_prev, s_t, params, activation="sigmoid"):
    z = x_t @ params["U"].T + s_prev @ params["W"].T + params.get("b", 0)
    dz = ds_t * z * (1 - z) if activation == "sigmoid" else ds_t * (1 - z ** 2)
    grads = {"U": dz.T @ x_t, "W": dz.T @ s_prev}
    if "b" in params:
        grads["b"] = dz.sum(axis=0)
    return dz @ params["W"], grads


def sb_transposed(ds_t, x_t, s_prev, s_t, params, activation="sigmoid"):
    ds_prev, grads = step_backward(ds_t, x_t, s_prev, s_t, params, activation)
    dz = ds_t * deriv(s_t, activation)
    return dz @ params["W"].T, grads


def sb_dW_transposed(ds_t, x_t, s_prev, s_t, params, activation="sigmoid"):
    ds_prev, grads = step_backward(ds_t, x_t, s_prev, s_t, params, activation)
    grads["W"] = grads["W"].T
    return ds_prev, grads


def sb_no_b(ds_t, x_t, s_prev, s_t, params, activation="sigmoid"):
    ds_prev, grads = step_backward(ds_t, x_t, s_prev, s_t, params, activation)
    grads.pop("b", None)
    return ds_prev, grads


def sb_zero_b(ds_t, x_t, s_prev, s_t, params, activation="sigmoid"):
    ds_prev, grads = step_backward(ds_t, x_t, s_prev, s_t, params, activation)
    if "b" in grads:
        grads["b"] = np.zeros_like(grads["b"])
    return ds_prev, grads


def sb_sigmoid_derivative_always(ds_t, x_t, s_prev, s_t, params, activation="sigmoid"):
    return step_backward(ds_t, x_t, s_prev, s_t, params, "sigmoid")


def sb_no_derivative(ds_t, x_t, s_prev, s_t, params, activation="sigmoid"):
    grads = {"U": ds_t.T @ x_t, "W": ds_t.T @ s_prev}
    if "b" in params:
        grads["b"] = ds_t.sum(axis=0)
    return ds_t @ params["W"], grads


def sb_s_t_in_dW(ds_t, x_t, s_prev, s_t, params, activation="sigmoid"):
    ds_prev, grads = step_backward(ds_t, x_t, s_prev, s_t, params, activation)
    grads["W"] = (ds_t * deriv(s_t, activation)).T @ s_t
    return ds_prev, grads


def sb_averaged(ds_t, x_t, s_prev, s_t, params, activation="sigmoid"):
    ds_prev, grads = step_backward(ds_t, x_t, s_prev, s_t, params, activation)
    return ds_prev, {n: g / len(ds_t) for n, g in grads.items()}


def bw_assigned(dY_hat, cache, truncate=None):
    p, S, X = cache["params"], cache["states"], cache["X"]
    T = X.shape[1]
    k = T if truncate is None else min(truncate, T)
    grads = {n: np.zeros_like(v) for n, v in p.items()}
    grads["V"] = dY_hat.T @ S[T]
    if "c" in p:
        grads["c"] = dY_hat.sum(axis=0)
    ds = dY_hat @ p["V"]
    for t in range(T, T - k, -1):
        ds, g = step_backward(ds, X[:, t - 1], S[t - 1], S[t], p, cache["activation"])
        for n in g:
            grads[n] = g[n]                       # = where += belongs
    return grads


def _bw_window(dY_hat, cache, truncate, extra):
    p, S, X = cache["params"], cache["states"], cache["X"]
    T = X.shape[1]
    k = T if truncate is None else min(truncate, T)
    grads = {n: np.zeros_like(v) for n, v in p.items()}
    grads["V"] = dY_hat.T @ S[T]
    if "c" in p:
        grads["c"] = dY_hat.sum(axis=0)
    ds = dY_hat @ p["V"]
    for t in range(T, max(T - k - extra, 0), -1):
        ds, g = step_backward(ds, X[:, t - 1], S[t - 1], S[t], p, cache["activation"])
        for n in g:
            grads[n] += g[n]
    return grads


def bw_one_step_too_many(dY_hat, cache, truncate=None):
    return _bw_window(dY_hat, cache, truncate, 1)            # range(T, T - k - 1, -1)


def bw_one_step_too_few(dY_hat, cache, truncate=None):
    return _bw_window(dY_hat, cache, truncate, -1)           # range(T, T - k + 1, -1)


def bw_ignores_truncate(dY_hat, cache, truncate=None):
    return backward(dY_hat, cache, None)


def bw_tutorial_derivative(dY_hat, cache, truncate=None):
    return backward(dY_hat, cache, truncate, step=sb_tutorial_derivative)


def bw_transposed(dY_hat, cache, truncate=None):
    return backward(dY_hat, cache, truncate, step=sb_transposed)


def bw_no_bias(dY_hat, cache, truncate=None):
    grads = backward(dY_hat, cache, truncate)
    return {n: np.zeros_like(g) if n == "b" else g for n, g in grads.items()}


def bw_no_bias_key(dY_hat, cache, truncate=None):
    grads = backward(dY_hat, cache, truncate)
    grads.pop("c", None)
    return grads


def bw_stale_cache(dY_hat, cache, truncate=None):
    p, S, X = cache["params"], cache["states"], cache["X"]
    T = X.shape[1]
    k = T if truncate is None else min(truncate, T)
    grads = {n: np.zeros_like(v) for n, v in p.items()}
    grads["V"] = dY_hat.T @ S[T]
    if "c" in p:
        grads["c"] = dY_hat.sum(axis=0)
    ds = dY_hat @ p["V"]
    for t in range(T, T - k, -1):
        ds, g = step_backward(ds, X[:, T - 1], S[T - 1], S[T], p, cache["activation"])
        for n in g:
            grads[n] += g[n]
    return grads


def bw_divided_again(dY_hat, cache, truncate=None):
    return {n: g / len(dY_hat) for n, g in backward(dY_hat, cache, truncate).items()}


def ce_in_place(grads, clip_value=10.0):
    for g in grads.values():
        np.clip(g, -clip_value, clip_value, out=g)
    return grads


def ce_one_sided(grads, clip_value=10.0):
    return {n: np.where(g > clip_value, clip_value, g) for n, g in grads.items()}


def ce_by_norm(grads, clip_value=10.0):
    return clip_global_norm(grads, clip_value)[0]


def cn_elementwise(grads, clip_norm=1.0):
    norm = np.sqrt(sum((g ** 2).sum() for g in grads.values()))
    return {n: np.clip(g, -clip_norm, clip_norm) for n, g in grads.items()}, norm


def cn_in_place(grads, clip_norm=1.0):
    norm = np.sqrt(sum((g ** 2).sum() for g in grads.values()))
    if norm > clip_norm:
        for g in grads.values():
            g *= clip_norm / norm
    return grads, norm


def cn_per_array(grads, clip_norm=1.0):
    out = {}
    for n, g in grads.items():
        own = np.linalg.norm(g)
        out[n] = g * clip_norm / own if own > clip_norm else g
    return out, np.sqrt(sum((g ** 2).sum() for g in grads.values()))


def cn_always(grads, clip_norm=1.0):
    norm = np.sqrt(sum((g ** 2).sum() for g in grads.values()))
    return {n: g * clip_norm / norm for n, g in grads.items()}, norm


def cn_norm_after(grads, clip_norm=1.0):
    clipped, _ = clip_global_norm(grads, clip_norm)
    return clipped, np.sqrt(sum((g ** 2).sum() for g in clipped.values()))


def cn_no_sqrt(grads, clip_norm=1.0):
    sq = sum((g ** 2).sum() for g in grads.values())
    factor = clip_norm / sq if sq > clip_norm else 1.0
    return {n: g * factor for n, g in grads.items()}, sq


def mo_wrong_sign(theta, grad, velocity, learning_rate, momentum):
    if velocity is None:
        theta -= learning_rate * grad
        return
    velocity[:] = -momentum * velocity - learning_rate * grad
    theta += velocity


def mo_uphill(theta, grad, velocity, learning_rate, momentum):
    if velocity is None:
        theta += learning_rate * grad
        return
    velocity[:] = momentum * velocity + learning_rate * grad
    theta += velocity


def mo_not_in_place(theta, grad, velocity, learning_rate, momentum):
    if velocity is None:
        theta = theta - learning_rate * grad
        return theta
    velocity = momentum * velocity - learning_rate * grad
    theta = theta + velocity
    return theta, velocity


def mo_subtracts(theta, grad, velocity, learning_rate, momentum):
    if velocity is None:
        theta -= learning_rate * grad
        return
    velocity *= momentum
    velocity -= learning_rate * grad
    theta -= velocity


def mo_old_velocity(theta, grad, velocity, learning_rate, momentum):
    if velocity is None:
        theta -= learning_rate * grad
        return
    theta += velocity
    velocity *= momentum
    velocity -= learning_rate * grad


def mo_no_momentum(theta, grad, velocity, learning_rate, momentum):
    theta -= learning_rate * grad


MISTAKES = [
    # (exercise, wrong implementation, mistake whose hint must appear)
    ("step_forward", sf_transposed, "transposed_W"),
    ("step_forward", sf_no_bias, "forgot_b"),
    ("step_forward", sf_always_tanh, "other_activation"),
    ("step_forward", sf_no_activation, "no_activation"),
    ("forward", fw_transposed, "transposed_W"),
    ("forward", fw_no_b, "forgot_b"),
    ("forward", fw_no_c, "forgot_c"),
    ("forward", fw_ignores_s0, "ignores_s0"),
    ("step_backward", sb_tutorial_derivative, "derivative_of_z"),
    ("step_backward", sb_transposed, "transposed_ds_prev"),
    ("step_backward", sb_dW_transposed, "transposed_dW"),
    ("step_backward", sb_zero_b, "forgot_db"),
    ("step_backward", sb_sigmoid_derivative_always, "other_derivative"),
    ("step_backward", sb_no_derivative, "no_derivative"),
    ("step_backward", sb_s_t_in_dW, "s_t_for_s_prev"),
    ("step_backward", sb_averaged, "averaged"),
    ("backward", bw_assigned, "assigned"),
    ("backward", bw_one_step_too_many, "window_long"),
    ("backward", bw_one_step_too_few, "window_short"),
    ("backward", bw_ignores_truncate, "ignores_truncate"),
    ("backward", bw_tutorial_derivative, "derivative_of_z"),
    ("backward", bw_transposed, "transposed_ds_prev"),
    ("backward", bw_no_bias, "forgot_db"),
    ("backward", bw_stale_cache, "stale_cache"),
    ("backward", bw_divided_again, "divided_by_N"),
    ("clip_elementwise", ce_one_sided, "one_sided"),
    ("clip_elementwise", ce_by_norm, "norm_instead_of_elementwise"),
    ("clip_global_norm", cn_elementwise, "elementwise_instead_of_norm"),
    ("clip_global_norm", cn_per_array, "per_array_norm"),
    ("clip_global_norm", cn_always, "always_rescaled"),
    ("clip_global_norm", cn_norm_after, "norm_after"),
    ("clip_global_norm", cn_no_sqrt, "squared_norm"),
    ("sgd_momentum_update", mo_wrong_sign, "momentum_sign"),
    ("sgd_momentum_update", mo_uphill, "uphill"),
    ("sgd_momentum_update", mo_subtracts, "subtracts_velocity"),
    ("sgd_momentum_update", mo_old_velocity, "stale_velocity"),
    ("sgd_momentum_update", mo_no_momentum, "no_momentum"),
]


@pytest.mark.parametrize("exercise, wrong, mistake", MISTAKES,
                         ids=[f"{e}-{w.__name__}" for e, w, _ in MISTAKES])
def test_each_classic_mistake_fails_with_its_hint(exercise, wrong, mistake):
    check = EXERCISES[exercise][0]
    check(EXERCISES[exercise][1])                       # a pass forgets earlier failures
    first = check(wrong)
    assert not first.passed and FIRST_HINTS[mistake] in first.message, first.message
    assert re.search(r"is wrong in case \d+ of \d+ \(", first.message), "it says where"
    assert not any(h in first.message for h in HINTS.values()), "the formula comes second"
    verdict = check(wrong)                              # the same mistake again: the formula
    assert not verdict.passed
    assert HINTS[mistake] in verdict.message, verdict.message
    assert "Traceback" not in verdict.message and "\n" not in verdict.message


@pytest.mark.parametrize("exercise, wrong", [("clip_elementwise", ce_in_place),
                                             ("clip_global_norm", cn_in_place)])
def test_clipping_that_changes_its_input_is_named(exercise, wrong):
    verdict = EXERCISES[exercise][0](wrong, hint=2)
    assert not verdict.passed
    assert MUTATION_HINTS["clip"] in verdict.message and "changed its input grads[" in verdict.message


@pytest.mark.parametrize("exercise, wrong, words", [
    ("step_backward", sb_no_b, "step_grads has no 'b'"),
    ("backward", bw_no_bias_key, "grads has no 'c'"),
])
def test_a_missing_bias_gradient_is_named(exercise, wrong, words):
    verdict = EXERCISES[exercise][0](wrong)
    assert not verdict.passed and words in verdict.message and "forgotten bias" in verdict.message


# ---- strictness: 1e-6 relative in one entry, shapes, dtypes, inputs -------------------------------

def _spoil(result, how):
    """Apply how(array) to the largest-magnitude entry's array of the first output."""
    if isinstance(result, tuple):
        first, rest = result[0], result[1:]
        return (_spoil(first, how),) + rest
    if isinstance(result, dict):
        key = next(iter(result))
        return {**result, key: how(result[key])}
    return how(result)


def _nudged(a):
    a = np.array(a, dtype=float)
    i = np.unravel_index(np.argmax(np.abs(a)), a.shape)
    a[i] *= 1 + 1e-6
    return a


@pytest.mark.parametrize("name", sorted(set(EXERCISES) - {"sgd_momentum_update"}))
def test_an_error_of_1e_6_relative_in_one_entry_fails(name):
    check, reference = EXERCISES[name]
    verdict = check(lambda *a, **k: _spoil(reference(*a, **k), _nudged))
    assert not verdict.passed and "is wrong in case 1" in verdict.message, verdict.message


def test_an_update_off_by_1e_6_relative_in_one_entry_fails():
    def update(theta, grad, velocity, learning_rate, momentum):
        rh.sgd_momentum_update(theta, grad, velocity, learning_rate, momentum)
        theta.flat[0] *= 1 + 1e-6
    verdict = exercises.check_sgd_momentum_update(update)
    assert not verdict.passed and "theta is wrong" in verdict.message


def test_last_bit_differences_pass():
    def step(x_t, s_prev, params, activation="sigmoid"):
        return np.nextafter(rh.step_forward(x_t, s_prev, params, activation), np.inf)
    assert exercises.check_step_forward(step).passed


def test_wrong_shape_and_dtype_are_named():
    verdict = exercises.check_step_forward(lambda x_t, s_prev, params, activation="sigmoid":
                                           rh.step_forward(x_t, s_prev, params, activation).T)
    assert not verdict.passed and "s_t has shape" in verdict.message and "case 1" in verdict.message
    verdict = exercises.check_step_forward(
        lambda x_t, s_prev, params, activation="sigmoid":
        rh.step_forward(x_t, s_prev, params, activation).astype(np.float32))
    assert not verdict.passed and "dtype float32" in verdict.message
    verdict = exercises.check_forward(lambda params, X, activation="sigmoid", s0=None:
                                      rh.forward(params, X, activation, s0)[0])
    assert not verdict.passed and "(Y_hat, cache)" in verdict.message
    verdict = exercises.check_step_forward(lambda x_t, s_prev, params, activation="sigmoid":
                                           np.full((len(x_t), params["W"].shape[0]), np.nan))
    assert not verdict.passed and "NaN" in verdict.message


def test_a_function_that_changes_its_input_is_named():
    def step(x_t, s_prev, params, activation="sigmoid"):
        s_prev += 0.0 * s_prev + 1.0
        return rh.step_forward(x_t, s_prev - 1.0, params, activation)
    verdict = exercises.check_step_forward(step)
    assert not verdict.passed and "changed its input s_prev" in verdict.message


def test_the_package_update_may_use_grad_as_scratch_but_nothing_else():
    def update(theta, grad, velocity, learning_rate, momentum):
        rh.sgd_momentum_update(theta, grad, velocity, learning_rate, momentum)
        grad += 1.0
    verdict = exercises.check_sgd_momentum_update(update)
    assert not verdict.passed and "changed its input grad" in verdict.message


# ---- what a learner sees: stubs, exceptions, anything passed ------------------------------------

def stub(*args, **kwargs):
    raise NotImplementedError("Exercise A: write it")


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_a_stub_is_not_implemented_yet(name):
    verdict = EXERCISES[name][0](stub)
    assert not verdict.passed and verdict.message.startswith("not implemented yet")
    assert choose(verdict) is EXERCISES[name][1]


def test_another_exception_is_one_line_naming_it_and_the_case():
    def step(x_t, s_prev, params, activation="sigmoid"):
        return x_t @ params["U"] + s_prev @ params["W"].T      # (N, D) @ (H, D): wrong shapes
    verdict = exercises.check_step_forward(step, hint=1)
    assert verdict.message.startswith("step_forward raised ValueError in case 1 of 7 (N=3, D=1, H=4")
    assert "Hint" not in verdict.message
    verdict = exercises.check_step_forward(step, hint=2)
    assert verdict.message.startswith("step_forward raised ValueError in case 1 of 7 (N=3, D=1, H=4")
    assert "\n" not in verdict.message and "Hint: in rows" in verdict.message

    def broken_dict(params, X, activation="sigmoid", s0=None):
        return rh.forward(params, X, activation)[0], params["nope"]
    verdict = exercises.check_forward(broken_dict)
    assert verdict.message.startswith("forward raised KeyError in case 1 of 6") and "'nope'" in verdict.message


def test_a_missing_bias_key_is_reported_with_the_case_that_has_no_biases():
    def step(x_t, s_prev, params, activation="sigmoid"):
        return rh.activate(x_t @ params["U"].T + s_prev @ params["W"].T + params["b"], activation)
    verdict = exercises.check_step_forward(step)
    assert "KeyError" in verdict.message and "no biases" in verdict.message


def test_a_wrong_signature_is_explained():
    verdict = exercises.check_step_forward(lambda x_t, s_prev, params: None)
    assert not verdict.passed and "Keep the stub's first line: def step_forward(" in verdict.message


@pytest.mark.parametrize("value", [None, 3, "step_forward", (1, 2), np.zeros(3), {"a": 1}])
@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_anything_that_is_not_a_function_gets_a_reply(name, value):
    verdict = EXERCISES[name][0](value)
    assert not verdict.passed and f"check_{name}({name})" in verdict.message


@pytest.mark.parametrize("name", sorted(EXERCISES))
@pytest.mark.parametrize("weird", [lambda *a, **k: None, lambda *a, **k: "text",
                                   lambda *a, **k: (None, None), lambda *a, **k: {"U": 1},
                                   lambda *a, **k: 1 / 0, lambda *a, **k: [[1.0]]])
def test_whatever_the_function_returns_or_raises_the_check_replies(name, weird):
    verdict = EXERCISES[name][0](weird)
    assert isinstance(verdict, Verdict) and not verdict.passed and verdict.message


# ---- how a verdict shows, and choose ------------------------------------------------------------

def test_verdict_shows_as_one_coloured_line_without_traceback():
    good = exercises.check_step_forward(rh.step_forward)
    bad = exercises.check_step_forward(stub)
    assert repr(good).startswith("PASSED step_forward: ") and repr(bad).startswith("NOT YET step_forward: ")
    assert "color: #007a5a" in good._repr_html_() and "color: #b54a00" in bad._repr_html_()
    assert "<b>&#10008; NOT YET step_forward</b>: not implemented yet" in bad._repr_html_()
    html = exercises.check_step_forward(lambda *a: 1 / 0)._repr_html_()
    assert "Traceback" not in html and html.count("<div") == 1


def test_choose_says_which_function_the_cells_below_use(capsys):
    verdict = exercises.check_forward(forward)
    assert choose(verdict) is forward
    assert capsys.readouterr().out == "The cells below use your forward (it passed its check).\n"
    assert choose(exercises.check_forward(fw_no_c)) is rh.forward
    assert capsys.readouterr().out == ("The cells below use the package's rh.forward: yours has not "
                                       "passed its check yet.\n")
    with pytest.raises(TypeError, match="verdict"):
        choose(forward)


# ---- reply-in-words checkers ----------------------------------------------------------------------

@pytest.mark.parametrize("check, right, wrong", [
    (exercises.check_window_count, 250, 251),
    (exercises.check_parameter_count, 1186, 1184),
    (exercises.check_clip_factor, 0.25, 0.5),
    (exercises.check_fall_per_epoch, 10, 1),
    (exercises.check_detach_answer, 2, 12),
])
def test_number_checkers_reply_in_words(check, right, wrong):
    assert check(right).startswith("Right")
    assert check(float(right)).startswith("Right")
    assert check(wrong).startswith("Not quite")
    assert check(None).startswith("Not answered yet")
    for junk in ("250", True, [1], 1 + 2j, float("nan"), float("inf"), object()):
        reply = check(junk)
        assert isinstance(reply, str) and not reply.startswith("Right"), (junk, reply)


def test_offset_rule_checker():
    right = (2 * np.cos(1), -1, 6 * (1 - np.cos(1)))
    assert exercises.check_offset_rule(*right).startswith("Right")
    assert exercises.check_offset_rule(2 * np.cos(1), -1, 0).startswith("Not quite")
    assert exercises.check_offset_rule(None, -1, 0).startswith("Not answered yet")
    assert exercises.check_offset_rule(1, "x", 0).startswith("b: ")


@pytest.mark.parametrize("kwargs, name", [(dict(T=0), "T"), (dict(k=2.5), "k"), (dict(k=True), "k")])
def test_detach_checker_rejects_bad_settings_by_name(kwargs, name):
    with pytest.raises((TypeError, ValueError), match=name):
        exercises.check_detach_answer(2, **kwargs)


@pytest.mark.parametrize("data", ["sine", (1, 2), (np.zeros((2, 3)),) * 4])
def test_truncation_checker_rejects_bad_data_by_name(data):
    with pytest.raises((TypeError, ValueError), match="data"):
        exercises.check_truncation(2, data=data)


# ---- printed sources, module layout -------------------------------------------------------------

def test_teaching_source_folds_the_argument_checks():
    text = exercises.teaching_source(rh.clip_global_norm)
    assert "# (argument checks omitted: 2 lines; they set clip_norm, arrays)" in text
    assert "check_positive_float" not in text and "norm = global_norm(arrays)" in text
    assert exercises.teaching_source(rh.rnn._step_forward) == \
        inspect.getsource(rh.rnn._step_forward)
    with pytest.raises(TypeError, match="fn"):
        exercises.teaching_source(len)
    with pytest.raises(TypeError, match=r"fns\[1\]"):
        exercises.show_source(rh.forward, "forward")


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_each_exercises_module_is_short_and_declares_all(path):
    source = path.read_text()
    assert len(source.splitlines()) <= 500, f"{path.name} is over 500 lines"
    tree = ast.parse(source)
    assert any(isinstance(n, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in n.targets)
               for n in tree.body), f"{path.name} has no __all__"



@pytest.mark.parametrize("answer, reply", [
    (None, "Not answered yet"), ("2.6", "'2.6' is not a number"), (2.5, "Not quite: 2.5000"),
    (np.sqrt(7.0), "Right: 2.6458"), (np.sqrt(7.0) / 15, "Not quite"),
])
def test_max_val_checker_replies_in_words(answer, reply):
    values = np.array([10.0, 12.0, 11.0, 15.0])      # day-to-day errors 2, -1, 4: RMSE sqrt(7)
    assert exercises.check_max_val_answer(answer, values).startswith(reply)


def test_max_val_checker_names_a_bad_series():
    with pytest.raises(ValueError, match="values"):
        exercises.check_max_val_answer(1.0, [3.0])
    with pytest.raises(TypeError, match="values"):
        exercises.check_max_val_answer(1.0, ["a", "b"])


# ---- checks that cannot be fooled --------------------------------------------------------------------

def fw_cache_fixed_activation(params, X, activation="sigmoid", s0=None):
    Y_hat, cache = forward(params, X, activation, s0)
    return Y_hat, dict(cache, activation="sigmoid")          # the default, whatever was asked


def fw_cache_other_X(params, X, activation="sigmoid", s0=None):
    Y_hat, cache = forward(params, X, activation, s0)
    return Y_hat, dict(cache, X=X[:, ::-1])                  # the window reversed


def fw_cache_other_params(params, X, activation="sigmoid", s0=None):
    Y_hat, cache = forward(params, X, activation, s0)
    return Y_hat, dict(cache, params=dict(params, W=params["W"].T))


def test_every_cache_entry_is_compared_by_value():
    first = exercises.check_forward(fw_cache_fixed_activation, hint=1)
    assert first.message.startswith("cache['activation'] is wrong in case 2 of 6"), first.message
    assert "(yours 'sigmoid', right 'tanh')" in first.message
    assert FIRST_HINTS["cache_activation"] in first.message
    assert HINTS["cache_activation"] in exercises.check_forward(fw_cache_fixed_activation, hint=2).message
    assert exercises.check_forward(fw_cache_other_X).message.startswith("cache['X'] is wrong in case 1")
    assert exercises.check_forward(fw_cache_other_params).message.startswith(
        "cache['params']['W'] is wrong in case 1")


def ce_returns_callers_arrays(grads, clip_value=10.0):
    """Clips only the arrays that need it, and hands back the caller's own arrays otherwise."""
    return {n: g if np.abs(g).max() <= clip_value else np.clip(g, -clip_value, clip_value)
            for n, g in grads.items()}


def cn_returns_callers_arrays(grads, clip_norm=1.0):
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))
    if norm <= clip_norm:
        return grads, norm
    return {n: g * (clip_norm / norm) for n, g in grads.items()}, norm


@pytest.mark.parametrize("exercise, wrong", [("clip_elementwise", ce_returns_callers_arrays),
                                             ("clip_global_norm", cn_returns_callers_arrays)])
def test_returning_the_callers_own_arrays_is_named(exercise, wrong):
    first = EXERCISES[exercise][0](wrong, hint=1)
    assert not first.passed and "is the caller's own array grads[" in first.message, first.message
    assert "(the same memory)" in first.message and "returns a new array" in first.message
    second = EXERCISES[exercise][0](wrong, hint=2)
    assert "Return a new array" in second.message


def test_a_cache_that_keeps_the_callers_X_like_the_package_is_not_aliasing():
    def keeps_X(params, X, activation="sigmoid", s0=None):
        return rh.forward(params, X, activation, s0)           # the package's cache keeps X as given
    assert exercises.check_forward(keeps_X).passed


def test_an_in_place_update_that_changes_nothing_is_said_to_not_change():
    first = exercises.check_sgd_momentum_update(mo_not_in_place, hint=1)
    assert not first.passed and first.message.startswith("theta did not change in case 1 of 5")
    assert "is wrong" not in first.message
    second = exercises.check_sgd_momentum_update(mo_not_in_place, hint=2)
    assert "theta = ... inside the function makes a new array" in second.message

    def velocity_rebound(theta, grad, velocity, learning_rate, momentum):
        new = momentum * velocity - learning_rate * grad if velocity is not None else -learning_rate * grad
        theta += new
        velocity = new                                           # the caller's velocity stays
    verdict = exercises.check_sgd_momentum_update(velocity_rebound)
    assert verdict.message.startswith("velocity did not change in case 1 of 5"), verdict.message


def test_a_float32_result_is_named_as_a_dtype_problem():
    def norm_in_float32(grads, clip_norm=1.0):
        clipped, norm = rh.clip_global_norm(grads, clip_norm)
        return clipped, np.float32(norm)
    verdict = exercises.check_clip_global_norm(norm_in_float32)
    assert "dtype float32" in verdict.message and "yours" not in verdict.message

    def step_in_float32(x_t, s_prev, params, activation="sigmoid"):
        return rh.step_forward(x_t, s_prev, params, activation).astype(np.float32)
    assert "has dtype float32, but should have dtype float64" in \
        exercises.check_step_forward(step_in_float32).message


def test_values_that_print_alike_are_shown_with_every_digit():
    def tiny_slip(x_t, s_prev, params, activation="sigmoid"):
        s = rh.step_forward(x_t, s_prev, params, activation)
        s.flat[0] *= 1 + 1e-8
        return s
    message = exercises.check_step_forward(tiny_slip).message
    assert "they differ only in the last digits" in message, message


def test_a_second_failure_of_another_kind_gets_the_first_message_again():
    exercises.check_step_forward(rh.step_forward)
    assert HINTS["forgot_b"] not in exercises.check_step_forward(sf_no_bias).message
    assert HINTS["forgot_b"] in exercises.check_step_forward(sf_no_bias).message
    assert HINTS["transposed_W"] not in exercises.check_step_forward(sf_transposed).message
    with pytest.raises(ValueError, match="hint"):
        exercises.check_step_forward(sf_no_bias, hint=3)


def _solution_lines():
    """Every line of code in the instructor notebooks' solutions to the implement-it exercises (and
    of the package's references), stripped: the lines a learner is asked to write."""
    import nbformat
    lines = set()
    for path in sorted((PACKAGE.parent.parent / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if "solution" in cell.metadata.get("tags", []) and cell.cell_type == "code" and \
                    re.search(r"^def (\w+)\(", cell.source, flags=re.M) and \
                    re.search(r"^def (\w+)\(", cell.source, flags=re.M).group(1) in EXERCISES:
                lines.update(cell.source.splitlines())
    for _, reference in EXERCISES.values():
        lines.update(inspect.getsource(reference).splitlines())
    code = set()
    for line in lines:
        line = line.split("#")[0].strip()
        if len(line) >= 12 and not line.startswith(("def ", '"""', "return ", "raise ")) and \
                ("=" in line or line.startswith("for ")):
            code.add(line)
    return code


def test_no_hint_writes_a_whole_line_the_learner_must_write():
    from rnn_helpers.exercises import lstm_checks as lc, text_checks as tc
    texts = [*HINTS.values(), *FIRST_HINTS.values(), *MUTATION_HINTS.values(), *lc.HINTS.values(),
             *lc.BACKWARD_HINTS.values(), *tc.HINTS.values()]
    for ex in [e for e in vars(exercises.implement).values() if isinstance(e, exercises.engine.Exercise)] + \
            [lc._LSTM_STEP_FORWARD, lc._LSTM_STEP_BACKWARD, tc._SOFTMAX_XENT_BACKWARD]:
        hint = ex.hint if isinstance(ex.hint, dict) else {"": ex.hint}
        texts += [*hint.values(), ex.mutation_hint or "", ex.shape_hint or "", *ex.missing.values()]
    solution = _solution_lines()
    assert len(solution) > 40
    for said in texts:
        squashed = said.replace(" ", "")
        for line in solution:
            assert line.replace(" ", "") not in squashed, (line, said)
    assert not any("range(T, T - k, -1)" in t for t in texts)


# ---- no answer before the try ------------------------------------------------------------------------

def test_show_source_withholds_an_answer_until_the_check_passes(monkeypatch, capsys):
    from rnn_helpers.exercises import gate
    monkeypatch.setattr(gate, "_PASSED", set())
    exercises.show_source(rh.rnn._step_forward, rh.global_norm)
    out = capsys.readouterr().out
    assert "z_t = x_t @" not in out and "rnn._step_forward is not shown yet" in out
    assert "rh.exercises.reveal('step_forward')" in out and "def global_norm" in out
    exercises.check_step_forward(sf_no_bias)                    # a failure opens nothing
    exercises.show_source(rh.rnn._step_forward)
    assert "is not shown yet" in capsys.readouterr().out
    exercises.check_step_forward(step_forward)                  # the learner's right answer
    exercises.show_source(rh.rnn._step_forward)
    assert "z_t = x_t @" in capsys.readouterr().out


def test_reveal_shows_the_answer_on_request_and_says_what_it_costs(monkeypatch, capsys):
    from rnn_helpers.exercises import gate
    monkeypatch.setattr(gate, "_PASSED", set())
    exercises.reveal("lstm_step_backward")
    out = capsys.readouterr().out
    assert out.startswith("You asked for the package's answer to lstm_step_backward before yours")
    assert "the search is where this exercise teaches" in out and "def _step_backward" in out
    exercises.check_lstm_step_backward(lstm.step_backward)
    exercises.reveal("lstm_step_backward")
    assert not capsys.readouterr().out.startswith("You asked")
    with pytest.raises(ValueError, match="name must be one of the exercises"):
        exercises.reveal("nope")
    assert set(gate.ANSWERS) == set(EXERCISES)


@pytest.mark.parametrize("guess, runs", [("", False), ("   ", False), (None, False), (True, False),
                                         ("it goes down", True), (0.1, True), (3, True)])
def test_guessed_runs_a_predict_cell_only_once_a_guess_is_written(guess, runs, capsys):
    assert exercises.guessed(guess) is runs
    assert ("Write your prediction in my_guess first" in capsys.readouterr().out) is not runs
