"""Real data: four years of daily weather in Seattle, ready for the networks of the course.

The record (NOAA daily data, 2012-2015, shipped in rnn_helpers/datasets; see the README there) is
read with load_weather, cut into time-ordered periods with split_periods, scaled with statistics of
the training period only (fit_standardizer), and cut into windows inside each period only
(weather_windows), so that no window and no statistic ever sees a later period.

Letters used in shapes: N records (windows), T days per window, D input variables, O predicted
variables, K variables selected for un-scaling.
"""

import csv
import dataclasses
import datetime
import os
import re
from importlib import resources
from typing import NamedTuple

import numpy as np
import pandas as pd

from ._checks import as_float_array, calendar_days, check_int
from .data import make_windows
from .losses import rms_and_mean_abs

__all__ = ["WEATHER_COLUMNS", "load_weather", "split_periods", "Standardizer", "fit_standardizer",
           "WeatherWindows", "weather_windows", "forecast_errors"]

WEATHER_COLUMNS = ("precipitation_mm", "temp_max_c", "temp_min_c", "wind_ms")
_SHIPPED = "seattle_weather.csv"
_MAX_HORIZON = 7


# ---------------------------------------------------------------------------------------- loading

def load_weather(path=None):
    """Read a daily weather file; return a DataFrame (days, 4) indexed by date.

    path: None reads the record shipped with the package (Seattle, 2012-01-01 to 2015-12-31, 1461
          days); otherwise a str or os.PathLike naming a CSV file in the same format: a header line
          `date,precipitation_mm,temp_max_c,temp_min_c,wind_ms`, then one line per day with an
          ISO date (YYYY-MM-DD) and four numbers.

    Returns a DataFrame of float64 with a DatetimeIndex named "date" (one row per day, consecutive)
    and the columns WEATHER_COLUMNS, in the file's units: precipitation in mm, temperatures in
    degrees C, mean wind speed in m/s.

    Raises TypeError if path is not None, a str or a path; FileNotFoundError if it does not exist;
    ValueError naming the file, the line (and date) and the column if a column is missing or
    unexpected, an entry is not a finite number or not a date, or the dates are out of order,
    repeated or have a gap.
    """
    if path is None:
        with resources.as_file(resources.files("rnn_helpers") / "datasets" / _SHIPPED) as shipped:
            return _read_weather(shipped, f"{_SHIPPED} (shipped with rnn_helpers)")
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be None (the shipped record), a str or a path, "
                        f"got {type(path).__name__}.")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"path {os.fspath(path)!r} is not an existing file.")
    return _read_weather(path, os.fspath(path))


def _read_weather(path, name):
    """Parse and check the file at `path`; `name` is how error messages call it."""
    try:
        return _parse_weather(path, name)
    except (UnicodeDecodeError, csv.Error) as err:
        raise ValueError(f"{name} is not a readable CSV text file ({err}).") from None


def _parse_weather(path, name):
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = csv.reader(f)
        header = next(rows, None)
        if header is None:
            raise ValueError(f"{name} is empty: it needs a header line and one line per day.")
        header = [h.strip() for h in header]
        index = _header_columns(header, name)
        dates, values, lines = [], [], []
        for row in rows:
            if not any(field.strip() for field in row):
                continue                                   # a blank line: allowed, skipped
            line = rows.line_num
            if len(row) != len(header):
                raise ValueError(f"{name}, line {line}: {len(row)} fields, but the header has "
                                 f"{len(header)} ({','.join(header)}).")
            dates.append(_parse_date(row[index["date"]], name, line))
            values.append([_parse_number(row[index[c]], name, line, dates[-1], c)
                           for c in WEATHER_COLUMNS])
            lines.append(line)
    if not dates:
        raise ValueError(f"{name} has a header but no data lines.")
    _check_dates(dates, lines, name)
    index = pd.DatetimeIndex(dates, name="date")
    return pd.DataFrame(np.array(values, dtype=np.float64), index=index,
                        columns=list(WEATHER_COLUMNS))


