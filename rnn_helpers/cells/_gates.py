"""What the gated cells (rnn_helpers.lstm, rnn_helpers.gru) share: the checks of their params,
states and caches, the output layer, and the two loops over time that do not depend on the gates
(run a step forward over the sequence; walk back through its last k steps), and the adapter that
makes each a cell of the protocol of rnn_helpers.cells.

Letters used in shapes: N records, T time steps, D input size (input_dim), H hidden size
(hidden_dim), O output size (output_dim).

Both cells predict from the last hidden state exactly as the RNN does,

    y_hat = h_T V^T + c                           (N, O)
    loss  = mean over the N records of 1/2 ||y_hat - y||^2,

so only the recurrence differs between the three models. The maths of each cell (its step forward,
its step backward, and the one-record loop that reads like the equations) stays in its own module.
"""

from types import SimpleNamespace

import numpy as np

from .._checks import (NO_TARGETS, as_float_array, check_int, check_truncate, check_weights,
                       check_weights_size, check_windows, unmasked)
from ..losses import mse_unchecked

__all__ = ["draw_params", "check_params", "check_state_params", "check_data", "check_state",
           "check_step", "check_cache", "check_backward_args", "steps_to_walk", "steps_back", "run_forward",
           "output_forward", "output_backward", "sum_steps_back", "record_output", "held_state_loss",
           "GatedCell", "gated_state_gradients", "MODULE_API", "vectorised_functions",
           "h_state_sequence"]

#: The public functions of each gated cell's module, the vanilla RNN module's names.
MODULE_API = ["init_params", "check_inputs", "step_forward", "step_backward", "forward", "backward",
              "loss_and_grads", "loss_and_grads_loop", "truncated_loss"]


def draw_params(blocks, biases, hidden_dim, input_dim, output_dim, seed):
    """A gated cell's weights from a seeded generator, at the scale PyTorch's layers use.

    W_x (blocks * H, D), W_h (blocks * H, H) and V (O, H), in that order, from uniform(-a, a) with
    a = 1 / sqrt(hidden_dim), which keeps every gate's input of order 1; the biases named in
    `biases`, (blocks * H,) each, and c (O,) at zero. blocks: 4 for the LSTM, 3 for the GRU.
    Returns the dict, keys in the order W_x, W_h, biases, V, c. Raises TypeError if a size or the
    seed is not a whole number, ValueError if a size is below 1 or above 100 000, or the seed
    negative.
    """
    H = check_int("hidden_dim", hidden_dim, minimum=1, maximum=100_000)
    D = check_int("input_dim", input_dim, minimum=1, maximum=100_000)
    O = check_int("output_dim", output_dim, minimum=1, maximum=100_000)
    check_weights_size(H, D, O, blocks)
    rng = np.random.default_rng(check_int("seed", seed, minimum=0))
    a = 1.0 / np.sqrt(H)
    params = {"W_x": rng.uniform(-a, a, size=(blocks * H, D)),
              "W_h": rng.uniform(-a, a, size=(blocks * H, H))}
    params.update({name: np.zeros(blocks * H) for name in biases})
    params.update(V=rng.uniform(-a, a, size=(O, H)), c=np.zeros(O))
    return params


# ---------------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------------

def check_params(params, names, blocks, cell, name="params"):
    """Check a gated cell's params (called `name` in messages); return (H, D, O).

    names: the cell's keys, in order. blocks: how many blocks of H rows W_x, W_h and the biases
    have (4 for the LSTM, 3 for the GRU). cell: "lstm" or "gru", for the messages.
    Raises TypeError (not a dict, not a float64 numpy array, complex) or ValueError (missing or
    unknown keys, NaN/inf, a wrong shape), naming the key that is wrong.
    """
    _check_param_arrays(params, names, cell, name)
    rows = f"{blocks} * hidden_dim"
    for k, words in (("W_h", f"({rows}, hidden_dim)"), ("W_x", f"({rows}, input_dim)"),
                     ("V", "(output_dim, hidden_dim)")):
        if params[k].ndim != 2 or 0 in params[k].shape:
            raise ValueError(f"{name}[{k!r}] must be a non-empty 2-D array {words}, got shape "
                             f"{params[k].shape}.")
    H, D, O = params["W_h"].shape[1], params["W_x"].shape[1], params["V"].shape[0]
    expected = {"W_h": ((blocks * H, H), f"({rows}, hidden_dim)"),
                "W_x": ((blocks * H, D), f"({rows}, input_dim)")}
    expected.update({k: ((blocks * H,), f"({rows},)") for k in names if k.startswith("b")})
    expected.update(V=((O, H), "(output_dim, hidden_dim)"), c=((O,), "(output_dim,)"))
    for k, (shape, words) in expected.items():
        if params[k].shape != shape:
            raise ValueError(f"{name}[{k!r}] has shape {params[k].shape}, expected {words} = {shape} "
                             f"(hidden_dim={H} from the columns of W_h, input_dim={D} from those of "
                             f"W_x, output_dim={O} from the rows of V).")
    return H, D, O


