"""A gated recurrent unit (GRU): one step, the whole sequence, and its gradients (BPTT).

Letters used in shapes: N records, T time steps, D input size (input_dim), H hidden size
(hidden_dim), O output size (output_dim).

The parameters follow PyTorch's nn.GRU, so weights move across exactly: W_x is weight_ih_l0, W_h is
weight_hh_l0, b_x is bias_ih_l0 and b_h is bias_hh_l0. Their rows come in three blocks of H, in the
order reset gate r, update gate z, new state n. The two biases cannot be merged as in the LSTM: the
reset gate multiplies W_hn h_{t-1} + b_hn but not W_xn x_t + b_xn.

    h_0 = 0                                             (N, H)
    a_x = x_t W_x^T + b_x,   a_h = h_{t-1} W_h^T + b_h    (N, 3H)   blocks [r z n] each
    r = sigmoid(a_x,r + a_h,r),  z = sigmoid(a_x,z + a_h,z)           (N, H) each
    hn = a_h,n = h_{t-1} W_hn^T + b_hn                  (N, H)
    n = tanh(a_x,n + r * hn)                            (N, H)
    h_t = (1 - z) * n + z * h_{t-1}                     (N, H)
    y_hat = h_T V^T + c                                 (N, O)    the RNN's output layer

The loss is the mean over the N records of 1/2 ||y_hat - y||^2. One step of the chain rule, given
dh_t (what reaches h_t from the output and from step t + 1):

    dn = dh_t * (1 - z),  dz = dh_t * (h_{t-1} - n)
    da_n = dn * (1 - n^2),  dr = da_n * hn
    da_x = [dr * r (1 - r), dz * z (1 - z), da_n]         (N, 3H)
    da_h = [dr * r (1 - r), dz * z (1 - z), da_n * r]     (N, 3H)
    dW_x += da_x^T x_t,  db_x += sum_n da_x,  dW_h += da_h^T h_{t-1},  db_h += sum_n da_h
    dh_{t-1} = dh_t * z + da_h W_h

truncate=k walks back k steps: the exact gradient of the same loss with h_{T-k} held constant
(truncated_loss is that objective). truncate=None, or k >= T, is full BPTT.

Each function checks what it is given and says, in a TypeError or ValueError, which argument is
wrong and how. The gradient check is rnn_helpers.gradcheck.check_gradients, the same for every cell;
the argument checks, the output layer and the loops over time are shared with the LSTM
(rnn_helpers._gates), so that this module holds the GRU's own maths.
"""

import numpy as np

from .._checks import NO_TARGETS
from ._gates import (MODULE_API, GatedCell, check_cache, check_data, check_params, check_state,
                     check_step, draw_params, h_state_sequence, vectorised_functions)
from ..activations import sigmoid_unchecked as sigmoid

__all__ = list(MODULE_API)

NAME = "gru"
PARAM_NAMES = ("W_x", "W_h", "b_x", "b_h", "V", "c")
BLOCKS = ("r", "z", "n")                           # the three blocks of H rows of W_x, W_h, b_x, b_h
STEP_CACHE_KEYS = ("x_t", "h_prev", "r", "z", "n", "hn")
_STACKED = BLOCKS + ("hn",)                        # per-step arrays that forward stacks, (T, N, H)
FORWARD_CACHE_KEYS = ("h",) + _STACKED + ("X", "params")


def init_params(hidden_dim, input_dim=1, output_dim=1, *, seed=0):
    """Draw the weights of a GRU from a seeded generator.

    W_x, W_h and V from uniform(-a, a) with a = 1 / sqrt(hidden_dim), the scale PyTorch's nn.GRU and
    nn.Linear use, which keeps every gate's input of order 1. The biases b_x, b_h and c start at 0
    (PyTorch draws them from the same uniform): z then starts near 1/2, halfway between keeping
    h_{t-1} and replacing it by n.

    Returns a dict of float64 arrays: "W_x" (3H, D), "W_h" (3H, H), "b_x" (3H,), "b_h" (3H,),
    "V" (O, H), "c" (O,).
    Raises TypeError if a size or the seed is not a whole number, ValueError if a size is below 1 or
    above 100 000, or the seed negative.
    """
    return draw_params(len(BLOCKS), ("b_x", "b_h"), hidden_dim, input_dim, output_dim, seed)


