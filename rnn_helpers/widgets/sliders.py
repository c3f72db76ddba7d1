"""The small sliders of notebooks 3 and 4: one control each, over the vanilla RNN's gradient.

    truncation_explorer()    notebook 3: how far the truncated gradient is from the full one, and
                             which time steps contribute to it.
    weight_scale_explorer()  notebook 4: the norm of dloss/ds_t at each step as W is scaled up
                             or down: vanishing, then exploding.
    temperature_slider()     notebook 10: a sample of the character model's text at the
                             temperature chosen; without a kernel, its samples as text.

The maths they draw is in rnn_helpers.gradient_flow. Letters used in shapes: N records, T time
steps, D input size, H hidden size, O output size.
"""

import html
import types
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

from .._checks import check_activation, check_inputs, check_int, check_positive_float
from ..data import sine_windows
from ..gradient_flow import spectral_radius, step_gradient_norms, truncation_profile
from ..plots import COLORS, plot_step_norms
from ..rnn import init_params
from .drawing import fewer_ticks, fit_y, log_safe
from .live import LiveFigure, accessibility_script, slider_args

__all__ = ["TruncationExplorer", "truncation_explorer", "WeightScaleExplorer",
           "weight_scale_explorer", "TemperatureSlider", "temperature_slider", "STATIC_TEMPERATURES"]


# ---------------------------------------------------------------------------------------------
# Notebook 3: truncated against full gradient
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _K:
    k: int
    T: int

    def describe(self):
        return f"truncation k = {self.k}" + (" (full BPTT)" if self.k >= self.T else "")


@dataclass
class TruncationState:
    """What the truncation explorer shows for one truncation k."""
    settings: _K
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


class TruncationExplorer(LiveFigure):
    """The truncation slider of notebook 3; build it with truncation_explorer()."""

    figsize = (11, 3.4)

    def __init__(self, params, X, Y, activation, truncation):
        self.contributions, self.errors = truncation_profile(params, X, Y, activation)
        T = len(self.errors)
        self.truncation = widgets.IntSlider(1, 1, T, description="truncation", **slider_args())
        self.named = {"truncation": self.truncation}
        self.truncation.value = self.checked({"truncation": truncation})["truncation"]
        super().__init__([self.truncation], TruncationState(self.settings(), self.errors))

    def build(self, fig, bottom):
        T = len(self.errors)
        t = np.arange(1, T + 1)
        ax_steps, ax_err = fig.subplots(1, 2)
        fig.subplots_adjust(left=0.1, right=0.98, bottom=bottom + 0.16 * (1 - bottom),
                            top=0.8 - 0.2 * bottom, wspace=0.32)
        contributions = log_safe(self.contributions)
        plot_step_norms(ax_steps, contributions, label="left out", color="#999999",
                        title="each step's part of the gradient")
        kept = ax_steps.plot(t, contributions, marker="o", ms=4, color=COLORS["blue"],
                             label="kept by truncation")[0]
        ax_steps.set_ylabel("norm of step t's term (log)")
        ax_steps.legend(loc="upper left")
        fit_y(ax_steps, contributions, log=True, headroom=0.3)
        plot_step_norms(ax_err, log_safe(self.errors[:-1]), color=COLORS["vermillion"],
                        title="truncated against full gradient")
        ax_err.set_xlabel("truncation k")
        ax_err.set_ylabel("relative error (log)")
        marker = ax_err.plot([1], [1], "o", ms=10, mfc="none", mew=2, color=COLORS["black"])[0]
        fewer_ticks((ax_steps, ax_err))
        return types.SimpleNamespace(kept=kept, marker=marker, title=fig.suptitle(""))

    def settings(self):
        return _K(self.truncation.value, len(self.errors))

    def compute(self, settings):
        return TruncationState(settings, self.errors)

    def failed(self, settings, message):
        return TruncationState(settings, self.errors)   # compute only reads precomputed arrays

    def describe(self, state):
        """The picture in words (its alt text): which steps are kept, and the error circled."""
        k, T = state.settings.k, len(self.errors)
        c = self.contributions
        with np.errstate(all="ignore"):
            ratio = c[-1] / c[0]
        kept = (f"the last {k} of {T} steps (blue), the others are left out (grey)" if k < T
                else f"all {T} steps (blue)")
        left = (f"Left: each time step's part of the gradient on a log scale, step {T}'s "
                f"{ratio:.1g} times step 1's; truncation {k} keeps {kept}.")
        right = (f"Right: the relative error of the truncated gradient against the full one for "
                 f"every truncation k, from {self.errors[0]:.2g} at k = 1 down to "
                 f"{self.errors[-2]:.2g} at k = {T - 1}; ")
        right += (f"k = {k} is circled, error {state.error:.2g}." if k < T
                  else f"k = {T} is full BPTT, error 0.")
        return f"{state.settings.describe()}. {left} {right}"

    def draw_on(self, artists, state):
        k, T = state.settings.k, len(self.errors)
        kept = log_safe(self.contributions)
        kept[: T - k] = np.nan
        artists.kept.set_ydata(kept)
        err = max(state.error, 1e-300) if k < T else np.nan
        artists.marker.set_data([k], [err])
        artists.title.set_text(f"{state.settings.describe()}: relative error "
                               + (f"{state.error:.2g}" if k < T else "0 (nothing left out)"))


