"""What one position of the explorer's controls gives: the settings, each cell's defaults, the
retrained network and its Result, and the picture described in words (its alt text).

    Settings, DEFAULTS, CELL_DEFAULTS   one position of the controls; each cell's own defaults
    retrain(settings)                   train from the seed and measure: a Result
    describe_result(result)             the picture of a Result in words, for screen readers

explorer_widget draws a Result and holds the controls. The choices below were measured in notebook
6 and by benchmarks/explorer_latency.py.

Letters used in shapes: N records, T time steps, D input size, H hidden size, O output size.
"""

import types
from dataclasses import dataclass

import numpy as np

from ..baselines import predict_mean
from ..cells import get_cell
from ..data import sine_windows
from ..gradient_flow import state_gradients
from ..training import TrainingDiverged, predict, rmse, train
from .drawing import off_scale

__all__ = ["BATCH_SIZE", "DTYPE", "FULL_BPTT", "LEARNING_RATES", "CLIPPING", "LATENCY_TARGETS", "Settings",
           "DEFAULTS", "CELL_DEFAULTS", "PER_CELL", "cell_defaults", "cell_label", "Result", "advice",
           "diverged_message", "retrain",
           "SHOW_START_FLOP", "training_flop", "describe_result"]

#: What a learner should wait at most, from a change to the redrawn picture (seconds, medians on
#: the course's 2-core machines), at each cell's defaults (CELL_DEFAULTS) and at the largest
#: setting (hidden size 200, full BPTT). benchmarks/explorer_latency.py measures against them.
LATENCY_TARGETS = {"defaults": 0.15, "largest": 0.5}

#: Records per gradient step. One record at a time (the tutorial's way) takes about a second for
#: 25 epochs here, too slow to follow a slider, and full batch needs many more epochs. Mini-batches
#: of 20 with learning rate 0.1 reach about the same validation error in 8 epochs.
BATCH_SIZE = 20
#: Training runs in float32: about half the time of float64, and at each cell's defaults the
#: validation RMSE agrees with float64 training to 3 significant digits or better
#: (benchmarks/explorer_latency.py prints both). The course's checked numbers elsewhere stay float64.
DTYPE = "float32"
FULL_BPTT = 50          # the truncation slider's top value: as many steps as a window has (T = 50)
LEARNING_RATES = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0)
CLIPPING = {            # the clipping menu: its label -> keyword arguments for rh.train
    "no clipping": {},
    "global norm at most 1": {"clip_norm": 1.0},
    "global norm at most 10": {"clip_norm": 10.0},
    "each entry to [-10, 10] (tutorial)": {"clip_value": 10.0},
}


@dataclass(frozen=True)
class Settings:
    """One position of the explorer's controls. truncation 50 means full BPTT (T = 50).

    cell: a registered cell's name (rnn_helpers.cells.names()); activation applies to a cell with
    a choice of activations (the vanilla RNN's) only.
    """
    hidden_size: int = 100
    truncation: int = 5
    learning_rate: float = 0.1
    activation: str = "tanh"
    clipping: str = "no clipping"
    epochs: int = 8
    seed: int = 0
    cell: str = "rnn"

    def describe(self):
        """The settings in words, for titles: 'hidden 100, truncation 5, learning rate 0.1, ...'
        (for the LSTM and GRU 'LSTM, hidden 100, ...' without the activation)."""
        k = f"{self.truncation} (full BPTT)" if self.truncation >= FULL_BPTT else str(self.truncation)
        cell = "" if self.cell == DEFAULTS.cell else f"{cell_label(self.cell)}, "
        activation = f"{self.activation}, " if get_cell(self.cell).activations else ""
        return (f"{cell}hidden {self.hidden_size}, truncation {k}, learning rate "
                f"{self.learning_rate:g}, {activation}{self.clipping}, {self.epochs} epochs, "
                f"seed {self.seed}")


#: Each cell's defaults: the explorer starts at a cell's, and choosing a cell moves the controls
#: named in PER_CELL to its values (every other control stays). The gated cells need their own:
#: at the RNN's (hidden 100, learning rate 0.1, 8 epochs) plain gradient descent leaves them close
#: to predicting the mean (notebook 8 shows it), and each of their steps costs several times the
#: RNN's. These learn the sine to a validation RMSE below 0.05 (the mean's: 0.7) for seeds 0 to 4
#: and for hidden sizes two either side (tests/test_widgets.py). Each has a fast engine; see
#: benchmarks/explorer_latency.py for the latency at the defaults and at the largest settings.
CELL_DEFAULTS = {
    "rnn": Settings(),
    "lstm": Settings(hidden_size=20, learning_rate=0.5, epochs=20, cell="lstm"),
    "gru": Settings(hidden_size=30, learning_rate=0.5, epochs=15, cell="gru"),
    "gru_before": Settings(hidden_size=20, learning_rate=0.5, epochs=25, cell="gru_before"),
}
PER_CELL = ("hidden_size", "learning_rate", "epochs")
DEFAULTS = CELL_DEFAULTS["rnn"]


