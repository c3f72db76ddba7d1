"""Training by gradient descent, prediction, and the error measure.

Letters used in shapes: N records, T time steps, D input size, H hidden size, O output size.
"""

import math
import time
from dataclasses import dataclass, field

import numpy as np

from ._checks import (as_float_array, check_activation, check_inputs, check_int, check_params,
                      check_positive_float, check_truncate)
from .bptt import backward, mse_loss
from .clipping import global_norm
from .forward import StateBuffer, forward, forward_unchecked


class TrainingDiverged(RuntimeError):
    """Raised when the loss becomes NaN or infinite during training."""


@dataclass
class History:
    """What train() measured.

    train_loss: (epochs,) for each epoch, the mean of the losses of its batches, each computed just
        before that batch's update (the usual running figure; for full batch it is the loss at the
        start of the epoch).
    val_loss: (epochs,) the validation loss after each epoch, or None without validation data.
    grad_norm: (epochs,) the mean global gradient norm over the epoch's batches, before clipping.
    seconds: wall-clock time of the whole training.
    """
    train_loss: np.ndarray
    val_loss: np.ndarray | None
    grad_norm: np.ndarray
    seconds: float
    settings: dict = field(default_factory=dict)


def train(params, X, Y, X_val=None, Y_val=None, *, epochs=25, learning_rate=1e-2, batch_size=1,
          truncate=None, activation="sigmoid", clip_value=None, clip_norm=None, momentum=0.0,
          shuffle=False, seed=0):
    """Train a copy of params by (stochastic) gradient descent; params itself is not changed.

    X (N, T, D), Y (N, O): training windows and targets. X_val, Y_val: optional validation set.
    batch_size: 1 updates after every record (the tutorial's way); N, or None, is full batch.
    truncate: None for full BPTT, or k for the last k steps (see loss_and_grads).
    clip_value: clip every gradient entry to [-clip_value, clip_value] (the tutorial used 10).
    clip_norm: rescale the gradients so their global norm is at most clip_norm.
    momentum: 0 for plain gradient descent; mu in [0, 1) for classical momentum
        (v <- mu v - lr g, p <- p + v).
    shuffle: visit the records in a new random order each epoch, drawn from `seed`.

    Returns (trained_params, history). Raises TrainingDiverged if the loss becomes NaN or infinite.
    """
    check_activation(activation)
    X, Y = check_inputs(params, X, Y)
    N = X.shape[0]
    if (X_val is None) != (Y_val is None):
        raise ValueError("pass both X_val and Y_val, or neither.")
    if X_val is not None:
        X_val, Y_val = check_inputs(params, X_val, Y_val)
        if X_val.shape[0] == 0:
            X_val = Y_val = None
    epochs = check_int("epochs", epochs, minimum=1)
    learning_rate = check_positive_float("learning_rate", learning_rate)
    batch_size = N if batch_size is None else check_int("batch_size", batch_size, minimum=1)
    batch_size = min(batch_size, N)
    truncate = check_truncate(truncate)
    clip_value = check_positive_float("clip_value", clip_value, allow_none=True)
    clip_norm = check_positive_float("clip_norm", clip_norm, allow_none=True)
    momentum = check_positive_float("momentum", momentum, allow_zero=True)
    if momentum >= 1:
        raise ValueError(f"momentum must be below 1 (0.9 is typical), got {momentum}.")
    seed = check_int("seed", seed, minimum=0)

    params = {name: value.copy() for name, value in params.items()}
    velocity = {name: np.zeros_like(value) for name, value in params.items()} if momentum else None
    rng = np.random.default_rng(seed)
    starts = range(0, N, batch_size)
    train_loss = np.empty(epochs)
    val_loss = np.empty(epochs) if X_val is not None else None
    grad_norm = np.empty(epochs)
    T, H = X.shape[1], params["W"].shape[0]
    k = T if truncate is None else min(truncate, T)
    buffers = {}  # one reused StateBuffer per array shape

    def buffer(Xb):
        if Xb.shape not in buffers:
            buffers[Xb.shape] = StateBuffer(*Xb.shape, H)
        return buffers[Xb.shape]

    t0 = time.perf_counter()
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(epochs):
            order = rng.permutation(N) if shuffle else None
            loss_sum = norm_sum = 0.0
            for start in starts:
                if order is None:
                    Xb, Yb = X[start:start + batch_size], Y[start:start + batch_size]
                else:
                    idx = order[start:start + batch_size]
                    Xb, Yb = X[idx], Y[idx]
                Y_hat, cache = forward_unchecked(params, Xb, activation, buffer=buffer(Xb),
                                                 convert_from=T - k)
                loss = mse_loss(Y_hat, Yb)
                if not math.isfinite(loss):
                    _diverged(epoch, start, loss, learning_rate, clip_value, clip_norm)
                grads = backward((Y_hat - Yb) / Yb.shape[0], cache, truncate)
                norm = global_norm(grads)
                loss_sum += loss * Yb.shape[0]
                norm_sum += norm
                _clip_in_place(grads, norm, clip_value, clip_norm)
                _update(params, grads, learning_rate, momentum, velocity)
            train_loss[epoch] = loss_sum / N
            grad_norm[epoch] = norm_sum / len(starts)
            if val_loss is not None:
                Y_val_hat = forward_unchecked(params, X_val, activation, buffer=buffer(X_val),
                                              convert_from=X_val.shape[1])[0]
                val_loss[epoch] = mse_loss(Y_val_hat, Y_val)
                if not math.isfinite(val_loss[epoch]):
                    _diverged(epoch, N, val_loss[epoch], learning_rate, clip_value, clip_norm)
    seconds = time.perf_counter() - t0
    settings = dict(epochs=epochs, learning_rate=learning_rate, batch_size=batch_size,
                    truncate=truncate, activation=activation, clip_value=clip_value,
                    clip_norm=clip_norm, momentum=momentum, shuffle=shuffle, seed=seed)
    return params, History(train_loss, val_loss, grad_norm, seconds, settings)


