"""The many-to-many character model: one prediction, and one loss term, at every step.

Letters used in shapes: N records (parallel streams), T time steps, H hidden size, K vocabulary size.

Any registered cell works (rnn_helpers.cells): the recurrent layer built from its steps, with the
softmax head o_t = h_t V^T + c at every step on top (rnn_helpers.layer), the input x_t the one-hot
row of the id at step t. Its params come from rnn_helpers.cells.init_params(cell, hidden_dim, K, K)
(every weight, biases included). The state carried from one chunk to the next is the cell's state:
an (N, H) array for a cell with one state (the RNN's s_t), a tuple of them for more (the LSTM's).

The vanilla RNN has a fast path, written out below: its parameters from init_params(hidden_dim, K,
K) are U (H, K), W (H, H), b (H,), V (K, H), c (K,), and for one record:

    s_t = tanh(U x_t + W s_{t-1} + b)          (H,)     t = 1 .. T, from a given s_0
    o_t = V s_t + c                             (K,)     the logits
    p_t = softmax(o_t)                          (K,)
    loss = mean over the N*T positions of -log p_t[y_t]

U x_t is column id_t of U, so the code looks it up (U[:, id_t]) instead of multiplying. Walking the
chain rule back (each line in _backward and loss_and_grads_loop is one of these):

    do_t = (p_t - onehot(y_t)) / (N T)          (K,)     softmax_xent_backward
    dV += do_t s_t^T,  dc += do_t
    ds_t = V^T do_t + W^T dz_{t+1}              (H,)     (dz_{T+1} = 0)
    dz_t = ds_t * (1 - s_t^2)                   (H,)     tanh' written with s_t
    dU[:, id_t] += dz_t,  dW += dz_t s_{t-1}^T,  db += dz_t

In the vectorised code rows are records: s_t is (N, H) and s_t = tanh(U^T[ids_t] + s_{t-1} W^T + b).
"""

import math
from types import SimpleNamespace

import numpy as np

from .._checks import as_float_array, check_int, check_magnitude, check_positive_float, check_size
from ..cells import cell_of, get_cell
from ..layer import (layer_backward, layer_forward, softmax_head_backward, softmax_head_forward,
                     zero_state)
from .vocab import check_ids

__all__ = ["softmax_xent", "softmax_xent_backward", "loss_and_grads", "loss_and_grads_loop",
           "loss_and_grads_time_major", "sample", "bits_per_char", "check_text_params"]

_EVAL_CHUNK = 2000      # steps per forward call in bits_per_char: bounds memory, not the result


def softmax_xent(logits, targets):
    """Mean over all positions of -log softmax(o)[y], in nats (divide by ln 2 for bits).

    logits: (N, T, K) floats (any leading shape works).  targets: (N, T) integer ids in [0, K).
    Returns a float. The softmax subtracts each row's maximum first, so logits of 1e4 are exact.
    Raises TypeError for non-numeric logits or non-integer targets; ValueError for NaN or infinite
    logits, mismatched shapes, or targets outside [0, K).
    """
    logits, targets = _check_logits(logits, targets)
    return _xent(logits, targets)[0]


def softmax_xent_backward(logits, targets):
    """dloss/dlogits for softmax_xent: (softmax(o) - onehot(y)) / (number of positions).

    logits: (N, T, K).  targets: (N, T) ids in [0, K).  Returns dlogits (N, T, K); each position's
    row sums to 0. Raises as softmax_xent does.
    """
    logits, targets = _check_logits(logits, targets)
    return _xent(logits, targets)[1]


def loss_and_grads(params, X_ids, Y_ids, s0=None):
    """Loss over one chunk and its exact gradient with s0 held constant; all N records at once.

    params: from init_params(hidden_dim, K, K), of any registered cell (rnn_helpers.cells).
    X_ids, Y_ids: integer arrays (N, T) in [0, K), the input and the target id at every step.
    s0: the starting state, zeros when None: (N, H) for a cell with one state, a tuple of (N, H)
    arrays for more (the LSTM's (h, c)).
    Returns (loss, grads, s_T): loss a float (mean nats per position); grads a dict with the keys and
    shapes of params; s_T, the state (as s0) to pass as s0 of the next chunk.
    For the vanilla RNN the one-hot x_t is never built: U x_t is looked up as column id_t of U
    (U[:, ids]). A product with a one-hot matrix gives the same numbers at K times the cost (K
    multiply-adds per entry, all but one with 0), and the backward pass then adds dz_t into those
    columns only.
    Raises TypeError/ValueError naming the argument for params, ids or s0 that do not fit.
    """
    model, H, K = check_text_params(params)
    X_ids, Y_ids = _check_pair(X_ids, Y_ids, K)
    s0 = _check_s0(model, s0, X_ids.shape[0], H)
    return loss_and_grads_time_major(params, X_ids.T, Y_ids.T, s0)


