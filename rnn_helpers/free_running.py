"""Teacher forcing against free running: training a forecaster on its own fed-back predictions.

Letters used in shapes: N records, T steps read, D values per step (the model predicts its next
input, so output_dim = input_dim = D), H hidden size.

A one-step-ahead model reads a series x_1, x_2, ... and at every step predicts the next value. Any
registered cell (rnn_helpers.cells) with the regression head on every step's h_t:

    state_t, cache_t = step_forward(u_t, state_{t-1})       state_0 = zeros
    y_hat_t = h_t V^T + c                       (N, D)       the prediction of x_{t+1}

The input u_t is where the two ways of training differ. A window holds T + 1 values x_1 .. x_{T+1}
(series (N, T + 1, D)); with feed_back = k (0 <= k < T), the first T - k inputs are observed and the
last k are the model's own predictions:

    u_t = x_t                 t = 1 .. T - k               (teacher forcing: k = 0, every input observed)
    u_t = y_hat_{t-1}         t = T - k + 1 .. T           (free running for the last k steps)
    loss = mean over the N records and T steps of 1/2 ||y_hat_t - x_{t+1}||^2

The prediction y_hat_t is then 1 + max(0, t - (T - k)) steps ahead of the last observed value. The
exact gradient follows the fed-back predictions: y_hat_t reaches the loss directly and, for
t >= T - k, through the next input u_{t+1}. Walking back from t = T to 1:

    dy_t = (y_hat_t - x_{t+1}) / (N T) + du_{t+1}    (du_{t+1} only where u_{t+1} = y_hat_t)  (N, D)
    dV += dy_t^T h_t,   dc += sum_n dy_t,   the head sends dy_t V to h_t                      (N, H)
    du_t, dstate_{t-1}, dparams_t = step_backward(dstate_t, cache_t)     (the cell's own step)

step_backward returns du_t (the protocol's dx_t), which is what makes any cell work here.

    loss_and_grads(params, series, feed_back)        the loss and its exact gradient, all records at once
    loss_and_grads_loop(...)                         the same, one record and one step at a time
    free_running_loss(params, series, feed_back)     the loss alone (for finite differences)
    forecast(params, warmup, horizon)                read warmup (N, m, D), then feed predictions back
    horizon_rmse(params, series, warmup_steps)       the error of forecast at each horizon (truth=...)
    train(params, series, feed_back=..., ...)        Adam on loss_and_grads, full batch or batches
"""

import math

import numpy as np

from ._checks import check_int, check_positive_float, check_windows
from ._optim import Adam, clip_factor
from .cells import cell_of, get_cell
from .training import Model, TrainingDiverged

__all__ = ["loss_and_grads", "loss_and_grads_loop", "free_running_loss", "forecast", "horizon_rmse",
           "train"]

#: The most passes train accepts: a larger number is a mix-up of sizes, refused before any work.
MAX_EPOCHS = 100_000


# ---------------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------------

def _model_of(params, activation, name="params"):
    """(model, options, H, D) for a params dict whose output_dim equals its input_dim. A Model (from
    train) brings its activation: activation=None then means the one it was trained with."""
    cell = cell_of(params, name)
    if isinstance(params, Model) and params.activation is not None:
        if activation is not None and activation != params.activation:
            raise ValueError(f"activation: {name} was trained with {params.activation!r}; computing "
                             f"with {activation!r} would give wrong numbers. Leave activation out.")
        activation = params.activation
    model = get_cell(cell)
    options = model.options(activation)
    H, D, O = model.check_params(params, name)
    if O != D:
        raise ValueError(f"{name} predicts output_dim={O} values but reads input_dim={D}: a model "
                         "whose predictions are fed back as inputs needs output_dim == input_dim; "
                         f"build it with rnn_helpers.cells.init_params(cell, hidden_dim, {D}, {D}).")
    return model, options, H, D


def _check_series(series, D, name="series", min_steps=2):
    """series (N, L, D) as float64, L >= min_steps."""
    series = check_windows(series, None, D, D, f"the model reads input_dim={D} values per step",
                           "", x_name=name)
    if series.shape[1] < min_steps:
        raise ValueError(f"{name} has {series.shape[1]} step(s) (shape {series.shape}); it needs at "
                         f"least {min_steps}: the values read and the values predicted.")
    return series


