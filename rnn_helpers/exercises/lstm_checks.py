"""The exercises of notebook 8 with a check: one step of the LSTM, and an answer with a number.

    check_lstm_step_forward(fn)        notebook 8, exercise A   mirrors rnn_helpers.lstm.step_forward
    check_lstm_step_backward(fn)       notebook 8, exercise B   mirrors rnn_helpers.lstm.step_backward
    lstm_step_gradient_check(fn)       notebook 8, exercise B   the learner's own gradient check
    check_forget_share(answer)         notebook 8, exercise 1   what is left of c_1 in c_50

The learner writes lstm_step_forward(x_t, h_prev, c_prev, params) -> (h_t, c_t, cache), with the
package's blocks order [i f g o] (PyTorch's):

    a_t = x_t W_x^T + h_{t-1} W_h^T + b                      (N, 4H)
    i = sigmoid(a_i),  f = sigmoid(a_f),  g = tanh(a_g),  o = sigmoid(a_o)      (N, H) each
    c_t = f * c_{t-1} + i * g,   h_t = o * tanh(c_t)          (N, H)
    cache = {"x_t", "h_prev", "c_prev", "i", "f", "g", "o", "c_t", "tanh_c"}

The check runs it on seeded cases (several N, D and H; random weights, biases and states, so that no
term can hide behind a zero) and compares h_t, c_t and every entry of the cache with the package's,
as every check of rnn_helpers.exercises does (engine.run_check). The cache is compared too because
the notebook walks lstm.step_backward over the caches the learner's function makes. A wrong result
that equals a deliberately wrong variant, run on the same case, gets that mistake's hint:

    order_<xyzw>        the four blocks of a_t read in another order than i, f, g, o (each of the
                        23 wrong orders is a variant; "order_ifog" is CS231n's order)
    swapped_activations tanh for the three gates and sigmoid for the candidate g
    swapped_everywhere  the same, and h_t = o * sigmoid(c_t)
    no_output_gate      h_t = tanh(c_t), the output gate left out
    no_forget_gate      c_t = c_{t-1} + i * g
    forgot_b            a_t without the bias b

EXERCISES maps the name to (check function, reference function), like implement.EXERCISES.

check_forget_share replies in words, as the checkers of answers.py do (None: not answered yet; it
never raises, whatever was typed), and computes the truth itself so that the notebook cell that
calls it does not show the answer.
"""

import itertools
import math
import numbers

import numpy as np

from ..cells import lstm as _lstm
from .engine import Case, Exercise, Wrong, run_check

__all__ = ["check_lstm_step_forward", "check_lstm_step_backward", "lstm_step_gradient_check",
           "check_forget_share", "HINTS", "FIRST", "MISTAKES", "BACKWARD_HINTS", "BACKWARD_FIRST",
           "BACKWARD_MISTAKES", "EXERCISES"]

ORDER = ("i", "f", "g", "o")                # the package's and PyTorch's order of the four blocks
CACHE_KEYS = ("x_t", "h_prev", "c_prev", "i", "f", "g", "o", "c_t", "tanh_c")

_BLOCK_WORDS = "rows 0 .. H-1 of W_x, W_h and b belong to the input gate i, H .. 2H-1 to the forget " \
               "gate f, 2H .. 3H-1 to the candidate g and 3H .. 4H-1 to the output gate o"
_ACTIVATION_HINT = ("tanh and sigmoid are swapped. The three gates i, f and o are sigmoids (values in "
                    "(0, 1): how much to let through), the candidate g is a tanh (a new value in "
                    "(-1, 1)), and h_t = o * tanh(c_t).")


def _order_hint(order):
    named = ", ".join(order)
    source = " (CS231n's order)" if order == ("i", "f", "o", "g") else ""
    return (f"the four gates are read from a_t in the order {named}{source}, but the package, like "
            f"PyTorch's nn.LSTM, stacks them as i, f, g, o: {_BLOCK_WORDS}.")


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _variant(x_t, h_prev, c_prev, params, order=ORDER, gate=_sigmoid, candidate=np.tanh,
             squash_c=np.tanh, output_gate=True, forget_gate=True, bias=True):
    """lstm.step_forward written with one deliberate mistake (the keywords say which)."""
    H = params["W_h"].shape[1]
    a_t = x_t @ params["W_x"].T + h_prev @ params["W_h"].T
    if bias:
        a_t = a_t + params["b"]
    blocks = {name: a_t[:, k * H:(k + 1) * H] for k, name in enumerate(order)}
    i, f, o = gate(blocks["i"]), gate(blocks["f"]), gate(blocks["o"])
    g = candidate(blocks["g"])
    c_t = (f * c_prev if forget_gate else c_prev) + i * g
    tanh_c = squash_c(c_t)
    h_t = o * tanh_c if output_gate else tanh_c
    cache = {"x_t": x_t, "h_prev": h_prev, "c_prev": c_prev, "i": i, "f": f, "g": g, "o": o,
             "c_t": c_t, "tanh_c": tanh_c}
    return h_t, c_t, cache


