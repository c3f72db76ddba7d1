"""Checks for the implement-it exercises: the learner writes a package function, the check judges it.

    check_step_forward(fn)          notebook 2   mirrors rh.step_forward
    check_forward(fn)               notebook 2   mirrors rh.forward
    check_step_backward(fn)         notebook 3   mirrors rh.step_backward
    check_backward(fn)              notebook 3   mirrors rh.backward (BPTT with truncation)
    check_clip_elementwise(fn)      notebook 4   mirrors rh.clip_elementwise
    check_clip_global_norm(fn)      notebook 4   mirrors rh.clip_global_norm
    check_sgd_momentum_update(fn)   notebook 5   mirrors rh.sgd_momentum_update (in place)

Each takes the learner's function (anything: a non-function gets a reply, not an error) and,
optionally, hint=2 for the second, fuller message at once (engine.run_check), and returns a
Verdict: .passed, .message, shown in a notebook as one green or red line. It runs the function
on seeded random cases (several sizes, both activations, truncations from 1 to beyond T)
and compares every output entry with the package's own function (engine.RTOL, engine.ATOL); it
checks shapes, dtypes and that inputs are not changed; a NotImplementedError reads "not implemented
yet", any other exception one line naming it and the case; and a wrong result that equals one of
the classic mistakes (mistakes.py) gets that mistake's hint.

EXERCISES maps each name to (check function, reference function).
"""

import numpy as np

from .. import clipping as _clipping
from ..cells import rnn as _rnn
from .. import training as _training
from . import mistakes as _m
from .engine import Case, Exercise, Wrong, run_check

__all__ = ["check_step_forward", "check_forward", "check_step_backward", "check_backward",
           "check_clip_elementwise", "check_clip_global_norm", "check_sgd_momentum_update",
           "EXERCISES"]

_ACTS = ("sigmoid", "tanh")


def _rng(seed):
    return np.random.default_rng(10_000 + seed)


def _params(rng, H, D, O=1, biases=True):
    """Weights of moderate size (tanh and sigmoid far from saturation) and non-zero biases."""
    p = {"U": rng.uniform(-0.9, 0.9, (H, D)), "W": rng.uniform(-0.9, 0.9, (H, H)) / np.sqrt(H),
         "V": rng.uniform(-0.9, 0.9, (O, H))}
    if biases:
        p["b"] = rng.normal(0.0, 0.5, H)
        p["c"] = rng.normal(0.0, 0.5, O)
    return p


def _label(i, n, **what):
    parts = []
    for key, value in what.items():
        if key == "biases":
            parts.append("with biases" if value else "no biases (params has no 'b' or 'c')")
        elif key in ("activation",):
            parts.append(value)
        else:
            parts.append(f"{key}={value}")
    return f"case {i + 1} of {n} ({', '.join(parts)})"


def _array(value, what):
    if not isinstance(value, np.ndarray):
        raise Wrong(f"{what} should be a numpy array, but is a {type(value).__name__}")
    return value


def _grads_dict(value, what, prefix):
    if not isinstance(value, dict):
        raise Wrong(f"{what} should be a dict name -> array (like the params dict), but is a "
                    f"{type(value).__name__}")
    return {f"{prefix}[{k!r}]": _array(v, f"{prefix}[{k!r}]") for k, v in value.items()}


_FORWARD_SHAPES = ("in rows, x_t (N, D) @ U.T (D, H) and s_{t-1} (N, H) @ W.T (H, H) give (N, H); "
                   "s_T (N, H) @ V.T (H, O) gives (N, O).")
_BACKWARD_SHAPES = ("dz_t is (N, H); dU = dz_t.T @ x_t is (H, D), dW = dz_t.T @ s_prev is (H, H), "
                    "ds_prev = dz_t @ W is (N, H); dV = dY_hat.T @ s_T is (O, H).")

# --- notebook 2: step_forward, forward ------------------------------------------------------------

_STEP_SIZES = [(3, 1, 4, "sigmoid", True), (3, 1, 4, "tanh", True), (2, 2, 3, "tanh", True),
               (5, 3, 5, "sigmoid", True), (1, 1, 1, "tanh", True), (4, 2, 3, "sigmoid", False),
               (2, 3, 6, "tanh", False)]


