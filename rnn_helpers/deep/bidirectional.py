"""One recurrent layer read in one or both directions, for padded batches, built from a cell's steps.

Letters: N records, T time steps (of the padded batch), D input size, H hidden size; L_n is record
n's own length (1 .. T; the padding is at the end, steps t >= L_n).

The forward direction runs the cell in time order; a step past a record's end leaves its state as
it was and outputs h = 0:

    state_t = step(x_t, state_{t-1})   if t < L_n,   else state_{t-1}          t = 0 .. T-1

The reverse direction is a second cell, with its own weights, run on each record's own steps
reversed: it starts at step L_n - 1 and ends at step 0 (as PyTorch's packed sequences do). Reversing
the first L_n steps of every record is a permutation of the steps, its own inverse:

    rev[n, t] = L_n - 1 - t   for t < L_n,   t   otherwise

so the reverse direction is the forward one run on X[n, rev[n]], its outputs put back into time
order by the same gather, and its gradient comes back the same way. The layer's output at step t is
[h_t(forward), h_t(reverse)], (N, T, 2H); the final state of each direction is its state after its
last step: step L_n - 1 for the forward cell, step 0 for the reverse one.

Backward through one direction walks its steps in the opposite order of its run. truncate=k keeps,
for every record, only the direction's last k steps of its own run (steps L_n - k .. L_n - 1 of the
run order): every state the direction made before them is held constant, so the gradient that
reaches one of them stops there (it reaches neither the weights, nor the inputs, nor earlier
states). The padded steps pass the gradient of the state straight through and give none to their
inputs or the weights; the gradient sent to their h (which is 0) is dropped.
"""

import numpy as np

__all__ = ["reverse_index", "reverse_steps", "direction_forward", "direction_backward",
           "layer_forward", "layer_backward"]


def reverse_index(lengths, T):
    """rev (N, T) ints: rev[n, t] = L_n - 1 - t for t < L_n, else t (padding stays in place)."""
    t = np.arange(T)[None, :]
    L = np.asarray(lengths)[:, None]
    return np.where(t < L, L - 1 - t, t)


def reverse_steps(A, rev):
    """A (N, T, ...) with each record's steps gathered by rev (N, T): A[n, rev[n, t]]."""
    return A[np.arange(A.shape[0])[:, None], rev]


def direction_forward(step_forward, params, X, lengths, state0, options):
    """Run one cell in the order of X's steps, for records of lengths `lengths`.

    step_forward: the cell's (rnn_helpers.cells protocol); options its keyword arguments.
    X: (N, T, D).  lengths: (N,) ints in 1..T.  state0: a state tuple of (N, H) arrays.
    Returns (H_out, final, caches): H_out (N, T, H), h at each step (0 past L_n); final, the state
    tuple after each record's last step; caches the T step caches.
    """
    N, T = X.shape[:2]
    valid = np.arange(T)[None, :] < np.asarray(lengths)[:, None]          # (N, T)
    state, caches = tuple(state0), []
    H_out = np.zeros((N, T, state[0].shape[1]))
    for t in range(T):
        new, cache = step_forward(X[:, t], state, params, **options)
        caches.append(cache)
        if valid[:, t].all():
            state = tuple(new)
        else:                                   # past its end a record keeps its state
            m = valid[:, t:t + 1]
            state = tuple(np.where(m, s_new, s) for s_new, s in zip(new, state))
        H_out[:, t] = np.where(valid[:, t:t + 1], state[0], 0.0)
    return H_out, state, caches


