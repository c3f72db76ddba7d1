"""A stack of recurrent layers (each one or two directions): forward, backward, and loop versions.

Letters: N records, T time steps, D input size, H hidden size, L layers, dirs 1 or 2.

    H^(0) = X                                                   (N, T, D)
    H^(k+1) = layer_k(H^(k))                                     (N, T, H * dirs)   k = 0 .. L-1
    H_seq = H^(L);  last = [final h of the top forward cell, final h of the top reverse cell]

Layer k's cells read layer k-1's h at the same step (both directions' h, concatenated forward
then reverse); see rnn_helpers.deep.bidirectional for one layer, its padding and its reverse order.

Backward goes down the stack: the gradient reaching layer k's inputs is the gradient sent to layer
k-1's outputs. truncate=k is the exact gradient of the loss in which every cell (each layer, each
direction) differentiates only its last k steps of its own run, per record: every state a cell made
before them is a constant (its value under the weights of the forward pass). So the gradient
reaching a held state stops: it reaches neither the weights, nor the layer below, nor earlier
states. For a one-direction stack and a loss on the last step this is "the last k steps of the
whole stack"; the reverse cell's last k steps are the first k time steps.
layers_forward_loop(..., truncate=k, state_params=...) computes that objective's forward pass (and
rnn_helpers.deep.heads' truncated losses its loss); the tests differentiate it numerically.

The *_loop functions compute the same numbers one record at a time and one step at a time, with
plain Python loops over the record's own steps (no padding, no masks, no gathers): the readable
reference the vectorised functions are tested against.
"""

import numpy as np

from .._checks import as_float_array, check_magnitude, check_size, check_truncate
from ..cells import get_cell
from .bidirectional import layer_backward, layer_forward
from .params import describe, layer_params, suffix

__all__ = ["layers_forward", "layers_backward", "layers_forward_loop", "layers_backward_loop", "held_states",
           "check_lengths", "check_state0", "check_X"]


def check_X(spec, X, name="X"):
    """X as a float64 array (N, T, D) fitting spec's input size D; raises naming `name`."""
    X = check_magnitude(name, as_float_array(name, X, ndim=3, what="(N, T, input_dim)"))
    if X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(f"{name} has shape {X.shape}: it needs at least one record and one time step.")
    if X.shape[2] != spec.input_dim:
        raise ValueError(f"{name} has {X.shape[2]} input features (shape {X.shape}), but params' layer 0 "
                         f"reads input_dim={spec.input_dim}.")
    N, T = X.shape[:2]
    check_size(name, N * (T + 1) * spec.hidden_dim * spec.dirs * spec.num_layers * 8,
               f"the states of {N} records of {T} steps in {spec.num_layers} layers")
    return X


def check_lengths(lengths, N, T, name="lengths", x_name="X"):
    """lengths as an int array (N,) of values in 1..T (None: every record has all T steps)."""
    if lengths is None:
        return np.full(N, T, dtype=np.int64)
    want = f"a 1-D array of N = {N} whole numbers (each record's number of steps, 1 .. T = {T}) or None"
    if isinstance(lengths, (str, bytes, dict, set)):
        raise TypeError(f"{name} must be {want}, got {type(lengths).__name__}.")
    if np.ma.isMaskedArray(lengths) and np.ma.getmaskarray(lengths).any():
        raise ValueError(f"{name} has masked entries: give every record's length.")
    try:
        raw = np.asarray(np.ma.getdata(lengths))
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name} must be {want}; it could not be converted ({err}).") from None
    if raw.dtype.kind not in "iu":
        raise TypeError(f"{name} must hold whole numbers (an int array: each record's number of steps), "
                        f"got dtype {raw.dtype}.")
    if raw.ndim != 1:
        raise ValueError(f"{name} must be {want}, got {raw.ndim} dimensions (shape {raw.shape}).")
    if raw.shape != (N,):
        raise ValueError(f"{name} has shape {raw.shape}, expected ({N},): one length per record of {x_name}.")
    if raw.min() < 1 or raw.max() > T:
        raise ValueError(f"{name} must be in 1 .. T = {T} ({x_name}'s steps; the padding is at the end), got "
                         f"values from {raw.min()} to {raw.max()}.")
    return raw.astype(np.int64)