def _step_forward_cases():
    cases = []
    for i, (N, D, H, act, biases) in enumerate(_STEP_SIZES):
        rng = _rng(i)
        p = _params(rng, H, D, biases=biases)
        x_t = rng.normal(size=(N, D))
        s_prev = _rnn.step_forward(rng.normal(size=(N, D)), np.zeros((N, H)), p, act)
        cases.append(Case(_label(i, len(_STEP_SIZES), N=N, D=D, H=H, activation=act, biases=biases),
                          (x_t, s_prev, p), {"activation": act}))
    return cases


def _step_forward_outputs(ret, args, kwargs):
    return {"s_t": _array(ret, "what step_forward returns (s_t)")}


_STEP_FORWARD = Exercise(
    name="step_forward", reference=_rnn.step_forward, arg_names=("x_t", "s_prev", "params"),
    make_cases=_step_forward_cases, outputs=_step_forward_outputs, mistakes=_m.STEP_FORWARD,
    hints=_m.HINTS,
    first_hints=_m.FIRST_HINTS, coverage="N, D, H from 1 to 6; sigmoid and tanh; with and without biases",
    hint="Compare your line with z_t = x_t U^T + s_{t-1} W^T + b, s_t = act(z_t).",
    shape_hint=_FORWARD_SHAPES)

_FORWARD_SIZES = [(3, 5, 1, 4, 1, "sigmoid", True, False), (3, 5, 1, 4, 1, "tanh", True, False),
                  (2, 7, 2, 3, 2, "tanh", True, False), (4, 1, 1, 3, 1, "sigmoid", True, False),
                  (2, 4, 3, 5, 2, "tanh", True, True), (3, 6, 1, 4, 1, "sigmoid", False, False)]


def _forward_cases():
    cases = []
    for i, (N, T, D, H, O, act, biases, with_s0) in enumerate(_FORWARD_SIZES):
        rng = _rng(100 + i)
        p = _params(rng, H, D, O, biases)
        X = rng.normal(size=(N, T, D))
        kwargs = {"activation": act}
        what = dict(N=N, T=T, D=D, H=H, O=O, activation=act, biases=biases)
        if with_s0:
            kwargs["s0"] = np.tanh(rng.normal(size=(N, H)))
            what["s0"] = "given"
        cases.append(Case(_label(i, len(_FORWARD_SIZES), **what), (p, X), kwargs))
    return cases


def _forward_outputs(ret, args, kwargs):
    if not isinstance(ret, tuple) or len(ret) != 2:
        raise Wrong("forward should return two things, (Y_hat, cache), as the docstring says")
    Y_hat, cache = ret
    if not isinstance(cache, dict) or "states" not in cache:
        raise Wrong("the cache should be a dict with the key 'states' (and 'X', 'activation', "
                    "'params'), like the package's forward returns")
    lacking = [k for k in ("X", "activation", "params") if k not in cache]
    if lacking:
        raise Wrong(f"the cache lacks {', '.join(repr(k) for k in lacking)}: backward (notebook 3) "
                    "reads the inputs, the activation and the params from it")
    out = {"Y_hat": _array(Y_hat, "Y_hat"), "cache['states']": _array(cache["states"], "cache['states']"),
           "cache['X']": _array(cache["X"], "cache['X']"), "cache['activation']": cache["activation"]}
    out.update(_grads_dict(cache["params"], "cache['params']", "cache['params']"))
    return out


_FORWARD = Exercise(
    name="forward", reference=_rnn.forward, arg_names=("params", "X"), make_cases=_forward_cases,
    outputs=_forward_outputs, mistakes=_m.FORWARD, hints=_m.HINTS,
    first_hints=_m.FIRST_HINTS,
    coverage="T from 1 to 7, D and O up to 3; sigmoid and tanh; with and without biases; with s0",
    hint="states[t] must be s_t for t = 0 .. T (states[0] = s_0), and Y_hat = s_T V^T + c.",
    shape_hint=_FORWARD_SHAPES)


# --- notebook 3: step_backward, backward ----------------------------------------------------------

def _step_backward_cases():
    cases = []
    for i, (N, D, H, act, biases) in enumerate(_STEP_SIZES):
        rng = _rng(200 + i)
        p = _params(rng, H, D, biases=biases)
        x_t = rng.normal(size=(N, D))
        s_prev = _rnn.step_forward(rng.normal(size=(N, D)), np.zeros((N, H)), p, act)
        s_t = _rnn.step_forward(x_t, s_prev, p, act)
        ds_t = rng.normal(size=(N, H))
        cases.append(Case(_label(i, len(_STEP_SIZES), N=N, D=D, H=H, activation=act, biases=biases),
                          (ds_t, x_t, s_prev, s_t, p), {"activation": act}))
    return cases


