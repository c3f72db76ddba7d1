"""The live explorer of notebook 6: move a control, and the network retrains from its seed and redraws.

Its controls: hidden size, truncation, learning rate, activation, clipping, epochs and seed. Every
change retrains from the same seed and redraws three panels: predictions on the validation
windows, the loss per epoch, and the gradient norm at each time step with the steps that
truncated BPTT uses shaded. The choices below were measured in notebook 6 and by
benchmarks/explorer_latency.py.

Letters used in shapes: N records, T time steps, D input size, H hidden size, O output size.
"""

import types
from dataclasses import dataclass, replace

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import NullLocator

from .._checks import check_instance, check_sequence
from ..baselines import predict_mean
from ..data import sine_windows
from ..gradient_flow import state_gradients
from ..plots import COLORS, plot_loss_curves, plot_predictions, plot_step_norms
from ..cells import get_cell, names
from ..training import TrainingDiverged, predict, rmse, train
from .drawing import FastRedraw, course_style, fewer_ticks, fit_y, log_problems, log_safe, new_figure, off_scale
from .live import STYLE, LiveFigure, slider_args

__all__ = ["BATCH_SIZE", "DTYPE", "FULL_BPTT", "LEARNING_RATES", "CLIPPING", "LATENCY_TARGETS", "Settings",
           "DEFAULTS", "CELL_DEFAULTS", "PER_CELL", "Result", "advice", "diverged_message", "retrain",
           "ExplorerPlot", "describe_result", "explorer_figure", "Explorer", "explorer"]

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
        cell = "" if self.cell == DEFAULTS.cell else f"{self.cell.upper()}, "
        activation = f"{self.activation}, " if get_cell(self.cell).activations else ""
        return (f"{cell}hidden {self.hidden_size}, truncation {k}, learning rate "
                f"{self.learning_rate:g}, {activation}{self.clipping}, {self.epochs} epochs, "
                f"seed {self.seed}")


#: Each cell's defaults: the explorer starts at a cell's, and choosing a cell moves the controls
#: named in PER_CELL to its values (every other control stays). The gated cells need their own:
#: at the RNN's (hidden 100, learning rate 0.1, 8 epochs) plain gradient descent leaves them close
#: to predicting the mean (notebook 8 shows it), and each of their steps costs several times the
#: RNN's. These learn the sine to a validation RMSE below 0.05 (the mean's: 0.7) for seeds 0 to 4
#: and for hidden sizes two either side (tests/test_widgets.py), within the latency target
#: (benchmarks/explorer_latency.py).
CELL_DEFAULTS = {
    "rnn": Settings(),
    "lstm": Settings(hidden_size=20, learning_rate=0.5, epochs=20, cell="lstm"),
    "gru": Settings(hidden_size=30, learning_rate=0.5, epochs=15, cell="gru"),
    "gru_before": Settings(hidden_size=20, learning_rate=0.5, epochs=25, cell="gru_before"),
}
PER_CELL = ("hidden_size", "learning_rate", "epochs")
DEFAULTS = CELL_DEFAULTS["rnn"]


def _cell_defaults(cell):
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