def direction_backward(step_backward, caches, dH, dfinal, lengths, k, n_states):
    """Back through one direction run by direction_forward, its last k steps per record.

    dH: (N, T, H) the gradient sent to each step's h (ignored past L_n); dfinal: a state tuple, the
    gradient sent to the final state, or None.  k: steps to walk back (>= 1; >= T is full BPTT).
    Returns (dX (N, T, D), grads, dS): grads the cell's weight gradients summed over the records
    and steps; dS (N, T, H) the whole gradient reaching h_t (from dH and from step t + 1).
    """
    N, T, H = dH.shape
    t_idx = np.arange(T)[None, :]
    L = np.asarray(lengths)[:, None]
    valid = t_idx < L
    active = (valid & (t_idx >= L - k)).astype(float)      # the steps walked back, per record
    padded = (~valid).astype(float)
    upstream = tuple(np.zeros((N, H)) for _ in range(n_states)) if dfinal is None else tuple(dfinal)
    grads, dX, dS = {}, None, np.zeros((N, T, H))
    for t in range(T - 1, -1, -1):
        dstate = (upstream[0] + dH[:, t] * valid[:, t:t + 1],) + tuple(upstream[1:])
        dS[:, t] = dstate[0]
        a = active[:, t:t + 1]
        dx, dprev, dparams = step_backward(tuple(d * a for d in dstate), caches[t])
        if dX is None:
            dX = np.zeros((N, T, dx.shape[1]))
        dX[:, t] = dx * a
        p = padded[:, t:t + 1]                 # a padded step passes the state's gradient through;
        upstream = tuple(dp * a + d * p for dp, d in zip(dprev, dstate))    # a held one stops it
        for name, g in dparams.items():
            grads[name] = grads[name] + g if name in grads else np.array(g, dtype=float)
    return dX, grads, dS


def layer_forward(step_forward, cell_params, X, lengths, state0s, options):
    """One layer of one or two directions. cell_params: a list of 1 or 2 weight dicts (forward,
    reverse); state0s: a state tuple per direction. X: (N, T, D).

    Returns (H_layer, finals, cache): H_layer (N, T, H * dirs), forward h then reverse h at each
    step, in time order; finals the final state tuple of each direction; cache for layer_backward.
    """
    outs, finals, caches = [], [], []
    rev = reverse_index(lengths, X.shape[1]) if len(cell_params) == 2 else None
    for d, params in enumerate(cell_params):
        X_run = X if d == 0 else reverse_steps(X, rev)
        H_out, final, step_caches = direction_forward(step_forward, params, X_run, lengths,
                                                      state0s[d], options)
        outs.append(H_out if d == 0 else reverse_steps(H_out, rev))
        finals.append(final)
        caches.append(step_caches)
    H_layer = outs[0] if len(outs) == 1 else np.concatenate(outs, axis=2)
    cache = {"caches": caches, "rev": rev, "lengths": lengths, "H": outs[0].shape[2],
             "n_states": len(state0s[0])}
    return H_layer, finals, cache


def layer_backward(step_backward, dH_layer, dlast, cache, k):
    """Back through layer_forward. dH_layer: (N, T, H * dirs) or None; dlast: (N, H * dirs), the
    gradient sent to each direction's final h, or None.  k as for direction_backward.

    Returns (dX (N, T, D), grads (a list, one dict per direction), dS (a list of (N, T, H), the
    gradient reaching each direction's h_t, in time order)).
    """
    H, rev, lengths = cache["H"], cache["rev"], cache["lengths"]
    dX_total, grads, dS_all = None, [], []
    for d, step_caches in enumerate(cache["caches"]):
        N, T = len(lengths), len(step_caches)
        dH = np.zeros((N, T, H)) if dH_layer is None else dH_layer[:, :, d * H:(d + 1) * H]
        dfinal = None
        if dlast is not None:
            dfinal = (dlast[:, d * H:(d + 1) * H],) + tuple(np.zeros((N, H))
                                                            for _ in range(cache["n_states"] - 1))
        if d == 1:
            dH = reverse_steps(dH, rev)
        dX, g, dS = direction_backward(step_backward, step_caches, dH, dfinal, lengths, k,
                                       cache["n_states"])
        if d == 1:
            dX, dS = reverse_steps(dX, rev), reverse_steps(dS, rev)
        dX_total = dX if dX_total is None else dX_total + dX
        grads.append(g)
        dS_all.append(dS)
    return dX_total, grads, dS_all