def _step_backward_outputs(ret, args, kwargs):
    if not isinstance(ret, tuple) or len(ret) != 2:
        raise Wrong("step_backward should return two things, (ds_prev, step_grads), as the docstring says")
    ds_prev, grads = ret
    return {"ds_prev": _array(ds_prev, "ds_prev"), **_grads_dict(grads, "step_grads", "step_grads")}


_BIAS_MISSING = {
    "step_grads['b']": "step_grads has no 'b', but params has a bias b: its gradient db = sum over "
                       "the records of dz_t belongs in step_grads too (a forgotten bias)",
    "grads['b']": "grads has no 'b', but params has the biases b and c: their gradients belong in "
                  "grads too (a forgotten bias)",
    "grads['c']": "grads has no 'c', but params has the output bias c: dc = sum over the records of "
                  "dY_hat (a forgotten bias)",
}

_STEP_BACKWARD = Exercise(
    name="step_backward", reference=_rnn.step_backward,
    arg_names=("ds_t", "x_t", "s_prev", "s_t", "params"), make_cases=_step_backward_cases,
    outputs=_step_backward_outputs, mistakes=_m.STEP_BACKWARD, hints=_m.HINTS,
    first_hints=_m.FIRST_HINTS,
    coverage="N, D, H from 1 to 6; sigmoid and tanh; with and without biases",
    hint={"ds_prev": "Compare with rule (B4): ds_{t-1} = dz_t W, where dz_t = ds_t * act'(z_t).",
          "step_grads['U']": "Compare with rule (B3): dU's step term is dz_t^T x_t, where "
                             "dz_t = ds_t * act'(z_t).",
          "step_grads['W']": "Compare with rule (B3): dW's step term is dz_t^T s_{t-1}, where "
                             "dz_t = ds_t * act'(z_t).",
          "step_grads['b']": "Compare with rule (B3): db's step term is the sum over the records "
                             "of dz_t = ds_t * act'(z_t)."},
    missing=_BIAS_MISSING, shape_hint=_BACKWARD_SHAPES)

_BACKWARD_SIZES = [(3, 5, 1, 4, 1, "sigmoid", True, None), (3, 5, 1, 4, 1, "tanh", True, None),
                   (2, 6, 2, 3, 2, "tanh", True, 1), (2, 6, 2, 3, 2, "sigmoid", True, 3),
                   (3, 6, 1, 4, 1, "tanh", True, 6), (2, 5, 1, 3, 1, "tanh", True, 8),
                   (2, 4, 2, 3, 1, "sigmoid", False, 2)]


def _backward_cases():
    cases = []
    for i, (N, T, D, H, O, act, biases, k) in enumerate(_BACKWARD_SIZES):
        rng = _rng(300 + i)
        p = _params(rng, H, D, O, biases)
        X = rng.normal(size=(N, T, D))
        _, cache = _rnn.forward(p, X, act)
        dY_hat = rng.normal(size=(N, O)) / N
        k_text = "None (full BPTT)" if k is None else (f"{k} = T" if k == T else str(k))
        cases.append(Case(_label(i, len(_BACKWARD_SIZES), N=N, T=T, D=D, H=H, O=O, activation=act,
                                 biases=biases, truncate=k_text), (dY_hat, cache), {"truncate": k}))
    return cases


def _backward_outputs(ret, args, kwargs):
    return _grads_dict(ret, "what backward returns (grads)", "grads")


_BACKWARD = Exercise(
    name="backward", reference=_rnn.backward, arg_names=("dY_hat", "cache"),
    make_cases=_backward_cases, outputs=_backward_outputs, mistakes=_m.BACKWARD, hints=_m.HINTS,
    first_hints=_m.FIRST_HINTS,
    coverage="T from 4 to 6; truncate None, 1, 2, 3, T and beyond T; sigmoid and tanh; with and "
             "without biases",
    hint={"grads['V']": "The output layer: dV = dY_hat^T s_T, with s_T = states[T].",
          "grads['c']": "The output layer: dc is the sum over the records of dY_hat.",
          **{f"grads[{name!r}]": f"d{name} adds one term per step of the walk back, "
                                 "t = T, T-1, ..., T-k+1 (k = T without truncation), each from "
                                 "step_backward on that step's x_t, s_{t-1} and s_t, starting from "
                                 "ds_T = dY_hat V." for name in ("U", "W", "b")}},
    missing={**_BIAS_MISSING,
             "grads['V']": "grads has no 'V': the output layer's gradient dV = dY_hat^T s_T belongs "
                           "in grads too",
             "grads['U']": "grads has no 'U': each step adds dz_t^T x_t to dU",
             "grads['W']": "grads has no 'W': each step adds dz_t^T s_{t-1} to dW"},
    shape_hint=_BACKWARD_SHAPES)


