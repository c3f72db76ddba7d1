import dataclasses
import datetime
import hashlib
import re
import warnings
from importlib import resources

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from rnn_helpers import baselines as bl
from rnn_helpers.weather import (WEATHER_COLUMNS, Standardizer, fit_standardizer, forecast_errors,
                                 load_weather, split_periods, weather_windows)

HEADER = "date,precipitation_mm,temp_max_c,temp_min_c,wind_ms"


@pytest.fixture(scope="module")
def weather():
    return load_weather()


def write_csv(tmp_path, lines, name="broken.csv"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def day_frame(start="2012-01-01", days=40, columns=("a", "b")):
    """A daily DataFrame whose column 'day' numbers the days: windows show which days they use."""
    index = pd.date_range(start, periods=days, freq="D", name="date")
    data = {"day": np.arange(days, dtype=float)}
    data.update({c: np.arange(days) * (k + 2.0) + 1.0 for k, c in enumerate(columns)})
    return pd.DataFrame(data, index=index)


# ---------------------------------------------------------------------------- the shipped file

def test_shipped_file_loads_with_the_right_shape_columns_and_dates(weather):
    assert weather.shape == (1461, 4)
    assert tuple(weather.columns) == WEATHER_COLUMNS
    assert [c for c in weather.columns if "temp" in c] == ["temp_max_c", "temp_min_c"]
    assert isinstance(weather.index, pd.DatetimeIndex) and weather.index.name == "date"
    assert weather.index[0] == pd.Timestamp("2012-01-01")
    assert weather.index[-1] == pd.Timestamp("2015-12-31")
    assert (np.diff(weather.index.values) == np.timedelta64(1, "D")).all()
    assert (weather.dtypes == np.float64).all()
    assert weather.loc["2012-01-02"].tolist() == [10.9, 10.6, 2.8, 4.5]      # line 3 of the file
    assert (weather.temp_min_c <= weather.temp_max_c).all()
    assert 5 < weather.temp_max_c.mean() < 25 and weather.precipitation_mm.min() == 0   # deg C, mm


def test_shipped_file_is_the_one_the_readme_describes():
    folder = resources.files("rnn_helpers") / "datasets"
    digest = hashlib.sha256((folder / "seattle_weather.csv").read_bytes()).hexdigest()
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert f"Result: sha256 `{digest}`" in readme


def test_load_weather_reads_a_path_or_str(tmp_path):
    lines = [HEADER, "2012-01-01,0.0,1.5,-1.0,2.0", "2012-01-02,3.5,2.5,0.0,4.0", ""]
    path = write_csv(tmp_path, lines, "good.csv")
    for p in (path, str(path)):
        df = load_weather(p)
        assert df.shape == (2, 4) and df.loc["2012-01-02", "precipitation_mm"] == 3.5
    with_bom = tmp_path / "bom.csv"                  # as spreadsheet programs save UTF-8
    with_bom.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load_weather(with_bom).equals(load_weather(path))


# ------------------------------------------------------------------------------------ loader errors

GOOD = ["2012-01-01,0.0,12.8,5.0,4.7", "2012-01-02,10.9,10.6,2.8,4.5",
        "2012-01-03,0.8,11.7,7.2,2.3"]


@pytest.mark.parametrize("lines, row, column, what", [
    (["date,precipitation_mm,temp_max_c,temp_min_c"] + [r.rsplit(",", 1)[0] for r in GOOD],
     "line 1", "'wind_ms'", "is missing"),
    ([HEADER, GOOD[0], "2012-01-02,10.9,warm,2.8,4.5", GOOD[2]],
     "line 3 (date 2012-01-02)", "'temp_max_c'", "'warm' is not a number"),
    ([HEADER, GOOD[0], "2012-01-02,,10.6,2.8,4.5", GOOD[2]],
     "line 3 (date 2012-01-02)", "'precipitation_mm'", "'' is not a number"),
    ([HEADER, GOOD[0], GOOD[1], "2012-01-03,0.8,11.7,7.2,nan"],
     "line 4 (date 2012-01-03)", "'wind_ms'", "not a finite number"),
    ([HEADER, GOOD[1], GOOD[0], GOOD[2]],
     "line 3", "'date'", "dates out of order: 2012-01-01 comes after 2012-01-02"),
    ([HEADER, GOOD[0], GOOD[1], GOOD[1].replace("10.9", "1.0"), GOOD[2]],
     "line 4", "'date'", "date 2012-01-02 is repeated (also on line 3)"),
    ([HEADER, GOOD[0], GOOD[2]],
     "line 3", "'date'", "missing date(s): 1 day(s) from 2012-01-02 to 2012-01-02"),
    ([HEADER, GOOD[0], "2012/01/02,10.9,10.6,2.8,4.5"],
     "line 3", "'date'", "'2012/01/02' is not a date"),
    ([HEADER, GOOD[0], "2012-1-2,10.9,10.6,2.8,4.5"],
     "line 3", "'date'", "'2012-1-2' is not a date of the form YYYY-MM-DD"),
    ([HEADER + ",weather", GOOD[0] + ",sun"], "line 1", "'weather'", "unexpected column"),
], ids=["missing column", "non-numeric", "empty entry", "nan", "out of order", "repeated date",
        "missing date", "bad date", "date without leading zeros", "extra column"])
def test_load_weather_names_file_row_and_column(tmp_path, lines, row, column, what):
    path = write_csv(tmp_path, lines)
    with pytest.raises(ValueError) as info:
        load_weather(path)
    message = str(info.value)
    for part in (str(path), row, column, what):
        assert part in message, f"{part!r} not in {message!r}"


def test_load_weather_counts_lines_of_the_file_even_after_a_blank_line(tmp_path):
    path = write_csv(tmp_path, [HEADER, GOOD[0], "", "2012-01-02,10.9,10.6,cold,4.5"])
    with pytest.raises(ValueError, match=r"line 4 \(date 2012-01-02\), column 'temp_min_c'"):
        load_weather(path)


@pytest.mark.parametrize("lines, message", [
    ([], "is empty"),
    ([HEADER], "no data lines"),
    ([HEADER, GOOD[0] + ",1.0"], "line 2: 6 fields"),
])
def test_load_weather_rejects_empty_or_ragged_files(tmp_path, lines, message):
    path = tmp_path / "f.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(message)):
        load_weather(path)


def test_load_weather_path_errors(tmp_path):
    missing = tmp_path / "nowhere.csv"
    with pytest.raises(FileNotFoundError, match=re.escape(str(missing))):
        load_weather(missing)
    with pytest.raises(FileNotFoundError, match="not an existing file"):
        load_weather(tmp_path)                                  # a folder
    for bad in (3, ["a.csv"], b"a.csv"):
        with pytest.raises(TypeError, match="path must be None"):
            load_weather(bad)
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(ValueError, match="not a readable CSV"):
        load_weather(binary)


# ------------------------------------------------------------------------------------ periods

def test_split_periods_is_time_ordered_and_covers_everything(weather):
    train, val, test = split_periods(weather, "2013-12-31", "2014-12-31")
    assert (len(train), len(val), len(test)) == (731, 365, 365)
    day = pd.Timestamp
    assert train.index[-1] == day("2013-12-31") and val.index[0] == day("2014-01-01")
    assert val.index[-1] == day("2014-12-31") and test.index[0] == day("2015-01-01")
    assert pd.concat([train, val, test]).equals(weather)


@pytest.mark.parametrize("args, error, message", [
    (("2014-12-31", "2013-12-31"), ValueError, "must come before val_end"),
    (("2010-12-31", "2013-12-31"), ValueError, "training period is empty"),
    (("2013-12-31", "2016-01-01"), ValueError, "test period is empty"),
    ((2013, "2014-12-31"), TypeError, "train_end must be a date"),
    (("2013-12-31", "next year"), ValueError, "val_end='next year' is not a date"),
])
def test_split_periods_rejects_bad_dates(weather, args, error, message):
    with pytest.raises(error, match=re.escape(message)):
        split_periods(weather, *args)


def test_periods_must_be_daily_dataframes(weather):
    with pytest.raises(TypeError, match="df must be a pandas DataFrame"):
        split_periods(weather.to_numpy(), "2013-12-31", "2014-12-31")
    with pytest.raises(TypeError, match="DatetimeIndex"):
        split_periods(weather.reset_index(drop=True), "2013-12-31", "2014-12-31")
    with pytest.raises(ValueError, match="consecutive days, but 2012-01-03 follows 2012-01-01"):
        split_periods(weather.drop(pd.Timestamp("2012-01-02")), "2013-12-31", "2014-12-31")
    broken = weather.copy()
    broken.iloc[5, 1] = np.nan
    with pytest.raises(ValueError, match="df contains NaN"):
        split_periods(broken, "2013-12-31", "2014-12-31")


# ------------------------------------------------------------------------------------ scaling

def test_standardizer_round_trip_and_moments(weather):
    train, val, _ = split_periods(weather, "2013-12-31", "2014-12-31")
    scaler = fit_standardizer(train)
    assert scaler.columns == WEATHER_COLUMNS
    z = scaler.transform(train)
    assert isinstance(z, pd.DataFrame) and z.index.equals(train.index)
    np.testing.assert_allclose(z.mean(), 0, atol=1e-12)
    np.testing.assert_allclose(z.std(ddof=0), 1, atol=1e-12)
    back = scaler.inverse(scaler.transform(val).to_numpy())
    np.testing.assert_allclose(back, val.to_numpy(), rtol=0, atol=1e-12)


def test_standardizer_inverse_of_a_subset_of_the_variables(weather):
    scaler = fit_standardizer(weather)
    z = scaler.transform(weather.to_numpy())                          # (days, 4)
    for columns in (["temp_max_c"], "temp_max_c", [1], 1):
        out = scaler.inverse(z[:, [1]], columns)
        np.testing.assert_allclose(out[:, 0], weather.temp_max_c, rtol=0, atol=1e-12)
    two = scaler.inverse(z[:, [3, 0]], ["wind_ms", "precipitation_mm"])
    np.testing.assert_allclose(two, weather[["wind_ms", "precipitation_mm"]], rtol=0, atol=1e-12)
    windows = z[None, :10]                                           # (1, 10, 4): any leading axes
    np.testing.assert_allclose(scaler.inverse(windows)[0], weather.iloc[:10], rtol=0, atol=1e-12)


@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(2, 30), st.integers(1, 4)),
              elements=st.floats(-1e6, 1e6, allow_nan=False)))