def cell_label(cell):
    """How the explorer writes a cell's name: "LSTM", "GRU BEFORE" for "gru_before"."""
    return cell.upper().replace("_", " ")


def cell_defaults(cell):
    """CELL_DEFAULTS[cell], or DEFAULTS for anything that is not a cell's name (whose check then
    names the control)."""
    return CELL_DEFAULTS.get(cell, DEFAULTS) if isinstance(cell, str) else DEFAULTS


@dataclass
class Result:
    """What one retrain produced: everything the explorer draws and prints.

    Y_val_hat: (50, O) predictions on the validation windows; history: the rh.History of training;
    step_norms: (T,) the norm of dloss/ds_t for t = 1 .. T (full BPTT) with the trained weights, on
    the first mini-batch of training windows, the gradient one training step sees.
    If training failed, `error` says why and the other fields are None.
    """
    settings: Settings
    rmse: float | None = None
    seconds: float | None = None
    history: object = None
    Y_val_hat: np.ndarray | None = None
    step_norms: np.ndarray | None = None
    error: str | None = None
    mean_rmse: float | None = None      # the RMSE of always predicting the training mean
    epochs_done: int | None = None      # training still running: the epochs done so far (0: none)

    @property
    def finished(self):
        """False for a picture of training in progress (see retrain's progress)."""
        return self.epochs_done is None

    @property
    def text(self):
        """The text line: validation RMSE and how long training took, or what went wrong."""
        if self.error:
            return f"no result: {self.error}"
        line = f"validation RMSE {self.rmse:.2g}, training took {self.seconds:.2f} s"
        if self.rmse > 10:
            line += f": the weights blew up; {advice(self.settings)}"
        elif self.mean_rmse is not None and self.rmse >= self.mean_rmse:
            line += f": no better than always predicting the mean ({self.mean_rmse:.2g})"
        return line


#: The clipping the advice suggests when a run without clipping blows up (a label of CLIPPING).
SUGGESTED_CLIPPING = "global norm at most 1"


def advice(settings):
    """What to try after a run blew up, in the words of the explorer's controls.

    The clipping hint is given only when clipping is off: with clipping on, the learning rate is
    what is left to change.
    """
    smaller = [lr for lr in LEARNING_RATES if lr < settings.learning_rate]
    lr = (f"choose a learning rate below {settings.learning_rate:g}" if smaller
          else f"the learning rate is already at its smallest ({settings.learning_rate:g})")
    if settings.clipping == "no clipping":
        return f'{lr}, or choose the clipping "{SUGGESTED_CLIPPING}"'
    return f'{lr} (clipping "{settings.clipping}" is already on)'


def diverged_message(settings, err):
    """The explorer's line for a run that rh.train stopped with TrainingDiverged `err`:
    the epoch it stopped in and advice(settings)."""
    what = "infinite or NaN" if not np.isfinite(err.loss) else "far too large"
    return (f"training diverged in epoch {err.epoch}: the loss became {what}; "
            f"{advice(settings)}")


#: A retrain whose matrix products need more floating-point operations than this (about 0.3 s
#: on the course's machines) shows a picture of its initial weights at once, before its first
#: epoch: the first new picture then comes within a draw of a change (see LiveFigure.first).
SHOW_START_FLOP = 2e10


def training_flop(settings, params, X, X_val):
    """About how many floating-point operations the matrix products of a retrain need: each
    weight of params multiplies and adds once per record and step forward, twice per step walked
    back, and once per validation record and step after each epoch."""
    N, T = X.shape[:2]
    k = min(settings.truncation, T)
    weights = sum(np.size(value) for value in params.values())
    return settings.epochs * 2 * weights * (N * (T + 2 * k) + len(X_val) * T)


def retrain(settings=DEFAULTS, data=None, progress=None):
    """Train from scratch with `settings` (a Settings) and compute what the explorer draws.

    data: (X, Y, X_val, Y_val), by default rh.sine_windows(). The weights come from the cell's
    init_params(hidden_size, seed=seed) and training uses the same seed, so the same settings
    always give the same result. A bad combination never raises: a diverging run returns a
    Result whose `error` says what happened and what to try. Returns a Result.

    progress: None, or what LiveFigure.compute_live receives: after every epoch retrain calls
    progress.check() (which raises Cancelled to stop), and when progress.wanted() it passes
    progress.show() a Result of the training so far (epochs_done set; 0 before any update, shown
    at once when training_flop exceeds SHOW_START_FLOP).
    None of this changes the arithmetic: the Result returned is the one retrain(settings, data)
    returns.
    """
    X, Y, X_val, Y_val = sine_windows() if data is None else data
    s = settings
    truncate = None if s.truncation >= X.shape[1] else s.truncation
    params = get_cell(s.cell).init_params(s.hidden_size, X.shape[2], Y.shape[1], seed=s.seed)
    activation = s.activation if get_cell(s.cell).activations else None
    mean_rmse = rmse(predict_mean(Y, len(Y_val)), Y_val)
    on_epoch = None
    if progress is not None:
        def on_epoch(epoch, weights, history):
            if epoch < s.epochs and progress.wanted():
                progress.show(_picture_of(s, weights(), history, epoch, X, Y, X_val, Y_val,
                                          mean_rmse))
            progress.check()

        if training_flop(s, params, X, X_val) > SHOW_START_FLOP or progress.wanted():
            none = np.empty(0)
            progress.show(_picture_of(s, params, types.SimpleNamespace(
                train_loss=none, val_loss=none, seconds=0.0), 0, X, Y, X_val, Y_val, mean_rmse))
    with np.errstate(all="ignore"):
        try:
            params, history = train(params, X, Y, X_val, Y_val, epochs=s.epochs,
                                    learning_rate=s.learning_rate, batch_size=BATCH_SIZE,
                                    truncate=truncate, activation=activation,
                                    seed=s.seed, dtype=DTYPE, on_epoch=on_epoch,
                                    **CLIPPING[s.clipping])
        except TrainingDiverged as err:
            return Result(s, error=diverged_message(s, err))
    return _picture_of(s, params, history, None, X, Y, X_val, Y_val, mean_rmse)


