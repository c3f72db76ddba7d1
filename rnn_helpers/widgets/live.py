"""The machinery every live widget shares: controls, a text line and a picture that follow them.

Last setting wins. Inside a Jupyter kernel a change does not recompute at once: it asks for an
update a few milliseconds later on the kernel's event loop, and further changes that arrive meanwhile
(a dragged slider, a held arrow key) join that request instead of adding their own. The update
reads the controls when it runs, so it always uses the latest values, and the figure title and the
text line state the settings the picture was made with. Outside a kernel (tests, scripts) a change
updates at once. `set(...)` checks every value first, then changes several controls and updates
once, at once, anywhere; a bad value changes nothing.

A long recomputation (a subclass that defines compute_live) runs in a background thread inside a
kernel: the kernel keeps reading the controls meanwhile, the picture shows the work so far after
each block of it, and a newer change cancels the running work at once (its results are never
shown). Only the kernel's own thread touches widgets and figures; the worker only computes.

Without a kernel (a notebook read on GitHub, or opened before it is run) there are no sliders: the
stored output then falls back to a picture of the settings it was displayed with, which says so.

For screen readers: every control is named by its label, the picture's description (describe())
is its alt text, updated with every picture, and the text line is a polite live region. What
ipywidgets 8 cannot express (slider names and value texts, the live region, the alt text) is set
by a11y.js, which the course's Voila template carries and which each widget displays once before
itself in JupyterLab.
"""

import asyncio
import base64
from html import escape
import numbers
import pathlib
import threading
import time
import warnings

import ipywidgets as widgets
import numpy as np

from .drawing import NOTE, course_style, new_figure, png_bytes

__all__ = ["LiveFigure", "Cancelled", "check_control_value", "slider_args", "STYLE", "A11Y_JS",
           "accessibility_script"]

#: The script that gives the widgets' controls, text line and picture what screen readers need
A11Y_JS = (pathlib.Path(__file__).with_name("a11y.js")).read_text()


def accessibility_script():
    """An IPython Javascript object that runs A11Y_JS (once a page) in JupyterLab or Voila."""
    from IPython.display import Javascript
    return Javascript(A11Y_JS)