def _header_columns(header, name):
    expected = ("date",) + WEATHER_COLUMNS
    missing = [c for c in expected if c not in header]
    if missing:
        raise ValueError(f"{name}, line 1 (header): column {missing[0]!r} is missing; the header "
                         f"must name {', '.join(expected)}, got {', '.join(header)}.")
    extra = [c for c in header if c not in expected]
    if extra or len(header) != len(expected):
        what = f"unexpected column {extra[0]!r}" if extra else "a column named twice"
        raise ValueError(f"{name}, line 1 (header): {what}; the header must name exactly "
                         f"{', '.join(expected)}, got {', '.join(header)}.")
    return {c: header.index(c) for c in expected}


def _parse_date(text, name, line):
    try:
        if not _ISO_DAY.fullmatch(text.strip()):          # strptime alone takes '2013-1-5'
            raise ValueError
        return datetime.datetime.strptime(text.strip(), "%Y-%m-%d")
    except ValueError:
        raise ValueError(f"{name}, line {line}, column 'date': {text!r} is not a date of the "
                         "form YYYY-MM-DD.") from None


def _parse_number(text, name, line, date, column):
    where = f"{name}, line {line} (date {date:%Y-%m-%d}), column {column!r}"
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{where}: {text!r} is not a number.") from None
    if not np.isfinite(value):
        raise ValueError(f"{where}: {text!r} is not a finite number; the record has no gaps, "
                         "so a missing value must be filled in the file.")
    return value


def _check_dates(dates, lines, name):
    one_day = datetime.timedelta(days=1)
    for i in range(1, len(dates)):
        prev, cur = dates[i - 1], dates[i]
        where = f"{name}, line {lines[i]}, column 'date'"
        if cur == prev:
            raise ValueError(f"{where}: date {cur:%Y-%m-%d} is repeated (also on line "
                             f"{lines[i - 1]}); each day must appear once.")
        if cur < prev:
            raise ValueError(f"{where}: dates out of order: {cur:%Y-%m-%d} comes after "
                             f"{prev:%Y-%m-%d} (line {lines[i - 1]}); sort the file by date.")
        if cur - prev != one_day:
            gap = (cur - prev).days - 1
            raise ValueError(f"{where}: missing date(s): {gap} day(s) from "
                             f"{prev + one_day:%Y-%m-%d} to {cur - one_day:%Y-%m-%d} are absent "
                             f"between line {lines[i - 1]} ({prev:%Y-%m-%d}) and this line "
                             f"({cur:%Y-%m-%d}).")


# ---------------------------------------------------------------------------------------- periods

