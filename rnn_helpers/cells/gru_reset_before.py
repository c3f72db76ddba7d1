"""The other GRU: the reset gate applied *before* the recurrent product (Cho et al. 2014, d2l).

Letters used in shapes: N records, T time steps, D input size (input_dim), H hidden size
(hidden_dim), O output size (output_dim).

rnn_helpers.gru is PyTorch's GRU (also cuDNN's, and Keras' with reset_after=True, the default in
TensorFlow 2): its candidate is n = tanh(W_xn x_t + b_xn + r * (W_hn h_{t-1} + b_hn)), the reset
gate scaling the recurrent product after it is computed. The GRU as K. Cho et al. first wrote it
("Learning Phrase Representations using RNN Encoder-Decoder for Statistical Machine Translation",
2014, arXiv:1406.1078), and as Dive into Deep Learning teaches it (Keras' reset_after=False,
ONNX's linear_before_reset=0), resets the state first, then multiplies:

    h_0 = 0                                                  (N, H)
    a_x = x_t W_x^T + b_x                                    (N, 3H)   blocks [r z n]
    r = sigmoid(a_x,r + h_{t-1} W_hr^T + b_hr)               (N, H)
    z = sigmoid(a_x,z + h_{t-1} W_hz^T + b_hz)               (N, H)
    n = tanh(a_x,n + (r * h_{t-1}) W_hn^T + b_hn)            (N, H)    r * h_{t-1}: "rh"
    h_t = (1 - z) * n + z * h_{t-1}                          (N, H)
    y_hat = h_T V^T + c                                      (N, O)

The parameters have exactly the names and shapes of rnn_helpers.gru's (W_x (3H, D), W_h (3H, H),
b_x and b_h (3H,), V (O, H), c (O,), blocks in the order r, z, n), so the same numbers can be run
through either cell; they then compute different functions. Here b_xn and b_hn are simply added, so
only their sum matters (they could be merged), which is not true of the reset-after GRU.
Which of the two gates is z, and whether h_t = (1 - z) n + z h_{t-1} or z n + (1 - z) h_{t-1}, is a
third convention: J. Chung et al. (2014) and C. Olah's "Understanding LSTM Networks" write the
latter. Both modules here use the former, as PyTorch and Cho et al. do.

One step of the chain rule, given dh_t:

    dn = dh_t * (1 - z),  dz = dh_t * (h_{t-1} - n)
    da_n = dn * (1 - n^2)
    drh = da_n W_hn,  dr = drh * h_{t-1}
    da = [dr * r (1 - r), dz * z (1 - z), da_n]               (N, 3H), the same for a_x and a_h
    dW_x += da^T x_t,  db_x += sum_n da,  db_h += sum_n da
    dW_h += [da_r, da_z]^T h_{t-1} (rows r, z),  da_n^T (r * h_{t-1}) (rows n)
    dh_{t-1} = dh_t * z + [da_r, da_z] W_h[r, z] + drh * r

init_params and check_inputs are rnn_helpers.gru's (the same parameters); the loops over time and
the output layer are rnn_helpers.cells._gates', shared with both other gated cells.
"""

import numpy as np

from ..activations import sigmoid_unchecked as sigmoid
from ..losses import mse_unchecked
from ._gates import check_backward_args as check_backward
from ._gates import (check_cache, check_params, check_state, check_state_params, check_step,
                     held_state_loss, output_backward, output_forward, record_output, run_forward,
                     steps_to_walk)
from ._gates import sum_steps_back as walk_back
from .gru import BLOCKS, PARAM_NAMES, check_inputs, init_params

def _check_params(params, name="params"):
    """Check the GRU's params (called `name` in messages); return (H, D, O)."""
    return check_params(params, PARAM_NAMES, len(BLOCKS), NAME, name)


__all__ = ["init_params", "check_inputs", "step_forward", "step_backward", "forward", "backward",
           "loss_and_grads", "loss_and_grads_loop", "truncated_loss"]

