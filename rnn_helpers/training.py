"""Training by gradient descent, prediction, and the error measure.

Letters used in shapes: N records, T time steps, D input size, H hidden size, O output size.
"""

import math
import time
from dataclasses import dataclass, field

import numpy as np

from ._checks import (as_float_array, check_activation, check_inputs, check_int, check_params,
                      check_positive_float, check_truncate)
from .bptt import backward_into, loss_and_grads_loop, mse_unchecked
from .clipping import clip_elementwise, clip_global_norm
from .forward import StateBuffer, forward, forward_unchecked, recurrence_matrix


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
    clipped: (epochs,) how many of the epoch's updates clipping changed (an entry beyond
        clip_value, or a norm above clip_norm); all zero without clipping.
    """
    train_loss: np.ndarray
    val_loss: np.ndarray | None
    grad_norm: np.ndarray
    seconds: float
    clipped: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    settings: dict = field(default_factory=dict)


class FlatParams:
    """All parameters in one flat float64 vector theta, with named views into it.

    Layout: M = [W U b] (H, H + D + 1), then V (O, H), then c (O,). With one vector, clipping,
    the global norm and the update are each one numpy call instead of one per parameter, which
    matters when training one record at a time. `params` is a dict of views into theta (W, U, b,
    V, c as in init_params), so an update to theta is seen through it. A model without biases keeps
    b and c at zero (zero_unused clears their gradients).
    """

    def __init__(self, params, activation):
        H, D, O, self.biases = check_params(params)
        self.activation = activation
        self.theta = np.zeros(H * (H + D + 1) + O * H + O)
        self.M = self.theta[:H * (H + D + 1)].reshape(H, H + D + 1)
        self.V = self.theta[H * (H + D + 1):-O].reshape(O, H)
        self.c = self.theta[-O:]
        self.params = {"U": self.M[:, H:H + D], "W": self.M[:, :H], "V": self.V}
        if self.biases:
            self.params["b"] = self.M[:, -1]
            self.params["c"] = self.c
        for name, value in params.items():
            self.params[name][...] = value
        self._rec = None if activation == "tanh" else np.empty_like(self.M)

    @classmethod
    def like(cls, other):
        """A FlatParams of the same shapes, all zeros (for gradients)."""
        H, D = other.params["U"].shape
        O = other.V.shape[0]
        zeros = {"U": np.zeros((H, D)), "W": np.zeros((H, H)), "V": np.zeros((O, H))}
        if other.biases:
            zeros.update(b=np.zeros(H), c=np.zeros(O))
        return cls(zeros, other.activation)

    def recurrence(self):
        """recurrence_matrix for the current values: M itself for tanh, no copy."""
        if self._rec is None:
            return self.M
        return recurrence_matrix(self.params, self.activation, out=self._rec)

    def zero_unused(self):
        if not self.biases:
            self.M[:, -1] = 0.0
            self.c[:] = 0.0


def train(params, X, Y, X_val=None, Y_val=None, *, epochs=25, learning_rate=1e-2, batch_size=1,
          truncate=None, activation="sigmoid", clip_value=None, clip_norm=None, momentum=0.0,
          shuffle=False, seed=0):
    """Train a copy of params by (stochastic) gradient descent; params itself is not changed.

    X (N, T, D), Y (N, O): training windows and targets. X_val, Y_val: optional validation set.
    batch_size: 1 updates after every record (the tutorial's way); N, or None, is full batch.
    truncate: None for full BPTT, or k for the last k steps (see loss_and_grads).
    clip_value: clip every gradient entry to [-clip_value, clip_value] (the tutorial used 10).
    clip_norm: rescale the gradients so their global norm is at most clip_norm (applied after
        clip_value when both are given).
    momentum: 0 for plain gradient descent; mu in [0, 1) for classical momentum
        (v <- mu v - lr g, p <- p + v).
    shuffle: visit the records in a new random order each epoch, drawn from `seed`.

    Returns (trained_params, history). Raises TrainingDiverged if the loss becomes NaN or infinite.

    This is train_reference's algorithm arranged for speed (one flat parameter vector, reused
    buffers); the tests check that both give the same weights.
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

    flat = FlatParams(params, activation)
    grad = FlatParams.like(flat)
    velocity = np.zeros_like(flat.theta) if momentum else None
    rng = np.random.default_rng(seed)
    starts = range(0, N, batch_size)
    train_loss = np.empty(epochs)
    val_loss = np.empty(epochs) if X_val is not None else None
    grad_norm = np.empty(epochs)
    clipped = np.zeros(epochs, dtype=int)
    T, H = X.shape[1], flat.params["W"].shape[0]
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
                n = Yb.shape[0]
                Y_hat, cache = forward_unchecked(flat.params, Xb, activation, buffer=buffer(Xb),
                                                 convert_from=T - k, M=flat.recurrence())
                diff = Y_hat - Yb
                loss = 0.5 * float(np.vdot(diff, diff)) / n
                if not math.isfinite(loss):
                    _diverged(epoch, start, loss, learning_rate, clip_value, clip_norm)
                diff *= 1.0 / n                                  # dloss/dY_hat
                backward_into(diff, cache, truncate, grad.M, grad.V, grad.c)
                grad.zero_unused()
                norm = math.sqrt(float(np.vdot(grad.theta, grad.theta)))
                loss_sum += loss * n
                norm_sum += norm
                g = grad.theta                                   # every gradient entry, flat
                if clip_value is not None:
                    was_clipped = g.max() > clip_value or g.min() < -clip_value
                    np.clip(g, -clip_value, clip_value, out=g)
                    clipped[epoch] += was_clipped
                if clip_norm is not None:
                    # the norm of what is left after any elementwise clip
                    clipped_norm = norm if clip_value is None else math.sqrt(float(np.vdot(g, g)))
                    if clipped_norm > clip_norm:
                        g *= clip_norm / clipped_norm
                        clipped[epoch] += clip_value is None or not was_clipped
                if velocity is None:
                    g *= learning_rate
                    flat.theta -= g
                else:
                    velocity *= momentum
                    g *= learning_rate
                    velocity -= g
                    flat.theta += velocity
            train_loss[epoch] = loss_sum / N
            grad_norm[epoch] = norm_sum / len(starts)
            if val_loss is not None:
                Y_val_hat = forward_unchecked(flat.params, X_val, activation, buffer=buffer(X_val),
                                              convert_from=X_val.shape[1], M=flat.recurrence())[0]
                val_loss[epoch] = mse_unchecked(Y_val_hat, Y_val)
                if not math.isfinite(val_loss[epoch]):
                    _diverged(epoch, N, val_loss[epoch], learning_rate, clip_value, clip_norm)
    params = {name: value.copy() for name, value in flat.params.items()}
    seconds = time.perf_counter() - t0
    settings = dict(epochs=epochs, learning_rate=learning_rate, batch_size=batch_size,
                    truncate=truncate, activation=activation, clip_value=clip_value,
                    clip_norm=clip_norm, momentum=momentum, shuffle=shuffle, seed=seed)
    return params, History(train_loss, val_loss, grad_norm, seconds, clipped=clipped, settings=settings)