def truncation_explorer(params=None, X=None, Y=None, activation="tanh", truncation=5):
    """A slider for the truncation k of BPTT (notebook 3), drawn for params on the windows X, Y.

    Left: the size of each time step's term in the gradient of W, U and b (log scale), the k
    terms that truncated BPTT keeps in colour. Right: how far the truncated gradient is from the
    full one for every k, with the current k circled. Defaults: init_params(100, seed=0) and
    the training windows of rh.sine_windows(). params: dict from init_params; X (N, T, D); Y (N, O).
    truncation: the slider's first position, from 1 to T.
    """
    params, X, Y = _problem(params, X, Y, activation)
    check_int("truncation", truncation)
    return TruncationExplorer(params, X, Y, activation, truncation)


# ---------------------------------------------------------------------------------------------
# Notebook 4: vanishing against exploding
# ---------------------------------------------------------------------------------------------

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
        self.scale = widgets.FloatSlider(1.0, min=0.5, max=5.0, step=0.1, description="scale of W",
                                         readout_format=".1f", **slider_args())
        self.named = {"scale": self.scale}
        self.scale.value = self.checked({"scale": scale})["scale"]
        super().__init__([self.scale], self.compute(self.settings()))

    def build(self, fig, bottom):
        ax = fig.subplots()
        fig.subplots_adjust(left=0.13, right=0.98, bottom=bottom + 0.16 * (1 - bottom),
                            top=0.8 - 0.2 * bottom)       # room for a title of two lines
        plot_step_norms(ax, np.ones(self.X.shape[1]), color=COLORS["vermillion"],
                        label="norm of dloss/ds_t")
        level = ax.axhline(1.0, ls="--", lw=1, color=COLORS["black"],
                           label="its size at the last step")
        ax.set_ylim(*self.YLIM)
        ax.set_ylabel("norm of dloss/ds_t (log)")
        ax.legend(loc="lower left")
        fewer_ticks([ax])
        return types.SimpleNamespace(line=ax.lines[0], level=level, title=ax.set_title(""))

    def settings(self):
        scale = round(float(self.scale.value), 4)
        return _Scale(scale, scale * self.rho)

    def compute(self, settings):
        norms = step_gradient_norms(self.params, self.X, self.Y, self.activation, settings.scale)
        return ScaleState(settings, norms)

    def failed(self, settings, message):
        return ScaleState(settings, np.full(self.X.shape[1], np.nan))

    def describe(self, state):
        """The picture in words (its alt text): the slope of the gradient's norm and its verdict."""
        T = len(state.norms)
        return (f"The norm of dloss/ds_t at each time step t from 1 to {T}, on a fixed log scale, "
                f"for {state.settings.describe()}: going back from step {T} to step 1 it is "
                f"multiplied by {state.growth:.2g} ({state.verdict}); a dashed line marks its "
                f"size at step {T}, {state.norms[-1]:.2g}.")

    def draw_on(self, artists, state):
        norms = log_safe(state.norms)
        artists.line.set_ydata(norms)
        artists.level.set_ydata([norms[-1]] * 2)
        artists.title.set_text(f"{state.settings.describe()}:\nx{state.growth:.2g} "
                               f"from step {len(norms)} back to step 1 ({state.verdict})")


def weight_scale_explorer(params=None, X=None, Y=None, activation="tanh", scale=1.0):
    """A slider that multiplies W by a factor (0.5 to 5) and draws the norm of dloss/ds_t per step.

    The rest of params stays as it is; the text gives W's spectral radius at each position. The
    y axis is fixed, so that slopes can be compared between positions. Defaults: tanh,
    init_params(100, seed=0) and the training windows of rh.sine_windows() (notebook 4's setting).
    params: dict from init_params; X (N, T, D); Y (N, O). scale: the first position, 0.5 to 5.
    """
    params, X, Y = _problem(params, X, Y, activation)
    check_positive_float("scale", scale)
    return WeightScaleExplorer(params, X, Y, activation, float(scale))