def check_inputs(params, X, Y=NO_TARGETS, *, x_name="X", y_name="Y"):
    """Check GRU params, the windows X (N, T, D) and the targets Y (N, O) (or X alone, with Y None)
    exactly as rnn_helpers._checks.check_inputs checks the RNN's; return X or (X, Y), float64.
    Messages call the arrays x_name and y_name (e.g. "X_val", "Y_val")."""
    _check_params(params)
    return check_data(params, X, Y, x_name, y_name)


def step_forward(x_t, h_prev, params):
    """One time step of the GRU.

    x_t: (N, D), h_prev: (N, H), params: dict from init_params.
    Returns (h_t, cache): h_t (N, H); cache a dict of the step's quantities, all (N, H) except
    x_t (N, D): "x_t", "h_prev", "r", "z", "n", "hn" (hn = h_{t-1} W_hn^T + b_hn, what r scales).
    """
    H, D, _ = _check_params(params)
    x_t, h_prev = check_step(H, D, x_t, h_prev=h_prev)
    return _step_forward(x_t, h_prev, params)


def _step_forward(x_t, h_prev, params):
    """step_forward without argument checks, for the loop of forward."""
    H = params["W_h"].shape[1]
    a_x = x_t @ params["W_x"].T + params["b_x"]
    a_h = h_prev @ params["W_h"].T + params["b_h"]
    r = sigmoid(a_x[:, :H] + a_h[:, :H])
    z = sigmoid(a_x[:, H:2 * H] + a_h[:, H:2 * H])
    hn = a_h[:, 2 * H:]
    n = np.tanh(a_x[:, 2 * H:] + r * hn)
    h_t = (1.0 - z) * n + z * h_prev
    cache = {"x_t": x_t, "h_prev": h_prev, "r": r, "z": z, "n": n, "hn": hn}
    return h_t, cache


def step_backward(dh_t, cache, params):
    """One step of the chain rule, back through step_forward.

    dh_t: (N, H), dloss/dh_t from the output and step t + 1; cache: from step_forward;
    params: dict from init_params.
    Returns (dh_prev, step_grads): dh_prev (N, H), and step_grads a dict of this step's contribution,
    summed over the N records: "W_x" (3H, D), "W_h" (3H, H), "b_x" (3H,), "b_h" (3H,).
    Raises TypeError for a cache that step_forward did not make, ValueError for wrong shapes.
    """
    H, _, _ = _check_params(params)
    check_cache(cache, STEP_CACHE_KEYS, NAME, "step_forward")
    N = np.shape(cache["h_prev"])[0]
    return _step_backward(check_state("dh_t", dh_t, N, H), cache, params)


def _step_backward(dh_t, cache, params, with_dx=False):
    """step_backward without argument checks, for backward. with_dx: return, as the cell protocol
    of rnn_helpers.cells does, (dx_t (N, D), (dh_prev,), step_grads)."""
    r, z, n, hn, h_prev = cache["r"], cache["z"], cache["n"], cache["hn"], cache["h_prev"]
    dn = dh_t * (1.0 - z)                              # h_t = (1 - z) * n + z * h_{t-1}
    dz = dh_t * (h_prev - n)
    da_n = dn * (1.0 - n * n)                          # n = tanh(a_x,n + r * hn)
    dr = da_n * hn
    da_r = dr * r * (1.0 - r)                          # r and z see a_x and a_h alike
    da_z = dz * z * (1.0 - z)
    da_x = np.concatenate([da_r, da_z, da_n], axis=1)
    da_h = np.concatenate([da_r, da_z, da_n * r], axis=1)   # r scales only the h side of n
    step_grads = {"W_x": da_x.T @ cache["x_t"], "W_h": da_h.T @ h_prev,
                  "b_x": da_x.sum(axis=0), "b_h": da_h.sum(axis=0)}
    dh_prev = dh_t * z + da_h @ params["W_h"]          # h_{t-1} reaches h_t directly and via a_h
    if with_dx:
        return da_x @ params["W_x"], (dh_prev,), step_grads
    return dh_prev, step_grads