def check_state0(spec, model, state0, N, name="state0"):
    """state0 as a list of num_layers * dirs state tuples of (N, H) arrays (zeros for None)."""
    H, n = spec.hidden_dim, spec.num_layers * spec.dirs
    if state0 is None:
        return [tuple(np.zeros((N, H)) for _ in model.states) for _ in range(n)]
    if not isinstance(state0, (list, tuple)) or len(state0) != n:
        raise TypeError(f"{name} must be a list of num_layers * dirs = {n} states (layer 0 forward, "
                        f"layer 0 reverse, layer 1 forward, ...), each a tuple of {len(model.states)} "
                        f"arrays {model.states} of shape (N, hidden_dim) = {(N, H)}; or None for zeros.")
    out = []
    for i, state in enumerate(state0):
        if not isinstance(state, tuple) or len(state) != len(model.states):
            raise TypeError(f"{name}[{i}] must be a tuple of {len(model.states)} arrays {model.states}, "
                            f"got {type(state).__name__}.")
        arrays = []
        for j, s in enumerate(state):
            s = check_magnitude(f"{name}[{i}][{j}]", as_float_array(f"{name}[{i}][{j}]", s, ndim=2,
                                                                    what="(N, hidden_dim)"))
            if s.shape != (N, H):
                raise ValueError(f"{name}[{i}][{j}] has shape {s.shape}, expected (N, hidden_dim) = {(N, H)}.")
            arrays.append(s)
        out.append(tuple(arrays))
    return out


def _cells(params, spec):
    """[[forward weights, reverse weights], ...] per layer, keys unsuffixed."""
    return [[layer_params(params, k, d == 1) for d in range(spec.dirs)] for k in range(spec.num_layers)]


def layers_forward(params, X, *, lengths=None, state0=None, activation=None):
    """Run the stack over X.

    params: from rnn_helpers.deep.init_params (a head, if any, is not used here).  X: (N, T, D).
    lengths: None, or (N,) ints in 1..T, each record's own number of steps (padding at the end).
    state0: None (zeros), or a list of num_layers * dirs state tuples of (N, H) arrays, in
        PyTorch's order: layer 0 forward, layer 0 reverse, layer 1 forward, ...
    activation: the cell's option (the vanilla RNN's "sigmoid", its default, or "tanh", PyTorch's).
    Returns (H_seq, last, cache): H_seq (N, T, H * dirs) the top layer's h at every step (forward
    then reverse, in time order; 0 past a record's end); last (N, H * dirs) the top layer's final h
    per direction (the forward cell's at step L_n - 1, the reverse cell's at step 0); cache a dict
    for layers_backward, with "final_states": every cell's final state tuple, in state0's order.
    Raises TypeError/ValueError naming params, X, lengths, state0 or activation.
    """
    spec, model, options, X, lengths, starts = _checked_setup(params, X, lengths, state0, activation)
    N, T = X.shape[:2]
    inputs, layer_caches, finals = X, [], []
    for k, cells in enumerate(_cells(params, spec)):
        inputs, layer_finals, cache = layer_forward(model.cell.step_forward, cells, inputs, lengths,
                                                    starts[k * spec.dirs:(k + 1) * spec.dirs], options)
        layer_caches.append(cache)
        finals.extend(layer_finals)
    last = np.concatenate([state[0] for state in finals[-spec.dirs:]], axis=1)
    cache = {"spec": spec, "layers": layer_caches, "final_states": finals, "lengths": lengths,
             "shape": X.shape, "params": params, "activation": activation}
    return inputs, last, cache


def layers_backward(dH_seq, dlast, cache, truncate=None):
    """Back through layers_forward.

    dH_seq: (N, T, H * dirs), the gradient sent to H_seq (its padded steps are ignored), or None.
    dlast: (N, H * dirs), the gradient sent to last, or None.  cache: from layers_forward.
    truncate: None (full BPTT) or k >= 1 (each cell's last k steps; see the module).
    Returns (dX, grads): dX (N, T, D); grads a dict with params' layer keys (not the head's).
    Raises TypeError for a cache layers_forward did not make, TypeError/ValueError naming dH_seq,
    dlast or truncate.
    """
    dX, grads, _ = _backward(dH_seq, dlast, cache, truncate)
    return dX, grads


def _check_upstream(dH_seq, dlast, N, T, width):
    """dH_seq (N, T, width) and dlast (N, width) as float64 arrays, each or None."""
    if dH_seq is not None:
        dH_seq = check_magnitude("dH_seq", as_float_array("dH_seq", dH_seq, ndim=3,
                                                          what="(N, T, hidden_dim * dirs)"))
        if dH_seq.shape != (N, T, width):
            raise ValueError(f"dH_seq must have H_seq's shape {(N, T, width)}, got {dH_seq.shape}.")
    if dlast is not None:
        dlast = check_magnitude("dlast", as_float_array("dlast", dlast, ndim=2, what="(N, hidden_dim * dirs)"))
        if dlast.shape != (N, width):
            raise ValueError(f"dlast must have last's shape {(N, width)}, got {dlast.shape}.")
    return dH_seq, dlast


