"""Live explorers: move a slider, and the network is retrained (or its gradient recomputed) and redrawn.

    explorer()               notebook 6: hidden size, truncation, learning rate, activation, clipping,
                             epochs and seed; every change retrains from the same seed and redraws
                             predictions, loss curves and the gradient norm at each time step.
    truncation_explorer()    notebook 3: how far the truncated gradient is from the full one, and
                             which time steps contribute to it.
    weight_scale_explorer()  notebook 4: the norm of dloss/ds_t at each step as W is scaled up
                             or down: vanishing, then exploding.

Letters used in shapes: N records, T time steps, D input size, H hidden size, O output size.

How a change becomes a picture. Each explorer draws on a matplotlib Figure of its own (the Agg
renderer, not pyplot, so nothing is displayed twice) and shows it as a PNG in an ipywidgets Image.
The figure and its artists are made once, with the functions of rnn_helpers.plots; a change only
replaces the data of the lines and redraws, because building axes anew costs more than the
training itself on the machines this course runs on.

Last setting wins. Inside a Jupyter kernel a change does not recompute at once: it asks for an
update a few milliseconds later on the kernel's event loop, and further changes that arrive meanwhile
(a dragged slider, a held arrow key) join that request instead of adding their own. The update
reads the controls when it runs, so it always uses the latest values, and the figure title and the
text line state the settings the picture was made with. Outside a kernel (tests, scripts) a change
updates at once. `set(...)` changes several controls and updates once, at once, anywhere.

Without a kernel (a notebook read on GitHub, or opened before it is run) there are no sliders: the
stored output then falls back to a picture of the settings it was displayed with, which says so.
"""

import asyncio
import base64
import io
import numbers
import re
import time
import types
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, replace

import ipywidgets as widgets
import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import LogLocator, MaxNLocator, NullLocator
from matplotlib.transforms import offset_copy
from PIL import Image

from .baselines import predict_mean
from .bptt import state_gradients
from .data import sine_windows
from .forward import activation_derivative, forward, init_params
from .plots import COLORS, plot_loss_curves, plot_predictions, plot_step_norms, use_course_style
from .training import TrainingDiverged, predict, rmse, train

# ---------------------------------------------------------------------------------------------
# The explorer's fixed choices (measured in notebook 6 and by python -m rnn_helpers.benchmark_explorer)
# ---------------------------------------------------------------------------------------------

#: Records per gradient step. One record at a time (the tutorial's way) takes about a second for
#: 25 epochs here, too slow to follow a slider, and full batch needs many more epochs. Mini-batches
#: of 20 with learning rate 0.1 reach about the same validation error in 8 epochs.
BATCH_SIZE = 20
FULL_BPTT = 50          # the truncation slider's top value: as many steps as a window has (T = 50)
LEARNING_RATES = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0)
CLIPPING = {            # the clipping menu: its label -> keyword arguments for rh.train
    "no clipping": {},
    "global norm at most 1": {"clip_norm": 1.0},
    "global norm at most 10": {"clip_norm": 10.0},
    "each entry to [-10, 10] (tutorial)": {"clip_value": 10.0},
}
DPI = 80                # pixels per inch of the explorers' pictures
NOTE = ("Static picture of the settings above: the sliders need a running kernel "
        "(run the notebook, or serve it with Voila).")


@dataclass(frozen=True)
class Settings:
    """One position of the explorer's controls. truncation 50 means full BPTT (T = 50)."""
    hidden_size: int = 100
    truncation: int = 5
    learning_rate: float = 0.1
    activation: str = "tanh"
    clipping: str = "no clipping"
    epochs: int = 8
    seed: int = 0

    def describe(self):
        """The settings in words, for titles: 'hidden 100, truncation 5, learning rate 0.1, ...'."""
        k = f"{self.truncation} (full BPTT)" if self.truncation >= FULL_BPTT else str(self.truncation)
        return (f"hidden {self.hidden_size}, truncation {k}, learning rate {self.learning_rate:g}, "
                f"{self.activation}, {self.clipping}, {self.epochs} epochs, seed {self.seed}")


