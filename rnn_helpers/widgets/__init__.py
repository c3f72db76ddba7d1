"""Live widgets: move a control, and the network is retrained (or its gradient recomputed) and redrawn.

    explorer()               notebook 6 (widgets.explorer_widget): hidden size, truncation, learning rate,
                             activation, clipping, epochs, seed and cell (each cell has its
                             defaults: CELL_DEFAULTS).
    truncation_explorer()    notebook 3 (widgets.sliders): the truncated against the full gradient.
    weight_scale_explorer()  notebook 4 (widgets.sliders): vanishing against exploding as W is scaled.
    temperature_slider()     notebook 10 (widgets.sliders): samples of a character model's text.
    attention_widget()       notebook 12 (widgets.attention): type a date, see its translation
                             and the attention heat map behind it.

Modules: live (the machinery every widget shares: last setting wins, checked values, a static
picture without a kernel), drawing (figures on Agg, PNG bytes), retraining (what one setting of the
explorer gives: Settings, CELL_DEFAULTS, retrain, Result, describe_result), explorer_widget (its
controls and picture), sliders, attention.
"""

from .attention import AttentionWidget, attention_widget, plot_attention
from .drawing import NOTE, png_bytes
from .explorer_widget import (BATCH_SIZE, CELL_DEFAULTS, CLIPPING, DEFAULTS, DTYPE, FULL_BPTT,
                              LATENCY_TARGETS, LEARNING_RATES, PER_CELL, Explorer, ExplorerPlot,
                              Result, Settings, advice, describe_result, diverged_message,
                              explorer, explorer_figure, retrain)
from .live import A11Y_JS, Cancelled, LiveFigure, accessibility_script
from .sliders import (STATIC_TEMPERATURES, TemperatureSlider, TruncationExplorer,
                      WeightScaleExplorer, temperature_slider, truncation_explorer,
                      weight_scale_explorer)

__all__ = ["NOTE", "png_bytes", "BATCH_SIZE", "CELL_DEFAULTS", "CLIPPING", "DEFAULTS", "DTYPE",
           "FULL_BPTT", "LATENCY_TARGETS", "LEARNING_RATES", "PER_CELL", "Explorer", "ExplorerPlot",
           "Result", "Settings", "advice", "describe_result", "diverged_message", "explorer",
           "explorer_figure", "retrain", "A11Y_JS", "Cancelled", "LiveFigure", "accessibility_script",
           "TruncationExplorer", "WeightScaleExplorer", "truncation_explorer",
           "weight_scale_explorer", "STATIC_TEMPERATURES", "TemperatureSlider",
           "temperature_slider", "AttentionWidget", "attention_widget", "plot_attention"]
