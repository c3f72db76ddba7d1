"""The heads on a stack: sequence-to-one regression and a softmax at every step (tagging).

Letters: N records, T steps, D inputs, H hidden size, dirs 1 or 2, O outputs, K classes.

    regression   y_hat = last V^T + c                      (N, O)
                 loss = mean_n 1/2 ||y_hat_n - y_n||^2
    tagging      o_t = h_t V^T + c                          (N, T, K), h_t the top layer's output
                 loss = the mean over the valid positions (t < L_n) of -log softmax(o_t)[label_t]

Each has its loss and gradients (the stack's and the head's keys), a prediction, a readable loop
version (one record at a time, rnn_helpers.deep.stack's loops) and the truncated objective, the
loss whose exact gradient truncate=k gives (for the gradient checks).
"""

import numpy as np

from .._checks import as_float_array, check_magnitude
from ..gradcheck import DEFAULT_EPS, numerical_gradient, relative_error
from .params import describe
from .stack import (_backward, check_lengths, check_X, held_states, layers_backward_loop,
                    layers_forward, layers_forward_loop)

__all__ = ["loss_and_grads", "loss_and_grads_loop", "truncated_loss", "predict",
           "tagging_loss_and_grads", "tagging_loss_and_grads_loop", "tagging_truncated_loss",
           "predict_tags", "state_gradients", "check_gradients"]


def _head_spec(params, what):
    spec = describe(params)
    if spec.output_dim is None:
        raise ValueError(f"params has no head (V, c): {what} needs one; build the weights with "
                         "rnn_helpers.deep.init_params(..., output_dim=...).")
    return spec


def check_targets(spec, Y, N, name="Y"):
    """Y as float64 (N, O) fitting the head."""
    Y = check_magnitude(name, as_float_array(name, Y, ndim=2, what="(N, output_dim)"))
    if Y.shape != (N, spec.output_dim):
        raise ValueError(f"{name} has shape {Y.shape}, expected (N, output_dim) = {(N, spec.output_dim)}: "
                         "one target row per record of X, as many columns as params['V'] has rows.")
    return Y


def check_labels(spec, labels, lengths, N, T, name="labels"):
    """labels as int64 (N, T), each valid position in 0 .. K-1 (padded positions: any whole number)."""
    if isinstance(labels, (str, bytes, dict, set)) or labels is None:
        raise TypeError(f"{name} must be an array (N, T) of class numbers, got {type(labels).__name__}.")
    if np.ma.isMaskedArray(labels) and np.ma.getmaskarray(labels).any():
        raise ValueError(f"{name} has masked entries: give a class for every step (padded steps may "
                         "hold any whole number).")
    raw = np.asarray(labels)
    if raw.dtype.kind not in "iu":
        raise TypeError(f"{name} must hold whole numbers (class indices 0 .. {spec.output_dim - 1}), "
                        f"got dtype {raw.dtype}.")
    if raw.shape != (N, T):
        raise ValueError(f"{name} has shape {raw.shape}, expected (N, T) = {(N, T)}, one class per "
                         "step of X.")
    valid = np.arange(T)[None, :] < lengths[:, None]
    inside = raw[valid]
    if inside.min() < 0 or inside.max() >= spec.output_dim:
        raise ValueError(f"{name} must be class indices in 0 .. {spec.output_dim - 1} (the head's rows) at "
                         f"every step within a record's length; got values from {inside.min()} to "
                         f"{inside.max()}.")
    return np.where(valid, raw, 0).astype(np.int64), valid


def loss_and_grads(params, X, Y, truncate=None, *, lengths=None, activation=None):
    """Sequence-to-one regression: y_hat = last V^T + c and loss mean_n 1/2 ||y_hat - y||^2.

    params: with a head.  X: (N, T, D).  Y: (N, O).  truncate: None or k >= 1 (see
    rnn_helpers.deep.stack).  lengths, activation: as for layers_forward.
    Returns (loss, grads): a float and a dict with params' keys and shapes.
    """
    _head_spec(params, "loss_and_grads")
    H_seq, last, cache = layers_forward(params, X, lengths=lengths, activation=activation)
    Y = check_targets(cache["spec"], Y, last.shape[0])
    Y_hat = last @ params["V"].T + params["c"]
    N = Y.shape[0]
    dY = (Y_hat - Y) / N
    loss = float(0.5 * np.sum((Y_hat - Y) ** 2) / N)
    _, grads, _ = _backward(None, dY @ params["V"], cache, truncate)
    grads["V"], grads["c"] = dY.T @ last, dY.sum(axis=0)
    return loss, grads


