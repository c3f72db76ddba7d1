"""rnn_helpers.baselines: the predictors every network is compared with (notebooks 5 and 9)."""

import re

import numpy as np
import pandas as pd
import pytest

from rnn_helpers import baselines as bl
from rnn_helpers.data import sine_windows
from rnn_helpers.weather import load_weather, split_periods, weather_windows
from test_weather import day_frame


@pytest.fixture(scope="module")
def weather():
    return load_weather()


# ------------------------------------------------------------------------------- the sine's rules

def test_the_sine_recurrence_is_exact_on_sine_windows():
    X, Y = sine_windows(n_points=80, seq_len=10, n_train=40, n_val=20)[:2]
    np.testing.assert_allclose(bl.predict_sine_recurrence(X), Y, atol=1e-12)


def test_last_value_linear_continuation_and_mean_are_what_they_say():
    X = np.arange(12.0).reshape(3, 4, 1) ** 2              # rows 0 1 4 9 | 16 25 36 49 | ...
    np.testing.assert_array_equal(bl.predict_last(X)[:, 0], X[:, -1, 0])
    np.testing.assert_array_equal(bl.predict_linear(X)[:, 0], 2 * X[:, -1, 0] - X[:, -2, 0])
    np.testing.assert_array_equal(bl.predict_mean(np.array([[1.0, 2.0], [3.0, 6.0]]), 3),
                                  [[2.0, 4.0]] * 3)


def test_persistence_is_the_value_horizon_days_before_the_target():
    df = day_frame(days=20)
    X, Y, dates = weather_windows(df, 5, ["day", "a", "b"], ["b", "a"], horizon=3)
    pred = bl.predict_persistence(X, [2, 1])
    three_days_before = df.loc[dates - pd.Timedelta(days=3), ["b", "a"]].to_numpy()
    np.testing.assert_array_equal(pred, three_days_before)
    assert bl.predict_persistence(X, 1).shape == (len(X), 1)


@pytest.mark.parametrize("call, error, message", [
    (lambda: bl.predict_persistence(np.ones((3, 4)), 0), ValueError, "X must have 3 dimensions"),
    (lambda: bl.predict_persistence(np.ones((3, 4, 2)), 2), ValueError, "columns names position 2, but X"),
    (lambda: bl.predict_persistence(np.ones((3, 4, 2)), "a"), TypeError, "columns must be a whole"),
    (lambda: bl.predict_persistence(np.ones((3, 4, 2)) * 1j, 0), TypeError, "X must hold real"),
    (lambda: bl.predict_persistence(np.ones((3, 4, 2)), []), ValueError, "at least one position"),
])
def test_persistence_rejects_bad_input(call, error, message):
    with pytest.raises(error, match=re.escape(message)):
        call()


def test_climatology_is_the_day_of_year_mean_over_the_given_years():
    dates = pd.date_range("2012-01-01", "2013-12-31", freq="D")
    values = np.where(dates.year == 2012, 1.0, 3.0)
    table = bl.fit_climatology(dates, values, half_width=0)
    assert table.shape == (366, 1)
    assert table[59, 0] == 1.0                                   # Feb 29: only 2012 has one
    assert np.all(np.delete(table[:, 0], 59) == 2.0)             # every other day: (1 + 3) / 2
    later = pd.DatetimeIndex(["2015-03-01", "2016-02-29", "2016-03-01"])
    pred = bl.predict_climatology(table, later)
    np.testing.assert_array_equal(pred[:, 0], [2.0, 1.0, 2.0])   # Mar 1 is one entry in every year


def test_climatology_feb_29_without_a_leap_year_and_smoothing():
    dates = pd.date_range("2013-01-01", "2013-12-31", freq="D")
    values = np.ones(len(dates))
    values[dates == "2013-06-15"] = 4.0
    values[dates == "2013-02-28"] = 3.0
    table = bl.fit_climatology(dates, values, half_width=0)[:, 0]
    assert table[59] == 2.0                                      # Feb 29: mean of Feb 28 and Mar 1
    smooth = bl.fit_climatology(dates.values, values[:, None], half_width=1)[:, 0]
    june_15 = 31 + 29 + 31 + 30 + 31 + 14                        # on the leap-year calendar
    np.testing.assert_allclose(smooth[june_15 - 1:june_15 + 2], 2.0)     # (4 + 1 + 1) / 3
    assert smooth[june_15 - 2] == 1.0 and smooth[0] == 1.0 and smooth[365] == 1.0
    np.testing.assert_allclose(smooth[59], (3.0 + 1.0) / 2)                 # Feb 28 and Mar 1