def test_standardizer_round_trip_property(values):
    if (values.std(axis=0) < 1e-3 * (1 + np.abs(values).max())).any():
        return                                   # (near) constant columns are refused, see below
    scaler = fit_standardizer(values)
    back = scaler.inverse(scaler.transform(values))
    np.testing.assert_allclose(back, values, rtol=1e-12, atol=1e-12 * np.abs(values).max())


def test_standardizer_is_fitted_on_the_training_period_only(weather):
    changed = weather.copy()
    changed.loc["2014-01-01":] = changed.loc["2014-01-01":] * 100 + 50      # new val and test data
    fits = [fit_standardizer(split_periods(df, "2013-12-31", "2014-12-31")[0])
            for df in (weather, changed)]
    assert np.array_equal(fits[0].mean, fits[1].mean) and np.array_equal(fits[0].std, fits[1].std)
    np.testing.assert_allclose(fits[0].mean, weather.loc[:"2013-12-31"].mean(), rtol=1e-12)


def test_standardizer_is_frozen(weather):
    scaler = fit_standardizer(weather)
    with pytest.raises(dataclasses.FrozenInstanceError):
        scaler.mean = np.zeros(4)
    with pytest.raises(ValueError, match="read-only"):
        scaler.mean[0] = 0.0


@pytest.mark.parametrize("call, error, message", [
    (lambda s: fit_standardizer(np.ones((5, 2))), ValueError, "constant in the training period"),
    (lambda s: fit_standardizer(np.ones(5)), ValueError, "train_values must have shape (N, D)"),
    (lambda s: fit_standardizer(np.ones((1, 2))), ValueError, "at least 2"),
    (lambda s: fit_standardizer(np.arange(6.0).reshape(3, 2) + 1j), TypeError, "real numbers"),
    (lambda s: fit_standardizer([["1", "2"], ["3", "4"]]), TypeError, "real numbers"),
    (lambda s: fit_standardizer([[1.0, np.nan], [2.0, 3.0]]), ValueError, "contains NaN"),
    (lambda s: s.transform(np.ones((3, 2))), ValueError, "last axis must hold the 4 variables"),
    (lambda s: s.inverse(np.ones((3, 1)), ["temp"]), ValueError, "columns names 'temp'"),
    (lambda s: s.inverse(np.ones((3, 1)), [4]), ValueError, "columns must be at most 3"),
    (lambda s: s.inverse(np.ones((3, 2)), ["wind_ms"]), ValueError, "1 column(s) were selected"),
    (lambda s: s.inverse(np.ones((3, 1)), []), ValueError, "at least one variable"),
])
def test_standardizer_rejects_bad_input(weather, call, error, message):
    scaler = fit_standardizer(weather)
    with pytest.raises(error, match=re.escape(message)):
        call(scaler)


