"""The vanilla (Elman) RNN cell: one step, the whole sequence, and backpropagation through time.

Letters used in shapes: N records, T time steps, D input size (input_dim), H hidden size
(hidden_dim), O output size (output_dim).

Forward (notebook 2), rows are records, so a product with U^T applies U to every record at once:

    s_0 = 0                                   (N, H)
    z_t = x_t U^T + s_{t-1} W^T + b           (N, H)    for t = 1 .. T
    s_t = act(z_t)                            (N, H)
    y_hat = s_T V^T + c                       (N, O)

Backward (notebook 3), from the loss mean_n 1/2 ||y_hat - y||^2:

    dy_hat = (y_hat - y) / N                  (N, O)
    dV = dy_hat^T s_T,   dc = sum_n dy_hat     (O, H), (O,)
    ds_T = dy_hat V                            (N, H)
    for t = T, T-1, ..., T-k+1:                step_backward
        dz_t = ds_t * act'(z_t)                (N, H)
        dW += dz_t^T s_{t-1},  dU += dz_t^T x_t,  db += sum_n dz_t
        ds_{t-1} = dz_t W                      (N, H)

Truncation to k steps (truncate=k) stops after step T-k+1: the exact gradient of the same loss with
s_{T-k} held constant. truncate=None, or k >= T, is full BPTT.

The same names exist in rnn_helpers.lstm and rnn_helpers.gru, so training, prediction, gradient
checks and the explorer work with any of the three cells.
"""

from types import SimpleNamespace

import numpy as np

from .._engines import rnn as _fast
from .._checks import (ACTIVATIONS, as_float_array, check_activation, check_inputs, check_int,
                       check_magnitude, check_params, check_positive_float, check_truncate,
                       check_weights_size)
from ..activations import activate, activation_derivative
from ..losses import mse_loss, mse_unchecked

__all__ = ["INIT_SCHEMES", "init_params", "step_forward", "step_backward", "forward", "backward",
           "loss_and_grads", "loss_and_grads_loop", "truncated_loss", "CELL"]

NAME = "rnn"
INIT_SCHEMES = ("small", "tutorial")


def init_params(hidden_dim, input_dim=1, output_dim=1, *, seed=0, biases=True, scheme="small",
                scale=None):
    """Draw the weights of an RNN from a seeded generator.

    scheme="small" (the default): every weight from uniform(-a, a) with a = 1 / sqrt(hidden_dim),
        the usual scale that keeps z_t of order 1, so the activation is not saturated.
    scheme="tutorial": U, W and V from uniform(0, 1), as the tutorial draws them. With sigmoid every
        hidden unit then saturates at exactly 1.0 within a few steps (notebook 2 shows why).
    scale: overrides a in the "small" scheme.
    Biases b and c start at zero.

    Returns a dict of float64 arrays: "U" (H, D), "W" (H, H), "V" (O, H), and when biases is true
    "b" (H,) and "c" (O,). Raises ValueError/TypeError naming a bad argument.
    """
    H = check_int("hidden_dim", hidden_dim, minimum=1, maximum=100_000)
    D = check_int("input_dim", input_dim, minimum=1, maximum=100_000)
    O = check_int("output_dim", output_dim, minimum=1, maximum=100_000)
    check_weights_size(H, D, O)
    seed = check_int("seed", seed, minimum=0)
    biases = _check_bool("biases", biases)
    if scheme not in INIT_SCHEMES:
        raise ValueError(f"scheme must be one of {INIT_SCHEMES}, got {scheme!r}.")
    rng = np.random.default_rng(seed)
    if scheme == "tutorial":
        if scale is not None:
            raise ValueError("scale applies only to scheme='small'; the tutorial's scheme is uniform(0, 1).")
        low, high = 0.0, 1.0
    else:
        a = 1.0 / np.sqrt(H) if scale is None else check_positive_float("scale", scale)
        if a > 1e6:
            raise ValueError(f"scale must be at most 1e6 (weights of order 1 are the sensible "
                             f"range; 1 / sqrt(hidden_dim) is the default), got {a:g}.")
        low, high = -a, a
    params = {
        "U": rng.uniform(low, high, size=(H, D)),
        "W": rng.uniform(low, high, size=(H, H)),
        "V": rng.uniform(low, high, size=(O, H)),
    }
    if biases:
        params["b"] = np.zeros(H)
        params["c"] = np.zeros(O)
    return params


def step_forward(x_t, s_prev, params, activation="sigmoid"):
    """One time step: s_t = act(x_t U^T + s_{t-1} W^T + b).

    x_t: (N, D), s_prev: (N, H). Returns s_t (N, H).
    """
    x_t, s_prev = _check_step(params, activation, x_t=x_t, s_prev=s_prev)
    return _step_forward(x_t, s_prev, params, activation)


