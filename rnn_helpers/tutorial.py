"""The original tutorial's method, as it publishes it: a FLAWED REFERENCE, kept only to be studied.

Do not train models with this module; use forward, loss_and_grads and train. Notebook 7 runs this
code, measures each mistake and fixes them one at a time. It was written for this course from the
tutorial's description (its code is not copied). The mistakes carry the numbers of the notebook's
sections; those in code are marked `MISTAKE n` where they happen:

    1  the backward pass is not the gradient:
       1a it multiplies by z (1 - z), with z the pre-activation of the LAST step, where the sigmoid's
          derivative is s (1 - s) at each step; and that product is then never used;
       1b its "dW" and "dU" terms are W s_{t-1} and U x_t: vectors that do not involve the error,
          added into every column of dW and dU; they are not derivatives of the loss;
       1c its walk back through the last `truncate` steps reads step t's values at every pass,
          instead of the step it has reached;
       1d every step t adds an error term to dV (err s_t^T) although only s_T reaches the output,
          and the running sums of dU and dW are never reset, so early steps count many times;
    2  (in reading) a loss falling from 1e5 to about 20 is taken for learning;
    3  its printed loss is a sum over the records (it divides by y.shape[0], which is 1);
    4  (in reading) its predictions are judged by eye, never against a baseline;
    5  its prediction loop feeds the whole window (U x) at every step, unlike its training loop;
    6  (in reporting) its RMSE line multiplies by max_val, which it never defines;
    7  uniform(0, 1) weights saturate every sigmoid unit at exactly 1.0 (see tutorial_init).

The tutorial's architecture itself is not a mistake but is unusual: at step t it feeds a vector of
length T that is zero except entry t, which holds x_t. So U has shape (H, T) and each position has
its own input weights (column t of U), instead of one U of shape (H, D) shared by every step. That is
exactly the standard RNN of rnn_helpers with input_dim = T fed position_inputs(X), so forward,
loss_and_grads and train can run the tutorial's architecture with correct gradients.

Letters used in shapes: N records, T time steps, H hidden size, O output size. The tutorial's
params are a dict {"U": (H, T), "W": (H, H), "V": (O, H)}, with no biases.
"""

import time
from dataclasses import dataclass

import numpy as np

from ._checks import (as_float_array, check_flag, check_int, check_magnitude, check_params,
                      check_positive_float, check_size)
from .clipping import clip_elementwise
from ._engines import rnn as _fast
from .activations import sigmoid
from .cells.rnn import init_params


__all__ = ["tutorial_init", "position_inputs", "tutorial_forward", "tutorial_predict",
           "tutorial_loss", "tutorial_gradients", "TutorialLog", "tutorial_train"]


def tutorial_init(hidden_dim=100, T=50, output_dim=1, *, seed=0):
    """The tutorial's weights: U (H, T), W (H, H) and V (O, H), every entry from uniform(0, 1).

    MISTAKE 7: with x_t in [-1, 1], every entry of W s_{t-1} is a sum of H positive terms, so after
    two steps every pre-activation is far above 36 and the sigmoid rounds to exactly 1.0. It is
    init_params(hidden_dim, input_dim=T, output_dim, scheme="tutorial", biases=False).
    """
    T = check_int("T", T, minimum=1, maximum=100_000)
    return init_params(hidden_dim, input_dim=T, output_dim=output_dim, seed=seed,
                       biases=False, scheme="tutorial")


def position_inputs(X):
    """The tutorial's input, as an array: X (N, T, 1) -> X_pos (N, T, T).

    X_pos[n, t] is zero except entry t, which holds X[n, t, 0]; so U X_pos[n, t] = U[:, t] x_t.
    Feeding X_pos to forward, loss_and_grads or train runs the tutorial's architecture exactly.
    """
    X = _check_windows(X)
    N, T, _ = X.shape
    check_size("X", N * T * T, f"the position inputs of {N} windows of {T} steps, (N, T, T)")
    X_pos = np.zeros((N, T, T))
    steps = np.arange(T)
    X_pos[:, steps, steps] = X[:, :, 0]
    return X_pos


def tutorial_forward(params, X):
    """The tutorial's training-time forward pass, position by position, with sigmoid.

    params: {"U": (H, T), "W": (H, H), "V": (O, H)}.  X: (N, T, 1).
        z_t = U[:, t] x_t + W s_{t-1},   s_t = sigmoid(z_t),   y_hat = V s_T
    Returns (Y_hat (N, O), states (T + 1, N, H) with states[t] = s_t, z_T (N, H)).
    """
    H, T = _check_tutorial_params(params)
    X = _check_windows(X, T)
    U, W = params["U"], params["W"]
    states = np.zeros((T + 1, X.shape[0], H))
    z = states[0]
    for t in range(1, T + 1):
        z = np.outer(X[:, t - 1, 0], U[:, t - 1]) + states[t - 1] @ W.T   # (N, H)
        states[t] = sigmoid(z)
    return states[T] @ params["V"].T, states, z