# ------------------------------------------------------------------------------------ windows

def test_windows_never_cross_a_period_boundary(weather):
    df = weather.assign(day=np.arange(len(weather), dtype=float))
    periods = split_periods(df, "2013-12-31", "2014-12-31")
    for h in (1, 3, 7):
        for period in periods:
            X, Y, target_dates = weather_windows(period, 14, ["day", "temp_max_c"],
                                                 ["temp_max_c"], h)
            days = set(period["day"])
            assert set(np.unique(X[:, :, 0])) <= days                       # inputs inside
            assert set(target_dates) <= set(period.index)                   # targets inside
            assert X.shape == (len(period) - 14 - h + 1, 14, 2) and Y.shape == (len(X), 1)
            first = period.index[0]
            assert X[0, 0, 0] == period["day"].iloc[0]
            assert target_dates[0] == first + pd.Timedelta(days=13 + h)
            assert target_dates[-1] == period.index[-1]


@pytest.mark.parametrize("horizon", range(1, 8))
def test_windows_target_date_and_horizon(horizon):
    df = day_frame(days=30)
    X, Y, target_dates = weather_windows(df, 5, ["day", "a"], ["b", "a"], horizon)
    assert X.shape == (30 - 5 - horizon + 1, 5, 2) and Y.shape == (len(X), 2)
    last_input_day = df.index[X[:, -1, 0].astype(int)]
    assert (target_dates - last_input_day == pd.Timedelta(days=horizon)).all()
    np.testing.assert_array_equal(Y, df.loc[target_dates, ["b", "a"]].to_numpy())
    np.testing.assert_array_equal(X[3], df[["day", "a"]].iloc[3:8].to_numpy())