def _picture_of(s, params, history, epochs_done, X, Y, X_val, Y_val, mean_rmse):
    """The Result of weights `params` after `history` (epochs_done None: training finished).

    While training runs, the predictions come from the training engine itself (in DTYPE, several
    times faster than rh.predict for the gated cells) and the gradient per step is left out (NaN):
    a picture of the work so far must cost little next to an epoch."""
    activation = s.activation if get_cell(s.cell).activations else None
    with np.errstate(all="ignore"):
        if epochs_done is None:
            Y_val_hat = predict(params, X_val, activation)
            dS = state_gradients(params, X[:BATCH_SIZE], Y[:BATCH_SIZE], activation)    # (T, N, H)
            step_norms = np.sqrt(np.einsum("tnh,tnh->t", dS, dS))                       # (T,)
        else:
            Y_val_hat = predict(params, X_val, activation)
            step_norms = np.full(X.shape[1], np.nan)
    return Result(s, rmse(Y_val_hat, Y_val), history.seconds, history, Y_val_hat, step_norms,
                  mean_rmse=mean_rmse, epochs_done=epochs_done)


def describe_result(result, Y_val=None):
    """The explorer's picture of `result` (a Result) in words: its alt text, for screen readers.
    Y_val: (50, O) the validation targets it was measured on, by default rh.sine_windows()'s.

    Says what each of the three panels shows for this setting: how the predictions meet the
    targets (with the validation RMSE), how the loss changed over the epochs, and how the
    gradient's size changes going back through the steps, with the steps truncation uses.
    """
    s = result.settings
    cell = cell_label(s.cell) + (f" ({s.activation})" if get_cell(s.cell).activations else "")
    k = "full BPTT" if s.truncation >= FULL_BPTT else f"truncation {s.truncation}"
    head = f"{cell}, hidden {s.hidden_size}, {k}, learning rate {s.learning_rate:g}"
    if result.error is not None:
        return f"{head}: no picture, {result.error}."
    if result.finished:
        when = f"after {s.epochs} epochs"
    else:
        when = f"training in progress, epoch {result.epochs_done} of {s.epochs}"
    y_hat = result.Y_val_hat[:, 0]
    off = off_scale((sine_windows()[3] if Y_val is None else Y_val)[:, 0], y_hat)
    ratio = result.rmse / result.mean_rmse if result.mean_rmse else np.nan
    if off is not None:
        predictions = ("predictions far off the scale of the targets"
                       + (f" (about {off:.0e})" if np.isfinite(off) else " (not finite)"))
    elif ratio < 0.1:
        predictions = "predictions follow the targets"
    elif ratio < 1:
        predictions = "predictions roughly follow the targets"
    else:
        predictions = "predictions do not follow the targets (no better than always the mean)"
    parts = [f"{head}, {when}. Left: {predictions}, validation RMSE {result.rmse:.2g}."]
    loss = result.history.train_loss
    if len(loss) == 0:
        parts.append("Middle: no epoch done yet.")
    elif len(loss) == 1:
        parts.append(f"Middle: training loss {loss[0]:.2g} in the first epoch.")
    else:
        verb = "fell" if loss[-1] < loss[0] else "rose"
        parts.append(f"Middle: training loss {verb} from {loss[0]:.2g} to {loss[-1]:.2g} "
                     f"in {len(loss)} epochs, validation loss {result.history.val_loss[-1]:.2g}.")
    norms = result.step_norms
    T = len(norms)
    if not result.finished:
        parts.append("Right: the gradient at each time step is drawn when training ends.")
        return " ".join(parts)
    with np.errstate(all="ignore"):
        change = norms[0] / norms[-1]
    if not np.isfinite(change) or change == 0:
        gradient = "its size at some steps is 0 or overflowed"
    elif change < 1:
        gradient = f"its size falls by a factor {1 / change:.1g} over {T} steps back"
    else:
        gradient = f"its size grows by a factor {change:.1g} over {T} steps back"
    used = "all steps" if s.truncation >= T else f"the last {s.truncation} steps"
    parts.append(f"Right: the gradient at each time step, {gradient}; truncated BPTT uses "
                 f"{used} (shaded).")
    return " ".join(parts)