def _with(**flags):
    def variant(x_t, h_prev, c_prev, params):
        return _variant(x_t, h_prev, c_prev, params, **flags)
    return variant


FIRST = {
    "swapped_activations": "tanh and sigmoid are swapped somewhere",
    "swapped_everywhere": "tanh and sigmoid are swapped everywhere",
    "no_output_gate": "the output gate is left out",
    "no_forget_gate": "the forget gate is left out",
    "forgot_b": "the bias b is left out",
}
HINTS = {
    "swapped_activations": _ACTIVATION_HINT,
    "swapped_everywhere": _ACTIVATION_HINT,
    "no_output_gate": "the output gate is missing: h_t = o * tanh(c_t), not tanh(c_t). The gate o "
                      "decides how much of the cell state the rest of the network sees at this step.",
    "no_forget_gate": "the forget gate is missing: c_t = f * c_{t-1} + i * g. Without f the cell state "
                      "can only add, never forget, and its gradient path has nothing to control it.",
    "forgot_b": "the bias b is missing: a_t = x_t W_x^T + h_{t-1} W_h^T + b (numpy broadcasts b, "
                "shape (4H,), over the N rows).",
}
MISTAKES = {
    "swapped_activations": _with(gate=np.tanh, candidate=_sigmoid),
    "swapped_everywhere": _with(gate=np.tanh, candidate=_sigmoid, squash_c=_sigmoid),
    "no_output_gate": _with(output_gate=False),
    "no_forget_gate": _with(forget_gate=False),
    "forgot_b": _with(bias=False),
}
for _order in itertools.permutations(ORDER):
    if _order != ORDER:
        _name = "order_" + "".join(_order)
        HINTS[_name] = _order_hint(_order)
        FIRST[_name] = "the four gate blocks of a_t are read in another order than the package's"
        MISTAKES[_name] = _with(order=_order)
del _order, _name


def _rng(seed):
    return np.random.default_rng(30_000 + seed)


# (N, D, H): from a single unit to several records, inputs and units; H = 1 makes every block one column.
_SIZES = [(3, 1, 4), (2, 2, 3), (1, 1, 1), (4, 3, 2), (2, 1, 5), (5, 2, 3)]


def _params(rng, H, D, O=1):
    """Weights of moderate size (no gate saturated) and non-zero biases, in init_params' layout."""
    return {"W_x": rng.uniform(-0.9, 0.9, (4 * H, D)),
            "W_h": rng.uniform(-0.9, 0.9, (4 * H, H)) / np.sqrt(H),
            "b": rng.normal(0.0, 0.5, 4 * H),
            "V": rng.uniform(-0.9, 0.9, (O, H)),
            "c": rng.normal(0.0, 0.5, O)}


def _cases():
    cases = []
    n = len(_SIZES)
    for k, (N, D, H) in enumerate(_SIZES):
        rng = _rng(k)
        params = _params(rng, H, D)
        x_t = rng.normal(size=(N, D))
        h_prev = np.tanh(rng.normal(size=(N, H)))          # like a state: in (-1, 1)
        c_prev = rng.normal(0.0, 1.0, (N, H))              # the cell state is not bounded
        cases.append(Case(f"case {k + 1} of {n} (N={N}, D={D}, H={H})", (x_t, h_prev, c_prev, params)))
    return cases


_CACHE_USE = {
    "x_t": "x_t itself (for dW_x)", "h_prev": "h_{t-1} (for dW_h)", "c_prev": "c_{t-1} (for df)",
    "i": "the input gate i", "f": "the forget gate f", "g": "the candidate g",
    "o": "the output gate o", "c_t": "the new cell state c_t", "tanh_c": "tanh(c_t)",
}


