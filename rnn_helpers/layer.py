"""The recurrent layer, built from any cell's two steps, and the heads that sit on top of it.

Letters used in shapes: N records, T time steps, D input size, H hidden size, O output size,
K vocabulary size. A state is a tuple of (N, H) arrays, one per name in the cell's `states`
(see rnn_helpers.cells); its first entry is h_t, what the heads read.

The layer (a sequence in, every step's states out):

    state_0 = given, or zeros
    state_t, cache_t = step_forward(x_t, state_{t-1}, params)          t = 1 .. T

and back through its last k steps, given what the head sends to each step's states:

    dstate_t = head's gradient at step t + dstate_t from step t + 1     t = T .. T-k+1
    dx_t, dstate_{t-1}, dparams_t = step_backward(dstate_t, cache_t);  dparams = sum_t dparams_t

Walking back k < T steps is the exact gradient with state_{T-k} held constant (truncated BPTT).

Two heads:
    regression (notebooks 1-9)   y_hat = h_T V^T + c (N, O); loss = mean_n 1/2 ||y_hat - y||^2
    softmax (notebook 10)        o_t = h_t V^T + c (N, K) at every step; loss = the mean over the
                                 N T positions of -log softmax(o_t)[y_t]
"""

import numpy as np

from .losses import mse_unchecked

__all__ = ["zero_state", "layer_forward", "steps_back", "layer_backward", "regression_forward",
           "regression_backward", "regression_loss", "softmax_head_forward", "softmax_head_backward"]


def zero_state(n_states, N, H, dtype=np.float64):
    """A state of zeros: a tuple of n_states arrays (N, H)."""
    return tuple(np.zeros((N, H), dtype) for _ in range(n_states))


def layer_forward(step_forward, params, X, state0, options=None):
    """Run a cell's step over the T steps of X; no argument checks.

    step_forward: the cell's (see rnn_helpers.cells), called with **options (the RNN's activation).
    X: (N, T, D).  state0: a tuple of (N, H) arrays.
    Returns (states, caches): states a list of T + 1 state tuples, states[t] the state after step t
    (states[0] = state0); caches a list of T step caches, caches[t - 1] from step t.
    """
    states, caches = [tuple(state0)], []
    for t in range(X.shape[1]):
        state, cache = step_forward(X[:, t], states[-1], params, **(options or {}))
        states.append(tuple(state))
        caches.append(cache)
    return states, caches


def steps_back(step_backward, caches, k, from_head):
    """Walk back through the last k of the T = len(caches) steps, one at a time.

    from_head(t): what the head sends to step t's states, a state tuple, or None for nothing (it
        must give a tuple at t = T, where the walk starts).
    Yields (t, dstate_t, dx_t, dparams_t) for t = T, T-1, ..., T-k+1: dstate_t the whole gradient
    reaching step t's states (a tuple of (N, H)), dx_t (N, D), dparams_t step t's parameter terms.
    The last dstate_prev (reaching state_{T-k}) is not used: that state is held constant.
    """
    T = len(caches)
    upstream = None
    for t in range(T, T - k, -1):
        head = from_head(t)
        if upstream is None:
            dstate = tuple(head)
        elif head is None:
            dstate = tuple(upstream)
        else:
            dstate = tuple(u + h for u, h in zip(upstream, head))
        dx, upstream, dparams = step_backward(dstate, caches[t - 1])
        yield t, dstate, dx, dparams


def layer_backward(step_backward, caches, k, from_head, grads):
    """Add the parameter gradients of the last k steps into grads (a dict with the cell's keys, and
    perhaps others); return grads. from_head as for steps_back."""
    for _, _, _, dparams in steps_back(step_backward, caches, k, from_head):
        for name, g in dparams.items():
            grads[name] += g
    return grads


def regression_forward(h_T, params):
    """y_hat = h_T V^T + c. h_T: (N, H). Returns Y_hat (N, O)."""
    Y_hat = h_T @ params["V"].T
    if "c" in params:
        Y_hat += params["c"]
    return Y_hat


def regression_backward(dY_hat, h_T, params):
    """The regression head's chain rule. dY_hat: (N, O), h_T: (N, H).

    Returns (head_grads, dh_T): head_grads {"V": dY_hat^T h_T (O, H), "c": sum_n dY_hat (O,)} (c only
    when params has it); dh_T = dY_hat V (N, H).
    """
    grads = {"V": dY_hat.T @ h_T}
    if "c" in params:
        grads["c"] = dY_hat.sum(axis=0)
    return grads, dY_hat @ params["V"]


def regression_loss(Y_hat, Y):
    """(the mean over N of 1/2 ||y_hat - y||^2, a float; dY_hat = (Y_hat - Y) / N (N, O))."""
    return mse_unchecked(Y_hat, Y), (Y_hat - Y) / Y.shape[0]


def softmax_head_forward(H_seq, params):
    """o_t = h_t V^T + c at every step. H_seq: (T, N, H). Returns logits (T, N, K)."""
    return H_seq @ params["V"].T + params["c"]


def softmax_head_backward(dlogits, H_seq, params):
    """The softmax head's chain rule, given dlogits = dloss/dlogits (T, N, K) and H_seq (T, N, H).

    Returns (head_grads, dH): head_grads {"V": sum_t do_t^T h_t (K, H), "c": sum do_t (K,)};
    dH (T, N, H) = do_t V, what the head sends to each h_t.
    """
    T, N, K = dlogits.shape
    rows = dlogits.reshape(T * N, K)
    grads = {"V": rows.T @ H_seq.reshape(T * N, -1), "c": rows.sum(axis=0)}
    return grads, dlogits @ params["V"]