def _check_feed_back(feed_back, T):
    feed_back = check_int("feed_back", feed_back, minimum=0)
    if feed_back >= T:
        raise ValueError(f"feed_back={feed_back} is too large for windows of T + 1 = {T + 1} values: "
                         f"at most T - 1 = {T - 1} of the T inputs can be fed back (the first one is "
                         "always observed).")
    return feed_back


def _checked(params, series, feed_back, activation):
    model, options, H, D = _model_of(params, activation)
    series = _check_series(series, D)
    return model, options, series, _check_feed_back(feed_back, series.shape[1] - 1)


# ---------------------------------------------------------------------------------------------
# The loss and its gradient
# ---------------------------------------------------------------------------------------------

def _forward(model, options, params, series, feed_back):
    """Run the model over the windows; returns (Y_hat (T, N, D), H_seq (T, N, H), caches)."""
    cell_params = model.cell_params(params)
    V, c = params["V"], params.get("c", 0.0)
    N, T = series.shape[0], series.shape[1] - 1
    H = V.shape[1]
    state = tuple(np.zeros((N, H)) for _ in model.states)
    observed = T - feed_back
    Y_hat, H_seq, caches = [], [], []
    for t in range(1, T + 1):
        u_t = series[:, t - 1] if t <= observed else Y_hat[-1]      # x_t, or y_hat_{t-1} fed back
        state, cache = model.cell.step_forward(u_t, state, cell_params, **options)
        H_seq.append(state[0])
        Y_hat.append(state[0] @ V.T + c)                            # y_hat_t predicts x_{t+1}
        caches.append(cache)
    return np.stack(Y_hat), np.stack(H_seq), caches


def _loss_and_grads(model, options, params, series, feed_back):
    """loss_and_grads without argument checks."""
    V = params["V"]
    N, T = series.shape[0], series.shape[1] - 1
    Y_hat, H_seq, caches = _forward(model, options, params, series, feed_back)
    error = Y_hat - series[:, 1:].transpose(1, 0, 2)                # (T, N, D): y_hat_t - x_{t+1}
    loss = 0.5 * float(np.sum(error ** 2)) / (N * T)
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    dY = error / (N * T)                                            # the direct part of every dy_t
    observed = T - feed_back
    upstream = None                                                 # dstate_t from step t + 1
    for t in range(T, 0, -1):
        dh = dY[t - 1] @ V                                          # the head sends dy_t V to h_t
        if upstream is None:
            dstate = (dh,) + tuple(np.zeros_like(dh) for _ in model.states[1:])
        else:
            dstate = (upstream[0] + dh,) + tuple(upstream[1:])
        du, upstream, dparams = model.cell.step_backward(dstate, caches[t - 1])
        for k, g in dparams.items():
            grads[k] += g
        if t > observed:                                            # u_t was y_hat_{t-1}:
            dY[t - 2] += du                                         # its gradient joins dy_{t-1}
    grads["V"] = np.einsum("tnd,tnh->dh", dY, H_seq)                # sum over t of dy_t^T h_t
    if "c" in params:
        grads["c"] = dY.sum(axis=(0, 1))
    return loss, grads


def loss_and_grads(params, series, feed_back=0, activation=None):
    """The one-step-ahead loss with the last feed_back inputs fed back, and its exact gradient.

    params: rnn_helpers.cells.init_params(cell, hidden_dim, D, D), any registered cell.
    series: (N, T + 1, D), windows x_1 .. x_{T+1}; the model reads T inputs and predicts x_2 .. x_{T+1}.
    feed_back: k, 0 <= k <= T - 1: the last k inputs are the model's own predictions (0 is teacher
        forcing). activation: the vanilla RNN's, or None (the cell's default).
    Returns (loss, grads): loss a float (see the module), grads a dict with the keys and shapes of
    params, the exact gradient through the fed-back predictions. Raises TypeError/ValueError naming
    a bad argument.
    """
    model, options, series, feed_back = _checked(params, series, feed_back, activation)
    return _loss_and_grads(model, options, params, series, feed_back)