def _outputs(ret, args, kwargs):
    if not isinstance(ret, tuple) or len(ret) != 3:
        what = f"a tuple of {len(ret)}" if isinstance(ret, tuple) else f"a {type(ret).__name__}"
        raise Wrong(f"lstm_step_forward should return three things, (h_t, c_t, cache), as the "
                    f"docstring says, but returned {what}")
    h_t, c_t, cache = ret
    if not isinstance(cache, dict):
        raise Wrong(f"the third value returned, cache, should be a dict name -> array, but is a "
                    f"{type(cache).__name__}")
    lacking = [k for k in CACHE_KEYS if k not in cache]
    if lacking:
        listing = "; ".join(f"{k!r}: {_CACHE_USE[k]}" for k in lacking)
        raise Wrong(f"the cache lacks {', '.join(repr(k) for k in lacking)} ({listing}). "
                    "lstm.step_backward reads all nine keys, so the cache must hold "
                    f"{', '.join(repr(k) for k in CACHE_KEYS)}")
    out = {"h_t": _array(h_t, "h_t, the first value returned,"),
           "c_t": _array(c_t, "c_t, the second value returned,")}
    for key in CACHE_KEYS:
        out[f"cache[{key!r}]"] = _array(cache[key], f"cache[{key!r}]")
    return out


def _array(value, what):
    if not isinstance(value, np.ndarray):
        raise Wrong(f"{what} should be a numpy array, but is a {type(value).__name__}")
    return value


_LSTM_STEP_FORWARD = Exercise(
    name="lstm_step_forward", reference=_lstm.step_forward,
    arg_names=("x_t", "h_prev", "c_prev", "params"), make_cases=_cases, outputs=_outputs,
    mistakes=MISTAKES, hints=HINTS, first_hints=FIRST,
    coverage="N from 1 to 5, D from 1 to 3, H from 1 to 5; random weights, biases and states",
    hint="Compare with a_t = x_t W_x^T + h_{t-1} W_h^T + b, the blocks [i f g o] of H columns each, "
         "c_t = f * c_{t-1} + i * g and h_t = o * tanh(c_t); the cache holds the inputs, the four "
         "gates, c_t and tanh(c_t).",
    mutation_hint="the caller's arrays must stay as they were (forward keeps every step's states): "
                  "compute c_t as a new array from c_prev, not by changing c_prev (c_prev *= ...).",
    shape_hint="x_t is (N, D) and W_x is (4H, D), so x_t @ params['W_x'].T is (N, 4H); likewise "
               "h_prev @ params['W_h'].T. Each gate is a block of H columns of a_t.")


def check_lstm_step_forward(learner_fn, hint=None):
    """Check the learner's lstm_step_forward(x_t, h_prev, c_prev, params) against lstm.step_forward.

    Returns a Verdict (.passed, .message): green when h_t, c_t and the cache match on every seeded
    case, else the first problem, with a hint when it is one of the mistakes in HINTS.
    """
    return run_check(_LSTM_STEP_FORWARD, learner_fn, hint)


EXERCISES = {
    "lstm_step_forward": (check_lstm_step_forward, _lstm.step_forward),
}


def check_forget_share(answer):
    """Notebook 8, exercise 1: with f = sigmoid(1) at every step and nothing else reaching the cell
    state, which share of c_1 is left in c_50? (49 multiplications by f.) Returns a reply in words."""
    if answer is None:
        return "Not answered yet: replace None with your number."
    if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, numbers.Real):
        return f"{answer!r} is not a number: write a number without quotes (2 ** -3 or 1e-5 work)."
    answer = float(answer)
    if not math.isfinite(answer):
        return f"{answer!r} is not a finite number."
    f = 1.0 / (1.0 + math.exp(-1.0))
    truth = f ** 49
    if math.isclose(answer, truth, rel_tol=0.05):
        return (f"Right: sigmoid(1) ** 49 = {truth:.2g}. Each of the 49 steps from c_1 to c_50 "
                "multiplies what is left of c_1 by f: without learning to open the gate, almost "
                "nothing of step 1 is left.")
    if math.isclose(answer, f ** 50, rel_tol=0.05):
        return "Close: count the steps. From c_1 to c_50 there are 49 multiplications by f, not 50."
    if math.isclose(answer, 49 * f, rel_tol=0.05) or math.isclose(answer, 1 - 49 * (1 - f), rel_tol=0.05):
        return (f"Not quite: {answer:.3g}. The shares multiply, they do not add: each step keeps a "
                "share f of what is left.")
    if 0.0 <= answer <= 1.0:
        return (f"Not quite: {answer:.3g}. Hint: c_t = f * c_(t-1) + ..., so each step from c_1 to "
                "c_50 multiplies what is left of c_1 by f = sigmoid(1), about 0.73.")
    return (f"Not quite: {answer:.3g} is not a share (between 0 and 1). Hint: each step keeps a "
            "share f = sigmoid(1), about 0.73, of what is left of c_1.")


