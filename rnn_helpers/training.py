"""Training by gradient descent, prediction, and the error measure, for any registered cell.

Letters used in shapes: N records, T time steps, D input size, H hidden size, O output size.

train() returns a Model: the trained weights (a dict of arrays, usable wherever a params dict is)
that also records the cell and the activation it was trained with, so that predict() and
forecast() compute exactly as training did. (The tutorial trained one way and predicted another:
notebook 7.)
"""

import math
import time
from dataclasses import dataclass, field

import numpy as np

from ._checks import as_float_array, check_int, check_magnitude, check_positive_float, check_truncate
from ._engines import make_engine
from .cells import cell_of, get_cell
from .clipping import clip_elementwise, clip_global_norm, norm_unchecked
from .losses import mse_unchecked, rms_and_mean_abs

__all__ = ["Model", "History", "TrainingDiverged", "DIVERGENCE_FACTOR", "train", "train_reference",
           "sgd_momentum_update", "predict", "rmse", "forecast"]

#: Training stops with TrainingDiverged when a loss is NaN or infinite, or larger than
#: DIVERGENCE_FACTOR * (1 + the loss before the first update): a loss grown that much means the
#: weights have been thrown far away, even if it is still a finite number.
DIVERGENCE_FACTOR = 1e8


class TrainingDiverged(RuntimeError):
    """Raised when training diverges (see DIVERGENCE_FACTOR).

    Attributes: epoch (1-based), record (the index of the first record of the batch, or N for the
    check after the epoch's last update), loss (the offending value, a float).
    """

    def __init__(self, message, epoch, record, loss):
        super().__init__(message)
        self.epoch, self.record, self.loss = epoch, record, loss