class ExplorerPlot:
    """The explorer's three panels on three Axes: predictions against targets on the validation
    windows, training and validation loss per epoch, and the norm of dloss/ds_t at each time step
    with the steps that truncated BPTT uses shaded.

    ExplorerPlot(axes, result) draws `result` (a Result) with rnn_helpers.plots; update(result)
    then puts new data into the same artists, much faster than drawing anew.
    """

    #: y limits of the log panels when there is nothing to show (a failed run, or all values 0)
    BLANK_LOG_YLIM = (1e-2, 1e2)

    def __init__(self, axes, result, Y_val=None):
        self.axes = ax_pred, ax_loss, ax_norm = list(axes)
        self.figure = ax_pred.figure
        Y_val = sine_windows()[3] if Y_val is None else Y_val
        self.T = FULL_BPTT if result.step_norms is None else len(result.step_norms)
        placeholder = types.SimpleNamespace(train_loss=np.ones(2), val_loss=np.ones(2))
        plot_predictions(ax_pred, np.zeros_like(Y_val), Y_val, start=100,
                         title="predictions on the validation windows")
        ax_pred.legend(loc="upper center", ncol=2)
        plot_loss_curves(ax_loss, placeholder, title="loss per epoch")
        plot_step_norms(ax_norm, np.ones(self.T), color=COLORS["green"],
                        title="gradient at each time step")
        ax_norm.set_ylabel("norm of dloss/dh_t (log)")
        self.span = ax_norm.axvspan(self.T + 0.5, self.T + 0.5, color=COLORS["sky"], alpha=0.35,
                                    lw=0, label="steps truncated BPTT uses")
        ax_norm.legend(loc="upper left")
        fewer_ticks(self.axes)
        self.pred_line = ax_pred.lines[1]
        self.loss_lines = ax_loss.lines[:2]
        for line in self.loss_lines:
            line.set_marker(".")        # so that a single epoch still shows
        self.norm_line = ax_norm.lines[0]
        self.messages = [ax.text(0.5, 0.45, "", transform=ax.transAxes, ha="center",
                                 va="center", color=COLORS["vermillion"], clip_on=True, wrap=True,
                                 bbox=dict(facecolor="white", edgecolor="none", alpha=0.85, pad=2))
                         for ax in self.axes]
        # the y tick locators of a result; a failed run shows no y ticks (see update)
        self.y_locators = [ax.yaxis.get_major_locator() for ax in self.axes]
        self.title = self.figure.suptitle("")
        self.update(result)

    def update(self, result):
        """Show `result`: its data in the same artists, axes refitted, title set to its settings."""
        s = result.settings
        k = min(s.truncation, self.T)
        self.span.set_x(self.T - k + 0.5)
        self.span.set_width(k)
        failed = result.error is not None
        for text in self.messages:
            text.set_text("training diverged:\nno picture for these settings" if failed else "")
        targets = self.axes[0].lines[0].get_ydata()
        ax_pred, ax_loss, ax_norm = self.axes
        # predictions: the y axis stays near the targets whatever the predictions do
        fit_y(ax_pred, targets, headroom=0.3)
        if failed:
            # nothing of the previous run may remain: no data, no y ticks, fixed limits
            self.title.set_text(f"{s.describe()}: no result")
            self.pred_line.set_ydata(np.full(len(targets), np.nan))
            for line in self.loss_lines:
                line.set_data([], [])
            ax_loss.set_xlim(0.5, s.epochs + 0.5)
            self.norm_line.set_ydata(np.full(self.T, np.nan))
            for ax in (ax_loss, ax_norm):
                ax.set_ylim(*self.BLANK_LOG_YLIM)
                ax.yaxis.set_major_locator(NullLocator())
            return
        for ax, locator in zip(self.axes, self.y_locators):
            ax.yaxis.set_major_locator(locator)
        if result.finished:
            self.title.set_text(f"{s.describe()}: validation RMSE {result.rmse:.2g}")
        else:
            self.title.set_text(f"{s.describe()}: training, epoch {result.epochs_done} of "
                                f"{s.epochs} (validation RMSE {result.rmse:.2g} so far)")
        y_hat = result.Y_val_hat[:, 0]
        off = off_scale(targets, y_hat)
        if off is None:
            self.pred_line.set_ydata(y_hat)
            fit_y(ax_pred, np.concatenate([targets, y_hat]), headroom=0.3)
        else:       # draw only the predictions that fit the targets' axis, and say how far off they are
            lo, hi = ax_pred.get_ylim()
            with np.errstate(invalid="ignore"):
                self.pred_line.set_ydata(np.where((y_hat >= lo) & (y_hat <= hi), y_hat, np.nan))
            self.messages[0].set_text("predictions off the scale\n"
                                      + (f"(about {off:.0e})" if np.isfinite(off) else "(not finite)"))
        h = result.history
        epochs = np.arange(1, len(h.train_loss) + 1)
        self.loss_lines[0].set_data(epochs, h.train_loss)
        self.loss_lines[1].set_data(epochs, h.val_loss)
        ax_loss.set_xlim(0.5, s.epochs + 0.5)           # while training, the curve grows into it
        ax_loss.set_ylim(*self.BLANK_LOG_YLIM)          # refitted below when any loss is finite
        fit_y(ax_loss, np.concatenate([h.train_loss, h.val_loss]), log=True, headroom=0.3)
        norms = log_safe(result.step_norms)
        self.norm_line.set_ydata(norms)
        if not result.finished:         # drawn at the end; the axis stays as it was meanwhile
            self.messages[2].set_text("drawn when\ntraining ends")
            return
        ax_norm.set_ylim(*self.BLANK_LOG_YLIM)
        fit_y(ax_norm, norms, log=True, headroom=0.3)
        for ax, values in ((ax_loss, log_safe(np.concatenate([h.train_loss, h.val_loss]))),
                           (ax_norm, norms)):
            if np.isnan(values).all():              # nothing drawn: no ticks that mean nothing
                ax.yaxis.set_major_locator(NullLocator())
        self.messages[2].set_text(log_problems(result.step_norms))