# --- notebook 4: clipping -------------------------------------------------------------------------

def _grads_case(rng, shapes, size):
    return {name: rng.normal(0.0, size, shape) for name, shape in shapes.items()}


_CLIP_SHAPES = [{"U": (4, 1), "W": (4, 4), "V": (1, 4), "b": (4,), "c": (1,)}, {"W": (3, 5)},
                {"U": (2, 3), "W": (2, 2), "V": (3, 2)}]


def _clip_cases(limit_name, limits):
    cases = []
    n = len(limits)
    for i, (shapes_i, size, limit) in enumerate(limits):
        rng = _rng(400 + i)
        grads = _grads_case(rng, _CLIP_SHAPES[shapes_i], size)
        label = (f"case {i + 1} of {n} (grads {', '.join(grads)} with entries of size about "
                 f"{size:g}, {limit_name}={limit:g})")
        cases.append(Case(label, (grads,), {limit_name: limit}))
    return cases


def _clip_elementwise_outputs(ret, args, kwargs):
    return _grads_dict(ret, "what clip_elementwise returns", "clipped")


_CLIP_ELEMENTWISE = Exercise(
    name="clip_elementwise", reference=_clipping.clip_elementwise, arg_names=("grads",),
    make_cases=lambda: _clip_cases("clip_value", [(0, 10.0, 10.0), (0, 3.0, 1.0), (1, 0.1, 10.0),
                                                  (2, 50.0, 25.0), (1, 2.0, 0.5)]),
    outputs=_clip_elementwise_outputs, mistakes=_m.CLIP_ELEMENTWISE, hints=_m.HINTS,
    first_hints=_m.FIRST_HINTS,
    coverage="one to five arrays; limits from 0.5 to 25, with some entries inside and some outside",
    hint="Each entry g becomes min(max(g, -clip_value), clip_value); the keys and shapes stay.",
    mutation_hint=_m.MUTATION_HINTS["clip"])


def _clip_global_norm_outputs(ret, args, kwargs):
    if not isinstance(ret, tuple) or len(ret) != 2:
        raise Wrong("clip_global_norm should return two things, (clipped_grads, norm_before), as "
                    "the docstring says")
    clipped, norm = ret
    if isinstance(norm, (bool, np.bool_)) or not np.isscalar(norm) and not \
            (isinstance(norm, np.ndarray) and norm.shape == ()):
        raise Wrong(f"the second value, norm_before, should be one number, but is a {type(norm).__name__}")
    if getattr(norm, "dtype", np.dtype(float)) != np.float64:
        raise Wrong(f"the second value, norm_before, has dtype {norm.dtype}, but should have dtype "
                    "float64, like the package's (is it computed in float32?)")
    try:
        norm = np.asarray(float(norm))
    except (TypeError, ValueError):
        raise Wrong(f"the second value, norm_before, should be a number, not {norm!r}") from None
    return {**_grads_dict(clipped, "the first value returned", "clipped"), "norm_before": norm}


_CLIP_GLOBAL_NORM = Exercise(
    name="clip_global_norm", reference=_clipping.clip_global_norm, arg_names=("grads",),
    make_cases=lambda: _clip_cases("clip_norm", [(0, 3.0, 1.0), (0, 0.05, 1.0), (1, 2.0, 5.0),
                                                 (2, 10.0, 30.0), (1, 0.3, 10.0), (2, 0.01, 0.001)]),
    outputs=_clip_global_norm_outputs, mistakes=_m.CLIP_GLOBAL_NORM, hints=_m.HINTS,
    first_hints=_m.FIRST_HINTS,
    coverage="one to five arrays; norms below and above clip_norm, from 0.001 to 30",
    hint="Compute the norm over all arrays together; if it is above clip_norm, multiply every entry "
         "by clip_norm / norm; return (new grads, the norm before).",
    mutation_hint=_m.MUTATION_HINTS["clip"])