def split_periods(df, train_end, val_end):
    """Cut a daily record into training, validation and test periods, in time order.

    df:        DataFrame (days, D) indexed by consecutive days (DatetimeIndex), as load_weather
               returns. A time-zone-aware index is read in its own zone: each row belongs to its
               local calendar day (so a day of 23 or 25 hours at a daylight-saving change is
               still one day).
    train_end: last day of the training period (included): a str of the form "YYYY-MM-DD"
               (e.g. "2013-12-31"; other forms such as "01/02/2013" or "2013" are refused, not
               guessed at), or a datetime.date, datetime, pd.Timestamp or np.datetime64 without a
               time of day.
    val_end:   last day of the validation period (included), e.g. "2014-12-31"; the test period
               is every later day.

    Returns (train, val, test): three DataFrames (copies) covering df without overlap.
    Raises TypeError if df is not such a DataFrame or a date is not a date; ValueError if a date
    is not of the form YYYY-MM-DD or has a time of day, train_end is not before val_end, or a
    period would be empty.
    """
    df, dates = _check_frame("df", df)
    train_end = _as_day("train_end", train_end)
    val_end = _as_day("val_end", val_end)
    if not train_end < val_end:
        raise ValueError(f"train_end ({train_end}) must come before val_end ({val_end}).")
    parts = {"training": dates <= train_end, "validation": (dates > train_end) & (dates <= val_end),
             "test": dates > val_end}
    first, last = dates[0], dates[-1]
    for period, mask in parts.items():
        if not mask.any():
            raise ValueError(f"the {period} period is empty: df covers {first} to {last}, with "
                             f"train_end={train_end} and val_end={val_end}.")
    return tuple(df.loc[mask].copy() for mask in parts.values())


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _as_day(name, value):
    """The day `value` names, as a numpy datetime64[D]: only unambiguous forms are accepted."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (str, datetime.date,
                                                                      np.datetime64)):
        raise TypeError(f"{name} must be a date such as '2013-12-31', got {value!r} "
                        f"({type(value).__name__}).")
    if isinstance(value, str):
        # pandas would guess: '01/02/2013' becomes 2 January, '31/12/2013' 31 December, '2013'
        # 1 January. One explicit form leaves nothing to guess.
        try:
            if not _ISO_DAY.fullmatch(value):
                raise ValueError
            day = datetime.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{name}={value!r} is not a date of the form 'YYYY-MM-DD' (year, "
                             "month, day, e.g. '2013-12-31'); other forms such as '01/02/2013' "
                             "are ambiguous and are not guessed.") from None
        return np.datetime64(day, "D")
    if pd.isna(value):
        raise ValueError(f"{name} must be a date, got {value!r}.")
    if isinstance(value, datetime.datetime):               # also pd.Timestamp
        wall = value.replace(tzinfo=None)                   # its local day, in its own zone
        if wall != datetime.datetime.combine(wall.date(), datetime.time()):
            raise ValueError(f"{name}={value!r} has a time of day ({wall:%H:%M:%S}); the periods "
                             f"end with whole days: pass the day alone, e.g. '{wall:%Y-%m-%d}'.")
        return np.datetime64(wall.date(), "D")
    if isinstance(value, datetime.date):
        return np.datetime64(value, "D")
    unit = np.datetime_data(value.dtype)[0]
    if unit in ("Y", "M", "W"):                              # np.datetime64("2013") is a year
        raise ValueError(f"{name}={value!r} names a {dict(Y='year', M='month', W='week')[unit]}, "
                         "not a day; pass the last day itself, e.g. '2013-12-31'.")
    day = value.astype("datetime64[D]")
    if day != value:
        raise ValueError(f"{name}={value!r} has a time of day; the periods end with whole days: "
                         f"pass the day alone, e.g. '{day}'.")
    return day


def _check_frame(name, df):
    """Check a daily DataFrame: DatetimeIndex of consecutive days, finite numbers, >= 1 column.

    Returns (df, days): days the calendar day of each row (datetime64[D], (days,)), local days
    for a time-zone-aware index (see rnn_helpers._checks.calendar_days).
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame indexed by date (as load_weather "
                        f"returns), got {type(df).__name__}.")
    if not isinstance(df.index, pd.DatetimeIndex):
        raise TypeError(f"{name} must have a DatetimeIndex, got {type(df.index).__name__}.")
    if df.shape[0] < 1 or df.shape[1] < 1:
        raise ValueError(f"{name} has shape {df.shape}: it needs at least one day and one column.")
    as_float_array(name, df.to_numpy(), ndim=2, what="(days, variables)")
    days = calendar_days(f"{name}.index", df.index)
    bad = np.flatnonzero(np.diff(days) != np.timedelta64(1, "D"))
    if bad.size:
        i = bad[0]
        raise ValueError(f"{name} must hold consecutive days, but {days[i + 1]} follows "
                         f"{days[i]}.")
    return df, days


# ---------------------------------------------------------------------------------------- scaling

