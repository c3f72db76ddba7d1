"""The classic mistakes, written on purpose, so that a check can recognise them.

A check runs the learner's function and, when its output is wrong, runs each deliberately wrong
variant below on the same case: if the learner's output equals a variant's, the learner made that
mistake, and the check answers with its hint. Each table maps a mistake's name to (variant, hint);
the variants have the signature of the package function they spoil.

HINTS collects every hint by mistake name: the second message, with the formula or the piece of
code to change (never a whole line the learner must write). FIRST_HINTS says, in a few words, what is
wrong: the first message, which also names the output, the case and the index.
"""

import numpy as np

from ..activations import activate, activation_derivative
from ..clipping import norm_unchecked

__all__ = ["HINTS", "FIRST_HINTS", "STEP_FORWARD", "FORWARD", "STEP_BACKWARD", "BACKWARD", "CLIP_ELEMENTWISE",
           "CLIP_GLOBAL_NORM", "SGD_MOMENTUM_UPDATE", "MUTATION_HINTS"]

HINTS = {
    "transposed_W": "the weights are transposed. In rows (one record per row) the step is "
                    "z_t = x_t U^T + s_{t-1} W^T + b, so the state is multiplied by params['W'].T, "
                    "not by params['W'].",
    "forgot_b": "the hidden bias b is missing: add params['b'] to z_t (numpy broadcasts it over the N rows).",
    "forgot_c": "the output bias c is missing: y_hat = s_T V^T + c.",
    "forgot_db": "the bias b gets no gradient (db is zero): z_t = ... + b, so each step adds the sum "
                 "over the records of dz_t to db.",
    "other_activation": "you used the other activation: apply the one the activation argument names "
                        "('sigmoid' or 'tanh'); rh.activate takes that argument as it is.",
    "no_activation": "you returned the pre-activation z_t: the state is s_t = act(z_t).",
    "ignores_s0": "the states must start from s0 when it is given (s_0 = s0), and from zeros only when "
                  "s0 is None.",
    "cache_activation": "the cache must record the activation this call used, the activation argument "
                        "as it was given, not a fixed name: backward reads it to pick act'.",
    "derivative_of_z": "act' is applied to the pre-activation z_t: that is the tutorial's z(1 - z) mistake. "
                       "The derivative is written in the output s_t: s_t (1 - s_t) for the sigmoid, "
                       "1 - s_t^2 for tanh (rh.activation_derivative takes s_t, not z_t).",
    "other_derivative": "you used the other activation's derivative: s(1 - s) belongs to the sigmoid, "
                        "1 - s^2 to tanh. Follow the activation argument.",
    "no_derivative": "act'(z_t) is missing: dz_t = ds_t * act'(z_t), entry by entry, before any product "
                     "with the weights.",
    "transposed_ds_prev": "the weights are transposed in ds_{t-1}: it is dz_t W, not dz_t W^T "
                          "(z_t = ... + s_{t-1} W^T, so going back multiplies by W itself).",
    "transposed_dW": "dW is transposed: its step-t term is dz_t^T s_{t-1}, shape (H, H), with one row "
                     "for each unit of z_t.",
    "s_t_for_s_prev": "dW's step-t term multiplies dz_t by s_{t-1}, the state step t read, not by s_t.",
    "averaged": "the step's terms are averaged over the records: sum them (the 1/N is already in "
                "dY_hat, which came from the loss).",
    "assigned": "a gradient is assigned instead of accumulated: W, U and b are used at every step, so "
                "each step adds its share to grads, which start from zeros.",
    "window_long": "the truncation window is off by one: it walks back k + 1 steps. truncate=k means "
                   "the last k steps, t = T, T-1, ..., T-k+1 (k = T when truncate is None). Count the "
                   "values your loop gives t: range(a, b, -1) stops just before b.",
    "window_short": "the truncation window is off by one: it walks back only k - 1 steps. truncate=k "
                    "means the last k steps, t = T, T-1, ..., T-k+1 (k = T when truncate is None). "
                    "Count the values your loop gives t: range(a, b, -1) stops just before b.",
    "ignores_truncate": "truncate is ignored: with truncate=k walk back only the last k steps (all T "
                        "when truncate is None or k >= T).",
    "stale_cache": "every step reads step T's inputs and states: step t needs x_t = X[:, t-1], "
                   "s_{t-1} = states[t-1] and s_t = states[t] (the tutorial's inner loop made this mistake).",
    "ds_not_carried": "ds is not carried back: after each step, ds_{t-1} = dz_t W becomes the ds of the "
                      "next step back.",
    "divided_by_N": "the gradients are divided by N once too often: dY_hat already holds the 1/N of the "
                    "mean loss.",
    "norm_instead_of_elementwise": "that is norm clipping: elementwise clipping cuts each entry to "
                                   "[-clip_value, clip_value] on its own (np.clip does that).",
    "one_sided": "only the large positive entries are clipped: entries below -clip_value must become "
                 "-clip_value too (np.clip takes a lower and an upper limit).",
    "elementwise_instead_of_norm": "that is elementwise clipping, but the global norm was asked for: "
                                   "compute one norm over all arrays together and, if it is above "
                                   "clip_norm, multiply every entry by clip_norm / norm.",
    "per_array_norm": "each array is clipped to its own norm: the global norm is one number for all "
                      "arrays together, sqrt of the sum of every squared entry (rh.global_norm).",
    "always_rescaled": "the gradient is rescaled even when its norm is already at most clip_norm: "
                       "leave it unchanged then.",
    "norm_after": "the second value returned must be the norm before clipping, not after.",
    "squared_norm": "the norm is missing its square root: ||g|| = sqrt(sum of g^2).",
    "wrong_threshold": "the comparison is reversed: rescale when the norm is above clip_norm.",
    "uphill": "the step goes up the gradient: the new velocity subtracts learning_rate times grad "
              "(a minus before the learning rate).",
    "momentum_sign": "momentum is applied with the wrong sign: the new velocity keeps + momentum times "
                     "the previous velocity, it does not reverse it.",
    "subtracts_velocity": "velocity already points downhill (it holds - learning_rate * grad), so theta "
                          "moves by + velocity.",
    "velocity_sign": "velocity is kept with the opposite sign (theta moves by - velocity). Here velocity "
                     "is the step taken, the convention train() relies on when it passes it back next "
                     "time: it holds momentum times the old velocity minus learning_rate times grad, "
                     "and theta moves by + velocity.",
    "stale_velocity": "theta moved by the old velocity: update velocity first, then move theta by the "
                      "new one.",
    "lr_outside": "the learning rate multiplies the whole velocity: here it goes on the gradient only, "
                  "the new velocity is momentum times the old minus learning_rate times grad.",
    "no_momentum": "momentum is missing: the step must keep momentum times the previous step (velocity).",
}