def _backward(dH_seq, dlast, cache, truncate):
    """layers_backward, also returning dS: a list per layer of lists per direction of (N, T, H),
    the whole gradient reaching each cell's h_t."""
    if not isinstance(cache, dict) or not {"spec", "layers", "lengths", "shape"} <= set(cache):
        raise TypeError("cache must be the dict that rnn_helpers.deep.layers_forward returned.")
    spec = cache["spec"]
    N, T, _ = cache["shape"]
    dH_seq, dlast = _check_upstream(dH_seq, dlast, N, T, spec.out_dim)
    truncate = check_truncate(truncate)
    k = T if truncate is None else min(truncate, T)
    step_backward = get_cell(spec.cell).cell.step_backward
    grads, dS = {}, [None] * spec.num_layers
    dH, dl = dH_seq, dlast
    for layer in range(spec.num_layers - 1, -1, -1):
        dH, layer_grads, dS[layer] = layer_backward(step_backward, dH, dl, cache["layers"][layer], k)
        dl = None
        for d, g in enumerate(layer_grads):
            grads.update({key + suffix(layer, d == 1): value for key, value in g.items()})
    return dH, grads, dS


# -- the loop versions: one record at a time, one step at a time ---------------------------------

def _record_run(model, cells, x, state0s, options, k=None, held=None):
    """Run the stack over one record x (L_n, D), its own steps only. state0s: the state tuples
    (1, H) of every cell. With held (the states of a run under other weights, as this returns) and
    k, every cell's states before its last k steps are taken from held instead of computed.

    Returns (outputs, states, caches): per layer the outputs (L_n, H * dirs); per cell (layer-major,
    forward then reverse) the list of its states in run order and the list of its step caches.
    """
    L_n = x.shape[0]
    inputs, outputs, states, caches = x, [], [], []
    for layer, layer_cells in enumerate(cells):
        hs = []
        for d, params in enumerate(layer_cells):
            i = layer * len(layer_cells) + d
            order = list(range(L_n)) if d == 0 else list(range(L_n - 1, -1, -1))
            state, run_states, run_caches = state0s[i], [], []
            h = np.zeros((L_n, params_width(state)))
            for p, t in enumerate(order):
                if held is not None and p < L_n - k:
                    state, cache = held[i][p], None             # a constant of the truncated loss
                else:
                    state, cache = model.cell.step_forward(inputs[t:t + 1], state, params, **options)
                run_states.append(tuple(state))
                run_caches.append(cache)
                h[t] = state[0][0]
            hs.append(h)
            states.append(run_states)
            caches.append(run_caches)
        inputs = np.concatenate(hs, axis=1)
        outputs.append(inputs)
    return outputs, states, caches


def params_width(state):
    """H of a state tuple."""
    return state[0].shape[1]


def _checked_setup(params, X, lengths, state0, activation, name="params"):
    """Every argument of layers_forward (and its loop version) checked: (spec, the cell's model, its
    step options, X, lengths, the starting states)."""
    spec = describe(params, name)
    model = get_cell(spec.cell)
    options = model.options(activation)
    X = check_X(spec, X)
    N, T = X.shape[:2]
    lengths = check_lengths(lengths, N, T)
    starts = check_state0(spec, model, state0, N)
    return spec, model, options, X, lengths, starts


def _record_starts(starts, n):
    return [tuple(s[n:n + 1] for s in state) for state in starts]


def held_states(state_params, X, *, lengths=None, state0=None, activation=None):
    """Every cell's states of a run with state_params over X, per record in run order: what the
    truncated objective holds constant (forward_loop_unchecked's held). Computed once, it spares a
    gradient check a second run per nudged weight. Returns a list (one entry per record)."""
    spec, model, options, X, lengths, starts = _checked_setup(state_params, X, lengths, state0, activation,
                                                           "state_params")
    cells = _cells(state_params, spec)
    return [_record_run(model, cells, X[n, :lengths[n]], _record_starts(starts, n), options)[1]
            for n in range(X.shape[0])]


