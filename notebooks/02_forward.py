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
# # 2. The forward pass: from a window to a prediction
#
# **After this notebook you will be able to**
# - compute one step of an RNN and then a whole window, and give the shape of every quantity;
# - write `step_forward` and `forward` yourself, and check them against the package's;
# - compute the loss, and say why the original tutorial's printed losses were around $10^5$;
# - explain the tutorial's position-by-position input and why the course uses one shared $U$;
# - explain why the tutorial's initial weights leave the network unable to learn.
#
# **You need:** [notebook 1](01_data.ipynb) (the windows `X` and targets `Y`), matrix products
# in numpy, and the sigmoid and tanh functions.
# **Time:** about 45 minutes. The symbols are listed in [notation.md](notation.md).
#
# **Exercises to write code.** Two functions of the package are yours to write as you go: A,
# `step_forward`, and B, `forward`. Each comes as a cell whose function only raises
# `NotImplementedError`; replace that line with your code. The cell after it checks your function on
# seeded random cases against the package's own, says in one line what is wrong (and recognises the
# classic mistakes), and from then on the notebook runs your function once it passes, the
# package's until then. So every cell works even before you have written anything.

# %% slideshow={"slide_type": "-"}
import inspect

import matplotlib.pyplot as plt
import numpy as np

import rnn_helpers as rh
from rnn_helpers import exercises
from rnn_helpers.exercises import guessed
from rnn_helpers.plots import COLORS, use_course_style

use_course_style()
np.set_printoptions(precision=4, suppress=True)

X, Y, X_val, Y_val = rh.sine_windows()
N, T, D = X.shape
print(f"X {X.shape} = (N, T, D),  Y {Y.shape} = (N, O)")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## One step
#
# An RNN reads a window one value at a time and keeps a *hidden state* $s_t$: a vector of $H$
# numbers that summarises what it has read so far. It starts from nothing, $s_0 = 0$, and at each
# step $t = 1, \dots, T$ mixes the new input with the old state:
#
# $$
# \underbrace{z_t}_{(H,)} = \underbrace{U}_{(H, D)}\,\underbrace{x_t}_{(D,)}
#   + \underbrace{W}_{(H, H)}\,\underbrace{s_{t-1}}_{(H,)} + \underbrace{b}_{(H,)},
# \qquad
# \underbrace{s_t}_{(H,)} = \operatorname{act}(z_t).
# $$
#
# $z_t$ is the *pre-activation*; $\operatorname{act}$ is applied to each entry, and is either the
# sigmoid $\sigma(z) = 1 / (1 + e^{-z})$ (values in $(0, 1)$) or $\tanh z$ (values in $(-1, 1)$).
# The same $U$, $W$ and $b$ are used at every step: that is what makes the network *recurrent*.
#
# The maths above is written for one record, with vectors as columns. The code keeps **one record
# per row**, so a batch of $N$ inputs $x_t$ is an $(N, D)$ array and the states are $(N, H)$. Transposing
# the column form gives the row form, for all $N$ records at once:
#
# $$
# \underbrace{Z_t}_{(N, H)} = \underbrace{X_t}_{(N, D)} U^\top + \underbrace{S_{t-1}}_{(N, H)} W^\top + b .
# $$
#
# **Exercise A: write `step_forward`.** Turn the row form into code: one line for $Z_t$, with
# `params["U"]`, `params["W"]` and `params["b"]` (in numpy, `A.T` is $A^\top$ and `@` the matrix
# product), and one that applies the activation, `rh.activate(z_t, activation)`, which knows
# `"sigmoid"` and `"tanh"`. A model without biases has no `"b"` in `params` (the tutorial's, below),
# so add it only `if "b" in params`. Replace the `raise` line, run the cell, then run the check.

# %% slideshow={"slide_type": "-"}
def step_forward(x_t, s_prev, params, activation="sigmoid"):
    """One time step: s_t = act(x_t U^T + s_{t-1} W^T + b).

    x_t: (N, D), s_prev: (N, H); params: a dict with "U" (H, D), "W" (H, H), and "b" (H,) when
    the model has biases. Returns s_t (N, H).
    """
    raise NotImplementedError("Exercise A: write step_forward from the row form under 'One step' above.")


