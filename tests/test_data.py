import numpy as np
import pytest

import rnn_helpers as rh


def test_sine_windows_shapes_and_values(sine):
    X, Y, X_val, Y_val = sine
    assert X.shape == (100, 50, 1) and Y.shape == (100, 1)
    assert X_val.shape == (50, 50, 1) and Y_val.shape == (50, 1)
    k = np.arange(200)
    series = np.sin(k)
    # training window n starts at n; validation window m starts at 100 + m
    assert np.array_equal(X[7, :, 0], series[7:57]) and Y[7, 0] == series[57]
    assert np.array_equal(X_val[0, :, 0], series[100:150]) and Y_val[-1, 0] == series[199]
    assert X.dtype == np.float64


def test_make_windows_several_series_predict_one():
    t = np.arange(30, dtype=float)
    series = np.stack([t, 100 + t, -t], axis=1)            # (30, 3)
    X, Y = rh.make_windows(series, 5, targets=0)
    assert X.shape == (25, 5, 3) and Y.shape == (25, 1)
    assert np.array_equal(X[2, :, 1], 100 + t[2:7]) and Y[2, 0] == t[7]
    X, Y = rh.make_windows(series, 5, targets=[0, 2], start=3, stop=6, horizon=2)
    assert X.shape == (3, 5, 3) and Y.shape == (3, 2)
    assert np.array_equal(Y[0], [t[3 + 5 - 1 + 2], -t[3 + 5 - 1 + 2]])


@pytest.mark.parametrize("kwargs, message", [
    (dict(series=np.arange(10.0), seq_len=10), "too short for the window"),
    (dict(series=np.arange(10.0), seq_len=0), "seq_len must be at least 1"),
    (dict(series=np.ones((4, 2, 2)), seq_len=2), "series must have shape"),
    (dict(series=[1.0, np.nan, 2.0, 3.0], seq_len=2), "series contains NaN"),
    (dict(series=[1.0, np.inf, 2.0, 3.0], seq_len=2), "series contains infinite"),
    (dict(series=np.ones((10, 2)), seq_len=2, targets=2), "only 2 column"),
    (dict(series=np.ones(10), seq_len=2, start=8), "start=8 is too late"),
    (dict(series=np.ones(10), seq_len=2, stop=9), "stop - 1 = 8 do not fit"),
    (dict(series="abc", seq_len=2), "series must be a numpy array"),
    (dict(series=np.ones(10), seq_len=2.5), "seq_len must be a whole number"),
])
def test_make_windows_rejects_bad_input(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        rh.make_windows(**kwargs)


def test_sine_windows_too_short():
    with pytest.raises(ValueError, match="n_points=120 is too short"):
        rh.sine_windows(n_points=120)


def test_absurd_sizes_are_refused_before_allocating():
    with pytest.raises(ValueError, match=r"seq_len is too large: 50000 windows of seq_len=50000 "
                                         r"steps .* \(18\.6 GiB\)"):
        rh.make_windows(np.arange(1e5), 50_000)
    with pytest.raises(ValueError, match=r"n_points is too large: .*7\.28 TiB"):
        rh.sine_windows(n_points=10**12)
    X, _ = rh.make_windows(np.arange(1e5), 10)        # the same series with a sensible seq_len
    assert X.shape == (99_990, 10, 1)


def test_zero_features_and_masked_series_are_refused():
    with pytest.raises(ValueError, match=r"series has shape \(10, 0\): no feature"):
        rh.make_windows(np.ones((10, 0)), 2)
    with pytest.raises(ValueError, match="series is a masked array with 1 masked entry"):
        rh.make_windows(np.ma.masked_array(np.arange(10.0), mask=np.arange(10) == 4), 3)
    X, Y = rh.make_windows(np.ma.masked_array(np.arange(10.0), mask=False), 3)
    assert X.shape == (7, 3, 1) and Y[0, 0] == 3.0