def _step_forward(x_t, s_prev, params, activation):
    z_t = x_t @ params["U"].T + s_prev @ params["W"].T        # (N, H)
    if "b" in params:
        z_t = z_t + params["b"]
    return activate(z_t, activation)


def step_backward(ds_t, x_t, s_prev, s_t, params, activation="sigmoid"):
    """One step of BPTT: from dloss/ds_t to dloss/ds_{t-1} and this step's parameter gradients.

    ds_t: (N, H) the gradient reaching s_t.  x_t: (N, D), s_prev = s_{t-1}: (N, H), s_t: (N, H),
    as the forward step saw and made them.
    Returns (ds_prev, step_grads): ds_prev (N, H); step_grads a dict with this step's terms, summed
    over the N records: "U" (H, D), "W" (H, H), and "b" (H,) when the model has biases.
    """
    ds_t, x_t, s_prev, s_t = _check_step(params, activation, ds_t=ds_t, x_t=x_t, s_prev=s_prev,
                                         s_t=s_t)
    return _step_backward(ds_t, x_t, s_prev, s_t, params, activation)


def _step_backward(ds_t, x_t, s_prev, s_t, params, activation):
    dz_t = ds_t * activation_derivative(s_t, activation)      # (N, H)  the chain rule through act
    step_grads = {"U": dz_t.T @ x_t, "W": dz_t.T @ s_prev}    # (H, D), (H, H)
    if "b" in params:
        step_grads["b"] = dz_t.sum(axis=0)                    # (H,)
    ds_prev = dz_t @ params["W"]                              # (N, H)  through W to s_{t-1}
    return ds_prev, step_grads


class _Cell:
    """The vanilla RNN as a cell of the protocol of rnn_helpers.cells: state ("h",), h_t = s_t.

    It adapts the teaching signatures above (step_forward(x_t, s_prev, params, activation) returning
    s_t; step_backward(ds_t, x_t, s_prev, s_t, params, activation)) to the protocol's: the state is a
    tuple (s_t,), the cache keeps what step_backward reads, and step_backward also gives dx_t.
    """

    states = ("h",)
    activations = ACTIVATIONS                        # the first, sigmoid, is the default
    optional_keys = ("b",)                           # the tutorial's RNN has no biases

    @staticmethod
    def init_params(hidden_dim, input_dim, *, seed):
        """U (H, D), W (H, H), b (H,): init_params' weights without the output layer."""
        params = init_params(hidden_dim, input_dim, 1, seed=seed)
        del params["V"], params["c"]
        return params

    @staticmethod
    def step_forward(x_t, state, params, activation=ACTIVATIONS[0]):
        """((s_t,), cache) from x_t (N, D) and state (s_{t-1},), (N, H)."""
        s_t = _step_forward(x_t, state[0], params, activation)
        return (s_t,), (x_t, state[0], s_t, params, activation)

    @staticmethod
    def step_backward(dstate_t, cache):
        """(dx_t (N, D), (ds_{t-1},), step_grads) from dstate_t = (ds_t,)."""
        x_t, s_prev, s_t, params, activation = cache
        ds_prev, step_grads = _step_backward(dstate_t[0], x_t, s_prev, s_t, params, activation)
        dx_t = (dstate_t[0] * activation_derivative(s_t, activation)) @ params["U"]   # dz_t U
        return dx_t, (ds_prev,), step_grads


#: The vanilla RNN as a cell of the protocol, which rnn_helpers.cells registers as "rnn".
CELL = _Cell()


def forward(params, X, activation="sigmoid", s0=None):
    """Run the RNN over every window of X and predict from the last hidden state.

    params: dict from init_params.  X: (N, T, D).  s0: (N, H) starting state, zeros by default.
    Returns (Y_hat, cache): Y_hat (N, O); cache a dict of the maths quantities backward needs:
        "states": (T + 1, N, H), states[t] = s_t (states[0] = s_0), time first;
        "X": (N, T, D) the inputs; "activation"; "params".
    """
    check_activation(activation)
    X = check_inputs(params, X)
    N, _, _ = X.shape
    H = params["W"].shape[0]
    if s0 is not None:
        s0 = as_float_array("s0", s0, ndim=2, what="(N, hidden_dim)")
        if s0.shape != (N, H):
            raise ValueError(f"s0 must have shape (N, hidden_dim) = {(N, H)}, got {s0.shape}.")
    return _forward(params, X, activation, s0)