NAME = "gru"                                       # the params are the GRU's: messages say so
STEP_CACHE_KEYS = ("x_t", "h_prev", "r", "z", "n", "rh")
_STACKED = BLOCKS + ("rh",)                        # per-step arrays that forward stacks, (T, N, H)
FORWARD_CACHE_KEYS = ("h",) + _STACKED + ("X", "params")


def step_forward(x_t, h_prev, params):
    """One time step of the reset-before GRU.

    x_t: (N, D), h_prev: (N, H), params: dict from init_params.
    Returns (h_t, cache): h_t (N, H); cache a dict of the step's quantities, all (N, H) except
    x_t (N, D): "x_t", "h_prev", "r", "z", "n", "rh" (rh = r * h_{t-1}, what W_hn multiplies).
    Raises TypeError/ValueError naming a bad argument.
    """
    H, D, _ = _check_params(params)
    x_t, h_prev = check_step(H, D, x_t, h_prev=h_prev)
    return _step_forward(x_t, h_prev, params)


def _step_forward(x_t, h_prev, params):
    """step_forward without argument checks, for the loop of forward."""
    H = params["W_h"].shape[1]
    W_h, b_h = params["W_h"], params["b_h"]
    a_x = x_t @ params["W_x"].T + params["b_x"]
    a_rz = h_prev @ W_h[:2 * H].T + b_h[:2 * H]        # the gates see h_{t-1} as before
    r = sigmoid(a_x[:, :H] + a_rz[:, :H])
    z = sigmoid(a_x[:, H:2 * H] + a_rz[:, H:])
    rh = r * h_prev                                    # reset first ...
    n = np.tanh(a_x[:, 2 * H:] + rh @ W_h[2 * H:].T + b_h[2 * H:])   # ... then multiply
    h_t = (1.0 - z) * n + z * h_prev
    return h_t, {"x_t": x_t, "h_prev": h_prev, "r": r, "z": z, "n": n, "rh": rh}


def step_backward(dh_t, cache, params):
    """One step of the chain rule, back through step_forward.

    dh_t: (N, H), dloss/dh_t from the output and step t + 1; cache: from step_forward;
    params: dict from init_params.
    Returns (dh_prev, step_grads): dh_prev (N, H), and step_grads a dict of this step's contribution,
    summed over the N records: "W_x" (3H, D), "W_h" (3H, H), "b_x" (3H,), "b_h" (3H,).
    Raises TypeError for a cache that step_forward did not make, ValueError for wrong shapes.
    """
    H, _, _ = _check_params(params)
    check_cache(cache, STEP_CACHE_KEYS, "gru_reset_before", "step_forward")
    N = np.shape(cache["h_prev"])[0]
    return _step_backward(check_state("dh_t", dh_t, N, H), cache, params)


def _step_backward(dh_t, cache, params):
    """step_backward without argument checks, for backward."""
    r, z, n, rh, h_prev = cache["r"], cache["z"], cache["n"], cache["rh"], cache["h_prev"]
    H = h_prev.shape[1]
    W_h = params["W_h"]
    dn = dh_t * (1.0 - z)                              # h_t = (1 - z) * n + z * h_{t-1}
    dz = dh_t * (h_prev - n)
    da_n = dn * (1.0 - n * n)                          # n = tanh(a_x,n + rh W_hn^T + b_hn)
    drh = da_n @ W_h[2 * H:]                           # back through W_hn to rh = r * h_{t-1}
    da_rz = np.concatenate([drh * h_prev * r * (1.0 - r), dz * z * (1.0 - z)], axis=1)
    da = np.concatenate([da_rz, da_n], axis=1)         # (N, 3H): a_x and the h side alike
    step_grads = {"W_x": da.T @ cache["x_t"],
                  "W_h": np.concatenate([da_rz.T @ h_prev, da_n.T @ rh], axis=0),
                  "b_x": da.sum(axis=0), "b_h": da.sum(axis=0)}
    dh_prev = dh_t * z + da_rz @ W_h[:2 * H] + drh * r   # directly, via the gates, via rh
    return dh_prev, step_grads


