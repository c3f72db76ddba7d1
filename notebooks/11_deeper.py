# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: mystnb,slideshow,tags,-all
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

# %% [markdown] slideshow={"slide_type": "slide"}
# # 11. Deeper networks: stacks, both directions, gated text models, and feeding predictions back
#
# **After this notebook you will be able to**
# - write the equations and shapes of a **stack** of recurrent layers (layer $l$'s states are
#   layer $l + 1$'s inputs) and count its parameters;
# - write those of a **bidirectional** layer, say why it cannot forecast, and name a task where it
#   is the right tool; write its forward pass yourself (an exercise with a check);
# - check the gradient of a two-layer bidirectional stack against finite differences;
# - compare depth with width at the same number of parameters, over seeds, and read the result
#   honestly; follow the gradient down through the layers;
# - train the LSTM and the GRU as character models and score them against the vanilla RNN and
#   counted $n$-grams at the same budget;
# - say what **teacher forcing** is, what **exposure bias** is, and train a forecaster on its own
#   fed-back predictions (**free running**) with the exact gradient through them.
#
# **You need:** notebooks [3](03_bptt.ipynb) (backpropagation through time),
# [8](08_lstm_gru.ipynb) (the gated cells and the cell protocol) and [10](10_text.ipynb) (the
# character model). **Time:** about 60 minutes. The symbols are listed in
# [notation.md](notation.md).
#
# Every model so far had one recurrent layer reading left to right. Frameworks offer two more
# choices on day one, PyTorch's `nn.GRU(..., num_layers=2, bidirectional=True)`: this notebook
# builds both from the cells you already have, then asks what a gated cell does for text, and what
# happens when a model trained on true inputs has to live on its own predictions.

# %% slideshow={"slide_type": "-"}
import time

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

import rnn_helpers as rh
from rnn_helpers import cells, deep, tagging
from rnn_helpers import free_running as fr
from rnn_helpers import text as tx
from rnn_helpers.exercises import choose, guessed, show_source
from rnn_helpers.plots import COLORS, use_course_style