class Cancelled(Exception):
    """Raised inside a background computation that a newer change has made pointless."""

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
    block = 0.3       # seconds of background work between two pictures of its progress
    first = 0.1       # seconds: background work that ends sooner shows only its final picture
    figsize = (9, 3.6)

    def __init__(self, controls, state, controls_box=None):
        self.controls = list(controls)
        self.state = state
        self.figure, self.artists = self._new_picture(state)
        self.requests = 0
        self.updates = 0
        self.timing = None      # (compute, draw) seconds of the last update, for the benchmark
        self.progress_pictures = 0   # pictures of work in progress shown (background updates)
        self.cancelled = 0           # background updates cancelled by a newer change
        self._shown = state.settings     # the settings of the last finished update
        self._pending = None
        self._job = None                 # the background update running now, if any
        self._partial = False            # the picture shows work in progress, not self.state
        self._first_change = 0.0
        self._holding = False
        self._shown_text = self._text_html(state)
        self.text = widgets.HTML(self._shown_text)
        # The picture is an <img> with its alt text inside an HTML widget, not an Image widget:
        # ipywidgets 8's Image has no alt text, and its tooltip breaks its view (the view reads
        # a description that an Image does not have). Picture and description change together.
        self.png, self.alt = png_bytes(self.figure), self.describe(state)
        self.image = widgets.HTML(self._img_html(), layout=widgets.Layout(width="100%"))
        self.text.add_class("rnn-live-text")       # a polite live region (a11y.js)
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

    def describe(self, state):
        """The picture of `state` in words, for screen readers (its alt text); a subclass says
        what its panels show."""
        return f"{state.settings.describe()}: {state.text}"

    #: compute_live(settings, progress): as compute(settings), returning the same state, but
    #: calls progress.check() often (it raises Cancelled when the work is no longer wanted) and,
    #: when progress.wanted(), progress.show(partial_state) with the work so far. A subclass that
    #: defines it is updated in a background thread inside a kernel; None: compute() runs in the
    #: kernel's own thread.
    compute_live = None

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
        self._cancel_job()                # its settings are no longer the controls'
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
        loop = _running_loop()
        if self.compute_live is not None and loop is not None:
            self._start_job(loop)
        else:
            self.refresh()

    def refresh(self):
        """Recompute and redraw for the controls' current values, unless they are on display.
        Runs in the calling thread, and returns when the new picture is shown."""
        self._cancel_job()
        settings = self.settings()
        if self._unchanged(settings):
            return
        self._shown = settings
        self.updates += 1
        t0 = time.perf_counter()
        try:
            state = self.compute(settings)
        except Exception as err:  # noqa: BLE001  a slider must never raise into the kernel
            state = err
        self._finish(settings, state, time.perf_counter() - t0)

    def _unchanged(self, settings):
        """True (and the finished picture and text line restored) if settings are on display."""
        if settings != self._shown:
            return False
        if self._partial:                   # a cancelled update's work in progress is on display
            self._show(self.state)
        self.text.value = self._shown_text  # e.g. moved away and back: nothing to redo
        return True

    def _finish(self, settings, state, compute_seconds):
        """Show the finished `state` of `settings` (an exception: what went wrong)."""
        t1 = time.perf_counter()
        if isinstance(state, BaseException):
            state = self._failed_state(settings, f"{type(state).__name__}: {state}")
            if state is None:
                return
        try:
            self._show(state)
        except Exception as err:  # noqa: BLE001
            state = self._failed_state(settings, f"{type(err).__name__}: {err}")
            if state is None:
                return
        self.timing = (compute_seconds, time.perf_counter() - t1)
        self._shown_text = self._text_html(state)
        self.text.value = self._shown_text

    def _failed_state(self, settings, message):
        """Show the failed state for `message` and return it; if not even that can be drawn,
        say so on the text line, show no picture and return None."""
        try:
            state = self.failed(settings, message)
            self._show(state)
            return state
        except Exception:  # noqa: BLE001  not even an empty picture: say so, show none
            self.png, self.alt = b"", f"no picture: {message}"
            self.image.value = self._img_html()
            self._shown_text = f"<b>no result: {message}</b> &nbsp;({settings.describe()})"
            self.text.value = self._shown_text
            return None

    def _show(self, state, partial=False):
        """Draw `state` and send the picture with its description (one message)."""
        picture = self._draw_png(state)
        self.png, self.alt = picture, self.describe(state)
        self._partial = partial
        if not partial:
            self.state = state
        self.image.value = self._img_html()     # last: what observers of it read is up to date

    # -- background updates (compute_live, inside a kernel) ------------------------------------
    def _start_job(self, loop):
        settings = self.settings()
        if self._unchanged(settings):
            return
        self.updates += 1
        job = _Job(settings, loop, self.first, self.block, self._show_progress)
        self._job = job

        def work():
            t0 = time.perf_counter()
            try:
                state = self.compute_live(settings, job)
            except Cancelled:
                return
            except Exception as err:  # noqa: BLE001  shown, never raised into the kernel
                state = err
            if not job.cancelled.is_set():
                loop.call_soon_threadsafe(self._end_job, job, state, time.perf_counter() - t0)

        threading.Thread(target=work, name="rnn-live-update", daemon=True).start()

    def _show_progress(self, job, partial):
        try:
            if job is self._job:            # not cancelled meanwhile
                self._show(partial, partial=True)
                self.progress_pictures += 1
        except Exception:  # noqa: BLE001  the finished picture (or its message) follows
            pass
        finally:
            job.drawing.clear()

    def _end_job(self, job, state, compute_seconds):
        if job is not self._job:
            return
        self._job = None
        self._shown = job.settings
        self._finish(job.settings, state, compute_seconds)

    def _cancel_job(self):
        job, self._job = self._job, None
        if job is not None:
            job.cancelled.set()
            self.cancelled += 1

    @property
    def busy(self):
        """True while a background update runs."""
        return self._job is not None

    #: the classes of the picture's <img> (a11y.js and the course's Voila template find it by them)
    picture_class = "rnn-live-picture"

    def _img_html(self):
        """The picture (self.png) as an <img> with self.alt as its alt text, its size reserved."""
        if not self.png:
            return f'<p class="{self.picture_class}" role="img" aria-label="{escape(self.alt)}"></p>'
        width, height = (int(v) for v in self.figure.canvas.get_width_height())
        data = base64.b64encode(self.png).decode("ascii")
        return (f'<img class="{self.picture_class}" alt="{escape(self.alt)}" width="{width}" '
                f'height="{height}" style="max-width: 100%; height: auto; display: block" '
                f'decoding="sync" src="data:image/png;base64,{data}">')

    def _draw_png(self, state):
        """The picture of `state`: PNG bytes (warnings and floating-point errors silenced)."""
        with warnings.catch_warnings(), np.errstate(all="ignore"), course_style():
            warnings.simplefilter("ignore")
            self.draw(state)
            return self.picture()

    def picture(self):
        """The live figure as PNG bytes (a subclass may redraw only what changed)."""
        return png_bytes(self.figure)

    def set(self, **values):
        """Set controls by name (see .named) and update once, now (in this thread, also for a
        widget that updates in the background on a change of its controls). Returns self."""
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

    # -- display -----------------------------------------------------------------------------
    def _ipython_display_(self):
        """The accessibility script (a11y.js, once a page), then the widget, whose static picture
        carries its description as alt text (nbconvert reads it from the output's metadata)."""
        from IPython.display import display
        display(accessibility_script())
        display(self._repr_mimebundle_(), raw=True,
                metadata={"image/png": {"alt": self.describe(self.state) + " " + NOTE}})

    def _repr_mimebundle_(self, **kwargs):
        """The widget for a live front end; a picture and a note for a static one (no kernel)."""
        data = super()._repr_mimebundle_(**kwargs)
        data["image/png"] = base64.b64encode(self.static_png()).decode("ascii")
        data["text/plain"] = f"{self.state.text} ({self.state.settings.describe()}). {NOTE}"
        return data


class _Job:
    """One background update: its settings, and what its worker asks (the `progress` argument of
    compute_live). Pictures of its progress go to show(job, partial) on the kernel's loop, one at
    a time (none while the last is still being drawn): the first once `first` seconds of work
    have passed, then at most one per `block` seconds."""

    def __init__(self, settings, loop, first, block, show):
        self.settings = settings
        self.cancelled = threading.Event()
        self.drawing = threading.Event()    # a picture of its progress is on its way to the screen
        self._loop, self._block, self._show = loop, block, show
        self._start, self._first = time.perf_counter(), first
        self._last = None                   # when the last picture was sent (None: none yet)

    def check(self):
        """Raise Cancelled if a newer change has made this work pointless."""
        if self.cancelled.is_set():
            raise Cancelled

    def wanted(self):
        """True if a picture of the work so far would be shown now."""
        self.check()
        now = time.perf_counter()
        if self._last is None:
            return now - self._start >= self._first
        return not self.drawing.is_set() and now - self._last >= self._block

    def show(self, partial):
        """Send the state `partial` (work in progress) to the screen."""
        self.check()
        self._last = time.perf_counter()
        self.drawing.set()
        self._loop.call_soon_threadsafe(self._show, self, partial)
