"""Simple predictors that any model must beat, for windows X (N, T, 1) of a single series.

Each returns predictions of shape (N, 1).
"""

import numpy as np

from ._checks import (as_float_array, calendar_days, check_columns, check_int, check_magnitude,
                      check_real, check_size)

#: The most predictions predict_mean makes at once (a larger n is a mistake, not a request).
MAX_PREDICTIONS = 100_000_000


def _windows(X, min_steps=1, who=None):
    """X (N, T, 1) with N >= 1 and T >= min_steps, checked; `who` names the caller for messages.

    Values within a factor 3 of the largest float are refused: 2 x_T - x_{T-1} would overflow.
    """
    X = check_magnitude("X", as_float_array("X", X, ndim=3, what="(N, T, 1)"),
                        limit=np.finfo(np.float64).max / 3, hint="the extrapolations "
                        "2 c x_T - x_{T-1} would overflow; standardise the series first")
    if X.shape[2] != 1:
        raise ValueError(f"the baselines take one series, X of shape (N, T, 1); got {X.shape}.")
    if X.shape[0] < 1 or X.shape[1] < min_steps:
        need = f"windows of at least {min_steps} steps" if min_steps > 1 else "at least one step"
        raise ValueError(f"X has shape {X.shape}: {who or 'the baseline'} needs at least one "
                         f"window and {need}.")
    return X


def predict_mean(Y_train, n):
    """Always predict the mean of the training targets Y_train (N_train, O); returns (n, O).

    n: how many predictions, a whole number from 1 to MAX_PREDICTIONS.
    """
    Y_train = as_float_array("Y_train", Y_train, ndim=2, what="(N, output_dim)")
    if 0 in Y_train.shape:
        raise ValueError(f"Y_train has shape {Y_train.shape}: its mean needs at least one target.")
    n = check_int("n", n, minimum=1, maximum=MAX_PREDICTIONS)
    check_size("n", n * Y_train.shape[1], f"{n} predictions of {Y_train.shape[1]} outputs")
    return np.repeat(_column_means(Y_train)[None], n, axis=0)


def _column_means(values):
    """Mean of each column of values (N, O), without overflow for entries near the largest float
    (a sum of such entries would be inf; the mean of entries scaled by the largest is not)."""
    m = np.max(np.abs(values), axis=0)
    if np.all(m < 1e300 / values.shape[0]):
        return values.mean(axis=0)                          # the plain sum cannot overflow
    m = np.where(m > 0, m, 1.0)
    return (values / m).mean(axis=0) * m


def predict_last(X):
    """Predict that the next value equals the last one: x_T."""
    X = _windows(X)
    return X[:, -1].copy()


def predict_linear(X):
    """Continue the straight line through the last two values: 2 x_T - x_{T-1}."""
    X = _windows(X, 2, "predict_linear")
    return 2.0 * X[:, -1] - X[:, -2]


def predict_sine_recurrence(X, omega=1.0):
    """The exact rule for samples of sin(omega k): x_{T+1} = 2 cos(omega) x_T - x_{T-1}.

    From sin(a + w) + sin(a - w) = 2 cos(w) sin(a). A linear model with two weights.
    """
    X = _windows(X, 2, "predict_sine_recurrence")
    omega = check_real("omega", omega)
    return 2.0 * np.cos(omega) * X[:, -1] - X[:, -2]


# ------------------------------------------------------------------------------------------------
# Baselines for several variables (the weather data): windows X (N, T, D), targets Y (N, O).
# Letters: N records, T days per window, D input variables, O predicted variables.

_LEAP_MONTH_START = np.array([0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335])
_FEB_29 = 59          # position of Feb 29 on the leap-year calendar used for the day of the year


def _many_windows(name, X):
    X = as_float_array(name, X, ndim=3, what="(N, T, D)")
    if X.shape[0] < 1 or X.shape[1] < 1 or X.shape[2] < 1:
        raise ValueError(f"{name} has shape {X.shape}: it needs at least one window, one step "
                         "and one variable.")
    return X