# %% slideshow={"slide_type": "subslide"} tags=["solution"]
# Solution (the learner edition does not have this cell)
def step_forward(x_t, s_prev, params, activation="sigmoid"):
    """One time step: s_t = act(x_t U^T + s_{t-1} W^T + b).

    x_t: (N, D), s_prev: (N, H); params: a dict with "U" (H, D), "W" (H, H), and "b" (H,) when
    the model has biases. Returns s_t (N, H).
    """
    z_t = x_t @ params["U"].T + s_prev @ params["W"].T         # (N, H)
    if "b" in params:
        z_t = z_t + params["b"]                                 # b is broadcast over the N rows
    return rh.activate(z_t, activation)


# %% slideshow={"slide_type": "-"}
verdict = exercises.check_step_forward(step_forward)       # seeded cases against rh.step_forward
display(verdict)
run_step_forward = exercises.choose(verdict)               # yours once it passes, else the package's

# %% [markdown] slideshow={"slide_type": "subslide"}
# The package's `rh.step_forward` first checks its arguments (shapes, activation), so that a wrong
# call gets a clear message, and then runs these lines. Compare them with yours:

# %% slideshow={"slide_type": "-"}
exercises.show_source(rh.rnn._step_forward)     # shown once your step_forward passes

# %% [markdown] slideshow={"slide_type": "subslide"}
# Let us take one step with $H = 100$ hidden units on all 100 training windows at once. `X[:, 0]`
# is the first value of every window, $x_1$ for each record.

# %% slideshow={"slide_type": "-"}
H = 100
params = rh.init_params(H, seed=0)
for name, value in params.items():
    print(f"{name}: {value.shape}")

s0 = np.zeros((N, H))
x1 = X[:, 0]                     # (N, D): the first value of each window
s1 = run_step_forward(x1, s0, params, activation="tanh")
print("x_1:", x1.shape, "  s_0:", s0.shape, "  s_1:", s1.shape)
assert x1.shape == (N, D) and s1.shape == (N, H), (x1.shape, s1.shape)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The whole window
#
# Repeating the step $T$ times gives $s_1, \dots, s_T$. The prediction is read from the last state
# only, through a linear output layer:
#
# $$
# \underbrace{\hat y}_{(O,)} = \underbrace{V}_{(O, H)}\,\underbrace{s_T}_{(H,)} + \underbrace{c}_{(O,)},
# \qquad \text{in rows: } \underbrace{\hat Y}_{(N, O)} = S_T V^\top + c .
# $$
#
# In code this is a loop that calls `step_forward` $T$ times, keeping every state, and then one
# product for the prediction. Besides the predictions, `forward` returns a *cache*: everything the
# backward pass of notebook 3 will need, above all every state $s_0, \dots, s_T$.
#
# **Exercise B: write `forward`.** Start from $s_0 = 0$, an $(N, H)$ array of zeros, or from `s0`
# when it is given; call your `step_forward` for $t = 1, \dots, T$, keeping every state in a list;
# then compute $\hat Y$ (add `params["c"]` only `if "c" in params`). Return `Y_hat` and the cache,
# a dict with `"states"`, the states stacked into one $(T + 1, N, H)$ array with `np.stack`
# (`states[t]` $= s_t$, so `states[0]` $= s_0$), and the three things the backward pass reads back:
# `"X"`, `"activation"` and `"params"`. Mind the indexing: the maths counts steps from 1, numpy
# from 0, so $x_t$ is `X[:, t - 1]`.

# %% slideshow={"slide_type": "-"}
def forward(params, X, activation="sigmoid", s0=None):
    """Run the RNN over every window of X and predict from the last hidden state.

    params: dict with "U" (H, D), "W" (H, H), "V" (O, H), and "b" (H,), "c" (O,) when the model
    has biases.  X: (N, T, D).  s0: (N, H) starting state, zeros by default.
    Returns (Y_hat, cache): Y_hat (N, O); cache a dict with "states": (T + 1, N, H), states[t] = s_t
    (states[0] = s_0), and "X", "activation", "params" as given.
    """
    raise NotImplementedError("Exercise B: write forward from 'The whole window' above.")