def test_windows_with_targets_outside_the_inputs():
    df = day_frame(days=12)
    X, Y, dates = weather_windows(df, 4, "a", "b", horizon=2)
    assert X.shape == (7, 4, 1) and Y.shape == (7, 1)
    np.testing.assert_array_equal(Y[:, 0], df["b"].iloc[5:].to_numpy())
    assert dates[0] == pd.Timestamp("2012-01-06")


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(horizon=8), ValueError, "horizon must be at most 7"),
    (dict(horizon=0), ValueError, "horizon must be at least 1"),
    (dict(seq_len=2.0), TypeError, "seq_len must be a whole number"),
    (dict(inputs=["c"]), ValueError, "inputs names 'c'"),
    (dict(targets=[]), ValueError, "targets must name at least one column"),
    (dict(targets=3), TypeError, "targets must be a column name"),
    (dict(inputs=["a", "a"]), ValueError, "names a column twice"),
    (dict(seq_len=10), ValueError, "period has 12 days (2012-01-01 to 2012-01-12)"),
    (dict(period="frame"), TypeError, "period must be a pandas DataFrame"),
])
def test_windows_reject_bad_input(kwargs, error, message):
    args = dict(period=day_frame(days=12), seq_len=4, inputs=["a"], targets=["b"], horizon=3)
    args.update(kwargs)
    with pytest.raises(error, match=re.escape(message)):
        weather_windows(**args)