def loss_and_grads_loop(params, X, Y, truncate=None, *, lengths=None, activation=None):
    """loss_and_grads one record at a time through the stack's loop versions: the same numbers."""
    _head_spec(params, "loss_and_grads_loop")
    _, last = layers_forward_loop(params, X, lengths=lengths, activation=activation)
    spec = describe(params)
    Y = check_targets(spec, Y, last.shape[0])
    N = Y.shape[0]
    loss, dlast = 0.0, np.zeros_like(last)
    grads_V, grads_c = np.zeros_like(params["V"]), np.zeros_like(params["c"])
    for n in range(N):
        y_hat = params["V"] @ last[n] + params["c"]
        loss += 0.5 * np.sum((y_hat - Y[n]) ** 2) / N
        dy = (y_hat - Y[n]) / N
        grads_V += np.outer(dy, last[n])
        grads_c += dy
        dlast[n] = params["V"].T @ dy
    _, grads = layers_backward_loop(params, X, None, dlast, lengths=lengths, activation=activation,
                                    truncate=truncate)
    grads["V"], grads["c"] = grads_V, grads_c
    return float(loss), grads


def truncated_loss(params, X, Y, truncate, *, lengths=None, activation=None, state_params=None, held=None):
    """The regression loss in which every cell's states before its last `truncate` steps are those
    of a run with state_params (default params), constants: what loss_and_grads(truncate=k)
    differentiates. held: those states from rnn_helpers.deep.stack.held_states, computed once.
    Returns a float."""
    _head_spec(params, "truncated_loss")
    _, last = layers_forward_loop(params, X, lengths=lengths, activation=activation, truncate=truncate,
                                  state_params=params if state_params is None else state_params, held=held)
    Y = check_targets(describe(params), Y, last.shape[0])
    Y_hat = last @ params["V"].T + params["c"]
    return float(0.5 * np.sum((Y_hat - Y) ** 2) / Y.shape[0])


def predict(params, X, *, lengths=None, activation=None):
    """y_hat = last V^T + c, (N, O), for X (N, T, D)."""
    _head_spec(params, "predict")
    _, last, _ = layers_forward(params, X, lengths=lengths, activation=activation)
    return last @ params["V"].T + params["c"]


def _log_softmax(logits):
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def tagging_loss_and_grads(params, X, labels, lengths=None, truncate=None, *, activation=None):
    """A softmax at every step: o_t = h_t V^T + c, loss the mean over the valid positions of
    -log softmax(o_t)[label_t].

    params: with a head of K rows (the classes).  X: (N, T, D).  labels: (N, T) ints in 0 .. K-1
    (padded steps, t >= lengths[n], are ignored and may hold any whole number, such as -1).
    lengths: None or (N,) ints in 1..T.  truncate: None or k >= 1.
    Returns (loss, grads): a float and a dict with params' keys and shapes.
    """
    spec = _head_spec(params, "tagging_loss_and_grads")
    X = check_X(spec, X)
    N, T = X.shape[:2]
    lengths = check_lengths(lengths, N, T)
    labels, valid = check_labels(spec, labels, lengths, N, T)
    H_seq, _, cache = layers_forward(params, X, lengths=lengths, activation=activation)
    logp = _log_softmax(H_seq @ params["V"].T + params["c"])                 # (N, T, K)
    count = valid.sum()
    picked = np.take_along_axis(logp, labels[:, :, None], axis=2)[:, :, 0]
    loss = float(-(picked * valid).sum() / count)
    dlogits = np.exp(logp)
    np.put_along_axis(dlogits, labels[:, :, None], np.take_along_axis(dlogits, labels[:, :, None], 2) - 1,
                      axis=2)
    dlogits *= valid[:, :, None] / count
    _, grads, _ = _backward(dlogits @ params["V"], None, cache, truncate)
    K = spec.output_dim
    grads["V"] = dlogits.reshape(-1, K).T @ H_seq.reshape(N * T, -1)
    grads["c"] = dlogits.reshape(-1, K).sum(axis=0)
    return loss, grads


def tagging_loss_and_grads_loop(params, X, labels, lengths=None, truncate=None, *, activation=None):
    """tagging_loss_and_grads one record and one step at a time: the same numbers."""
    spec = _head_spec(params, "tagging_loss_and_grads_loop")
    X = check_X(spec, X)
    N, T = X.shape[:2]
    lengths = check_lengths(lengths, N, T)
    labels, _ = check_labels(spec, labels, lengths, N, T)
    H_seq, _ = layers_forward_loop(params, X, lengths=lengths, activation=activation)
    count = int(lengths.sum())
    loss, dH = 0.0, np.zeros_like(H_seq)
    grads_V, grads_c = np.zeros_like(params["V"]), np.zeros_like(params["c"])
    for n in range(N):
        for t in range(lengths[n]):
            o = params["V"] @ H_seq[n, t] + params["c"]
            p = np.exp(o - o.max())
            p /= p.sum()
            loss -= np.log(p[labels[n, t]]) / count
            do = p.copy()
            do[labels[n, t]] -= 1.0
            do /= count
            grads_V += np.outer(do, H_seq[n, t])
            grads_c += do
            dH[n, t] = params["V"].T @ do
    _, grads = layers_backward_loop(params, X, dH, None, lengths=lengths, activation=activation,
                                    truncate=truncate)
    grads["V"], grads["c"] = grads_V, grads_c
    return float(loss), grads