@dataclasses.dataclass(frozen=True, eq=False)
class Standardizer:
    """Per-variable mean and standard deviation, fitted on the training period only.

    columns: the variables' names (a tuple of D names), or None when fitted on a bare array.
    mean, std: (D,) read-only float64 arrays, in the data's units.
    transform maps values to (values - mean) / std; inverse maps them back.
    """
    columns: tuple | None
    mean: np.ndarray
    std: np.ndarray

    def transform(self, values):
        """Scale values: a DataFrame with self.columns, or an array (..., D); same type back.

        Raises ValueError if a scaled value would go beyond the largest float.
        """
        if isinstance(values, pd.DataFrame):
            if self.columns is None or tuple(values.columns) != self.columns:
                raise ValueError(f"values has columns {list(values.columns)}, but this "
                                 f"Standardizer was fitted on {self.columns}.")
            return pd.DataFrame(self.transform(values.to_numpy()), index=values.index,
                                columns=values.columns)
        arr = as_float_array("values", values, what="(..., D)")
        if arr.ndim < 1 or arr.shape[-1] != self.mean.size:
            raise ValueError(f"values has shape {arr.shape}; its last axis must hold the "
                             f"{self.mean.size} variables the Standardizer was fitted on.")
        with np.errstate(over="ignore", invalid="ignore"):
            return _finite("values", (arr - self.mean) / self.std, "scaled")

    def inverse(self, values, columns=None):
        """Undo transform: values (..., K) back to the data's units; returns an array (..., K).

        columns: which variables the K last-axis entries are, as names or positions (e.g.
                 ["temp_max_c"] to un-scale a model that predicts temp_max only). None: all D.
        Raises ValueError if a column is unknown, K does not match, or a value would go beyond the
        largest float.
        """
        return self._inverse("values", values, self._positions(columns))

    def _inverse(self, name, values, sel):
        """inverse, with messages naming the caller's argument `name`; sel: positions."""
        arr = as_float_array(name, values, what="(..., K)")
        if arr.ndim < 1 or arr.shape[-1] != len(sel):
            raise ValueError(f"{name} has shape {arr.shape}, but {len(sel)} column(s) were "
                             f"selected; its last axis must have one entry per column.")
        with np.errstate(over="ignore", invalid="ignore"):
            return _finite(name, arr * self.std[sel] + self.mean[sel], "un-scaled")

    def _positions(self, columns):
        if columns is None:
            return list(range(self.mean.size))
        if isinstance(columns, (str, int, np.integer)):
            columns = [columns]
        elif not isinstance(columns, (list, tuple, np.ndarray, pd.Index)):
            raise TypeError(f"columns must be None, a variable's name or position, or a list of "
                            f"them; got {columns!r} ({type(columns).__name__}).")
        columns = list(columns)
        if not columns:
            raise ValueError("columns must name at least one variable (or be None for all).")
        sel = []
        for c in columns:
            if isinstance(c, str):
                if self.columns is None or c not in self.columns:
                    raise ValueError(f"columns names {c!r}, but the Standardizer's columns are "
                                     f"{self.columns}.")
                sel.append(self.columns.index(c))
            else:
                sel.append(check_int("columns", c, minimum=0, maximum=self.mean.size - 1))
        return sel


def _finite(name, result, what):
    """result, if every entry is finite; else a ValueError naming the argument it came from."""
    if not np.isfinite(result).all():
        raise ValueError(f"{name}, once {what}, would go beyond the largest float (1.8e308): some "
                         "entries are far outside the range of the training data; check them.")
    return result


def _mean_std(arr):
    """Per-column mean and std (ddof=0) of arr (N, D), without overflow or underflow: a column
    whose largest |entry| m is beyond 1e100 (or below 1e-100) is divided by m first."""
    m = np.max(np.abs(arr), axis=0)
    if np.all((m == 0) | ((m > 1e-100) & (m < 1e100))):
        return arr.mean(axis=0), arr.std(axis=0)          # the plain formulas are exact here
    m = np.where(m > 0, m, 1.0)
    unit = arr / m                      # mean and std of unit are at most 1: times m fits
    return unit.mean(axis=0) * m, unit.std(axis=0) * m


