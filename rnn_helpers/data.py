"""Data preparation: cut a series into windows, each with the value that follows it as its target.

Letters used in shapes: N records (windows), T time steps per window, D input features, O outputs.
"""

import numpy as np

from ._checks import as_float_array, check_columns, check_int, check_size


__all__ = ["make_windows", "sine_windows"]


def make_windows(series, seq_len, *, targets=None, start=0, stop=None, horizon=1):
    """Cut `series` into overlapping windows of `seq_len` steps, each with the value `horizon` steps after it.

    series:  (time,) or (time, D): one or several input series sampled at the same instants.
    seq_len: T, the length of each window.
    targets: which columns of the series to predict: None means all of them; an int or a list of
             ints picks columns (so temperature and humidity can predict temperature alone).
    start, stop: windows start at positions start, start + 1, ..., stop - 1. stop=None takes every
             window that still has its target inside the series.
    horizon: how many steps after the window's last value the target lies (1 = the next value).

    Returns X (N, T, D) and Y (N, O), where window n is series[start + n : start + n + T] and its
    target is series[start + n + T - 1 + horizon, targets].
    """
    series = as_float_array("series", series, what="(time,) or (time, features)")
    if series.ndim == 1:
        series = series[:, None]
    elif series.ndim != 2:
        raise ValueError(f"series must have shape (time,) or (time, features), got {series.shape}.")
    if series.shape[1] == 0:
        raise ValueError(f"series has shape {series.shape}: no feature; it needs at least one "
                         "column.")
    seq_len = check_int("seq_len", seq_len, minimum=1)
    horizon = check_int("horizon", horizon, minimum=1)
    start = check_int("start", start, minimum=0)
    n_time, n_features = series.shape
    last_start = n_time - seq_len - horizon  # the last window whose target is still in the series
    if last_start < 0:
        raise ValueError(
            f"series is too short for the window: it has {n_time} time steps, but one window of "
            f"seq_len={seq_len} plus a target horizon={horizon} step(s) ahead needs "
            f"{seq_len + horizon}. Use a longer series or a shorter seq_len."
        )
    if start > last_start:
        raise ValueError(
            f"start={start} is too late: with {n_time} time steps, seq_len={seq_len} and "
            f"horizon={horizon}, the last window can start at {last_start}."
        )
    stop = last_start + 1 if stop is None else check_int("stop", stop, minimum=start + 1)
    if stop > last_start + 1:
        raise ValueError(
            f"windows starting at start={start} .. stop - 1 = {stop - 1} do not fit: with {n_time} "
            f"time steps, seq_len={seq_len} and horizon={horizon}, the last window can start at "
            f"{last_start} (stop at most {last_start + 1})."
        )
    columns = _target_columns(targets, n_features)
    # every window is a copy: N T D values, which a seq_len meant for another series can make huge
    check_size("seq_len", (stop - start) * seq_len * n_features,
               f"{stop - start} windows of seq_len={seq_len} steps and {n_features} feature(s)")
    starts = np.arange(start, stop)
    X = series[starts[:, None] + np.arange(seq_len)]          # (N, T, D) by fancy indexing: a copy
    Y = series[starts + seq_len - 1 + horizon][:, columns]   # (N, O)
    return X, Y


def _target_columns(targets, n_features):
    if targets is None:
        return list(range(n_features))
    return check_columns("targets", targets, n_features, f"series has only {n_features} column(s)")


def sine_windows(n_points=200, seq_len=50, n_train=100, n_val=50):
    """The course's data set: windows of sin(0), sin(1), ..., sin(n_points - 1).

    Training windows start at 0 .. n_train - 1, validation windows at n_train .. n_train + n_val - 1;
    each target is the value right after its window. With the defaults:
    X (100, 50, 1), Y (100, 1), X_val (50, 50, 1), Y_val (50, 1).
    """
    n_points = check_int("n_points", n_points, minimum=2)
    n_train = check_int("n_train", n_train, minimum=1)
    n_val = check_int("n_val", n_val, minimum=0)
    seq_len = check_int("seq_len", seq_len, minimum=1)
    needed = n_train + n_val + seq_len
    if needed > n_points:
        raise ValueError(
            f"n_points={n_points} is too short: {n_train} training and {n_val} validation windows "
            f"of seq_len={seq_len} (each with its target) need at least {needed} points. "
            "Raise n_points or lower n_train, n_val or seq_len."
        )
    check_size("n_points", n_points, f"a series of n_points={n_points}")
    check_size("seq_len", (n_train + n_val) * seq_len,
               f"{n_train + n_val} windows of seq_len={seq_len} steps")
    series = np.sin(np.arange(n_points, dtype=np.float64))
    X, Y = make_windows(series, seq_len, start=0, stop=n_train)
    if n_val == 0:
        X_val = np.empty((0, seq_len, 1))
        Y_val = np.empty((0, 1))
    else:
        X_val, Y_val = make_windows(series, seq_len, start=n_train, stop=n_train + n_val)
    return X, Y, X_val, Y_val