def tagging_truncated_loss(params, X, labels, lengths=None, truncate=None, *, activation=None,
                           state_params=None, held=None):
    """The tagging loss with every cell's states before its last `truncate` steps held (computed
    with state_params, default params, or given as held): what tagging_loss_and_grads(truncate=k)
    differentiates."""
    spec = _head_spec(params, "tagging_truncated_loss")
    X = check_X(spec, X)
    N, T = X.shape[:2]
    lengths = check_lengths(lengths, N, T)
    labels, valid = check_labels(spec, labels, lengths, N, T)
    H_seq, _ = layers_forward_loop(params, X, lengths=lengths, activation=activation, truncate=truncate,
                                   state_params=params if state_params is None else state_params,
                                   held=held)
    logp = _log_softmax(H_seq @ params["V"].T + params["c"])
    picked = np.take_along_axis(logp, labels[:, :, None], axis=2)[:, :, 0]
    return float(-(picked * valid).sum() / valid.sum())


def predict_tags(params, X, *, lengths=None, activation=None):
    """The most likely class at every step, (N, T) ints; -1 at padded steps (t >= lengths[n])."""
    spec = _head_spec(params, "predict_tags")
    X = check_X(spec, X)
    lengths = check_lengths(lengths, *X.shape[:2])
    H_seq, _, _ = layers_forward(params, X, lengths=lengths, activation=activation)
    tags = np.argmax(H_seq @ params["V"].T + params["c"], axis=2)
    return np.where(np.arange(X.shape[1])[None, :] < lengths[:, None], tags, -1)


def state_gradients(params, X, Y, *, lengths=None, activation=None, head="regression"):
    """How large the gradient of the loss is at every cell's h_t (full BPTT): notebook 11's picture
    of the gradient through depth.

    Y: (N, O) targets for head="regression", or labels (N, T) for head="tagging".
    Returns G (num_layers, dirs, T): G[k, d, t] the mean over the records of ||dloss/dh_t||, the
    whole gradient reaching h_t of layer k's cell of direction d (0 forward, 1 reverse), in time
    order; records shorter than t + 1 steps count as 0 there.
    """
    if head not in ("regression", "tagging"):
        raise ValueError(f"head must be 'regression' or 'tagging', got {head!r}.")
    spec = _head_spec(params, "state_gradients")
    X = check_X(spec, X)
    N, T = X.shape[:2]
    lengths = check_lengths(lengths, N, T)
    H_seq, last, cache = layers_forward(params, X, lengths=lengths, activation=activation)
    if head == "regression":
        Y = check_targets(spec, Y, N)
        dY = (last @ params["V"].T + params["c"] - Y) / N
        _, _, dS = _backward(None, dY @ params["V"], cache, None)
    else:
        labels, valid = check_labels(spec, Y, lengths, N, T, name="Y")
        p = np.exp(_log_softmax(H_seq @ params["V"].T + params["c"]))
        np.put_along_axis(p, labels[:, :, None], np.take_along_axis(p, labels[:, :, None], 2) - 1, axis=2)
        p *= valid[:, :, None] / valid.sum()
        _, _, dS = _backward(p @ params["V"], None, cache, None)
    valid = np.arange(T)[None, :] < lengths[:, None]
    G = np.zeros((spec.num_layers, spec.dirs, T))
    for k in range(spec.num_layers):
        for d in range(spec.dirs):
            G[k, d] = (np.linalg.norm(dS[k][d], axis=2) * valid).mean(axis=0)
    return G



def check_gradients(params, X, targets, *, head="regression", truncate=None, lengths=None,
                    activation=None, eps=DEFAULT_EPS):
    """Relative error between the stack's analytic gradient and the numerical one, per key.

    targets: Y (N, O) for head="regression", labels (N, T) for head="tagging". With truncate=k the
    numerical gradient is of the truncated objective (every cell's states before its last k steps
    held at their values under the unperturbed params), which is what truncated BPTT
    differentiates. Fourth-order differences (rnn_helpers.gradcheck): 4 passes per weight, so keep
    the sizes small. Returns a dict key -> relative error, for rh.assert_gradients_match.
    """
    if head not in ("regression", "tagging"):
        raise ValueError(f"head must be 'regression' or 'tagging', got {head!r}.")
    frozen = {key: np.array(value, dtype=float) for key, value in describe_checked(params).items()}
    held = None if truncate is None else held_states(frozen, X, lengths=lengths, activation=activation)
    if head == "regression":
        _, analytic = loss_and_grads(params, X, targets, truncate, lengths=lengths, activation=activation)

        def objective(p):
            return truncated_loss(p, X, targets, truncate, lengths=lengths, activation=activation,
                                  held=held)
    else:
        _, analytic = tagging_loss_and_grads(params, X, targets, lengths, truncate, activation=activation)

        def objective(p):
            return tagging_truncated_loss(p, X, targets, lengths, truncate, activation=activation,
                                          held=held)
    numeric = numerical_gradient(objective, params, eps)
    return {key: relative_error(analytic[key], numeric[key]) for key in params}


def describe_checked(params):
    """params, once describe has accepted it (a stack's weights with a head)."""
    _head_spec(params, "check_gradients")
    return params