def tutorial_predict(params, X):
    """The tutorial's prediction loop as published: NOT the function it trained.

    MISTAKE 5: at every one of the T steps it adds U x, the whole window times all of U, where
    training added U[:, t] x_t, one position at a time:
        z_t = U x + W s_{t-1}   (the same input U x at every step),   y_hat = V s_T
    params: {"U": (H, T), "W": (H, H), "V": (O, H)}.  X: (N, T, 1).  Returns Y_hat (N, O).
    """
    H, T = _check_tutorial_params(params)
    X = _check_windows(X, T)
    whole_window = X[:, :, 0] @ params["U"].T      # (N, H): sum over t of U[:, t] x_t
    s = np.zeros((X.shape[0], H))
    for _ in range(T):
        s = sigmoid(whole_window + s @ params["W"].T)
    return s @ params["V"].T


def tutorial_loss(params, X, Y):
    """The loss the tutorial prints: the SUM over records of 1/2 (y - y_hat)^2.

    MISTAKE 3: it divides the sum by y.shape[0], the size of one record's target (1), not by the
    number of records; so 100 training records print twice the value of 50 validation records
    with the same fit. The mean is this divided by N. X: (N, T, 1), Y: (N, O). Returns a float.
    """
    Y_hat = tutorial_forward(params, X)[0]
    Y = _check_targets(Y, Y_hat.shape, windows="X")
    return 0.5 * float(np.sum((Y - Y_hat) ** 2))


def tutorial_gradients(params, x, y, truncate=5):
    """The tutorial's backward pass for ONE record, as published. It is not the gradient.

    params: {"U": (H, T), "W": (H, H), "V": (O, H)}.  x: (T, 1), one window.  y: (O,), its target.
    truncate: the number of steps it walks back from each step t (the tutorial's bptt_truncate).
    Returns {"U": (H, T), "W": (H, H), "V": (O, H)} before clipping. A plain loop, as slow as the
    original; tutorial_train uses the same numbers in closed form (_tutorial_gradients_fast).
    """
    H, T = _check_tutorial_params(params)
    x = _check_windows(as_float_array("x", x, ndim=2, what="(T, 1)")[None], T, name="x")[0]
    truncate = check_int("truncate", truncate, minimum=1)
    U, W, V = params["U"], params["W"], params["V"]
    Y_hat, states, z_last = tutorial_forward(params, x[None])
    y = _check_targets(np.atleast_1d(y)[None], Y_hat.shape, name="y")[0]
    s = states[:, 0]                       # (T + 1, H), s[t] = s_t
    err = Y_hat[0] - y                     # (O,), dloss/dy_hat: the only error there is
    grads = {"U": np.zeros_like(U), "W": np.zeros_like(W), "V": np.zeros_like(V)}
    # MISTAKE 1d: running sums that are never reset; each step t adds all of them to dU and dW again
    running_U, running_W = np.zeros_like(U), np.zeros_like(W)
    # MISTAKE 1a: z (1 - z) with z = z_T, the pre-activation of the last step, at every step; the
    # sigmoid's derivative is s_t (1 - s_t). For z around 50 this is about -2500 instead of 0.
    wrong_derivative = z_last[0] * (1.0 - z_last[0])
    ds_output = V.T @ err                  # (H,), dloss/ds_T: correct, for step T only
    for t in range(1, T + 1):              # MISTAKE 1d: as if every step had its own output error
        dV_t = np.outer(err, s[t])         # only s_T reaches y_hat; this adds err s_t^T for all t
        dz = wrong_derivative * ds_output
        ds_back = W.T @ dz
        for _ in range(min(t - 1, truncate)):           # walk back from step t
            dz = wrong_derivative * (ds_output + ds_back)   # adds ds_output again at every step back
            ds_back = W.T @ dz             # dz and ds_back are computed, then used by nothing below
            # MISTAKE 1b: these are not derivatives: no dz, no error, just W s_{t-1} and U[:, t] x_t,
            # each a vector added into every column. MISTAKE 1c: step t at every pass, never the
            # step the walk has reached.
            running_W += (W @ s[t - 1])[:, None]
            running_U += (U[:, t - 1] * x[t - 1, 0])[:, None]
        grads["V"] += dV_t
        grads["U"] += running_U
        grads["W"] += running_W
    return grads


def _tutorial_gradients_fast(params, x, states, err, truncate):
    """The same numbers as tutorial_gradients, with its loops summed in closed form.

    Step t's terms enter the running sums min(t - 1, truncate) times, and each running sum is
    added to the result at steps t, t + 1, ..., T, so step t counts weight_t times in all.
    x: (T, 1), states: (T + 1, H), err: (O,). The tests check it against tutorial_gradients.
    """
    U, W = params["U"], params["W"]
    T = U.shape[1]
    t = np.arange(1, T + 1)
    weight = (T - t + 1) * np.minimum(t - 1, truncate)            # (T,)
    column_U = U @ (weight * x[:, 0])                             # sum_t weight_t U[:, t] x_t
    column_W = W @ (weight @ states[:-1])                         # sum_t weight_t W s_{t-1}
    return {"U": np.repeat(column_U[:, None], T, axis=1),
            "W": np.repeat(column_W[:, None], W.shape[0], axis=1),
            "V": np.outer(err, states[1:].sum(axis=0))}