def _check_param_arrays(params, names, cell, name):
    """params is a dict with exactly the keys `names`, each a finite float64 numpy array."""
    build = f"rnn_helpers.{cell}.init_params(hidden_dim, input_dim, output_dim)"
    if not isinstance(params, dict):
        raise TypeError(f"{name} must be a dict like {build} returns, got {type(params).__name__}.")
    missing = [k for k in names if k not in params]
    extra = [k for k in params if k not in names]
    if missing or extra:
        found = [f"is missing {missing}"] * bool(missing) + [f"has unknown keys {extra}"] * bool(extra)
        raise ValueError(f"{name} {' and '.join(found)}: {cell.upper()} params have exactly the keys "
                         f"{list(names)}; build them with {build}.")
    for k in names:
        v = params[k]
        if not isinstance(v, np.ndarray):
            raise TypeError(f"{name}[{k!r}] must be a float64 numpy array, got {type(v).__name__}.")
        if v.dtype.kind == "c":
            raise TypeError(f"{name}[{k!r}] is complex ({v.dtype}); the weights must be real float64.")
        if v.dtype != np.float64:
            raise TypeError(f"{name}[{k!r}] must have dtype float64, got {v.dtype}; convert it with "
                            f"{name}[{k!r}].astype(np.float64).")
        if not np.isfinite(v).all():
            raise ValueError(f"{name}[{k!r}] contains NaN or infinite values: training probably "
                             f"diverged; start again from {build} with a smaller learning rate.")
        check_weights(f"{name}[{k!r}]", unmasked(f"{name}[{k!r}]", v))   # as the RNN's params


def check_state_params(state_params, params, names, blocks, cell):
    """Check truncated_loss's state_params: None, or a valid params dict of params' shapes.

    names, blocks, cell: as for check_params. Raises TypeError or ValueError naming state_params.
    """
    if state_params is None:
        return
    check_params(state_params, names, blocks, cell, "state_params")
    if any(state_params[k].shape != params[k].shape for k in names):
        raise ValueError("state_params must have the same shapes as params (it is the model the "
                         "held state is computed with).")


def check_data(params, X, Y=NO_TARGETS, x_name="X", y_name="Y"):
    """X (N, T, D) and, if given, Y (N, O) checked against the sizes of params (already checked) by
    _checks.check_windows. Returns X, or (X, Y), as float64 arrays.

    Y=None is refused (naming y_name) unless y_name is None too, as in _checks.check_inputs.
    Raises TypeError or ValueError naming x_name or y_name.
    """
    if Y is NO_TARGETS or (Y is None and y_name is None):
        Y = None
    elif Y is None:
        raise TypeError(f"{y_name} must be an array of targets of shape (N, output_dim), got None.")
    W_x, V = params["W_x"], params["V"]
    return check_windows(X, Y, W_x.shape[1], V.shape[0], f"params['W_x'] has shape {W_x.shape}",
                         f"params['V'] has shape {V.shape}", x_name, y_name,
                         state_size=W_x.shape[0])      # every gate's value, kept for backward


def check_state(name, value, N, H):
    """Check a state such as h_prev, c0 or dh_t: an (N, H) real array. Returns it as float64.

    Raises TypeError or ValueError naming `name` and the shape it must have.
    """
    value = as_float_array(name, value, ndim=2, what="(N, hidden_dim)")
    if value.shape != (N, H):
        raise ValueError(f"{name} must have shape (N, hidden_dim) = {(N, H)}, got {value.shape}.")
    return value


def check_step(H, D, x_t, **states):
    """Check one step's input x_t (N, D) and its states, (N, H) each, as keyword arguments named as
    the caller's (h_prev, and c_prev for the LSTM). Returns [x_t, *states] as float64 arrays.
    """
    x_t = as_float_array("x_t", x_t, ndim=2, what="(N, input_dim)")
    if x_t.shape[1] != D:
        raise ValueError(f"x_t must have shape (N, input_dim) = (N, {D}), got {x_t.shape}.")
    checked = [x_t]
    for name, value in states.items():
        value = as_float_array(name, value, ndim=2, what="(N, hidden_dim)")
        if value.shape[1] != H:
            raise ValueError(f"{name} must have shape (N, hidden_dim) = (N, {H}), got "
                             f"{value.shape}.")
        if value.shape[0] != x_t.shape[0]:
            raise ValueError(f"x_t has {x_t.shape[0]} rows but {name} has {value.shape[0]}: every "
                             "array of one step must hold the same N records.")
        checked.append(value)
    return checked