# ---------------------------------------------------------------------------- errors in units

def test_forecast_errors_are_in_the_data_units(weather):
    scaler = fit_standardizer(weather)
    Y = weather[["temp_max_c"]].to_numpy()[:10]
    Z = scaler.transform(weather.to_numpy())[:10, [1]]
    errors = forecast_errors(Z, Z + 1.0 / scaler.std[1], "temp_max_c", scaler)   # 1 deg C off
    np.testing.assert_allclose(errors.loc["temp_max_c"].to_numpy(), [1.0, 1.0], rtol=1e-12)
    raw = forecast_errors(Y, Y - 2.0, ["temp_max_c"])
    assert raw.loc["temp_max_c", "rmse"] == 2.0 and raw.loc["temp_max_c", "mae"] == 2.0
    with pytest.raises(ValueError, match="same shape"):
        forecast_errors(Y, Y[:5], ["temp_max_c"])
    with pytest.raises(TypeError, match="standardizer must be a Standardizer"):
        forecast_errors(Y, Y, ["temp_max_c"], standardizer={"mean": 0})
    assert isinstance(scaler, Standardizer)


# ------------------------------------------------------------- dates, time zones and overflow

@pytest.mark.parametrize("text", ["01/02/2013", "31/12/2013", "2013", "20131231", "2013-1-5",
                                  "2013-12-31T00:00", "2013-12-31 12:00", "Dec 31 2013",
                                  "2013/12/31", " 2013-12-31"])
def test_split_periods_takes_only_iso_days(weather, text):
    # pandas guesses: "01/02/2013" would end training on 2 January, "2013" on 1 January
    with pytest.raises(ValueError, match=re.escape(f"train_end={text!r} is not a date of the form "
                                                   "'YYYY-MM-DD'")):
        split_periods(weather, text, "2014-12-31")


@pytest.mark.parametrize("day", ["2013-12-31", pd.Timestamp("2013-12-31"),
                                 np.datetime64("2013-12-31"), datetime.date(2013, 12, 31),
                                 datetime.datetime(2013, 12, 31),
                                 pd.Timestamp("2013-12-31", tz="Europe/Berlin")])
def test_split_periods_days_in_every_unambiguous_form(weather, day):
    train, val, _ = split_periods(weather, day, "2014-12-31")
    assert len(train) == 731 and train.index[-1] == pd.Timestamp("2013-12-31")
    assert val.index[0] == pd.Timestamp("2014-01-01")


@pytest.mark.parametrize("day, what", [
    (pd.Timestamp("2013-12-31 12:00"), "has a time of day"),
    (np.datetime64("2013-12-31T06"), "has a time of day"),
    (datetime.datetime(2013, 12, 31, 0, 0, 1), "has a time of day"),
    (np.datetime64("2013-12"), "names a month, not a day"),     # would be 1 December
    (np.datetime64("2013"), "names a year, not a day"),         # would be 1 January
])
def test_split_periods_refuses_a_time_of_day_or_a_longer_period(weather, day, what):
    with pytest.raises(ValueError, match=f"train_end=.* {what}"):
        split_periods(weather, day, "2014-12-31")


def test_split_periods_keeps_a_whole_last_day_recorded_at_noon(weather):
    noon = weather.copy()
    noon.index = noon.index + pd.Timedelta(hours=12)
    train, val, _ = split_periods(noon, "2013-12-31", "2014-12-31")
    assert (len(train), len(val)) == (731, 365)
    assert train.index[-1] == pd.Timestamp("2013-12-31 12:00")


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/Los_Angeles", "Asia/Kolkata"])
def test_time_zone_aware_records_are_read_by_their_local_days(weather, zone):
    local = weather.tz_localize(zone)           # Berlin: 2012-03-25 has 23 hours
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # pandas' deprecation warnings included
        periods = split_periods(local, "2013-12-31", "2014-12-31")
        windows = weather_windows(periods[0], 7, ["temp_max_c", "wind_ms"], "temp_max_c", horizon=2)
        naive = weather_windows(split_periods(weather, "2013-12-31", "2014-12-31")[0], 7,
                                ["temp_max_c", "wind_ms"], "temp_max_c", horizon=2)
        climate = bl.fit_climatology(periods[0].index, periods[0].to_numpy())
    assert [len(p) for p in periods] == [731, 365, 365]
    assert periods[0].index.tz is not None and periods[0].index[-1].day == 31
    for part, plain in zip(periods, split_periods(weather, "2013-12-31", "2014-12-31")):
        np.testing.assert_array_equal(part.to_numpy(), plain.to_numpy())
    np.testing.assert_array_equal(windows.X, naive.X)
    np.testing.assert_array_equal(windows.target_dates.tz_localize(None), naive.target_dates)
    np.testing.assert_array_equal(climate, bl.fit_climatology(weather.index[:731],
                                                              weather.to_numpy()[:731]))