def loss_and_grads_time_major(params, X_tm, Y_tm, state0):
    """loss_and_grads without argument checks, on time-major ids X_tm, Y_tm (T, N), for train_text.

    state0: the cell's state (an (N, H) array, or a tuple for a cell with several states), or None.
    Returns (loss, grads, state_T), state_T a copy, as loss_and_grads.
    """
    model = get_cell(cell_of(params))
    fast = model.engines.get("text")
    if fast is not None:
        loss, grads, S = fast.loss_and_grads(params, X_tm, Y_tm, state0)
        return loss, grads, S[-1].copy()
    states, caches, logits = _layer_forward(model, params, X_tm, state0)
    loss, do = _xent(logits, Y_tm)
    H_seq = np.stack([state[0] for state in states[1:]])              # (T, N, H)
    head, dH = softmax_head_backward(do, H_seq, params)
    rest = tuple(np.zeros_like(dH[0]) for _ in model.states[1:])     # the head reads h_t alone
    grads = {k: np.zeros_like(v) for k, v in model.cell_params(params).items()}
    layer_backward(model.cell.step_backward, caches, len(caches), lambda t: (dH[t - 1],) + rest,
                   grads)
    grads.update(head)
    return loss, grads, _carried(states[-1])


def loss_and_grads_loop(params, X_ids, Y_ids, s0=None):
    """loss_and_grads one record and one step at a time: the maths above, line by line.

    The readable reference that the vectorised loss_and_grads is tested against. Same arguments,
    return value and errors.
    """
    model, H, K = check_text_params(params)
    X_ids, Y_ids = _check_pair(X_ids, Y_ids, K)
    N, T = X_ids.shape
    s0 = _check_s0(model, s0, N, H)
    if model.engines.get("text") is None:          # any other cell: a batch of one at a time
        return _generic_loop(params, X_ids, Y_ids, s0)
    s0 = np.zeros((N, H)) if s0 is None else s0
    U, W, b, V, c = (params[k] for k in ("U", "W", "b", "V", "c"))
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    loss, s_T = 0.0, np.empty((N, H))
    for n in range(N):
        s = [s0[n]]                                        # s[t] = s_t, (H,)
        do = []
        for t in range(T):
            s.append(np.tanh(U[:, X_ids[n, t]] + W @ s[t] + b))    # U x_t is a column lookup
            o = V @ s[t + 1] + c                           # o_t, (K,)
            p = np.exp(o - o.max())                        # shifting o leaves softmax unchanged
            p /= p.sum()
            loss -= math.log(p[Y_ids[n, t]])
            p[Y_ids[n, t]] -= 1.0
            do.append(p / (N * T))                         # do_t = (p_t - onehot(y_t)) / (N T)
        s_T[n] = s[T]
        dz_next = np.zeros(H)
        for t in range(T, 0, -1):
            grads["V"] += np.outer(do[t - 1], s[t])        # dV += do_t s_t^T
            grads["c"] += do[t - 1]                        # dc += do_t
            ds = V.T @ do[t - 1] + W.T @ dz_next           # ds_t = V^T do_t + W^T dz_{t+1}
            dz = ds * (1.0 - s[t] ** 2)                    # dz_t = ds_t * tanh'
            grads["U"][:, X_ids[n, t - 1]] += dz           # dU[:, id_t] += dz_t
            grads["W"] += np.outer(dz, s[t - 1])           # dW += dz_t s_{t-1}^T
            grads["b"] += dz                               # db += dz_t
            dz_next = dz
    return loss / (N * T), grads, s_T