def loss_and_grads_loop(params, series, feed_back=0, activation=None):
    """loss_and_grads one record at a time, each step's chain rule written out: the readable
    reference the batched version is tested against. Same arguments, result and errors."""
    model, options, series, feed_back = _checked(params, series, feed_back, activation)
    cell_params = model.cell_params(params)
    V, c = params["V"], params.get("c", np.zeros(params["V"].shape[0]))
    N, T = series.shape[0], series.shape[1] - 1
    H = V.shape[1]
    loss, grads = 0.0, {k: np.zeros_like(v) for k, v in params.items()}
    for n in range(N):
        x = series[n]                                     # (T + 1, D): x[t - 1] is x_t
        state = tuple(np.zeros((1, H)) for _ in model.states)
        u, y_hat, h, caches = [None] * (T + 2), [None] * (T + 1), [None] * (T + 1), [None] * (T + 1)
        for t in range(1, T + 1):                         # forward, step by step
            u[t] = x[t - 1][None] if t <= T - feed_back else y_hat[t - 1]
            state, caches[t] = model.cell.step_forward(u[t], state, cell_params, **options)
            h[t] = state[0]                               # (1, H)
            y_hat[t] = h[t] @ V.T + c                     # (1, D)
            loss += 0.5 * float(np.sum((y_hat[t] - x[t]) ** 2)) / (N * T)
        du_next = np.zeros((1, V.shape[0]))               # dL/du_{t+1}, while u_{t+1} = y_hat_t
        dstate_next = tuple(np.zeros((1, H)) for _ in model.states)
        for t in range(T, 0, -1):                         # backward, step by step
            dy = (y_hat[t] - x[t][None]) / (N * T)        # the loss at step t
            if t + 1 <= T and t + 1 > T - feed_back:
                dy = dy + du_next                         # y_hat_t was also the input u_{t+1}
            grads["V"] += dy.T @ h[t]
            if "c" in params:
                grads["c"] += dy[0]
            dstate = (dstate_next[0] + dy @ V,) + dstate_next[1:]
            du_next, dstate_next, dparams = model.cell.step_backward(dstate, caches[t])
            for k, g in dparams.items():
                grads[k] += g
    return loss, grads


def free_running_loss(params, series, feed_back=0, activation=None):
    """The loss of loss_and_grads alone (a float): the objective whose gradient it returns, for a
    finite-difference check. Same arguments and errors."""
    model, options, series, feed_back = _checked(params, series, feed_back, activation)
    N, T = series.shape[0], series.shape[1] - 1
    Y_hat = _forward(model, options, params, series, feed_back)[0]
    return 0.5 * float(np.sum((Y_hat - series[:, 1:].transpose(1, 0, 2)) ** 2)) / (N * T)


# ---------------------------------------------------------------------------------------------
# Forecasting and its error by horizon
# ---------------------------------------------------------------------------------------------

def _forecast(model, options, params, warmup, horizon):
    cell_params = model.cell_params(params)
    V, c = params["V"], params.get("c", 0.0)
    N, m = warmup.shape[:2]
    state = tuple(np.zeros((N, V.shape[1])) for _ in model.states)
    out = np.empty((N, horizon, V.shape[0]))
    for t in range(m + horizon - 1):
        u_t = warmup[:, t] if t < m else out[:, t - m]
        state, _ = model.cell.step_forward(u_t, state, cell_params, **options)
        if t >= m - 1:
            out[:, t - m + 1] = state[0] @ V.T + c
    return out


def forecast(params, warmup, horizon, activation=None):
    """Read the observed values warmup, then predict horizon values by feeding each prediction back.

    params: as for loss_and_grads.  warmup: (N, m, D), m >= 1 observed values per record.
    horizon: the number of values to predict, >= 1. Returns (N, horizon, D): [:, j - 1] is the
    prediction j steps after the last observed value. The state runs on (nothing is re-read), as
    in training with feed_back: one step of the cell per value. Raises TypeError/ValueError naming a
    bad argument.
    """
    model, options, _, D = _model_of(params, activation)
    warmup = _check_series(warmup, D, "warmup", min_steps=1)
    horizon = check_int("horizon", horizon, minimum=1, maximum=1_000_000)
    return _forecast(model, options, params, warmup, horizon)