# --- notebook 8, exercise B: one step back through the LSTM ---------------------------------------
#
# The learner writes lstm_step_backward(dh_t, dc_t, cache, params) -> (dh_prev, dc_prev, step_grads),
# mirroring rnn_helpers.lstm.step_backward. The classic mistakes, each written below as a variant of
# the right step (_backward_variant's keywords say which):
#
#     dc_not_carried       dc = dh_t o tanh'(c_t): the dc_t arriving from step t + 1 is dropped
#     no_tanh_derivative   dc = dc_t + dh_t o: tanh'(c_t) = 1 - tanh^2(c_t) forgotten
#     df_uses_c_t          df = dc c_t, where the forget gate multiplied c_{t-1}
#     dc_prev_without_f    dc_{t-1} = dc, the forget gate left out of the carried gradient
#     candidate_derivative the candidate g gets sigmoid's derivative g (1 - g), not tanh's 1 - g^2
#     backorder_<xyzw>     the four blocks of da_t stacked in another order than i, f, g, o (each of
#                          the 23 wrong orders; "backorder_ifog" is CS231n's)

_DSIGMOID = "x (1 - x)"


def _backward_variant(dh_t, dc_t, cache, params, carry=True, tanh_derivative=True, df_from="c_prev",
                      forget_in_carry=True, g_derivative="tanh", order=ORDER):
    """lstm.step_backward written with one deliberate mistake (the keywords say which)."""
    i, f, g, o, tanh_c = (cache[k] for k in ("i", "f", "g", "o", "tanh_c"))
    through_h = dh_t * o * ((1.0 - tanh_c * tanh_c) if tanh_derivative else 1.0)
    dc = (dc_t + through_h) if carry else through_h
    do = dh_t * tanh_c
    di = dc * g
    df = dc * cache[df_from]
    dg = dc * i
    blocks = {"i": di * i * (1.0 - i), "f": df * f * (1.0 - f),
              "g": dg * ((1.0 - g * g) if g_derivative == "tanh" else g * (1.0 - g)),
              "o": do * o * (1.0 - o)}
    da_t = np.concatenate([blocks[name] for name in order], axis=1)
    step_grads = {"W_x": da_t.T @ cache["x_t"], "W_h": da_t.T @ cache["h_prev"], "b": da_t.sum(axis=0)}
    dh_prev = da_t @ params["W_h"]
    dc_prev = dc * f if forget_in_carry else dc
    return dh_prev, dc_prev, step_grads


def _back_with(**flags):
    def variant(dh_t, dc_t, cache, params):
        return _backward_variant(dh_t, dc_t, cache, params, **flags)
    return variant