def _forward(params, X, activation, s0=None):
    """forward() without argument checks. The loop itself runs in _fast.run_states."""
    states = _fast.run_states(params, X, activation, s0).states()
    Y_hat = states[-1] @ params["V"].T
    if "c" in params:
        Y_hat += params["c"]
    return Y_hat, {"states": states, "X": X, "activation": activation, "params": params}


def backward(dY_hat, cache, truncate=None):
    """Gradients of the loss given dY_hat = dloss/dY_hat (N, O) and the cache from forward.

    truncate: None (full BPTT) or k >= 1 (the last k steps, s_{T-k} held constant).
    Returns grads, a dict with the keys and shapes of params: "U" (H, D), "W" (H, H), "V" (O, H),
    and "b" (H,), "c" (O,) when the model has biases.
    """
    dY_hat, cache, truncate = _check_backward(dY_hat, cache, truncate)
    params = cache["params"]
    grads = {name: np.zeros_like(value) for name, value in params.items()}
    grads.update(output_grads(dY_hat, cache["states"][-1], params))
    for _, _, step_grads in walk_back(dY_hat @ params["V"], cache, truncate):
        for name, g in step_grads.items():
            grads[name] += g
    return grads


def walk_back(ds_T, cache, truncate=None):
    """Step backwards from ds_T through the last k steps of the sequence in cache.

    ds_T: (N, H) dloss/ds_T.  cache: from forward.  Yields (t, ds_t, step_grads) for t = T, T-1,
    ..., T-k+1, where ds_t (N, H) is the gradient reaching s_t and step_grads step t's terms (see
    step_backward). backward sums them; rnn_helpers.gradient_flow looks at them one by one.
    """
    params, states, X, act = cache["params"], cache["states"], cache["X"], cache["activation"]
    T = X.shape[1]
    k = T if truncate is None else min(truncate, T)
    ds = ds_T
    for t in range(T, T - k, -1):
        ds_prev, step_grads = _step_backward(ds, X[:, t - 1], states[t - 1], states[t], params, act)
        yield t, ds, step_grads
        ds = ds_prev


def output_grads(dY_hat, s_T, params):
    """dV = dy_hat^T s_T (O, H) and dc = sum_n dy_hat (O,), for the output layer y_hat = V s_T + c."""
    grads = {"V": dY_hat.T @ s_T}
    if "c" in params:
        grads["c"] = dY_hat.sum(axis=0)
    return grads


def loss_and_grads(params, X, Y, truncate=None, activation="sigmoid"):
    """Loss and its gradient with respect to every parameter.

    params: dict from init_params.  X: (N, T, D).  Y: (N, O).
    truncate: None (full BPTT) or k >= 1: the gradient with s_{T-k} held constant.
    Returns (loss, grads): loss a float, grads a dict with exactly the keys and shapes of params.
    """
    check_activation(activation)
    X, Y = check_inputs(params, X, Y)
    truncate = check_truncate(truncate)
    Y_hat, cache = _forward(params, X, activation)
    grads = backward((Y_hat - Y) / Y.shape[0], cache, truncate)
    return mse_unchecked(Y_hat, Y), grads


def truncated_loss(params, X, Y, truncate, activation="sigmoid", state_params=None):
    """The objective whose exact gradient loss_and_grads(..., truncate=k) returns.

    s_{T-k} is computed with `state_params` (default: params) and then held fixed; only the last k
    steps and the output use `params`. Perturbing params here therefore changes only what the
    truncated gradient sees, which is how the gradient check of truncated BPTT works.
    Returns a float.
    """
    check_activation(activation)
    X, Y = check_inputs(params, X, Y)
    T = X.shape[1]
    k = T if truncate is None else min(check_truncate(truncate), T)
    if state_params is not None:
        check_params(state_params, "state_params")
    if k == T:
        return mse_loss(_forward(params, X, activation)[0], Y)
    _, cache = _forward(params if state_params is None else state_params, X[:, :T - k], activation)
    s_start = cache["states"][-1]                        # s_{T-k}, (N, H): a constant from here on
    return mse_loss(_forward(params, X[:, T - k:], activation, s0=s_start)[0], Y)


