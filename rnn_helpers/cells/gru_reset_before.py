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
    a_x = x_t W_x^T + b_xh                                   (N, 3H)   blocks [r z n]
    r = sigmoid(a_x,r + h_{t-1} W_hr^T)                      (N, H)
    z = sigmoid(a_x,z + h_{t-1} W_hz^T)                      (N, H)
    n = tanh(a_x,n + (r * h_{t-1}) W_hn^T)                   (N, H)    r * h_{t-1}: "rh"
    h_t = (1 - z) * n + z * h_{t-1}                          (N, H)
    y_hat = h_T V^T + c                                      (N, O)

It is registered as the cell "gru_before" (rnn_helpers.cells), so training, prediction, the
gradient checks and the explorer take it like the built-in cells.

Its weights: W_x (3H, D), W_h (3H, H), b_xh (3H,), V (O, H), c (O,), blocks in the order r, z, n.
W_x and W_h are rnn_helpers.gru's; the biases are not. In this variant every bias is simply added
to its gate's input (for the candidate too: r multiplies h_{t-1} before W_hn, not W_hn h_{t-1} +
b_hn), so a bias on the x side and one on the h side only ever count through their sum. One bias
per block is the whole parameterisation, and it is called b_xh: the sum of the two the other GRU
keeps (b_xh = b_x + b_h), a bias of both sides. The reset-after GRU needs its two candidate biases
apart, which is why rnn_helpers.gru keeps b_x and b_h. The name is chosen so that the registry,
which recognises a cell from its params' keys, can tell the cells apart and refuse a mistake: b
would be the LSTM's key set {W_x, W_h, b}, and b_x would make a GRU's params with b_h deleted pass
silently as this other GRU. Moving weights:

    from rnn_helpers.gru (or PyTorch's nn.GRU): W_x, W_h as they are; b_xh = b_x + b_h. This gives
        the reset-before GRU nearest to it, not the same function: the reset is applied elsewhere.
    Keras GRU(reset_after=False): kernel (D, 3H), recurrent_kernel (H, 3H), bias (3H,), each with
        its gate blocks in the order z, r, h: W_x = kernel.T, W_h = recurrent_kernel.T,
        b_xh = bias, with the blocks reordered to r, z, n. Keras' update gate keeps the old state
        as here.
    ONNX GRU(linear_before_reset=0): W (3H, D), R (3H, H) and B = [Wb, Rb] (6H,), blocks z, r, h:
        W_x = W, W_h = R, b_xh = Wb + Rb, reordered to r, z, n.
    Dive into Deep Learning: W_xr, W_xz, W_xh (D, H), W_hr, W_hz, W_hh (H, H), b_r, b_z, b_h (H,):
        W_x = [W_xr^T; W_xz^T; W_xh^T], W_h = [W_hr^T; W_hz^T; W_hh^T], b_xh = [b_r, b_z, b_h]
        (d2l's W_xh and b_h are its candidate's). d2l writes h_t = z * h_{t-1} + (1 - z) * n, as here.

Which of the two gates is z, and whether h_t = (1 - z) n + z h_{t-1} or z n + (1 - z) h_{t-1}, is a
third convention: J. Chung et al. (2014) and C. Olah's "Understanding LSTM Networks" write the
latter. Both modules here use the former, as PyTorch, Keras, d2l and Cho et al. do.

One step of the chain rule, given dh_t:

    dn = dh_t * (1 - z),  dz = dh_t * (h_{t-1} - n)
    da_n = dn * (1 - n^2)
    drh = da_n W_hn,  dr = drh * h_{t-1}
    da = [dr * r (1 - r), dz * z (1 - z), da_n]               (N, 3H)
    dW_x += da^T x_t,  db_xh += sum_n da
    dW_h += [da_r, da_z]^T h_{t-1} (rows r, z),  da_n^T (r * h_{t-1}) (rows n)
    dh_{t-1} = dh_t * z + [da_r, da_z] W_h[r, z] + drh * r
    dx_t = da W_x

The argument checks, the output layer and the loops over time are rnn_helpers.cells._gates',
shared with both other gated cells; the sequence functions (forward to truncated_loss) are written
once for both GRUs there (h_state_sequence).
"""

import numpy as np

from .._checks import NO_TARGETS
from ..activations import sigmoid_unchecked as sigmoid
from ._gates import (MODULE_API, GatedCell, check_cache, check_data, check_params, check_state,
                     check_step, draw_params, h_state_sequence, vectorised_functions)

__all__ = list(MODULE_API)

NAME = "gru_reset_before"                          # messages point to this module's init_params
PARAM_NAMES = ("W_x", "W_h", "b_xh", "V", "c")
BLOCKS = ("r", "z", "n")                           # the three blocks of H rows of W_x, W_h, b_xh
STEP_CACHE_KEYS = ("x_t", "h_prev", "r", "z", "n", "rh")
_STACKED = BLOCKS + ("rh",)                        # per-step arrays that forward stacks, (T, N, H)
FORWARD_CACHE_KEYS = ("h",) + _STACKED + ("X", "params")


def init_params(hidden_dim, input_dim=1, output_dim=1, *, seed=0):
    """Draw the weights of a reset-before GRU from a seeded generator.

    W_x, W_h and V from uniform(-a, a) with a = 1 / sqrt(hidden_dim), as rnn_helpers.gru (the same
    seed gives the same W_x, W_h and V); b_xh and c start at 0.
    Returns a dict of float64 arrays: "W_x" (3H, D), "W_h" (3H, H), "b_xh" (3H,), "V" (O, H),
    "c" (O,).
    Raises TypeError if a size or the seed is not a whole number, ValueError if a size is below 1 or
    above 100 000, or the seed negative.
    """
    return draw_params(len(BLOCKS), ("b_xh",), hidden_dim, input_dim, output_dim, seed)


def check_inputs(params, X, Y=NO_TARGETS, *, x_name="X", y_name="Y"):
    """Check the params, the windows X (N, T, D) and the targets Y (N, O) (or X alone) as
    rnn_helpers.gru.check_inputs does; return X or (X, Y), float64. Messages call the arrays x_name
    and y_name."""
    _check_params(params)
    return check_data(params, X, Y, x_name, y_name)


def _check_params(params, name="params"):
    """Check the reset-before GRU's params (called `name` in messages); return (H, D, O)."""
    return check_params(params, PARAM_NAMES, len(BLOCKS), NAME, name)


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
    W_h = params["W_h"]
    a_x = x_t @ params["W_x"].T + params["b_xh"]    # all of each gate's bias
    a_rz = h_prev @ W_h[:2 * H].T                      # the gates see h_{t-1} as in the other GRU
    r = sigmoid(a_x[:, :H] + a_rz[:, :H])
    z = sigmoid(a_x[:, H:2 * H] + a_rz[:, H:])
    rh = r * h_prev                                    # reset first ...
    n = np.tanh(a_x[:, 2 * H:] + rh @ W_h[2 * H:].T)   # ... then multiply
    h_t = (1.0 - z) * n + z * h_prev
    return h_t, {"x_t": x_t, "h_prev": h_prev, "r": r, "z": z, "n": n, "rh": rh}


def step_backward(dh_t, cache, params):
    """One step of the chain rule, back through step_forward.

    dh_t: (N, H), dloss/dh_t from the output and step t + 1; cache: from step_forward;
    params: dict from init_params.
    Returns (dh_prev, step_grads): dh_prev (N, H), and step_grads a dict of this step's contribution,
    summed over the N records: "W_x" (3H, D), "W_h" (3H, H), "b_xh" (3H,).
    Raises TypeError for a cache that step_forward did not make, ValueError for wrong shapes.
    """
    H, _, _ = _check_params(params)
    check_cache(cache, STEP_CACHE_KEYS, NAME, "step_forward")
    N = np.shape(cache["h_prev"])[0]
    return _step_backward(check_state("dh_t", dh_t, N, H), cache, params)


def _step_backward(dh_t, cache, params, with_dx=False):
    """step_backward without argument checks, for backward. with_dx: return, as the cell protocol
    of rnn_helpers.cells does, (dx_t (N, D), (dh_prev,), step_grads)."""
    r, z, n, rh, h_prev = cache["r"], cache["z"], cache["n"], cache["rh"], cache["h_prev"]
    H = h_prev.shape[1]
    W_h = params["W_h"]
    dn = dh_t * (1.0 - z)                              # h_t = (1 - z) * n + z * h_{t-1}
    dz = dh_t * (h_prev - n)
    da_n = dn * (1.0 - n * n)                          # n = tanh(a_x,n + rh W_hn^T)
    drh = da_n @ W_h[2 * H:]                           # back through W_hn to rh = r * h_{t-1}
    da_rz = np.concatenate([drh * h_prev * r * (1.0 - r), dz * z * (1.0 - z)], axis=1)
    da = np.concatenate([da_rz, da_n], axis=1)         # (N, 3H): what reaches a_x
    step_grads = {"W_x": da.T @ cache["x_t"],
                  "W_h": np.concatenate([da_rz.T @ h_prev, da_n.T @ rh], axis=0),
                  "b_xh": da.sum(axis=0)}
    dh_prev = dh_t * z + da_rz @ W_h[:2 * H] + drh * r   # directly, via the gates, via rh
    if with_dx:
        return da @ params["W_x"], (dh_prev,), step_grads
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
    return _SEQUENCE.forward(params, X, h0)


def backward(dY_hat, cache, truncate=None):
    """Gradients of the loss given dY_hat = dloss/dY_hat (N, O) and the cache from forward.

    truncate: None (full BPTT) or k >= 1: walk back k steps, holding h_{T-k} constant.
    Returns grads, a dict with the keys and shapes of params. A cache that forward did not make is
    a TypeError.
    """
    return _SEQUENCE.backward(dY_hat, cache, truncate)


def loss_and_grads(params, X, Y, truncate=None):
    """Loss and its gradient with respect to every parameter, over all N records at once.

    params: dict from init_params.  X: (N, T, D).  Y: (N, O).
    truncate: None (full BPTT) or k >= 1: the gradient with h_{T-k} held constant.
    Returns (loss, grads): loss a float, grads a dict with exactly the keys and shapes of params.
    Raises TypeError/ValueError naming a bad argument.
    """
    return _SEQUENCE.loss_and_grads(params, X, Y, truncate)


def loss_and_grads_loop(params, X, Y, truncate=None):
    """loss_and_grads computed one record and one step at a time, through step_forward and
    step_backward: the readable reference the vectorised code is tested against. Arguments, return
    value and errors are those of loss_and_grads."""
    return _SEQUENCE.loss_and_grads_loop(params, X, Y, truncate)


def truncated_loss(params, X, Y, truncate, state_params=None):
    """The objective whose exact gradient loss_and_grads(..., truncate=k) returns: h_{T-k} computed
    with state_params (default params) and held fixed. Arguments as rnn_helpers.gru.truncated_loss.
    Returns a float."""
    return _SEQUENCE.truncated_loss(params, X, Y, truncate, state_params)


def _state_gradients(params, X, Y, state):
    """What reaches h_t at every step t, (T, N, H) (state is "h", the cell's only state)."""
    return _SEQUENCE.state_gradients(params, X, Y, state)


#: The reset-before GRU as a cell of the protocol of rnn_helpers.cells (state h), and its
#: vectorised sequence functions, which rnn_helpers.cells registers as "gru_before".
_SEQUENCE = h_state_sequence(globals())     # forward .. state gradients, shared by the GRUs
CELL = GatedCell(("h",), init_params, _step_forward, _step_backward)
SEQUENCE = vectorised_functions(globals())
