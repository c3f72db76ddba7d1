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
# # 3. Backpropagation through time
#
# **After this notebook you will be able to**
# - derive the gradient of the loss with respect to every parameter of an RNN, line by line, with
#   the shape of every quantity;
# - write the backward pass yourself, one step (`step_backward`) and then the whole loop with
#   truncation (`backward`), and match each line to a rule of the derivation;
# - prove a gradient right (or wrong) with a numerical check, and choose that check's tolerance;
# - say exactly what truncated BPTT computes, and measure how far it is from the full gradient;
# - explain why the gradient fades as it travels back in time.
#
# **You need:** [notebook 2](02_forward.ipynb) (the forward pass and its cache), and the chain rule
# for functions of several variables.
# **Time:** about 65 minutes. The symbols are listed in [notation.md](notation.md).
#
# **Exercises to write code.** C, `step_backward`, and D, `backward`, are yours to write. As in
# notebook 2, each comes as a cell that only raises `NotImplementedError`; the cell after it checks
# your function against the package's on seeded random cases, names the classic mistakes when it
# sees one, and from then on the notebook runs yours once it passes, the package's until then.

# %% slideshow={"slide_type": "-"}
import matplotlib.pyplot as plt
import numpy as np

import rnn_helpers as rh
from rnn_helpers import exercises
from rnn_helpers.exercises import guessed, show_source
from rnn_helpers.plots import COLORS, plot_step_norms, use_course_style

use_course_style()
np.set_printoptions(precision=4, suppress=True)