# --- notebook 5: one update with momentum ---------------------------------------------------------

_MOMENTUM_CASES = [((5,), 0.1, 0.9, True), ((3, 4), 0.01, 0.5, True), ((2, 2), 0.5, 0.99, True),
                   ((6,), 0.05, 0.0, True), ((3,), 0.2, 0.0, False)]


def _momentum_cases():
    cases = []
    n = len(_MOMENTUM_CASES)
    for i, (shape, lr, mu, with_velocity) in enumerate(_MOMENTUM_CASES):
        rng = _rng(500 + i)
        theta, grad = rng.normal(size=shape), rng.normal(size=shape)
        velocity = rng.normal(0.0, 0.1, shape) if with_velocity else None
        what = dict(shape=shape, learning_rate=lr, momentum=mu)
        if not with_velocity:
            what["velocity"] = "None"
        cases.append(Case(_label(i, n, **what), (theta, grad, velocity, lr, mu)))
    return cases


def _momentum_outputs(ret, args, kwargs):
    theta, _, velocity, _, momentum = args
    out = {"theta": _array(theta, "theta")}
    if momentum:                                # with momentum 0 velocity plays no part
        out["velocity"] = _array(velocity, "velocity")
    return out


_SGD_MOMENTUM_UPDATE = Exercise(
    name="sgd_momentum_update", reference=_training.sgd_momentum_update,
    arg_names=("theta", "grad", "velocity", "learning_rate", "momentum"),
    make_cases=_momentum_cases, outputs=_momentum_outputs, mistakes=_m.SGD_MOMENTUM_UPDATE,
    hints=_m.HINTS,
    first_hints=_m.FIRST_HINTS,
    coverage="vectors and matrices; momentum 0 (velocity given or None), 0.5 to 0.99",
    hint="Compare with the rule: the new velocity is momentum times the old one minus "
         "learning_rate times grad, and theta moves by the new velocity, both in place; with "
         "momentum 0, theta moves by minus learning_rate times grad.",
    in_place=("theta", "velocity"), scratch=("grad",))


def check_step_forward(learner_fn, hint=None):
    """Check the learner's step_forward(x_t, s_prev, params, activation) against rh.step_forward."""
    return run_check(_STEP_FORWARD, learner_fn, hint)


def check_forward(learner_fn, hint=None):
    """Check the learner's forward(params, X, activation, s0) against rh.forward (Y_hat and states)."""
    return run_check(_FORWARD, learner_fn, hint)


def check_step_backward(learner_fn, hint=None):
    """Check the learner's step_backward(ds_t, x_t, s_prev, s_t, params, activation) against
    rh.step_backward."""
    return run_check(_STEP_BACKWARD, learner_fn, hint)


def check_backward(learner_fn, hint=None):
    """Check the learner's backward(dY_hat, cache, truncate) against rh.backward."""
    return run_check(_BACKWARD, learner_fn, hint)


def check_clip_elementwise(learner_fn, hint=None):
    """Check the learner's clip_elementwise(grads, clip_value) against rh.clip_elementwise."""
    return run_check(_CLIP_ELEMENTWISE, learner_fn, hint)


def check_clip_global_norm(learner_fn, hint=None):
    """Check the learner's clip_global_norm(grads, clip_norm) against rh.clip_global_norm."""
    return run_check(_CLIP_GLOBAL_NORM, learner_fn, hint)


def check_sgd_momentum_update(learner_fn, hint=None):
    """Check the learner's in-place sgd_momentum_update(theta, grad, velocity, learning_rate, momentum)."""
    return run_check(_SGD_MOMENTUM_UPDATE, learner_fn, hint)


EXERCISES = {
    "step_forward": (check_step_forward, _rnn.step_forward),
    "forward": (check_forward, _rnn.forward),
    "step_backward": (check_step_backward, _rnn.step_backward),
    "backward": (check_backward, _rnn.backward),
    "clip_elementwise": (check_clip_elementwise, _clipping.clip_elementwise),
    "clip_global_norm": (check_clip_global_norm, _clipping.clip_global_norm),
    "sgd_momentum_update": (check_sgd_momentum_update, _training.sgd_momentum_update),
}