def horizon_rmse(params, series, warmup_steps, activation=None, truth=None):
    """The root mean squared error of forecast at each horizon, over the records and values.

    series: (N, L, D); the first warmup_steps values (1 <= warmup_steps < L) are read, the other
    L - warmup_steps are forecast. truth: None to compare the forecast with those values of series,
    or an array (N, L - warmup_steps, D) to compare with instead (the noise-free signal, when it is
    known). Returns (L - warmup_steps,) floats: entry j - 1 is the error j steps ahead. Raises
    TypeError/ValueError naming a bad argument.
    """
    model, options, _, D = _model_of(params, activation)
    series = _check_series(series, D)
    m = check_int("warmup_steps", warmup_steps, minimum=1)
    if m >= series.shape[1]:
        raise ValueError(f"warmup_steps={m} leaves nothing to forecast in series of {series.shape[1]} "
                         f"steps; it must be at most {series.shape[1] - 1}.")
    if truth is None:
        truth = series[:, m:]
    else:
        truth = _check_series(truth, D, "truth", min_steps=1)
        expected = (series.shape[0], series.shape[1] - m, D)
        if truth.shape != expected:
            raise ValueError(f"truth must have shape (N, L - warmup_steps, D) = {expected}, one value "
                             f"per forecast value, got {truth.shape}.")
    predicted = _forecast(model, options, params, series[:, :m], series.shape[1] - m)
    return np.sqrt(np.mean((predicted - truth) ** 2, axis=(0, 2)))


# ---------------------------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------------------------

def train(params, series, *, feed_back=0, epochs=100, learning_rate=1e-2, batch_size=None,
          clip_norm=1.0, seed=0, activation=None):
    """Train a copy of params with Adam on loss_and_grads (teacher forcing, or free running for the
    last feed_back steps); params itself is not changed.

    params: rnn_helpers.cells.init_params(cell, hidden_dim, D, D).  series: (N, T + 1, D) windows.
    feed_back: 0 <= k <= T - 1, as for loss_and_grads.  epochs: passes over the records (at most
    MAX_EPOCHS).  batch_size: records per update, None for all of them (full batch); batches are
    drawn in a new order each pass from `seed`.  learning_rate: Adam's step, > 0.  clip_norm: the
    global norm the gradient is rescaled to when larger (None: no clipping).  Adam as in
    rnn_helpers.text.train_text: m = 0.9 m + 0.1 g, v = 0.999 v + 0.001 g^2,
    p -= learning_rate m_hat / (sqrt(v_hat) + 1e-8).
    Returns (model, losses): model a rnn_helpers.training.Model (the weights, their cell and
    activation), losses (epochs,) the mean loss of each pass's batches, each before its update.
    Raises TypeError/ValueError naming a bad argument (all checked before the first update), and
    TrainingDiverged if a loss becomes NaN or infinite.
    """
    model, options, series, feed_back = _checked(params, series, feed_back, activation)
    epochs = check_int("epochs", epochs, minimum=1, maximum=MAX_EPOCHS)
    lr = check_positive_float("learning_rate", learning_rate)
    N = series.shape[0]
    batch_size = N if batch_size is None else min(check_int("batch_size", batch_size, minimum=1), N)
    clip_norm = check_positive_float("clip_norm", clip_norm, allow_none=True)
    rng = np.random.default_rng(check_int("seed", seed, minimum=0))
    params = {k: v.copy() for k, v in params.items()}
    adam = Adam(params)
    losses = np.empty(epochs)
    for epoch in range(epochs):
        order = np.arange(N) if batch_size == N else rng.permutation(N)
        total = 0.0
        for first in range(0, N, batch_size):
            rows = order[first:first + batch_size]
            loss, grads = _loss_and_grads(model, options, params, series[rows], feed_back)
            if not math.isfinite(loss):
                raise TrainingDiverged(f"the loss became {loss} in epoch {epoch + 1} (batch starting "
                                       f"at record {first}); start again with a smaller "
                                       f"learning_rate (was {lr}) or a smaller clip_norm.",
                                       epoch + 1, first, loss)
            total += loss * len(rows)
            adam.step(params, grads, lr, clip_factor(grads, clip_norm)[0])
        losses[epoch] = total / N
    return Model(params, model.name, options.get("activation")), losses
