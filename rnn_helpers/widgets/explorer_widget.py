"""The live explorer of notebook 6: move a control, and the network retrains from its seed and redraws.

Its controls: hidden size, truncation, learning rate, activation, clipping, epochs, seed and cell.
Every change retrains from the same seed (widgets.retraining) and redraws three panels: predictions
on the validation windows, the loss per epoch, and the gradient norm at each time step with the
steps that truncated BPTT uses shaded. The choices below were measured in notebook 6 and by
benchmarks/explorer_latency.py.

Letters used in shapes: N records, T time steps, D input size, H hidden size, O output size.
"""

import types
from dataclasses import replace

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import NullLocator

from .._checks import check_instance, check_sequence
from ..cells import get_cell, names
from ..data import sine_windows
from ..plots import COLORS, plot_loss_curves, plot_predictions, plot_step_norms
from .drawing import FastRedraw, course_style, fewer_ticks, fit_y, log_problems, log_safe, new_figure, off_scale
from .live import STYLE, LiveFigure, slider_args
# The model side lives in retraining; its names are also this module's (older imports keep working).
from .retraining import (BATCH_SIZE, CELL_DEFAULTS, CLIPPING, DEFAULTS, DTYPE, FULL_BPTT,
                         LATENCY_TARGETS, LEARNING_RATES, PER_CELL, Result, Settings, advice,
                         cell_defaults, cell_label, describe_result, diverged_message, retrain)

__all__ = ["BATCH_SIZE", "DTYPE", "FULL_BPTT", "LEARNING_RATES", "CLIPPING", "LATENCY_TARGETS", "Settings",
           "DEFAULTS", "CELL_DEFAULTS", "PER_CELL", "Result", "advice", "diverged_message", "retrain",
           "ExplorerPlot", "describe_result", "explorer_figure", "Explorer", "explorer"]


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
        self.cell = widgets.RadioButtons(options=tuple((cell_label(name), name) for name in names()),
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
        preset = cell_defaults(change["new"])
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
            preset = cell_defaults(values["cell"])
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
    return Explorer(replace(cell_defaults(settings.get("cell")), **settings))