def sample(params, seed_ids, n, temperature=1.0, seed=0):
    """Generate n ids: run the model over seed_ids, then draw one id at a time and feed it back.

    params: from init_params(hidden_dim, K, K).  seed_ids: integer array (L,) in [0, K), L >= 1; the
    state starts at zeros and the first id is drawn after the last seed id.  n: how many ids.
    temperature: each id is drawn from softmax(o_t / temperature); below 1 sharpens the distribution
    (as it goes to 0 the draw becomes the most likely id), above 1 flattens it.
    seed: for np.random.default_rng. Returns an int64 array (n,), without the seed ids.
    Raises TypeError/ValueError naming the argument: bad ids, n < 1, temperature not finite or <= 0,
    seed negative.
    """
    model, H, K = check_text_params(params)
    seed_ids = check_ids("seed_ids", seed_ids, 1, K, "(L,)")
    n = check_int("n", n, minimum=1)
    check_size("n", n, f"a sample of n={n} ids")
    temperature = check_positive_float("temperature", temperature)
    rng = np.random.default_rng(check_int("seed", seed, minimum=0))
    if model.engines.get("text") is None:
        return _generic_sample(model, params, seed_ids, n, temperature, rng)
    U, W, b, V, c = (params[k] for k in ("U", "W", "b", "V", "c"))
    s = np.zeros(H)
    for x in seed_ids:
        s = np.tanh(U[:, x] + W @ s + b)
    out = np.empty(n, dtype=np.int64)
    for i in range(n):
        o = V @ s + c
        # subtract the max before dividing: a tiny temperature then gives -inf, never inf - inf
        p = np.exp((o - o.max()) / temperature)
        out[i] = x = rng.choice(K, p=p / p.sum())
        s = np.tanh(U[:, x] + W @ s + b)
    return out


def bits_per_char(params, ids):
    """Mean -log2 p(next character) over a text, the state carried from its first character to its last.

    params: from init_params(hidden_dim, K, K).  ids: integer array (L,) in [0, K), L >= 2; the
    model starts from s = 0 and predicts ids[1:] from what precedes each. Returns a float in bits
    (log2 K for a model that knows nothing; lower is better).
    Raises TypeError/ValueError naming the argument for bad params or ids.
    """
    model, H, K = check_text_params(params)
    ids = check_ids("ids", ids, 1, K, "(L,)")
    if ids.size < 2:
        raise ValueError("ids must hold at least 2 ids: bits per character scores each id after "
                         "the first.")
    fast = model.engines.get("text")
    s, total = (np.zeros((1, H)) if fast else None), 0.0
    for start in range(0, ids.size - 1, _EVAL_CHUNK):
        x = ids[start:start + _EVAL_CHUNK + 1]
        if fast:
            S, logits = fast.forward(params, x[:-1, None], s)
            s = S[-1]
        else:
            states, _, logits = _layer_forward(model, params, x[:-1, None], s)
            s = states[-1]
        total += _xent(logits, x[1:, None], grad=False)[0] * (x.size - 1)
    return total / (ids.size - 1) / math.log(2.0)


def _loss_and_grads(params, X_tm, Y_tm, s0):
    """loss_and_grads on checked, time-major ids X_tm, Y_tm (T, N). Returns (loss, grads, S)."""
    S, logits = _forward(params, X_tm, s0)
    loss, do = _xent(logits, Y_tm)
    return loss, _backward(params, X_tm, S, do), S


def _forward(params, X_tm, s0):
    """States S (T + 1, N, H) with S[0] = s0, and logits (T, N, K), for time-major ids X_tm (T, N)."""
    U, W, b, V, c = (params[k] for k in ("U", "W", "b", "V", "c"))
    T, N = X_tm.shape
    S = np.empty((T + 1, N, U.shape[0]))
    S[0] = 0.0 if s0 is None else s0
    # x_t U^T for one-hot rows x_t is a row lookup of U^T: the same numbers as a product with a
    # one-hot (N, K) matrix, at 1/K of the cost, done for every step at once.
    Z_in = U.T[X_tm] + b                                   # (T, N, H)
    W_T, z = W.T, np.empty((N, U.shape[0]))
    for t in range(T):
        np.dot(S[t], W_T, out=z)
        z += Z_in[t]
        np.tanh(z, out=S[t + 1])                           # s_t = tanh(U x_t + W s_{t-1} + b)
    return S, S[1:] @ V.T + c                              # o_t = V s_t + c, (T, N, K)