def check_cache(cache, keys, cell, made_by):
    """Raise TypeError unless cache is a dict with `keys`, as rnn_helpers.`cell`.`made_by` returns."""
    if not isinstance(cache, dict) or any(k not in cache for k in keys):
        raise TypeError(f"cache must be the dict that rnn_helpers.{cell}.{made_by} returned, with the "
                        f"keys {list(keys)}.")


def check_backward_args(dY_hat, cache, keys, cell, truncate):
    """The checks of backward: cache from `cell`'s forward (with `keys`), dY_hat (N, O) to match it,
    truncate. Returns (dY_hat as float64, k the number of steps to walk back)."""
    check_cache(cache, keys, cell, "forward")
    N, O = cache["h"].shape[1], cache["params"]["V"].shape[0]
    dY_hat = as_float_array("dY_hat", dY_hat, ndim=2, what="(N, output_dim)")
    if dY_hat.shape != (N, O):
        raise ValueError(f"dY_hat must have shape (N, output_dim) = {(N, O)} to match the cache, "
                         f"got {dY_hat.shape}.")
    return dY_hat, steps_to_walk(truncate, cache["X"].shape[1])


def steps_to_walk(truncate, T):
    """k, the number of steps BPTT walks back: T for None or truncate >= T. Checks truncate.

    Raises TypeError (not a whole number, or a bool) or ValueError (below 1) naming truncate.
    """
    truncate = check_truncate(truncate)
    return T if truncate is None else min(truncate, T)


# ---------------------------------------------------------------------------------------------
# The loops over time, and the output layer
# ---------------------------------------------------------------------------------------------

def run_forward(step_forward, params, X, starts, stacked):
    """Run a cell's step over the T steps of X, keeping what backward needs, time first.

    step_forward: the cell's, without checks, called as step_forward(x_t, *states, params) and
        returning (*new states, step cache).  X: (N, T, D).
    starts: the starting states, each (N, H) or None for zeros: (h_0,) or (h_0, c_0).
    stacked: the names of the step-cache entries to keep, each (N, H).
    Returns (states, kept): a list with one (T + 1, N, H) array per state, time first (entry t is
    the state after step t, entry 0 the start); a dict name -> (T, N, H), entry t - 1 from step t.
    """
    N, T, _ = X.shape
    H = params["W_h"].shape[1]
    states = [np.zeros((T + 1, N, H)) for _ in starts]
    for state, start in zip(states, starts):
        if start is not None:
            state[0] = start
    kept = {name: np.empty((T, N, H)) for name in stacked}
    for t in range(1, T + 1):
        *new, step = step_forward(X[:, t - 1], *(state[t - 1] for state in states), params)
        for state, value in zip(states, new):
            state[t] = value
        for name, array in kept.items():
            array[t - 1] = step[name]
    return states, kept


def sum_steps_back(step_backward, upstream, steps, params, k, grads):
    """BPTT through the last k steps: add each step's parameter gradients into grads; return grads.

    step_backward: the cell's, without checks, called as step_backward(*upstream, step cache,
        params) and returning (*upstream for the step before, step_grads).
    upstream: what reaches the last step's states, (N, H) each: (dh_T,) or (dh_T, dc_T).
    steps: the step caches, steps[t - 1] from step t.  k: 1 .. T = len(steps).
    """
    for _, _, step_grads in steps_back(step_backward, upstream, steps, params, k):
        for name, g in step_grads.items():
            grads[name] += g
    return grads


def steps_back(step_backward, upstream, steps, params, k):
    """The steps of sum_steps_back one by one: yields (t, upstream_t, step_grads) for t = T .. T-k+1.

    upstream_t: what reaches step t's states, (dh_t,) or (dh_t, dc_t), each (N, H); step_grads:
    step t's parameter gradients. rnn_helpers.gradient_flow reads the upstream gradients.
    """
    T = len(steps)
    for t in range(T, T - k, -1):
        *before, step_grads = step_backward(*upstream, steps[t - 1], params)
        yield t, tuple(upstream), step_grads
        upstream = before


def output_forward(h_T, params):
    """y_hat = h_T V^T + c. h_T: (N, H). Returns Y_hat (N, O)."""
    return h_T @ params["V"].T + params["c"]