#: The first message's words for each mistake: what is wrong, in a few words; the formula (HINTS)
#: follows only on a second failure of the same kind, or with hint=2.
FIRST_HINTS = {
    "transposed_W": "W is used transposed (in row form, which side of the product is W on?)",
    "forgot_b": "the hidden bias b is left out",
    "forgot_c": "the output bias c is left out",
    "forgot_db": "db is left at zero",
    "other_activation": "the other activation was applied than the activation argument names",
    "no_activation": "no activation was applied",
    "ignores_s0": "the given starting state s0 is not used",
    "cache_activation": "the cache records another activation than the one this call used",
    "derivative_of_z": "the activation's derivative is taken at the wrong quantity (the tutorial's "
                       "mistake)",
    "other_derivative": "the derivative of the other activation is used",
    "no_derivative": "the activation's derivative is missing",
    "transposed_ds_prev": "W is used transposed in ds_prev",
    "transposed_dW": "dW comes out transposed",
    "s_t_for_s_prev": "dW uses the wrong state",
    "averaged": "the step's terms are averaged over the records",
    "assigned": "a gradient is assigned where it should be accumulated",
    "window_long": "the truncation window is one step too long",
    "window_short": "the truncation window is one step too short",
    "ignores_truncate": "truncate is ignored",
    "stale_cache": "every step reads the same step's inputs and states",
    "ds_not_carried": "the state's gradient is not carried from one step back to the next",
    "divided_by_N": "the gradients are divided by N once too often",
    "norm_instead_of_elementwise": "this is norm clipping, not elementwise clipping",
    "one_sided": "only one side is clipped",
    "elementwise_instead_of_norm": "this is elementwise clipping, not norm clipping",
    "per_array_norm": "each array is clipped by its own norm",
    "always_rescaled": "the gradient is rescaled even when it needs no clipping",
    "norm_after": "the norm returned is not the one before clipping",
    "squared_norm": "the norm is not the Euclidean norm (a square root?)",
    "wrong_threshold": "the comparison with clip_norm is the wrong way round",
    "uphill": "the step goes up the gradient",
    "momentum_sign": "the sign of the momentum term is wrong",
    "subtracts_velocity": "theta moves against its velocity",
    "velocity_sign": "velocity is kept with the opposite sign",
    "stale_velocity": "theta moves by the old velocity",
    "lr_outside": "the learning rate is applied in the wrong place",
    "no_momentum": "momentum is missing",
}