def _backward(params, X_tm, S, do):
    """Gradients from S (T + 1, N, H) and do = dloss/dlogits (T, N, K); time-major ids X_tm (T, N)."""
    W, V = params["W"], params["V"]
    T, N, K = do.shape
    H = W.shape[0]
    do_rows = do.reshape(T * N, K)
    dV = do_rows.T @ S[1:].reshape(T * N, H)               # dV = sum do_t s_t^T
    dc = do_rows.sum(axis=0)                               # dc = sum do_t
    dS = do @ V                                            # V^T do_t for every step, (T, N, H)
    dZ = np.empty_like(dS)
    for t in range(T - 1, -1, -1):                         # dZ[t] is dz_{t+1} (S[t+1] is s_{t+1})
        ds = dS[t] if t == T - 1 else dS[t] + dZ[t + 1] @ W    # ds_t = V^T do_t + W^T dz_{t+1}
        dZ[t] = ds * (1.0 - S[t + 1] ** 2)                     # dz_t = ds_t * tanh'
    dZ_rows = dZ.reshape(T * N, H)
    dW = dZ_rows.T @ S[:-1].reshape(T * N, H)              # dW = sum dz_t s_{t-1}^T
    db = dZ_rows.sum(axis=0)
    # dU[:, id_t] += dz_t: the transpose of the row lookup is a scatter-add over repeated ids.
    # Sorting the rows by id and summing runs with reduceat does it about 10x faster than np.add.at.
    ids = X_tm.ravel()
    order = np.argsort(ids, kind="stable")
    ids_sorted = ids[order]
    starts = np.flatnonzero(np.r_[True, ids_sorted[1:] != ids_sorted[:-1]])
    dU_T = np.zeros((K, H))
    dU_T[ids_sorted[starts]] = np.add.reduceat(dZ_rows[order], starts, axis=0)
    return {"U": np.ascontiguousarray(dU_T.T), "W": dW, "b": db, "V": dV, "c": dc}


def _xent(logits, targets, grad=True):
    """(mean -log softmax(o)[y], dlogits or None) for logits (..., K) and targets (...)."""
    shifted = logits - logits.max(axis=-1, keepdims=True)  # exp cannot overflow; softmax unchanged
    e = np.exp(shifted)
    total = e.sum(axis=-1, keepdims=True)
    picked = np.take_along_axis(shifted, targets[..., None], axis=-1)
    loss = float(np.mean(np.log(total) - picked))
    if not grad:
        return loss, None
    p = e / total
    at = targets[..., None]                               # subtract the one-hot target, in place
    np.put_along_axis(p, at, np.take_along_axis(p, at, axis=-1) - 1.0, axis=-1)
    p /= targets.size
    return loss, p


def _check_logits(logits, targets):
    # beyond 1e50, differences of logits (the softmax's shift) could overflow
    logits = check_magnitude("logits", as_float_array("logits", logits, what="(N, T, K)"),
                             hint="differences of such scores overflow, and no model gives "
                             "scores this large: check how they were computed")
    if logits.ndim < 1 or logits.shape[-1] < 1:
        raise ValueError(f"logits must have a last axis of K >= 1 scores, got shape {logits.shape}.")
    K = logits.shape[-1]
    try:                                # targets are checked on their own first, so that a
        ndim = np.ndim(targets)         # mismatch of axes blames the argument that is off
    except ValueError:                  # ragged lists: check_ids says so, naming targets
        ndim = logits.ndim - 1
    targets = check_ids("targets", targets, ndim, K, "(N, T)", allow_empty=True)
    if targets.ndim != logits.ndim - 1:
        first = "logits" if targets.ndim == 2 else "targets"     # (N, T) targets are as documented
        raise ValueError(f"{first} has the wrong number of axes: logits has shape {logits.shape} "
                         f"and targets {targets.shape}, but logits needs exactly one more axis "
                         "than targets (the K scores of each position): targets (N, T), logits "
                         "(N, T, K).")
    if targets.shape != logits.shape[:-1] or targets.size == 0:
        raise ValueError(f"targets has shape {targets.shape} but logits {logits.shape}: there must be "
                         "one target id per row of K logits, and at least one.")
    return logits, targets


def _check_pair(X_ids, Y_ids, K):
    X_ids = check_ids("X_ids", X_ids, 2, K, "(N, T)")
    check_size("X_ids", X_ids.size * K,
               f"the logits of {X_ids.size} positions over K={K} characters")
    Y_ids = check_ids("Y_ids", Y_ids, 2, K, "(N, T)")
    if X_ids.shape != Y_ids.shape:
        raise ValueError(f"X_ids has shape {X_ids.shape} but Y_ids has shape {Y_ids.shape}: they must "
                         "match, one target id per input id (Y_ids is X_ids shifted by one character).")
    return X_ids, Y_ids


def _check_s0(model, s0, N, H):
    """None, or the cell's state: an (N, H) array for one state, a tuple of them for several."""
    if s0 is None:
        return None
    several = len(model.states) > 1
    if several and not (isinstance(s0, tuple) and len(s0) == len(model.states)):
        raise TypeError(f"s0 must be a tuple of {len(model.states)} arrays (N, hidden_dim), one per "
                        f"state {model.states} of the {model.name.upper()}, or None; got "
                        f"{type(s0).__name__}.")
    checked = tuple(_check_state(f"s0[{i}]" if several else "s0", s, N, H)
                    for i, s in enumerate(s0 if several else (s0,)))
    return checked if several else checked[0]