def predict_persistence(X, columns=0):
    """Persistence: predict that each target variable keeps the last value seen in its window.

    X:       (N, T, D) windows; for a target `horizon` days ahead, X[:, -1] is the day `horizon`
             days before the target, so this is "the value h days before".
    columns: the position (int) or positions (list of ints) in the D inputs of the variables to
             predict, O of them.
    Returns (N, O): X[:, -1, columns]. Raises TypeError / ValueError naming X or columns.
    """
    X = _many_windows("X", X)
    cols = check_columns("columns", columns, X.shape[2],
                         f"X (shape {X.shape}) has only {X.shape[2]} input variable(s)")
    return X[:, -1, cols].copy()


def _day_of_year(name, dates):
    """Position 0..365 of each date on a leap-year calendar: Mar 1 is 60 in every year.

    A time-zone-aware index counts its local days (see rnn_helpers._checks.calendar_days).
    """
    day = calendar_days(name, dates)
    month_start = day.astype("datetime64[M]")
    month = month_start.astype(np.int64) % 12
    return _LEAP_MONTH_START[month] + (day - month_start.astype("datetime64[D]")).astype(np.int64)


def fit_climatology(dates, values, half_width=7):
    """Climatology: the mean of each variable for each day of the year, over the given days only.

    dates:      (N,) the days of `values` (DatetimeIndex or datetime64 array; text is refused,
                not guessed at; a time-zone-aware index counts its local days): pass the
                training period only, so that no later year enters the means.
    values:     (N,) or (N, O) the variables on those days.
    half_width: smoothing; the entry for a day is the mean over every given day within
                +-half_width days of it in the calendar (default 7: a 15-day window, wrapping
                from Dec 31 to Jan 1). 0 means no smoothing: the plain mean over the years.

    Days are placed on a leap-year calendar, so Mar 1 is the same entry in every year and Feb 29
    has its own entry; if no Feb 29 falls in the data (or its window), it takes the mean of the
    entries of Feb 28 and Mar 1.
    Returns (366, O), entry [doy] for the calendar position doy (0 = Jan 1, 59 = Feb 29).
    Raises TypeError for dates that are not dates, ValueError if shapes disagree or a calendar
    day other than Feb 29 has no data within its window (use more days or a larger half_width).
    """
    doy = _day_of_year("dates", dates)
    values = as_float_array("values", values, what="(N,) or (N, O)")
    if values.ndim == 1:
        values = values[:, None]
    if values.ndim != 2 or values.shape[0] != doy.size or values.shape[1] == 0:
        raise ValueError(f"values must have shape (N,) or (N, O) with one row per entry of dates "
                         f"(N = {doy.size}) and O >= 1 variables, got {values.shape}.")
    half_width = check_int("half_width", half_width, minimum=0, maximum=182)
    # entries near the largest float would make the sums inf: average values / m, then times m
    m = np.max(np.abs(values), axis=0)
    m = np.where((m > 1e300 / values.shape[0] / (2 * half_width + 1)) & (m > 0), m, 1.0)
    values = values / m if np.any(m != 1.0) else values
    sums = np.zeros((366, values.shape[1]))
    np.add.at(sums, doy, values)
    counts = np.bincount(doy, minlength=366).astype(np.float64)
    window = (np.arange(366)[:, None] + np.arange(-half_width, half_width + 1)) % 366
    sums, counts = sums[window].sum(axis=1), counts[window].sum(axis=1)
    table = np.full_like(sums, np.nan)
    has = counts > 0
    table[has] = sums[has] / counts[has, None]
    if not has[_FEB_29]:
        table[_FEB_29] = 0.5 * (table[_FEB_29 - 1] + table[_FEB_29 + 1])
    empty = np.flatnonzero(np.isnan(table[:, 0]))
    if empty.size:
        day = np.datetime64("2012-01-01") + int(empty[0])
        raise ValueError(f"dates leave {empty.size} calendar day(s) without data within "
                         f"+-{half_width} days, the first {str(day)[5:]} (MM-DD); pass at least a "
                         "full year of days or a larger half_width.")
    return table * m if np.any(m != 1.0) else table