def test_a_time_zone_aware_gap_is_still_a_gap(weather):
    with pytest.raises(ValueError, match="2012-01-05 follows 2012-01-03"):
        split_periods(weather.drop(weather.index[3]).tz_localize("UTC"), "2013-12-31", "2014-12-31")


def test_scaling_and_errors_near_the_largest_float():
    values = np.array([[1e200], [-1e200], [3e200]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")                      # no RuntimeWarning under the cell
        s = fit_standardizer(values, ["a"])
        errors = forecast_errors(np.array([[1e200]]), np.array([[-1e200]]), ["a"])
        tiny = fit_standardizer(np.array([[1e-310], [3e-310]]))
    np.testing.assert_allclose(s.mean, [1e200], rtol=1e-15)
    np.testing.assert_allclose(s.std, [np.sqrt(8 / 3) * 1e200], rtol=1e-15)
    np.testing.assert_allclose(errors.to_numpy(), [[2e200, 2e200]], rtol=1e-15)
    np.testing.assert_allclose(tiny.std, [1e-310], rtol=1e-6)     # not "constant"
    with pytest.raises(ValueError, match="Y_pred and Y differ by more than the largest float"):
        forecast_errors(np.array([[1.7e308]]), np.array([[-1.7e308]]), ["a"])
    extreme = fit_standardizer(np.array([[1.7e308], [-1.7e308]]))      # std at most half the range
    np.testing.assert_array_equal(extreme.std, [1.7e308])
    with pytest.raises(ValueError, match="values, once scaled, would go beyond"):
        Standardizer(None, np.array([0.0]), np.array([1e-300])).transform(np.array([[1e10]]))


def test_scaling_and_errors_of_ordinary_data_are_unchanged(weather):
    # the overflow-safe paths are taken only beyond 1e100: ordinary data give the plain formulas
    train = weather.iloc[:731]
    s = fit_standardizer(train)
    np.testing.assert_array_equal(s.mean, train.to_numpy().mean(axis=0))
    np.testing.assert_array_equal(s.std, train.to_numpy().std(axis=0))
    Y, P = train.to_numpy()[:50, :2], train.to_numpy()[1:51, :2]
    errors = forecast_errors(Y, P, ["precipitation_mm", "temp_max_c"])
    np.testing.assert_array_equal(errors["rmse"], np.sqrt(np.mean((P - Y) ** 2, axis=0)))


def test_empty_and_masked_arrays_are_refused_by_name():
    with pytest.raises(ValueError, match=r"train_values has shape \(5, 0\): no variable"):
        fit_standardizer(np.ones((5, 0)))
    masked = np.ma.masked_array(np.arange(10.0).reshape(5, 2), mask=[[0, 1]] * 5)
    with pytest.raises(ValueError, match="train_values is a masked array with 5 masked entries"):
        fit_standardizer(masked)
    clear = np.ma.masked_array(np.arange(10.0).reshape(5, 2), mask=False)
    np.testing.assert_array_equal(fit_standardizer(clear).std, np.full(2, np.sqrt(8.0)))
    with pytest.raises(ValueError, match=r"values must have shape .* O >= 1"):
        bl.fit_climatology(pd.date_range("2012-01-01", periods=366), np.ones((366, 0)))