def output_backward(dY_hat, h_T, params):
    """The output layer's chain rule. dY_hat: (N, O), h_T: (N, H).

    Returns (grads, dh_T): grads a dict with the keys and shapes of params, zero but for
    dV = dY_hat^T h_T (O, H) and dc = sum_n dY_hat (O,); and dh_T = dY_hat V (N, H).
    """
    grads = {name: np.zeros_like(value) for name, value in params.items()}
    grads["V"], grads["c"] = dY_hat.T @ h_T, dY_hat.sum(axis=0)
    return grads, dY_hat @ params["V"]


def record_output(h_T, y, N, params, grads):
    """The output layer for one record of N, as the one-record loops write it.

    h_T: (1, H), y: (O,). Adds the record's share of dV (O, H) and dc (O,) into grads.
    Returns (its term of the mean loss, a float; dloss/dh_T (1, H)).
    """
    y_hat = params["V"] @ h_T[0] + params["c"]         # (O,)
    dy = (y_hat - y) / N                               # (O,)
    grads["V"] += np.outer(dy, h_T[0])
    grads["c"] += dy
    return 0.5 * np.sum((y_hat - y) ** 2) / N, (params["V"].T @ dy)[None, :]


def held_state_loss(forward, held, params, state_params, X, Y, k):
    """The loss with the states at step T-k computed with state_params (None: params) and then
    held fixed; only the last k steps and the output use params. Returns a float.

    forward: the cell's, without checks: forward(params, X, *starts) -> (Y_hat, cache).
    held: the cache's names of the states to hold, ("h",) or ("h", "c").
    """
    T = X.shape[1]
    if k == T:
        return mse_unchecked(forward(params, X)[0], Y)
    _, start = forward(params if state_params is None else state_params, X[:, :T - k])
    starts = [start[name][-1] for name in held]        # (N, H) each: constants from here on
    return mse_unchecked(forward(params, X[:, T - k:], *starts)[0], Y)


def gated_state_gradients(forward, step_cache, step_backward, n_states, params, X, Y):
    """Walk a gated cell's full BPTT from the loss: yields (t, upstream_t, step cache t) for
    t = T .. 1, upstream_t what reaches step t's states ((dh_t,) or (dh_t, dc_t), each (N, H)).

    forward, step_cache, step_backward: the cell's, without checks; X, Y checked by the caller.
    """
    Y_hat, cache = forward(params, X)
    _, dh_T = output_backward((Y_hat - Y) / Y.shape[0], cache["h"][-1], params)
    upstream = (dh_T,) + (np.zeros_like(dh_T),) * (n_states - 1)
    T = X.shape[1]
    steps = [step_cache(cache, t) for t in range(1, T + 1)]
    for t, upstream_t, _ in steps_back(step_backward, upstream, steps, params, T):
        yield t, upstream_t, steps[t - 1]


class GatedCell:
    """A gated cell as a cell of the protocol (rnn_helpers.cells), from its module's functions.

    states: ("h", "c") or ("h",). init_params: the module's (with the output layer, which this
    drops). step_forward(x_t, *state, params) -> (*state_t, step cache) and step_backward(*dstate,
    step cache, params, with_dx=True) -> (dx_t, dstate_prev, dparams): the module's, unchecked.
    """

    def __init__(self, states, init_params, step_forward, step_backward):
        self.states = states
        self._init, self._forward, self._backward = init_params, step_forward, step_backward

    def init_params(self, hidden_dim, input_dim, *, seed):
        """The cell's weights: the module's init_params without V and c."""
        params = self._init(hidden_dim, input_dim, 1, seed=seed)
        del params["V"], params["c"]
        return params

    def step_forward(self, x_t, state, params):
        """(state_t, cache): the module's step; the cache keeps params for step_backward."""
        *state_t, step = self._forward(x_t, *state, params)
        return tuple(state_t), (step, params)

    def step_backward(self, dstate_t, cache):
        """(dx_t, dstate_prev, dparams), back through step_forward."""
        step, params = cache
        return self._backward(*dstate_t, step, params, with_dx=True)


def vectorised_functions(namespace):
    """A gated cell module's vectorised sequence functions, as rnn_helpers.cells registers them.

    namespace: the module's globals(). Each function is looked up there when called, so that a test
    may replace one of the module's functions (monkeypatch) and be seen through the registry.
    """
    def late(name):
        return lambda *args, **kwargs: namespace[name](*args, **kwargs)

    return SimpleNamespace(
        init_params=late("init_params"), check_params=late("_check_params"),
        check_inputs=late("check_inputs"), predict=lambda params, X: namespace["forward"](params, X)[0],
        loss_and_grads=late("loss_and_grads"), loss_and_grads_loop=late("loss_and_grads_loop"),
        truncated_loss=late("truncated_loss"), state_gradients=late("_state_gradients"))