def _problem(params, X, Y, activation):
    """The defaults of both sliders, and the checks of what was given instead."""
    check_activation(activation)
    if (X is None) != (Y is None):
        raise ValueError("pass both X and Y, or neither (for the training windows of sine_windows()).")
    if X is None:
        X, Y = sine_windows()[:2]
    if params is None:
        params = init_params(100, np.shape(X)[-1], np.shape(Y)[-1], seed=0)
    X, Y = check_inputs(params, X, Y)
    return params, X, Y


# ---------------------------------------------------------------------------------------------
# Notebook 10: the temperature of sampling
# ---------------------------------------------------------------------------------------------

#: The temperatures whose samples a view without a kernel shows as text (besides the slider's own)
STATIC_TEMPERATURES = (0.5, 1.0, 1.5)


class TemperatureSlider(widgets.VBox):
    """The temperature slider of notebook 10; build it with temperature_slider().

    .slider the control, .text the sample on display (without the prompt), .output the HTML
    widget that shows prompt and sample. Every move draws a new sample with rh.text.sample from
    the same seed, so only the temperature differs between two samples.
    """

    def __init__(self, params, vocab, prompt, n, temperature, seed):
        self.params, self.vocab, self.prompt, self.n, self.seed = params, vocab, prompt, n, seed
        self.slider = widgets.FloatSlider(value=temperature, min=0.2, max=2.0, step=0.1,
                                          description="temperature", readout_format=".1f",
                                          **slider_args())
        self.output = widgets.HTML()
        self.slider.observe(lambda change: self.resample(), names="value")
        self.resample()
        super().__init__([self.slider, self.output])

    def sample_at(self, temperature):
        """The text the model writes after the prompt at `temperature` (a str of n characters)."""
        from .. import text as tx
        ids = tx.sample(self.params, tx.encode(self.prompt, self.vocab), self.n,
                        temperature=temperature, seed=self.seed)
        return tx.decode(ids, self.vocab)

    def resample(self):
        self.text = self.sample_at(self.slider.value)
        escaped = html.escape(self.prompt + self.text, quote=False)
        self.output.value = f'<pre style="font-size: 16px; line-height: 1.35;">{escaped}</pre>'

    def _ipython_display_(self):
        """The accessibility script (a11y.js, once a page), then the widget."""
        from IPython.display import display
        display(accessibility_script())
        display(self._repr_mimebundle_(), raw=True)

    def _repr_mimebundle_(self, **kwargs):
        """The widget for a live front end; for a static one (no kernel), its samples as text:
        at the slider's temperature and at STATIC_TEMPERATURES."""
        data = super()._repr_mimebundle_(**kwargs)
        temperatures = sorted({round(self.slider.value, 1), *STATIC_TEMPERATURES})
        samples = {t: self.text if t == round(self.slider.value, 1) else self.sample_at(t)
                   for t in temperatures}
        note = ("Static text: the temperature slider needs a running kernel (run the notebook). "
                "Its samples, from the same random draws, at temperatures "
                + ", ".join(f"{t:g}" for t in temperatures) + ":")
        data["text/plain"] = note + "".join(f"\n\n--- temperature {t:g}:\n{self.prompt}{text}"
                                            for t, text in samples.items())
        data["text/html"] = f"<p><em>{html.escape(note)}</em></p>" + "".join(
            f"<p><strong>temperature {t:g}</strong></p><pre>"
            f"{html.escape(self.prompt + text, quote=False)}</pre>" for t, text in samples.items())
        return data


def temperature_slider(params, vocab, prompt, n=300, temperature=0.8, seed=0):
    """A slider for the temperature of sampling (0.2 to 2, steps of 0.1) from a character model.

    params: a character model's weights (rh.text: init_params(H, K, K), trained); vocab: its
    vocabulary (rh.text.char_vocab); prompt: the text the model reads first (a str whose
    characters are in vocab). Every move shows the prompt and the n characters the model writes
    after it at the new temperature, drawn from `seed`. Without a kernel the output shows the
    samples as text. Raises ValueError/TypeError naming a bad argument.
    """
    from .. import text as tx
    try:
        tx.encode(prompt, vocab)                   # checks prompt and vocab
    except (TypeError, ValueError) as err:
        raise type(err)(f"prompt: {err}") from None
    check_int("n", n, minimum=1)
    check_int("seed", seed, minimum=0)
    check_positive_float("temperature", temperature)
    if not 0.2 <= temperature <= 2.0:
        raise ValueError(f"temperature must be from 0.2 to 2 (the slider's range), got {temperature!r}.")
    return TemperatureSlider(params, vocab, prompt, n, float(temperature), seed)