class Model(dict):
    """Trained weights that remember how they compute: a dict name -> array, plus .cell and .activation.

    cell: a registered cell's name ("rnn", "lstm", "gru", or one added with rnn_helpers.cells.register).
    activation: the RNN's hidden activation ("tanh" or "sigmoid"), None for cells without a choice
    of activation (the LSTM's and GRU's gate functions are fixed). predict() and forecast() read both.
    """

    def __init__(self, params, cell, activation=None):
        super().__init__(params)
        self.cell = cell
        self.activation = activation

    def __repr__(self):
        shapes = ", ".join(f"{k}: {v.shape}" for k, v in self.items())
        act = f", activation={self.activation!r}" if self.activation else ""
        return f"Model(cell={self.cell!r}{act}; {shapes})"

    def __reduce__(self):
        return (Model, (dict(self), self.cell, self.activation))


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
    settings: the keyword arguments train() ran with, after checking.
    """
    train_loss: np.ndarray
    val_loss: np.ndarray | None
    grad_norm: np.ndarray
    seconds: float
    clipped: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    settings: dict = field(default_factory=dict)


def train(params, X, Y, X_val=None, Y_val=None, *, epochs=25, learning_rate=1e-2, batch_size=1,
          truncate=None, activation=None, clip_value=None, clip_norm=None, momentum=0.0,
          shuffle=False, seed=0, dtype="float64", on_epoch=None):
    """Train a copy of params by (stochastic) gradient descent; params itself is not changed.

    params: from rnn_helpers.cells.init_params, or the init_params of rnn_helpers.rnn, .lstm or
        .gru (the cell is read off its keys).
    X (N, T, D), Y (N, O): training windows and targets. X_val, Y_val: optional validation set
        (an empty one counts as none).
    batch_size: 1 updates after every record (the tutorial's way); N, or None, is full batch.
    truncate: None for full BPTT, or k for the last k steps (see loss_and_grads).
    activation: the vanilla RNN's, "sigmoid" (the default, as in the tutorial) or "tanh"; must be
        None for a cell without activations (the LSTM, the GRU).
    clip_value: clip every gradient entry to [-clip_value, clip_value] (the tutorial used 10).
    clip_norm: rescale the gradients so their global norm is at most clip_norm (applied after
        clip_value when both are given).
    momentum: 0 for plain gradient descent; mu in [0, 1) for classical momentum (sgd_momentum_update).
    shuffle: visit the records in a new random order each epoch, drawn from `seed`.
    dtype: "float64" (the default, what every check in the course uses) or "float32", about
        half the time (the live explorer's choice); the returned weights are float64 either way.
    on_epoch: None, or a function called after each epoch as on_epoch(epoch, weights, history):
        epoch the number of epochs done (1-based), weights() returns the current weights as a Model
        (a copy), history a History of the epochs done so far. It may raise to stop training (the
        exception propagates); it changes nothing, and its time is not in history.seconds.
        The live explorer draws its picture while training runs with it.

    Returns (model, history): model a Model (the trained weights with their cell and activation).
    Raises TrainingDiverged (see DIVERGENCE_FACTOR), ValueError/TypeError naming a bad argument.

    This is train_reference's algorithm arranged for speed (one flat parameter vector, reused
    buffers: rnn_helpers._engines, fast for the built-in cells, readable for any other); the tests
    check that both give the same weights.
    """
    cell, activation = _check_cell(params, activation)
    X, Y = _check_data(params, cell, X, Y, "X", "Y")
    N = X.shape[0]
    if (X_val is None) != (Y_val is None):
        raise ValueError("pass both X_val and Y_val, or neither.")
    if X_val is not None:
        X_val, Y_val = _check_data(params, cell, X_val, Y_val, "X_val", "Y_val", allow_empty=True)
        if X_val.shape[0] == 0:
            X_val = Y_val = None
    s = _check_settings(N, epochs, learning_rate, batch_size, truncate, clip_value, clip_norm,
                        momentum, seed)
    shuffle = _check_flag("shuffle", shuffle)
    dtype = _check_dtype(dtype)
    if on_epoch is not None and not callable(on_epoch):
        raise TypeError(f"on_epoch must be None or a function, got {on_epoch!r}.")
    model = get_cell(cell)
    engine = make_engine(params, model, model.options(activation), dtype)
    X, Y = X.astype(dtype, copy=False), Y.astype(dtype, copy=False)
    if X_val is not None:
        X_val, Y_val = X_val.astype(dtype, copy=False), Y_val.astype(dtype, copy=False)
    velocity = np.zeros_like(engine.theta) if s["momentum"] else None
    rng = np.random.default_rng(s["seed"])
    starts = range(0, N, s["batch_size"])
    train_loss, grad_norm = np.empty(s["epochs"]), np.empty(s["epochs"])
    val_loss = np.empty(s["epochs"]) if X_val is not None else None
    clipped = np.zeros(s["epochs"], dtype=int)
    limit = None                                    # DIVERGENCE_FACTOR * (1 + the first loss)
    weights = lambda: Model(engine.export(), cell, activation)  # noqa: E731
    paused = 0.0                                    # seconds spent in on_epoch

    t0 = time.perf_counter()
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(s["epochs"]):
            order = rng.permutation(N) if shuffle else None
            loss_sum = norm_sum = 0.0
            for start in starts:
                idx = slice(start, start + s["batch_size"]) if order is None else \
                    order[start:start + s["batch_size"]]
                Xb, Yb = X[idx], Y[idx]
                loss = engine.loss_and_grad(Xb, Yb, s["truncate"])
                if limit is None:
                    if not math.isfinite(loss):
                        raise TrainingDiverged(
                            f"the loss is {loss} before any update: the data or the initial "
                            "parameters are out of range (check X, Y and params; the learning rate "
                            "has not been used yet).", 1, start, loss)
                    limit = DIVERGENCE_FACTOR * (1.0 + loss)
                _check_diverged(loss, limit, epoch, start, s)
                g = engine.grad
                norm = norm_unchecked(g)
                _check_diverged(norm, math.inf, epoch, start, s, "gradient's norm")
                loss_sum += loss * Yb.shape[0]
                norm_sum += norm
                clipped[epoch] += _clip_in_place(g, s["clip_value"], s["clip_norm"])
                _sgd_momentum_update(engine.theta, g, velocity, s["learning_rate"], s["momentum"])
            train_loss[epoch] = loss_sum / N
            grad_norm[epoch] = norm_sum / len(starts)
            if val_loss is not None:
                val_loss[epoch] = mse_unchecked(engine.predict(X_val), Y_val)
                _check_diverged(val_loss[epoch], limit, epoch, N, s, "validation loss")
            if on_epoch is not None:
                t1 = time.perf_counter()
                done = slice(0, epoch + 1)
                on_epoch(epoch + 1, weights, History(
                    train_loss[done].copy(), None if val_loss is None else val_loss[done].copy(),
                    grad_norm[done].copy(), t1 - t0 - paused, clipped=clipped[done].copy()))
                paused += time.perf_counter() - t1
        if val_loss is None:
            # the weights after the last update: their loss was never looked at inside the loop
            # (with a validation set, its loss after the last epoch was that check)
            _check_diverged(mse_unchecked(engine.predict(X), Y), limit, s["epochs"] - 1, N, s)
    seconds = time.perf_counter() - t0 - paused
    model = weights()
    settings = dict(s, activation=activation, shuffle=shuffle, cell=cell, dtype=dtype.name)
    return model, History(train_loss, val_loss, grad_norm, seconds, clipped=clipped,
                          settings=settings)


def sgd_momentum_update(theta, grad, velocity, learning_rate, momentum):
    """One step of gradient descent with classical momentum, in place.

    velocity <- momentum * velocity - learning_rate * grad;  theta <- theta + velocity.
    With momentum 0 (velocity may then be None) this is plain gradient descent,
    theta <- theta - learning_rate * grad.
    theta, grad, velocity: float arrays of one shape (any); theta and velocity are changed in
    place, grad is not. Returns None. Raises TypeError/ValueError naming a bad argument.
    """
    learning_rate = check_positive_float("learning_rate", learning_rate)
    momentum = check_positive_float("momentum", momentum, allow_zero=True)
    if momentum >= 1:
        raise ValueError(f"momentum must be below 1 (0.9 is typical), got {momentum}.")
    arrays = {"theta": theta, "grad": grad}
    if momentum or velocity is not None:
        arrays["velocity"] = velocity
    for name, value in arrays.items():
        if not isinstance(value, np.ndarray) or value.dtype.kind != "f":
            raise TypeError(f"{name} must be a float numpy array (it is updated in place), got "
                            f"{type(value).__name__} {getattr(value, 'dtype', '')}.")
        as_float_array(name, value)
        if value.shape != theta.shape:
            raise ValueError(f"{name} has shape {value.shape} but theta has shape {theta.shape}; "
                             "they must match.")
    _sgd_momentum_update(theta, grad, velocity, learning_rate, momentum)


def _sgd_momentum_update(theta, grad, velocity, learning_rate, momentum):
    """sgd_momentum_update without argument checks, for train's loop."""
    step = learning_rate * grad
    if not momentum:
        theta -= step
        return
    velocity *= momentum
    velocity -= step
    theta += velocity


def train_reference(params, X, Y, *, epochs=25, learning_rate=1e-2, batch_size=1, truncate=None,
                    activation=None, clip_value=None, clip_norm=None, momentum=0.0):
    """The training loop at its plainest: what train() computes, without its speed-ups.

    Same arguments and meaning as train (no validation set, no shuffling); returns the trained
    Model. Gradients come from the cell's loss_and_grads_loop, one record and one step at a time,
    so every line here can be read against the maths. Slow: use it to read, test and compare.
    """
    cell, activation = _check_cell(params, activation)
    X, Y = _check_data(params, cell, X, Y, "X", "Y")
    s = _check_settings(X.shape[0], epochs, learning_rate, batch_size, truncate, clip_value,
                        clip_norm, momentum, 0)
    model = get_cell(cell)
    params = {name: value.copy() for name, value in params.items()}
    velocity = {name: np.zeros_like(value) for name, value in params.items()}
    limit = None
    for epoch in range(s["epochs"]):
        for start in range(0, X.shape[0], s["batch_size"]):
            Xb, Yb = X[start:start + s["batch_size"]], Y[start:start + s["batch_size"]]
            loss, grads = model.loss_and_grads_loop(params, Xb, Yb, s["truncate"], activation)
            limit = DIVERGENCE_FACTOR * (1.0 + loss) if limit is None else limit
            _check_diverged(loss, limit, epoch, start, s)
            if s["clip_value"] is not None:
                grads = clip_elementwise(grads, s["clip_value"])
            if s["clip_norm"] is not None:
                grads, _ = clip_global_norm(grads, s["clip_norm"])
            for name in params:
                velocity[name] = s["momentum"] * velocity[name] - s["learning_rate"] * grads[name]
                params[name] = params[name] + velocity[name]
    return Model(params, cell, activation)


def predict(model, X, activation=None):
    """Predictions Y_hat (N, O) for the windows X (N, T, D).

    model: what train returns (it knows its cell and activation), or a plain params dict, which
    then needs activation ("tanh" or "sigmoid") for the vanilla RNN: predicting with another
    activation than the one trained with gives wrong numbers without any error.
    """
    cell, activation = _how_it_computes(model, activation)
    _check_model(model, cell)
    X = _check_data(model, cell, X, None, "X", None)
    return _forward(model, cell, activation, X)


def forecast(model, window, n_steps, activation=None):
    """Predict n_steps values ahead by feeding each prediction back in as the newest input.

    model: as for predict.  window: (T, D), the last T observed values. Needs output_dim ==
    input_dim (the model predicts the next input). Each step slides the window by one, so the model
    always sees windows like the ones it was trained on. Returns (n_steps, D).
    """
    cell, activation = _how_it_computes(model, activation)
    _check_model(model, cell)
    _, D, _ = get_cell(cell).check_params(model, "model")
    O = model["V"].shape[0]
    if O != D:
        raise ValueError(f"forecast feeds predictions back as inputs, so output_dim ({O}) must equal "
                         f"input_dim ({D}).")
    window = check_magnitude("window", as_float_array("window", window, ndim=2, what="(T, input_dim)"))
    if window.shape[1] != D or window.shape[0] < 1:
        raise ValueError(f"window must have shape (T, {D}) with T >= 1, got {window.shape}.")
    n_steps = check_int("n_steps", n_steps, minimum=1, maximum=1_000_000)
    buf = np.concatenate([window, np.empty((n_steps, D))])
    T = window.shape[0]
    for i in range(n_steps):
        buf[T + i] = _forward(model, cell, activation, buf[None, i:i + T])[0]
    return buf[T:]


def rmse(Y_hat, Y):
    """Root mean squared error over all entries of Y_hat and Y (same shape). Returns a float.

    Values near the largest float are scaled before squaring; raises ValueError if the error itself
    is beyond it.
    """
    Y_hat = as_float_array("Y_hat", Y_hat)
    Y = as_float_array("Y", Y)
    if Y_hat.shape != Y.shape:
        raise ValueError(f"Y_hat has shape {Y_hat.shape} but Y has shape {Y.shape}; they must match.")
    if Y.size == 0:
        raise ValueError("Y is empty: there is nothing to measure the error on.")
    error = float(rms_and_mean_abs(Y_hat, Y)[0])      # scaled first when squares would overflow
    if not math.isfinite(error):
        raise ValueError("Y_hat and Y differ by more than the largest float (1.8e308): the error "
                         "cannot be represented; check the predictions and the targets.")
    return error


# ---------------------------------------------------------------------------------------------
# Checks shared by train and train_reference
# ---------------------------------------------------------------------------------------------

def _check_cell(params, activation):
    """(cell name, activation): the cell read off params' keys; the activation checked against it
    (None gives the cell's default, or stays None for a cell without activations)."""
    cell = cell_of(params)
    return cell, get_cell(cell).options(activation).get("activation")


def _check_data(params, cell, X, Y, x_name, y_name, allow_empty=False):
    """X (N, T, D) and Y (N, O) checked against params, with errors naming x_name and y_name."""
    X = as_float_array(x_name, X, ndim=3, what="(N, T, input_dim)")
    if Y is not None:
        Y = as_float_array(y_name, Y, ndim=2, what="(N, output_dim)")
    if allow_empty and X.shape[0] == 0 and (Y is None or Y.shape[0] == 0):
        return X, Y
    return get_cell(cell).check_inputs(params, X, Y, x_name=x_name, y_name=y_name)


def _check_settings(N, epochs, learning_rate, batch_size, truncate, clip_value, clip_norm,
                    momentum, seed):
    momentum = check_positive_float("momentum", momentum, allow_zero=True)
    if momentum >= 1:
        raise ValueError(f"momentum must be below 1 (0.9 is typical), got {momentum}.")
    batch_size = N if batch_size is None else check_int("batch_size", batch_size, minimum=1)
    return dict(
        epochs=check_int("epochs", epochs, minimum=1, maximum=100_000),
        learning_rate=check_positive_float("learning_rate", learning_rate),
        batch_size=min(batch_size, N),
        truncate=check_truncate(truncate),
        clip_value=check_positive_float("clip_value", clip_value, allow_none=True),
        clip_norm=check_positive_float("clip_norm", clip_norm, allow_none=True),
        momentum=momentum,
        seed=check_int("seed", seed, minimum=0))


def _check_dtype(dtype):
    """np.dtype float64 or float32."""
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"dtype must be 'float64' or 'float32', got {dtype!r}.") from None
    if dt not in (np.float64, np.float32):
        raise ValueError(f"dtype must be 'float64' or 'float32', got {dtype!r}.")
    return dt