X, Y, _, _ = rh.sine_windows()                     # the course problem: (100, 50, 1), (100, 1)
N, T, D = X.shape
print(f"course problem: X {X.shape}, Y {Y.shape}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The chain rule, from the loss back to every parameter
#
# Notebook 2 computed, for a batch of $N$ records kept one per row,
#
# $$
# z_t = x_t U^\top + s_{t-1} W^\top + b, \quad s_t = \operatorname{act}(z_t) \;\; (t = 1, \dots, T),
# \qquad \hat y = s_T V^\top + c, \qquad L = \frac{1}{N} \sum_{n} \tfrac12 \lVert \hat y^{(n)} - y^{(n)} \rVert^2 .
# $$
#
# Training needs $\partial L / \partial U$, $\partial L / \partial W$, and so on. We write
# $d\square$ for "the gradient of $L$ with respect to $\square$"; it always has the shape of $\square$.
# We walk backwards through the computation, one operation at a time, and number the rules we find
# (B1) to (B4), B for backward (the *time* steps are $t = 1, \dots, T$).
#
# **(B1) The loss.** Each prediction enters $L$ once, through its squared error:
#
# $$
# \underbrace{d\hat y}_{(N, O)} = \frac{\hat y - y}{N}.
# $$
#
# **(B2) The output layer** $\hat y = s_T V^\top + c$. Entry $V_{oh}$ multiplies $s_{T,h}$ in output $o$
# of every record, so its gradient sums over the records; the same for $c$. And $s_T$ reaches the loss
# through $V$:
#
# $$
# \underbrace{dV}_{(O, H)} = d\hat y^\top s_T, \qquad
# \underbrace{dc}_{(O,)} = \sum_{n} d\hat y, \qquad
# \underbrace{ds_T}_{(N, H)} = d\hat y\, V .
# $$
#
# **(B3) Back through the activation**, $s_t = \operatorname{act}(z_t)$ entry by entry, so its derivative
# is a product entry by entry ($\odot$):
#
# $$
# \underbrace{dz_t}_{(N, H)} = ds_t \odot \operatorname{act}'(z_t).
# $$
#
# **(B4) Back through the step** $z_t = x_t U^\top + s_{t-1} W^\top + b$. Written out entry by entry,
# $z_{t,ni} = \sum_j s_{t-1,nj} W_{ij} + \dots$ for record $n$ and unit $i$. So a nudge of $W_{ij}$
# moves $z_{t,ni}$ by $s_{t-1,nj}$ for every record, and a nudge of $s_{t-1,nj}$ moves every
# $z_{t,ni}$ by $W_{ij}$:
#
# $$
# \frac{\partial L}{\partial W_{ij}}\Big|_{\text{via step } t} = \sum_n dz_{t,ni}\, s_{t-1,nj} = (dz_t^\top s_{t-1})_{ij},
# \qquad
# \frac{\partial L}{\partial s_{t-1,nj}} = \sum_i dz_{t,ni}\, W_{ij} = (dz_t W)_{nj}.
# $$
#
# The same reasoning for $U$ and $b$ (and, in (B2), for $V$ and $c$) gives the contributions of time step $t$:
#
# $$
# dW \mathrel{+}= \underbrace{dz_t^\top s_{t-1}}_{(H, H)}, \qquad
# dU \mathrel{+}= \underbrace{dz_t^\top x_t}_{(H, D)}, \qquad
# db \mathrel{+}= \underbrace{\textstyle\sum_n dz_t}_{(H,)}, \qquad
# \underbrace{ds_{t-1}}_{(N, H)} = dz_t\, W .
# $$
#
# **Why "+=".** The same $W$, $U$ and $b$ are used at every step. When one variable feeds a result
# through several paths, the chain rule adds the contributions of the paths. So $dW$, $dU$ and $db$
# start at zero, and rules (B3) and (B4) are repeated for $t = T, T-1, \dots, 1$, each time step adding
# its share.
# $s_{t-1}$, in contrast, is used by one operation only (step $t$), so $ds_{t-1}$ is a plain
# assignment. This walk backwards through the steps is *backpropagation through time*.
#
# **Why $\operatorname{act}'$ can be written from $s_t$.** The forward pass stores the states, not
# the pre-activations, and we do not need the latter:
#
# $$
# \sigma'(z) = \sigma(z)\,(1 - \sigma(z)) = s_t (1 - s_t), \qquad
# \tanh'(z) = 1 - \tanh^2 z = 1 - s_t^2 .
# $$
#
# (The original tutorial multiplied by $z(1 - z)$, the formula applied to the pre-activation: that
# is not the derivative.) In the package:

# %% slideshow={"slide_type": "-"}
show_source(rh.activation_derivative)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The same rules in code
#
# **Exercise C: write `step_backward`.** One time step of the walk back, for all $N$ records at once
# (one per row): rule (B3), then (B4). From the gradient `ds_t` reaching $s_t$, and what the forward
# step saw and made ($x_t$, $s_{t-1}$, $s_t$), return $ds_{t-1}$ and this step's terms of $dU$,
# $dW$ (and $db$ when `params` has a `"b"`), summed over the records, in a dict. For $\operatorname{act}'$
# use `rh.activation_derivative(s_t, activation)`, printed above.

# %% slideshow={"slide_type": "-"}
def step_backward(ds_t, x_t, s_prev, s_t, params, activation="sigmoid"):
    """One step of BPTT: from dloss/ds_t to dloss/ds_{t-1} and this step's parameter gradients.

    ds_t: (N, H) the gradient reaching s_t.  x_t: (N, D), s_prev = s_{t-1}: (N, H), s_t: (N, H),
    as the forward step saw and made them.
    Returns (ds_prev, step_grads): ds_prev (N, H); step_grads a dict with this step's terms, summed
    over the N records: "U" (H, D), "W" (H, H), and "b" (H,) when the model has biases.
    """
    raise NotImplementedError("Exercise C: write step_backward from rules (B3) and (B4) above.")


# %% slideshow={"slide_type": "subslide"} tags=["solution"]
# Solution (the learner edition does not have this cell)
def step_backward(ds_t, x_t, s_prev, s_t, params, activation="sigmoid"):
    """One step of BPTT: from dloss/ds_t to dloss/ds_{t-1} and this step's parameter gradients.

    ds_t: (N, H) the gradient reaching s_t.  x_t: (N, D), s_prev = s_{t-1}: (N, H), s_t: (N, H),
    as the forward step saw and made them.
    Returns (ds_prev, step_grads): ds_prev (N, H); step_grads a dict with this step's terms, summed
    over the N records: "U" (H, D), "W" (H, H), and "b" (H,) when the model has biases.
    """
    dz_t = ds_t * rh.activation_derivative(s_t, activation)    # (B3)  (N, H)
    step_grads = {"U": dz_t.T @ x_t, "W": dz_t.T @ s_prev}      # (B4)  (H, D), (H, H)
    if "b" in params:
        step_grads["b"] = dz_t.sum(axis=0)                      # (B4)  (H,)
    ds_prev = dz_t @ params["W"]                                # (B4)  (N, H)
    return ds_prev, step_grads


# %% slideshow={"slide_type": "-"}
verdict = exercises.check_step_backward(step_backward)     # seeded cases against rh.step_backward
display(verdict)
run_step_backward = exercises.choose(verdict)              # yours once it passes, else the package's

# %% [markdown] slideshow={"slide_type": "subslide"}
# The package's `rh.step_backward` first checks its arguments, then runs these lines (shown once
# your `step_backward` has passed its check). Compare them with yours:

# %% slideshow={"slide_type": "-"}
show_source(rh.rnn._step_backward)

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Exercise D: write `backward`, the whole walk back.** It takes $d\hat Y = \partial L / \partial \hat Y$,
# an $(N, O)$ array (rule (B1) made it; it already holds the $1/N$), and the cache of the forward pass
# of notebook 2: `cache["states"][t]` is $s_t$, `cache["X"][:, t - 1]` is $x_t$, and
# `cache["params"]`, `cache["activation"]`. Start every gradient at zero, with the shape of its
# parameter (`np.zeros_like`); apply (B2) for $dV$, $dc$ and $ds_T$; then call `run_step_backward`
# (your `step_backward` once it has passed its check, the package's until then) for
# $t = T, T-1, \dots$, *adding* each step's terms and carrying $ds_{t-1}$ back.
#
# `truncate` says how far back to walk. `None` means all the way, $t = T, \dots, 1$ (full BPTT).
# `truncate=k` means only the last $k$ steps, $t = T, T-1, \dots, T-k+1$, and then stop; $k \ge T$
# is the same as full BPTT. What that computes exactly is the subject of *Truncated BPTT* below.
# Return a dict with the keys of `params` ($dV$, $dc$ from (B2); $dU$, $dW$, $db$ from the steps).

# %% slideshow={"slide_type": "-"}
def backward(dY_hat, cache, truncate=None):
    """Gradients of the loss given dY_hat = dloss/dY_hat (N, O) and the cache from forward.

    truncate: None (full BPTT) or k >= 1 (the last k steps, s_{T-k} held constant).
    Returns grads, a dict with the keys and shapes of params: "U" (H, D), "W" (H, H), "V" (O, H),
    and "b" (H,), "c" (O,) when the model has biases.
    """
    raise NotImplementedError("Exercise D: write backward from rules (B2) to (B4) and the loop above.")


# %% slideshow={"slide_type": "subslide"} tags=["solution"]
# Solution (the learner edition does not have this cell)
def backward(dY_hat, cache, truncate=None):
    """Gradients of the loss given dY_hat = dloss/dY_hat (N, O) and the cache from forward.

    truncate: None (full BPTT) or k >= 1 (the last k steps, s_{T-k} held constant).
    Returns grads, a dict with the keys and shapes of params: "U" (H, D), "W" (H, H), "V" (O, H),
    and "b" (H,), "c" (O,) when the model has biases.
    """
    params, states, X = cache["params"], cache["states"], cache["X"]
    T = X.shape[1]
    k = T if truncate is None else min(truncate, T)
    grads = {name: np.zeros_like(value) for name, value in params.items()}
    grads["V"] = dY_hat.T @ states[T]                          # (B2)  (O, H)
    if "c" in params:
        grads["c"] = dY_hat.sum(axis=0)                        # (B2)  (O,)
    ds = dY_hat @ params["V"]                                   # (B2)  ds_T, (N, H)
    for t in range(T, T - k, -1):                               # t = T, ..., T-k+1
        ds, step_grads = run_step_backward(ds, X[:, t - 1], states[t - 1], states[t], params,
                                           cache["activation"])  # (B3), (B4)
        for name, g in step_grads.items():
            grads[name] += g                                    # W, U, b are used at every step
    return grads


# %% slideshow={"slide_type": "-"}
verdict = exercises.check_backward(backward)               # seeded cases against rh.backward
display(verdict)
run_backward = exercises.choose(verdict)                   # yours once it passes, else the package's

# %% [markdown] slideshow={"slide_type": "subslide"}
# The package keeps a plain version of the same computation, one record and one step at a time,
# vectors as columns (`np.outer(dz, s[t - 1])` is $dz_t^\top s_{t-1}$ for a single record). Compare
# its loop with yours:

# %% slideshow={"slide_type": "-"}
show_source(rh.loss_and_grads_loop)

# %% [markdown] slideshow={"slide_type": "subslide"}
# Training uses the vectorized computation: `rh.loss_and_grads(params, X, Y, truncate, activation)`
# runs `rh.forward` and then `rh.backward(dY_hat, cache, truncate)`, the package's version of
# Exercise D, with all records at once, one record per row. How it is arranged for speed is an
# optional detail, at the end of this notebook (*Under the hood*).
#
# **Check.** On the course problem (100 records of 50 steps, $H = 100$), for both activations, the
# backward pass the cells below use (yours once it passes) must give the same gradients as the
# plain loop. They compute the same values by different arithmetic (sums in a different order,
# and for the sigmoid a forward pass with rescaled weights, see notebook 2), so they agree to
# rounding: the cell asserts a relative difference below $10^{-12}$ and prints whether it is even
# below $10^{-13}$ (the exact last digits vary from machine to machine).

# %% slideshow={"slide_type": "-"}
params = rh.init_params(100, seed=0)
for activation in ("sigmoid", "tanh"):
    loss_loop, grads_loop = rh.loss_and_grads_loop(params, X, Y, activation=activation)
    Y_hat, cache = rh.forward(params, X, activation)
    grads_vec = run_backward((Y_hat - Y) / N, cache)           # (B1), then the walk back
    loss_vec = rh.mse_loss(Y_hat, Y)
    worst = max(rh.relative_error(grads_vec[name], grads_loop[name]) for name in params)
    assert abs(loss_vec - loss_loop) <= 1e-12 * loss_loop, (loss_vec, loss_loop)
    assert worst < 1e-12, f"{activation}: loop and vectorized gradients differ by {worst:.1e}"
    print(f"{activation:7s}: loss {loss_vec:.4g}, largest relative difference over U, W, V, b, c "
          f"below 1e-13: {worst < 1e-13}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Agreement between two versions of the same derivation proves nothing about the derivation itself:
# both could be wrong in the same way. For that we need an independent check.
#
# ## A numerical gradient check
#
# A derivative is a limit of difference quotients, so we can estimate every entry of every
# gradient by nudging that one parameter and recomputing the loss. The package uses the
# **fourth-order centred difference**
#
# $$
# \frac{\partial L}{\partial p} \approx
# \frac{8\,[L(p + \epsilon) - L(p - \epsilon)] - [L(p + 2\epsilon) - L(p - 2\epsilon)]}{12\,\epsilon},
# $$
#
# whose error from the formula itself is of order $\epsilon^4$ (the plain centred difference
# $[L(p + \epsilon) - L(p - \epsilon)] / 2\epsilon$ has error of order $\epsilon^2$). With
# $\epsilon = 10^{-3}$ that is about $10^{-12}$, and rounding adds only about
# $10^{-16} \cdot L / \epsilon$. It costs four loss evaluations per parameter entry, so we check on a
# small problem: 5 windows of 12 steps, $H = 8$.

# %% slideshow={"slide_type": "-"}
show_source(rh.numerical_gradient)

# %% slideshow={"slide_type": "-"}
Xs, Ys, _, _ = rh.sine_windows(n_points=40, seq_len=12, n_train=5, n_val=0)
small = rh.init_params(8, seed=3)
Ts = Xs.shape[1]
print(f"small problem: X {Xs.shape}, Y {Ys.shape}, "
      f"{sum(v.size for v in small.values())} parameters")
for activation in ("sigmoid", "tanh"):
    print(f"loss with {activation}: {rh.mse_loss(rh.forward(small, Xs, activation)[0], Ys):.2g}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# `check_gradients` compares the backward pass with this numerical gradient, parameter by
# parameter, using the relative error $\lVert a - n \rVert / (\lVert a \rVert + \lVert n \rVert)$.
# It is 0 when the two are equal and at most 1, which it reaches only when one of them is zero or
# they point in opposite directions. Two unrelated gradients, at right angles and of equal length,
# score about 0.71. A few examples:

# %% slideshow={"slide_type": "-"}
a = np.array([3.0, 4.0])
for name, n in [("equal", a), ("off by 1e-6 in one entry", a + [1e-6, 0.0]),
                ("at right angles, same length", np.array([-4.0, 3.0])),
                ("opposite", -a), ("zero", np.zeros(2))]:
    print(f"{name:29s}: relative error {rh.relative_error(a, n):.2g}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Note the scale: changing one entry of $(3, 4)$, a vector of length 5, by $10^{-6}$ already scores
# $10^{-7}$.
# `assert_gradients_match` fails if any parameter's error is above that tolerance, $10^{-7}$.

# %% slideshow={"slide_type": "-"}
TOL = 1e-7
for activation in ("sigmoid", "tanh"):
    errors = rh.check_gradients(small, Xs, Ys, activation=activation)
    print(f"{activation:7s}: " + ", ".join(f"{name} {err:.1e}" for name, err in errors.items())
          + f"   (tolerance {TOL:.0e})")
    rh.assert_gradients_match(errors, tol=TOL)
print("both activations pass")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Every error is between about $10^{-14}$ and $10^{-11}$: four or more orders of magnitude below the
# tolerance.
#
# ### Why not the plain centred difference?
#
# The textbook check is $[L(p + \epsilon) - L(p - \epsilon)] / 2\epsilon$ with $\epsilon = 10^{-6}$.
# Its rounding error is about $10^{-16} \cdot L / \epsilon$, a few times $10^{-11}$ here, *in absolute
# terms*: the same for every entry, so it is large relative to small gradient entries. Here it is on the same
# problem, beside the fourth-order one: the relative error for each parameter as a whole, and for the
# worst single entry.

# %% slideshow={"slide_type": "-"}
def plain_centred_difference(f, p, eps=1e-6):
    """The textbook numerical gradient [f(p + eps) - f(p - eps)] / (2 eps), entry by entry."""
    grads = {}
    for name, value in p.items():
        g = np.zeros_like(value)
        for idx in np.ndindex(value.shape):
            plus, minus = value.copy(), value.copy()
            plus[idx] += eps
            minus[idx] -= eps
            g[idx] = (f(dict(p, **{name: plus})) - f(dict(p, **{name: minus}))) / (2 * eps)
        grads[name] = g
    return grads


def worst_entry(a, n):
    """The largest relative error of a single entry."""
    return float(np.max(np.abs(a - n) / np.maximum(np.abs(a) + np.abs(n), 1e-300)))


for activation in ("sigmoid", "tanh"):
    def full_loss(p):
        return rh.mse_loss(rh.forward(p, Xs, activation)[0], Ys)
    _, analytic = rh.loss_and_grads(small, Xs, Ys, activation=activation)
    fourth = rh.numerical_gradient(full_loss, small)
    plain = plain_centred_difference(full_loss, small)
    print(f"{activation}:")
    for name in small:
        print(f"  {name}: whole parameter  plain {rh.relative_error(analytic[name], plain[name]):.0e}"
              f"  4th-order {rh.relative_error(analytic[name], fourth[name]):.0e};"
              f"   worst entry  plain {worst_entry(analytic[name], plain[name]):.0e}"
              f"  4th-order {worst_entry(analytic[name], fourth[name]):.0e}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The plain difference is less accurate on every parameter, usually by a factor of several hundred
# or more. On single small entries (the tanh network's $W$) its error reaches several times
# $10^{-7}$: judged entry by entry, a *correct* gradient would fail a $10^{-7}$ tolerance, and a
# tolerance loose enough for the plain difference lets subtle mistakes through. The fourth-order
# check leaves room to spare.
#
# ### A check must fail when the gradient is wrong
#
# A check that always passes proves nothing. Below we spoil the correct gradient by 0.1% in a single
# entry of $dW$ (the largest one, out of 64) and check again.

# %% slideshow={"slide_type": "-"}
activation = "tanh"


def full_loss(p):
    return rh.mse_loss(rh.forward(p, Xs, activation)[0], Ys)


_, analytic = rh.loss_and_grads(small, Xs, Ys, activation=activation)
numeric = rh.numerical_gradient(full_loss, small)
spoilt = {name: g.copy() for name, g in analytic.items()}
i, j = np.unravel_index(np.argmax(np.abs(spoilt["W"])), spoilt["W"].shape)
spoilt["W"][i, j] *= 1.001
bad_errors = {name: rh.relative_error(spoilt[name], numeric[name]) for name in small}
print(f"relative error of W after spoiling one entry by 0.1%: {bad_errors['W']:.1e}")
try:
    rh.assert_gradients_match(bad_errors, tol=TOL)
except AssertionError as err:
    print("AssertionError:", err)
else:
    raise AssertionError("the check did not notice a wrong gradient")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The check catches it by a wide margin. Keep this habit: whenever you write a check, break the
# thing it checks once and watch it fail.
#
# ## Truncated BPTT, defined precisely
#
# Walking back all $T$ steps costs time proportional to $T$ for every update, and (as the last part
# of this notebook shows) the far steps contribute little. *Truncated* BPTT with `truncate=k` walks
# back the last $k$ steps only: rules (B3) and (B4) run for $t = T, T-1, \dots, T-k+1$, and then
# stop, as in your `backward`.
#
# What does it compute? Exactly the gradient of **the same loss with $s_{T-k}$ held constant**: if
# $s_{T-k}$ were a given input rather than a function of the parameters, the paths into the
# parameters through steps $1, \dots, T-k$ would not exist, and the chain rule would stop where the
# truncated loop stops. `truncated_loss` computes that objective: it runs the first $T - k$ steps with
# frozen parameters, then the last $k$ steps and the output with the parameters being varied.

# %% slideshow={"slide_type": "-"}
show_source(rh.truncated_loss)

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Check.** With $k = 3$ on the small problem ($T = 12$), the truncated gradient passes the numerical
# check against the truncated objective (which is what `check_gradients(..., truncate=k)` does), and
# fails it against the full objective: it is a different gradient, not a broken one.

# %% slideshow={"slide_type": "-"}
k = 3
for activation in ("sigmoid", "tanh"):
    def full_loss(p):
        return rh.mse_loss(rh.forward(p, Xs, activation)[0], Ys)
    vs_truncated = rh.check_gradients(small, Xs, Ys, truncate=k, activation=activation)
    _, trunc_grads = rh.loss_and_grads(small, Xs, Ys, truncate=k, activation=activation)
    numeric_full = rh.numerical_gradient(full_loss, small)
    vs_full = {name: rh.relative_error(trunc_grads[name], numeric_full[name]) for name in small}
    rh.assert_gradients_match(vs_truncated, tol=TOL)
    assert max(vs_full[n] for n in ("U", "W", "b")) > 1e-3, "truncation should change dU, dW, db"
    print(f"{activation}, k = {k}:")
    print("  against the truncated objective: "
          + ", ".join(f"{n} {e:.1e}" for n, e in vs_truncated.items()) + "   passes")
    print("  against the full objective:      "
          + ", ".join(f"{n} {e:.1e}" for n, e in vs_full.items()) + "   fails")

# %% [markdown] slideshow={"slide_type": "subslide"}
# $dV$ and $dc$ are the same either way (they depend on $s_T$ only); $dU$, $dW$ and $db$ are not.
#
# **Check.** With $k \ge T$ nothing is held constant, so truncation is full BPTT, bit for bit.

# %% slideshow={"slide_type": "-"}
_, full = rh.loss_and_grads(small, Xs, Ys, truncate=None, activation="tanh")
for k_big in (Ts, Ts + 1, 1000):
    _, trunc = rh.loss_and_grads(small, Xs, Ys, truncate=k_big, activation="tanh")
    same = all(np.array_equal(trunc[name], full[name]) for name in full)
    assert same, f"truncate={k_big} differs from full BPTT"
    print(f"truncate = {k_big:4d} (T = {Ts}): identical to full BPTT: {same}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Two warnings about what you may read elsewhere.
#
# - **A check with a huge truncation hides everything.** A gradient check run with a truncation
#   longer than the sequence, such as 1000, is full BPTT, as the cell above shows: it says nothing
#   about the truncated code that training actually uses. Check the
#   truncated gradient against the truncated objective, as above.
# - **"Detach the state every $k$ steps" is a different rule.** Some books cut the sequence into
#   pieces of $k$ steps and stop the gradient at each boundary. When the loss is at every step, each
#   piece then keeps up to $k$ steps. But our loss is at the last step only, and its gradient stops at
#   the *last* boundary before $T$. For $T = 50$ and $k = 20$ the boundaries are at 20 and 40, so
#   only the last 10 steps remain: not the last 20.

# %% slideshow={"slide_type": "-"}
def steps_kept_when_detaching(T, k):
    """Steps the final-step loss's gradient flows through when the state is detached every k steps."""
    last_boundary = k * ((T - 1) // k)
    return T - last_boundary


for k_detach in (5, 10, 15, 20, 30, 45):
    print(f"T = 50, detach every {k_detach:2d} steps: the gradient flows through the last "
          f"{steps_kept_when_detaching(50, k_detach):2d} steps")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## How far is the truncated gradient from the full one?
#
# On the course problem ($N = 100$, $T = 50$, `init_params(100, seed=0)`), we compute the gradient
# for every $k = 1, \dots, 50$ and its relative error against the full gradient, all five parameters
# taken as one vector. One forward pass serves every $k$: only the backward pass changes.

# %% slideshow={"slide_type": "-"}
def flat(grads):
    return np.concatenate([grads[name].ravel() for name in sorted(grads)])


ks = np.arange(1, T + 1)
trunc_error = {}
for activation in ("tanh", "sigmoid"):
    Y_hat, cache = rh.forward(params, X, activation)
    dY_hat = (Y_hat - Y) / N
    full_flat = flat(run_backward(dY_hat, cache))
    trunc_error[activation] = np.array(
        [rh.relative_error(flat(run_backward(dY_hat, cache, truncate=int(k))), full_flat) for k in ks])
    assert trunc_error[activation][-1] == 0.0, "k = T must be exact"

def show(err):
    """Errors below 1e-15 are rounding noise: show them as such rather than as digits."""
    return "exactly 0" if err == 0 else (f"{err:.1e}" if err >= 1e-15 else "<1e-15 (rounding)")


for k in (1, 2, 5, 10, 20, 30, 40, 50):
    print(f"k = {k:2d}: relative error  tanh {show(trunc_error['tanh'][k - 1]):>9s}   "
          f"sigmoid {show(trunc_error['sigmoid'][k - 1])}")

# %% mystnb={"image": {"alt": "Relative error of the truncated gradient against the full one, on a log scale, for truncation k from 1 to 49: both lines fall straight, the sigmoid's much more steeply, reaching rounding level by k = 20, while tanh is still near 1e-5 there."}} slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots()
for activation, color, marker in (("tanh", COLORS["blue"], "o"), ("sigmoid", COLORS["orange"], "s")):
    ax.semilogy(ks[:-1], trunc_error[activation][:-1], marker=marker, ms=3, color=color,
                label=activation)
ax.set_xlabel("truncation k (steps walked back)")
ax.set_ylabel("relative error (log scale)")
ax.set_title("Truncated against full gradient, course problem")
ax.legend(loc="upper right")
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# The error falls by a roughly constant factor for each step added: a straight line on the log scale.
# For the sigmoid it is much steeper and reaches rounding level (the flat floor) by $k = 20$; for
# tanh it is still about $10^{-5}$ there (seed 0's weights; the next section measures the cause,
# the vanishing gradient, for both activations over 5 seeds). ($k = 50 = T$ is exact, 0, which a
# log scale cannot show.)
# With $k = 5$, the truncation the course trains with in notebook 5, the gradient is off by a few
# percent for tanh: an approximation, but one that points nearly the same way. Why straight lines?
# The next section.
#
# **Try it: move the truncation.** The slider below draws, for the same weights and windows, two
# things at once. Left: the size of each step's term in the gradient of $W$, $U$ and $b$ (the term
# $dz_t^\top [s_{t-1}, x_t, 1]$ of the sum above); the $k$ steps that truncated BPTT keeps are in
# blue, the ones it leaves out in grey. Right: the relative error of the truncated gradient against
# the full one for every $k$ (the tanh curve of the plot above), your $k$ circled. Before you move
# it, guess: from which $k$ on does the error drop below $10^{-3}$? (The slider needs a running
# kernel; without one you see a still picture of $k = 5$.)

# %% mystnb={"image": {"alt": "The truncation slider's still picture at k = 5 (relative error 0.03): left, the size of each step's part of the gradient, rising toward step 50, with the last 5 steps marked as kept; right, the relative error against k falling in a straight line on a log scale, k = 5 circled."}} slideshow={"slide_type": "-"}
# NBVAL_IGNORE_OUTPUT  (a widget: its model ids change on every run; the next cell checks its numbers)
from rnn_helpers import widgets

truncation_slider = widgets.truncation_explorer(params, X, Y, activation="tanh", truncation=5)
truncation_slider

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Check.** The slider shows the errors measured above, computed another way: as the sum of the
# kept steps' terms, compared with the sum of all of them.

# %% slideshow={"slide_type": "-"}
contributions, errors = rh.truncation_profile(params, X, Y, activation="tanh")
assert np.allclose(errors, trunc_error["tanh"], rtol=1e-6, atol=1e-14), \
    "the slider must show the truncation errors measured above"
print(f"k = 5: relative error {errors[4]:.1e} (measured above: {trunc_error['tanh'][4]:.1e})")
print(f"smallest k with an error below 1e-3: {int(np.argmax(errors < 1e-3)) + 1}")
print(f"step T's term is {contributions[-1] / contributions[0]:.1e} times step 1's")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Vanishing gradients
#
# `state_gradients` returns $ds_t = \partial L / \partial s_t$ for every step $t$ (full BPTT); for
# the vanilla RNN it runs `rh.rnn.state_gradients`, shown here (other cells walk back the same way).
# Its size says how much the loss can feel a change of the state at step $t$, and so how much step
# $t$ contributes to $dW$ and $dU$.

# %% slideshow={"slide_type": "-"}
show_source(rh.rnn.state_gradients)

# %% slideshow={"slide_type": "-"}
norms = {}
for activation in ("tanh", "sigmoid"):
    dS = rh.state_gradients(params, X, Y, activation)          # (T, N, H), dS[t - 1] = ds_t
    norms[activation] = np.linalg.norm(dS, axis=(1, 2))        # (T,)
    reaches = norms[activation][0] / norms[activation][-1]
    print(f"{activation:7s}: |ds_T| = {norms[activation][-1]:.2e}, |ds_1| = {norms[activation][0]:.2e}, "
          f"ratio |ds_1| / |ds_T| = {reaches:.1e}")


def log_ratio(seed):
    """log10 of |ds_1| / |ds_T| for both activations, from init_params(100, seed)."""
    out = {}
    for activation in ("tanh", "sigmoid"):
        n = np.linalg.norm(rh.state_gradients(rh.init_params(100, seed=seed), X, Y, activation), axis=(1, 2))
        out[activation] = np.log10(n[0] / n[-1])
    return out


log_ratios = rh.over_seeds(log_ratio)                          # the same from seeds 0 to 4
print("log10 of |ds_1| / |ds_T|, seeds 0-4, mean (smallest to largest): "
      f"tanh {rh.seeds.mean_range(log_ratios['tanh'], '.1f')}, "
      f"sigmoid {rh.seeds.mean_range(log_ratios['sigmoid'], '.1f')}")
assert (log_ratios["sigmoid"] < log_ratios["tanh"] - 20).all(), log_ratios

# %% mystnb={"image": {"alt": "Norm of the gradient reaching each step t, on a log scale, for tanh and sigmoid with full BPTT: both shrink by a nearly constant factor per step back from t = 50, the sigmoid far faster, so step 1 gets almost nothing."}} slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots()
plot_step_norms(ax, norms["tanh"], label="tanh", color=COLORS["blue"])
plot_step_norms(ax, norms["sigmoid"], label="sigmoid", color=COLORS["orange"],
                title="Norm of ds_t at each step (course problem, full BPTT)")
ax.set_ylabel("norm of $ds_t$ (log scale)")
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# Read the plot from right to left, the way the gradient travels: it starts at $t = T$ and shrinks by
# about the same factor at every step back. The ratio $\lVert ds_1 \rVert / \lVert ds_T \rVert$ says how
# much of the gradient reaches step 1: $3.2 \times 10^{-11}$ with tanh, and $5.5 \times 10^{-41}$ with
# the sigmoid. That is seed 0's draw of the weights; over seeds 0 to 4 (the last printed line) the
# sigmoid's ratio is smaller than tanh's by more than 20 orders of magnitude on every seed. The first
# steps of the window have practically no say in how the weights change.
#
# **Why.** Putting rules (B3) and (B4) together gives the rule that carries the gradient one step back:
#
# $$
# ds_{t-1} = \bigl(ds_t \odot \operatorname{act}'(z_t)\bigr)\, W .
# $$
#
# Going from step $T$ to step 1 applies it $T - 1 = 49$ times: the gradient is multiplied again and
# again by the factor $\operatorname{act}'(z) \times W$. Roughly, each step scales it by the typical
# $\operatorname{act}'$ times the growth factor of $W$ (its *spectral radius*, the largest
# $|\text{eigenvalue}|$). Below 1 the gradient vanishes geometrically; above 1 it explodes (notebook 4).
#
# - tanh: $\tanh' = 1 - s^2$ is nearly 1 for these small states, so the factor is about $W$'s.
# - sigmoid: $\sigma' = s(1 - s) \le 0.25$, so each step multiplies by at most a quarter of what
#   tanh's would.
#
# The numbers agree:

# %% slideshow={"slide_type": "-"}
rho = np.max(np.abs(np.linalg.eigvals(params["W"])))
print(f"spectral radius of W: {rho:.2f}")
for activation in ("tanh", "sigmoid"):
    _, cache = rh.forward(params, X, activation)
    mean_deriv = rh.activation_derivative(cache["states"][1:], activation).mean()
    per_step = (norms[activation][0] / norms[activation][-1]) ** (1 / (T - 1))
    e = trunc_error[activation]
    k_lo, k_hi = (10, 20) if activation == "tanh" else (5, 10)
    trunc_step = (e[k_hi - 1] / e[k_lo - 1]) ** (1 / (k_hi - k_lo))
    print(f"{activation:7s}: mean act' {mean_deriv:.3f};  spectral radius x mean act' = "
          f"{rho * mean_deriv:.2f};  measured shrink per step: ds_t {per_step:.2f}, "
          f"truncation error (k = {k_lo}..{k_hi}) {trunc_step:.2f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The predicted factor (spectral radius times mean $\operatorname{act}'$) matches the measured
# shrinking of $ds_t$ per step, and the truncation error of the previous section falls by the same
# factor per step: what truncation throws away is exactly these vanishing contributions. That is why
# a short truncation costs little here, and also why a plain RNN struggles to learn anything that
# depends on inputs far back in the window.
#
# ## Under the hood (optional): the vectorized backward pass
#
# This part is for the curious; nothing later in the course depends on it. `loss_and_grads_loop`
# handles one record and one step at a time, which is slow in numpy. `rh.backward` does the same work
# for all $N$ records at once, one record per row, as your `backward` does: it walks back with
# `step_backward` (here inside `walk_back`) and sums the steps' terms, exactly as in the derivation.
#
# Training goes one step further, in `backward_into` (the package's module `rnn_helpers.speed`). Its loop
# over steps computes only $dz_t$ and $ds_{t-1}$. The training loop's buffer holds each step's row
# $[s_{t-1}, x_t, 1]$, so a single matrix product at the end sums $dz_t^\top [s_{t-1}, x_t, 1]$ over
# all the steps and records, giving $[dW\; dU\; db]$ at once, written into arrays allocated once.
# The package's tests hold both to the loop version.

# %% slideshow={"slide_type": "-"}
from rnn_helpers.speed import backward_into
from rnn_helpers.rnn import walk_back

show_source(rh.backward, walk_back, backward_into)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - Backward, in the package's symbols: $d\hat y = (\hat y - y)/N$; $dV = d\hat y^\top s_T$,
#   $dc = \sum_n d\hat y$, $ds_T = d\hat y V$; then for $t = T, \dots, 1$: $dz_t = ds_t \odot \operatorname{act}'(z_t)$,
#   $dW \mathrel{+}= dz_t^\top s_{t-1}$, $dU \mathrel{+}= dz_t^\top x_t$, $db \mathrel{+}= \sum_n dz_t$,
#   $ds_{t-1} = dz_t W$. $\operatorname{act}'$ comes from the stored states.
# - A fourth-order centred difference checks gradients to about $10^{-11}$ or better, so a tolerance of
#   $10^{-7}$ separates right from wrong; the plain centred difference is usually hundreds of times
#   noisier. A check must be seen to fail on a wrong gradient.
# - Truncation to $k$ steps is the exact gradient of the loss with $s_{T-k}$ held constant; check it
#   against that objective. $k \ge T$ is full BPTT. "Detach every $k$ steps" is a different rule.
# - The gradient shrinks by about $\operatorname{act}' \times$ (spectral radius of $W$) per step back:
#   it vanishes, and the truncation error falls at the same rate.
#
# **Next:** [4. Gradient clipping: exploding gradients, and two ways to tame them](04_clipping.ipynb):
# what happens when that factor is above 1.
#
# ## Exercises
#
# **1. Predict, then run.** Draw the initial weights three times larger, `init_params(100, seed=0,
# scale=0.3)`, and use tanh. Will $ds_1$ be smaller or larger than $ds_T$ this time? Make a first
# guess of the size of $\lVert ds_1 \rVert / \lVert ds_T \rVert$ from the spectral radius, as in
# *Why* above: about $\rho^{49}$. Then run the cell. Expect a surprise: the measured ratio is many
# orders of magnitude away from that guess. The solution says why, and notebook 4 measures it.

# %% slideshow={"slide_type": "-"} tags=["predict"]
# Exercise 1: write your guess first; the cell runs once my_guess holds it.
my_guess = "instructor edition: run as it is"   # your prediction, in words
if guessed(my_guess):
    big = rh.init_params(100, seed=0, scale=0.3)
    norms_big = np.linalg.norm(rh.state_gradients(big, X, Y, "tanh"), axis=(1, 2))
    rho_big = np.max(np.abs(np.linalg.eigvals(big["W"])))
    print(f"spectral radius of W: {rho_big:.2f}")
    print(f"|ds_T| = {norms_big[-1]:.2e}, |ds_1| = {norms_big[0]:.2e}, "
          f"ratio |ds_1| / |ds_T| = {norms_big[0] / norms_big[-1]:.3g}")

# %% [markdown] slideshow={"slide_type": "subslide"} tags=["solution"]
# <details><summary>Solution</summary>
#
# The spectral radius is now about 1.9, above 1, so the gradient *grows* as it travels back: $ds_1$ is
# a few hundred times larger than $ds_T$ (the cell prints 324). That is eleven orders of magnitude
# less than $1.9^{49} \approx 10^{13}$, because with larger weights many units saturate and
# $\tanh' = 1 - s^2$ falls well below 1, holding the growth back: the spectral radius alone tells
# "vanishing" from "exploding", not by how much. This is an *exploding* gradient, the subject of
# notebook 4, which measures the saturation step by step.
# </details>

# %% [markdown] slideshow={"slide_type": "-"}
# **2. Detaching every $k$ steps.** With $T = 50$ and the state detached every 12 steps, through how
# many of the last steps does the gradient of the final-step loss flow? Replace `None` and run the check.

# %% slideshow={"slide_type": "-"}
from rnn_helpers.exercises import check_detach_answer   # computes the truth itself

my_steps = None  # your answer here
print(check_detach_answer(my_steps, T=50, k=12))

# %% [markdown] slideshow={"slide_type": "subslide"} tags=["solution"]
# <details><summary>Solution</summary>
#
# The boundaries are after steps 12, 24, 36 and 48. The loss at step 50 reaches back to the last
# one only, so the gradient flows through steps 49 and 50: just 2 steps, although "12" sounds like
# a generous truncation. To keep the last 12 steps, truncate to them instead (`truncate=12`).
# </details>

# %% [markdown] slideshow={"slide_type": "-"}
# **3. An off-by-one.** A classmate's backward loop runs `for t in range(T, 1, -1)`: it stops before
# step 1. That is the same as `truncate=T - 1`. Which of $dU$, $dW$, $db$ are wrong? Would the
# numerical check catch it? Predict, then run.

# %% slideshow={"slide_type": "-"} tags=["predict"]
# Exercise 3: write your guess first; the cell runs once my_guess holds it.
my_guess = "instructor edition: run as it is"   # your prediction, in words
if guessed(my_guess):
    _, off_by_one = rh.loss_and_grads(small, Xs, Ys, truncate=Ts - 1, activation="tanh")
    numeric_tanh = rh.numerical_gradient(
        lambda p: rh.mse_loss(rh.forward(p, Xs, "tanh")[0], Ys), small)
    for name in ("U", "W", "b"):
        print(f"d{name}: relative error against the full gradient "
              f"{rh.relative_error(off_by_one[name], numeric_tanh[name]):.1e}")

# %% [markdown] slideshow={"slide_type": "subslide"} tags=["solution"]
# <details><summary>Solution</summary>
#
# Step 1 adds $dz_1^\top s_0$ to $dW$, $dz_1^\top x_1$ to $dU$ and $\sum_n dz_1$ to $db$. Since
# $s_0 = 0$, the missing $dW$ term is zero, so $dW$ is still exactly right (its error is at rounding
# level); $dU$ and $db$ miss a term and are wrong. The check catches those, far above $10^{-7}$,
# even though step 1's share is small after 11 steps of vanishing. A check of $dW$ alone would have
# missed the bug: check every parameter.
# </details>

# %% [markdown] slideshow={"slide_type": "-"}
# **4. Shapes with two outputs.** A network predicts temperature and humidity ($O = 2$) with $H = 32$,
# on a batch of $N = 64$ records. Give the shapes of $d\hat y$, $dV$, $dc$ and $ds_T$, and check the
# ones `rh.loss_and_grads` returns ($dV$ and $dc$) on seeded random data of those sizes (windows of,
# say, 10 steps of one input value).

# %% slideshow={"slide_type": "-"}
# Exercise 4: your code here

# %% [markdown] slideshow={"slide_type": "subslide"} tags=["solution"]
# <details><summary>Solution</summary>
#
# $d\hat y$: $(64, 2)$; $dV = d\hat y^\top s_T$: $(2, 32)$, like $V$; $dc$: $(2,)$; $ds_T = d\hat y V$:
# $(64, 32)$, like $s_T$. A gradient always has the shape of what it is the gradient of. The check:
#
# ```python
# rng = np.random.default_rng(0)
# p = rh.init_params(32, output_dim=2)
# _, grads = rh.loss_and_grads(p, rng.normal(size=(64, 10, 1)), rng.normal(size=(64, 2)))
# assert grads["V"].shape == (2, 32) and grads["c"].shape == (2,)
# ```
# </details>