BACKWARD_FIRST = {
    "dc_not_carried": "the cell state's gradient from the next step, dc_t, is not carried into dc",
    "no_tanh_derivative": "the derivative of tanh(c_t) is missing on the way from h_t to c_t",
    "df_uses_c_t": "the forget gate's gradient multiplies the wrong cell state",
    "dc_prev_without_f": "the gradient passed to c_{t-1} skips the forget gate",
    "candidate_derivative": "the candidate g gets the wrong activation's derivative",
}
BACKWARD_HINTS = {
    "dc_not_carried": "c_t reaches the loss in two ways, through h_t and through c_{t+1}: dc = dc_t + "
                      "dh_t * o * (1 - tanh^2(c_t)). The dc_t argument is what step t + 1 passed back "
                      "(zeros only at the last step); without it the long-range path of the LSTM is cut.",
    "no_tanh_derivative": "h_t = o * tanh(c_t), so the gradient reaching c_t through h_t is "
                          "dh_t * o * tanh'(c_t), with tanh'(c_t) = 1 - tanh^2(c_t) (the cache holds "
                          "tanh_c).",
    "df_uses_c_t": "c_t = f * c_{t-1} + i * g, so df = dc * c_{t-1} (cache['c_prev']), not dc * c_t.",
    "dc_prev_without_f": "from c_t to c_{t-1} the gradient is multiplied by f: dc_{t-1} = dc * f.",
    "candidate_derivative": "g = tanh(a_g), so its block of da_t is dg * (1 - g^2); g (1 - g) is the "
                            "sigmoid's derivative, right for i, f and o only.",
}
BACKWARD_MISTAKES = {
    "dc_not_carried": _back_with(carry=False),
    "no_tanh_derivative": _back_with(tanh_derivative=False),
    "df_uses_c_t": _back_with(df_from="c_t"),
    "dc_prev_without_f": _back_with(forget_in_carry=False),
    "candidate_derivative": _back_with(g_derivative="sigmoid"),
}
for _order in itertools.permutations(ORDER):
    if _order != ORDER:
        _name = "backorder_" + "".join(_order)
        _named = ", ".join(_order)
        _cs231n = " (CS231n's order)" if _order == ("i", "f", "o", "g") else ""
        BACKWARD_FIRST[_name] = "the four gate blocks of da_t are stacked in another order than a_t's"
        BACKWARD_HINTS[_name] = (
            f"the blocks of da_t are stacked in the order {_named}{_cs231n}, but a_t's columns are "
            f"i, f, g, o ({_BLOCK_WORDS}), and da_t must line up with them: dW_x, dW_h and db then "
            "have each gate's gradient in that gate's rows.")
        BACKWARD_MISTAKES[_name] = _back_with(order=_order)
del _order, _name, _named, _cs231n


def _backward_cases():
    cases = []
    n = len(_SIZES)
    for k, (N, D, H) in enumerate(_SIZES):
        rng = _rng(100 + k)
        params = _params(rng, H, D)
        x_t = rng.normal(size=(N, D))
        h_prev = np.tanh(rng.normal(size=(N, H)))
        c_prev = rng.normal(0.0, 1.0, (N, H))
        _, _, cache = _lstm.step_forward(x_t, h_prev, c_prev, params)
        dh_t = rng.normal(size=(N, H))
        dc_t = rng.normal(size=(N, H))              # not zero: the carried path must show
        cases.append(Case(f"case {k + 1} of {n} (N={N}, D={D}, H={H})", (dh_t, dc_t, cache, params)))
    return cases


def _backward_outputs(ret, args, kwargs):
    if not isinstance(ret, tuple) or len(ret) != 3:
        what = f"a tuple of {len(ret)}" if isinstance(ret, tuple) else f"a {type(ret).__name__}"
        raise Wrong(f"lstm_step_backward should return three things, (dh_prev, dc_prev, step_grads), "
                    f"as the docstring says, but returned {what}")
    dh_prev, dc_prev, grads = ret
    if not isinstance(grads, dict):
        raise Wrong(f"the third value returned, step_grads, should be a dict name -> array, but is a "
                    f"{type(grads).__name__}")
    out = {"dh_prev": _array(dh_prev, "dh_prev, the first value returned,"),
           "dc_prev": _array(dc_prev, "dc_prev, the second value returned,")}
    for key, value in grads.items():
        out[f"step_grads[{key!r}]"] = _array(value, f"step_grads[{key!r}]")
    return out