def loss_and_grads_loop(params, X, Y, truncate=None, activation="sigmoid"):
    """The same loss and gradients as loss_and_grads, one record and one step at a time.

    A plain transcription of the maths, kept as the readable reference that the vectorized code is
    tested against: step_forward and step_backward (without their argument checks) on one record.
    Same arguments and return value as loss_and_grads.
    """
    check_activation(activation)
    X, Y = check_inputs(params, X, Y)
    truncate = check_truncate(truncate)
    V = params["V"]
    H, O = params["W"].shape[0], V.shape[0]
    c = params.get("c", np.zeros(O))
    N, T, _ = X.shape
    k = T if truncate is None else min(truncate, T)
    grads = {name: np.zeros_like(value) for name, value in params.items()}
    loss = 0.0
    for n in range(N):
        x = X[n][:, None, :]                             # x[t - 1] = x_t as a (1, D) row
        s = [np.zeros((1, H))]                           # s[t] = s_t, a (1, H) row
        for t in range(1, T + 1):
            s.append(_step_forward(x[t - 1], s[t - 1], params, activation))
        y_hat = V @ s[T][0] + c                          # (O,)
        loss += 0.5 * np.sum((y_hat - Y[n]) ** 2) / N
        dy = (y_hat - Y[n]) / N                          # (O,)
        grads["V"] += np.outer(dy, s[T][0])
        if "c" in grads:
            grads["c"] += dy
        ds = (V.T @ dy)[None, :]                         # ds_T, (1, H)
        for t in range(T, T - k, -1):
            ds, step_grads = _step_backward(ds, x[t - 1], s[t - 1], s[t], params, activation)
            for name, g in step_grads.items():
                grads[name] += g
    return loss, grads


def _check_bool(name, value):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r} ({type(value).__name__}).")
    return bool(value)


def _check_step(params, activation, **arrays):
    """Check one step's arrays against params: x_t (N, D), every other one (N, H), one N."""
    check_activation(activation)
    H, D, _, _ = check_params(params)
    out = []
    for name, value in arrays.items():
        width = D if name == "x_t" else H
        arr = check_magnitude(name, as_float_array(  # beyond 1e50, products overflow
            name, value, ndim=2, what=f"(N, {'input_dim' if name == 'x_t' else 'hidden_dim'})"))
        if arr.shape[1] != width:
            raise ValueError(f"{name} must have shape (N, {width}), got {arr.shape}.")
        out.append(arr)
    N = out[0].shape[0]
    for name, arr in zip(arrays, out):
        if arr.shape[0] != N:
            raise ValueError(f"{name} has {arr.shape[0]} rows but {next(iter(arrays))} has {N}: "
                             "every array of one step must hold the same N records.")
    return out if len(out) > 1 else out[0]


def _check_backward(dY_hat, cache, truncate):
    if not isinstance(cache, dict) or not {"states", "X", "params", "activation"} <= set(cache):
        raise TypeError("cache must be the dict that forward() returned with its predictions.")
    N = cache["states"].shape[1]
    O = cache["params"]["V"].shape[0]
    dY_hat = as_float_array("dY_hat", dY_hat, ndim=2, what="(N, output_dim)")
    if dY_hat.shape != (N, O):
        raise ValueError(f"dY_hat must have shape (N, output_dim) = {(N, O)} to match the cache, "
                         f"got {dY_hat.shape}.")
    return dY_hat, cache, check_truncate(truncate)


def state_gradients(params, X, Y, activation="sigmoid"):
    """ds_t = dloss/ds_t for t = 1 .. T (full BPTT), from the loop of step_backward (walk_back).

    params: from init_params. X: (N, T, D). Y: (N, O). Returns dS (T, N, H), dS[t - 1] = ds_t.
    """
    check_activation(activation)
    X, Y = check_inputs(params, X, Y)
    Y_hat, cache = _forward(params, X, activation)
    dS = np.empty(cache["states"][1:].shape)
    for t, ds_t, _ in walk_back((Y_hat - Y) / Y.shape[0] @ params["V"], cache):
        dS[t - 1] = ds_t
    return dS


#: The vectorised sequence functions that rnn_helpers.cells registers beside CELL (they compute
#: what the versions built from the protocol's steps compute, faster).
SEQUENCE = SimpleNamespace(
    init_params=lambda H, D, O, seed: init_params(H, D, O, seed=seed),
    check_params=lambda params, name="params": check_params(params, name)[:3],
    check_inputs=check_inputs,
    predict=lambda params, X, activation: forward(params, X, activation)[0],
    loss_and_grads=lambda params, X, Y, truncate, activation: loss_and_grads(
        params, X, Y, truncate, activation),
    loss_and_grads_loop=lambda params, X, Y, truncate, activation: loss_and_grads_loop(
        params, X, Y, truncate, activation),
    truncated_loss=lambda params, X, Y, truncate, state_params, activation: truncated_loss(
        params, X, Y, truncate, activation, state_params),
    state_gradients=lambda params, X, Y, state, activation: state_gradients(params, X, Y,
                                                                            activation))