# %% slideshow={"slide_type": "subslide"} tags=["solution"]
# Solution (the learner edition does not have this cell)
def forward(params, X, activation="sigmoid", s0=None):
    """Run the RNN over every window of X and predict from the last hidden state.

    params: dict with "U" (H, D), "W" (H, H), "V" (O, H), and "b" (H,), "c" (O,) when the model
    has biases.  X: (N, T, D).  s0: (N, H) starting state, zeros by default.
    Returns (Y_hat, cache): Y_hat (N, O); cache a dict with "states": (T + 1, N, H), states[t] = s_t
    (states[0] = s_0), and "X", "activation", "params" as given.
    """
    N, T, _ = X.shape
    H = params["W"].shape[0]
    S = [np.zeros((N, H)) if s0 is None else s0]              # S[t] = s_t
    for t in range(1, T + 1):
        S.append(step_forward(X[:, t - 1], S[t - 1], params, activation))
    Y_hat = S[T] @ params["V"].T                              # (N, O)
    if "c" in params:
        Y_hat = Y_hat + params["c"]
    cache = {"states": np.stack(S), "X": X, "activation": activation, "params": params}
    return Y_hat, cache


# %% slideshow={"slide_type": "-"}
verdict = exercises.check_forward(forward)                 # seeded cases against rh.forward
display(verdict)
run_forward = exercises.choose(verdict)                    # yours once it passes, else the package's

# %% [markdown] slideshow={"slide_type": "subslide"}
# The package's `rh.forward` computes the same thing, arranged to run fast (the optional last part of
# this notebook, *Under the hood: why `forward` is fast*, shows how). Its docstring:

# %% slideshow={"slide_type": "-"}
print(inspect.getdoc(rh.forward))

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Check.** On the course's data, the forward pass the cells below use must give the same states
# and predictions as the package's, for both activations. The two may compute the same values by
# different arithmetic (for the sigmoid, `rh.forward` even works with rescaled weights), so they may
# differ in the last bits (around $10^{-16}$, depending on the machine), not more. The cell asserts
# a bound rather than printing those last bits, which change from one machine to another.

