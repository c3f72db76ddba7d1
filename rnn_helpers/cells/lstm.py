"""A long short-term memory (LSTM) cell: one step, the whole sequence, and its gradients (BPTT).

Letters used in shapes: N records, T time steps, D input size (input_dim), H hidden size
(hidden_dim), O output size (output_dim).

The parameters follow PyTorch's nn.LSTM, so weights move across exactly: W_x is weight_ih_l0, W_h is
weight_hh_l0, and b is bias_ih_l0 + bias_hh_l0. Their rows come in four blocks of H, in the order
input gate i, forget gate f, candidate g, output gate o.

    h_0 = c_0 = 0                                       (N, H)
    a_t = x_t W_x^T + h_{t-1} W_h^T + b                 (N, 4H)   blocks [a_i a_f a_g a_o]
    i = sigmoid(a_i),  f = sigmoid(a_f),  g = tanh(a_g),  o = sigmoid(a_o)      (N, H) each
    c_t = f * c_{t-1} + i * g                           (N, H)    the cell state
    h_t = o * tanh(c_t)                                 (N, H)
    y_hat = h_T V^T + c                                 (N, O)    the RNN's output layer

(The output bias is params["c"]; the cell states are c_t and the cache's "c".) The loss is the mean
over the N records of 1/2 ||y_hat - y||^2. One step of the chain rule, given dh_t and dc_t (what
reaches h_t and c_t from the output and from step t + 1):

    dc   = dc_t + dh_t * o * (1 - tanh(c_t)^2)          c_t reaches the loss through h_t and c_{t+1}
    do   = dh_t * tanh(c_t),  di = dc * g,  df = dc * c_{t-1},  dg = dc * i
    da_t = [di * i (1 - i), df * f (1 - f), dg * (1 - g^2), do * o (1 - o)]        (N, 4H)
    dW_x += da_t^T x_t,  dW_h += da_t^T h_{t-1},  db += sum_n da_t
    dh_{t-1} = da_t W_h,  dc_{t-1} = dc * f

truncate=k walks back k steps: the exact gradient of the same loss with h_{T-k} and c_{T-k} held
constant (truncated_loss is that objective). truncate=None, or k >= T, is full BPTT.

Every function checks its arguments, raising TypeError or ValueError with a message that names the
one that is wrong. rnn_helpers.gradcheck.check_gradients checks these gradients (as every cell's);
rnn_helpers._gates holds what the LSTM shares with the GRU: checks, output layer, loops over time.
"""

import numpy as np

from .._checks import NO_TARGETS
from ._gates import (check_backward_args, check_cache, check_data, check_params, check_state,
                     check_state_params, check_step, draw_params, held_state_loss, output_backward,
                     output_forward, record_output, run_forward, steps_to_walk, sum_steps_back,
                     GatedCell, MODULE_API, gated_state_gradients, vectorised_functions)
from ..activations import sigmoid_unchecked as sigmoid
from ..losses import mse_unchecked

__all__ = list(MODULE_API)

NAME = "lstm"
PARAM_NAMES = ("W_x", "W_h", "b", "V", "c")
BLOCKS = ("i", "f", "g", "o")                      # the four blocks of H rows of W_x, W_h and b
STEP_CACHE_KEYS = ("x_t", "h_prev", "c_prev", "i", "f", "g", "o", "c_t", "tanh_c")
_STACKED = BLOCKS + ("tanh_c",)                    # per-step arrays that forward stacks, (T, N, H)
FORWARD_CACHE_KEYS = ("h", "c") + _STACKED + ("X", "params")