def _check_state(name, s0, N, H):
    s0 = as_float_array(name, s0, ndim=2, what="(N, hidden_dim)")
    if s0.shape != (N, H):
        raise ValueError(f"{name} must have shape (N, hidden_dim) = {(N, H)}, got {s0.shape}; pass "
                         "the state that loss_and_grads returned for the previous chunk, or None.")
    return s0


def check_text_params(params):
    """Check a character model's params: a registered cell's, with every weight, input_dim equal to
    output_dim (K). Returns (the cell's model, H, K). Raises TypeError/ValueError naming params."""
    model = get_cell(cell_of(params))
    H, D, O = model.check_params(params)
    if D != O:
        raise ValueError(f"params has input_dim {D} but output_dim {O} (V {params['V'].shape}); a "
                         "character model reads and predicts the same K characters: build it with "
                         f"init_params(hidden_dim, K, K).")
    missing = sorted((model.keys | {"V", "c"}) - set(params))
    if missing:
        raise ValueError(f"params has no {missing} (no biases, or missing weights); the character "
                         "model uses every weight, biases included: build it with init_params(hidden_dim, "
                         "K, K) (biases=True, the default).")
    return model, H, D


def _carried(state):
    """The state handed to the next chunk: an array for a one-state cell, else the tuple (copies)."""
    return state[0].copy() if len(state) == 1 else tuple(s.copy() for s in state)


def _one_hot(ids_tm, K):
    """(N, T, K) one-hot rows of the time-major ids (T, N)."""
    X = np.zeros(ids_tm.T.shape + (K,))
    np.put_along_axis(X, ids_tm.T[..., None], 1.0, axis=-1)
    return X


def _layer_forward(model, params, X_tm, state0):
    """Any cell over time-major ids X_tm (T, N): (states, caches, logits (T, N, K)); state0 as
    loss_and_grads' s0 (None: zeros)."""
    K, H = params["V"].shape
    N = X_tm.shape[1]
    if state0 is None:
        state0 = zero_state(len(model.states), N, H)
    elif not isinstance(state0, tuple):
        state0 = (state0,)
    states, caches = layer_forward(model.cell.step_forward, model.cell_params(params),
                                   _one_hot(X_tm, K), state0, model.options())
    H_seq = np.stack([state[0] for state in states[1:]])
    return states, caches, softmax_head_forward(H_seq, params)


def _generic_loop(params, X_ids, Y_ids, s0):
    """loss_and_grads_loop for a cell without the fast path: each record a batch of one."""
    N, T = X_ids.shape
    loss, grads, ends = 0.0, {k: np.zeros_like(v) for k, v in params.items()}, []
    for n in range(N):
        start = None if s0 is None else tuple(s[n:n + 1] for s in (s0 if isinstance(s0, tuple)
                                                                    else (s0,)))
        start = start if start is None or isinstance(s0, tuple) else start[0]
        record_loss, record_grads, end = loss_and_grads_time_major(params, X_ids[n:n + 1].T,
                                                                   Y_ids[n:n + 1].T, start)
        loss += record_loss / N                  # every record has T of the N T positions
        for k, g in record_grads.items():
            grads[k] += g / N
        ends.append(end)
    if isinstance(ends[0], tuple):
        return loss, grads, tuple(np.concatenate(parts) for parts in zip(*ends))
    return loss, grads, np.concatenate(ends)


def _generic_sample(model, params, seed_ids, n, temperature, rng):
    """sample for a cell without the fast path: its step on one-hot rows."""
    K, H = params["V"].shape
    weights, options = model.cell_params(params), model.options()
    state = zero_state(len(model.states), 1, H)
    eye = np.eye(K)
    for x in seed_ids:
        state, _ = model.cell.step_forward(eye[x][None, :], state, weights, **options)
    out = np.empty(n, dtype=np.int64)
    for i in range(n):
        o = params["V"] @ state[0][0] + params["c"]
        p = np.exp((o - o.max()) / temperature)
        out[i] = x = rng.choice(K, p=p / p.sum())
        state, _ = model.cell.step_forward(eye[x][None, :], state, weights, **options)
    return out


#: The vanilla RNN's fast path (one-hot products as lookups), registered beside its cell.
VANILLA_TEXT = SimpleNamespace(loss_and_grads=_loss_and_grads, forward=_forward)