def forward(params, X, h0=None):
    """Run the reset-before GRU over every window of X and predict from the last hidden state.

    params: dict from init_params.  X: (N, T, D).  h0: (N, H) starting state, zeros by default.
    Returns (Y_hat, cache): Y_hat (N, O); cache a dict, time first:
        "h": (T + 1, N, H), h[t] = h_t (h[0] = h_0);
        "r", "z", "n", "rh": (T, N, H), entry t - 1 from step t;
        "X": (N, T, D) and "params", as checked.
    Raises TypeError/ValueError naming a bad argument.
    """
    X = check_inputs(params, X)
    h0 = None if h0 is None else check_state("h0", h0, X.shape[0], params["W_h"].shape[1])
    return _forward(params, X, h0)


def _forward(params, X, h0=None):
    """forward without argument checks; h0 None means zeros."""
    (h,), stacked = run_forward(_step_forward, params, X, (h0,), _STACKED)
    return output_forward(h[-1], params), {"h": h, **stacked, "X": X, "params": params}


def backward(dY_hat, cache, truncate=None):
    """Gradients of the loss given dY_hat = dloss/dY_hat (N, O) and the cache from forward.

    truncate: None (full BPTT) or k >= 1: walk back k steps, holding h_{T-k} constant.
    Returns grads, a dict with the keys and shapes of params. A cache that forward did not make is
    a TypeError.
    """
    dY_hat, k = check_backward(dY_hat, cache, FORWARD_CACHE_KEYS, "gru_reset_before", truncate)
    return _backward(dY_hat, cache, k)


def _backward(dY_hat, cache, k):
    """backward without argument checks: dh alone flows back, through k steps (1 .. T)."""
    grads, dh_T = output_backward(dY_hat, cache["h"][-1], cache["params"])
    steps = [{**{name: cache[name][t - 1] for name in _STACKED},
              "x_t": cache["X"][:, t - 1], "h_prev": cache["h"][t - 1]}
             for t in range(1, cache["X"].shape[1] + 1)]
    return walk_back(_step_backward, (dh_T,), steps, cache["params"], k, grads)


def loss_and_grads(params, X, Y, truncate=None):
    """Loss and its gradient with respect to every parameter, over all N records at once.

    params: dict from init_params.  X: (N, T, D).  Y: (N, O).
    truncate: None (full BPTT) or k >= 1: the gradient with h_{T-k} held constant.
    Returns (loss, grads): loss a float, grads a dict with exactly the keys and shapes of params.
    Raises TypeError/ValueError naming a bad argument.
    """
    X, Y = check_inputs(params, X, Y)
    k = steps_to_walk(truncate, X.shape[1])
    Y_hat, cache = _forward(params, X)
    return mse_unchecked(Y_hat, Y), _backward((Y_hat - Y) / Y.shape[0], cache, k)


def loss_and_grads_loop(params, X, Y, truncate=None):
    """loss_and_grads computed one record and one step at a time, through step_forward and
    step_backward: the readable reference the vectorised code is tested against."""
    X, Y = check_inputs(params, X, Y)
    N, T, _ = X.shape
    k = steps_to_walk(truncate, T)
    loss, grads = 0.0, {name: np.zeros_like(value) for name, value in params.items()}
    for i in range(N):
        h_t, steps = np.zeros((1, params["W_h"].shape[1])), []
        for t in range(1, T + 1):
            h_t, step = step_forward(X[i:i + 1, t - 1], h_t, params)
            steps.append(step)
        record_loss, dh = record_output(h_t, Y[i], N, params, grads)
        loss += record_loss
        for t in range(T, T - k, -1):
            dh, step_grads = step_backward(dh, steps[t - 1], params)
            for name, g in step_grads.items():
                grads[name] += g
    return loss, grads


def truncated_loss(params, X, Y, truncate, state_params=None):
    """The objective whose exact gradient loss_and_grads(..., truncate=k) returns: h_{T-k} computed
    with state_params (default params) and held fixed. Arguments as rnn_helpers.gru.truncated_loss.
    Returns a float."""
    X, Y = check_inputs(params, X, Y)
    k = steps_to_walk(truncate, X.shape[1])
    check_state_params(state_params, params, PARAM_NAMES, len(BLOCKS), NAME)
    return held_state_loss(_forward, ("h",), params, state_params, X, Y, k)