def init_params(hidden_dim, input_dim=1, output_dim=1, *, seed=0):
    """Draw the weights of an LSTM from a seeded generator.

    W_x, W_h and V from uniform(-a, a) with a = 1 / sqrt(hidden_dim), the scale PyTorch's nn.LSTM and
    nn.Linear use, which keeps every gate's input of order 1. The forget gate's bias starts at 1, so
    f is about 0.73 at first and the cell state (and its gradient) carries across many steps from the
    start (Gers et al. 2000; Jozefowicz et al. 2015); every other bias starts at 0.

    Returns a dict of float64 arrays: "W_x" (4H, D), "W_h" (4H, H), "b" (4H,), "V" (O, H), "c" (O,).
    Raises TypeError if a size or the seed is not a whole number, ValueError if a size is below 1 or
    above 100 000, or the seed negative.
    """
    params = draw_params(len(BLOCKS), ("b",), hidden_dim, input_dim, output_dim, seed)
    H = params["W_h"].shape[1]
    params["b"][H:2 * H] = 1.0                         # forget gate, block 2 of [i f g o]
    return params


def check_inputs(params, X, Y=NO_TARGETS, *, x_name="X", y_name="Y"):
    """LSTM params with windows X (N, T, D) and, if given, targets Y (N, O), checked as the RNN's
    are by rnn_helpers._checks.check_inputs. Returns X, or (X, Y), as float64 arrays.

    x_name, y_name: what the caller's user calls X and Y (e.g. "X_val"), for the messages."""
    _check_params(params)
    return check_data(params, X, Y, x_name, y_name)


def step_forward(x_t, h_prev, c_prev, params):
    """One time step of the LSTM.

    x_t: (N, D), h_prev: (N, H), c_prev: (N, H), params: dict from init_params.
    Returns (h_t, c_t, cache): h_t and c_t (N, H); cache a dict of the step's quantities, all (N, H)
    except x_t (N, D): "x_t", "h_prev", "c_prev", "i", "f", "g", "o", "c_t", "tanh_c".
    """
    H, D, _ = _check_params(params)
    x_t, h_prev, c_prev = check_step(H, D, x_t, h_prev=h_prev, c_prev=c_prev)
    return _step_forward(x_t, h_prev, c_prev, params)


def _step_forward(x_t, h_prev, c_prev, params):
    """step_forward without argument checks, for the loop of forward."""
    H = params["W_h"].shape[1]
    a_t = x_t @ params["W_x"].T + h_prev @ params["W_h"].T + params["b"]
    i = sigmoid(a_t[:, :H])
    f = sigmoid(a_t[:, H:2 * H])
    g = np.tanh(a_t[:, 2 * H:3 * H])
    o = sigmoid(a_t[:, 3 * H:])
    c_t = f * c_prev + i * g
    tanh_c = np.tanh(c_t)
    h_t = o * tanh_c
    cache = {"x_t": x_t, "h_prev": h_prev, "c_prev": c_prev, "i": i, "f": f, "g": g, "o": o,
             "c_t": c_t, "tanh_c": tanh_c}
    return h_t, c_t, cache


def step_backward(dh_t, dc_t, cache, params):
    """One step of the chain rule, back through step_forward.

    dh_t: (N, H), dloss/dh_t from the output and step t + 1; dc_t: (N, H), dloss/dc_t from step t + 1
    only (zeros at the last step); cache: from step_forward; params: dict from init_params.
    Returns (dh_prev, dc_prev, step_grads): dh_prev and dc_prev (N, H), and step_grads a dict of this
    step's contribution, summed over the N records: "W_x" (4H, D), "W_h" (4H, H), "b" (4H,).
    Raises TypeError for a cache that step_forward did not make, ValueError for wrong shapes.
    """
    H, _, _ = _check_params(params)
    check_cache(cache, STEP_CACHE_KEYS, NAME, "step_forward")
    N = np.shape(cache["h_prev"])[0]
    return _step_backward(check_state("dh_t", dh_t, N, H), check_state("dc_t", dc_t, N, H), cache,
                          params)


