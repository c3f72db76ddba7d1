"""rnn_helpers.plots: the palette's contrast (WCAG 2.1 AA asks 3:1 for the lines of a figure)."""

import pytest

from rnn_helpers import plots


def contrast(colour, background="#ffffff"):
    """WCAG 2.1 contrast ratio of two sRGB colours given as #rrggbb."""
    def luminance(hex_colour):
        channels = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    high, low = sorted((luminance(colour), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_formula_on_known_pairs():
    assert contrast("#000000") == pytest.approx(21.0)
    assert contrast("#ffffff") == pytest.approx(1.0)
    assert contrast("#999999") == pytest.approx(2.85, abs=0.01)     # reveal.js's old slide number


@pytest.mark.parametrize("name", [n for n in plots.COLORS if n != "yellow"])
def test_every_line_colour_has_3_to_1_against_white(name):
    assert contrast(plots.COLORS[name]) >= 3.0, (name, plots.COLORS[name])


def test_the_cycle_has_only_line_colours():
    assert all(contrast(colour) >= 3.0 for colour in plots.CYCLE)
    assert plots.COLORS["yellow"] not in plots.CYCLE


def test_predictions_are_drawn_in_vermillion():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    fig, ax = plt.subplots()
    plots.plot_predictions(ax, np.zeros((3, 1)), np.ones((3, 1)))
    colours = {line.get_label(): line.get_color() for line in ax.lines}
    plt.close(fig)
    assert colours["prediction"] == plots.COLORS["vermillion"]
