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
# # 9. Real data: forecasting tomorrow's weather
#
# **After this notebook you will be able to**
# - prepare a real record of several variables for a network: periods in time order, scaling fitted
#   on the training period only, windows that never cross from one period into another;
# - turn errors in scaled units back into the data's units (degrees), and say what the tutorial's
#   `max_val` was for;
# - judge a network against persistence, climatology and a linear model over several seeds, on
#   the validation year, measure the test year once, and say honestly when the network does not
#   beat them, and why;
# - predict two variables with one network, and several days ahead.
#
# **You need:** notebooks [1](01_data.ipynb) (windows, several series) and
# [5](05_training.ipynb) (training, baselines); notebook 8 for the LSTM and GRU.
# **Time:** about 40 minutes. The symbols are listed in [notation.md](notation.md).
#
# Until now the course predicted a sine wave, a series with an exact two-weight rule. Here the data
# are four years of daily weather measured in Seattle: no exact rule exists, and we do not know in
# advance how well anything can do. The task: predict tomorrow's maximum temperature from the last
# $T = 14$ days of four variables.

# %% slideshow={"slide_type": "-"}
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import rnn_helpers as rh
from rnn_helpers import gru, lstm
from rnn_helpers.baselines import (fit_climatology, fit_linear_ar, predict_climatology,
                                   predict_linear_ar, predict_persistence)
from rnn_helpers.exercises import guessed
from rnn_helpers.plots import COLORS, use_course_style
from rnn_helpers.weather import (WEATHER_COLUMNS, fit_standardizer, forecast_errors, load_weather,
                                 split_periods, weather_windows)

use_course_style()
np.set_printoptions(precision=4, suppress=True)
pd.set_option("display.width", 110)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The record
#
# `load_weather` reads the file shipped with the package (NOAA daily records, 2012 to 2015; its
# source and units are in `rnn_helpers/datasets/README.md`). One row per day, four variables:
# precipitation in mm, maximum and minimum temperature in °C, mean wind speed in m/s.

# %% slideshow={"slide_type": "-"}
weather = load_weather()
print(f"{weather.shape[0]} days x {weather.shape[1]} variables, "
      f"{weather.index[0]:%Y-%m-%d} to {weather.index[-1]:%Y-%m-%d}")
print(weather.head(3).to_string())
print()
print("yearly means:")
print(weather.groupby(weather.index.year).mean().round(1).to_string())
print()
print("range over the four years:")
print(weather.agg(["min", "max"]).to_string())

# %% [markdown] slideshow={"slide_type": "subslide"}
# The yearly mean of the maximum temperature rises from 15.3 °C in 2012 to 17.4 °C in 2015. Keep it in
# mind: the year we will test on is warmer than the years we will train on.

# %% mystnb={"image": {"alt": "Seattle's daily maximum temperature from 2012 to 2015 with its 31-day mean and the training, validation and test periods shaded: a strong yearly cycle from about 8 degrees in winter to 26 in summer, with day-to-day jumps on top."}} slideshow={"slide_type": "-"}
TRAIN_END, VAL_END = "2013-12-31", "2014-12-31"
TARGET = "temp_max_c"

fig, ax = plt.subplots(figsize=(10, 3.5))
ax.plot(weather.index, weather[TARGET], lw=0.8, color=COLORS["blue"], label="daily maximum")
ax.plot(weather.index, weather[TARGET].rolling(31, center=True).mean(), lw=2.5,
        color=COLORS["black"], label="31-day mean")
for start, end, name, colour in [("2012-01-01", TRAIN_END, "training", COLORS["green"]),
                                 ("2014-01-01", VAL_END, "validation", COLORS["orange"]),
                                 ("2015-01-01", "2015-12-31", "test", COLORS["vermillion"])]:
    ax.axvspan(pd.Timestamp(start), pd.Timestamp(end) + pd.Timedelta(days=1), color=colour,
               alpha=0.12, lw=0)
    ax.text(pd.Timestamp(start) + pd.Timedelta(days=15), 37.5, name, color=colour, fontsize=12)
ax.set_ylim(-3, 41)
ax.set_ylabel("maximum temperature (°C)")
ax.set_title("Seattle, daily maximum temperature, and the three periods")
ax.legend(loc="lower right", ncol=2)
plt.show()
by_month = weather[TARGET].groupby(weather.index.month).mean()
jumps = weather[TARGET].diff().abs()
print(f"mean maximum by calendar month: {by_month.min():.1f} °C (month {by_month.idxmin()}) to "
      f"{by_month.max():.1f} °C (month {by_month.idxmax()})")