def _step_backward(dh_t, dc_t, cache, params, with_dx=False):
    """step_backward without argument checks, for backward. with_dx: return, as the cell protocol
    of rnn_helpers.cells does, (dx_t (N, D), (dh_prev, dc_prev), step_grads)."""
    i, f, g, o, tanh_c = cache["i"], cache["f"], cache["g"], cache["o"], cache["tanh_c"]
    dc = dc_t + dh_t * o * (1.0 - tanh_c * tanh_c)     # c_t reaches the loss via h_t and c_{t+1}
    do = dh_t * tanh_c                                 # h_t = o * tanh(c_t)
    di = dc * g                                        # c_t = f * c_{t-1} + i * g
    df = dc * cache["c_prev"]
    dg = dc * i
    da_t = np.concatenate([di * i * (1.0 - i),         # back through each gate's activation,
                           df * f * (1.0 - f),         # in the blocks' order [i f g o]
                           dg * (1.0 - g * g),
                           do * o * (1.0 - o)], axis=1)
    step_grads = {"W_x": da_t.T @ cache["x_t"], "W_h": da_t.T @ cache["h_prev"], "b": da_t.sum(axis=0)}
    dh_prev = da_t @ params["W_h"]
    dc_prev = dc * f
    if with_dx:
        return da_t @ params["W_x"], (dh_prev, dc_prev), step_grads
    return dh_prev, dc_prev, step_grads


def forward(params, X, h0=None, c0=None):
    """Run the LSTM over every window of X and predict from the last hidden state.

    params: dict from init_params.  X: (N, T, D).  h0, c0: (N, H) starting states, zeros by default.
    Returns (Y_hat, cache): Y_hat (N, O); cache a dict, time first:
        "h": (T + 1, N, H), h[t] = h_t (h[0] = h_0);  "c": (T + 1, N, H), c[t] = c_t;
        "i", "f", "g", "o", "tanh_c": (T, N, H), entry t - 1 from step t;
        "X": (N, T, D) and "params", as checked.
    """
    X = check_inputs(params, X)
    N, H = X.shape[0], params["W_h"].shape[1]
    h0 = None if h0 is None else check_state("h0", h0, N, H)
    c0 = None if c0 is None else check_state("c0", c0, N, H)
    return _forward(params, X, h0, c0)


def _forward(params, X, h0=None, c0=None):
    """forward without argument checks; h0 and c0 None means zeros."""
    (h, c), stacked = run_forward(_step_forward, params, X, (h0, c0), _STACKED)
    cache = {"h": h, "c": c, **stacked, "X": X, "params": params}
    return output_forward(h[-1], params), cache


def _step_cache(cache, t):
    """The cache step_forward made at step t (1 .. T), as views into forward's stacked arrays."""
    step = {name: cache[name][t - 1] for name in _STACKED}
    step.update(x_t=cache["X"][:, t - 1], h_prev=cache["h"][t - 1], c_prev=cache["c"][t - 1],
                c_t=cache["c"][t])
    return step


def backward(dY_hat, cache, truncate=None):
    """Gradients of the loss given dY_hat = dloss/dY_hat (N, O) and the cache from forward.

    truncate: None (full BPTT) or k >= 1: walk back k steps, holding h_{T-k} and c_{T-k} constant.
    Returns grads, a dict with the keys and shapes of params: "W_x" (4H, D), "W_h" (4H, H),
    "b" (4H,), "V" (O, H), "c" (O,). Raises TypeError for a cache that forward did not make.
    """
    dY_hat, k = check_backward_args(dY_hat, cache, FORWARD_CACHE_KEYS, NAME, truncate)
    return _backward(dY_hat, cache, k)


def _backward(dY_hat, cache, k):
    """backward without argument checks, k steps back (1 .. T); dc_T = 0, as c_T reaches the loss
    only through h_T."""
    grads, dh_T = output_backward(dY_hat, cache["h"][-1], cache["params"])
    steps = [_step_cache(cache, t) for t in range(1, cache["X"].shape[1] + 1)]
    upstream = (dh_T, np.zeros_like(dh_T))             # (dh_T, dc_T)
    return sum_steps_back(_step_backward, upstream, steps, cache["params"], k, grads)