_DA = "da_t = [di * i (1 - i), df * f (1 - f), dg * (1 - g^2), do * o (1 - o)] in the blocks' order"
_LSTM_STEP_BACKWARD = Exercise(
    name="lstm_step_backward", reference=_lstm.step_backward,
    arg_names=("dh_t", "dc_t", "cache", "params"), make_cases=_backward_cases,
    outputs=_backward_outputs, mistakes=BACKWARD_MISTAKES, hints=BACKWARD_HINTS,
    first_hints=BACKWARD_FIRST,
    coverage="N from 1 to 5, D from 1 to 3, H from 1 to 5; random weights, states and incoming "
             "gradients dh_t and dc_t",
    hint={"dc_prev": "Compare with dc = dc_t + dh_t * o * (1 - tanh^2(c_t)) and dc_{t-1} = dc * f.",
          "dh_prev": f"Compare with dh_{{t-1}} = da_t W_h, where {_DA}.",
          "step_grads['W_x']": f"Compare with dW_x = da_t^T x_t, where {_DA}.",
          "step_grads['W_h']": f"Compare with dW_h = da_t^T h_{{t-1}}, where {_DA}.",
          "step_grads['b']": f"Compare with db = the sum over the records of da_t, where {_DA}."},
    missing={f"step_grads[{k!r}]": f"step_grads has no {k!r}: it holds this step's 'W_x', 'W_h' and "
                                   "'b' (the gradients of the three parameters a_t is made from)"
             for k in ("W_x", "W_h", "b")},
    mutation_hint="the caller's arrays (the cache is forward's too) must stay as they were: compute "
                  "dc and the gate gradients as new arrays, not with dc_t += ... or cache[...] *= ....",
    shape_hint="dh_t, dc_t and each gate are (N, H); da_t is (N, 4H) (the four blocks side by side, "
               "axis=1); W_x is (4H, D) and W_h (4H, H), so da_t.T @ x_t is (4H, D) and "
               "da_t @ W_h is (N, H).")


def check_lstm_step_backward(learner_fn, hint=None):
    """Check the learner's lstm_step_backward(dh_t, dc_t, cache, params) against lstm.step_backward.

    Returns a Verdict (.passed, .message): green when dh_prev, dc_prev and the three step gradients
    match on every seeded case, else the first problem, with a hint when it is one of the mistakes
    in BACKWARD_HINTS (hint=2: the formula at once).
    """
    return run_check(_LSTM_STEP_BACKWARD, learner_fn, hint)


EXERCISES["lstm_step_backward"] = (check_lstm_step_backward, _lstm.step_backward)


def lstm_step_gradient_check(step_backward, seed=0, eps=1e-5):
    """Check a step_backward(dh_t, dc_t, cache, params) against finite differences, on one seeded step.

    With L = sum(dh_t * h_t) + sum(dc_t * c_t), where (h_t, c_t) = lstm.step_forward(x_t, h_prev,
    c_prev, params), the gradients of L are exactly what step_backward returns for W_x, W_h, b (its
    step_grads), h_prev (dh_prev) and c_prev (dc_prev). They are compared with fourth-order centred
    differences of L (rh.numerical_gradient). N = 3, D = 2, H = 4.
    Returns a dict name -> the largest relative error |yours - numerical| / max(1, |numerical|)
    over that array's entries. Raises TypeError if step_backward is not callable, TypeError or
    ValueError naming seed or eps when they are not a whole number >= 0 and a small positive
    number; any exception step_backward raises (NotImplementedError for a stub) passes through.
    """
    from .._checks import check_int
    from ..gradcheck import numerical_gradient
    if not callable(step_backward):
        raise TypeError(f"step_backward must be a function, got {type(step_backward).__name__}.")
    seed = check_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    N, D, H = 3, 2, 4
    params = {k: v for k, v in _params(rng, H, D).items() if k in ("W_x", "W_h", "b")}
    x_t = rng.normal(size=(N, D))
    state = {"h_prev": np.tanh(rng.normal(size=(N, H))), "c_prev": rng.normal(size=(N, H))}
    dh_t, dc_t = rng.normal(size=(N, H)), rng.normal(size=(N, H))

    def loss(values):
        full = {**{k: values[k] for k in params}, "V": np.zeros((1, H)), "c": np.zeros(1)}
        h_t, c_t, _ = _lstm.step_forward(x_t, values["h_prev"], values["c_prev"], full)
        return float(np.sum(dh_t * h_t) + np.sum(dc_t * c_t))

    numerical = numerical_gradient(loss, {**params, **state}, eps)
    full = {**params, "V": np.zeros((1, H)), "c": np.zeros(1)}
    _, _, cache = _lstm.step_forward(x_t, state["h_prev"], state["c_prev"], full)
    dh_prev, dc_prev, step_grads = step_backward(dh_t.copy(), dc_t.copy(), cache, full)
    yours = {**{k: step_grads[k] for k in ("W_x", "W_h", "b")}, "h_prev": dh_prev, "c_prev": dc_prev}
    return {name: float(np.max(np.abs(np.asarray(yours[name]) - numerical[name]) /
                               np.maximum(1.0, np.abs(numerical[name]))))
            for name in numerical}