def h_state_sequence(namespace):
    """The sequence functions of a gated cell module whose only state is h (both GRUs), written once.

    namespace: the module's globals(), read each time a function runs (so that a test's monkeypatch
    of the module's steps is seen): step_forward and step_backward (checked, what the loop version
    calls), _step_forward and _step_backward (unchecked), check_inputs, _STACKED (the step arrays
    forward stacks, (T, N, H) each), FORWARD_CACHE_KEYS, PARAM_NAMES, BLOCKS and NAME.
    Returns a SimpleNamespace of forward, backward, loss_and_grads, loss_and_grads_loop,
    truncated_loss and state_gradients, with the arguments, results and errors that the module's
    functions of those names document.
    """
    ns = namespace

    def _forward(params, X, h0=None):
        (h,), stacked = run_forward(ns["_step_forward"], params, X, (h0,), ns["_STACKED"])
        return output_forward(h[-1], params), {"h": h, **stacked, "X": X, "params": params}

    def _step_cache(cache, t):
        """The cache step_forward made at step t (1 .. T), as views into forward's stacked arrays."""
        return {**{name: cache[name][t - 1] for name in ns["_STACKED"]},
                "x_t": cache["X"][:, t - 1], "h_prev": cache["h"][t - 1]}

    def _backward(dY_hat, cache, k):
        """dh alone flows back, through k steps (1 .. T)."""
        grads, dh_T = output_backward(dY_hat, cache["h"][-1], cache["params"])
        steps = [_step_cache(cache, t) for t in range(1, cache["X"].shape[1] + 1)]
        return sum_steps_back(ns["_step_backward"], (dh_T,), steps, cache["params"], k, grads)

    def forward(params, X, h0=None):
        X = ns["check_inputs"](params, X)
        h0 = None if h0 is None else check_state("h0", h0, X.shape[0], params["W_h"].shape[1])
        return _forward(params, X, h0)

    def backward(dY_hat, cache, truncate=None):
        dY_hat, k = check_backward_args(dY_hat, cache, ns["FORWARD_CACHE_KEYS"], ns["NAME"], truncate)
        return _backward(dY_hat, cache, k)

    def loss_and_grads(params, X, Y, truncate=None):
        X, Y = ns["check_inputs"](params, X, Y)
        k = steps_to_walk(truncate, X.shape[1])
        Y_hat, cache = _forward(params, X)
        return mse_unchecked(Y_hat, Y), _backward((Y_hat - Y) / Y.shape[0], cache, k)

    def loss_and_grads_loop(params, X, Y, truncate=None):
        """One record and one step at a time, through the checked steps: the readable reference."""
        X, Y = ns["check_inputs"](params, X, Y)
        N, T, _ = X.shape
        k = steps_to_walk(truncate, T)
        loss, grads = 0.0, {name: np.zeros_like(value) for name, value in params.items()}
        for n in range(N):
            h_t, steps = np.zeros((1, params["W_h"].shape[1])), []   # every record starts at h_0 = 0
            for t in range(1, T + 1):
                h_t, step = ns["step_forward"](X[n:n + 1, t - 1], h_t, params)
                steps.append(step)                                    # steps[t - 1]: step t's cache
            record_loss, dh = record_output(h_t, Y[n], N, params, grads)   # y_hat = V h_T + c
            loss += record_loss
            for t in range(T, T - k, -1):
                dh, step_grads = ns["step_backward"](dh, steps[t - 1], params)
                for name, g in step_grads.items():
                    grads[name] += g
        return loss, grads

    def truncated_loss(params, X, Y, truncate, state_params=None):
        X, Y = ns["check_inputs"](params, X, Y)
        k = steps_to_walk(truncate, X.shape[1])
        check_state_params(state_params, params, ns["PARAM_NAMES"], len(ns["BLOCKS"]), ns["NAME"])
        return held_state_loss(_forward, ("h",), params, state_params, X, Y, k)

    def state_gradients(params, X, Y, state):
        X, Y = ns["check_inputs"](params, X, Y)
        dS = np.empty((X.shape[1], X.shape[0], params["W_h"].shape[1]))
        for t, (dh,), _ in gated_state_gradients(_forward, _step_cache, ns["_step_backward"], 1, params,
                                                 X, Y):
            dS[t - 1] = dh
        return dS

    return SimpleNamespace(forward=forward, backward=backward, loss_and_grads=loss_and_grads,
                           loss_and_grads_loop=loss_and_grads_loop, truncated_loss=truncated_loss,
                           state_gradients=state_gradients)
