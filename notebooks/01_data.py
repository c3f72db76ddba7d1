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
# # 1. Data preparation: from a sine wave to training windows
#
# **After this notebook you will be able to**
# - turn a series into input windows and next-value targets, and say the shape of each array;
# - explain why the last windows are held back for validation;
# - prepare several input series at once (say temperature *and* humidity) to predict one or more of them.
#
# **You need:** Python and numpy arrays (indexing, `shape`). No neural networks yet.
# **Time:** about 20 minutes. The symbols are listed in [notation.md](notation.md).
#
# This course builds a recurrent neural network (RNN) from scratch and follows the experiment of a
# widely read tutorial: given 50 consecutive values of a sine wave, predict the 51st.

# %% slideshow={"slide_type": "-"}
import inspect

import matplotlib.pyplot as plt
import numpy as np

import rnn_helpers as rh
from rnn_helpers.exercises import guessed
from rnn_helpers.plots import COLORS, plot_series, use_course_style

use_course_style()
np.set_printoptions(precision=4, suppress=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The series
#
# We sample $\sin(k)$ at the integers $k = 0, 1, \dots, 199$. One period of the sine is $2\pi \approx 6.28$,
# so there are about 6.28 samples per period: coarse, but enough to see the wave.

# %% slideshow={"slide_type": "-"}
k = np.arange(200)
series = np.sin(k)
print("series shape:", series.shape)
print("samples per period:", round(2 * np.pi, 2))

# %% mystnb={"image": {"alt": "The first 50 samples of sin(k) for k = 0 to 49, drawn as dots joined by a line: they swing between -1 and 1 about once every six steps, regular but not a smooth curve, since each step of 1 radian lands at a different phase."}} slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots()
plot_series(ax, series[:50], label="sin(k)", color=COLORS["blue"])
ax.set_title("The first 50 samples of sin(k)")
ax.set_ylabel("sin(k)")
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# The dots do not trace a smooth curve: with a step of 1 radian each sample lands at a different
# phase of the wave. The pattern is still perfectly regular, and that regularity is what the
# network will have to discover.
#
# ## Windows and targets
#
# A *record* is a window of $T = 50$ consecutive values; its *target* is the value right after it.
# Window $n$ holds $x_1, \dots, x_T = \sin(n), \dots, \sin(n + 49)$ and its target is $y = \sin(n + 50)$.
#
# | array | shape | meaning |
# |---|---|---|
# | `X` | $(N, T, D) = (100, 50, 1)$ | $N$ windows of $T$ steps, $D = 1$ feature per step |
# | `Y` | $(N, O) = (100, 1)$ | one target of $O = 1$ value per window |
#
# The last axis of `X` is the number of features per time step: 1 here, since we have one series.
# Keeping it, even when it is 1, means the same code later takes several series at once.
#
# Here is the package's general window maker (the notebooks show the package's code rather than
# keeping a copy of it):

# %% slideshow={"slide_type": "-"}
print(inspect.getsource(rh.make_windows))

# %% [markdown] slideshow={"slide_type": "subslide"}
# The line `series[starts[:, None] + np.arange(seq_len)]` builds all windows in one go: a column of
# start positions plus a row of offsets makes an $(N, T)$ table of indices.
#
# The course's data set uses it twice: windows starting at $0, \dots, 99$ for training and
# $100, \dots, 149$ for validation.

# %% slideshow={"slide_type": "-"}
print(inspect.getsource(rh.sine_windows))

# %% slideshow={"slide_type": "-"}
X, Y, X_val, Y_val = rh.sine_windows()
for name, arr in [("X", X), ("Y", Y), ("X_val", X_val), ("Y_val", Y_val)]:
    print(f"{name:6s} {arr.shape}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Check.** The shapes are the ones in the table, and every window and target is the slice of the
# series we said it is. If `sine_windows` were off by one anywhere, this cell would fail.

# %% slideshow={"slide_type": "-"}
assert X.shape == (100, 50, 1) and Y.shape == (100, 1), (X.shape, Y.shape)
assert X_val.shape == (50, 50, 1) and Y_val.shape == (50, 1), (X_val.shape, Y_val.shape)
for n in range(100):
    assert np.array_equal(X[n, :, 0], series[n:n + 50]) and Y[n, 0] == series[n + 50], n
for m in range(50):
    assert np.array_equal(X_val[m, :, 0], series[100 + m:150 + m]) and Y_val[m, 0] == series[150 + m], m
print("all 150 windows and targets match the series")

# %% mystnb={"image": {"alt": "One record: 50 input values of the sine series as blue dots, followed one step later by a vermillion square, the target the network must predict from them."}} slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots()
n = 10
plot_series(ax, X[n, :, 0], start=n, label=f"window n = {n} (the input)", color=COLORS["blue"])
ax.plot(n + 50, Y[n, 0], "s", ms=9, color=COLORS["vermillion"], label="its target y")
ax.set_title("One record: 50 inputs and the next value as target")
ax.set_ylim(-1.3, 1.8)
ax.legend(loc="upper center", ncol=2)
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# The square is the value the network must predict from the 50 dots before it.
#
# ## Why a validation set
#
# A model can do well on the windows it was trained on by memorising them. To learn whether it
# has learnt the *pattern*, we measure it on windows it never saw during training: the validation
# set. Its windows start at 100..149, after every training window's start.
#
# Be aware of what this split does and does not test. The windows overlap: a training window
# starting at 99 covers values 99..148, and validation windows start at 100. So the validation
# *inputs* reuse values the model has seen; what is new is each window as a whole and the 50 targets
# $\sin(150), \dots, \sin(199)$, which no training record has as its target.

# %% slideshow={"slide_type": "-"}
train_targets = set(range(50, 150))       # positions of the training targets in the series
val_targets = set(range(150, 200))
print("training targets at positions", min(train_targets), "to", max(train_targets))
print("validation targets at positions", min(val_targets), "to", max(val_targets))
print("targets shared by the two sets:", len(train_targets & val_targets))

# %% mystnb={"image": {"alt": "The sine series from step 50 to 199: training targets (blue dots) cover steps 50 to 149 and validation targets (vermillion rings) steps 150 to 199, so the model is judged on values further along than any it was trained on."}} slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots()
ax.plot(k[50:150], series[50:150], ".", color=COLORS["blue"], label="training targets")
ax.plot(k[150:200], series[150:200], "o", ms=4, mfc="none", color=COLORS["vermillion"],
        label="validation targets")
ax.set_xlabel("time step k")
ax.set_ylabel("sin(k)")
ax.set_title("Which part of the series each set asks the model to predict")
ax.set_ylim(-1.3, 1.8)
ax.legend(loc="upper center", ncol=2)
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# Training targets (dots) come from positions 50..149, validation targets (rings) from 150..199:
# the model is judged on values further along the series than any it was trained to predict.
#
# ## Several series in, one or several out
#
# A reader of the original tutorial asked how to predict tomorrow's temperature from the last 50
# days of temperature *and* humidity, or to predict both. The answer is one network, not two: an
# RNN takes a vector $x_t$ of $D$ features at every step and can output a vector of $O$ values.
# Only the shapes change: $U$ becomes $(H, D)$ and $V$ becomes $(O, H)$.
#
# Below, two made-up daily series (seeded, so they are the same every run) stand in for
# temperature and humidity.

# %% slideshow={"slide_type": "-"}
rng = np.random.default_rng(0)
days = np.arange(365)
temperature = 12 + 8 * np.sin(2 * np.pi * days / 365) + rng.normal(0, 1.0, days.size)
humidity = 70 - 10 * np.sin(2 * np.pi * days / 365) + rng.normal(0, 3.0, days.size)
weather = np.stack([temperature, humidity], axis=1)      # (time, D) = (365, 2)
print("weather shape:", weather.shape)

X_w, Y_temp = rh.make_windows(weather, seq_len=50, targets=0)        # predict temperature only
_, Y_both = rh.make_windows(weather, seq_len=50, targets=[0, 1])     # predict both
print("X_w    ", X_w.shape, "  (N, T, D): 2 features per step")
print("Y_temp ", Y_temp.shape, "  (N, O): temperature only")
print("Y_both ", Y_both.shape, "  (N, O): temperature and humidity")

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Check.** A network built for these shapes accepts the data and predicts the right number of
# values. `init_params(H, input_dim=D, output_dim=O)` sizes $U$ and $V$; the forward pass (notebook 2)
# gives one row of $O$ predictions per window.

# %% slideshow={"slide_type": "-"}
for Y_target in (Y_temp, Y_both):
    O = Y_target.shape[1]
    params = rh.init_params(16, input_dim=2, output_dim=O, seed=0)
    Y_hat = rh.predict(params, X_w, activation="tanh")
    assert params["U"].shape == (16, 2) and params["V"].shape == (O, 16)
    assert Y_hat.shape == Y_target.shape, (Y_hat.shape, Y_target.shape)
    print(f"O = {O}: U {params['U'].shape}, V {params['V'].shape}, predictions {Y_hat.shape}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# In practice you would also scale each feature (humidity in the 60s and temperature around 12 do
# not belong on the same scale for a network); the course's sine needs no scaling.
#
# Bad input gets a clear error. A series that is too short for the window says so and says what to do:

# %% slideshow={"slide_type": "-"}
try:
    rh.make_windows(np.sin(np.arange(30)), seq_len=50)
except ValueError as err:
    print("ValueError:", err)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - A record is a window `X[n]` of shape $(T, D)$ and its target `Y[n]` of shape $(O,)$; stacked, they
#   are $(N, T, D)$ and $(N, O)$.
# - The course uses windows of $\sin(k)$: 100 for training (starting at 0..99) and 50 for validation
#   (starting at 100..149), whose targets lie further along the series.
# - Several input series are several features per step; several outputs are several columns of `Y`.
#   One network handles both.
#
# **Next:** [2. The forward pass](02_forward.ipynb) turns a window into a prediction.
#
# ## Exercises
#
# **1. Predict, then run.** What happens if you ask for windows longer than the series allows,
# `rh.sine_windows(seq_len=60)`? Write down your guess (which error, and what it says), then run
# the cell below.

# %% slideshow={"slide_type": "-"} tags=["predict"]
# Exercise 1: write your guess first; the cell runs once my_guess holds it.
my_guess = "instructor edition: run as it is"   # your prediction, in words
if guessed(my_guess):
    try:
        rh.sine_windows(seq_len=60)
    except ValueError as err:
        print("ValueError:", err)

# %% [markdown] slideshow={"slide_type": "subslide"} tags=["solution"]
# <details><summary>Solution</summary>
#
# 100 training and 50 validation windows of 60 values, each with a target, need
# 100 + 50 + 60 = 210 points, but the series has 200. The function refuses and says which numbers
# to change, rather than silently returning fewer windows.
# </details>

# %% [markdown] slideshow={"slide_type": "-"}
# **2. Count the windows.** How many windows does `make_windows(np.sin(np.arange(300)), 50)`
# return? (With no `stop`, it takes every window whose target is still inside the series.)
# Work it out before you run anything: replace `None` with your number and run the check.

# %% slideshow={"slide_type": "-"}
from rnn_helpers.exercises import check_window_count   # computes the truth itself

my_count = None  # your answer here
print(check_window_count(my_count))

# %% [markdown] slideshow={"slide_type": "subslide"} tags=["solution"]
# <details><summary>Solution</summary>
#
# 250. A window starting at $n$ uses positions $n .. n + 49$ and its target is at $n + 50$,
# which must be at most 299; so $n$ runs from 0 to 249.
# </details>

# %% [markdown] slideshow={"slide_type": "-"}
# **3. Two steps ahead.** Use `make_windows(series, 50, horizon=2)` to build targets two steps ahead.
# What is `Y[0, 0]` in terms of $\sin$? Check your answer with `np.sin`.

# %% slideshow={"slide_type": "-"}
# Exercise 3: your code here

# %% [markdown] slideshow={"slide_type": "subslide"} tags=["solution"]
# <details><summary>Solution</summary>
#
# The window starting at 0 ends at position 49; two steps later is position 51, so
# `Y[0, 0] == np.sin(51)`.
# </details>

# %% [markdown] slideshow={"slide_type": "-"}
# **4. Your own data.** Build windows from `weather` that predict *humidity* only. Which value of
# `targets` do you need, and what is the shape of `Y`?

# %% slideshow={"slide_type": "-"}
# Exercise 4: your code here

# %% [markdown] slideshow={"slide_type": "subslide"} tags=["solution"]
# <details><summary>Solution</summary>
#
# `targets=1` (the second column); `Y` has shape `(315, 1)`.
# </details>