print(f"change from one day to the next: median {jumps.median():.1f} °C; "
      f"more than {jumps.quantile(0.9):.1f} °C on one day in ten")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Two things to see: a strong yearly cycle (monthly means from about 8 °C in December to 26 °C in
# August), and on top of it day-to-day jumps that the 31-day mean smooths away: on a typical day the
# maximum changes by 1.7 °C from the day before, and by more than 4.5 °C on one day in ten. The
# cycle is easy to predict; the jumps are the hard part.
#
# ## Three periods, in time order
#
# As in notebook 1, the model is judged on data it never saw. With a time series that means *later*
# data: we train on 2012-2013, watch training and compare models on 2014 (validation), and measure
# once, at the end, on 2015 (test). Why not pick test days at random across the four years?
# Because neighbouring days are alike: a model tested on 15 January after training on 14 and
# 16 January is tested on something it has nearly seen. How alike are they?

# %% slideshow={"slide_type": "-"}
periods = dict(zip(("train", "val", "test"), split_periods(weather, TRAIN_END, VAL_END)))
for name, period in periods.items():
    print(f"{name:5s} {period.index[0]:%Y-%m-%d} to {period.index[-1]:%Y-%m-%d}: {len(period)} days, "
          f"mean maximum temperature {period[TARGET].mean():.1f} °C")
lag1 = weather[TARGET].autocorr(1)
print(f"correlation of the maximum temperature with the day before: {lag1:.2f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Check.** The periods follow one another without overlap or gap, and together cover the record.

# %% slideshow={"slide_type": "-"}
train, val, test = periods.values()
assert train.index[-1] < val.index[0] and val.index[-1] < test.index[0], "periods out of order"
assert (val.index[0] - train.index[-1]).days == 1 and (test.index[0] - val.index[-1]).days == 1, \
    "a gap between periods"
assert len(train) + len(val) + len(test) == len(weather), "the periods do not cover the record"
print(f"{len(train)} + {len(val)} + {len(test)} = {len(weather)} days, in time order")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Scaling, fitted on the training period only
#
# The four variables live on different scales (their ranges were printed at the top):
# precipitation from 0 to 55.9 mm, wind from 0.4 to 9.5 m/s. A network with small initial weights (notebook 5) expects inputs of order 1; and when it
# predicts two variables at once, the loss adds their squared errors, so a variable measured in large
# numbers would dominate. We *standardise* each variable $d$: subtract its mean $\mu_d$ and divide by
# its standard deviation $\sigma_d$,
#
# $$
# x'_d = \frac{x_d - \mu_d}{\sigma_d}, \qquad x_d = \sigma_d\, x'_d + \mu_d \quad \text{(the inverse)},
# $$
#
# with $\mu$ and $\sigma$ of shape $(D,) = (4,)$, computed **on the training period only**. Every
# later period is scaled with the same numbers. Computing them on all four years would let the warm
# 2015 leak into the training data: a statistic of the future.
#
# The inverse is what puts errors back into degrees. A prediction $\hat y'$ and a target $y'$ in
# standard units differ by $\hat y - y = \sigma\,(\hat y' - y')$ in °C (the $\mu$ cancels), so
#
# $$
# \text{RMSE in °C} = \sigma_{\text{temp max}} \times \text{RMSE in standard units},
# $$
#
# and the same for the mean absolute error, MAE. This is the tutorial's `max_val` (notebook 7): a
# tutorial that divides its data by their maximum must multiply its errors by that same maximum to
# report them in the data's units. Here the number is $\sigma$, and it is kept in a `Standardizer`.

# %% slideshow={"slide_type": "-"}
scaler = fit_standardizer(train)
stats = pd.DataFrame({"mean, 2012-13": scaler.mean, "std, 2012-13": scaler.std,
                      "mean, 2012-15": weather.mean().to_numpy(),
                      "std, 2012-15": weather.std(ddof=0).to_numpy()}, index=list(scaler.columns))
print(stats.round(3).to_string())
scaled = {name: scaler.transform(period) for name, period in periods.items()}
print()
print("mean of the scaled maximum temperature:",
      ", ".join(f"{name} {s[TARGET].mean():+.3f}" for name, s in scaled.items()))

# %% [markdown] slideshow={"slide_type": "subslide"}
# The scaled training period has mean 0 by construction; the validation and test years do not, and
# must not: their positive means say, in standard units, that they are warmer. Re-centring each year
# on its own mean would hide exactly the change a forecaster needs to cope with.
#
# **Check.** The scaler holds the training period's statistics and no others; its inverse undoes it;
# and an RMSE computed in degrees equals $\sigma$ times the RMSE in standard units. For the last
# check we use the simplest forecast, "tomorrow's maximum equals today's", on the validation year.

# %% slideshow={"slide_type": "-"}
sigma = scaler.std[scaler.columns.index(TARGET)]
assert np.allclose(scaler.mean, train.mean().to_numpy()) and np.allclose(scaler.std, train.std(ddof=0)), \
    "the scaler is not the training period's"
assert not np.isclose(scaler.mean, weather.mean().to_numpy()).any(), "the scaler saw later years"
assert np.allclose(scaler.inverse(scaled["test"].to_numpy()), test.to_numpy()), "inverse fails"

today_c, tomorrow_c = val[TARGET].to_numpy()[:-1], val[TARGET].to_numpy()[1:]
today_s, tomorrow_s = scaled["val"][TARGET].to_numpy()[:-1], scaled["val"][TARGET].to_numpy()[1:]
rmse_c, rmse_s = rh.rmse(today_c, tomorrow_c), rh.rmse(today_s, tomorrow_s)
assert np.isclose(rmse_c, sigma * rmse_s), (rmse_c, sigma * rmse_s)
print(f"'same as today' on 2014: RMSE {rmse_s:.4f} in standard units x sigma {sigma:.4f} °C "
      f"= {sigma * rmse_s:.4f} °C, computed in °C directly: {rmse_c:.4f} °C")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Windows inside each period
#
# Each record is a window of $T = 14$ days of the $D = 4$ scaled variables; its target is the next
# day's scaled maximum temperature ($O = 1$). `weather_windows` cuts one period at a time, so a
# window can never start in one period and end, or have its target, in the next: the first 14 days
# of the validation and test years serve only as inputs.
#
# | array | shape | meaning |
# |---|---|---|
# | `X` | $(N, T, D) = (N, 14, 4)$ | window $n$: days $n, \dots, n + 13$ of its period, all four variables |
# | `Y` | $(N, O) = (N, 1)$ | day $n + 14$'s maximum temperature |
#
# with $N$ = days in the period $- T$.

# %% slideshow={"slide_type": "-"}
T = 14
INPUTS = list(WEATHER_COLUMNS)                       # D = 4 input variables
D = len(INPUTS)
windows = {name: weather_windows(scaled[name], T, INPUTS, TARGET) for name in periods}
for name, w in windows.items():
    print(f"{name:5s} X {w.X.shape}, Y {w.Y.shape}, targets {w.target_dates[0]:%Y-%m-%d} "
          f"to {w.target_dates[-1]:%Y-%m-%d}")
X_train, Y_train = windows["train"].X, windows["train"].Y
X_val, Y_val = windows["val"].X, windows["val"].Y
X_test, Y_test = windows["test"].X, windows["test"].Y

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Check.** Every window is the right slice of its own period: its first day, last day and target
# all lie inside the period, and its numbers are that period's scaled rows.

# %% slideshow={"slide_type": "-"}
for name, w in windows.items():
    period = scaled[name]
    first_days = w.target_dates - pd.Timedelta(days=T)
    assert first_days[0] == period.index[0] and w.target_dates[-1] == period.index[-1], name
    assert len(w.X) == len(period) - T, (name, len(w.X))
    rows = period[INPUTS].to_numpy()
    all_windows = np.lib.stride_tricks.sliding_window_view(rows, T, axis=0).transpose(0, 2, 1)
    assert np.array_equal(w.X, all_windows[:len(w.X)]), f"{name}: a window is not its period's rows"
    assert np.array_equal(w.Y[:, 0], period[TARGET].to_numpy()[T:]), f"{name}: a target is off"
print("every window and target lies inside its own period; "
      f"{sum(len(w.X) for w in windows.values())} windows in all")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Three baselines
#
# Before any network, three predictors a forecaster would try first. Each is fitted, where it needs
# fitting, on the training period only.
#
# - **Persistence**: tomorrow's maximum is today's, $\hat y = x_{T,\text{temp max}}$.
# - **Climatology**: tomorrow's maximum is the mean maximum of that day of the year over the
#   training years (2012 and 2013), smoothed over $\pm 7$ days; it ignores the window altogether.
# - **Linear autoregression (AR)**: a weighted sum of all the window's numbers plus a constant,
#   $\hat y = \sum_{t=1}^{T} \sum_{d=1}^{D} a_{t,d}\, x_{t,d} + a_0$: $T D + 1 = 57$ weights, found
#   by least squares on the training windows. Each window becomes a row of the $(N, TD + 1)$ matrix
#   `[window flattened, 1]`, and `np.linalg.lstsq` finds the weights with the smallest squared error.
#   It sees exactly the inputs the networks will see.
#
# Climatology is fitted on temperatures in °C; the other two work in standard units and are turned
# back into °C by the scaler's inverse, as every prediction below.

# %% slideshow={"slide_type": "-"}
temp_col = INPUTS.index(TARGET)
climatology = fit_climatology(train.index, train[TARGET].to_numpy(), half_width=7)   # (366, 1), °C
ar_weights = fit_linear_ar(X_train, Y_train)                                        # (T*D + 1, 1)
print(f"climatology table {climatology.shape}; AR weights {ar_weights.shape}")


def in_celsius(pred_scaled, columns=TARGET):
    """Predictions in standard units (N, O) back to °C."""
    return scaler.inverse(pred_scaled, columns)


val_c = in_celsius(Y_val)                                     # the 2014 targets in °C, (351, 1)
val_predictions = {                                           # predictions for 2014 in °C, (351, 1)
    "persistence": in_celsius(predict_persistence(X_val, temp_col)),
    "climatology": predict_climatology(climatology, windows["val"].target_dates),
    "linear AR": in_celsius(predict_linear_ar(ar_weights, X_val)),
}
for name, pred in val_predictions.items():
    err = forecast_errors(val_c, pred, TARGET).iloc[0]
    print(f"{name:12s} validation RMSE {err['rmse']:.2f} °C, MAE {err['mae']:.2f} °C, "
          f"mean error {np.mean(pred - val_c):+.2f} °C")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Every comparison until the last section is made on the validation year 2014; the test year 2015
# is measured once, at the end. The linear AR is the best of the three, persistence close behind;
# climatology is far behind. Part of climatology's trouble is its mean error (predicted minus
# true): it learnt the cooler 2012-2013 and predicts 2014 too cold on average. Persistence and the AR follow the recent days, so the warmer
# year does not fool them.
#
# **Check: no statistic of a later period.** The strongest test of leakage is to poison the future:
# add 100 °C (and 100 mm, 100 m/s) to every value after 2013, refit everything that is fitted, and
# demand bit-identical results. Anything that looked at 2014 or 2015 would change.

# %% slideshow={"slide_type": "-"}
def fit_all(record):
    """Everything fitted in this notebook except the networks, from one record."""
    tr, _, _ = split_periods(record, TRAIN_END, VAL_END)
    sc = fit_standardizer(tr)
    w = weather_windows(sc.transform(tr), T, INPUTS, TARGET)
    return {"scaler mean": sc.mean, "scaler std": sc.std,
            "climatology": fit_climatology(tr.index, tr[TARGET].to_numpy(), half_width=7),
            "AR weights": fit_linear_ar(w.X, w.Y)}


poisoned = weather.copy()
poisoned.loc[poisoned.index > TRAIN_END] += 100.0
clean_fit, poisoned_fit = fit_all(weather), fit_all(poisoned)
for name in clean_fit:
    assert np.array_equal(clean_fit[name], poisoned_fit[name]), f"{name} depends on later data"
assert np.array_equal(clean_fit["AR weights"], ar_weights), "fit_all is not the fit used above"
assert np.array_equal(clean_fit["climatology"], climatology), "fit_all is not the fit used above"
print("with every value after 2013 raised by 100, unchanged to the last bit:", ", ".join(clean_fit))

# %% [markdown] slideshow={"slide_type": "subslide"}
# The networks below are trained on the training windows only; the validation windows are used only
# to watch the loss during training and to compare models, and the test windows only at the end.
#
# ## The networks
#
# Three networks, each reading the windows as they are ($D = 4$ inputs per step) and giving one
# output ($O = 1$) from its last hidden state:
#
# - the vanilla **RNN** of notebooks 2 to 5, with tanh: $U$ is $(H, 4)$, $W$ is $(H, H)$, $V$ is $(1, H)$;
# - the **LSTM** and the **GRU** (notebook 8): gated cells whose input weights `W_x` are $(4H, 4)$ and
#   $(3H, 4)$, one block of $H$ rows per gate, with the same output layer $V$ of shape $(1, H)$.
#
# `rh.train` takes any of the three (it reads the cell off the parameters' names), with the same
# settings for all:
#
# - hidden size $H = 8$: small, because the data are small (717 training windows);
# - small initial weights, full BPTT over the 14 steps;
# - full batch (one update per epoch on all 717 windows), learning rate 0.3 with momentum 0.9,
#   100 epochs: fast; the next figure shows how far they get.

# %% slideshow={"slide_type": "-"}
H = 8
SETTINGS = dict(epochs=100, learning_rate=0.3, batch_size=None, momentum=0.9)
starts = {"RNN": (rh.init_params(H, D, 1, seed=0), "tanh"),
          "LSTM": (lstm.init_params(H, D, 1, seed=0), None),        # gates fix their own functions
          "GRU": (gru.init_params(H, D, 1, seed=0), None)}
networks = {name: rh.train(params, X_train, Y_train, X_val, Y_val, activation=act, **SETTINGS)
            for name, (params, act) in starts.items()}
for name, (model, hist) in networks.items():
    print(f"{name:4s} cell {model.cell!r}: {sum(v.size for v in model.values())} parameters, training "
          f"loss {hist.train_loss[0]:.3f} -> {hist.train_loss[-1]:.3f} (half the mean squared error, "
          "standard units)")
rnn_model, rnn_hist = networks["RNN"]

# %% [markdown] slideshow={"slide_type": "subslide"}
# The loss is in standard units; the validation loss per epoch turns into a validation RMSE in °C as
# above: the loss is half a mean square, so RMSE $= \sigma \sqrt{2 \times \text{loss}}$.

# %% mystnb={"image": {"alt": "Validation RMSE in degrees after each epoch for the RNN, LSTM and GRU: all fall fast in the first epochs and flatten out near the dashed line of the linear AR model, without turning up again."}} slideshow={"slide_type": "-"}
ar_val_rmse = forecast_errors(Y_val, predict_linear_ar(ar_weights, X_val), TARGET, scaler)["rmse"].iloc[0]
fig, ax = plt.subplots(figsize=(10, 3.5))
for (name, (model, hist)), (style, colour) in zip(networks.items(), [("-", COLORS["orange"]),
                                                                    ("-.", COLORS["green"]),
                                                                    (":", COLORS["purple"])]):
    ax.plot(np.arange(1, len(hist.val_loss) + 1), sigma * np.sqrt(2 * hist.val_loss), style, lw=2.5,
            color=colour, label=name)
ax.axhline(ar_val_rmse, ls="--", color=COLORS["blue"], label="linear AR")
ax.set_ylim(2.7, 4.2)
ax.set_xlabel("epoch")
ax.set_ylabel("validation RMSE (°C)")
ax.set_title("Validation year 2014: RMSE after each epoch")
ax.legend(loc="upper right", ncol=4)
plt.show()
for name, (model, hist) in networks.items():
    rmse_curve = sigma * np.sqrt(2 * hist.val_loss)
    print(f"{name:4s} validation RMSE {rmse_curve[9]:.2f} °C after 10 epochs, {rmse_curve[49]:.3f} after 50, "
          f"{rmse_curve[-1]:.3f} after 100 (lowest {rmse_curve.min():.3f}, epoch {rmse_curve.argmin() + 1})")
print(f"linear AR: {ar_val_rmse:.3f} °C")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The validation error falls fast in the first epochs and then flattens out near the dashed line
# of the linear AR. It never turns up again, so none of the networks is over-fitting its 717
# windows. At epoch 100 all three are still improving, but slowly:

# %% slideshow={"slide_type": "-"}
last_20 = {name: sigma * (np.sqrt(2 * hist.val_loss[79]) - np.sqrt(2 * hist.val_loss[99]))
           for name, (model, hist) in networks.items()}
assert all(0 <= change < 0.02 for change in last_20.values()), last_20
print("fall of the validation RMSE over the last 20 epochs:",
      ", ".join(f"{name} {change:.3f} °C" for name, change in last_20.items()))

# %% [markdown] slideshow={"slide_type": "subslide"}
# Less than 0.02 °C in 20 epochs: we stop at 100 to keep the notebook fast, not because the
# networks have converged. (Longer training, judged on the validation year, is yours to try.)
#
# ## Comparing the models on the validation year, over 5 seeds
#
# A network's error depends on its random initial weights, so one run is one draw. Each network is
# trained from 5 seeds (seed 0 is the run above; everything else equal) and judged on 2014 by the
# mean and the range of its RMSE, and by the number of seeds on which it beats the linear AR. The
# baselines have no seed.

# %% slideshow={"slide_type": "-"}
inits = {"RNN": (rh.init_params, "tanh"), "LSTM": (lstm.init_params, None), "GRU": (gru.init_params, None)}
seed_models = {name: {0: model} for name, (model, _) in networks.items()}    # seed 0: trained above


def model_for(name, seed):
    """The network `name` trained from `seed` with SETTINGS (trained once, then kept)."""
    if seed not in seed_models[name]:
        init, act = inits[name]
        seed_models[name][seed] = rh.train(init(H, D, 1, seed=seed), X_train, Y_train, activation=act,
                                           **SETTINGS)[0]
    return seed_models[name][seed]


net_val = rh.over_seeds(lambda seed: {name: rh.rmse(in_celsius(rh.predict(model_for(name, seed), X_val)),
                                                    val_c) for name in networks})
rmse_2014 = pd.Series({name: rh.rmse(pred, val_c) for name, pred in val_predictions.items()})
val_predictions.update({name: in_celsius(rh.predict(model, X_val)) for name, (model, _) in networks.items()})
n_params = {"persistence": 0, "climatology": climatology.size, "linear AR": ar_weights.size,
            **{name: sum(v.size for v in model.values()) for name, (model, _) in networks.items()}}
ar_2014 = rmse_2014["linear AR"]
wins_2014 = {name: rh.seeds.wins(net_val.assign(AR=ar_2014), name, "AR") for name in networks}
print("validation RMSE (°C), 2014 (351 days); networks: mean (smallest to largest) over seeds 0-4")
for name, value in rmse_2014.items():
    print(f"  {name:12s} {value:.3f}                  {n_params[name]:4d} parameters")
for name in networks:
    print(f"  {name:12s} {rh.seeds.mean_range(net_val[name])}  {n_params[name]:4d} parameters; "
          f"beats the linear AR on {wins_2014[name]} of 5 seeds")
print("network minus linear AR (°C):",
      ", ".join(f"{name} {rh.seeds.mean_range(net_val[name] - ar_2014, '+.3f')}" for name in networks))

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Check.** The statements of the next paragraph, as numbers: the linear AR beats persistence,
# which beats climatology; every network beats persistence on every seed; no network beats the AR
# on more than 3 seeds of 5, and every network's mean is within 0.05 °C of the AR's, while the seed
# moves each network by more than that mean gap.

# %% slideshow={"slide_type": "-"}
assert rmse_2014["linear AR"] < rmse_2014["persistence"] < rmse_2014["climatology"], rmse_2014
assert all((net_val[name] < rmse_2014["persistence"]).all() for name in networks), net_val
gaps = net_val.mean() - ar_2014
spreads = net_val.max() - net_val.min()
assert max(wins_2014.values()) <= 3 and (gaps.abs() < 0.05).all() and (spreads > gaps.abs()).all(), \
    (wins_2014, gaps, spreads)
print("seeds beating the linear AR on 2014:", ", ".join(f"{k} {v} of 5" for k, v in wins_2014.items()))
print("mean gap to the AR, and spread over the seeds (°C):",
      ", ".join(f"{name} {gaps[name]:+.3f} and {spreads[name]:.3f}" for name in networks))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Does a network really beat the linear model?
#
# Not on the validation year. The three networks land within a few hundredths of a degree of the
# linear AR on average, the GRU level with it and the RNN and the LSTM slightly behind; the GRU
# beats it on 3 seeds of 5, the RNN and the LSTM on 1 of 5 each; and the seed moves each network by
# more than its mean gap. So the one choice we are allowed to make before the test falls on the
# **linear AR**: as good as any network here, found by one least-squares solve, with no seed to
# be lucky or unlucky with. That is a finding, not a failure, and it is common with small time series of a few variables.
# If a few hundredths of a degree matter to you, the way to be sure is more data (more years), not
# a better-looking table.
#
# Why can the networks do no better? Compare what each network and the linear AR get wrong, day
# by day on 2014: how far apart their forecasts are, and how alike their errors (for each network,
# the smallest and largest over its 5 seeds).

# %% slideshow={"slide_type": "-"}
ar_c = val_predictions["linear AR"]


def against_ar(name, seed):
    """How one network's 2014 forecasts relate to the AR's: RMS difference, error correlation, own RMSE."""
    net_c = in_celsius(rh.predict(model_for(name, seed), X_val))
    return {"disagreement": rh.rmse(net_c, ar_c), "own": rh.rmse(net_c, val_c),
            "error_corr": np.corrcoef((net_c - val_c)[:, 0], (ar_c - val_c)[:, 0])[0, 1]}


for name in networks:
    table = rh.over_seeds(lambda seed: against_ar(name, seed))
    assert (table["disagreement"] < 0.5 * np.minimum(table["own"], ar_2014)).all(), name
    assert (table["error_corr"] > 0.9).all(), name
    print(f"{name:4s} RMS difference from the AR's forecasts {table['disagreement'].min():.2f} to "
          f"{table['disagreement'].max():.2f} °C (its error {table['own'].min():.2f} to "
          f"{table['own'].max():.2f}, the AR's {ar_2014:.2f}); correlation of the two models' errors "
          f"{table['error_corr'].min():.2f} to {table['error_corr'].max():.2f}")

# %% mystnb={"image": {"alt": "One-day-ahead forecasts over a few weeks of the test year: measured maxima (dots), the linear AR and the GRU rise and fall together and miss the same sudden warm days, a day late."}} slideshow={"slide_type": "subslide"}
days = slice(60, 120)
dates = windows["val"].target_dates[days]
fig, ax = plt.subplots(figsize=(10, 3.5))
ax.plot(dates, val_c[days, 0], "o", ms=4, color=COLORS["black"], label="measured")
ax.plot(dates, ar_c[days, 0], "-", lw=2, color=COLORS["blue"], label="linear AR")
ax.plot(dates, val_predictions["GRU"][days, 0], "--", lw=2, color=COLORS["purple"], label="GRU, seed 0")
ax.set_ylim(5, 30)
ax.set_ylabel("maximum temperature (°C)")
ax.set_title(f"One-day-ahead forecasts, {dates[0]:%d %b} to {dates[-1]:%d %b %Y}")
ax.legend(loc="upper left", ncol=3)
fig.autofmt_xdate()
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# The GRU (seed 0) and the linear AR differ by a degree here and there,
# but they rise and fall together and miss the same days: a sudden warm day is predicted a day
# late, once it has entered the window. The numbers above say the same for all three networks and
# every seed: each one's forecasts differ from the AR's by less than half of either model's error,
# and their errors are strongly correlated: on the days one misses badly, so does the other.
#
# So most of the error belongs to the task, not to the model. What does the linear AR do with its
# 57 weights? Its $T \times D = 56$ window weights $a_{t,d}$ form a table of 14 days by 4 variables
# (in standard units); here are its last three days, and a summary of the rest:

# %% slideshow={"slide_type": "-"}
ar_table = pd.DataFrame(ar_weights[:-1, 0].reshape(T, D), columns=INPUTS,
                        index=pd.Index(np.arange(-T + 1, 1), name="day (0 = today)"))
today_max = ar_table.loc[0, TARGET]
others = ar_table.abs().to_numpy().ravel()
others = np.sort(others)[-2]                                  # the largest weight after today's maximum
assert today_max == ar_table.abs().to_numpy().max(), "today's maximum is not the largest weight"
print(ar_table.tail(3).round(2).to_string())
print(f"weight of today's maximum temperature: {today_max:.2f}; largest other weight, in size: {others:.2f}; "
      f"sum of the 14 maximum-temperature weights: {ar_table[TARGET].sum():.2f}; "
      f"intercept {ar_weights[-1, 0]:.3f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# One weight dominates: today's maximum, at about three quarters. Together the maximum-temperature
# weights add up to less than 1 and the intercept is near 0, the training mean in standard units.
# The rule is roughly *tomorrow is like today, pulled a little towards the average*, with small
# corrections from the other days and variables. That is nearly all a window of this station's
# past says about tomorrow; the rest of tomorrow's weather arrives from elsewhere (fronts off the
# Pacific, which four local variables can hardly see). A network, free to learn any smooth function
# of the 14 days, has little left to find, and 717 training windows leave it little room to find a
# subtler pattern if there is one. A network pays off when there is a nonlinear pattern to find and
# data enough to find it.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Two variables at once: one network, or two?
#
# A reader of the tutorial asked how to predict tomorrow's temperature *and* humidity; the reply was
# "build two models". Our record has no humidity, so we predict the maximum and the minimum
# temperature. One network needs only a second row in $V$: $O = 2$, $V$ of shape $(2, H)$, targets
# `Y` of shape $(N, 2)$. Its loss adds the two squared errors, and since both targets are
# standardised they count equally. Against it, two networks of the same size, one per variable (for
# the maximum temperature, the RNNs of seeds 0 to 4 trained above). Each setup from five seeds, on
# the validation year:

# %% slideshow={"slide_type": "-"}
BOTH = ["temp_max_c", "temp_min_c"]
windows2 = {name: weather_windows(scaled[name], T, INPUTS, BOTH) for name in ("train", "val")}
X2, Y2 = windows2["train"].X, windows2["train"].Y                       # (717, 14, 4), (717, 2)
assert np.array_equal(X2, X_train) and np.array_equal(Y2[:, :1], Y_train), "not the same windows"
print(f"Y for two targets: {Y2.shape}")

rows = []
for seed in range(5):
    one, _ = rh.train(rh.init_params(H, D, 2, seed=seed), X2, Y2, activation="tanh", **SETTINGS)
    two = [model_for("RNN", seed),                         # temp_max: trained above on the same data
           rh.train(rh.init_params(H, D, 1, seed=seed), X2, Y2[:, [1]], activation="tanh", **SETTINGS)[0]]
    pred_one = rh.predict(one, windows2["val"].X)
    pred_two = np.hstack([rh.predict(model, windows2["val"].X) for model in two])
    for setup, pred in [("one network, O = 2", pred_one), ("two networks", pred_two)]:
        err = forecast_errors(windows2["val"].Y, pred, BOTH, scaler)["rmse"]
        rows.append({"setup": setup, "seed": seed, **err.to_dict()})
    if seed == 0:
        size_one = sum(v.size for v in one.values())
        size_two = sum(v.size for model in two for v in model.values())
per_seed = pd.DataFrame(rows)
two_targets = per_seed.groupby("setup")[BOTH].agg(["mean", "min", "max"])
print("validation RMSE (°C) over seeds 0 to 4:")
print(two_targets.round(2).to_string())
by_setup = {setup: frame.set_index("seed") for setup, frame in per_seed.groupby("setup")}
for var in BOTH:
    one_wins = int((by_setup["one network, O = 2"][var] < by_setup["two networks"][var]).sum())
    print(f"{var}: one network better on {one_wins} of 5 seeds")
for var in BOTH:
    means, spreads = two_targets[var]["mean"], two_targets[var]["max"] - two_targets[var]["min"]
    assert abs(means.iloc[0] - means.iloc[1]) < spreads.max(), f"{var}: setups differ more than seeds"
assert size_one < size_two
print(f"parameters: one network {size_one}, two networks {size_two}; "
      f"training runs: 1 against 2")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The two setups are equally good: the difference between their mean errors is smaller than the
# spread over seeds, for both variables, and neither wins on every seed (the counts above). The single network does it with one training run and
# fewer parameters, its hidden state serving both outputs. So the reply "build two models" was not
# wrong, only unnecessary: an RNN takes several features per step and gives several outputs, and one
# network can answer both questions.
#
# For the linear AR the question does not arise: least squares fits each output column on its own,
# so one AR with $O = 2$ *is* two ARs. **Check:**

# %% slideshow={"slide_type": "-"}
w_joint = fit_linear_ar(X2, Y2)                                              # (57, 2)
w_apart = np.hstack([fit_linear_ar(X2, Y2[:, [o]]) for o in range(2)])
assert np.allclose(w_joint, w_apart, atol=1e-10), np.abs(w_joint - w_apart).max()
print(f"one AR with O = 2 and two ARs with O = 1: same weights (largest difference "
      f"{np.abs(w_joint - w_apart).max():.0e})")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Forecasting 1 to 7 days ahead
#
# To forecast $\tau$ days ahead (the *horizon*, or lead time), the target of window $n$ is the day
# $n + 13 + \tau$. We compare all horizons $\tau = 1, \dots, 7$ on the same windows: those whose
# seventh day ahead is still inside the period, with their seven targets stacked into `Y` of shape
# $(N, 7)$. Each predictor, for each horizon:
#
# - persistence: today's value, whatever the horizon;
# - climatology: the mean of the target's day of the year;
# - linear AR: fitted on column $\tau$ of `Y`; one AR with $O = 7$ is seven separate ARs, as we just
#   checked;
# - RNN: one network per horizon, trained on column $\tau$, with the settings above (the *direct*
#   strategy), from 5 seeds each: 35 small networks. Could one network with $O = 7$ outputs do all
#   seven? Exercise 5 tries it.
#
# As before, the comparison is made on the validation year 2014.

# %% slideshow={"slide_type": "-"}
HORIZONS = range(1, 8)


def horizon_windows(period):
    """Windows (N, T, D) with targets 1..7 days ahead (N, 7), and each horizon's target dates."""
    parts = [weather_windows(period, T, INPUTS, TARGET, horizon=tau) for tau in HORIZONS]
    n = len(parts[-1].X)                                   # the windows with a target 7 days ahead
    for part in parts:
        assert np.array_equal(part.X[:n], parts[-1].X), "the horizons do not share their windows"
    return parts[-1].X, np.hstack([part.Y[:n] for part in parts]), [p.target_dates[:n] for p in parts]


X7, Y7, _ = horizon_windows(scaled["train"])
X7_val, Y7_val, dates7_val = horizon_windows(scaled["val"])
print(f"training X {X7.shape}, Y {Y7.shape}; validation X {X7_val.shape}, Y {Y7_val.shape}")
assert dates7_val[-1][-1] == val.index[-1], "the last target is not the last day of the validation year"
first_days = [(d - pd.Timedelta(days=T - 1 + tau))[0] for tau, d in zip(HORIZONS, dates7_val)]
assert all(day == val.index[0] for day in first_days), "a window starts before the validation year"

rnn_by_horizon = {seed: [rh.train(rh.init_params(H, D, 1, seed=seed), X7, Y7[:, [tau - 1]],
                                  activation="tanh", **SETTINGS)[0] for tau in HORIZONS]
                  for seed in range(5)}                  # rnn_by_horizon[seed][tau - 1]
ar7 = fit_linear_ar(X7, Y7)                              # (57, 7): seven ARs
columns7 = [TARGET] * len(HORIZONS)                      # every column is a maximum temperature


def horizon_forecasts(X7p, dates7p, seed=None):
    """Forecasts in °C (N, 7) of the baselines, or of the seven RNNs of one seed."""
    if seed is not None:
        return in_celsius(np.hstack([rh.predict(m, X7p) for m in rnn_by_horizon[seed]]), columns7)
    return {"persistence": np.repeat(in_celsius(predict_persistence(X7p, temp_col)), len(HORIZONS), axis=1),
            "climatology": np.hstack([predict_climatology(climatology, d) for d in dates7p]),
            "linear AR": in_celsius(predict_linear_ar(ar7, X7p), columns7)}


def rmse_by_horizon(pred, truth):
    return pd.Series(np.sqrt(np.mean((pred - truth) ** 2, axis=0)), index=pd.Index(HORIZONS, name="days ahead"))


truth7 = in_celsius(Y7_val, columns7)                    # (N, 7), °C
forecasts7 = horizon_forecasts(X7_val, dates7_val)
by_horizon = pd.DataFrame({name: rmse_by_horizon(pred, truth7) for name, pred in forecasts7.items()})
rnn7 = pd.DataFrame({seed: rmse_by_horizon(horizon_forecasts(X7_val, dates7_val, seed), truth7)
                     for seed in range(5)})             # (7 horizons, 5 seeds)
by_horizon["RNN, mean of 5"] = rnn7.mean(axis=1)
rnn_minus_ar = rnn7.sub(by_horizon["linear AR"], axis=0)
by_horizon["RNN - AR, mean"] = rnn_minus_ar.mean(axis=1)
by_horizon["RNN - AR, min"] = rnn_minus_ar.min(axis=1)
by_horizon["RNN - AR, max"] = rnn_minus_ar.max(axis=1)
by_horizon["RNN ahead (of 5)"] = (rnn_minus_ar < 0).sum(axis=1)
print("validation RMSE (°C) by horizon, 2014; the RNN over seeds 0-4:")
print(by_horizon.round(2).to_string())

# %% mystnb={"image": {"alt": "Test RMSE against the forecast horizon, 1 to 7 days: persistence degrades fastest and is worse than climatology (flat, about 4.3 degrees) from three days on; the linear AR and the RNN degrade slowly, close together, and level off below climatology near 3.9 degrees."}} slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots(figsize=(10, 3.5))
styles = {"persistence": ("s-", COLORS["vermillion"]), "climatology": ("^--", COLORS["green"]),
          "linear AR": ("o-", COLORS["blue"]), "RNN, mean of 5": ("D:", COLORS["orange"])}
for name, (marker, colour) in styles.items():
    ax.plot(by_horizon.index, by_horizon[name], marker, lw=2, ms=7, color=colour, label=name)
ax.fill_between(by_horizon.index, rnn7.min(axis=1), rnn7.max(axis=1), color=COLORS["orange"], alpha=0.2,
                lw=0, label="RNN, range of 5 seeds")
ax.set_xlabel("days ahead, τ")
ax.set_ylabel("validation RMSE (°C)")
ax.set_ylim(2, 6)
ax.set_title("Forecast error against the horizon, validation year 2014")
ax.legend(loc="upper left", ncol=3)
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# Persistence degrades fastest: today's value says less and less about the days after, and from
# two days ahead it is worse than climatology, which does not depend on the horizon at all. The
# linear AR degrades more slowly, but on this year it too falls behind climatology from three days
# ahead: by then the window adds little beyond where the recent days have been, and the season's
# normal knows more.
#
# **The RNN against the linear AR, honestly.** Over 5 seeds the RNN is behind the linear AR at
# every horizon on average: by a few hundredths of a degree at one day (behind on every seed), and
# by about 0.3 to 0.5 °C from two days on, where the seeds range from level with the AR to 0.8 °C
# behind (the table prints each horizon's mean, smallest and largest gap, and on how many seeds
# the RNN is ahead). One seed can make the RNN look level with the AR at some horizon, and another
# seed 0.8 °C behind at the same horizon: one seed is no evidence either way. The AR's 57 weights
# per horizon, fitted exactly by least squares, are hard to beat with 717 windows and 100 epochs.
#
# **Check.** The statements above, as numbers.

# %% slideshow={"slide_type": "-"}
worse = by_horizon["persistence"] > by_horizon["climatology"]
crossing = worse.idxmax()                                 # the first horizon where persistence is worse
ar_worse = by_horizon["linear AR"] > by_horizon["climatology"]
assert crossing == 2 and worse.loc[2:].all(), worse
assert ar_worse.idxmax() == 3 and ar_worse.loc[3:].all() and not ar_worse.loc[:2].any(), ar_worse
gap = by_horizon["RNN - AR, mean"]
assert (gap > 0).all() and (by_horizon["RNN - AR, min"].loc[1] > 0) and gap.loc[1] < 0.1, by_horizon
assert gap.loc[2:].between(0.25, 0.5).all() and by_horizon["RNN - AR, max"].loc[2:].max() < 0.85, gap
print(f"persistence is worse than climatology from {crossing} days ahead on, the linear AR from "
      f"{ar_worse.idxmax()} days on")
print("RNN minus linear AR (°C) by horizon, mean (smallest to largest) over 5 seeds:")
for tau in HORIZONS:
    print(f"  {tau} day(s): {rh.seeds.mean_range(rnn_minus_ar.loc[tau], '+.2f')}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The test year, measured once
#
# Every choice is made: the settings, the window of 14 days, and, from the validation year, the
# linear AR as the predictor to use (no network beat it reliably). Now, once, the test year 2015:
# every model's error, the networks with their 5 seeds, for tomorrow and for 1 to 7 days ahead.
# Nothing below changes a choice above; it says how well the choices carry over to a new year.

# %% slideshow={"slide_type": "-"}
test_c = in_celsius(Y_test)                                   # the 2015 targets in °C, (351, 1)
predictions = {"persistence": in_celsius(predict_persistence(X_test, temp_col)),
               "climatology": predict_climatology(climatology, windows["test"].target_dates),
               "linear AR": in_celsius(predict_linear_ar(ar_weights, X_test))}
rmse_of = pd.Series({name: rh.rmse(pred, test_c) for name, pred in predictions.items()})
net_test = rh.over_seeds(lambda seed: {name: rh.rmse(in_celsius(rh.predict(model_for(name, seed), X_test)),
                                                     test_c) for name in networks})
print("test RMSE (°C), 2015 (351 days), tomorrow's maximum; validation 2014 beside it:")
for name, value in rmse_of.items():
    print(f"  {name:12s} {value:.3f}   (2014: {rmse_2014[name]:.3f})")
for name in networks:
    print(f"  {name:12s} {rh.seeds.mean_range(net_test[name])}   (2014: "
          f"{rh.seeds.mean_range(net_val[name])}); beats the AR on "
          f"{rh.seeds.wins(net_test.assign(AR=rmse_of['linear AR']), name, 'AR')} of 5 seeds")

X7_test, Y7_test, dates7_test = horizon_windows(scaled["test"])
truth7_test = in_celsius(Y7_test, columns7)
ar7_test = rmse_by_horizon(horizon_forecasts(X7_test, dates7_test)["linear AR"], truth7_test)
rnn7_test = pd.DataFrame({seed: rmse_by_horizon(horizon_forecasts(X7_test, dates7_test, seed), truth7_test)
                          for seed in range(5)})
minus_test = rnn7_test.sub(ar7_test, axis=0)
print("RNN minus linear AR on 2015 (°C) by horizon, mean (smallest to largest) over 5 seeds:")
for tau in HORIZONS:
    print(f"  {tau} day(s): {rh.seeds.mean_range(minus_test.loc[tau], '+.2f')}   (2014: "
          f"{rh.seeds.mean_range(rnn_minus_ar.loc[tau], '+.2f')})")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The linear AR's error on 2015 is close to its error on 2014: the choice carries over. The
# networks do better on 2015 than on 2014, relative to the AR: the LSTM and the GRU beat it there on
# more seeds than on the validation year (the counts above), by about a tenth of a degree. Had we
# compared on the test year, we would have picked a network; on the validation year, the only
# honest place to choose, nothing singled one out. A year of days is a small sample: the two years
# disagree by about as much as the models do. For several days ahead, 2015 tells the same story as
# 2014: the RNN is level with the AR at one day and behind it from two days on, by about 0.25 to
# 0.45 °C on average, with a wide spread over seeds.
#
# **Check.**

# %% slideshow={"slide_type": "-"}
assert abs(rmse_of["linear AR"] - rmse_2014["linear AR"]) < 0.05, (rmse_of, rmse_2014)
for name in ("LSTM", "GRU"):
    assert (net_test[name] < rmse_of["linear AR"]).sum() > wins_2014[name], name
assert abs(minus_test.loc[1].mean()) < 0.05 and minus_test.loc[2:].mean(axis=1).between(0.25, 0.5).all(), \
    minus_test
print(f"linear AR: 2014 {rmse_2014['linear AR']:.3f}, 2015 {rmse_of['linear AR']:.3f} °C; the LSTM and "
      "the GRU beat it on more seeds in 2015 than in 2014; several days ahead, the RNN's mean gap "
      "is 0.25-0.5 °C in both years")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - Real data need three precautions the sine did not: periods in time order (train 2012-2013,
#   validation 2014, test 2015), windows cut inside each period, and every statistic (scaling,
#   climatology, regression weights) fitted on the training period only. Poisoning the later years
#   left every fitted number unchanged to the last bit.
# - Standardise with the training period's $\mu$ and $\sigma$; report errors after the inverse, in
#   the data's units: an RMSE in °C is $\sigma$ times the RMSE in standard units. That is what the
#   tutorial's `max_val` should have been: the scale the data were divided by, kept from the scaling.
# - Compare models on the validation year, over several seeds (mean and range, or wins out of 5);
#   measure the test year once, at the end. On tomorrow's maximum temperature the linear AR beats
#   persistence and climatology. On the validation year the RNN, LSTM and GRU are level with it to
#   a few hundredths of a degree and beat it on 1, 1 and 3 seeds of 5: the AR is the choice. On the
#   test year the LSTM and GRU do better than that, a reminder that a single year is a small
#   sample. The networks and the linear AR make the same mistakes on the same days: most of the
#   error belongs to the task.
# - One network with $O = 2$ outputs predicts two variables as well as two separate networks
#   (over 5 seeds), with one training run and fewer parameters: the reply "build two models" was
#   not needed.
# - Forecasting 1 to 7 days ahead (validation year, 5 seeds), persistence falls behind
#   climatology from two days on, the linear AR from three; the RNN is behind the linear AR at every
#   horizon on average, by a few hundredths at one day and 0.3 to 0.5 °C further out, and its seed
#   moves it by as much as that.
#
# ## Exercises
#
# **1. Predict, then run: a leak.** Suppose the climatology were fitted on all four years, 2015
# included. Before running: will its test RMSE go up or down, and by a little or a lot?

# %% slideshow={"slide_type": "-"} tags=["predict"]
# Exercise 1: write your guess first; the cell runs once my_guess holds it.
my_guess = "instructor edition: run as it is"   # your prediction, in words
if guessed(my_guess):
    leaky = fit_climatology(weather.index, weather[TARGET].to_numpy(), half_width=7)
    leaky_rmse = rh.rmse(predict_climatology(leaky, windows["test"].target_dates), test_c)
    print(f"climatology fitted on 2012-2013: test RMSE {rmse_of['climatology']:.2f} °C; "
          f"fitted on 2012-2015: {leaky_rmse:.2f} °C")

# %% [markdown] slideshow={"slide_type": "subslide"} tags=["solution"]
# <details><summary>Solution</summary>
#
# Down, and by a lot (printed above). The leaky climatology includes 2015 itself: a quarter of the
# days averaged for each date come from 2015, the day to predict among them, and it has learnt that
# 2015 was warm. It looks better on the test year only because it has seen the answers; on a truly
# new year, 2016, it would have no such help. A leak always flatters, which is why it must be ruled
# out by construction (and by the poisoning check), not noticed afterwards.
# </details>

# %% [markdown] slideshow={"slide_type": "-"}
# **2. The `max_val` question.** The tutorial scaled its data by dividing by the maximum, `max_val`.
# Do that here: divide the maximum temperatures of the test year by `max_val`, the largest maximum
# temperature of the *training* period, and compute persistence's RMSE on the scaled values
# (given below). What is its RMSE in °C? Compute it from `rmse_scaled` and `max_val` alone, and run
# the check.

# %% slideshow={"slide_type": "-"}
max_val = train[TARGET].max()                         # °C, from the training period only
series_scaled = test[TARGET].to_numpy() / max_val
rmse_scaled = rh.rmse(series_scaled[:-1], series_scaled[1:])
print(f"max_val = {max_val} °C; persistence RMSE in scaled units: {rmse_scaled:.4f}")


from rnn_helpers.exercises import check_max_val_answer   # computes the truth itself

my_rmse_celsius = None  # your answer here
print(check_max_val_answer(my_rmse_celsius, test[TARGET].to_numpy()))

# %% [markdown] slideshow={"slide_type": "subslide"} tags=["solution"]
# <details><summary>Solution</summary>
#
# `my_rmse_celsius = rmse_scaled * max_val`. Each scaled value is $x / \mathtt{max\_val}$, so each
# error is the error in °C divided by `max_val`, and so are the RMSE and the MAE. That is the whole
# meaning of the tutorial's last line: multiply by the number you divided by. Two conditions make it
# honest: `max_val` must be the number the data were actually divided by (the tutorial never defined
# it, notebook 7), and it must come from the training data only. With standardisation the number is
# $\sigma$, and the subtracted $\mu$ cancels in every error.
# </details>

# %% [markdown] slideshow={"slide_type": "-"}
# **3. Which inputs matter?** The linear AR is instant to fit, so use it to explore. Fit it with
# (a) the maximum temperature alone as input, $D = 1$, and (b) all four variables with $T = 7$ and
# $T = 28$ instead of 14. Compare them on the **validation** year, not the test year: why?

# %% slideshow={"slide_type": "-"}
# Exercise 3: your code here (weather_windows(scaled[...], T, inputs, TARGET), fit_linear_ar,
# predict_linear_ar, forecast_errors(..., TARGET, scaler)).

# %% slideshow={"slide_type": "subslide"} tags=["solution"]
# Solution of exercise 3 (the learner edition does not have this cell)
for label, inputs, days_in in [("temp max only, T = 14", [TARGET], 14), ("all four, T = 7", INPUTS, 7),
                               ("all four, T = 14", INPUTS, 14), ("all four, T = 28", INPUTS, 28)]:
    w_tr = weather_windows(scaled["train"], days_in, inputs, TARGET)
    w_va = weather_windows(scaled["val"], days_in, inputs, TARGET)
    pred = predict_linear_ar(fit_linear_ar(w_tr.X, w_tr.Y), w_va.X)
    err = forecast_errors(w_va.Y, pred, TARGET, scaler)["rmse"].iloc[0]
    print(f"{label:22s} validation RMSE {err:.3f} °C")

# %% [markdown] slideshow={"slide_type": "subslide"} tags=["solution"]
# <details><summary>Solution</summary>
#
# All four settings lie within a tenth of a degree of each other (printed above). The maximum
# temperature alone does as well as all four variables, a hair better: for a linear model the other
# three add nothing on the validation year. Of the three window lengths, 14 days does best; with
# 28 days the AR has 113 weights for 703 windows, and more weights fit more of the training years'
# noise.
# We compare on the validation year because choosing a setting by its test error turns the test
# error into a chosen, optimistic number, and leaves nothing unseen to measure the final model on.
# (The windows of different lengths have slightly different sets of target days; with a year of
# data that is a small effect.)
# </details>

# %% [markdown] slideshow={"slide_type": "-"}
# **4. Break it: no scaling.** Train the same RNN, same settings, on the windows in the data's units
# (`weather_windows(train, ...)`: precipitation in mm, temperatures in °C). Predict first: will it
# train as well, worse, or diverge? Then run it from seeds 0 to 4 and compare its validation RMSE
# with the scaled networks of the same seeds (`net_val["RNN"]`) and with climatology.

# %% slideshow={"slide_type": "-"}
# Exercise 4: your code here (rh.train(rh.init_params(H, D, 1, seed=seed), X_raw, Y_raw, ...,
# activation="tanh", **SETTINGS) for seeds 0 to 4; its predictions are already in °C).

# %% slideshow={"slide_type": "subslide"} tags=["solution"]
# Solution of exercise 4 (the learner edition does not have this cell)
raw_train = weather_windows(train, T, INPUTS, TARGET)
raw_val = weather_windows(val, T, INPUTS, TARGET)
raw_hists = {}


def raw_run(seed):
    """Validation RMSE (°C) of the RNN trained on unscaled windows, beside the scaled one of the same seed."""
    model, raw_hists[seed] = rh.train(rh.init_params(H, D, 1, seed=seed), raw_train.X, raw_train.Y,
                                      activation="tanh", **SETTINGS)
    return {"unscaled": rh.rmse(rh.predict(model, raw_val.X), raw_val.Y), "scaled": net_val.loc[seed, "RNN"]}


raw_table = rh.over_seeds(raw_run)
clim_val_rmse = rh.rmse(predict_climatology(climatology, raw_val.target_dates), raw_val.Y)
raw_start = rh.init_params(H, D, 1, seed=0)
raw_states = rh.forward(raw_start, raw_train.X, "tanh")[1]["states"][1:]          # (T, N, H)
scaled_states = rh.forward(raw_start, X_train, "tanh")[1]["states"][1:]
print(f"validation RMSE over seeds 0-4, mean (smallest to largest): unscaled "
      f"{rh.seeds.mean_range(raw_table['unscaled'], '.2f')} °C, scaled "
      f"{rh.seeds.mean_range(raw_table['scaled'], '.2f')} °C; climatology {clim_val_rmse:.2f} °C")
print(f"unscaled worse than scaled on {rh.seeds.wins(raw_table, 'scaled', 'unscaled')} of 5 seeds, "
      f"worse than climatology on {int((raw_table['unscaled'] > clim_val_rmse).sum())} of 5")
print(f"seed 0, loss before the first update: unscaled {raw_hists[0].train_loss[0]:.1f}, "
      f"scaled {rnn_hist.train_loss[0]:.3f} ({raw_hists[0].train_loss[0] / rnn_hist.train_loss[0]:.0f} "
      "times larger unscaled)")
print(f"seed 0, hidden states with |s| > 0.99 at the start: unscaled {np.mean(np.abs(raw_states) > 0.99):.0%}, "
      f"scaled {np.mean(np.abs(scaled_states) > 0.99):.0%}")

# %% [markdown] slideshow={"slide_type": "subslide"} tags=["solution"]
# <details><summary>Solution</summary>
#
# It trains without diverging, but badly: on every one of the 5 seeds it is worse than the scaled
# network and worse than climatology on the validation year (the counts above). The printed numbers
# of seed 0 show why. Inputs such as 20 °C or 30 mm saturate two thirds of the tanh states
# from the start (their slope there is near 0: notebook 5's collapse, in a milder form), and the
# loss the optimiser sees starts hundreds of times larger (targets around 16 instead of around 0),
# so the learning rate that suits standard units is the wrong size here.
# Scaling is not cosmetic: it is what lets the initial weights and learning rate of notebook 5 work
# on new data.
# </details>

# %% [markdown] slideshow={"slide_type": "-"}
# **5. Predict, then run: one network for seven horizons.** Two networks became one in the section
# on two variables. Train one RNN with $O = 7$ outputs on `X7, Y7` (all seven horizons at once) and
# compare its validation RMSE by horizon with the seven separate networks, over the same 5 seeds.
# Its loss adds seven squared errors, so its gradient is about seven times as large as one
# output's: first train it with the same settings (learning rate 0.3), then with the step scaled
# to the number of outputs, $0.3 / 7$, for 300 epochs (dividing the loss by 7 instead would do the
# same). Before running: will sharing one hidden state of 8 units across seven outputs help, cost
# nothing, or hurt? And does the step matter?

# %% slideshow={"slide_type": "-"} tags=["predict"]
# Exercise 5: write your guess first; the cell runs once my_guess holds it.
my_guess = "instructor edition: run as it is"   # your prediction, in words
if guessed(my_guess):
    def one_network(seed, learning_rate, epochs):
        """Validation RMSE (°C) by horizon of one RNN with O = 7, and its last 10 training losses."""
        settings = dict(SETTINGS, learning_rate=learning_rate, epochs=epochs)
        model, hist = rh.train(rh.init_params(H, D, len(HORIZONS), seed=seed), X7, Y7,
                               activation="tanh", **settings)
        errors = rmse_by_horizon(in_celsius(rh.predict(model, X7_val), columns7), truth7)
        return errors, hist.train_loss[-10:]

    runs = {"step 0.3, 100 epochs": (0.3, 100), "step 0.3/7, 300 epochs": (0.3 / 7, 300)}
    one_net, last_losses = {}, {}
    for label, (lr, epochs) in runs.items():
        results = [one_network(seed, lr, epochs) for seed in range(5)]
        one_net[label] = pd.DataFrame({seed: r for seed, (r, _) in enumerate(results)})
        last_losses[label] = results[0][1]
    table5 = pd.DataFrame({"seven networks": rnn7.mean(axis=1),
                           **{f"one, {label}": frame.mean(axis=1)
                              for label, frame in one_net.items()}})
    for label, frame in one_net.items():
        table5[f"wins of 5, {label.split(',')[0]}"] = (frame < rnn7).sum(axis=1)
    print("validation RMSE (°C) by horizon, mean over seeds 0-4; wins: seeds on which one network "
          "beats the seven")
    print(table5.round(2).to_string())
    for label, losses in last_losses.items():
        print(f"one network, {label}, seed 0, last 10 training losses: "
              + " ".join(f"{v:.3f}" for v in losses))

# %% [markdown] slideshow={"slide_type": "subslide"} tags=["solution"]
# <details><summary>Solution</summary>
#
# The step matters more than the sharing. With the settings of the single-output networks (step
# 0.3) the training loss of the seven-output network does not settle: it goes up and down from one
# epoch to the next (the last losses printed), because its gradient is about seven times as large,
# and the network is worse than the seven separate ones at one day on every seed. With the step
# scaled to $0.3 / 7$ and 300 epochs the loss falls smoothly, and the single network is better than
# the seven separate ones from two days ahead on average (on 3 to 5 seeds of 5, the wins columns),
# though still behind at one day on every seed: the far horizons, which dominate its summed loss,
# get the shared units' attention. One network for several outputs is a good default when its step
# fits its loss: a loss summed over $O$ outputs needs a step about $O$ times smaller (or the loss
# averaged over the outputs). Measure over seeds, as we did.
# </details>
