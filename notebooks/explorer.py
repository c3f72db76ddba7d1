# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,-all
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # A recurrent network that retrains as you move a control
#
# Each change retrains the network from scratch on a sine wave, from the same seed. Move **hidden
# size** (100, 10, 3, 1), **truncation** (1, 5, 50), **learning rate** (0.01 to 2, then **clipping**)
# and **cell** (RNN, LSTM or GRU: choosing one moves hidden size, learning rate and epochs to that
# cell's defaults, with which it learns the sine). Watch the RMSE line and the three panels: the
# predictions against the dots, the loss per epoch, and the gradient at each time step (shaded: the
# steps truncated BPTT uses).

# %% tags=["nbval-ignore-output"]
from rnn_helpers.widgets import explorer

explorer()