def train_reference(params, X, Y, *, epochs=25, learning_rate=1e-2, batch_size=1, truncate=None,
                    activation="sigmoid", clip_value=None, clip_norm=None, momentum=0.0):
    """The training loop at its plainest: what train() computes, without its speed-ups.

    Same arguments and meaning as train (no validation set, no shuffling); returns the trained
    params. Gradients come from loss_and_grads_loop, one record and one step at a time, so every
    line here can be read against the maths. Slow: use it to read, test and compare, not to train.
    """
    check_activation(activation)
    X, Y = check_inputs(params, X, Y)
    epochs = check_int("epochs", epochs, minimum=1)
    size = X.shape[0] if batch_size is None else check_int("batch_size", batch_size, minimum=1)
    params = {name: value.copy() for name, value in params.items()}
    velocity = {name: np.zeros_like(value) for name, value in params.items()}
    for epoch in range(epochs):
        for start in range(0, X.shape[0], size):
            Xb, Yb = X[start:start + size], Y[start:start + size]
            loss, grads = loss_and_grads_loop(params, Xb, Yb, truncate, activation)
            if not math.isfinite(loss):
                _diverged(epoch, start, loss, learning_rate, clip_value, clip_norm)
            if clip_value is not None:
                grads = clip_elementwise(grads, clip_value)
            if clip_norm is not None:
                grads, _ = clip_global_norm(grads, clip_norm)
            for name in params:
                velocity[name] = momentum * velocity[name] - learning_rate * grads[name]
                params[name] = params[name] + velocity[name]
    return params


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