def fit_standardizer(train_values, columns=None):
    """Fit a Standardizer on the training period only: mean and std (ddof=0) of each variable.

    train_values: DataFrame (days, D) (its column names are kept) or array (N, D) or (N, T, D),
                  every axis but the last being pooled; only the training period must be passed.
    columns:      names for the D variables of an array (ignored for a DataFrame's own names).

    Returns a Standardizer. Raises TypeError for non-numeric input, ValueError for NaN or
    infinite values, no variable, fewer than 2 rows, or a constant variable (its std is 0).
    Values near the largest float are scaled before squaring, so no step overflows.
    """
    if isinstance(train_values, pd.DataFrame):
        columns = tuple(str(c) for c in train_values.columns)
        train_values = train_values.to_numpy()
    arr = as_float_array("train_values", train_values, what="(N, D)")
    if arr.ndim < 2:
        raise ValueError(f"train_values must have shape (N, D), got {arr.shape}; add a "
                         "variable axis with train_values[:, None].")
    if arr.shape[-1] == 0:
        raise ValueError(f"train_values has shape {arr.shape}: no variable to standardise; its "
                         "last axis must hold at least one.")
    arr = arr.reshape(-1, arr.shape[-1])
    if arr.shape[0] < 2:
        raise ValueError(f"train_values has {arr.shape[0]} row(s); a std needs at least 2.")
    if columns is not None:
        if isinstance(columns, str) or not isinstance(columns, (list, tuple)) or \
                not all(isinstance(c, str) for c in columns):
            raise TypeError(f"columns must be None or a list of the D variables' names (str), "
                            f"got {columns!r}.")
        columns = tuple(columns)
        if len(set(columns)) != len(columns):
            raise ValueError(f"columns names a variable twice: {list(columns)}.")
        if len(columns) != arr.shape[1]:
            raise ValueError(f"columns has {len(columns)} names but train_values has "
                             f"{arr.shape[1]} variables.")
    mean, std = _mean_std(arr)          # both finite: std is at most half the range
    flat = np.flatnonzero(std == 0)
    if flat.size:
        which = columns[flat[0]] if columns else flat[0]
        raise ValueError(f"train_values: variable {which!r} is constant in the training "
                         "period (std 0), so it cannot be standardised; drop it.")
    mean.setflags(write=False)
    std.setflags(write=False)
    return Standardizer(columns, mean, std)


# ---------------------------------------------------------------------------------------- windows

class WeatherWindows(NamedTuple):
    """Windows of one period: X (N, T, D), Y (N, O) and target_dates (N,), the day of each Y row."""
    X: np.ndarray
    Y: np.ndarray
    target_dates: pd.DatetimeIndex


def weather_windows(period, seq_len, inputs, targets, horizon=1):
    """Cut one period into windows of `seq_len` days, each with its target `horizon` days ahead.

    period:  DataFrame (days, variables) of one period only (train, validation or test, as
             split_periods returns, scaled or not), so no window can cross into another period.
    seq_len: T, the number of days in a window.
    inputs:  the column name(s) fed to the model, D of them.
    targets: the column name(s) to predict, O of them (need not be among the inputs).
    horizon: 1..7, days between a window's last day and its target (1 = the next day).

    Returns WeatherWindows(X (N, T, D), Y (N, O), target_dates (N,)) with N = days - T - horizon
    + 1: window n covers days n .. n + T - 1 of the period and its target is day n + T - 1 +
    horizon. Built with rnn_helpers.data.make_windows.
    Raises TypeError / ValueError for a bad period, an unknown column, or a period too short.
    """
    period, _ = _check_frame("period", period)
    seq_len = check_int("seq_len", seq_len, minimum=1)
    horizon = check_int("horizon", horizon, minimum=1, maximum=_MAX_HORIZON)
    inputs = _column_names("inputs", inputs, period)
    targets = _column_names("targets", targets, period)
    days = len(period)
    if days < seq_len + horizon:
        raise ValueError(f"period has {days} days ({period.index[0]:%Y-%m-%d} to "
                         f"{period.index[-1]:%Y-%m-%d}), but one window of seq_len={seq_len} "
                         f"with a target {horizon} day(s) ahead needs {seq_len + horizon}.")
    columns = inputs + [c for c in targets if c not in inputs]   # inputs first, then the rest
    X, Y = make_windows(period[columns].to_numpy(), seq_len,
                        targets=[columns.index(c) for c in targets], horizon=horizon)
    target_dates = period.index[seq_len - 1 + horizon:]
    return WeatherWindows(X[:, :, :len(inputs)], Y, target_dates)