# Mutation of an input is recognised by comparing the inputs before and after the call; an output
# that is an input (the same memory) and an in-place argument that did not change are recognised by
# the engine for every exercise (engine._aliased, engine._unchanged): they need no variant here.
MUTATION_HINTS = {
    "clip": "clipping must leave the caller's gradients as they were (the caller may still need "
            "them): build new arrays (np.clip without out=, or a product), not g *= ... or g[...] = ...",
}


# --- one step, right or wrong ---------------------------------------------------------------------

def _z(x_t, s_prev, params, bias=True, transpose_W=False):
    W = params["W"] if transpose_W else params["W"].T
    z = x_t @ params["U"].T + s_prev @ W
    if bias and "b" in params:
        z = z + params["b"]
    return z


def _other(activation):
    return "tanh" if activation == "sigmoid" else "sigmoid"


def _step_forward(x_t, s_prev, params, activation="sigmoid", bias=True, transpose_W=False,
                  act=True, other=False):
    z = _z(x_t, s_prev, params, bias, transpose_W)
    if not act:
        return z
    return activate(z, _other(activation) if other else activation)


def _variant(fn, **flags):
    def variant(*args, **kwargs):
        return fn(*args, **kwargs, **flags)
    return variant


STEP_FORWARD = {
    "transposed_W": _variant(_step_forward, transpose_W=True),
    "forgot_b": _variant(_step_forward, bias=False),
    "other_activation": _variant(_step_forward, other=True),
    "no_activation": _variant(_step_forward, act=False),
}


def _forward(params, X, activation="sigmoid", s0=None, bias_c=True, use_s0=True, cached=None,
             **step_flags):
    N, T, _ = X.shape
    H = params["W"].shape[0]
    s = np.zeros((N, H)) if s0 is None or not use_s0 else np.array(s0, dtype=float)
    states = [s]
    for t in range(1, T + 1):
        states.append(_step_forward(X[:, t - 1], states[-1], params, activation, **step_flags))
    Y_hat = states[-1] @ params["V"].T
    if bias_c and "c" in params:
        Y_hat = Y_hat + params["c"]
    cache = {"states": np.stack(states), "X": X, "activation": cached or activation, "params": params}
    return Y_hat, cache


FORWARD = {
    "transposed_W": _variant(_forward, transpose_W=True),
    "forgot_b": _variant(_forward, bias=False),
    "forgot_c": _variant(_forward, bias_c=False),
    "other_activation": _variant(_forward, other=True),
    "ignores_s0": _variant(_forward, use_s0=False),
    "cache_activation": _variant(_forward, cached="sigmoid"),      # the default, whatever was asked
}


def _step_backward(ds_t, x_t, s_prev, s_t, params, activation="sigmoid", deriv="right",
                   transpose_ds=False, transpose_dW=False, db=True, s_for_prev=False, scale=1.0):
    if deriv == "right":
        dz = ds_t * activation_derivative(s_t, activation)
    elif deriv == "other":
        dz = ds_t * activation_derivative(s_t, _other(activation))
    elif deriv == "of_z":
        dz = ds_t * activation_derivative(_z(x_t, s_prev, params), activation)
    else:
        dz = ds_t
    s_used = s_t if s_for_prev else s_prev
    dW = s_used.T @ dz if transpose_dW else dz.T @ s_used
    grads = {"U": scale * (dz.T @ x_t), "W": scale * dW}
    if "b" in params:
        grads["b"] = scale * dz.sum(axis=0) if db else np.zeros(params["b"].shape)
    ds_prev = dz @ (params["W"].T if transpose_ds else params["W"])
    return ds_prev, grads


# The mistakes of one step, by name -> the flags of _step_backward that make them; backward can
# make each of them too, at every step.
_STEP_MISTAKES = {
    "derivative_of_z": dict(deriv="of_z"), "other_derivative": dict(deriv="other"),
    "no_derivative": dict(deriv="none"), "transposed_ds_prev": dict(transpose_ds=True),
    "transposed_dW": dict(transpose_dW=True), "forgot_db": dict(db=False),
    "s_t_for_s_prev": dict(s_for_prev=True),
}
STEP_BACKWARD = {name: _variant(_step_backward, **flags) for name, flags in _STEP_MISTAKES.items()}


def _averaged_step(ds_t, x_t, s_prev, s_t, params, activation="sigmoid"):
    return _step_backward(ds_t, x_t, s_prev, s_t, params, activation, scale=1.0 / ds_t.shape[0])


STEP_BACKWARD["averaged"] = _averaged_step