def predict_climatology(climatology, dates):
    """Look up the climatology of each date: climatology (366, O), dates (N,) -> (N, O)."""
    climatology = as_float_array("climatology", climatology, ndim=2, what="(366, O)")
    if climatology.shape[0] != 366 or climatology.shape[1] == 0:
        raise ValueError(f"climatology must have shape (366, O) as fit_climatology returns, got "
                         f"{climatology.shape}.")
    return climatology[_day_of_year("dates", dates)]


def _design(X):
    """Flatten windows (N, T, D) into rows (N, T*D + 1): the window, then a 1 for the intercept."""
    return np.hstack([X.reshape(X.shape[0], -1), np.ones((X.shape[0], 1))])


def fit_linear_ar(X, Y):
    """Linear autoregression on the networks' inputs, fitted by least squares (np.linalg.lstsq).

    X: (N, T, D) training windows; Y: (N, O) their targets (any number of outputs).
    The model is Y_hat = [x_1, ..., x_T (each D values), 1] @ weights: every input day and
    variable gets its own weight, plus an intercept.
    Returns weights (T*D + 1, O); the last row is the intercept.
    Raises ValueError if N and Y disagree, Y has no column, there are fewer windows (N) than
    weights (T*D + 1), or an entry is beyond +-MAX_MAGNITUDE (1e50; standardise the data first).
    """
    X = check_magnitude("X", _many_windows("X", X))
    Y = check_magnitude("Y", as_float_array("Y", Y, ndim=2, what="(N, O)"))
    N, T, D = X.shape
    if Y.shape[1] == 0:
        raise ValueError(f"Y has shape {Y.shape}: no target variable to fit; it needs O >= 1 "
                         "columns.")
    if Y.shape[0] != N:
        raise ValueError(f"X has {N} windows but Y has {Y.shape[0]} rows: one target row per "
                         "window.")
    if N < T * D + 1:
        raise ValueError(f"X has {N} windows, fewer than the {T * D + 1} weights (T*D + 1 = "
                         f"{T}*{D} + 1) to fit: the least-squares problem would not be determined.")
    weights, *_ = np.linalg.lstsq(_design(X), Y, rcond=None)
    return weights


def predict_linear_ar(weights, X):
    """Predict with weights (T*D + 1, O) from fit_linear_ar for windows X (N, T, D); return (N, O).

    Raises TypeError / ValueError naming weights or X if they are not real arrays of those shapes
    or hold an entry beyond +-MAX_MAGNITUDE (1e50).
    """
    weights = check_magnitude("weights", as_float_array("weights", weights, ndim=2,
                                                        what="(T*D + 1, O)"))
    X = check_magnitude("X", _many_windows("X", X))
    if weights.shape[1] == 0:
        raise ValueError(f"weights has shape {weights.shape}: no output column; fit_linear_ar "
                         "returns (T*D + 1, O) with O >= 1.")
    if weights.shape[0] != X.shape[1] * X.shape[2] + 1:
        raise ValueError(f"weights has {weights.shape[0]} rows, but windows X of shape {X.shape} "
                         f"need T*D + 1 = {X.shape[1] * X.shape[2] + 1}: fit and predict on "
                         "windows of the same length and variables.")
    return _design(X) @ weights


__all__ = ["predict_mean", "predict_last", "predict_linear", "predict_sine_recurrence",
           "predict_persistence", "fit_climatology", "predict_climatology", "fit_linear_ar",
           "predict_linear_ar"]