def _clip_in_place(grads, norm, clip_value, clip_norm):
    # The grads are fresh arrays from backward(), so clipping them in place is safe here.
    if clip_value is not None:
        for g in grads.values():
            np.clip(g, -clip_value, clip_value, out=g)
    if clip_norm is not None and norm > clip_norm:
        factor = clip_norm / norm
        for g in grads.values():
            g *= factor


def _update(params, grads, learning_rate, momentum, velocity):
    for name, p in params.items():
        if velocity is None:
            p -= learning_rate * grads[name]
        else:
            v = velocity[name]
            v *= momentum
            v -= learning_rate * grads[name]
            p += v


def _diverged(epoch, record, loss, learning_rate, clip_value, clip_norm):
    hint = "" if clip_value or clip_norm else ", or clip the gradients (for example clip_norm=1.0)"
    raise TrainingDiverged(
        f"training diverged in epoch {epoch + 1} (at record {record}): the loss became {loss}. "
        f"Try a smaller learning_rate (it was {learning_rate:g}){hint}."
    )


def predict(params, X, activation="sigmoid"):
    """Predictions Y_hat (N, O) for the windows X (N, T, D)."""
    return forward(params, X, activation)[0]


def rmse(Y_hat, Y):
    """Root mean squared error over all entries of Y_hat and Y (same shape). Returns a float."""
    Y_hat = as_float_array("Y_hat", Y_hat)
    Y = as_float_array("Y", Y)
    if Y_hat.shape != Y.shape:
        raise ValueError(f"Y_hat has shape {Y_hat.shape} but Y has shape {Y.shape}; they must match.")
    if Y.size == 0:
        raise ValueError("Y is empty: there is nothing to measure the error on.")
    return float(np.sqrt(np.mean((Y_hat - Y) ** 2)))


def forecast(params, window, n_steps, activation="sigmoid"):
    """Predict n_steps values ahead by feeding each prediction back in as the newest input.

    window: (T, D), the last T observed values. Needs output_dim == input_dim (the model predicts
    the next input). Each step slides the window by one, so the model always sees windows like the
    ones it was trained on. Returns (n_steps, D).
    """
    _, D, O, _ = check_params(params)
    if O != D:
        raise ValueError(f"forecast feeds predictions back as inputs, so output_dim ({O}) must equal "
                         f"input_dim ({D}).")
    window = as_float_array("window", window, ndim=2, what="(T, input_dim)")
    if window.shape[1] != D or window.shape[0] < 1:
        raise ValueError(f"window must have shape (T, {D}) with T >= 1, got {window.shape}.")
    n_steps = check_int("n_steps", n_steps, minimum=1)
    check_activation(activation)
    buf = np.concatenate([window, np.empty((n_steps, D))])
    T = window.shape[0]
    for i in range(n_steps):
        y = forward_unchecked(params, buf[None, i:i + T], activation)[0]
        buf[T + i] = y[0]
    return buf[T:]