def _backward(dY_hat, cache, truncate=None, steps=0, assign=False, full=False, stale=False,
              carry=True, dc=True, divide=False, **step_flags):
    params, states, X, act = cache["params"], cache["states"], cache["X"], cache["activation"]
    T = X.shape[1]
    k = T if truncate is None or full else min(truncate, T)
    k = max(0, min(T, k + steps))
    scale = 1.0 / dY_hat.shape[0] if divide else 1.0
    grads = {name: np.zeros_like(value, dtype=float) for name, value in params.items()}
    grads["V"] = scale * (dY_hat.T @ states[T])
    if "c" in params and dc:
        grads["c"] = scale * dY_hat.sum(axis=0)
    ds = dY_hat @ params["V"]
    for t in range(T, T - k, -1):
        i = T if stale else t
        ds_prev, step = _step_backward(ds, X[:, i - 1], states[i - 1], states[i], params, act,
                                       **step_flags)
        for name, g in step.items():
            grads[name] = scale * g if assign else grads[name] + scale * g
        if carry:
            ds = ds_prev
    return grads


BACKWARD = {
    "assigned": _variant(_backward, assign=True),
    "window_long": _variant(_backward, steps=1),
    "window_short": _variant(_backward, steps=-1),
    "ignores_truncate": _variant(_backward, full=True),
    **{name: _variant(_backward, **flags) for name, flags in _STEP_MISTAKES.items()},
    "forgot_c": _variant(_backward, dc=False),
    "stale_cache": _variant(_backward, stale=True),
    "ds_not_carried": _variant(_backward, carry=False),
    "divided_by_N": _variant(_backward, divide=True),
}


# --- clipping -------------------------------------------------------------------------------------

def _clip_norm_variant(grads, clip_norm=1.0, how="right"):
    arrays = {name: np.asarray(g, dtype=float) for name, g in grads.items()}
    norm = norm_unchecked(*arrays.values())
    if how == "elementwise":
        return {n: np.clip(g, -clip_norm, clip_norm) for n, g in arrays.items()}, norm
    if how == "per_array":
        out = {}
        for n, g in arrays.items():
            own = norm_unchecked(g)
            out[n] = g * (clip_norm / own) if own > clip_norm else g.copy()
        return out, norm
    if how == "squared":
        sq = float(sum(np.sum(g * g) for g in arrays.values()))
        factor = clip_norm / sq if sq > clip_norm else 1.0
        return {n: g * factor for n, g in arrays.items()}, sq
    if how == "always":
        factor = clip_norm / norm if norm > 0 else 1.0
    elif how == "reversed":
        factor = clip_norm / norm if 0 < norm < clip_norm else 1.0
    else:
        factor = clip_norm / norm if norm > clip_norm else 1.0
    clipped = {n: g * factor for n, g in arrays.items()}
    return clipped, (norm_unchecked(*clipped.values()) if how == "after" else norm)


CLIP_GLOBAL_NORM = {
    "elementwise_instead_of_norm": _variant(_clip_norm_variant, how="elementwise"),
    "per_array_norm": _variant(_clip_norm_variant, how="per_array"),
    "always_rescaled": _variant(_clip_norm_variant, how="always"),
    "norm_after": _variant(_clip_norm_variant, how="after"),
    "squared_norm": _variant(_clip_norm_variant, how="squared"),
    "wrong_threshold": _variant(_clip_norm_variant, how="reversed"),
}


def _norm_clip_as_elementwise(grads, clip_value=10.0):
    return _clip_norm_variant(grads, clip_value)[0]


def _one_sided(grads, clip_value=10.0):
    return {n: np.minimum(np.asarray(g, dtype=float), clip_value) for n, g in grads.items()}


CLIP_ELEMENTWISE = {
    "norm_instead_of_elementwise": _norm_clip_as_elementwise,
    "one_sided": _one_sided,
}


# --- one update with momentum ---------------------------------------------------------------------

def _momentum_variant(theta, grad, velocity, learning_rate, momentum, how):
    if how == "not_in_place":
        return
    if how == "no_momentum":
        theta -= learning_rate * grad
        return
    old = None if velocity is None else velocity.copy()
    v = np.zeros_like(theta) if velocity is None else velocity
    if how == "uphill":
        new = momentum * v + learning_rate * grad
    elif how == "momentum_sign":
        new = -momentum * v - learning_rate * grad
    elif how == "velocity_sign":
        new = momentum * v + learning_rate * grad
    elif how == "lr_outside":
        new = momentum * v - grad
    else:
        new = momentum * v - learning_rate * grad
    if how == "subtracts_velocity" or how == "velocity_sign":
        theta -= new
    elif how == "stale_velocity":
        theta += old if old is not None else 0.0
    elif how == "lr_outside":
        theta += learning_rate * new
    else:
        theta += new
    if velocity is not None:
        velocity[...] = new


SGD_MOMENTUM_UPDATE = {
    name: _variant(_momentum_variant, how=name)
    for name in ("uphill", "momentum_sign", "subtracts_velocity", "velocity_sign",
                 "stale_velocity", "lr_outside", "no_momentum")
}
