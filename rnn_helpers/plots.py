"""Plots the notebooks share: one function per kind of figure, each drawing onto a given Axes.

Colours come from the Okabe-Ito palette, which stays distinguishable with the common forms of colour
blindness; targets are drawn as dots and predictions as lines, so the two differ in shape as well.
"""

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["COLORS", "CYCLE", "use_course_style", "plot_series", "plot_predictions",
           "plot_loss_curves", "plot_step_norms"]

# Okabe & Ito (2008), "Color Universal Design".
COLORS = {
    "blue": "#0072B2", "orange": "#E69F00", "green": "#009E73", "vermillion": "#D55E00",
    "sky": "#56B4E9", "purple": "#CC79A7", "yellow": "#F0E442", "black": "#000000",
}
CYCLE = [COLORS[k] for k in ("blue", "orange", "green", "vermillion", "purple", "sky", "black")]


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
    """values (time,) drawn against their time index start, start + 1, ..."""
    t = np.arange(start, start + len(values))
    ax.plot(t, values, marker=".", label=label, **kwargs)
    ax.set_xlabel("time step k")
    ax.set_ylabel("value")
    return ax


def plot_predictions(ax, Y_hat, Y, start=0, title=None):
    """Targets (dots) and predictions (line) for records start, start + 1, ...; Y_hat, Y (N, 1)."""
    t = np.arange(start, start + len(Y))
    ax.plot(t, np.asarray(Y)[:, 0], "o", ms=4, color=COLORS["black"], label="target")
    ax.plot(t, np.asarray(Y_hat)[:, 0], "-", lw=2, color=COLORS["orange"], label="prediction")
    ax.set_xlabel("window start")
    ax.set_ylabel("next value")
    ax.legend(loc="upper right")
    if title:
        ax.set_title(title)
    return ax


def plot_loss_curves(ax, history, title=None):
    """Training and validation loss per epoch from a History, on a log scale."""
    epochs = np.arange(1, len(history.train_loss) + 1)
    ax.semilogy(epochs, history.train_loss, "-", color=COLORS["blue"], label="training")
    if history.val_loss is not None:
        ax.semilogy(epochs, history.val_loss, "--", color=COLORS["vermillion"], label="validation")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss (log scale)")
    ax.legend(loc="upper right")
    if title:
        ax.set_title(title)
    return ax


def plot_step_norms(ax, norms, label=None, title=None, **kwargs):
    """A norm per time step, norms (T,) for t = 1 .. T, on a log scale (for vanishing gradients)."""
    t = np.arange(1, len(norms) + 1)
    ax.semilogy(t, np.maximum(norms, 1e-300), marker=".", label=label, **kwargs)
    ax.set_xlabel("time step t")
    ax.set_ylabel("norm (log scale)")
    if label:
        ax.legend(loc="best")
    if title:
        ax.set_title(title)
    return ax
