"""Plots the notebooks share: one function per kind of figure, each drawing onto a given Axes.

Colours come from the Okabe-Ito palette, which stays distinguishable with the common forms of colour
blindness; targets are drawn as dots and predictions as lines, so the two differ in shape as well.
Two of its colours are darkened so that every line the course draws has a contrast of at least 3:1
against the white background (WCAG 2.1 AA, 1.4.11): "orange" (#E69F00 is 2.3:1) and "sky"
(#56B4E9 is 2.3:1). Yellow (1.3:1) only fills boxes that carry black text; predictions are drawn in
vermillion.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from ._checks import as_float_array, check_int, check_text

__all__ = ["COLORS", "CYCLE", "use_course_style", "plot_series", "plot_predictions",
           "plot_loss_curves", "plot_step_norms"]

# Okabe & Ito (2008), "Color Universal Design"; contrast against white in the comments (lines need 3:1).
COLORS = {
    "blue": "#0072B2",          # 5.2:1
    "orange": "#B36B00",        # 4.2:1, darkened from Okabe-Ito's #E69F00 (2.3:1)
    "green": "#009E73",         # 3.4:1
    "vermillion": "#D55E00",    # 3.9:1
    "sky": "#3A88C9",           # 3.8:1, darkened from Okabe-Ito's #56B4E9 (2.3:1)
    "purple": "#CC79A7",        # 3.1:1
    "yellow": "#F0E442",        # 1.3:1: box fills under black text only, never a line
    "black": "#000000",
}
CYCLE = [COLORS[k] for k in ("blue", "vermillion", "green", "orange", "purple", "sky", "black")]


def use_course_style():
    """Set matplotlib defaults for every figure of the course: palette, grid, readable sizes.

    Inside a Jupyter kernel it also selects the inline backend, so that figures appear in the
    notebook whatever the host sets (MPLBACKEND=Agg, common on servers and CI, would hide them).
    """
    _inline_in_a_kernel()
    plt.rcParams.update({
        "axes.prop_cycle": plt.cycler(color=CYCLE),
        "axes.grid": True, "grid.alpha": 0.3,
        "axes.spines.top": False, "axes.spines.right": False,
        "figure.figsize": (8, 3.2), "figure.dpi": 90,
        "font.size": 11, "legend.frameon": False,
    })


def _inline_in_a_kernel():
    try:
        from IPython import get_ipython
    except ImportError:                      # plain Python: nothing to display figures in
        return
    shell = get_ipython()
    if shell is not None and "IPKernelApp" in shell.config:
        shell.run_line_magic("matplotlib", "inline")


def plot_series(ax, values, start=0, label="series", **kwargs):
    """values (time,) drawn against their time index start, start + 1, ...

    NaN and inf are drawn as gaps. Raises TypeError/ValueError naming a bad argument.
    """
    ax = _check_ax(ax)
    values = as_float_array("values", values, ndim=1, what="(time,)", finite=False)
    start = check_int("start", start)
    label = check_text("label", label, allow_none=True)
    t = np.arange(start, start + len(values))
    ax.plot(t, values, marker=".", label=label, **kwargs)
    ax.set_xlabel("time step k")
    ax.set_ylabel("value")
    return ax


def plot_predictions(ax, Y_hat, Y, start=0, title=None):
    """Targets (dots) and predictions (line) for records start, start + 1, ...; Y_hat, Y (N, 1).

    With several outputs (N, O), the first column is drawn. Raises TypeError/ValueError naming a
    bad argument.
    """
    ax = _check_ax(ax)
    Y_hat = as_float_array("Y_hat", Y_hat, ndim=2, what="(N, 1)", finite=False)
    Y = as_float_array("Y", Y, ndim=2, what="(N, 1)", finite=False)
    if Y_hat.shape[0] != Y.shape[0] or 0 in Y_hat.shape or 0 in Y.shape:
        raise ValueError(f"Y_hat {Y_hat.shape} and Y {Y.shape} must hold the same number N >= 1 of "
                         "records, one prediction per target.")
    start = check_int("start", start)
    title = check_text("title", title, allow_none=True)
    t = np.arange(start, start + len(Y))
    ax.plot(t, Y[:, 0], "o", ms=4, color=COLORS["black"], label="target")
    ax.plot(t, Y_hat[:, 0], "-", lw=2, color=COLORS["vermillion"], label="prediction")
    return _labels(ax, "window start", "next value", title, legend="upper right")


def plot_loss_curves(ax, history, title=None):
    """Training and validation loss per epoch from a History, on a log scale.

    history: what rh.train returns second (anything with train_loss (epochs,) and val_loss
    (epochs,) or None). Raises TypeError naming history for anything else, such as the
    (model, history) pair itself.
    """
    ax = _check_ax(ax)
    train_loss, val_loss = _check_history(history)
    title = check_text("title", title, allow_none=True)
    epochs = np.arange(1, len(train_loss) + 1)
    ax.semilogy(epochs, train_loss, "-", color=COLORS["blue"], label="training")
    if val_loss is not None:
        ax.semilogy(epochs, val_loss, "--", color=COLORS["vermillion"], label="validation")
    return _labels(ax, "epoch", "loss (log scale)", title, legend="upper right")


def plot_step_norms(ax, norms, label=None, title=None, **kwargs):
    """A norm per time step, norms (T,) for t = 1 .. T, on a log scale (for vanishing gradients).

    NaN and inf are drawn as gaps. Raises TypeError/ValueError naming a bad argument.
    """
    ax = _check_ax(ax)
    norms = as_float_array("norms", norms, ndim=1, what="(T,)", finite=False)
    label = check_text("label", label, allow_none=True)
    title = check_text("title", title, allow_none=True)
    t = np.arange(1, len(norms) + 1)
    drawn = np.maximum(norms, 1e-300)
    # matplotlib's log autoscaling overflows above about 1e300: larger finite norms are drawn there
    drawn[np.isfinite(drawn) & (drawn > 1e300)] = 1e300
    with np.errstate(invalid="ignore"):
        ax.semilogy(t, drawn, marker=".", label=label, **kwargs)
    ax.set_xlabel("time step t")
    ax.set_ylabel("norm (log scale)")
    if label:
        ax.legend(loc="best")
    if title:
        ax.set_title(title)
    return ax


def _check_ax(ax):
    if not isinstance(ax, Axes):
        hint = ""
        if isinstance(ax, np.ndarray):
            hint = " plt.subplots(1, n) returns an array of Axes: pass one of them, e.g. axes[0]."
        elif hasattr(ax, "subplots"):
            hint = " This is a Figure: pass one of its Axes (fig, ax = plt.subplots())."
        raise TypeError(f"ax must be a matplotlib Axes, got {type(ax).__name__}.{hint}")
    return ax


def _check_history(history):
    """(train_loss, val_loss or None) from a History, checked."""
    if isinstance(history, tuple) and len(history) == 2 and hasattr(history[1], "train_loss"):
        raise TypeError("history must be a History, but this is the (model, history) pair that "
                        "train returns: pass its second item, e.g. model, history = rh.train(...).")
    if not (hasattr(history, "train_loss") and hasattr(history, "val_loss")):
        raise TypeError(f"history must be the History that rh.train returns (with train_loss and "
                        f"val_loss), got {type(history).__name__}.")
    train_loss = as_float_array("history.train_loss", history.train_loss, ndim=1, what="(epochs,)",
                                finite=False)
    val_loss = history.val_loss
    if val_loss is not None:
        val_loss = as_float_array("history.val_loss", val_loss, ndim=1, what="(epochs,)",
                                  finite=False)
        if val_loss.shape != train_loss.shape:
            raise ValueError(f"history.val_loss has {val_loss.size} entries but history.train_loss "
                             f"{train_loss.size}: plot_loss_curves needs one of each per epoch.")
    return train_loss, val_loss


def _labels(ax, xlabel, ylabel, title, legend=None):
    """Axis labels, a legend at `legend` (a matplotlib location, or None for none) and the title."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if legend:
        ax.legend(loc=legend)
    if title:
        ax.set_title(title)
    return ax