def loss_and_grads(params, X, Y, truncate=None):
    """Loss and its gradient with respect to every parameter, over all N records at once.

    params: dict from init_params.  X: (N, T, D).  Y: (N, O).
    truncate: None (full BPTT) or k >= 1: the gradient with h_{T-k} and c_{T-k} held constant.
    Returns (loss, grads): loss a float, grads a dict "W_x" (4H, D), "W_h" (4H, H), "b" (4H,),
    "V" (O, H), "c" (O,): the keys and shapes of params.
    """
    X, Y = check_inputs(params, X, Y)
    k = steps_to_walk(truncate, X.shape[1])
    Y_hat, cache = _forward(params, X)
    return mse_unchecked(Y_hat, Y), _backward((Y_hat - Y) / Y.shape[0], cache, k)


def loss_and_grads_loop(params, X, Y, truncate=None):
    """loss_and_grads one record and one step at a time: the readable reference for the LSTM.

    Each record runs forward through step_forward, carrying h_t and c_t, and back through
    step_backward, carrying dh and dc, as a batch of one; the vectorised code is tested against
    this. Same arguments, return value and errors as loss_and_grads.
    """
    X, Y = check_inputs(params, X, Y)
    N, T, _ = X.shape
    k = steps_to_walk(truncate, T)
    h_0 = c_0 = np.zeros((1, params["W_h"].shape[1]))  # the starting states of every record
    loss, grads = 0.0, {name: np.zeros_like(value) for name, value in params.items()}
    for n in range(N):
        h_t, c_t = h_0, c_0
        steps = []                                     # steps[t - 1] = the cache of step t
        for t in range(1, T + 1):
            h_t, c_t, step = step_forward(X[n:n + 1, t - 1], h_t, c_t, params)
            steps.append(step)
        record_loss, dh = record_output(h_t, Y[n], N, params, grads)   # y_hat = V h_T + c
        loss += record_loss
        dc = np.zeros_like(dh)                         # c_T reaches the loss only through h_T
        for t in range(T, T - k, -1):
            dh, dc, step_grads = step_backward(dh, dc, steps[t - 1], params)
            for name, g in step_grads.items():
                grads[name] += g
    return loss, grads


def truncated_loss(params, X, Y, truncate, state_params=None):
    """The objective whose exact gradient loss_and_grads(..., truncate=k) returns.

    h_{T-k} and c_{T-k} are computed with `state_params` (default: params) and then held fixed; only
    the last k steps and the output use `params`. Perturbing params here therefore changes only what
    the truncated gradient sees, which is how the gradient check of truncated BPTT works.
    params, state_params: dicts from init_params, of the same shapes.  X: (N, T, D).  Y: (N, O).
    truncate: None or k >= T gives the full loss. Returns a float.
    """
    X, Y = check_inputs(params, X, Y)
    k = steps_to_walk(truncate, X.shape[1])
    check_state_params(state_params, params, PARAM_NAMES, len(BLOCKS), NAME)
    return held_state_loss(_forward, ("h", "c"), params, state_params, X, Y, k)


def _check_params(params, name="params"):
    """Check an LSTM's params (called `name` in messages); return (H, D, O)."""
    return check_params(params, PARAM_NAMES, len(BLOCKS), NAME, name)


def _state_gradients(params, X, Y, state):
    """What reaches h_t (state "h") or c_t (state "c") at every step t, (T, N, H). For c_t this is
    the whole gradient of the loss with respect to c_t: through c_{t+1} and through h_t = o tanh(c_t).
    """
    X, Y = check_inputs(params, X, Y)
    dS = np.empty((X.shape[1], X.shape[0], params["W_h"].shape[1]))
    for t, (dh, dc), step in gated_state_gradients(_forward, _step_cache, _step_backward, 2, params,
                                                   X, Y):
        dS[t - 1] = dh if state == "h" else dc + dh * step["o"] * (1.0 - step["tanh_c"] ** 2)
    return dS


#: The LSTM as a cell of the protocol of rnn_helpers.cells (states h and c), and its vectorised
#: sequence functions, which rnn_helpers.cells registers.
CELL = GatedCell(("h", "c"), init_params, _step_forward, _step_backward)
SEQUENCE = vectorised_functions(globals())