DEFAULTS = Settings()


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
    the epoch (read from err's message when it is there) and advice(settings)."""
    found = re.search(r"in epoch (\d+)", str(err))
    when = f" in epoch {found.group(1)}" if found else ""
    return f"training diverged{when}: the loss became infinite or NaN; {advice(settings)}"


def retrain(settings=DEFAULTS, data=None):
    """Train from scratch with `settings` (a Settings) and compute what the explorer draws.

    data: (X, Y, X_val, Y_val), by default rh.sine_windows(). The weights come from
    init_params(hidden_size, seed=seed) and training uses the same seed, so the same settings
    always give the same result. A bad combination never raises: a diverging run returns a
    Result whose `error` says what happened and what to try. Returns a Result.
    """
    X, Y, X_val, Y_val = sine_windows() if data is None else data
    s = settings
    truncate = None if s.truncation >= X.shape[1] else s.truncation
    params = init_params(s.hidden_size, X.shape[2], Y.shape[1], seed=s.seed)
    with np.errstate(all="ignore"):
        try:
            params, history = train(params, X, Y, X_val, Y_val, epochs=s.epochs,
                                    learning_rate=s.learning_rate, batch_size=BATCH_SIZE,
                                    truncate=truncate, activation=s.activation, seed=s.seed,
                                    **CLIPPING[s.clipping])
        except TrainingDiverged as err:
            return Result(s, error=diverged_message(s, err))
        Y_val_hat = predict(params, X_val, s.activation)
        dS = state_gradients(params, X[:BATCH_SIZE], Y[:BATCH_SIZE], s.activation)   # (T, N, H)
        step_norms = np.sqrt(np.einsum("tnh,tnh->t", dS, dS))                        # (T,)
    mean_rmse = rmse(predict_mean(Y, len(Y_val)), Y_val)
    return Result(s, rmse(Y_val_hat, Y_val), history.seconds, history, Y_val_hat, step_norms,
                  mean_rmse=mean_rmse)


# ---------------------------------------------------------------------------------------------
# Drawing helpers
# ---------------------------------------------------------------------------------------------

def new_figure(width, height, footer=None):
    """A Figure on the Agg renderer (not pyplot's), with a footer note below if one is given.

    Returns (fig, bottom): bottom is the fraction of the height the footer takes (0 without one).
    """
    extra = 0.4 if footer else 0.0
    fig = Figure(figsize=(width, height + extra), dpi=DPI)
    FigureCanvasAgg(fig)
    if footer:
        fig.text(0.5, 0.03, footer, ha="center", va="bottom", fontsize=10, color=COLORS["vermillion"])
    return fig, extra / (height + extra)


def png_bytes(fig):
    """Draw fig in the course's style and return it as PNG bytes.

    The picture is reduced to 256 colours first: for line plots this is invisible, makes the PNG
    about three times smaller (less to send to the browser and to store in the notebook) and is
    faster to encode than the full colour image.
    """
    with _course_style():
        fig.canvas.draw()
    rgb = Image.fromarray(np.asarray(fig.canvas.buffer_rgba())).convert("RGB")
    buf = io.BytesIO()
    rgb.quantize(256, method=Image.Quantize.FASTOCTREE).save(buf, format="PNG", compress_level=6)
    return buf.getvalue()


def _log_safe(values):
    """values for a log axis: entries that are not finite and positive become NaN (not drawn)."""
    values = np.asarray(values, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where(np.isfinite(values) & (values > 0), values, np.nan)


def _log_problems(values):
    """A short note on what a log axis cannot show among values, or '' if it shows them all.
    Two short lines, so that it fits inside a panel a third of the explorer wide."""
    values = np.asarray(values, dtype=float)
    zero, overflow = bool(np.any(values == 0)), not np.isfinite(values).all()
    if not (zero or overflow):
        return ""
    what = "0 or overflowed" if zero and overflow else "0" if zero else "overflowed"
    return f"some steps {what}:\nnot drawn (log scale)"


#: How far beyond the targets the predictions panel's y axis may reach, in spans of the targets.
OFF_SCALE = 3.0


def _off_scale(targets, y_hat):
    """The size of predictions that lie beyond OFF_SCALE spans of the targets (or are not finite),
    as a float (inf if none is finite), or None when they all fit near the targets."""
    lo, hi = float(np.min(targets)), float(np.max(targets))
    span = max(hi - lo, 1e-12)
    y = np.asarray(y_hat, dtype=float)
    finite = y[np.isfinite(y)]
    inside = finite.size == y.size and np.all(finite >= lo - OFF_SCALE * span) \
        and np.all(finite <= hi + OFF_SCALE * span)
    if inside:
        return None
    return float(np.max(np.abs(finite))) if finite.size else float("inf")


def _fit_y(ax, values, log=False, headroom=0.0):
    """Fit the y axis to the finite values, leaving `headroom` (a fraction) above for a legend."""
    v = np.asarray(values, dtype=float).ravel()
    v = v[np.isfinite(v) & (v > 0)] if log else v[np.isfinite(v)]
    if v.size == 0:
        return
    lo, hi = float(v.min()), float(v.max())
    if log:
        lo, hi = np.log10(lo), np.log10(hi)
    span = max(hi - lo, 1.0 if log else 0.2)
    lo, hi = lo - 0.06 * span, hi + (0.06 + headroom) * span
    if log:       # stay inside float64 (1e-308 to 1e308), with the ticks beyond the ends
        lo, hi = max(lo, -200.0), min(hi, 200.0)
        ax.set_ylim(10.0 ** lo, 10.0 ** max(hi, lo + 1))
    else:
        bound = 1e300
        ax.set_ylim(max(lo, -bound), min(hi, bound))


def _fewer_ticks(axes):
    """Make redrawing cheaper: text is most of what it costs. Fewer tick labels, no minor ticks,
    and axis labels at fixed places (so matplotlib does not measure every tick label to place them;
    titles are fixed by the rcParam axes.titley, see _course_style)."""
    for ax in axes:
        log = ax.get_yscale() == "log"
        ax.xaxis.set_major_locator(MaxNLocator(5, integer=True, steps=[1, 2, 5, 10], min_n_ticks=1))
        if log:
            ax.yaxis.set_major_locator(LogLocator(numticks=5))
            ax.yaxis.set_minor_locator(NullLocator())
        # label positions in points from the axes' edges, whatever the figure's size
        below = offset_copy(ax.transAxes, ax.figure, y=-26, units="points")
        left = offset_copy(ax.transAxes, ax.figure, x=-44 if log else -36, units="points")
        ax.xaxis.set_label_coords(0.5, 0.0, transform=below)
        ax.yaxis.set_label_coords(0.0, 0.5, transform=left)


@contextmanager
def _course_style():
    """The course's matplotlib style for the block, whatever the global settings are."""
    with matplotlib.rc_context():
        use_course_style()
        matplotlib.rcParams["axes.titley"] = 1.02      # a fixed place: not measured at every draw
        yield


# ---------------------------------------------------------------------------------------------
# Notebook 6: the explorer's picture
# ---------------------------------------------------------------------------------------------

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
        ax_norm.set_ylabel("norm of dloss/ds_t (log)")
        self.span = ax_norm.axvspan(self.T + 0.5, self.T + 0.5, color=COLORS["sky"], alpha=0.35,
                                    lw=0, label="steps truncated BPTT uses")
        ax_norm.legend(loc="upper left")
        _fewer_ticks(self.axes)
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
        _fit_y(ax_pred, targets, headroom=0.3)
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
        self.title.set_text(f"{s.describe()}: validation RMSE {result.rmse:.2g}")
        y_hat = result.Y_val_hat[:, 0]
        off = _off_scale(targets, y_hat)
        if off is None:
            self.pred_line.set_ydata(y_hat)
            _fit_y(ax_pred, np.concatenate([targets, y_hat]), headroom=0.3)
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
        ax_loss.set_xlim(0.5, len(epochs) + 0.5)
        ax_loss.set_ylim(*self.BLANK_LOG_YLIM)          # refitted below when any loss is finite
        _fit_y(ax_loss, np.concatenate([h.train_loss, h.val_loss]), log=True, headroom=0.3)
        norms = _log_safe(result.step_norms)
        self.norm_line.set_ydata(norms)
        ax_norm.set_ylim(*self.BLANK_LOG_YLIM)
        _fit_y(ax_norm, norms, log=True, headroom=0.3)
        for ax, values in ((ax_loss, _log_safe(np.concatenate([h.train_loss, h.val_loss]))),
                           (ax_norm, norms)):
            if np.isnan(values).all():              # nothing drawn: no ticks that mean nothing
                ax.yaxis.set_major_locator(NullLocator())
        self.messages[2].set_text(_log_problems(result.step_norms))


def explorer_figure(result, footer=None):
    """A new Figure (Agg, not pyplot) with ExplorerPlot's panels showing `result`: (fig, plot)."""
    with _course_style():
        fig, bottom = new_figure(12, 3.6, footer)
        axes = fig.subplots(1, 3)
        fig.subplots_adjust(left=0.065, right=0.99, bottom=bottom + 0.15 * (1 - bottom),
                            top=0.8 - 0.2 * bottom, wspace=0.34)
        plot = ExplorerPlot(axes, result)
    return fig, plot


# ---------------------------------------------------------------------------------------------
# The machinery every explorer shares
# ---------------------------------------------------------------------------------------------

def _running_loop():
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class LiveFigure(widgets.VBox):
    """Controls, a text line and a picture: a change of a control recomputes and redraws.

    A subclass names its controls in `self.named` (attribute name -> widget) and defines
    settings() (the controls' values, hashable), compute(settings) (the work, returning a state
    with .settings and .text and never raising for bad settings), failed(settings, message) (a
    state that shows an error) and draw(state) (update self.figure).
    Counters for tests: `requests` (changes seen) and `updates` (recomputations done).
    """

    delay = 0.02      # seconds without a change before an update starts, inside a kernel
    max_wait = 0.25   # seconds: while changes keep coming, update at least this often

    def __init__(self, controls, figure, state, controls_box=None):
        self.controls = list(controls)
        self.figure = figure
        self.state = state
        self.requests = 0
        self.updates = 0
        self.timing = None      # (compute, draw) seconds of the last update, for the benchmark
        self._shown = state.settings     # the settings the picture and the text line show
        self._pending = None
        self._first_change = 0.0
        self._holding = False
        self._shown_text = self._text_html(state)
        self.text = widgets.HTML(self._shown_text)
        self.image = widgets.Image(value=png_bytes(figure), format="png",
                                   layout=widgets.Layout(max_width="100%", height="auto",
                                                         align_self="flex-start"))
        for control in self.controls:
            control.observe(self._changed, names="value")
        box = controls_box if controls_box is not None else widgets.VBox(self.controls)
        super().__init__([box, self.text, self.image])

    # -- what a subclass provides ------------------------------------------------------------
    named = {}

    def settings(self):
        raise NotImplementedError

    def compute(self, settings):
        raise NotImplementedError

    def failed(self, settings, message):
        raise NotImplementedError

    def draw(self, state):
        raise NotImplementedError

    def static_png(self):
        """The current picture with a note that the sliders need a running kernel (PNG bytes)."""
        raise NotImplementedError

    # -- updates -----------------------------------------------------------------------------
    def _changed(self, change=None):
        self.requests += 1
        if self._holding:
            return
        loop = _running_loop()
        if loop is None:                  # no kernel event loop (a test, a script): update now
            self.refresh()
            return
        now = loop.time()
        self.text.value = f"<i>updating for {self.settings().describe()} ...</i>"
        if self._pending is None:         # the first change of a burst
            self._first_change = now
        elif now - self._first_change < self.max_wait:
            self._pending.cancel()        # more changes are coming in: wait until they stop
        else:
            return                        # waited long enough: the update on its way reads these values
        self._pending = loop.call_later(self.delay, self._run_pending)

    def _run_pending(self):
        self._pending = None
        self.refresh()

    def refresh(self):
        """Recompute and redraw for the controls' current values, unless they are on display."""
        settings = self.settings()
        if settings == self._shown:
            self.text.value = self._shown_text      # e.g. moved away and back: nothing to redo
            return
        self._shown = settings
        self.updates += 1
        try:
            t0 = time.perf_counter()
            state = self.compute(settings)
            t1 = time.perf_counter()
            picture = self._draw_png(state)
            self.timing = (t1 - t0, time.perf_counter() - t1)
        except Exception as err:  # noqa: BLE001  a slider must never raise into the kernel
            message = f"{type(err).__name__}: {err}"
            try:
                state = self.failed(settings, message)
                picture = self._draw_png(state)
            except Exception:  # noqa: BLE001  not even an empty picture: say so, show none
                self.image.value = b""
                self._shown_text = f"<b>no result: {message}</b> &nbsp;({settings.describe()})"
                self.text.value = self._shown_text
                return
        self.state = state
        self.image.value = picture
        self._shown_text = self._text_html(state)
        self.text.value = self._shown_text

    def _draw_png(self, state):
        with warnings.catch_warnings(), np.errstate(all="ignore"), _course_style():
            warnings.simplefilter("ignore")
            self.draw(state)
            return png_bytes(self.figure)

    def set(self, **values):
        """Set controls by name (see .named) and update once, now. Returns self."""
        unknown = set(values) - set(self.named)
        if unknown:
            raise ValueError(f"unknown control(s) {sorted(unknown)}; the controls are {sorted(self.named)}.")
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
        self._holding = True
        try:
            for name, value in values.items():
                self.named[name].value = value
        finally:
            self._holding = False
        self.refresh()
        return self

    @staticmethod
    def _text_html(state):
        return f"<b>{state.text}</b> &nbsp;({state.settings.describe()})"

    # -- without a kernel --------------------------------------------------------------------
    def _repr_mimebundle_(self, **kwargs):
        """The widget for a live front end; a picture and a note for a static one (no kernel)."""
        data = super()._repr_mimebundle_(**kwargs)
        data["image/png"] = base64.b64encode(self.static_png()).decode("ascii")
        data["text/plain"] = f"{self.state.text} ({self.state.settings.describe()}). {NOTE}"
        return data


# ---------------------------------------------------------------------------------------------
# Notebook 6: the explorer
# ---------------------------------------------------------------------------------------------

_STYLE = {"description_width": "100px"}


def _slider_args(width="420px"):
    return dict(continuous_update=False, style=_STYLE, layout=widgets.Layout(width=width))


class Explorer(LiveFigure):
    """The live explorer of notebook 6; build it with explorer()."""

    def __init__(self, settings=DEFAULTS, data=None):
        self.data = sine_windows() if data is None else data
        s = settings
        self.hidden_size = widgets.IntSlider(s.hidden_size, 1, 200, description="hidden size",
                                             **_slider_args())
        self.truncation = widgets.IntSlider(s.truncation, 1, FULL_BPTT, description="truncation",
                                            **_slider_args())
        self.learning_rate = widgets.SelectionSlider(options=LEARNING_RATES, value=s.learning_rate,
                                                     description="learning rate", **_slider_args())
        self.epochs = widgets.IntSlider(s.epochs, 1, 100, description="epochs", **_slider_args())
        self.activation = widgets.ToggleButtons(options=("tanh", "sigmoid"), value=s.activation,
                                                description="activation", style=_STYLE)
        self.clipping = widgets.Dropdown(options=tuple(CLIPPING), value=s.clipping,
                                         description="clipping", style=_STYLE,
                                         layout=widgets.Layout(width="400px"))
        self.seed = widgets.BoundedIntText(s.seed, min=0, max=9999, description="seed",
                                           style=_STYLE, layout=widgets.Layout(width="200px"))
        self.named = {"hidden_size": self.hidden_size, "truncation": self.truncation,
                      "learning_rate": self.learning_rate, "epochs": self.epochs,
                      "activation": self.activation, "clipping": self.clipping, "seed": self.seed}
        controls = list(self.named.values())
        note = widgets.HTML("<small>truncation 50 = full BPTT (T = 50). Each change retrains "
                            f"from the seed, in mini-batches of {BATCH_SIZE}.</small>")
        box = widgets.HBox([widgets.VBox(controls[:4]), widgets.VBox(controls[4:] + [note])])
        result = retrain(s, self.data)
        figure, self.plot = explorer_figure(result)
        super().__init__(controls, figure, result, box)
        for widget, name in ((self, "rnn-explorer"), (self.text, "rnn-explorer-text"),
                             (self.image, "rnn-explorer-picture")):
            widget.add_class(name)          # names a browser test can find
        for name, control in self.named.items():
            control.add_class("rnn-" + name.replace("_", "-"))

    @property
    def result(self):
        """The Result on display."""
        return self.state

    def settings(self):
        return Settings(self.hidden_size.value, self.truncation.value,
                        float(self.learning_rate.value), self.activation.value,
                        self.clipping.value, self.epochs.value, int(self.seed.value))

    def compute(self, settings):
        return retrain(settings, self.data)

    def failed(self, settings, message):
        return Result(settings, error=message)

    def draw(self, state):
        self.plot.update(state)

    def static_png(self):
        return png_bytes(explorer_figure(self.state, footer=NOTE)[0])


def explorer(**settings):
    """The live explorer of notebook 6, trained and drawn at `settings` (default: DEFAULTS).

    Keyword arguments are the fields of Settings: hidden_size (1 to 200), truncation (1 to 50;
    50 = full BPTT), learning_rate (one of LEARNING_RATES), activation, clipping (a key of
    CLIPPING), epochs (1 to 100), seed. Display it as the last line of a cell; its .result is the
    Result on display; .set(hidden_size=20, ...) moves controls and retrains at once.
    """
    return Explorer(replace(DEFAULTS, **settings))


def check_truncation(answer, data=None):
    """Notebook 6, exercise 2: is `answer` the smallest truncation k for which the explorer's run
    at the defaults reaches a validation RMSE below 0.01? Returns a reply in words, never raises.

    Accepts a whole number from 1 to FULL_BPTT (2.0 counts as 2); anything else gets a reply that
    says what is expected. Retrains for k = 1, 2, ... and stops at the first k below 0.01 or at
    the answer, whichever comes first.
    """
    expected = f"a whole number from 1 to {FULL_BPTT}"
    if answer is None:
        return f"Not answered yet: replace None with {expected}."
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        return f"{answer!r} is not a number: the answer is {expected}, written without quotes."
    if not float(answer).is_integer():
        return f"{answer:g} is not a whole number: truncation counts time steps, {expected}."
    k = int(answer)
    if k < 1:
        return (f"{k} steps is not a truncation: BPTT must go back at least 1 step. "
                f"The answer is {expected}.")
    if k > FULL_BPTT:
        return (f"A window has only {FULL_BPTT} time steps, so truncation {k} is the same as "
                f"{FULL_BPTT} (full BPTT). The answer is {expected}.")
    rmse = {}
    for j in range(1, k + 1):
        rmse[j] = retrain(Settings(truncation=j), data).rmse
        if rmse[j] < 0.01:
            break
    if j < k:
        return f"Too large: k = {j} already gives RMSE {rmse[j]:.2g}."
    if rmse[k] >= 0.01:
        return f"Not yet: with k = {k} the RMSE is {rmse[k]:.2g}, still above 0.01. Try larger."
    before = f", and k = {k - 1} gives {rmse[k - 1]:.2g}" if k > 1 else ""
    return f"Right: k = {k} gives RMSE {rmse[k]:.2g}{before}."


# ---------------------------------------------------------------------------------------------
# Notebook 3: truncated against full gradient
# ---------------------------------------------------------------------------------------------

def truncation_profile(params, X, Y, activation="tanh"):
    """How much each time step adds to the gradient, and how far truncation to k steps is from full.

    params: dict from init_params.  X: (N, T, D).  Y: (N, O).
    The gradient of W, U and b is a sum over the steps t = 1 .. T of dz_t^T [s_{t-1}, x_t, 1]
    (see bptt.py); truncation to k keeps the terms of the last k steps, t = T-k+1 .. T, and
    leaves dV and dc as they are.
    Returns (contributions, errors), both (T,):
        contributions[t - 1] = the norm of step t's term (W, U and b together);
        errors[k - 1] = rh.relative_error(g_k, g) over all parameters, g_k the gradient truncated to
        k steps and g the full one: ||g_k - g|| / (||g_k|| + ||g||), as notebook 3 measures it.
    """
    Y_hat, cache = forward(params, X, activation)
    states = cache["states"]                                  # (T + 1, N, H), states[t] = s_t
    dS = state_gradients(params, X, Y, activation)            # (T, N, H), dS[t-1] = dloss/ds_t
    dZ = dS * activation_derivative(states[1:], activation)   # (T, N, H), dz_t
    parts = [states[:-1], X.transpose(1, 0, 2)]               # s_{t-1}, x_t
    if "b" in params:
        parts.append(np.ones(states[:-1].shape[:2] + (1,)))   # 1, for db
    inputs = np.concatenate(parts, axis=2)                    # (T, N, H + D (+ 1))
    terms = dZ.transpose(0, 2, 1) @ inputs                    # (T, H, H + D (+ 1)): [dW dU db]_t
    dY_hat = (Y_hat - Y) / Y.shape[0]
    output_sq = float(np.sum((dY_hat.T @ states[-1]) ** 2))   # ||dV||^2
    if "c" in params:
        output_sq += float(np.sum(dY_hat.sum(axis=0) ** 2))   # + ||dc||^2
    contributions = np.sqrt(np.einsum("thj,thj->t", terms, terms))
    full = terms.sum(axis=0)
    kept = np.cumsum(terms[::-1], axis=0)                         # kept[k - 1]: the last k steps
    missing = full - kept
    norm_full = np.sqrt(np.sum(full ** 2) + output_sq)
    norm_kept = np.sqrt(np.einsum("khj,khj->k", kept, kept) + output_sq)
    errors = np.sqrt(np.einsum("khj,khj->k", missing, missing)) / np.maximum(norm_kept + norm_full,
                                                                             1e-300)
    return contributions, errors


@dataclass
class TruncationState:
    """What the truncation explorer shows for one truncation k."""
    settings: "_K"
    errors: np.ndarray

    @property
    def error(self):
        return float(self.errors[self.settings.k - 1])

    @property
    def text(self):
        k, T = self.settings.k, len(self.errors)
        if k >= T:
            return f"truncation {k} keeps all {T} steps: this is full BPTT, nothing is left out"
        steps = f"steps {T - k + 1} to {T}" if k > 1 else f"step {T} only"
        return (f"truncation {k} keeps {steps}; relative error of the truncated gradient against "
                f"the full one: {self.error:.2g}")


@dataclass(frozen=True)
class _K:
    k: int

    def describe(self):
        return f"truncation k = {self.k}" + (" (full BPTT)" if self.k >= FULL_BPTT else "")


class TruncationExplorer(LiveFigure):
    """The truncation slider of notebook 3; build it with truncation_explorer()."""

    def __init__(self, params, X, Y, activation, truncation):
        self.contributions, self.errors = truncation_profile(params, X, Y, activation)
        T = len(self.errors)
        self.truncation = widgets.IntSlider(truncation, 1, T, description="truncation",
                                            **_slider_args())
        self.named = {"truncation": self.truncation}
        state = TruncationState(_K(truncation), self.errors)
        with _course_style():
            self.figure, _ = new_figure(11, 3.4)
            self._build(self.figure, 0.0)
            self.draw(state)
        super().__init__([self.truncation], self.figure, state)

    def _build(self, fig, bottom):
        T = len(self.errors)
        t = np.arange(1, T + 1)
        ax_steps, ax_err = fig.subplots(1, 2)
        fig.subplots_adjust(left=0.1, right=0.98, bottom=bottom + 0.16 * (1 - bottom),
                            top=0.8 - 0.2 * bottom, wspace=0.32)
        contributions = _log_safe(self.contributions)
        plot_step_norms(ax_steps, contributions, label="left out", color="#999999",
                        title="each step's part of the gradient")
        self._kept = ax_steps.plot(t, contributions, marker="o", ms=4, color=COLORS["blue"],
                                   label="kept by truncation")[0]
        ax_steps.set_ylabel("norm of step t's term (log)")
        ax_steps.legend(loc="upper left")
        _fit_y(ax_steps, contributions, log=True, headroom=0.3)
        plot_step_norms(ax_err, _log_safe(self.errors[:-1]), color=COLORS["vermillion"],
                        title="truncated against full gradient")
        ax_err.set_xlabel("truncation k")
        ax_err.set_ylabel("relative error (log)")
        self._marker = ax_err.plot([1], [1], "o", ms=10, mfc="none", mew=2, color=COLORS["black"])[0]
        _fewer_ticks((ax_steps, ax_err))
        self._title = fig.suptitle("")
        self._axes = (ax_steps, ax_err)

    def settings(self):
        return _K(self.truncation.value)

    def compute(self, settings):
        return TruncationState(settings, self.errors)

    def failed(self, settings, message):
        return TruncationState(settings, self.errors)   # compute only reads precomputed arrays

    def draw(self, state):
        k, T = state.settings.k, len(self.errors)
        kept = _log_safe(self.contributions)
        kept[: T - k] = np.nan
        self._kept.set_ydata(kept)
        err = max(state.error, 1e-300) if k < T else np.nan
        self._marker.set_data([k], [err])
        self._title.set_text(f"{state.settings.describe()}: relative error "
                             + (f"{state.error:.2g}" if k < T else "0 (nothing left out)"))

    def static_png(self):
        with _course_style():
            fig, bottom = new_figure(11, 3.4, NOTE)
            saved = self._kept, self._marker, self._title, self._axes
            try:
                self._build(fig, bottom)
                self.draw(self.state)
                return png_bytes(fig)
            finally:
                self._kept, self._marker, self._title, self._axes = saved


def truncation_explorer(params=None, X=None, Y=None, activation="tanh", truncation=5):
    """A slider for the truncation k of BPTT (notebook 3), drawn for params on the windows X, Y.

    Left: the size of each time step's term in the gradient of W, U and b (log scale), the k
    terms that truncated BPTT keeps in colour. Right: how far the truncated gradient is from the
    full one for every k, with the current k circled. Defaults: init_params(100, seed=0) and
    the training windows of rh.sine_windows(). params: dict from init_params; X (N, T, D); Y (N, O).
    """
    if X is None or Y is None:
        X, Y = sine_windows()[:2]
    params = init_params(100, X.shape[2], Y.shape[1], seed=0) if params is None else params
    return TruncationExplorer(params, np.asarray(X, float), np.asarray(Y, float), activation,
                              truncation)


# ---------------------------------------------------------------------------------------------
# Notebook 4: vanishing against exploding
# ---------------------------------------------------------------------------------------------

def spectral_radius(W):
    """The largest absolute value of W's eigenvalues. W: (H, H)."""
    return float(np.max(np.abs(np.linalg.eigvals(W))))


def step_gradient_norms(params, X, Y, activation="tanh", scale=1.0):
    """The norm of dloss/ds_t for t = 1 .. T (full BPTT), with W multiplied by `scale`.

    params: dict from init_params (not changed); X (N, T, D); Y (N, O). The norm is taken over all
    records and hidden units. Going back one step multiplies the gradient by act'(z_t) and by W,
    so it tends to shrink (vanish) when W's spectral radius times act' is below 1, and to grow
    (explode) above 1. Returns (T,).
    """
    params = dict(params, W=params["W"] * scale)
    with np.errstate(all="ignore"):
        dS = state_gradients(params, X, Y, activation)
        return np.sqrt(np.einsum("tnh,tnh->t", dS, dS))


@dataclass(frozen=True)
class _Scale:
    scale: float
    rho: float          # spectral radius of W once multiplied by scale

    def describe(self):
        return f"W times {self.scale:.2f}, spectral radius {self.rho:.2f}"


@dataclass
class ScaleState:
    """What the weight-scale explorer shows for one scale of W."""
    settings: _Scale
    norms: np.ndarray

    @property
    def growth(self):
        """||dloss/ds_1|| / ||dloss/ds_T||: how much the gradient changed going back T - 1 steps."""
        with np.errstate(all="ignore"):
            return float(self.norms[0] / self.norms[-1])

    @property
    def verdict(self):
        g = self.growth
        if not np.isfinite(g):
            return "overflow: exploding"
        return "exploding" if g > 10 else "vanishing" if g < 0.1 else "neither vanishing nor exploding"

    @property
    def text(self):
        return (f"from step {len(self.norms)} back to step 1 the gradient's norm is multiplied by "
                f"{self.growth:.2g}: {self.verdict}")


class WeightScaleExplorer(LiveFigure):
    """The scale-of-W slider of notebook 4; build it with weight_scale_explorer()."""

    YLIM = (1e-30, 1e12)

    def __init__(self, params, X, Y, activation, scale):
        self.params, self.X, self.Y, self.activation = params, X, Y, activation
        self.rho = spectral_radius(params["W"])
        self.scale = widgets.FloatSlider(scale, min=0.5, max=5.0, step=0.1, description="scale of W",
                                         readout_format=".1f", **_slider_args())
        self.named = {"scale": self.scale}
        state = self.compute(self.settings())
        with _course_style():
            self.figure, _ = new_figure(9, 3.6)
            self._build(self.figure, 0.0)
            self.draw(state)
        super().__init__([self.scale], self.figure, state)

    def _build(self, fig, bottom):
        ax = fig.subplots()
        fig.subplots_adjust(left=0.13, right=0.98, bottom=bottom + 0.16 * (1 - bottom),
                            top=0.86 - 0.14 * bottom)
        T = self.X.shape[1]
        plot_step_norms(ax, np.ones(T), color=COLORS["vermillion"], label="norm of dloss/ds_t")
        self._line = ax.lines[0]
        self._level = ax.axhline(1.0, ls="--", lw=1, color=COLORS["black"],
                                 label="its size at the last step")
        ax.set_ylim(*self.YLIM)
        ax.set_ylabel("norm of dloss/ds_t (log)")
        ax.legend(loc="lower left")
        _fewer_ticks([ax])
        self._title = ax.set_title("")

    def settings(self):
        scale = round(float(self.scale.value), 4)
        return _Scale(scale, scale * self.rho)

    def compute(self, settings):
        norms = step_gradient_norms(self.params, self.X, self.Y, self.activation, settings.scale)
        return ScaleState(settings, norms)

    def failed(self, settings, message):
        return ScaleState(settings, np.full(self.X.shape[1], np.nan))

    def draw(self, state):
        norms = _log_safe(state.norms)
        self._line.set_ydata(norms)
        self._level.set_ydata([norms[-1]] * 2)
        self._title.set_text(f"{state.settings.describe()}: x{state.growth:.2g} "
                             f"from step {len(norms)} back to step 1 ({state.verdict})")

    def static_png(self):
        with _course_style():
            fig, bottom = new_figure(9, 3.6, NOTE)
            saved = self._line, self._level, self._title
            try:
                self._build(fig, bottom)
                self.draw(self.state)
                return png_bytes(fig)
            finally:
                self._line, self._level, self._title = saved


def weight_scale_explorer(params=None, X=None, Y=None, activation="tanh", scale=1.0):
    """A slider that multiplies W by a factor (0.5 to 5) and draws the norm of dloss/ds_t per step.

    The rest of params stays as it is; the text gives W's spectral radius at each position. The
    y axis is fixed, so that slopes can be compared between positions. Defaults: tanh,
    init_params(100, seed=0) and the training windows of rh.sine_windows() (notebook 4's setting).
    params: dict from init_params; X (N, T, D); Y (N, O).
    """
    if X is None or Y is None:
        X, Y = sine_windows()[:2]
    params = init_params(100, X.shape[2], Y.shape[1], seed=0) if params is None else params
    return WeightScaleExplorer(params, np.asarray(X, float), np.asarray(Y, float), activation,
                               float(scale))