def test_climatology_uses_training_years_only(weather):
    changed = weather.copy()
    changed.loc["2014-01-01":] = 1000.0
    tables = [bl.fit_climatology(train.index, train[["temp_max_c", "wind_ms"]])
              for train, _, _ in (split_periods(df, "2013-12-31", "2014-12-31")
                                  for df in (weather, changed))]
    assert np.array_equal(tables[0], tables[1]) and tables[0].max() < 40


@pytest.mark.parametrize("call, error, message", [
    (lambda: bl.fit_climatology(np.arange(5.0), np.ones(5)), TypeError, "dates must hold dates"),
    (lambda: bl.fit_climatology(pd.date_range("2012-01-01", periods=5), np.ones(4)), ValueError,
     "N = 5"),
    (lambda: bl.fit_climatology(pd.date_range("2012-01-01", periods=31), np.ones(31)), ValueError,
     "the first 02-08"),     # Jan 1-31 plus 7 days of smoothing
    (lambda: bl.fit_climatology(pd.date_range("2012-01-01", periods=3), ["a", "b", "c"]), TypeError,
     "values must hold real numbers"),
    (lambda: bl.fit_climatology(pd.date_range("2012-01-01", periods=3), np.ones(3), -1), ValueError,
     "half_width must be at least 0"),
    (lambda: bl.predict_climatology(np.ones((365, 1)), pd.date_range("2012-01-01", periods=3)),
     ValueError, "(366, O)"),
    (lambda: bl.predict_climatology(np.ones((366, 1)), np.array(["2012-01-01", "NaT"],
                                                                 dtype="datetime64[D]")),
     ValueError, "NaT"),
])
def test_climatology_rejects_bad_input(call, error, message):
    with pytest.raises(error, match=re.escape(message)):
        call()


def test_linear_ar_recovers_an_exact_linear_recurrence():
    # x_{t+1} = 0.5 x_t - 0.3 x_{t-1} + 0.2 u_t + 2 with a driving series u; also predict u itself
    rng = np.random.default_rng(0)
    u = rng.normal(size=60)
    x = np.zeros(60)
    x[:2] = rng.normal(size=2)
    for t in range(1, 59):
        x[t + 1] = 0.5 * x[t] - 0.3 * x[t - 1] + 0.2 * u[t] + 2.0
    df = pd.DataFrame({"x": x, "u": u}, index=pd.date_range("2012-01-01", periods=60, name="date"))
    train, val, test = split_periods(df, "2012-01-30", "2012-02-14")
    X, Y, _ = weather_windows(train, 2, ["x", "u"], ["x"])
    weights = bl.fit_linear_ar(X, Y)
    assert weights.shape == (2 * 2 + 1, 1)      # rows: x_{t-1}, u_{t-1}, x_t, u_t, intercept
    np.testing.assert_allclose(weights[:, 0], [-0.3, 0.0, 0.5, 0.2, 2.0], atol=1e-10)
    Xt, Yt, _ = weather_windows(test, 2, ["x", "u"], ["x"])
    np.testing.assert_allclose(bl.predict_linear_ar(weights, Xt), Yt, atol=1e-10)
    Xm, Ym, _ = weather_windows(train, 3, ["x", "u"], ["x", "u"])      # several outputs at once
    assert bl.fit_linear_ar(Xm, Ym).shape == (3 * 2 + 1, 2)


@pytest.mark.parametrize("call, error, message", [
    (lambda: bl.fit_linear_ar(np.ones((4, 2, 2)), np.ones((4, 1))), ValueError,
     "fewer than the 5 weights"),
    (lambda: bl.fit_linear_ar(np.ones((9, 2, 2)), np.ones((8, 1))), ValueError, "Y has 8 rows"),
    (lambda: bl.fit_linear_ar(np.ones((9, 2, 2)), np.ones(9)), ValueError,
     "Y must have 2 dimensions"),
    (lambda: bl.fit_linear_ar(np.ones((9, 2, 2)) + 0j, np.ones((9, 1))), TypeError,
     "X must hold real"),
    (lambda: bl.predict_linear_ar(np.ones((5, 1)), np.ones((3, 3, 2))), ValueError,
     "need T*D + 1 = 7"),
    (lambda: bl.predict_linear_ar(np.ones(5), np.ones((3, 2, 2))), ValueError,
     "weights must have 2 dimensions"),
])
def test_linear_ar_rejects_bad_input(call, error, message):
    with pytest.raises(error, match=re.escape(message)):
        call()



@pytest.mark.parametrize("dates", [lambda d: d.strftime("%d/%m/%Y"),
                                   lambda d: list(d.strftime("%Y-%m-%d")),
                                   lambda d: np.asarray(d.strftime("%Y-%m-%d"))])
def test_climatology_refuses_dates_as_text(weather, dates):
    with pytest.raises(TypeError, match="dates must hold dates.*pd.to_datetime"):
        bl.fit_climatology(dates(weather.index), weather.to_numpy())