@dataclass
class TutorialLog:
    """What tutorial_train printed, as numbers.

    train_loss, val_loss: (epochs,) the tutorial's losses (sums over records, MISTAKE 3), each
        computed at the START of its epoch, before that epoch's updates, as the tutorial does.
    seconds: wall-clock time of the whole training.
    """
    train_loss: np.ndarray
    val_loss: np.ndarray
    seconds: float


def tutorial_train(params, X, Y, X_val, Y_val, *, epochs=25, learning_rate=1e-4, truncate=5,
                   clip=10.0, progress=None, literal=False):
    """Train a copy of params the tutorial's way; params itself is not changed.

    Each epoch: compute the training and validation losses (tutorial_loss), report them, then for
    each record in order: the tutorial's gradients, every entry clipped to [-clip, clip], and the
    update p <- p - learning_rate * g. Defaults are the tutorial's settings.
    X (N, T, 1), Y (N, O); X_val, Y_val the same for validation.
    progress: None, or a function called with one line of text per epoch (for example print).
    literal: False uses the closed form of the tutorial's backward (same numbers, fast); True runs
        tutorial_gradients, a loop as slow as the original.
    Returns (trained_params, TutorialLog).
    """
    H, T = _check_tutorial_params(params)
    X = _check_windows(X, T)
    X_val = _check_windows(X_val, T, name="X_val")
    O = params["V"].shape[0]
    Y = _check_targets(Y, (X.shape[0], O), windows="X")
    Y_val = _check_targets(Y_val, (X_val.shape[0], O), name="Y_val", windows="X_val")
    epochs = check_int("epochs", epochs, minimum=1, maximum=100_000)
    learning_rate = check_positive_float("learning_rate", learning_rate)
    truncate = check_int("truncate", truncate, minimum=1)
    clip = check_positive_float("clip", clip)
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be None or a function such as print, got {type(progress).__name__}.")
    literal = check_flag("literal", literal)

    params = {name: params[name].copy() for name in ("U", "W", "V")}
    train_loss, val_loss = np.empty(epochs), np.empty(epochs)
    X_pos, buffer = position_inputs(X), _fast.StateBuffer(1, T, T, H)   # for the fast forward pass
    t0 = time.perf_counter()
    for epoch in range(epochs):
        train_loss[epoch] = tutorial_loss(params, X, Y)       # MISTAKE 3: sums, not means
        val_loss[epoch] = tutorial_loss(params, X_val, Y_val)
        for n in range(X.shape[0]):                           # one record at a time, in order
            if literal:
                grads = tutorial_gradients(params, X[n], Y[n], truncate)
            else:
                # tutorial_forward's numbers (up to rounding) from the package's fast forward pass
                states = _fast.run_states(params, X_pos[n:n + 1], "sigmoid", buffer=buffer).states()
                y_hat = states[-1, 0] @ params["V"].T
                grads = _tutorial_gradients_fast(params, X[n], states[:, 0], y_hat - Y[n], truncate)
            grads = clip_elementwise(grads, clip)
            for name in params:
                params[name] -= learning_rate * grads[name]
        if progress is not None:
            progress(f"epoch {epoch + 1:2d}/{epochs}: loss {train_loss[epoch]:.3g}, "
                     f"val loss {val_loss[epoch]:.3g}  (sums over records)")
    return params, TutorialLog(train_loss, val_loss, time.perf_counter() - t0)


def _check_tutorial_params(params):
    """The tutorial's params: U (H, T), W (H, H), V (O, H) and no biases. Returns (H, T)."""
    H, T, _, has_biases = check_params(params)
    if has_biases:
        raise ValueError("the tutorial's model has no biases: pass params without 'b' and 'c' "
                         "(tutorial_init builds them).")
    return H, T


def _check_windows(X, T=None, name="X"):
    X = check_magnitude(name, as_float_array(name, X, ndim=3, what="(N, T, 1)"))
    if X.shape[2] != 1:
        raise ValueError(f"{name} must hold one series, shape (N, T, 1); got {X.shape}. The "
                         "tutorial's method feeds one value per step.")
    if X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(f"{name} has shape {X.shape}: it needs at least one record and one step.")
    if T is not None and X.shape[1] != T:
        raise ValueError(f"{name} has windows of {X.shape[1]} steps, but the tutorial's U has one "
                         f"column per position, so params['U'] (shape (H, {T})) needs T = {T}.")
    return X


def _check_targets(Y, shape, name="Y", windows="the input"):
    """Y of the given shape; `windows` names the windows it belongs to (e.g. "X_val"), for messages."""
    Y = check_magnitude(name, as_float_array(name, Y, ndim=2, what="(N, output_dim)"))
    if Y.shape != tuple(shape):
        raise ValueError(f"{name} has shape {Y.shape}, but {tuple(shape)} is needed: one row of "
                         f"output_dim={shape[1]} targets for each of the {shape[0]} windows of "
                         f"{windows}.")
    return Y