use_course_style()
np.set_printoptions(precision=4, suppress=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Gated cells as text models
#
# Notebook 10 trained the vanilla RNN on *Hamlet* and found it between the counted 3-gram and
# 4-gram. Notebook 8 built the LSTM and the GRU for long memory. Does a gated cell make a better
# character model? `tx.train_text` takes any registered cell: its params say which
# (`cells.init_params(cell, H, K, K)`), and the loss, the chunks with the carried state and Adam
# are notebook 10's.
#
# **The same budget.** Two things are held equal: the number of weights (about 12,400, the RNN
# of notebook 10 with $H = 64$; an LSTM has four blocks of weights per unit and a GRU three, so they
# get fewer units) and the number of updates. The held-out text, the split and the $n$-grams are
# notebook 10's.

# %% slideshow={"slide_type": "-"}
text = tx.load_text()
vocab = tx.char_vocab(text)
K = len(vocab.chars)
ids = tx.encode(text, vocab)
split = len(ids) - len(ids) // 10                  # notebook 10's split: the last tenth held out
train_ids, val_ids = ids[:split], ids[split:]
TEXT_SIZES = {"rnn": 64, "lstm": 28, "gru": 34}    # hidden units: about 12,400 weights each
for cell, H in TEXT_SIZES.items():
    count = sum(v.size for v in cells.init_params(cell, H, K, K).values())
    print(f"{cell.upper():4s} H = {H}: {count:,} weights")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Each gated model costs about four times as long per update as the RNN here (the RNN has a fast
# path written for it; the gated cells run on the readable steps of the cell protocol), so within
# this notebook's time budget the run is short: **250 updates, 3 seeds**, 3 models each. That
# is fewer seeds than the course's rule of 5, so this table supports no "A beats B"; it shows where
# the three stand after a short run. `LONG_RUN = True` trains 2,000 updates on 5 seeds (a few
# minutes), enough to compare.

# %% slideshow={"slide_type": "-"}
LONG_RUN = False                              # True: 2,000 updates on 5 seeds (a few minutes)
TEXT_STEPS = 2000 if LONG_RUN else 250
TEXT_SEEDS = range(5) if LONG_RUN else range(3)
text_models = {}


def text_bits_for_seed(seed):
    """Held-out bits per character of each cell's model after TEXT_STEPS Adam updates."""
    row = {}
    for cell, H in TEXT_SIZES.items():
        params, _ = tx.train_text(cells.init_params(cell, H, K, K, seed=seed), train_ids,
                                  steps=TEXT_STEPS, seed=seed)
        text_models[cell, seed] = params
        row[cell.upper()] = tx.bits_per_char(params, val_ids)
    return row


t0 = time.perf_counter()
text_table = rh.over_seeds(text_bits_for_seed, seeds=TEXT_SEEDS)
text_seconds = time.perf_counter() - t0
ngram = {n: tx.ngram_bits_per_char(tx.fit_ngram(train_ids, n, K), val_ids) for n in (2, 3, 4, 5)}
print(f"held-out bits per character after {TEXT_STEPS} updates, {len(text_table)} seeds "
      f"(trained and scored in {text_seconds:.0f} s):")
for name in text_table:
    print(f"  {name:4s} {rh.seeds.mean_range(text_table[name])}")
for n in (2, 3, 4, 5):
    print(f"  {n}-gram, Witten-Bell (counted, no seed): {ngram[n]:.3f}")
print("seeds on which the GRU is below the RNN: "
      f"{rh.seeds.wins(text_table, 'GRU', 'RNN')} of {len(text_table)}; the LSTM below the RNN: "
      f"{rh.seeds.wins(text_table, 'LSTM', 'RNN')} of {len(text_table)}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# **What the short run shows.** After 250 updates the three are close together, between the
# 3-gram and the bigram or around the 3-gram, all far from the 4-gram; the printed wins say which
# is ahead on these seeds. A gated cell does not learn faster at the start: its gates first have
# to find settings that let information through, which the vanilla cell does not need. Whether
# the gates pay off later is what `LONG_RUN` measures. No model of this size beats the counted
# 5-gram within this budget.
#
# Samples after the short run, seed 0, temperature 0.5 (notebook 10 explains the temperature):

# %% slideshow={"slide_type": "-"}
prompt = tx.encode("\n\nHAMLET\n", vocab)
for cell in TEXT_SIZES:
    sample = tx.decode(tx.sample(text_models[cell, 0], prompt, 160, temperature=0.5, seed=0), vocab)
    print(f"--- {cell.upper()}:\n{sample}\n")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Teacher forcing against free running
#
# Notebooks 5 and 9 forecast several steps by feeding each prediction back in as the next input.
# The models were never trained that way: in training every input was a true value. That is
# **teacher forcing**: at every step the model is given the right input, whatever it predicted
# before. In a forecast it is given its own predictions, with their errors, a kind of input it
# never saw in training, and errors can pile up. The name for this mismatch is **exposure bias**.
#
# The remedy studied here is to train the way the model will be used: for the last $k$ steps of
# each training window, feed the model its own predictions, and let the loss judge them
# (**free running** for the last $k$ steps; *scheduled sampling*, Bengio et al. 2015, mixes the two
# at random and is not used here).
#
# **A one-step-ahead model** reads $x_1, x_2, \dots$ and predicts the next value at every step
# (any cell; here a GRU):
#
# $$
# \text{state}_t = \text{cell}(u_t, \text{state}_{t-1}), \qquad
# \underbrace{\hat y_t}_{(N, D)} = h_t V^\top + c \quad \text{predicts } x_{t+1}, \qquad
# u_t = \begin{cases} x_t & t \le T - k \\ \hat y_{t-1} & t > T - k \end{cases}
# $$
#
# with the loss $L = \frac{1}{N T} \sum_n \sum_{t=1}^{T} \tfrac12 \lVert \hat y_t - x_{t+1} \rVert^2$
# over windows of $T + 1$ values. $k = 0$ is teacher forcing.
#
# **The gradient through the fed-back predictions.** With $k > 0$, $\hat y_t$ reaches the loss twice:
# directly, and as the next input $u_{t+1}$. The cell protocol's `step_backward` already returns
# $du_t$ (its `dx_t`), so walking back from $t = T$ the chain rule adds the two:
#
# $$
# \underbrace{d\hat y_t}_{(N, D)} = \frac{\hat y_t - x_{t+1}}{N T} + \underbrace{du_{t+1}}_{\text{only if } u_{t+1} = \hat y_t},
# \qquad dV \mathrel{+}= d\hat y_t^\top h_t, \qquad dh_t \mathrel{+}= d\hat y_t\, V,
# $$
#
# then the cell's own step back. `rnn_helpers.free_running` does exactly this (its readable version,
# one record at a time, is below); its tests hold it to fourth-order finite differences for every
# cell, and show that dropping the $du_{t+1}$ term (treating the fed-back predictions as constants)
# fails that check.

# %% slideshow={"slide_type": "-"}
show_source(fr.loss_and_grads_loop)

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Check** on a small problem (a GRU with $H = 3$, 2 records of 7 values, the last 3 of the 6
# inputs fed back): the gradient against fourth-order finite differences (notebook 3's check,
# tolerance $10^{-7}$).

# %% slideshow={"slide_type": "-"}
rng = np.random.default_rng(0)
small = {k: v + rng.normal(0.0, 0.3, v.shape) for k, v in cells.init_params("gru", 3, 1, 1).items()}
small_series = rng.normal(size=(2, 7, 1))
_, g_exact = fr.loss_and_grads(small, small_series, feed_back=3)
numeric = rh.numerical_gradient(lambda p: fr.free_running_loss(p, small_series, 3), small)
errors = {k: rh.relative_error(g_exact[k], numeric[k]) for k in small}
rh.assert_gradients_match(errors, tol=1e-7)
print("exact gradient, relative error per key: "
      + ", ".join(f"{k} {e:.0e}" for k, e in errors.items()) + "  (tolerance 1e-07): passes")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Where exposure bias shows
#
# On the clean sine of the course a small model predicts one step almost exactly, so there is
# little error to pile up (try it: exercise 3). It shows on **noisy** data: the series is
# $x_t = \sin(0.3 t) + 0.5 \sin(0.9 t + 1) + \varepsilon_t$ with noise $\varepsilon_t$ of standard
# deviation 0.2, 400 values. Training windows of $T + 1 = 31$ values start every 2 steps in the
# first 200; the held-out windows start every 5 steps from 200 on: the model reads 20 observed
# values, then forecasts 40 by feeding its predictions back. The forecast is scored against the
# noise-free signal (we made the data, so we know it; the noise cannot be forecast).
#
# Two GRUs with $H = 8$, the same initial weights for each seed, the same 150 full-batch Adam
# updates (learning rate 0.02, clipping at 1): one trained with teacher forcing ($k = 0$), one with
# the last $k = 10$ of its 30 inputs fed back. 5 seeds.

# %% slideshow={"slide_type": "-"}
t_axis = np.arange(400)
signal = np.sin(0.3 * t_axis) + 0.5 * np.sin(0.9 * t_axis + 1.0)
observed = signal + 0.2 * np.random.default_rng(100).normal(size=400)
train_series = observed[np.arange(0, 170, 2)[:, None] + np.arange(31)][..., None]   # (85, 31, 1)
held_starts = np.arange(200, 341, 5)
held_series = observed[held_starts[:, None] + np.arange(60)][..., None]           # (29, 60, 1)
held_truth = signal[held_starts[:, None] + np.arange(20, 60)][..., None]          # (29, 40, 1)
FEED_BACK, WARMUP, HORIZONS = 10, 20, 40
ways = {"teacher forcing": 0, f"free running, last {FEED_BACK}": FEED_BACK}
horizon_errors, forecasters = {}, {}


def forecast_errors_for_seed(seed):
    """RMSE against the signal at horizons 1, 10, 40, for both ways of training one GRU."""
    row = {}
    for way, k in ways.items():
        start = cells.init_params("gru", 8, 1, 1, seed=seed)
        model, _ = fr.train(start, train_series, feed_back=k, epochs=150, learning_rate=0.02,
                            clip_norm=1.0, seed=seed)
        forecasters[way, seed] = model
        horizon_errors[way, seed] = e = fr.horizon_rmse(model, held_series, WARMUP, truth=held_truth)
        row.update({f"{way}, {h}": e[h - 1] for h in (1, 10, 40)})
    return row


t0 = time.perf_counter()
tf_table = rh.over_seeds(forecast_errors_for_seed)
print(f"5 seeds x 2 ways trained in {time.perf_counter() - t0:.1f} s; forecast RMSE against the "
      "signal, mean (range) over the seeds:")
print(f"{'horizon':>8s}   " + "   ".join(f"{way:>30s}" for way in ways))
for h in (1, 10, 40):
    print(f"{h:8d}   " + "   ".join(f"{rh.seeds.mean_range(tf_table[f'{way}, {h}']):>30s}"
                                    for way in ways))
free_way = f"free running, last {FEED_BACK}"
for h in (1, 10, 40):
    print(f"horizon {h:2d}: free running lower on {rh.seeds.wins(tf_table, f'{free_way}, {h}', f'teacher forcing, {h}')} of 5 seeds")

# %% mystnb={"image": {"alt": "Left: one held-out stretch of the noisy series, the noise-free signal, and the 40-step forecasts of both GRUs (seed 0) after reading 20 values. Right: forecast error against the signal by horizon, 1 to 40 steps, mean over 5 seeds with the range shaded: teacher forcing's error grows with the horizon, free running's stays lower and flatter."}} slideshow={"slide_type": "subslide"}
fig, (ax_ex, ax_err) = plt.subplots(1, 2, figsize=(12, 4))
n_show = 10                                                  # one held-out window
steps = np.arange(60)
ax_ex.plot(steps, held_series[n_show, :, 0], ".", color=COLORS["purple"], label="observed (noisy)")
ax_ex.plot(steps, signal[held_starts[n_show] + steps], "-", color=COLORS["black"], lw=1.5,
           label="signal")
colors = {"teacher forcing": COLORS["orange"], free_way: COLORS["blue"]}
for way in ways:
    path = fr.forecast(forecasters[way, 0], held_series[n_show:n_show + 1, :WARMUP], HORIZONS)
    ax_ex.plot(steps[WARMUP:], path[0, :, 0], "-", lw=2.5, color=colors[way], label=way)
ax_ex.axvline(WARMUP - 0.5, color=COLORS["black"], ls=":")
ax_ex.set_xlabel("step (20 read, then 40 forecast)")
ax_ex.set_ylabel("value")
ax_ex.set_title("One held-out window, seed 0")
ax_ex.legend(loc="lower left", fontsize=9, ncol=2)
h_axis = np.arange(1, HORIZONS + 1)
for way, style in zip(ways, ("o-", "s-")):
    E = np.array([horizon_errors[way, seed] for seed in range(5)])      # (5, 40)
    ax_err.plot(h_axis, E.mean(axis=0), style, ms=3, lw=2, color=colors[way], label=f"{way}, mean")
    ax_err.fill_between(h_axis, E.min(axis=0), E.max(axis=0), color=colors[way], alpha=0.2,
                        label=f"{way}, range of 5 seeds")
ax_err.set_xlabel("horizon (steps after the last value read)")
ax_err.set_ylabel("RMSE against the signal")
ax_err.set_ylim(0, None)
ax_err.set_title("Forecast error by horizon, 29 held-out windows")
ax_err.legend(loc="upper left", fontsize=9)
fig.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# READING-TF