def _check_flag(name, value):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r} ({type(value).__name__}).")
    return bool(value)


def _check_diverged(loss, limit, epoch, record, s, which="loss"):
    if math.isfinite(loss) and loss <= limit:
        return
    hint = "" if s["clip_value"] or s["clip_norm"] else \
        ", or clip the gradients (for example clip_norm=1.0)"
    what = "became" if not math.isfinite(loss) else \
        f"grew past {DIVERGENCE_FACTOR:.0e} times its starting size, to"
    raise TrainingDiverged(
        f"training diverged in epoch {epoch + 1} (at record {record}): the {which} {what} "
        f"{loss:.3g}. Try a smaller learning_rate (it was {s['learning_rate']:g}){hint}.",
        epoch + 1, record, float(loss))


def _clip_in_place(g, clip_value, clip_norm):
    """Clip the flat gradient g as clip_elementwise, then clip_global_norm, do; return 1 if either
    changed it, else 0."""
    changed = False
    if clip_value is not None and np.abs(g).max() > clip_value:   # else clipping changes nothing
        g[...] = clip_elementwise({"all": g}, clip_value)["all"]
        changed = True
    if clip_norm is not None:
        clipped, norm = clip_global_norm({"all": g}, clip_norm)
        changed = changed or norm > clip_norm
        g[...] = clipped["all"]
    return int(changed)


def _check_model(model, cell):
    """model's arrays checked as params are, with messages that say model."""
    get_cell(cell).check_params(model, "model")


def _how_it_computes(model, activation):
    """(cell, activation) for predict and forecast: from a Model, or the argument for a plain dict."""
    if isinstance(model, Model):
        if activation is not None and activation != model.activation:
            raise ValueError(f"activation: this model was trained with {model.activation!r}; "
                             f"predicting with {activation!r} would give wrong numbers. Leave "
                             "activation out.")
        return model.cell, model.activation
    cell = cell_of(model, "model")
    choices = get_cell(cell).activations
    if choices and activation is None:
        raise ValueError("activation: a plain params dict does not say which activation it was "
                         f"trained with; pass activation={' or '.join(map(repr, choices))} (the one "
                         "used in training), or pass the Model that rh.train returned.")
    return _check_cell(model, activation)


def _forward(params, cell, activation, X):
    return get_cell(cell).predict(params, X, activation)