def layers_forward_loop(params, X, *, lengths=None, state0=None, activation=None, truncate=None,
                        state_params=None, state_X=None):
    """layers_forward one record at a time, over each record's own steps: (H_seq, last).

    With truncate=k and state_params (weights of the stack's shapes), it computes the truncated
    objective's forward pass: every cell's states before its last k steps are those of a run with
    state_params on state_X (default: X), constants; the rest are computed with params (see the
    module). Same arguments and shapes as layers_forward otherwise.
    """
    spec, model, options, X, lengths, starts = _checked_setup(params, X, lengths, state0, activation)
    truncate = check_truncate(truncate)
    held = None
    if state_X is not None:
        state_X = check_X(spec, state_X, "state_X")
        if state_X.shape != X.shape:
            raise ValueError(f"state_X must have X's shape {X.shape}, got {state_X.shape}.")
    if state_params is not None:
        if describe(state_params, "state_params")[:5] != spec[:5]:
            raise ValueError("state_params must be weights of the same stack as params (same cell, "
                             "layers, directions and sizes).")
        if truncate is not None:
            held = held_states(state_params, X if state_X is None else state_X, lengths=lengths,
                               state0=state0, activation=activation)
    return forward_loop_unchecked(spec, model, options, params, X, lengths, starts, truncate, held)


def forward_loop_unchecked(spec, model, options, params, X, lengths, starts, truncate, held):
    """layers_forward_loop's work, on checked arguments; held: held_states' list, or None."""
    cells = _cells(params, spec)
    N, T = X.shape[:2]
    H_seq, last = np.zeros((N, T, spec.out_dim)), np.zeros((N, spec.out_dim))
    for n in range(N):
        x, starts_n = X[n, :lengths[n]], _record_starts(starts, n)
        held_n = held[n] if truncate is not None and held is not None else None
        outputs, states, _ = _record_run(model, cells, x, starts_n, options, truncate, held_n)
        H_seq[n, :lengths[n]] = outputs[-1]
        last[n] = np.concatenate([states[-spec.dirs + d][-1][0][0] for d in range(spec.dirs)])
    return H_seq, last


def layers_backward_loop(params, X, dH_seq, dlast, *, lengths=None, state0=None, activation=None,
                         truncate=None):
    """layers_forward then layers_backward, one record at a time and one step at a time, written
    plainly: (dX (N, T, D), grads). dH_seq (N, T, H * dirs) or None; dlast (N, H * dirs) or None."""
    spec, model, options, X, lengths, starts = _checked_setup(params, X, lengths, state0, activation)
    truncate = check_truncate(truncate)
    N, T = X.shape[:2]
    dH_seq, dlast = _check_upstream(dH_seq, dlast, N, T, spec.out_dim)
    cells = _cells(params, spec)
    H = spec.hidden_dim
    dX = np.zeros(X.shape)
    grads = {key: np.zeros_like(value) for key, value in params.items() if key not in ("V", "c")}
    for n in range(N):
        L_n = lengths[n]
        k = L_n if truncate is None else min(truncate, L_n)
        _, _, caches = _record_run(model, cells, X[n, :L_n], _record_starts(starts, n), options)
        # what reaches the top layer's outputs, (L_n, H * dirs), and its final h
        d_out = np.zeros((L_n, spec.out_dim)) if dH_seq is None else np.array(dH_seq[n, :L_n], float)
        d_last = np.zeros(spec.out_dim) if dlast is None else np.asarray(dlast[n], float)
        for layer in range(spec.num_layers - 1, -1, -1):
            d_in = np.zeros((L_n, spec.layer_input_dim(layer)))
            for d in range(spec.dirs):
                order = list(range(L_n)) if d == 0 else list(range(L_n - 1, -1, -1))
                step_caches = caches[layer * spec.dirs + d]
                upstream = [np.zeros((1, H)) for _ in model.states]
                if layer == spec.num_layers - 1:
                    upstream[0] = upstream[0] + d_last[d * H:(d + 1) * H][None, :]
                for p in range(L_n - 1, L_n - 1 - k, -1):           # the run's last k steps, backwards
                    t = order[p]
                    dstate = (upstream[0] + d_out[t, d * H:(d + 1) * H][None, :],) + tuple(upstream[1:])
                    dx, upstream, dparams = model.cell.step_backward(dstate, step_caches[p])
                    d_in[t] += dx[0]
                    for key, g in dparams.items():
                        grads[key + suffix(layer, d == 1)] += g
            d_out, d_last = d_in, np.zeros(spec.out_dim)
        dX[n, :L_n] = d_out
    return dX, grads
