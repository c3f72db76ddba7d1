"""The machinery every live widget shares: controls, a text line and a picture that follow them.

Last setting wins. Inside a Jupyter kernel a change does not recompute at once: it asks for an
update a few milliseconds later on the kernel's event loop, and further changes that arrive meanwhile
(a dragged slider, a held arrow key) join that request instead of adding their own. The update
reads the controls when it runs, so it always uses the latest values, and the figure title and the
text line state the settings the picture was made with. Outside a kernel (tests, scripts) a change
updates at once. `set(...)` checks every value first, then changes several controls and updates
once, at once, anywhere; a bad value changes nothing.

Without a kernel (a notebook read on GitHub, or opened before it is run) there are no sliders: the
stored output then falls back to a picture of the settings it was displayed with, which says so.
"""

import asyncio
import base64
import numbers
import time
import warnings

import ipywidgets as widgets
import numpy as np

from .drawing import NOTE, course_style, new_figure, png_bytes

__all__ = ["LiveFigure", "check_control_value", "slider_args", "STYLE"]

STYLE = {"description_width": "100px"}


def slider_args(width="420px"):
    return dict(continuous_update=False, style=STYLE, layout=widgets.Layout(width=width))


def _running_loop():
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def check_control_value(control, value):
    """Check that `value` is one `control` can show; return it as the control holds it.

    Raises ValueError (TypeError for a wrong type) naming the control by its label and giving its
    range or its choices, so that nothing moves when one of several values is wrong.
    """
    label = control.description or "control"
    if hasattr(control, "options") and not isinstance(control, widgets.BoundedIntText):
        options = tuple(getattr(control, "_options_values", None) or control.options)
        # True == 1 and 1.0 == 1: a bool must not pass for a number, nor a number for a bool
        if value not in options or any(o == value and type(o) is not type(value)
                                       and (isinstance(o, bool) or isinstance(value, bool))
                                       for o in options):
            listing = ", ".join(f"{o:g}" if isinstance(o, float) else repr(o) for o in options)
            raise ValueError(f"{label}: {value!r} is not one of its choices ({listing}).")
        return value
    is_int = isinstance(control, (widgets.IntSlider, widgets.BoundedIntText))
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or \
            (is_int and not float(value).is_integer()):
        kind = "a whole number" if is_int else "a number"
        raise TypeError(f"{label} must be {kind} from {control.min} to {control.max}, got {value!r}.")
    if not control.min <= value <= control.max:
        raise ValueError(f"{label} must be from {control.min} to {control.max}, got {value!r}.")
    return int(value) if is_int else float(value)


class LiveFigure(widgets.VBox):
    """Controls, a text line and a picture: a change of a control recomputes and redraws.

    A subclass names its controls in `self.named` (attribute name -> widget), sets `figsize`
    (inches, without the footer) and defines settings() (the controls' values, hashable),
    compute(settings) (the work, returning a state with .settings and .text and never raising for
    bad settings), failed(settings, message) (a state that shows an error), build(fig, bottom)
    (make the artists on a new figure whose lowest `bottom` fraction holds a footer; returns them)
    and draw_on(artists, state) (put state's data into them). The live figure and the static
    picture for a front end without a kernel are both made by these two.
    Counters for tests: `requests` (changes seen) and `updates` (recomputations done).
    """

    delay = 0.02      # seconds without a change before an update starts, inside a kernel
    max_wait = 0.25   # seconds: while changes keep coming, update at least this often
    figsize = (9, 3.6)

    def __init__(self, controls, state, controls_box=None):
        self.controls = list(controls)
        self.state = state
        self.figure, self.artists = self._new_picture(state)
        self.requests = 0
        self.updates = 0
        self.timing = None      # (compute, draw) seconds of the last update, for the benchmark
        self._shown = state.settings     # the settings the picture and the text line show
        self._pending = None
        self._first_change = 0.0
        self._holding = False
        self._shown_text = self._text_html(state)
        self.text = widgets.HTML(self._shown_text)
        self.image = widgets.Image(value=png_bytes(self.figure), format="png",
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

    def build(self, fig, bottom):
        raise NotImplementedError

    def draw_on(self, artists, state):
        raise NotImplementedError

    # -- drawing -----------------------------------------------------------------------------
    def _new_picture(self, state, footer=None):
        with warnings.catch_warnings(), np.errstate(all="ignore"), course_style():
            warnings.simplefilter("ignore")
            fig, bottom = new_figure(*self.figsize, footer)
            artists = self.build(fig, bottom)
            self.draw_on(artists, state)
        return fig, artists

    def draw(self, state):
        """Show state on the live figure."""
        self.draw_on(self.artists, state)

    def static_png(self):
        """The current picture with a note that the sliders need a running kernel (PNG bytes)."""
        return png_bytes(self._new_picture(self.state, NOTE)[0])

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
        with warnings.catch_warnings(), np.errstate(all="ignore"), course_style():
            warnings.simplefilter("ignore")
            self.draw(state)
            return self.picture()

    def picture(self):
        """The live figure as PNG bytes (a subclass may redraw only what changed)."""
        return png_bytes(self.figure)

    def set(self, **values):
        """Set controls by name (see .named) and update once, now. Returns self."""
        values = self.checked(values)
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

    def checked(self, values):
        """values (control name -> value) checked against the controls, all before any moves.

        Raises ValueError/TypeError naming the control by its label, with its range or choices.
        """
        unknown = set(values) - set(self.named)
        if unknown:
            raise ValueError(f"unknown control(s) {sorted(unknown)}; the controls are {sorted(self.named)}.")
        return {name: check_control_value(self.named[name], value) for name, value in values.items()}

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