# %% slideshow={"slide_type": "-"}
for activation in ("sigmoid", "tanh"):
    Y_hat, cache = run_forward(params, X, activation=activation)
    states = cache["states"]                          # (T + 1, N, H), states[t] = s_t
    Y_hat_pkg, cache_pkg = rh.forward(params, X, activation=activation)
    worst = max(np.abs(cache_pkg["states"] - states).max(), np.abs(Y_hat_pkg - Y_hat).max())
    assert states.shape == (T + 1, N, H), states.shape
    assert Y_hat.shape == (N, 1), Y_hat.shape
    assert worst < 1e-12, f"{activation}: this forward and rh.forward differ by {worst}"
    print(f"{activation:7s}: states {states.shape}, Y_hat {Y_hat.shape}, "
          f"largest difference below 1e-14: {worst < 1e-14}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The loss
#
# How wrong are the predictions? For each record we take half the squared error
# $\tfrac12 \lVert \hat y - y \rVert^2$ and average over the $N$ records:
#
# $$
# L = \frac{1}{N} \sum_{n=1}^{N} \tfrac12 \lVert \hat y^{(n)} - y^{(n)} \rVert^2 \quad\text{(a scalar)}.
# $$
#
# The $\tfrac12$ makes the derivative tidy ($\partial L / \partial \hat y = (\hat y - y)/N$, in notebook 3).
# Averaging, rather than summing, makes $L$ independent of how many records there are, so training
# and validation losses can be compared.

# %% slideshow={"slide_type": "-"}
print(inspect.getsource(rh.mse_loss))

# %% slideshow={"slide_type": "-"}
Y_hat, _ = run_forward(params, X, activation="tanh")
Y_hat_val, _ = run_forward(params, X_val, activation="tanh")
loss, loss_val = rh.mse_loss(Y_hat, Y), rh.mse_loss(Y_hat_val, Y_val)
print(f"mean loss:  training {loss:.3g}, validation {loss_val:.3g}")
print(f"summed:     training {loss * len(Y):.3g}, validation {loss_val * len(Y_val):.3g}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The untrained network's loss is about the same on both sets, as it should be. The tutorial
# printed the *sum* over the records instead (its division was by the size of one target, which is 1).
# A sum over 100 training records is 100 times the mean, and over 50 validation records 50 times,
# which is why its validation loss was always about half its training loss. Its losses looked like
# $10^5$ for a second reason, its initial weights, which we meet below.
#
# ## The tutorial's input, position by position
#
# The tutorial does not feed $x_t$ itself at step $t$. It feeds a vector of length $T$ that is zero
# everywhere except entry $t$, which holds $x_t$. Its $U$ therefore has shape $(H, T)$, and
#
# $$
# U_\text{pos}\, x^\text{pos}_t = (\text{column } t \text{ of } U_\text{pos})\; x_t ,
# $$
#
# so step $t$ uses its own column of input weights. Nothing about the input is shared across time.
# (In numpy, which counts from 0, column $t$ is `U_pos[:, t - 1]`.)
#
# This is still the standard RNN, just with $D = T$ inputs per step of which only one is non-zero.
# We can build such inputs from our windows (data construction only) and run the usual `forward`:

# %% slideshow={"slide_type": "-"}
X_pos = np.zeros((N, T, T))
steps = np.arange(T)
X_pos[:, steps, steps] = X[:, :, 0]              # X_pos[n, t, t] = x_t of record n
params_pos = rh.init_params(H, input_dim=T, seed=0)
Y_hat_pos, cache_pos = run_forward(params_pos, X_pos, activation="tanh")
print("X_pos", X_pos.shape, "  U", params_pos["U"].shape, "  Y_hat", Y_hat_pos.shape)

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Check.** At a step $t$, multiplying the masked input by the whole $U_\text{pos}$ is the same as
# multiplying $x_t$ by column $t$ alone; we take $t = 8$, which is array index `j = 7`. And if every
# column of $U_\text{pos}$ were the same vector $u$, the per-position network would be exactly the
# standard one with $U = u$: the standard form is the special case that shares the input weights
# across time.

# %% slideshow={"slide_type": "-"}
U_pos = params_pos["U"]
j = 7                                              # array index 7 is step t = 8
via_matrix = X_pos[:, j] @ U_pos.T                # (N, H): the whole U times the masked input
via_column = X[:, j] * U_pos[:, j]                # (N, H): x_t times its own column only
gap = np.abs(via_matrix - via_column).max()
assert gap < 1e-14, f"masked input != one column: {gap}"
print(f"step t = {j + 1}: the whole U_pos times the masked input equals x_t times column {j + 1}, "
      f"U_pos[:, {j}] (largest difference below 1e-14: {gap < 1e-14})")

shared = dict(params, U=np.repeat(params["U"], T, axis=1))   # every column is the shared U
Y_hat_shared, _ = run_forward(shared, X_pos, activation="tanh")
Y_hat_std, _ = run_forward(params, X, activation="tanh")
gap = np.abs(Y_hat_shared - Y_hat_std).max()
assert gap < 1e-12, f"shared columns != standard RNN: {gap}"
print(f"per-position RNN with equal columns = standard RNN "
      f"(largest difference below 1e-12: {gap < 1e-12})")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Why the course uses the standard, shared $U$:
#
# - **Fewer parameters.** The input weights number $H \cdot D$ instead of $H \cdot T$ (counted below).
# - **Sharing across time.** A rising sine should be read the same way at step 3 and at step 43.
#   With one $U$, what is learnt at one step applies to all; per-position weights must learn it 50 times.
# - **Any window length.** A trained standard RNN runs on windows of any length; a per-position one
#   only on windows of exactly $T$ values.
# - **Several features.** With $D$ input series, $x_t$ simply has $D$ entries (notebook 1); the
#   per-position trick would need $T \cdot D$ columns.

# %% slideshow={"slide_type": "-"}
def count(p):
    return sum(value.size for value in p.values())


print(f"input weights U: standard {params['U'].size} (H*D = {H}*{D}), "
      f"per-position {U_pos.size} (H*T = {H}*{T})")
print(f"all parameters:  standard {count(params)}, per-position {count(params_pos)}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The tutorial's initial weights
#
# The tutorial draws $U$, $W$ and $V$ from uniform(0, 1), has no biases, and uses the sigmoid.
# `init_params(..., scheme="tutorial", biases=False)` draws weights the same way. Watch the states:

# %% slideshow={"slide_type": "-"}
tut = rh.init_params(H, scheme="tutorial", biases=False, seed=0)
_, cache_tut = run_forward(tut, X, activation="sigmoid")
S_tut = cache_tut["states"]                         # (T + 1, N, H)
for t in (1, 2, 3, 4, 10, T):
    print(f"step {t:2d}: fraction of states exactly 1.0 = {np.mean(S_tut[t] == 1.0):.3f}")
assert all(np.all(S_tut[t] == 1.0) for t in range(3, T + 1)), "some state below 1.0 after step 2"
print("from step 3 to step 50, every state of every record is exactly 1.0")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Why? Look at the pre-activations $z_t = U x_t + W s_{t-1}$ (recomputed here from the stored states).
#
# - Step 1: $s_0 = 0$, so $z_1 = U x_1$ is small, and $s_1 = \sigma(z_1)$ is near 0.5.
# - Step 2: $W s_1$ adds up 100 positive weights (mean 0.5) times about 0.5: a few tens.
# - Step 3 on: $s_2$ is nearly 1, so $W s_2$ is close to the sum of a row of $W$: about 40 to 60.

# %% slideshow={"slide_type": "-"}
Z_tut = np.stack([X[:, t - 1] @ tut["U"].T + S_tut[t - 1] @ tut["W"].T for t in range(1, T + 1)])
for t in (1, 2, 3):
    print(f"z_{t}: from {Z_tut[t - 1].min():.3g} to {Z_tut[t - 1].max():.3g}")
print(f"smallest z_t over steps 3..50: {Z_tut[2:].min():.3g}")

z_grid = np.linspace(30, 45, 15001)
z_one = z_grid[np.argmax(rh.sigmoid(z_grid) == 1.0)]
print(f"sigmoid(z) rounds to exactly 1.0 in float64 from about z = {z_one:.3g}")
print(f"gap between 1.0 and the next float64 number below it: {np.finfo(float).epsneg:.2g}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# For large $z$, $\sigma(z) = 1 - e^{-z}$ to within rounding. Once $e^{-z}$ is smaller than about the
# gap between 1.0 and the next float64 number below it, $1.1 \times 10^{-16}$, the result rounds to
# exactly 1.0 (the exact threshold depends a little on how the sigmoid is computed). Every $z_t$ from
# step 3 on is above it, so every state is 1.0, whatever the input.
#
# Two consequences:
#
# - **Every record gets the same prediction**, $\hat y = V \mathbf{1}$, the sum of $V$'s entries:
#   about 45 for a target between $-1$ and 1. Summed over 100 records, as the tutorial did, the loss
#   is about $10^5$: the size of the tutorial's first printed losses.
# - **No gradient flows.** The sigmoid's derivative is $\sigma'(z) = s(1 - s)$, which is exactly 0
#   when $s = 1.0$. Notebook 3 shows that every gradient for $W$ and $U$ passes through these
#   factors, so $W$ and $U$ can never change; only $V$ learns. Notebook 5 trains it and sees this.

# %% slideshow={"slide_type": "-"}
Y_hat_tut, _ = run_forward(tut, X, activation="sigmoid")
spread = np.ptp(Y_hat_tut)
print(f"predictions: {Y_hat_tut[0, 0]:.4g} for every record (spread {spread:.1g}); "
      f"sum of V = {tut['V'].sum():.4g}")
print(f"loss: mean {rh.mse_loss(Y_hat_tut, Y):.3g}, summed over the records {rh.mse_loss(Y_hat_tut, Y) * N:.3g}")
deriv = rh.activation_derivative(S_tut[3:], "sigmoid")
assert spread == 0.0 and np.all(deriv == 0.0), "expected constant predictions and zero derivatives"
print(f"act'(z_t) = s(1 - s) for steps 3..50: every entry is {deriv.max():.1g}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Why the initial scale matters
#
# The default scheme draws every weight from uniform$(-1/\sqrt H, 1/\sqrt H)$: here $\pm 0.1$. Then
# $W s_{t-1}$ sums 100 terms of both signs that mostly cancel, $z_t$ stays of order 1, and the
# sigmoid works in its sensitive middle range, where different inputs give different states.
#
# What matters is whether $s_t$ still depends on the window. Below, for each step, the spread of
# the states *across the 100 records* (the standard deviation over records, averaged over the units),
# for the two initialisations, both with the sigmoid. A spread of 0 means every record has the same
# state: the network has forgotten its input.

# %% mystnb={"image": {"alt": "Spread of the hidden states across records at each time step, for the sigmoid network: with the tutorial's uniform(0, 1) weights it drops from about 0.09 at step 1 to nothing from step 2 on (exactly 0 from step 3), while with the default small weights it stays near 0.01 at every step."}} slideshow={"slide_type": "-"}
small = rh.init_params(H, seed=0)
_, cache_small = run_forward(small, X, activation="sigmoid")
S_small = cache_small["states"]


def spread_over_records(S):
    """Std of s_t over the records, averaged over the units, for t = 1 .. T. S: (T + 1, N, H)."""
    return S[1:].std(axis=1).mean(axis=1)


fig, ax = plt.subplots()
steps = np.arange(1, T + 1)
ax.plot(steps, spread_over_records(S_tut), "o-", ms=3, color=COLORS["vermillion"],
        label="tutorial: uniform(0, 1)")
ax.plot(steps, spread_over_records(S_small), "s-", ms=3, color=COLORS["blue"],
        label="default: uniform(-0.1, 0.1)")
ax.set_xlabel("time step t")
ax.set_ylabel("spread of $s_t$ across records")
ax.set_title("Do the hidden states still depend on the input? (sigmoid)")
ax.legend(loc="upper right")
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# The tutorial's states (circles) differ clearly between records at step 1, by a hair at step 2, and
# from step 3 not at all: the spread is exactly 0, every record has the same state, and the
# prediction cannot depend on the window. With the default scale (squares) the states keep
# differing between records at every step, and the spread is the same at every step. In numbers,
# for seed 0 and then for seeds 0 to 4 (a different draw of the weights does not change the picture):

# %% slideshow={"slide_type": "-"}
for S, name in [(S_tut, "tutorial"), (S_small, "default ")]:
    spread = spread_over_records(S)
    print(f"{name}: spread at steps 1, 2, 3, 50: "
          + ", ".join(f"{spread[t - 1]:.2g}" for t in (1, 2, 3, T))
          + f";  s_T from {S[T].min():.3g} to {S[T].max():.3g}")


def spread_at_T(seed):
    """Spread of s_T across records for both initialisations drawn from seed (sigmoid)."""
    starts = {"tutorial": rh.init_params(H, scheme="tutorial", biases=False, seed=seed),
              "default": rh.init_params(H, seed=seed)}
    return {name: spread_over_records(run_forward(start, X, activation="sigmoid")[1]["states"])[-1]
            for name, start in starts.items()}


spreads = rh.over_seeds(spread_at_T)                  # the same from seeds 0 to 4
print(f"spread at step 50, seeds 0-4: tutorial {spreads['tutorial'].max():.2g} at most; default "
      f"{rh.seeds.mean_range(spreads['default'], '.2g')}")
assert (spreads["tutorial"] == 0).all() and (spreads["default"] > 1e-3).all(), spreads

# %% [markdown] slideshow={"slide_type": "subslide"}
# So with the default scale the last state $s_T$ does depend on the input. But on *which* inputs? A
# constant spread suggests the state reflects the latest few values rather than piling up the whole
# window. Test it: set the first 40 of the 50 inputs of every window to zero, and separately the
# last 5, and see how far $s_T$ moves.

# %% slideshow={"slide_type": "-"}
S_T = S_small[T]
for what, steps_changed in [("first 40 inputs", slice(0, 40)), ("last 5 inputs  ", slice(T - 5, T))]:
    X_changed = X.copy()
    X_changed[:, steps_changed] = 0.0
    _, cache_changed = run_forward(small, X_changed, activation="sigmoid")
    moved = np.abs(cache_changed["states"][T] - S_T).max()
    print(f"{what} set to 0: s_T moves by at most {moved:.1e}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Wiping out four fifths of the window barely moves the last state, while the last 5 values move it
# visibly. The sigmoid network with these weights carries information about the *last few inputs*,
# not about the whole window: the influence of an input fades at every step. Notebook 3 measures
# how fast, and why.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Under the hood (optional): why `forward` is fast
#
# This part is for the curious; nothing later in the course depends on it. Training calls the
# package's `forward` thousands of times, so it arranges the loop of your `forward` for speed. Two tricks:
#
# - **One product per step.** The row $[s_{t-1}, x_t, 1]$ times $[W\;U\;b]^\top$ is
#   $s_{t-1} W^\top + x_t U^\top + b$, so each step is one matrix product and one `tanh`, written into
#   arrays allocated once. On matrices this small, the number of numpy calls per step is what costs time.
# - **Sigmoid in "tanh space".** $\sigma(z) = \tfrac12(\tanh(z/2) + 1)$, so the numbers
#   $h_t = 2 s_t - 1$ follow a tanh recurrence with rescaled weights, and $s_t$ is recovered at the end.
#
# The loop lives in `run_states`, and the matrix each row is multiplied by in `recurrence_matrix`,
# both in the package's module `rnn_helpers.speed` (the maths arranged for speed, which training runs).
# The check after Exercise B (and the package's tests) show that they give the same states as a loop
# of `step_forward`. (They are the package's answer to Exercise B, so they appear once your `forward`
# has passed its check.)

# %% slideshow={"slide_type": "-"}
from rnn_helpers.speed import recurrence_matrix, run_states

exercises.show_source(run_states, recurrence_matrix)     # shown once your forward passes

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - One step: $z_t = U x_t + W s_{t-1} + b$, $s_t = \operatorname{act}(z_t)$; in code, one record per
#   row, $x_t U^\top + s_{t-1} W^\top + b$ for all $N$ records at once. After $T$ steps,
#   $\hat y = V s_T + c$. `rh.forward` is `step_forward` repeated $T$ times, arranged for speed and
#   checked to give the same states.
# - The loss is the mean over records of $\tfrac12 \lVert \hat y - y \rVert^2$. The tutorial printed a sum.
# - The tutorial's position-by-position input is a standard RNN with $D = T$ and one-hot-masked
#   inputs: one column of $U$ per step, 50 times the input weights, no sharing across time.
# - Initial scale matters. With uniform(0, 1) weights and the sigmoid every state is exactly 1.0 from
#   step 3, so all predictions are equal and no gradient reaches $W$ or $U$. Weights of size
#   $1/\sqrt H$ keep $z_t$ of order 1: the last state then depends on the input, though mostly on
#   its last few values.
#
# **Next:** [3. Backpropagation through time](03_bptt.ipynb) computes the gradient of $L$ for every
# parameter, and checks it.
#
# ## Exercises
#
# **1. Predict, then run.** Take the default tanh network and multiply $W$ by 10. What will the
# hidden states do over the 50 steps? Write down a guess (stay small? grow without limit? something
# else?) before running the cell.

# %% slideshow={"slide_type": "-"} tags=["predict"]
# Exercise 1: write your guess first; the cell runs once my_guess holds it.
my_guess = "instructor edition: run as it is"   # your prediction, in words
if guessed(my_guess):
    big = dict(params, W=10 * params["W"])
    _, cache_big = run_forward(big, X, activation="tanh")
    S_big = cache_big["states"]
    for t in (1, 2, 3, 5, 10, T):
        print(f"step {t:2d}: largest |s_t| = {np.abs(S_big[t]).max():.3f}, "
              f"fraction with |s_t| > 0.99 = {np.mean(np.abs(S_big[t]) > 0.99):.2f}")
    Z_big = np.abs(np.stack([X[:, t - 1] @ big["U"].T + S_big[t - 1] @ big["W"].T + big["b"]
                             for t in range(5, T + 1)]))
    print(f"|z_t| over steps 5..50: median {np.median(Z_big):.2g}, "
          f"one in ten above {np.percentile(Z_big, 90):.2g}")

# %% [markdown] slideshow={"slide_type": "subslide"} tags=["solution"]
# <details><summary>Solution</summary>
#
# They cannot grow without limit: tanh keeps every state in $(-1, 1)$. With $W$ ten times larger,
# $|z_t|$ is several units (median 3.6, and one in ten above 8.8), and within a few steps most units
# (about 60%) are *saturated*, stuck near
# $+1$ or $-1$, where $\tanh'(z) = 1 - s^2$ is nearly 0. A saturated unit barely reacts to its input
# and barely passes a gradient back: the same illness as the tutorial's sigmoid, in a milder form.
# </details>

# %% [markdown] slideshow={"slide_type": "-"}
# **2. Count the parameters.** A network reads temperature and humidity ($D = 2$), has $H = 32$
# hidden units and predicts both ($O = 2$), with biases. How many numbers does it learn? Work it out
# from the shapes in the notation table, then replace `None` and run the check.

# %% slideshow={"slide_type": "-"}
from rnn_helpers.exercises import check_parameter_count   # computes the truth itself

my_count = None  # your answer here
print(check_parameter_count(my_count))

# %% [markdown] slideshow={"slide_type": "subslide"} tags=["solution"]
# <details><summary>Solution</summary>
#
# $U$: $32 \cdot 2 = 64$; $W$: $32 \cdot 32 = 1024$; $V$: $2 \cdot 32 = 64$; $b$: 32; $c$: 2.
# In all 1186. Note that $W$ dominates: the count hardly depends on $D$ or $O$.
# </details>

# %% [markdown] slideshow={"slide_type": "-"}
# **3. One record, in columns.** Your `forward` works on all records at once, one per row. Write
# the forward pass for *one* record in the column form of the maths: a loop over $t$ with
# `U @ x_t + W @ s + b` on vectors, then `V @ s + c`. Check that for record 0 you get
# `rh.forward(params, X)[0][0]` (use `np.allclose`).

# %% slideshow={"slide_type": "-"}
# Exercise 3: your code here

# %% [markdown] slideshow={"slide_type": "subslide"} tags=["solution"]
# <details><summary>Solution</summary>
#
# ```python
# def forward_one(p, x, activation="sigmoid"):      # x: (T, D)
#     s = np.zeros(p["W"].shape[0])                 # s_0 = 0, (H,)
#     for x_t in x:                                 # x_t: (D,)
#         s = rh.activate(p["U"] @ x_t + p["W"] @ s + p["b"], activation)
#     return p["V"] @ s + p["c"]                    # (O,)
#
# assert np.allclose(forward_one(params, X[0]), rh.forward(params, X)[0][0])
# ```
# </details>

# %% [markdown] slideshow={"slide_type": "-"}
# **4. Does tanh give up too?** The check above found that $\sigma(z)$ rounds to exactly
# 1.0 from about $z = 37$. Where does $\tanh z$ round to exactly 1.0? Would the tutorial's
# uniform(0, 1) weights saturate a tanh network too? Guess, then run the cell.

# %% slideshow={"slide_type": "-"} tags=["predict"]
# Exercise 4: write your guess first; the cell runs once my_guess holds it.
my_guess = "instructor edition: run as it is"   # your prediction, in words
if guessed(my_guess):
    z_grid_tanh = np.linspace(15, 25, 10001)
    z_one_tanh = z_grid_tanh[np.argmax(np.tanh(z_grid_tanh) == 1.0)]
    print(f"tanh(z) rounds to exactly 1.0 from about z = {z_one_tanh:.3g}")
    Y_hat_tanh, cache_tanh = run_forward(tut, X, activation="tanh")
    for t in (2, 3, 4, T):
        print(f"step {t:2d}: fraction of states exactly +1 or -1 = "
              f"{np.mean(np.abs(cache_tanh['states'][t]) == 1.0):.4f}")
    print("distinct predictions:", np.unique(Y_hat_tanh.round(4)))

# %% [markdown] slideshow={"slide_type": "subslide"} tags=["solution"]
# <details><summary>Solution</summary>
#
# $\tanh z = 1 - 2e^{-2z}$ to within rounding, which rounds to 1.0 once $2e^{-2z}$ is below about
# $1.1 \times 10^{-16}$: from about $z = 19$. With positive weights of mean 0.5 the pre-activations
# soon reach several tens, positive or negative, so yes: from step 4 every tanh state is exactly
# $+1$ or $-1$. Each record ends with all its units at the same sign, and the network makes just two
# predictions, $\pm$ the sum of $V$. The cure is the scale of the weights, not the activation.
# </details>