def describe_result(result, Y_val=None):
    """The explorer's picture of `result` (a Result) in words: its alt text, for screen readers.
    Y_val: (50, O) the validation targets it was measured on, by default rh.sine_windows()'s.

    Says what each of the three panels shows for this setting: how the predictions meet the
    targets (with the validation RMSE), how the loss changed over the epochs, and how the
    gradient's size changes going back through the steps, with the steps truncation uses.
    """
    s = result.settings
    cell = s.cell.upper() + (f" ({s.activation})" if s.cell == "rnn" else "")
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


def explorer_figure(result, footer=None):
    """A new Figure (Agg, not pyplot) with ExplorerPlot's panels showing `result`: (fig, plot)."""
    with course_style():
        fig, bottom = new_figure(*Explorer.figsize, footer)
        plot = _explorer_plot(fig, bottom, result)
    return fig, plot


def _explorer_plot(fig, bottom, result):
    axes = fig.subplots(1, 3)
    fig.subplots_adjust(left=0.065, right=0.99, bottom=bottom + 0.15 * (1 - bottom),
                        top=0.8 - 0.2 * bottom, wspace=0.4)   # panels apart: see FastRedraw
    return ExplorerPlot(axes, result)


class Explorer(LiveFigure):
    """The live explorer of notebook 6; build it with explorer()."""

    figsize = (12, 3.6)
    picture_class = "rnn-live-picture rnn-explorer-picture"

    def __init__(self, settings=DEFAULTS, data=None):
        check_instance("settings", settings, Settings, "build the explorer with explorer(**values) "
                       "or pass Settings(**values)")
        if data is not None:
            check_sequence("data", data, 4, "pass what sine_windows() returns: X, Y, X_val, Y_val")
        self.data = sine_windows() if data is None else data
        d = DEFAULTS
        self.hidden_size = widgets.IntSlider(d.hidden_size, 1, 200, description="hidden size",
                                             **slider_args())
        self.truncation = widgets.IntSlider(d.truncation, 1, FULL_BPTT, description="truncation",
                                            **slider_args())
        self.learning_rate = widgets.SelectionSlider(options=LEARNING_RATES, value=d.learning_rate,
                                                     description="learning rate", **slider_args())
        self.epochs = widgets.IntSlider(d.epochs, 1, 100, description="epochs", **slider_args())
        # radio buttons, not toggle buttons: native inputs, which say which one is chosen
        self.activation = widgets.RadioButtons(options=("tanh", "sigmoid"), value=d.activation,
                                               description="activation", style=STYLE)
        self.clipping = widgets.Dropdown(options=tuple(CLIPPING), value=d.clipping,
                                         description="clipping", style=STYLE,
                                         layout=widgets.Layout(width="400px"))
        self.seed = widgets.BoundedIntText(d.seed, min=0, max=9999, description="seed",
                                           style=STYLE, layout=widgets.Layout(width="200px"))
        self.cell = widgets.RadioButtons(options=tuple((name.upper(), name) for name in names()),
                                         value=d.cell, description="cell", style=STYLE)
        self.named = {"hidden_size": self.hidden_size, "truncation": self.truncation,
                      "learning_rate": self.learning_rate, "epochs": self.epochs,
                      "cell": self.cell, "activation": self.activation, "clipping": self.clipping,
                      "seed": self.seed}
        # the requested settings, all checked against the controls before any of them moves
        for name, value in self.checked(vars(settings)).items():
            self.named[name].value = value
        self.activation.disabled = not get_cell(self.cell.value).activations
        # before LiveFigure's own observer, so that the update it starts sees the cell's defaults
        self.cell.observe(self._cell_chosen, names="value")
        controls = list(self.named.values())
        note = widgets.HTML("truncation 50 = full BPTT (T = 50); the activation is the "
                            "vanilla RNN's; choosing a cell moves hidden size, learning rate and "
                            "epochs to that cell's defaults. Each change retrains from the seed, in "
                            f"mini-batches of {BATCH_SIZE}.")
        note.add_class("rnn-explorer-note")
        # the sliders' column keeps its width (their readouts must stay in view); the other one
        # gives way on a narrow screen; the note below both, as wide as the page
        box = widgets.VBox([
            widgets.HBox([widgets.VBox(controls[:4], layout=widgets.Layout(flex="0 0 auto")),
                          widgets.VBox(controls[4:],
                                       layout=widgets.Layout(flex="1 1 auto", min_width="0"))]),
            note])
        self._redraw = None
        super().__init__(controls, retrain(self.settings(), self.data), box)
        self.plot = self.artists
        for widget, name in ((self, "rnn-explorer"), (self.text, "rnn-explorer-text")):
            widget.add_class(name)          # names a browser test can find
        for name, control in self.named.items():
            control.add_class("rnn-" + name.replace("_", "-"))

    def _cell_chosen(self, change):
        """A cell chosen with its control brings its defaults (PER_CELL); set() does this itself.
        The activation control is greyed out for the gated cells, whose gate functions are fixed."""
        self.activation.disabled = not get_cell(change["new"]).activations
        if self._holding:
            return
        preset = _cell_defaults(change["new"])
        self._holding = True            # one update for the whole change, started by the cell's
        try:                            # own observer (LiveFigure._changed) after this one
            for name in PER_CELL:
                self.named[name].value = getattr(preset, name)
        finally:
            self._holding = False

    def set(self, **values):
        """As LiveFigure.set; a new cell brings its defaults for the PER_CELL controls that
        `values` does not name."""
        if "cell" in values and values["cell"] != self.cell.value:
            preset = _cell_defaults(values["cell"])
            values = {**{name: getattr(preset, name) for name in PER_CELL}, **values}
        return super().set(**values)

    @property
    def result(self):
        """The Result on display."""
        return self.state

    def settings(self):
        return Settings(self.hidden_size.value, self.truncation.value,
                        float(self.learning_rate.value), self.activation.value,
                        self.clipping.value, self.epochs.value, int(self.seed.value),
                        self.cell.value)

    def compute(self, settings):
        return retrain(settings, self.data)

    def compute_live(self, settings, progress):
        return retrain(settings, self.data, progress)

    def describe(self, state):
        return describe_result(state, self.data[3])

    def failed(self, settings, message):
        return Result(settings, error=message)

    def build(self, fig, bottom):
        return _explorer_plot(fig, bottom, self.state)

    def draw_on(self, plot, state):
        plot.update(state)

    def picture(self):
        if self._redraw is None:        # made on first use: the first picture is drawn in full
            plot = self.plot
            self._redraw = FastRedraw(self.figure, [plot.pred_line, *plot.loss_lines,
                                                    plot.norm_line, plot.span, *plot.messages,
                                                    plot.title], plot.axes)
        return self._redraw.png(self.panel_keys())

    def panel_keys(self):
        """What each panel's background depends on: its limits and its y tick locator."""
        return [(ax.get_xlim(), ax.get_ylim(), type(ax.yaxis.get_major_locator()).__name__)
                for ax in self.plot.axes]


def explorer(**settings):
    """The live explorer of notebook 6, trained and drawn at `settings` (default: DEFAULTS).

    Keyword arguments are the fields of Settings: hidden_size (1 to 200), truncation (1 to 50;
    50 = full BPTT), learning_rate (one of LEARNING_RATES), activation, clipping (a key of
    CLIPPING), epochs (1 to 100), seed (0 to 9999), cell ("rnn", "lstm" or "gru"); those not given
    are the cell's defaults (CELL_DEFAULTS). Display it as the last line of a cell; its .result is
    the Result on display; .set(hidden_size=20, ...) moves controls and retrains at once.
    Raises ValueError/TypeError naming the control (by its label) and its range for a bad value.
    """
    unknown = set(settings) - set(vars(DEFAULTS))
    if unknown:
        raise ValueError(f"unknown setting(s) {sorted(unknown)}; the settings are "
                         f"{sorted(vars(DEFAULTS))}.")
    return Explorer(replace(_cell_defaults(settings.get("cell")), **settings))
