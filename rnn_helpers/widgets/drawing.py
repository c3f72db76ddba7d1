"""Drawing for the live widgets: figures on matplotlib's Agg renderer, turned into PNG bytes.

Each explorer draws on a Figure of its own (Agg, not pyplot, so nothing is displayed twice) and
shows it as a PNG in an ipywidgets Image. Text is most of what a redraw costs, so axes keep few
ticks and labels sit at fixed places.
"""

import io
from contextlib import contextmanager

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import LogLocator, MaxNLocator, NullLocator
from matplotlib.transforms import Bbox, IdentityTransform, offset_copy
from PIL import Image

from ..plots import COLORS, use_course_style

__all__ = ["DPI", "NOTE", "OFF_SCALE", "new_figure", "png_bytes", "FastRedraw", "course_style", "log_safe",
           "log_problems", "off_scale", "fit_y", "fewer_ticks"]

DPI = 80                # pixels per inch of the explorers' pictures
NOTE = ("Static picture of the settings above: the sliders need a running kernel "
        "(run the notebook, or serve it with Voila).")


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
    about twice smaller (less to send to the browser and to store in the notebook) and is
    several times faster to encode than the full colour image.
    """
    with course_style():
        fig.canvas.draw()
    return _encode(fig.canvas)


def _encode(canvas):
    rgb = Image.fromarray(np.asarray(canvas.buffer_rgba())).convert("RGB")
    buf = io.BytesIO()
    # compress_level 1: a third of level 6's time for a PNG about a third larger (30 kB)
    rgb.quantize(256, method=Image.Quantize.FASTOCTREE).save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


class FastRedraw:
    """PNG bytes of a figure whose `changing` artists are redrawn over a saved picture of the rest.

    Text is most of what a full draw costs (tick labels, legends); when only lines, a shaded span
    and a few texts change, redrawing just those over a saved background is several times faster
    (matplotlib's "blitting"). png(keys) takes one key per Axes of `axes`: what that panel's
    background depends on (its limits, its tick locators). A panel whose key changed is drawn
    anew on its own, over a blank patch covering what it covered and will cover, and the saved
    background is updated; only when that patch would touch another panel or a figure text is the
    whole figure drawn again. Either way the pixels are those of a full draw (tests check it).
    """

    def __init__(self, fig, changing, axes):
        self.fig = fig
        # drawn in the order of their layers, as a full draw would (a line over a shaded span)
        self.changing = sorted(changing, key=lambda artist: artist.get_zorder())
        for artist in self.changing:
            artist.set_animated(True)        # left out of canvas.draw(), drawn by draw_artist
        self.axes = list(axes)
        self._keys = self._background = self._boxes = None
        self.full_draws = self.panel_draws = 0   # counters for the tests and the benchmark

    def png(self, keys):
        """The figure as PNG bytes. keys: one hashable per Axes of `axes`."""
        canvas = self.fig.canvas
        keys = list(keys)
        with course_style():
            if self._background is None or not self._redraw_panels(keys):
                canvas.draw()
                self._save(keys)
                self.full_draws += 1
            else:
                canvas.restore_region(self._background)
            for artist in self.changing:
                self.fig.draw_artist(artist)
        return _encode(canvas)

    def _save(self, keys):
        renderer = self.fig.canvas.get_renderer()
        self._background = self.fig.canvas.copy_from_bbox(self.fig.bbox)
        self._boxes = [ax.get_tightbbox(renderer) for ax in self.axes]
        self._keys = keys

    def _redraw_panels(self, keys):
        """Draw the panels whose key changed into the saved background, if they can be drawn
        alone; returns False when the whole figure must be drawn instead."""
        changed = [i for i, (new, old) in enumerate(zip(keys, self._keys)) if new != old]
        if not changed:
            return True
        renderer = self.fig.canvas.get_renderer()
        new_boxes = {i: self.axes[i].get_tightbbox(renderer) for i in changed}
        patches = {i: _pixel_box(Bbox.union([self._boxes[i], new_boxes[i]])) for i in changed}
        others = [box for i, box in enumerate(self._boxes) if i not in changed]
        others += [box for i, box in new_boxes.items()]
        others += [text.get_window_extent(renderer) for text in self.fig.texts
                   if text.get_visible() and not text.get_animated() and text.get_text()]
        for i, patch in patches.items():
            touching = [box for j, box in enumerate(others) if box is not new_boxes.get(i)]
            if any(patch.overlaps(box) for box in touching):
                return False
        self.fig.canvas.restore_region(self._background)
        for i, patch in patches.items():
            blank = Rectangle((patch.x0, patch.y0), patch.width, patch.height,
                              transform=IdentityTransform(), facecolor=self.fig.get_facecolor(),
                              edgecolor="none", antialiased=False, snap=True)
            blank.set_figure(self.fig)
            self.fig.draw_artist(blank)
            self.fig.draw_artist(self.axes[i])
        self._save(keys)
        self.panel_draws += len(changed)
        return True


def _pixel_box(box, margin=2):
    """box grown by `margin` pixels and rounded outwards to whole pixels."""
    return Bbox.from_extents(np.floor(box.x0) - margin, np.floor(box.y0) - margin,
                             np.ceil(box.x1) + margin, np.ceil(box.y1) + margin)


def log_safe(values):
    """values for a log axis: entries that are not finite and positive become NaN (not drawn)."""
    values = np.asarray(values, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where(np.isfinite(values) & (values > 0), values, np.nan)


def log_problems(values):
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


def off_scale(targets, y_hat):
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


def fit_y(ax, values, log=False, headroom=0.0):
    """Fit the y axis to the finite values, leaving `headroom` (a fraction) above for a legend.

    The ends are rounded outwards (a log axis to whole decades), so that the limits, and the tick
    labels drawn for them, stay the same for most changes of the data: see FastRedraw."""
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
        q = 1.0 if hi - lo <= 5 else 5.0     # decades per grid step: coarser for long ranges
        lo, hi = max(np.floor(lo / q) * q, -200.0), min(np.ceil(hi / q) * q, 200.0)
        ax.set_ylim(10.0 ** lo, 10.0 ** max(hi, lo + 1))
    else:         # ends on a grid of half the span's decade, for the same reason
        step = 10.0 ** np.floor(np.log10(max(hi - lo, 1e-300))) / 2
        bound = 1e300
        ax.set_ylim(max(np.floor(lo / step) * step, -bound), min(np.ceil(hi / step) * step, bound))


def fewer_ticks(axes):
    """Make redrawing cheaper: text is most of what it costs. Fewer tick labels, no minor ticks,
    and axis labels at fixed places (so matplotlib does not measure every tick label to place them;
    titles are fixed by the rcParam axes.titley, see course_style)."""
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
def course_style():
    """The course's matplotlib style for the block, whatever the global settings are."""
    with matplotlib.rc_context():
        use_course_style()
        matplotlib.rcParams["axes.titley"] = 1.02      # a fixed place: not measured at every draw
        yield