def _column_names(name, value, period):
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, (list, tuple)) or not all(isinstance(c, str) for c in names):
        raise TypeError(f"{name} must be a column name or a list of them, got {value!r}.")
    if not names:
        raise ValueError(f"{name} must name at least one column.")
    unknown = [c for c in names if c not in period.columns]
    if unknown:
        raise ValueError(f"{name} names {unknown[0]!r}, which is not a column of period; "
                         f"its columns are {list(period.columns)}.")
    if len(set(names)) != len(names):
        raise ValueError(f"{name} names a column twice: {list(names)}.")
    return list(names)


# ---------------------------------------------------------------------------------------- errors

def forecast_errors(Y, Y_pred, columns, standardizer=None):
    """RMSE and MAE of predictions, per predicted variable, in the data's units.

    Y, Y_pred:    (N, O) targets and predictions, standardised if `standardizer` is given (they
                  are then un-scaled with standardizer.inverse(..., columns)), else in data units.
    columns:      the O variables' names (used as row labels and to pick the statistics).
    standardizer: the Standardizer fitted on the training period, or None.

    Returns a DataFrame (O, 2) with columns "rmse" and "mae", one row per variable. Values near
    the largest float are scaled before squaring, so no step overflows.
    Raises ValueError if the shapes differ or do not match columns, or an error itself is beyond
    the largest float (1.8e308).
    """
    columns = [columns] if isinstance(columns, str) else columns
    if not isinstance(columns, (list, tuple)) or not all(isinstance(c, str) for c in columns):
        raise TypeError(f"columns must be a variable's name or a list of them, got {columns!r}.")
    columns = list(columns)
    if not columns or len(set(columns)) != len(columns):
        raise ValueError(f"columns must name each predicted variable once, got {columns}.")
    Y = as_float_array("Y", Y, ndim=2, what="(N, O)")
    Y_pred = as_float_array("Y_pred", Y_pred, ndim=2, what="(N, O)")
    if Y.shape != Y_pred.shape or Y.shape[1] != len(columns) or Y.shape[0] < 1:
        raise ValueError(f"Y {Y.shape} and Y_pred {Y_pred.shape} must have the same shape "
                         f"(N >= 1, O = {len(columns)} columns: {columns}).")
    if standardizer is not None:
        if not isinstance(standardizer, Standardizer):
            raise TypeError(f"standardizer must be a Standardizer or None, got "
                            f"{type(standardizer).__name__}.")
        unknown = [c for c in columns if standardizer.columns is None or c not in standardizer.columns]
        if unknown:
            raise ValueError(f"standardizer was fitted on the columns {standardizer.columns}, so it "
                             f"cannot un-scale {unknown[0]!r} (from columns): pass the Standardizer "
                             "fitted on the training period of these variables.")
        sel = standardizer._positions(columns)
        Y, Y_pred = standardizer._inverse("Y", Y, sel), standardizer._inverse("Y_pred", Y_pred, sel)
    rmse, mae = rms_and_mean_abs(Y_pred, Y, axis=0)      # scaled first if squares would overflow
    if not (np.isfinite(rmse).all() and np.isfinite(mae).all()):
        raise ValueError("Y_pred and Y differ by more than the largest float (1.8e308): the "
                         "errors cannot be represented; check the predictions.")
    return pd.DataFrame({"rmse": rmse, "mae": mae}, index=pd.Index(columns, name="variable"))