def forward(params, X, h0=None):
    """Run the GRU over every window of X and predict from the last hidden state.

    params: dict from init_params.  X: (N, T, D).  h0: (N, H) starting state, zeros by default.
    Returns (Y_hat, cache): Y_hat (N, O); cache a dict, time first:
        "h": (T + 1, N, H), h[t] = h_t (h[0] = h_0);
        "r", "z", "n", "hn": (T, N, H), entry t - 1 from step t;
        "X": (N, T, D) and "params", as checked.
    """
    return _SEQUENCE.forward(params, X, h0)


def backward(dY_hat, cache, truncate=None):
    """Gradients of the loss given dY_hat = dloss/dY_hat (N, O) and the cache from forward.

    truncate: None (full BPTT) or k >= 1: walk back k steps, holding h_{T-k} constant.
    Returns grads, a dict with the keys and shapes of params: "W_x" (3H, D), "W_h" (3H, H),
    "b_x" (3H,), "b_h" (3H,), "V" (O, H), "c" (O,).
    A cache that forward did not make is a TypeError.
    """
    return _SEQUENCE.backward(dY_hat, cache, truncate)


def loss_and_grads(params, X, Y, truncate=None):
    """Loss and its gradient with respect to every parameter, over all N records at once.

    params: dict from init_params.  X: (N, T, D).  Y: (N, O).
    truncate: None (full BPTT) or k >= 1: the gradient with h_{T-k} held constant.
    Returns (loss, grads): loss a float, and grads a dict with exactly the keys and shapes of params,
    "W_x" (3H, D), "W_h" (3H, H), "b_x" (3H,), "b_h" (3H,), "V" (O, H), "c" (O,).
    """
    return _SEQUENCE.loss_and_grads(params, X, Y, truncate)


def loss_and_grads_loop(params, X, Y, truncate=None):
    """The GRU's readable reference: loss_and_grads computed one record and one step at a time.

    Each record goes forward through step_forward, carrying h_t, then back through step_backward,
    carrying dh, as a batch of one; the vectorised code is tested against it. Arguments, return
    value and errors are those of loss_and_grads. (Written once for both GRUs, with the other
    sequence functions: rnn_helpers.cells._gates.h_state_sequence.)
    """
    return _SEQUENCE.loss_and_grads_loop(params, X, Y, truncate)


def truncated_loss(params, X, Y, truncate, state_params=None):
    """The objective whose exact gradient loss_and_grads(..., truncate=k) returns.

    h_{T-k} is computed with `state_params` (default: params) and then held fixed; only the last k
    steps and the output use `params`. Perturbing params here therefore changes only what the
    truncated gradient sees, which is how the gradient check of truncated BPTT works.
    params, state_params: dicts from init_params, of the same shapes.  X: (N, T, D).  Y: (N, O).
    truncate: None, or any k >= T, gives the full loss. Returns a float.
    """
    return _SEQUENCE.truncated_loss(params, X, Y, truncate, state_params)


def _check_params(params, name="params"):
    """Check an GRU's params (called `name` in messages); return (H, D, O)."""
    return check_params(params, PARAM_NAMES, len(BLOCKS), NAME, name)


def _state_gradients(params, X, Y, state):
    """What reaches h_t at every step t, (T, N, H) (state is "h", the GRU's only state)."""
    return _SEQUENCE.state_gradients(params, X, Y, state)


#: The GRU as a cell of the protocol of rnn_helpers.cells (state h), and its vectorised sequence
#: functions, which rnn_helpers.cells registers.
_SEQUENCE = h_state_sequence(globals())     # forward .. state gradients, shared by the GRUs
CELL = GatedCell(("h",), init_params, _step_forward, _step_backward)
SEQUENCE = vectorised_functions(globals())
