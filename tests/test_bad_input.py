"""Every bad input gets a clear error, everywhere.

The table CASES lists every public function of the package with a factory of valid arguments and,
for each argument, the kinds of bad value a learner or a teacher could pass: a wrong type, a wrong
number of dimensions, a shape that does not fit the other arguments, complex, text, boolean or
object data, NaN, inf, huge numbers, numbers out of range, a bool where a number is wanted, the
wrong container, masked arrays with a masked entry, weights near the largest float, dates written
in forms pandas would guess at (01/20/2012, 2012, 20120120, ...) or with a time of day, sizes that
would need more memory than the machine has. For each (function, argument, kind), Hypothesis draws
bad values of that kind for that one argument (the others stay valid): all of them when a kind has
at most 8 values, a deterministic sample otherwise. Every call must raise a ValueError or TypeError
whose message names the argument (for a dict of arrays it may name the key, params['W']; a widget
names its control by its label), and must not warn first. KNOWN lists what is known to fail and waits for a
fix, as strict expected failures (empty today).

test_edge_values_give_the_exact_answer_or_a_clear_error takes every array, frame and dates
argument of the table to the edges: values near the largest float, a zero-size axis, a masked
array with nothing masked, a time-zone-aware index (UTC, Berlin, Los Angeles, Tokyo). Each call
gives an answer without NaN, inf or a warning (the valid call's own answer, for the kinds that
describe the same data) or a ValueError/TypeError naming the argument.

test_functions_that_train_check_every_argument_before_any_work replays the table's bad values for
the rows that train, with the first step of their work replaced by one that fails the test.

test_every_public_function_is_in_the_table keeps the table complete: a new public function fails
it until it has a row. The exercise checkers reply in words instead of raising: they are fuzzed
for never raising.

The plain tests after the table pin down each example of a bad input with its right value.
"""

import contextlib
import datetime
import inspect
import math
import os
import pathlib
import subprocess
import sys
import types
import warnings
from collections import Counter
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings, strategies as st
from matplotlib.figure import Figure

import rnn_helpers as rh
from rnn_helpers import (activations, baselines, cells, clipping, data, gradcheck, gradient_flow,
                         gru, gru_reset_before, losses, lstm, plots, rnn, training, tutorial, weather)
from rnn_helpers import seeds
from rnn_helpers import deep, exercises, free_running, seq2seq, tagging, text, widgets
from rnn_helpers.exercises import bidirectional_checks
from rnn_helpers.seq2seq import dates, pretrain

try:
    from rnn_helpers.exercises import text_checks
except ImportError:                     # not written yet
    text_checks = types.SimpleNamespace(EXERCISES={}, __all__=[], __name__="text_checks")

ROOT = pathlib.Path(__file__).resolve().parent.parent

# At most 8 values per kind (a kind with fewer is exhausted, and Hypothesis stops early), no
# shrinking (a failure already shows its bad value, and shrinking would call slow functions again).
FUZZ = settings(max_examples=8, deadline=None, derandomize=True, database=None,
                phases=(Phase.explicit, Phase.generate), suppress_health_check=list(HealthCheck))

#: What the fuzzer did, for the summary at the end of the file.
TRIED = Counter()


# =================================================================================================
# Kinds of bad value. A Kind turns a valid value into a strategy of bad ones of that kind.
# =================================================================================================

class Kind:
    """A kind of bad value: name, and make (valid value -> hypothesis strategy of bad values).
    (A plain class, not a dataclass: Hypothesis prints a failing example's arguments with repr.)"""

    def __init__(self, name, make):
        self.name, self.make = name, make

    def __repr__(self):
        return self.name


def kind(name, values):
    """A kind whose bad values do not depend on the valid one."""
    return Kind(name, lambda v, values=tuple(values): st.sampled_from(values))


def derived(name, *makers):
    """A kind whose bad values are made from the valid one (each maker: valid -> bad value)."""
    return Kind(name, lambda v: st.sampled_from(makers).map(lambda f: f(v)))


class Opaque:
    """An object of no type the package knows."""

    def __repr__(self):
        return "Opaque()"


NOT_ARRAYS = (None, "0.5", {"a": 1.0}, ["a", "b"], {1.0, 2.0}, Opaque(), [[1.0, 2.0], [3.0]])
NOT_NUMBERS = (None, "3", [3], (3,), {"n": 3}, 3 + 0j, Opaque())
NOT_FLAGS = ("no", "yes", "False", 0, 1, 1.0, None, [True])


def _real(v):
    return np.array(v, dtype=np.float64)


def _with_entry(v, value):
    a = _real(v).copy()
    a.flat[a.size // 2] = value
    return a


def _object_with(v, odd):
    a = _real(v).astype(object)
    a.flat[0] = odd
    return a


def _datetimes(v):
    return np.zeros(np.shape(v), dtype="datetime64[D]")


class Kinds(list):
    """The kinds of bad value of one argument, remembering what the argument is (`role`: "array",
    "ids", "frame" or "dates"; None for the rest), for the edge-value tests further below."""

    def __init__(self, kinds, role=None):
        super().__init__(kinds)
        self.role = role

    def __add__(self, other):
        return Kinds(list(self) + list(other), self.role)

    def __getitem__(self, i):
        got = super().__getitem__(i)
        return Kinds(got, self.role) if isinstance(i, slice) else got


def _masked(v):
    """v as a numpy masked array whose middle entry is masked (its value still there, unused)."""
    a = np.asarray(v)
    mask = np.zeros(a.shape, dtype=bool)
    mask.flat[a.size // 2] = True
    return np.ma.masked_array(a.copy(), mask=mask)


def ARRAY(ndims=None, axes=(), nonempty=(), finite=True, ids=False, none_ok=False):
    """Kinds for an array argument.

    ndims: the allowed numbers of dimensions (None: any). axes: axes whose size another argument
    fixes, so that changing it alone must fail. nonempty: axes that must not have size 0.
    finite: NaN and inf must be refused. ids: an integer array (float data is then wrong too).
    """
    kinds = [kind("wrong type", [x for x in NOT_ARRAYS if not (none_ok and x is None)]),
             derived("wrong dtype",
                     lambda v: _real(v) + 1j, lambda v: _real(v).astype(complex),
                     lambda v: _real(v).astype(str), lambda v: _real(v).astype(str).tolist(),
                     lambda v: _real(v) > 0, lambda v: _object_with(v, None),
                     lambda v: _object_with(v, "0.5"), lambda v: _object_with(v, 1j), _datetimes,
                     *([lambda v: _real(v) + 0.5, lambda v: _real(v)] if ids else []))]
    if finite:
        kinds.append(derived("not finite", *(lambda v, x=x: _with_entry(v, x)
                                             for x in (np.nan, np.inf, -np.inf))))
    if ndims is not None:
        kinds.append(Kind("wrong ndim", lambda v: _wrong_ndims(v, ndims)))
    if axes:
        kinds.append(Kind("wrong shape", lambda v: _wrong_sizes(v, axes)))
    if nonempty:
        kinds.append(Kind("empty", lambda v: st.sampled_from(nonempty).map(
            lambda ax: np.take(np.asarray(v), np.arange(0), axis=ax))))
    # a masked entry: numpy's functions would use the value under the mask
    kinds.append(derived("masked", _masked))
    return Kinds(kinds, "ids" if ids else "array")


def _wrong_ndims(v, allowed):
    v = np.asarray(v)
    options = []
    for n in range(0, 5):
        if n in allowed:
            continue
        if n > v.ndim:
            extra = (1,) * (n - v.ndim)
            options += [lambda v=v, e=extra: v.reshape(e + v.shape),
                        lambda v=v, e=extra: v.reshape(v.shape + e)]
        else:
            drop = (0,) * (v.ndim - n)
            options += [lambda v=v, d=drop: v[d], lambda v=v, d=drop: v[(Ellipsis,) + d]]
            if n >= 1:       # the trailing axes merged, e.g. X (N, T, 1) passed as (N, T)
                options.append(lambda v=v, n=n: v.reshape(v.shape[:n - 1] + (-1,)))
    return st.sampled_from(options).map(lambda f: f())


def _wrong_sizes(v, axes):
    v = np.asarray(v)

    def grow(ax):
        return np.concatenate([v, np.take(v, [0], axis=ax)], axis=ax)

    def shrink(ax):        # one fewer, or for an axis of size 1 (which cannot shrink), two more
        if v.shape[ax] > 1:
            return np.take(v, np.arange(v.shape[ax] - 1), axis=ax)
        return np.concatenate([v, v, v], axis=ax)

    return st.tuples(st.sampled_from(axes), st.sampled_from((grow, shrink))).map(
        lambda pair: pair[1](pair[0]))


def INT(lo=None, hi=None, huge=False, none_ok=False, whole_floats_ok=False):
    """Kinds for a whole number in [lo, hi]. huge: a bound exists that depends on other arguments.
    whole_floats_ok: 2.0 counts as 2 (the widgets' controls accept it)."""
    types_ = tuple(x for x in NOT_NUMBERS if not (none_ok and x is None)) + (2.5, "2") + \
        (() if whole_floats_ok else (np.float64(2),))
    range_ = [x for x in (None if lo is None else lo - 1, None if lo is None else lo - 10**6,
                          None if hi is None else hi + 1) if x is not None]
    kinds = [kind("wrong type", types_), kind("bool", (True, False, np.True_)),
             kind("not finite", (math.nan, math.inf, -math.inf))]
    if range_:
        kinds.append(kind("out of range", range_))
    if hi is not None or huge:
        kinds.append(kind("huge", (10**30, 1e308)))
    return kinds


def REAL(lo=None, lo_open=False, hi=None, hi_open=False, huge=False, none_ok=False):
    """Kinds for a real number between lo and hi (open or closed ends)."""
    types_ = tuple(x for x in NOT_NUMBERS if not (none_ok and x is None)) + ("0.5", np.array([0.5, 0.5]))
    range_ = []
    if lo is not None:
        range_ += [lo - 1.0, -1e308] + ([lo] if lo_open else [])
    if hi is not None:
        range_ += [hi + 1.0] + ([hi] if hi_open else [])
    kinds = [kind("wrong type", types_), kind("bool", (True, np.True_)),
             kind("not finite", (math.nan, math.inf, -math.inf))]
    if range_:
        kinds.append(kind("out of range", range_))
    if hi is not None or huge:
        kinds.append(kind("huge", (1e308,)))
    return kinds


def FLAG():
    return [kind("not a bool", NOT_FLAGS)]


def CHOICE(options, none_ok=False):
    first = options[0]
    bad = ["nope", 1, [first], {first}, Opaque(), 2.5, True] + ([] if none_ok else [None])
    if isinstance(first, str):
        bad += [first.upper(), first + " ", ""]
    else:
        bad += [str(first), first * 1.5 + 0.001]
    # 1 is a fine choice among numbers that include 1.0; True never is
    bad = [b for b in bad if isinstance(b, bool) or not _is_option(b, options)]
    return [kind("not a choice", bad)]


def _is_option(value, options):
    try:
        return value in options
    except TypeError:
        return False


def FUNC():
    return [kind("not callable", (None, 1, "print", [print]))]


def TEXT(empty_ok=False):
    return [kind("not a str", (None, 1, b"abc", ["a", "b"], {"a"}, Opaque()))] + \
        ([] if empty_ok else [kind("empty", ("",))])


def OBJ(name, *bad):
    return [kind(name, bad)]


def _mutate_entry(d, key, how):
    v = d[key]
    out = dict(d)
    out[key] = how(v)
    return out


def _grow(v):
    return np.concatenate([v, v[:1]], axis=0)


#: What a learner can do to one array of a dict of weights or gradients.
TYPE_MUTATIONS = (lambda v: v.tolist(), lambda v: v + 1j, lambda v: v.astype(str), lambda v: v > 0,
                  lambda v: _object_with(v, None), lambda v: None, lambda v: "0.5")
VALUE_MUTATIONS = (lambda v: _with_entry(v, np.nan), lambda v: _with_entry(v, np.inf), _masked)
#: Weights near the largest float: their products overflow (refused alike by every cell).
HUGE_MUTATIONS = (lambda v: _with_entry(v, 1e300), lambda v: _with_entry(v, -1.7e308))
PRECISION_MUTATIONS = (lambda v: v.astype(np.int64), lambda v: v.astype(np.float32))
SHAPE_MUTATIONS = (lambda v: v[None], _grow)


def DICT_OF_ARRAYS(name, shapes=True, float64=True, empty_ok=False, none_ok=False, fixed_rows=None):
    """Kinds for a dict of arrays (params, grads): wrong container, keys, or one bad entry.

    shapes: the keys and shapes are fixed (params); float64: int and float32 entries are wrong too;
    fixed_rows: the keys whose number of rows the others fix (default: all).
    """
    mutations = TYPE_MUTATIONS + VALUE_MUTATIONS + (PRECISION_MUTATIONS if float64 else ())

    def entry(d):
        keys = sorted(d)
        pairs = [(k, m) for k in keys for m in mutations + (HUGE_MUTATIONS if shapes else ())]
        if shapes:
            pairs += [(k, SHAPE_MUTATIONS[0]) for k in keys]
            pairs += [(k, _grow) for k in keys if fixed_rows is None or k in fixed_rows]
        return st.sampled_from(pairs).map(lambda pair: _mutate_entry(d, *pair))

    kinds = [derived("wrong container", *([] if none_ok else [lambda d: None]), lambda d: name,
                     lambda d: list(d.values()), lambda d: tuple(d.items()), lambda d: np.ones(3),
                     lambda d: Opaque(), *([] if empty_ok else [lambda d: {}])),
             Kind("bad entry", entry)]
    if shapes:
        kinds += [Kind("missing key", lambda d: st.sampled_from(sorted(d)).map(
                      lambda k: {kk: vv for kk, vv in d.items() if kk != k})),
                  derived("unknown key", lambda d: {**d, "Z": np.ones(2)},
                          lambda d: {**d, 0: np.ones(2)})]
    return kinds


def FRAME():
    """Kinds for a daily DataFrame (the weather record or a period of it)."""
    def with_value(df, value):
        df = df.copy()
        df.iloc[1, 0] = value
        return df

    def with_column(df, values):
        df = df.copy()
        df[df.columns[0]] = values
        return df

    return Kinds([derived("wrong type", lambda df: None, lambda df: df.to_numpy(),
                          lambda df: df.to_dict(), lambda df: "weather.csv",
                          lambda df: df.iloc[:, 0]),
            derived("wrong index", lambda df: df.reset_index(drop=True),
                    lambda df: df.iloc[::-1], lambda df: df.drop(df.index[2]),
                    lambda df: pd.concat([df.iloc[:3], df.iloc[2:]])),
            derived("not finite", lambda df: with_value(df, np.nan), lambda df: with_value(df, np.inf)),
            derived("wrong dtype", lambda df: df.astype(str), lambda df: with_column(df, "0.5"),
                    lambda df: with_column(df, df.iloc[:, 0] + 1j),
                    lambda df: with_column(df, df.iloc[:, 0] > 0)),
            derived("empty", lambda df: df.iloc[:0], lambda df: df.iloc[:, :0])], "frame")


#: The valid day 2012-01-20 written in the forms pandas would guess at (day and month swapped in
#: some countries, a bare year, no separators, a time of day), and with a time of day.
DATE_TEXTS = ("01/20/2012", "20/01/2012", "2012", "20120120", "2012-1-20", "2012-01-20T00:00",
              "20 Jan 2012", "2012/01/20", " 2012-01-20", "2012-01-20 12:00")
TIMES_OF_DAY = (pd.Timestamp("2012-01-20 12:00"), np.datetime64("2012-01-20T06"),
                pd.Timestamp("2012-01-20 00:00:01", tz="UTC"), np.datetime64("2012-01"),
                np.datetime64("2012"))


def DAY():
    return [kind("not a date", (None, 20131231, True, 2013.5, ["2013-12-31"], Opaque())),
            kind("bad date", ("not a date", "2013-13-45", "", "1999-01-01", "2099-01-01")),
            kind("date text in another form", DATE_TEXTS), kind("time of day", TIMES_OF_DAY)]


def COLUMN_NAMES(empty_ok=False):
    return [kind("not names", (None, 1, [1], (None,), Opaque(), {"temp_max_c": 1})),
            kind("unknown or repeated", (["nope"], "nope", ["temp_max_c", "temp_max_c"])
                 + (() if empty_ok else ([],)))]


# =================================================================================================
# Valid arguments: small problems, so that thousands of calls stay cheap
# =================================================================================================

def series(shape):
    return np.sin(np.arange(float(np.prod(shape)))).reshape(shape)


def rnn_problem():
    return rh.init_params(3, 2, 1, seed=0), series((2, 4, 2)), series((2, 1))


def gated_problem(module):
    return module.init_params(3, 2, 1, seed=0), series((2, 4, 2)), series((2, 1))


def tutorial_problem():
    return tutorial.tutorial_init(3, T=4, output_dim=1), series((2, 4, 1)), series((2, 1))


_CACHE = {}


def once(key, make):
    if key not in _CACHE:
        _CACHE[key] = make()
    return _CACHE[key]


def weather_frame():
    return once("weather", weather.load_weather).iloc[:40].copy()


def scaler():
    return once("scaler", lambda: weather.fit_standardizer(weather.load_weather()))


def axes():
    return once("axes", lambda: Figure().subplots())


def explorer():
    return once("explorer", widgets.explorer)


TEXT_SAMPLE = "hello world, hello rnn."


def text_problem():
    vocab = text.char_vocab(TEXT_SAMPLE)
    K = len(vocab.chars)
    return vocab, rh.init_params(4, K, K, seed=0), text.encode(TEXT_SAMPLE, vocab)


def tiny_history():
    X, Y = series((4, 3, 1)), series((4, 1))
    return rh.train(rh.init_params(2, seed=0), X, Y, X, Y, epochs=2, activation="tanh")[1]


# =================================================================================================
# The table
# =================================================================================================

class Case:
    """A row of the table: label, func, valid (() -> dict of keyword arguments), args (argument ->
    list of Kinds), names (argument -> what its messages call it), errors (argument -> the
    exception types accepted)."""

    def __init__(self, label, func, valid, args, names, errors):
        self.label, self.func, self.valid, self.args = label, func, valid, args
        self.names, self.errors = names, errors

    def call(self, kwargs):
        return self.func(**kwargs)

    def __repr__(self):
        return self.label


CASES = []


def case(label, func, valid, /, *, names_=None, errors_=None, **args):
    """A row: label, the function, its valid arguments; then each argument's kinds of bad value.
    names_: argument -> the word its messages use (a widget's label); errors_: argument -> the
    exception types accepted besides ValueError and TypeError."""
    CASES.append(Case(label, func, valid, args, names_ or {}, errors_ or {}))


# ---- data ---------------------------------------------------------------------------------------
case("data.make_windows", rh.make_windows,
     lambda: dict(series=series((12, 2)), seq_len=3, targets=[0], start=1, stop=5, horizon=2),
     series=ARRAY(ndims=(1, 2)) + [kind("too short", (np.ones(2), np.ones((3, 2))))],
     seq_len=INT(lo=1, huge=True), targets=INT(lo=0, hi=1, none_ok=True),
     start=INT(lo=0, huge=True), stop=INT(lo=2, huge=True, none_ok=True), horizon=INT(lo=1, huge=True))
case("data.sine_windows", rh.sine_windows,
     lambda: dict(n_points=30, seq_len=5, n_train=10, n_val=5),
     n_points=INT(lo=20, huge=True), seq_len=INT(lo=1, huge=True), n_train=INT(lo=1, huge=True),
     n_val=INT(lo=0, huge=True))

# ---- activations and losses -------------------------------------------------------------------
case("activations.sigmoid", rh.sigmoid, lambda: dict(z=series((2, 3))), z=ARRAY())
case("activations.activate", rh.activate, lambda: dict(z=series((2, 3)), activation="tanh"),
     z=ARRAY(), activation=CHOICE(("sigmoid", "tanh")))
case("activations.activation_derivative", rh.activation_derivative,
     lambda: dict(s=series((2, 3)), activation="sigmoid"),
     s=ARRAY(), activation=CHOICE(("sigmoid", "tanh")))
case("losses.mse_loss", rh.mse_loss, lambda: dict(Y_hat=series((3, 2)), Y=series((3, 2)) + 1),
     Y_hat=ARRAY(ndims=(2,), axes=(0, 1), nonempty=(0,)), Y=ARRAY(ndims=(2,), axes=(0, 1), nonempty=(0,)))

# ---- the vanilla RNN --------------------------------------------------------------------------
PARAMS = DICT_OF_ARRAYS("params")
ACT = CHOICE(("sigmoid", "tanh"))
ACT_OR_DEFAULT = CHOICE(("sigmoid", "tanh"), none_ok=True)     # None: the cell's default
TRUNCATE = INT(lo=1, none_ok=True)


def _rnn(**extra):
    def valid():
        p, X, Y = rnn_problem()
        return dict(dict(params=p, X=X, Y=Y), **extra)
    return valid


case("rnn.init_params", rh.init_params,
     lambda: dict(hidden_dim=3, input_dim=2, output_dim=1, seed=0, biases=True, scheme="small",
                  scale=0.5),
     hidden_dim=INT(lo=1, hi=100_000), input_dim=INT(lo=1, hi=100_000),
     output_dim=INT(lo=1, hi=100_000), seed=INT(lo=0), biases=FLAG(),
     scheme=CHOICE(rnn.INIT_SCHEMES), scale=REAL(lo=0, lo_open=True, huge=True, none_ok=True))
case("rnn.step_forward", rh.step_forward,
     lambda: dict(x_t=series((2, 2)), s_prev=series((2, 3)), params=rnn_problem()[0],
                  activation="tanh"),
     x_t=ARRAY(ndims=(2,), axes=(0, 1)), s_prev=ARRAY(ndims=(2,), axes=(0, 1)), params=PARAMS,
     activation=ACT)
case("rnn.step_backward", rh.step_backward,
     lambda: dict(ds_t=series((2, 3)), x_t=series((2, 2)), s_prev=series((2, 3)),
                  s_t=series((2, 3)) / 2, params=rnn_problem()[0], activation="tanh"),
     ds_t=ARRAY(ndims=(2,), axes=(0, 1)), x_t=ARRAY(ndims=(2,), axes=(0, 1)),
     s_prev=ARRAY(ndims=(2,), axes=(0, 1)), s_t=ARRAY(ndims=(2,), axes=(0, 1)), params=PARAMS,
     activation=ACT)


def _forward_valid():
    p, X, _ = rnn_problem()
    return dict(params=p, X=X, activation="tanh", s0=series((2, 3)))


X_ARG = ARRAY(ndims=(3,), axes=(0, 2), nonempty=(0, 1))
Y_ARG = ARRAY(ndims=(2,), axes=(0, 1))
case("rnn.forward", rh.forward, _forward_valid, params=PARAMS,
     X=ARRAY(ndims=(3,), axes=(2,), nonempty=(0, 1)), activation=ACT,
     s0=ARRAY(ndims=(2,), axes=(0, 1), none_ok=True))


def _backward_valid():
    p, X, Y = rnn_problem()
    Y_hat, cache = rh.forward(p, X, "tanh")
    return dict(dY_hat=Y_hat - Y, cache=cache, truncate=2)


CACHE = [derived("not a cache", lambda c: None, lambda c: "cache", lambda c: list(c.values()),
                 lambda c: dict(list(c.items())[1:]), lambda c: {})]
case("rnn.backward", rh.backward, _backward_valid, dY_hat=ARRAY(ndims=(2,), axes=(0, 1)),
     cache=CACHE, truncate=TRUNCATE)
case("rnn.loss_and_grads", rh.loss_and_grads, _rnn(truncate=2, activation="tanh"),
     params=PARAMS, X=X_ARG, Y=Y_ARG, truncate=TRUNCATE, activation=ACT)
case("rnn.loss_and_grads_loop", rh.loss_and_grads_loop, _rnn(truncate=2, activation="tanh"),
     params=PARAMS, X=X_ARG, Y=Y_ARG, truncate=TRUNCATE, activation=ACT)
case("rnn.truncated_loss", rh.truncated_loss,
     _rnn(truncate=2, activation="tanh", state_params=rnn_problem()[0]),
     params=PARAMS, X=X_ARG, Y=Y_ARG, truncate=TRUNCATE, activation=ACT,
     state_params=DICT_OF_ARRAYS("state_params", none_ok=True))

# ---- gradient checks, gradient flow, clipping -------------------------------------------------
case("gradcheck.numerical_gradient", rh.numerical_gradient,
     lambda: dict(f=lambda p: float(np.sum(p["a"] ** 2)), params={"a": series((2,))}, eps=1e-3),
     f=FUNC() + [kind("returns a non-number", (lambda p: "0.5", lambda p: None, lambda p: 1j,
                                               lambda p: np.ones(2), lambda p: math.nan,
                                               lambda p: math.inf))],
     params=DICT_OF_ARRAYS("params", shapes=False), eps=REAL(lo=0, lo_open=True, huge=True))
case("gradcheck.relative_error", rh.relative_error,
     lambda: dict(analytic=series((2, 3)), numeric=series((2, 3)) + 0.1),
     analytic=ARRAY(axes=(0, 1)), numeric=ARRAY(axes=(0, 1)))
case("gradcheck.check_gradients", rh.check_gradients, _rnn(truncate=2, activation="tanh", eps=1e-3),
     params=PARAMS, X=X_ARG, Y=Y_ARG, truncate=TRUNCATE, activation=ACT_OR_DEFAULT,
     eps=REAL(lo=0, lo_open=True, huge=True), cell=CHOICE(cells.CELLS + ("mgu",), none_ok=True))
case("gradcheck.assert_gradients_match", rh.assert_gradients_match,
     lambda: dict(errors={"U": 1e-9, "W": 2e-9}, tol=1e-7),
     errors=[kind("wrong container", (None, [1e-9], {}, "errors", 1e-9, Opaque())),
             kind("not numbers", ({"U": "1e-9"}, {"U": None}, {"U": 1j}, {"U": [1e-9]},
                                  {"U": True}, {"U": np.ones(2)}))],
     tol=REAL(lo=0, lo_open=True))
case("gradient_flow.state_gradients", rh.state_gradients, _rnn(activation="tanh"),
     params=PARAMS, X=X_ARG, Y=Y_ARG, activation=ACT_OR_DEFAULT,
     state=CHOICE(("h",)), cell=CHOICE(cells.CELLS + ("mgu",), none_ok=True))
case("gradient_flow.truncation_profile", rh.truncation_profile, _rnn(activation="tanh"),
     params=PARAMS, X=X_ARG, Y=Y_ARG, activation=ACT)
case("gradient_flow.step_gradient_norms", rh.step_gradient_norms, _rnn(activation="tanh", scale=2.0),
     params=PARAMS, X=X_ARG, Y=Y_ARG, activation=ACT, scale=REAL(lo=0, lo_open=True))
case("gradient_flow.spectral_radius", rh.spectral_radius, lambda: dict(W=series((3, 3))),
     W=ARRAY(ndims=(2,), axes=(0, 1), nonempty=(0,)))
GRADS = DICT_OF_ARRAYS("grads", shapes=False, float64=False)
case("clipping.global_norm", rh.global_norm, lambda: dict(grads={"U": series((2, 2)), "b": series((2,))}),
     grads=GRADS)
case("clipping.clip_elementwise", rh.clip_elementwise,
     lambda: dict(grads={"U": series((2, 2)) * 20}, clip_value=10.0),
     grads=GRADS, clip_value=REAL(lo=0, lo_open=True))
case("clipping.clip_global_norm", rh.clip_global_norm,
     lambda: dict(grads={"U": series((2, 2)) * 20}, clip_norm=1.0),
     grads=GRADS, clip_norm=REAL(lo=0, lo_open=True))

# ---- training -----------------------------------------------------------------------------------
SETTINGS = dict(epochs=INT(lo=1, hi=100_000), learning_rate=REAL(lo=0, lo_open=True),
                batch_size=INT(lo=1, none_ok=True), truncate=TRUNCATE,
                activation=CHOICE(("sigmoid", "tanh"), none_ok=True),
                clip_value=REAL(lo=0, lo_open=True, none_ok=True),
                clip_norm=REAL(lo=0, lo_open=True, none_ok=True),
                momentum=REAL(lo=0, hi=1, hi_open=True))


def _train_valid(val=True):
    def valid():
        p, X, Y = rnn_problem()
        kw = dict(params=p, X=X, Y=Y, epochs=2, learning_rate=0.01, batch_size=1, truncate=2,
                  activation="tanh", clip_value=10.0, clip_norm=1.0, momentum=0.5)
        if val:
            kw.update(X_val=X[:1], Y_val=Y[:1], shuffle=True, seed=0)
        return kw
    return valid


case("training.train", rh.train, _train_valid(), params=PARAMS, X=X_ARG, Y=Y_ARG,
     X_val=ARRAY(ndims=(3,), axes=(0, 2), nonempty=(1,)), Y_val=ARRAY(ndims=(2,), axes=(0, 1)),
     shuffle=FLAG(), seed=INT(lo=0), on_epoch=OBJ("not a function", "print", 1, [print]),
     **SETTINGS)
case("training.train_reference", rh.train_reference, _train_valid(val=False), params=PARAMS,
     X=X_ARG, Y=Y_ARG, **SETTINGS)
case("training.sgd_momentum_update", rh.sgd_momentum_update,
     lambda: dict(theta=series((4,)), grad=series((4,)) / 2, velocity=np.zeros(4),
                  learning_rate=0.1, momentum=0.5),
     theta=ARRAY(axes=(0,)), grad=ARRAY(axes=(0,)), velocity=ARRAY(axes=(0,)),
     learning_rate=REAL(lo=0, lo_open=True), momentum=REAL(lo=0, hi=1, hi_open=True))
case("training.predict", rh.predict,
     lambda: dict(model=rnn_problem()[0], X=rnn_problem()[1], activation="tanh"),
     model=PARAMS, X=ARRAY(ndims=(3,), axes=(2,), nonempty=(0, 1)), activation=ACT)
case("training.forecast", rh.forecast,
     lambda: dict(model=rh.init_params(3, seed=0), window=series((4, 1)), n_steps=3,
                  activation="tanh"),
     model=PARAMS, window=ARRAY(ndims=(2,), axes=(1,), nonempty=(0,)),
     n_steps=INT(lo=1, hi=1_000_000), activation=ACT)
case("training.rmse", rh.rmse, lambda: dict(Y_hat=series((3, 1)), Y=series((3, 1)) + 0.5),
     Y_hat=ARRAY(axes=(0, 1), nonempty=(0,)), Y=ARRAY(axes=(0, 1), nonempty=(0,)))

# ---- cells ---------------------------------------------------------------------------------------
case("cells.get_cell", rh.get_cell, lambda: dict(name="gru"), name=CHOICE(rh.CELLS))
case("cells.cell_of", rh.cell_of, lambda: dict(params=rnn_problem()[0]),
     params=[derived("wrong container", lambda d: None, lambda d: list(d), lambda d: "params"),
             derived("wrong keys", lambda d: {}, lambda d: {**d, "Z": 1},
                     lambda d: {k: v for k, v in d.items() if k != "U"})])

case("cells.init_params", cells.init_params,
     lambda: dict(name="mgu", hidden_dim=3, input_dim=2, output_dim=1, seed=0),
     name=CHOICE(cells.CELLS + ("mgu",)), hidden_dim=INT(lo=1, hi=100_000),
     input_dim=INT(lo=1, hi=100_000), output_dim=INT(lo=1, hi=100_000), seed=INT(lo=0))
case("cells.fast_engine", cells.fast_engine, lambda: dict(name="rnn", purpose="regression"),
     name=CHOICE(cells.CELLS))


def _a_cell(**changes):
    """A valid cell (the test's own minimal gated unit under other weight names), with changes:
    attribute -> new value, or None to leave the attribute out."""
    import own_cell

    def rename(params):
        return {f"{k}_z": v for k, v in params.items()}

    def step_forward(x_t, state, params):
        return own_cell.step_forward(x_t, state, {k[:-2]: v for k, v in params.items()})

    def step_backward(dstate_t, cache):
        dx, dprev, dparams = own_cell.step_backward(dstate_t, cache)
        return dx, dprev, rename(dparams)

    attrs = dict(states=("h",), init_params=lambda H, D, *, seed: rename(own_cell.init_params(
        H, D, seed=seed)), step_forward=step_forward, step_backward=step_backward)
    attrs.update(changes)
    return types.SimpleNamespace(**{k: v for k, v in attrs.items() if v is not None})


def _register_valid():
    if "fuzzed" in cells.names():           # the valid call of an earlier test registered it
        cells.unregister("fuzzed")
    return dict(name="fuzzed", cell=_a_cell())


_GOOD_STEP = _a_cell().step_forward
case("cells.register", cells.register, _register_valid,
     name=[kind("not an identifier", (None, 3, "", "two words", b"mgu")),
           kind("taken", cells.CELLS + ("mgu",))],
     cell=[kind("not a cell", (None, 3, "cell", {"states": ("h",)})),
           derived("an attribute missing", *[lambda c, a=a: _a_cell(**{a: None})
                                             for a in cells.PROTOCOL]),
           derived("states ill-made", *[lambda c, v=v: _a_cell(states=v)
                                        for v in ((), "h", ("h", "h"), (1,), ["h"])]),
           derived("init_params ill-made", lambda c: _a_cell(init_params=3),
                   lambda c: _a_cell(init_params=lambda H, D, *, seed: [np.zeros(H)]),
                   lambda c: _a_cell(init_params=lambda H, D, *, seed: {"V": np.zeros((H, D))}),
                   lambda c: _a_cell(init_params=lambda H, D, *, seed: {"w": np.zeros(H, int)})),
           derived("step_forward ill-shaped",
                   lambda c: _a_cell(step_forward=lambda x, s, p: _GOOD_STEP(x, s, p)[0]),
                   lambda c: _a_cell(step_forward=lambda x, s, p: ((s[0][:, :1],), None)),
                   lambda c: _a_cell(states=("h", "c"))),
           derived("step_backward ill-shaped",
                   lambda c: _a_cell(step_backward=lambda d, cache: (d[0], d, {})),
                   lambda c: _a_cell(step_backward=lambda d, cache: None)),
           derived("a key set in use", lambda c: _own_cell())])


def _own_cell():
    import own_cell                         # registered as "mgu" by conftest.py
    return own_cell


def _unregister_valid():
    if "fuzzed" not in cells.names():
        cells.register("fuzzed", _a_cell())
    return dict(name="fuzzed")


case("cells.unregister", cells.unregister, _unregister_valid,
     name=[kind("not registered", (None, 3, "no such cell")), kind("built in", cells.CELLS)])

# ---- baselines -----------------------------------------------------------------------------------
ONE_SERIES = ARRAY(ndims=(3,), axes=(2,), nonempty=(0, 1))
case("baselines.predict_mean", rh.predict_mean, lambda: dict(Y_train=series((4, 1)), n=3),
     Y_train=ARRAY(ndims=(2,), nonempty=(0, 1)), n=INT(lo=1, huge=True))
case("baselines.predict_last", rh.predict_last, lambda: dict(X=series((3, 4, 1))), X=ONE_SERIES)
case("baselines.predict_linear", rh.predict_linear, lambda: dict(X=series((3, 4, 1))),
     X=ONE_SERIES + [kind("too short", (np.ones((3, 1, 1)),))])
case("baselines.predict_sine_recurrence", rh.predict_sine_recurrence,
     lambda: dict(X=series((3, 4, 1)), omega=1.0),
     X=ONE_SERIES + [kind("too short", (np.ones((3, 1, 1)),))], omega=REAL())
case("baselines.predict_persistence", baselines.predict_persistence,
     lambda: dict(X=series((3, 4, 2)), columns=[1, 0]),
     X=ARRAY(ndims=(3,), nonempty=(0, 1, 2)) + [derived("too few variables", lambda X: X[..., :1])],
     columns=INT(lo=0, hi=1) + [kind("empty", ([], ()))])


def _climate_valid():
    dates = pd.date_range("2012-01-01", periods=366, freq="D")
    return dict(dates=dates, values=np.sin(np.arange(366.0))[:, None], half_width=3)


DATES = Kinds([
         kind("not dates", (None, "2012-01-01", np.arange(366.0), ["2012-01-01"] * 366, Opaque())),
         derived("date text", *(lambda d, f=f: pd.DatetimeIndex(d).strftime(f)
                                for f in ("%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%Y%m%d")),
                 lambda d: np.asarray(pd.DatetimeIndex(d).strftime("%d.%m.%Y"), dtype=object)),
         derived("bad dates", lambda d: np.asarray(d)[None], lambda d: np.asarray(d)[:-1],
                 lambda d: np.where(np.arange(len(d)) == 3, np.datetime64("NaT"), np.asarray(d)),
                 lambda d: np.asarray(d).astype(str))], "dates")
case("baselines.fit_climatology", baselines.fit_climatology, _climate_valid, dates=DATES,
     values=ARRAY(ndims=(1, 2), axes=(0,)), half_width=INT(lo=0, hi=182))
case("baselines.predict_climatology", baselines.predict_climatology,
     lambda: dict(climatology=baselines.fit_climatology(**_climate_valid()),
                  dates=pd.date_range("2013-05-01", periods=5, freq="D")),
     climatology=ARRAY(ndims=(2,), axes=(0,)), dates=DATES[:2] + [derived(
         "bad dates", lambda d: np.asarray(d)[None], lambda d: np.asarray(d).astype(str),
         lambda d: np.where(np.arange(len(d)) == 3, np.datetime64("NaT"), np.asarray(d)))])
case("baselines.fit_linear_ar", baselines.fit_linear_ar,
     lambda: dict(X=series((12, 3, 2)), Y=series((12, 1))),
     X=ARRAY(ndims=(3,), axes=(0,), nonempty=(0, 1, 2)), Y=ARRAY(ndims=(2,), axes=(0,)))
case("baselines.predict_linear_ar", baselines.predict_linear_ar,
     lambda: dict(weights=series((7, 1)), X=series((4, 3, 2))),
     weights=ARRAY(ndims=(2,), axes=(0,)), X=ARRAY(ndims=(3,), axes=(1, 2), nonempty=(0,)))

# ---- plots ---------------------------------------------------------------------------------------
AX = OBJ("not an Axes", None, "ax", Opaque(), np.array([None, None]))
TITLE = OBJ("not a str", 1, ["a"], b"a", Opaque())
PLOT_ARRAY = dict(finite=False)
case("plots.plot_series", plots.plot_series,
     lambda: dict(ax=axes(), values=series((5,)), start=3, label="sin"),
     ax=AX, values=ARRAY(ndims=(1,), **PLOT_ARRAY), start=INT(), label=TITLE)
case("plots.plot_predictions", plots.plot_predictions,
     lambda: dict(ax=axes(), Y_hat=series((4, 1)), Y=series((4, 1)) / 2, start=100, title="t"),
     ax=AX, Y_hat=ARRAY(ndims=(2,), axes=(0,), **PLOT_ARRAY),
     Y=ARRAY(ndims=(2,), axes=(0,), **PLOT_ARRAY), start=INT(), title=TITLE)
case("plots.plot_loss_curves", plots.plot_loss_curves,
     lambda: dict(ax=axes(), history=once("history", tiny_history), title="loss"),
     ax=AX, history=[derived("not a History", lambda h: None, lambda h: (None, h),
                             lambda h: h.train_loss, lambda h: {"train_loss": h.train_loss},
                             lambda h: types.SimpleNamespace(train_loss=h.train_loss,
                                                             val_loss=h.val_loss[:1]),
                             lambda h: types.SimpleNamespace(train_loss=h.train_loss + 1j,
                                                             val_loss=None),
                             lambda h: types.SimpleNamespace(train_loss="1 2", val_loss=None))],
     title=TITLE)
case("plots.plot_step_norms", plots.plot_step_norms,
     lambda: dict(ax=axes(), norms=np.abs(series((6,))), label="tanh", title="norms"),
     ax=AX, norms=ARRAY(ndims=(1,), **PLOT_ARRAY), label=TITLE, title=TITLE)

# ---- the tutorial's method -----------------------------------------------------------------------
TUT_PARAMS = DICT_OF_ARRAYS("params", fixed_rows=("U", "W"))   # no biases: V's rows are free


def _tut(**extra):
    def valid():
        p, X, Y = tutorial_problem()
        return dict(dict(params=p, X=X, Y=Y), **extra)
    return valid


TUT_X = ARRAY(ndims=(3,), axes=(1, 2), nonempty=(0,))
case("tutorial.tutorial_init", tutorial.tutorial_init,
     lambda: dict(hidden_dim=3, T=4, output_dim=1, seed=0),
     hidden_dim=INT(lo=1, hi=100_000), T=INT(lo=1, hi=100_000), output_dim=INT(lo=1, hi=100_000),
     seed=INT(lo=0))
case("tutorial.position_inputs", tutorial.position_inputs, lambda: dict(X=series((2, 4, 1))),
     X=ARRAY(ndims=(3,), axes=(2,), nonempty=(0, 1)))
case("tutorial.tutorial_forward", tutorial.tutorial_forward,
     lambda: {k: v for k, v in _tut()().items() if k != "Y"}, params=TUT_PARAMS, X=TUT_X)
case("tutorial.tutorial_predict", tutorial.tutorial_predict,
     lambda: {k: v for k, v in _tut()().items() if k != "Y"}, params=TUT_PARAMS, X=TUT_X)
case("tutorial.tutorial_loss", tutorial.tutorial_loss, _tut(), params=TUT_PARAMS,
     X=ARRAY(ndims=(3,), axes=(0, 1, 2), nonempty=(0,)), Y=ARRAY(ndims=(2,), axes=(0, 1)))
case("tutorial.tutorial_gradients", tutorial.tutorial_gradients,
     lambda: dict(params=tutorial_problem()[0], x=series((4, 1)), y=np.array([0.5]), truncate=2),
     params=TUT_PARAMS, x=ARRAY(ndims=(2,), axes=(0, 1)), y=ARRAY(ndims=(0, 1), axes=(0,)),
     truncate=INT(lo=1))


def _tutorial_train_valid():
    p, X, Y = tutorial_problem()
    return dict(params=p, X=X, Y=Y, X_val=X[:1], Y_val=Y[:1], epochs=2, learning_rate=1e-4,
                truncate=2, clip=10.0, progress=None, literal=False)


case("tutorial.tutorial_train", tutorial.tutorial_train, _tutorial_train_valid,
     params=TUT_PARAMS, X=ARRAY(ndims=(3,), axes=(0, 1, 2), nonempty=(0,)),
     Y=ARRAY(ndims=(2,), axes=(0, 1)), X_val=ARRAY(ndims=(3,), axes=(0, 1, 2), nonempty=(0,)),
     Y_val=ARRAY(ndims=(2,), axes=(0, 1)), epochs=INT(lo=1, hi=100_000),
     learning_rate=REAL(lo=0, lo_open=True), truncate=INT(lo=1), clip=REAL(lo=0, lo_open=True),
     progress=OBJ("not callable", 1, "print", [print]), literal=FLAG())

# ---- the gated cells ------------------------------------------------------------------------------
def _gated_rows(mod):
    m = mod.__name__.split(".")[-1]
    X3 = ARRAY(ndims=(3,), axes=(0, 2), nonempty=(0, 1))
    STATE = ARRAY(ndims=(2,), axes=(0, 1))
    STATE0 = ARRAY(ndims=(2,), axes=(0, 1), none_ok=True)
    is_lstm = "c_prev" in inspect.signature(mod.step_forward).parameters

    def problem(**extra):
        def valid():
            p, X, Y = gated_problem(mod)
            return dict(dict(params=p, X=X, Y=Y), **extra)
        return valid

    def step_valid():
        kw = dict(x_t=series((2, 2)), h_prev=series((2, 3)) / 2, params=mod.init_params(3, 2, 1))
        if is_lstm:
            kw["c_prev"] = series((2, 3)) / 3
        return kw

    def step_backward_valid():
        kw = step_valid()
        back = dict(dh_t=series((2, 3)), cache=mod.step_forward(**kw)[-1], params=kw["params"])
        if is_lstm:
            back["dc_t"] = series((2, 3)) / 2
        return back

    def backward_valid():
        p, X, Y = gated_problem(mod)
        Y_hat, cache = mod.forward(p, X)
        return dict(dY_hat=Y_hat - Y, cache=cache, truncate=2)

    def forward_valid():
        p, X, _ = gated_problem(mod)
        kw = dict(params=p, X=X, h0=series((2, 3)) / 2)
        if is_lstm:
            kw["c0"] = series((2, 3)) / 3
        return kw

    rows = {
        "init_params": (lambda: dict(hidden_dim=3, input_dim=2, output_dim=1, seed=0),
                        dict(hidden_dim=INT(lo=1, hi=100_000), input_dim=INT(lo=1, hi=100_000),
                             output_dim=INT(lo=1, hi=100_000), seed=INT(lo=0))),
        "check_inputs": (problem(x_name="X", y_name="Y"), dict(params=PARAMS, X=X3, Y=Y_ARG)),
        "step_forward": (step_valid, dict(x_t=STATE, params=PARAMS, h_prev=STATE,
                                          **(dict(c_prev=STATE) if is_lstm else {}))),
        "step_backward": (step_backward_valid, dict(dh_t=STATE, cache=CACHE, params=PARAMS,
                                                    **(dict(dc_t=STATE) if is_lstm else {}))),
        "forward": (forward_valid, dict(params=PARAMS, X=ARRAY(ndims=(3,), axes=(2,), nonempty=(0, 1)),
                                        h0=STATE0, **(dict(c0=STATE0) if is_lstm else {}))),
        "backward": (backward_valid, dict(dY_hat=ARRAY(ndims=(2,), axes=(0, 1)), cache=CACHE,
                                          truncate=TRUNCATE)),
        "loss_and_grads": (problem(truncate=2), dict(params=PARAMS, X=X3, Y=Y_ARG, truncate=TRUNCATE)),
        "loss_and_grads_loop": (problem(truncate=2), dict(params=PARAMS, X=X3, Y=Y_ARG,
                                                          truncate=TRUNCATE)),
        "truncated_loss": (problem(truncate=2, state_params=gated_problem(mod)[0]),
                           dict(params=PARAMS, X=X3, Y=Y_ARG, truncate=TRUNCATE,
                                state_params=DICT_OF_ARRAYS("state_params", none_ok=True))),
        "check_gradients": (problem(truncate=2, eps=1e-3),
                            dict(params=PARAMS, X=X3, Y=Y_ARG, truncate=TRUNCATE,
                                 eps=REAL(lo=0, lo_open=True, huge=True))),
    }
    for name in mod.__all__:
        if name in rows:
            valid, args = rows[name]
            case(f"{m}.{name}", getattr(mod, name), valid, **args)
    # the functions that take any cell's params
    case(f"{m} through training.train", rh.train,
         problem(epochs=2, learning_rate=0.01, batch_size=1, truncate=2),
         params=PARAMS, X=X3, Y=Y_ARG, activation=OBJ("not None", "tanh", "sigmoid", 1))
    case(f"{m} through gradcheck.check_gradients", rh.check_gradients, problem(truncate=2),
         params=PARAMS, X=X3, Y=Y_ARG, truncate=TRUNCATE)
    case(f"{m} through training.predict", rh.predict,
         lambda: dict(model=gated_problem(mod)[0], X=gated_problem(mod)[1]),
         model=PARAMS, X=ARRAY(ndims=(3,), axes=(2,), nonempty=(0, 1)))


for _mod in (lstm, gru, gru_reset_before):
    _gated_rows(_mod)

# ---- weather -------------------------------------------------------------------------------------
case("weather.load_weather", weather.load_weather, lambda: dict(path=None),
     errors_={"path": (ValueError, TypeError, FileNotFoundError)},
     path=[kind("not a path", (1, 2.5, b"x", ["a.csv"], Opaque(), True)),
           kind("not a file", ("/no/such/file.csv", "", str(ROOT)))])
case("weather.split_periods", weather.split_periods,
     lambda: dict(df=weather_frame(), train_end="2012-01-20", val_end="2012-01-30"),
     df=FRAME(), train_end=DAY(), val_end=DAY())
case("weather.fit_standardizer", weather.fit_standardizer,
     lambda: dict(train_values=series((10, 2)), columns=["a", "b"]),
     train_values=ARRAY(ndims=(2, 3, 4), nonempty=(0,)) + [kind("constant", (np.ones((5, 2)),))],
     columns=[kind("not names", (1, "ab", [1, 2], ["a", None], Opaque(), ["a"], ["a", "b", "c"],
                                 ["a", "a"]))])
case("weather.Standardizer.transform", lambda values: scaler().transform(values),
     lambda: dict(values=series((3, 4))), values=ARRAY(axes=(-1,)) + [
         kind("wrong columns", (pd.DataFrame(np.ones((2, 4)), columns=list("abcd")),))])
case("weather.Standardizer.inverse", lambda values, columns: scaler().inverse(values, columns),
     lambda: dict(values=series((3, 1)), columns=["temp_max_c"]),
     values=ARRAY(axes=(-1,)),
     columns=[kind("not columns", ("nope", ["nope"], [], [7], [-1], [1.5], [True], [None],
                                   Opaque()))])


def _windows_valid():
    return dict(period=weather_frame(), seq_len=5, inputs=["temp_max_c", "wind_ms"],
                targets="temp_max_c", horizon=2)


case("weather.weather_windows", weather.weather_windows, _windows_valid, period=FRAME(),
     seq_len=INT(lo=1, huge=True), inputs=COLUMN_NAMES(), targets=COLUMN_NAMES(),
     horizon=INT(lo=1, hi=7))
case("weather.forecast_errors", weather.forecast_errors,
     lambda: dict(Y=series((5, 2)), Y_pred=series((5, 2)) + 0.1,
                  columns=["temp_max_c", "wind_ms"], standardizer=scaler()),
     Y=ARRAY(ndims=(2,), axes=(0, 1), nonempty=(0,)), Y_pred=ARRAY(ndims=(2,), axes=(0, 1)),
     columns=COLUMN_NAMES() + [kind("wrong count", (["temp_max_c"],))],
     standardizer=OBJ("not a Standardizer", {"mean": 0}, "scaler", 1, Opaque()) + [
         Kind("fitted on other columns", lambda s: st.just(weather.fit_standardizer(series((5, 2)))))])

# ---- text ----------------------------------------------------------------------------------------
VOCAB = [derived("not a vocab", lambda v: None, lambda v: v.chars, lambda v: v.char_to_id,
                 lambda v: (v.chars,), lambda v: (v.chars, {}), lambda v: (v.chars[::-1], v.char_to_id),
                 lambda v: list(v))]
TEXT_PARAMS = DICT_OF_ARRAYS("params") + [kind("not a text model", (rh.init_params(4, 3, 2),
                                                                     rh.init_params(4, 3, 3, biases=False)))]


def IDS(ndims=(1,), axes=(), none_ok=False):
    return ARRAY(ndims=ndims, axes=axes, ids=True, none_ok=none_ok) + [
        derived("out of range", lambda v: _int_with(v, -1), lambda v: _int_with(v, 10**6))]


def _int_with(v, x):
    a = np.array(v, dtype=np.int64)
    a.flat[0] = x
    return a


def _text(**extra):
    def valid():
        vocab, p, ids = text_problem()
        return {k: (f(vocab, p, ids) if callable(f) else f) for k, f in extra.items()}
    return valid


case("text.char_vocab", text.char_vocab, lambda: dict(text=TEXT_SAMPLE), text=TEXT())
case("text.encode", text.encode, _text(text=TEXT_SAMPLE[:5], vocab=lambda v, p, i: v),
     text=TEXT() + [kind("unknown character", ("HELLO", "hello\n"))], vocab=VOCAB)
case("text.decode", text.decode, _text(ids=lambda v, p, i: i[:5], vocab=lambda v, p, i: v),
     ids=IDS(), vocab=VOCAB)
case("text.load_text", text.load_text, lambda: dict(name=None),
     name=[kind("not a name", (1, b"hamlet", ["hamlet"], "nope", "HAMLET", "", "../hamlet"))])
case("text.softmax_xent", text.softmax_xent,
     lambda: dict(logits=series((2, 3, 4)), targets=np.array([[0, 1, 2], [3, 0, 1]])),
     logits=ARRAY(axes=(0, 1)), targets=IDS(ndims=(2,), axes=(0, 1)))
case("text.softmax_xent_backward", text.softmax_xent_backward,
     lambda: dict(logits=series((2, 3, 4)), targets=np.array([[0, 1, 2], [3, 0, 1]])),
     logits=ARRAY(axes=(0, 1)), targets=IDS(ndims=(2,), axes=(0, 1)))
for fn in (text.loss_and_grads, text.loss_and_grads_loop):
    case(f"text.{fn.__name__}", fn,
         _text(params=lambda v, p, i: p, X_ids=lambda v, p, i: i[:6].reshape(2, 3),
               Y_ids=lambda v, p, i: i[1:7].reshape(2, 3), s0=lambda v, p, i: series((2, 4)) / 2),
         params=TEXT_PARAMS, X_ids=IDS(ndims=(2,), axes=(0, 1)), Y_ids=IDS(ndims=(2,), axes=(0, 1)),
         s0=ARRAY(ndims=(2,), axes=(0, 1), none_ok=True))
case("text.sample", text.sample,
     _text(params=lambda v, p, i: p, seed_ids=lambda v, p, i: i[:3], n=4, temperature=0.5, seed=0),
     params=TEXT_PARAMS, seed_ids=IDS(), n=INT(lo=1, huge=True),
     temperature=REAL(lo=0, lo_open=True),
     seed=INT(lo=0))
case("widgets.temperature_slider", widgets.temperature_slider,
     _text(params=lambda v, p, i: p, vocab=lambda v, p, i: v, prompt=TEXT_SAMPLE[:5], n=4,
           temperature=0.5, seed=0),
     params=TEXT_PARAMS, vocab=VOCAB, prompt=TEXT() + [kind("unknown character", ("HELLO",))],
     n=INT(lo=1), temperature=REAL(lo=0.2, hi=2.0), seed=INT(lo=0))
case("text.bits_per_char", text.bits_per_char, _text(params=lambda v, p, i: p, ids=lambda v, p, i: i),
     params=TEXT_PARAMS, ids=IDS() + [kind("too short", (np.array([1]),))])
case("text.chunks", text.chunks, _text(ids=lambda v, p, i: i, batch_size=2, seq_len=3),
     ids=IDS()[:-1], batch_size=INT(lo=1, huge=True), seq_len=INT(lo=1, huge=True))
case("text.train_text", text.train_text,
     _text(params=lambda v, p, i: p, ids=lambda v, p, i: i, steps=2, seq_len=3, batch_size=2,
           learning_rate=0.01, optimizer="adagrad", clip_norm=5.0, seed=0,
           val_ids=lambda v, p, i: i[:8], eval_every=1),
     params=TEXT_PARAMS, ids=IDS(), steps=INT(lo=1, hi=text.training.MAX_STEPS),
     seq_len=INT(lo=1, huge=True),
     batch_size=INT(lo=1, huge=True), learning_rate=REAL(lo=0, lo_open=True, none_ok=True),
     optimizer=CHOICE(("adam", "adagrad")), clip_norm=REAL(lo=0, lo_open=True, none_ok=True),
     seed=INT(lo=0), val_ids=IDS(none_ok=True) + [kind("too short", (np.array([1]), [0]))],
     eval_every=INT(lo=1, none_ok=True))
case("text.bigram_bits_per_char", text.bigram_bits_per_char,
     _text(train_ids=lambda v, p, i: i, test_ids=lambda v, p, i: i[:6], K=lambda v, p, i: len(v.chars),
           smoothing=1.0),
     train_ids=IDS(), test_ids=IDS(), K=INT(lo=1, huge=True), smoothing=REAL(lo=0, lo_open=True))
case("text.uniform_bits_per_char", text.uniform_bits_per_char, lambda: dict(K=5), K=INT(lo=1))

# ---- the dates task of notebook 12 (rnn_helpers.seq2seq.dates) -------------------------------------
_JUNE_25 = datetime.date(2009, 6, 25)
DATE_DAY = [kind("not a date", (None, "2009-06-25", 20090625, datetime.datetime(2009, 6, 25, 12),
                                np.datetime64("2009-06-25"), pd.Timestamp("2009-06-25"), Opaque())),
            kind("out of range", (datetime.date(1969, 12, 31), datetime.date(2050, 1, 1)))]
PATTERN = [kind("not a pattern", (None, 1, b"{d}", ["{d}"])),
           kind("bad pattern", ("", "June", "{day}", "{d:>3}", "{d!r}", "{d", "{0}", "{}"))]
PATTERNS = [kind("not patterns", (None, "{d}", [], ["{day}"], ("{d}", 3), Opaque()))]
DATE_CASES = [kind("not cases", (None, "lower", [], ["Upper"], ("lower", None), Opaque()))]
case("seq2seq.dates.ordinal_suffix", dates.ordinal_suffix, lambda: dict(day=3), day=INT(lo=1, hi=31))
case("seq2seq.dates.format_date", dates.format_date,
     lambda: dict(day=_JUNE_25, fmt="{Month} {d}{th}, {yyyy}", case="upper"),
     day=DATE_DAY, fmt=PATTERN, case=CHOICE(dates.CASES))
case("seq2seq.dates.split_dates", dates.split_dates,
     lambda: dict(held_out=0.2, seed=1, first=datetime.date(2000, 1, 1), last=datetime.date(2000, 2, 1)),
     held_out=REAL(lo=0, lo_open=True, hi=1, hi_open=True), seed=INT(lo=0), first=DATE_DAY, last=DATE_DAY)
case("seq2seq.dates.date_pairs", dates.date_pairs,
     lambda: dict(days=[_JUNE_25, datetime.date(1999, 12, 31)], n=3, seed=0, formats=dates.FORMATS[:2],
                  cases=["lower"]),
     days=[kind("not days", (None, _JUNE_25, [], [None], ["2009-06-25"], (_JUNE_25, "x"), Opaque(),
                             [datetime.datetime(2009, 1, 1)], [datetime.date(2050, 1, 1)]))],
     n=INT(lo=1, hi=1_000_000), seed=INT(lo=0), formats=PATTERNS, cases=DATE_CASES)
case("seq2seq.dates.make_date_pairs", dates.make_date_pairs,
     lambda: dict(n_train=4, n_held_out=2, held_out=0.1, seed=0, formats=dates.FORMATS, cases=dates.CASES),
     n_train=INT(lo=1, hi=1_000_000), n_held_out=INT(lo=1, hi=1_000_000),
     held_out=REAL(lo=0, lo_open=True, hi=1, hi_open=True), seed=INT(lo=0), formats=PATTERNS,
     cases=DATE_CASES)

case("seq2seq.pretrain.load_bottleneck", pretrain.load_bottleneck, lambda: dict(path=None),
     errors_={"path": (ValueError, TypeError, FileNotFoundError)},
     path=[kind("not a path", (1, 2.5, True, b"table.json", ["table.json"], Opaque())),
           kind("no such file", ("/nonexistent/table.json", "", "rnn_helpers/datasets/README.md"))])
case("seq2seq.pretrain.measure_bottleneck", pretrain.measure_bottleneck,
     lambda: dict(seeds=[1], attentions=["none"], n_train=4, n_test=4, max_len=3, epochs=1, hidden_dim=2),
     seeds=[kind("not seeds", (None, 5, "0", [], [-1], ["0"], [0.5], [True], [0, 0]))],
     attentions=[kind("not attentions", (None, "none", [], ["nope"], [1], ["none", None]))],
     n_train=INT(lo=1, hi=1_000_000))
case("seq2seq.pretrain.bottleneck_run", pretrain.bottleneck_run,
     lambda: dict(seed=0, attention="dot", n_train=4, n_test=4, max_len=3, epochs=1, hidden_dim=2),
     seed=INT(lo=0), attention=CHOICE(("additive", "dot", "none")), n_train=INT(lo=1, hi=1_000_000),
     hidden_dim=INT(lo=1, hi=10_000))

# ---- sequence to sequence (more cases in tests/test_seq2seq_*.py) --------------------------------
S2S_VOCAB = seq2seq.Vocab("abc", 4)
S2S_PAIRS = [("abca", "cb"), ("b", "abc")]


def s2s_model(attention="additive"):
    return once(("s2s", attention), lambda: seq2seq.init_model(
        S2S_VOCAB, S2S_VOCAB, 2, cell="gru", bidirectional=True, attention=attention, decoder_dim=3,
        seed=0))


def s2s_batch():
    return seq2seq.make_batch(s2s_model(), S2S_PAIRS)


def _seq2seq_entry(how):
    """A Seq2Seq model with one entry changed (how: key, array -> new array), or one key dropped."""
    def make(model):
        out = dict(model)
        if how is None:
            out.pop("W_s")
        else:
            out["V"] = how(out["V"])
        return seq2seq.Seq2Seq(out, model.src_vocab, model.tgt_vocab)
    return make


S2S_VOCAB_KINDS = [kind("not a Vocab", (None, "abc", ("abc", 4), {"abc": 4}, Opaque())),
                   kind("inconsistent", (seq2seq.Vocab("cba", 4), seq2seq.Vocab("", 4),
                                         seq2seq.Vocab("aab", 4), seq2seq.Vocab("abc", 0),
                                         seq2seq.Vocab("abc", 2.5), seq2seq.Vocab(["a"], 4)))]
S2S_TEXT = TEXT() + [kind("unknown character", ("abz", "ab\n", "ABC")),
                     kind("too long", ("abcab", "a" * 100))]
S2S_TEXTS = [kind("not a list of str", (None, "abc", 3, [1, 2], ["a", None], ("a", b"b"), {"a"}, Opaque())),
             kind("empty", ([], ["a", ""], [""]))]
S2S_TEXTS_IN_VOCAB = S2S_TEXTS + [kind("unknown character", (["ab", "az"], ["?"])),
                                  kind("too long", (["abcab"],))]
S2S_MODEL = [kind("not a Seq2Seq", (None, "model", {"V": np.ones((2, 2))}, Opaque(), rh.init_params(2))),
             derived("plain dict of its weights", lambda m: dict(m)),
             derived("bad entry", _seq2seq_entry(lambda v: _with_entry(v, np.nan)),
                     _seq2seq_entry(lambda v: _with_entry(v, 1e300)), _seq2seq_entry(lambda v: v[None]),
                     _seq2seq_entry(_grow), _seq2seq_entry(lambda v: v.astype(np.float32)),
                     _seq2seq_entry(lambda v: v.tolist()), _seq2seq_entry(_masked), _seq2seq_entry(None)),
             derived("other vocabularies", lambda m: seq2seq.Seq2Seq(dict(m), seq2seq.Vocab("ab", 4),
                                                                      m.tgt_vocab),
                     lambda m: seq2seq.Seq2Seq(dict(m), m.src_vocab, seq2seq.Vocab("abcd", 4)))]
S2S_PAIRS_KINDS = [kind("not pairs", (None, "ab", [("ab",)], [("ab", "b", "c")], ["ab"], [("ab", 3)],
                                      [(None, "a")], (("ab", "a"),) * 0, {"ab": "a"}, Opaque())),
                   kind("empty", ([], [("", "a")], [("ab", "")])),
                   kind("unknown character", ([("az", "a")], [("ab", "?")])),
                   kind("too long", ([("abcab", "a")], [("ab", "aaaaa")]))]
S2S_BATCH = [kind("not a Batch", (None, (np.zeros((1, 2), int),) * 5, {"src": 1}, Opaque())),
             derived("ids out of range", lambda b: b._replace(src=b.src + 50),
                     lambda b: b._replace(tgt_out=b.tgt_out - 9), lambda b: b._replace(src=b.src[0])),
             derived("lengths that do not fit", lambda b: b._replace(src_len=b.src_len + 9),
                     lambda b: b._replace(tgt_len=b.tgt_len[:1]), lambda b: b._replace(tgt_len=b.tgt_len * 0),
                     lambda b: b._replace(tgt_out=b.tgt_out[:, :1]))]
S2S_PARAMS = DICT_OF_ARRAYS("params")

case("seq2seq.make_vocab", seq2seq.make_vocab, lambda: dict(texts=["abc", "ba"], max_len=5),
     texts=S2S_TEXTS, max_len=INT(lo=3, none_ok=True))
case("seq2seq.encode", seq2seq.encode, lambda: dict(text="cab", vocab=S2S_VOCAB),
     text=S2S_TEXT, vocab=S2S_VOCAB_KINDS)
case("seq2seq.decode", seq2seq.decode, lambda: dict(ids=np.array([1, 3, 4, 2]), vocab=S2S_VOCAB),
     ids=[kind("out of range", (np.array([3, 9]), np.array([-1]), [6])),
          kind("not ids", (None, "ab", np.array([1.5]), np.array(["a"]), [None], Opaque()))],
     vocab=S2S_VOCAB_KINDS)
for _fn in (seq2seq.source_batch, seq2seq.target_batch):
    case(f"seq2seq.{_fn.__name__}", _fn, lambda: dict(texts=["ab", "c"], vocab=S2S_VOCAB),
         texts=S2S_TEXTS_IN_VOCAB, vocab=S2S_VOCAB_KINDS)
case("seq2seq.digit_pairs", seq2seq.digit_pairs,
     lambda: dict(task="reverse", n=3, min_len=2, max_len=4, seed=0),
     task=CHOICE(tuple(seq2seq.TASKS)), n=INT(lo=1, hi=seq2seq.tasks.MAX_PAIRS),
     min_len=INT(lo=1, hi=seq2seq.tasks.MAX_LENGTH) + [kind("above max_len", (5, 9))],
     max_len=INT(lo=1, hi=seq2seq.tasks.MAX_LENGTH) + [kind("below min_len", (1,))],
     length=INT(lo=1, hi=seq2seq.tasks.MAX_LENGTH, none_ok=True), seed=INT(lo=0))
case("seq2seq.init_params", seq2seq.init_params,
     lambda: dict(K_src=6, K_tgt=7, hidden_dim=2, cell="gru", decoder_cell="lstm", bidirectional=True,
                  num_layers=1, attention="dot", decoder_dim=3, attention_dim=None, seed=0),
     K_src=INT(lo=4, hi=100_000), K_tgt=INT(lo=4, hi=100_000), hidden_dim=INT(lo=1, hi=10_000),
     cell=CHOICE(("gru", "lstm", "rnn")), decoder_cell=CHOICE(("lstm", "gru", "rnn"), none_ok=True),
     bidirectional=FLAG(), num_layers=INT(lo=1, huge=True), attention=CHOICE(seq2seq.ATTENTION),
     decoder_dim=INT(lo=1, hi=10_000, none_ok=True), attention_dim=INT(lo=1, hi=10_000, none_ok=True),
     seed=INT(lo=0))
case("seq2seq.init_model", seq2seq.init_model,
     lambda: dict(src_vocab=S2S_VOCAB, tgt_vocab=S2S_VOCAB, hidden_dim=2),
     src_vocab=S2S_VOCAB_KINDS, tgt_vocab=S2S_VOCAB_KINDS, hidden_dim=INT(lo=1, hi=10_000))
case("seq2seq.describe", seq2seq.describe, lambda: dict(params=dict(s2s_model())), params=S2S_PARAMS)
case("seq2seq.make_batch", seq2seq.make_batch, lambda: dict(model=s2s_model(), pairs=S2S_PAIRS),
     model=S2S_MODEL, pairs=S2S_PAIRS_KINDS)
for _fn in (seq2seq.loss, seq2seq.loss_and_grads):
    case(f"seq2seq.{_fn.__name__}", _fn, lambda: dict(params=dict(s2s_model()), batch=s2s_batch(), masked=True),
         params=S2S_PARAMS, batch=S2S_BATCH, masked=FLAG())
case("seq2seq.loss_and_grads_loop", seq2seq.loss_and_grads_loop,
     lambda: dict(params=dict(s2s_model()), batch=s2s_batch()), params=S2S_PARAMS, batch=S2S_BATCH)
case("seq2seq.greedy_decode", seq2seq.greedy_decode,
     lambda: dict(model=s2s_model(), sources=["ab", "c"], return_weights=True, masked=True),
     model=S2S_MODEL, sources=S2S_TEXTS_IN_VOCAB, return_weights=FLAG(), masked=FLAG())
case("seq2seq.beam_search", seq2seq.beam_search, lambda: dict(model=s2s_model(), source="abc", beam=2),
     model=S2S_MODEL, source=S2S_TEXT, beam=INT(lo=1, hi=seq2seq.decoding.MAX_BEAM))
case("seq2seq.sequence_log_prob", seq2seq.sequence_log_prob,
     lambda: dict(model=s2s_model(), source="abc", target="ca"),
     model=S2S_MODEL, source=S2S_TEXT, target=TEXT(empty_ok=True) + S2S_TEXT[-2:])
case("seq2seq.exact_match", seq2seq.exact_match,
     lambda: dict(model=s2s_model(), pairs=S2S_PAIRS, batch_size=1, masked=False),
     model=S2S_MODEL, pairs=S2S_PAIRS_KINDS, batch_size=INT(lo=1), masked=FLAG())
case("seq2seq.accuracy_by_length", seq2seq.accuracy_by_length,
     lambda: dict(model=s2s_model(), pairs=S2S_PAIRS), model=S2S_MODEL, pairs=S2S_PAIRS_KINDS)
case("seq2seq.attention_map", seq2seq.attention_map, lambda: dict(model=s2s_model("dot"), source="cab"),
     model=S2S_MODEL + [kind("no attention", (s2s_model("none"),))], source=S2S_TEXT)
case("seq2seq.train", seq2seq.train,
     lambda: dict(model=s2s_model(), pairs=S2S_PAIRS, epochs=1, batch_size=1, learning_rate=0.01,
                  clip_norm=5.0, seed=0, val_pairs=S2S_PAIRS, max_seconds=100.0, on_epoch=None, masked=True),
     model=S2S_MODEL, pairs=S2S_PAIRS_KINDS, epochs=INT(lo=1, hi=seq2seq.training.MAX_EPOCHS),
     batch_size=INT(lo=1), learning_rate=REAL(lo=0, lo_open=True),
     clip_norm=REAL(lo=0, lo_open=True, none_ok=True), seed=INT(lo=0),
     val_pairs=[k for k in S2S_PAIRS_KINDS if k.name != "not pairs"]
     + [kind("not pairs", ("ab", [("ab",)], {"ab": "a"}))],
     max_seconds=REAL(lo=0, lo_open=True, none_ok=True), on_epoch=[kind("not callable", (1, "print", [print]))],
     masked=FLAG())
case("seq2seq.attention.attention", seq2seq.attention.attention,
     lambda: dict(scores=series((2, 3)), mask=np.array([[True, True, False], [True, True, True]]),
                  values=series((2, 3, 2))),
     scores=ARRAY(ndims=(2,), axes=(0, 1)),
     mask=[kind("not bools", (None, np.ones((2, 3)), "mask", [[1, 0, 0], [1, 1, 1]])),
           kind("wrong shape", (np.ones((2, 2), bool), np.ones((3, 3), bool))),
           kind("a record without a valid position", (np.array([[True, False, False], [False] * 3]),))],
     values=ARRAY(ndims=(3,), axes=(0, 1)))

# ---- n-grams and seeds (more cases in test_ngram.py and test_seeds.py) ---------------------------
NGRAM = [kind("not an NGram", (None, "model", Opaque(), {"n": 2}, rh.init_params(2)))]
_NGRAM_VALID = _text(model=lambda v, p, i: text.fit_ngram(i, 3, len(v.chars)))
case("text.fit_ngram", text.fit_ngram,
     _text(train_ids=lambda v, p, i: i, n=3, K=lambda v, p, i: len(v.chars)),
     train_ids=IDS() + [kind("too short", (np.array([1]),))], n=INT(lo=1, hi=8), K=INT(lo=1))
case("text.ngram_probs", text.ngram_probs, lambda: dict(_NGRAM_VALID(), context=np.array([0, 1])),
     model=NGRAM, context=IDS())
case("text.ngram_bits_per_char", text.ngram_bits_per_char,
     lambda: dict(_NGRAM_VALID(), test_ids=np.array([0, 1, 2])),
     model=NGRAM, test_ids=IDS() + [kind("too short", (np.array([1]),))])
TABLE = [kind("not a table", (None, np.ones((2, 2)), {"A": [1.0]}, pd.DataFrame(),
                              pd.DataFrame({"A": ["x"]}), Opaque()))]
COLUMN = [kind("not a column", (None, "Z", ["A"], 1.5, True))]
_TABLE = pd.DataFrame({"A": [1.0, 2.0], "B": [2.0, 0.5]})
case("seeds.over_seeds", seeds.over_seeds, lambda: dict(fn=float, seeds=[0, 1]), fn=FUNC(),
     seeds=[kind("not seeds", (5, "01", None, [0.5], [True], [], [-1], [0, 0]))])
case("seeds.summarize", seeds.summarize, lambda: dict(table=_TABLE), table=TABLE)
case("seeds.wins", seeds.wins, lambda: dict(table=_TABLE, a="A", b="B", better="lower"), table=TABLE,
     a=COLUMN, b=COLUMN, better=CHOICE(seeds.BETTER))
case("seeds.mean_range", seeds.mean_range, lambda: dict(values=[1.0, 2.0], fmt=".3f"),
     values=ARRAY(ndims=(1,), nonempty=(0,), finite=False), fmt=[kind("not a format", (3, None, "q"))])

# ---- deep: stacks of layers, one or two directions -----------------------------------------------
def deep_problem(cell="gru", head=2):
    """A 2-layer bidirectional stack (H = 2, D = 2) and 2 records of 3 steps, the second 2 long."""
    return once(("deep", cell, head), lambda: (
        deep.init_params(cell, 2, 2, head, num_layers=2, bidirectional=True, seed=0),
        series((2, 3, 2)), series((2, head)), np.array([3, 2]), np.array([[0, 1, 1], [1, 0, -1]])))


def _deep(*names, cell="gru", **extra):
    """Valid arguments: the problem's params, X, Y, lengths, labels (those named), and extra."""
    def valid():
        p, X, Y, lengths, labels = deep_problem(cell)
        known = dict(params=p, X=X, Y=Y, lengths=lengths, labels=labels, targets=Y)
        return dict({n: known[n] for n in names}, **extra)
    return valid


DEEP_PARAMS = DICT_OF_ARRAYS("params")
DEEP_X = ARRAY(ndims=(3,), axes=(0, 2), nonempty=(0, 1))
LENGTHS = ARRAY(ndims=(1,), axes=(0,), ids=True, none_ok=True) + [
    derived("out of range", lambda v: _int_with(v, 0), lambda v: _int_with(v, 4), lambda v: _int_with(v, -1))]
LABELS_ARG = IDS(ndims=(2,), axes=(0, 1))
STATE0 = [kind("not states", ("state0", 1, Opaque(), [np.zeros((2, 2))], [(np.zeros((2, 2)),)] * 3,
                              [(np.zeros((2, 3)),)] * 4, [(np.zeros((2, 2)), np.zeros((2, 2)))] * 4,
                              [(np.full((2, 2), np.nan),)] * 4))]
NO_ACTIVATION = [kind("an activation for a gated cell", ("tanh", "sigmoid", 1, Opaque(), ""))]
case("deep.init_params", deep.init_params,
     lambda: dict(cell="lstm", hidden_dim=3, input_dim=2, output_dim=1, num_layers=2, bidirectional=True,
                  seed=0),
     cell=CHOICE(tuple(cells.names())), hidden_dim=INT(lo=1, hi=100_000), input_dim=INT(lo=1, hi=100_000),
     output_dim=INT(lo=1, hi=100_000, none_ok=True), num_layers=INT(lo=1, hi=16), bidirectional=FLAG(),
     seed=INT(lo=0, huge=True))
case("deep.describe", deep.describe, _deep("params"), params=DEEP_PARAMS)
for fn in (deep.layers_forward, deep.layers_forward_loop):
    case(f"deep.{fn.__name__}", fn,
         _deep("params", "X", "lengths", state0=[(series((2, 2)) / 4,)] * 4),
         params=DEEP_PARAMS, X=DEEP_X, lengths=LENGTHS, state0=STATE0, activation=NO_ACTIVATION)


def _deep_backward_valid():
    p, X, _, lengths, _ = deep_problem()
    H_seq, last, cache = deep.layers_forward(p, X, lengths=lengths)
    return dict(dH_seq=H_seq / 2, dlast=last / 3, cache=cache, truncate=2)


case("deep.layers_backward", deep.layers_backward, _deep_backward_valid,
     dH_seq=ARRAY(ndims=(3,), axes=(0, 1, 2), none_ok=True), dlast=ARRAY(ndims=(2,), axes=(0, 1), none_ok=True),
     cache=CACHE, truncate=TRUNCATE)
case("deep.layers_backward_loop", deep.layers_backward_loop,
     _deep("params", "X", "lengths", dH_seq=series((2, 3, 4)), dlast=series((2, 4)), truncate=2),
     params=DEEP_PARAMS, X=DEEP_X, dH_seq=ARRAY(ndims=(3,), axes=(0, 1, 2), none_ok=True),
     dlast=ARRAY(ndims=(2,), axes=(0, 1), none_ok=True), lengths=LENGTHS, truncate=TRUNCATE,
     activation=NO_ACTIVATION)
for fn in (deep.loss_and_grads, deep.loss_and_grads_loop):
    case(f"deep.{fn.__name__}", fn, _deep("params", "X", "Y", "lengths", truncate=2),
         params=DEEP_PARAMS, X=DEEP_X, Y=Y_ARG, truncate=TRUNCATE, lengths=LENGTHS, activation=NO_ACTIVATION)
case("deep.truncated_loss", deep.truncated_loss,
     _deep("params", "X", "Y", "lengths", truncate=2, state_params=deep_problem()[0]),
     params=DEEP_PARAMS, X=DEEP_X, Y=Y_ARG, truncate=TRUNCATE, lengths=LENGTHS, activation=NO_ACTIVATION,
     state_params=DICT_OF_ARRAYS("state_params", none_ok=True))
for fn in (deep.tagging_loss_and_grads, deep.tagging_loss_and_grads_loop, deep.tagging_truncated_loss):
    case(f"deep.{fn.__name__}", fn, _deep("params", "X", "labels", "lengths", truncate=2),
         params=DEEP_PARAMS, X=DEEP_X, labels=LABELS_ARG, lengths=LENGTHS, truncate=TRUNCATE,
         activation=NO_ACTIVATION)
for fn in (deep.predict, deep.predict_tags):
    case(f"deep.{fn.__name__}", fn, _deep("params", "X", "lengths"), params=DEEP_PARAMS, X=DEEP_X,
         lengths=LENGTHS, activation=NO_ACTIVATION)
case("deep.state_gradients", deep.state_gradients, _deep("params", "X", "Y", "lengths", head="regression"),
     params=DEEP_PARAMS, X=DEEP_X, Y=Y_ARG, lengths=LENGTHS, activation=NO_ACTIVATION,
     head=CHOICE(("regression", "tagging")))
case("deep.check_gradients", deep.check_gradients,
     _deep("params", "X", "targets", "lengths", head="regression", truncate=2, eps=1e-3),
     params=DEEP_PARAMS, X=DEEP_X, targets=Y_ARG, head=CHOICE(("regression", "tagging")), truncate=TRUNCATE,
     lengths=LENGTHS, activation=NO_ACTIVATION, eps=REAL(lo=0, lo_open=True, huge=True))
case("deep.train", deep.train,
     _deep("params", "X", "targets", "lengths", head="regression", X_val=series((2, 3, 2)) / 2,
           targets_val=series((2, 2)) / 2, lengths_val=np.array([1, 3]), epochs=1, learning_rate=1e-2,
           optimizer="sgd", batch_size=1, truncate=2, clip_norm=1.0, seed=0),
     params=DEEP_PARAMS, X=DEEP_X, targets=Y_ARG, head=CHOICE(deep.training.HEADS), lengths=LENGTHS,
     X_val=DEEP_X, targets_val=Y_ARG, lengths_val=LENGTHS, epochs=INT(lo=1, hi=1_000_000),
     learning_rate=REAL(lo=0, lo_open=True), optimizer=CHOICE(deep.training.OPTIMIZERS),
     batch_size=INT(lo=1, hi=2, none_ok=True), truncate=TRUNCATE, clip_norm=REAL(lo=0, lo_open=True, none_ok=True),
     seed=INT(lo=0), activation=NO_ACTIVATION)
case("deep.to_torch", deep.to_torch, _deep("params"),
     params=DEEP_PARAMS + [kind("a cell PyTorch lacks",
                                (deep.init_params("mgu", 2, 2, num_layers=2),
                                 deep.init_params("gru_before", 2, 2, 1, bidirectional=True)))])
case("deep.from_torch", deep.from_torch,
     lambda: dict(state_dict=deep.to_torch(deep_problem("lstm")[0]), cell="lstm",
                  head={"weight": deep_problem("lstm")[0]["V"], "bias": deep_problem("lstm")[0]["c"]}),
     state_dict=DICT_OF_ARRAYS("state_dict", float64=False), cell=CHOICE(tuple(deep.TORCH_CELLS)),
     head=DICT_OF_ARRAYS("head", float64=False, none_ok=True))
case("deep.bidirectional_forward", deep.bidirectional_forward,
     lambda: dict(step=bidirectional_checks.rnn_tanh_step, params_fwd=rnn_problem()[0],
                  params_bwd=rnn_problem()[0], X=series((2, 3, 2)), h0=series((2, 3)) / 4),
     step=FUNC(), X=ARRAY(ndims=(3,), axes=(0,), nonempty=(0, 1)), h0=ARRAY(ndims=(2,), axes=(0,)))

# ---- widgets (each names its control by its label, with its range) -----------------------------
CONTROLS = dict(hidden_size=INT(lo=1, hi=200, whole_floats_ok=True),
                truncation=INT(lo=1, hi=50, whole_floats_ok=True),
                learning_rate=CHOICE(widgets.LEARNING_RATES), activation=CHOICE(("tanh", "sigmoid")),
                clipping=CHOICE(tuple(widgets.CLIPPING)), epochs=INT(lo=1, hi=100, whole_floats_ok=True),
                seed=INT(lo=0, hi=9999, whole_floats_ok=True), cell=CHOICE(rh.CELLS))
LABELS = {"hidden_size": "hidden size", "learning_rate": "learning rate"}
case("widgets.explorer", widgets.explorer, lambda: dict(hidden_size=100), names_=LABELS, **CONTROLS)
case("widgets.Explorer.set", lambda **values: explorer().set(**values),
     lambda: dict(hidden_size=explorer().hidden_size.value), names_=LABELS, **CONTROLS)


def _slider_valid(**extra):
    def valid():
        p, X, Y = rnn_problem()
        return dict(dict(params=p, X=X, Y=Y, activation="tanh"), **extra)
    return valid


SLIDER_PARAMS = DICT_OF_ARRAYS("params", none_ok=True)
case("widgets.truncation_explorer", widgets.truncation_explorer, _slider_valid(truncation=2),
     params=SLIDER_PARAMS, X=X_ARG, Y=Y_ARG, activation=ACT, truncation=INT(lo=1, hi=4))
case("widgets.weight_scale_explorer", widgets.weight_scale_explorer, _slider_valid(scale=2.0),
     params=SLIDER_PARAMS, X=X_ARG, Y=Y_ARG, activation=ACT, scale=REAL(lo=0.5, hi=5.0))

CHARS = [kind("not characters", (None, "abc", [], [1, 2], ("a", None), Opaque()))]
case("widgets.attention_widget", widgets.attention_widget,
     lambda: dict(translate=lambda text: (["1", "<end>"], list(text), np.full((2, len(text)), 1 / len(text))),
                  text="6/25/09", examples=["6/25/09"]),
     translate=FUNC(), text=TEXT(empty_ok=True),
     examples=[kind("not examples", (None, "6/25/09", [], [""], ["6/25/09", 3], Opaque()))])
case("widgets.plot_attention", widgets.plot_attention,
     lambda: dict(ax=Figure().subplots(), weights=np.full((2, 3), 1 / 3), out_chars=["1", "<end>"],
                  in_chars=list("abc"), title=None, colorbar=False),
     ax=OBJ("not an Axes", None, 1, Figure(), Opaque()), weights=ARRAY(ndims=(2,), axes=(0, 1)),
     out_chars=CHARS, in_chars=CHARS, title=[kind("not a str", (1, b"t", ["t"], Opaque()))], colorbar=FLAG())

# ---- exercise checkers: the teacher's arguments (the learner's answers are fuzzed further below) -
case("exercises.check_detach_answer", exercises.check_detach_answer,
     lambda: dict(answer=10, T=50, k=12), T=INT(lo=1), k=INT(lo=1))
# check_truncation retrains for k = 1 .. answer: answer 1 keeps the valid call short
case("exercises.check_truncation", exercises.check_truncation,
     lambda: dict(answer=1, data=rh.sine_windows()),
     data=[derived("not the data", lambda d: "sine", lambda d: d[:2], lambda d: list(d) + [d[0]],
                   lambda d: (d[0] + 1j,) + d[1:], lambda d: (d[0], d[1], d[2][..., 0], d[3]),
                   lambda d: (d[0], d[1][:3], d[2], d[3]), lambda d: (d[0] * np.nan,) + d[1:])])
if hasattr(exercises, "check_max_val_answer"):
    case("exercises.check_max_val_answer", exercises.check_max_val_answer,
         lambda: dict(answer=None, values=10 * np.sin(np.arange(30.0))),
         values=ARRAY(ndims=(1,)) + [kind("too short", (np.ones(1),))])
case("exercises.teaching_source", exercises.teaching_source, lambda: dict(fn=rh.forward),
     fn=OBJ("not a function", None, "rh.forward", 1, print, Opaque(), [rh.forward]))
case("exercises.show_source", lambda fns: exercises.show_source(*fns), lambda: dict(fns=[rh.forward]),
     names_={"fns": "fn"}, fns=OBJ("not functions", [None], ["rh.forward"], [rh.forward, 1], [print]))
case("exercises.progress", exercises.progress, lambda: dict(path=None),
     path=[kind("not a path", (1, 2.5, b"x", ["rnn_progress.json"], Opaque(), True))])
case("exercises.choose", exercises.choose,
     lambda: dict(verdict=exercises.check_clip_elementwise(rh.clip_elementwise)),
     verdict=OBJ("not a Verdict", None, True, "PASSED", rh.clip_elementwise, Opaque()))
case("exercises.reveal", exercises.reveal, lambda: dict(name="clip_elementwise"),
     name=OBJ("not an exercise", None, 1, "nope", "Step_forward", ["step_forward"], b"forward"))
case("exercises.lstm_step_gradient_check", exercises.lstm_step_gradient_check,
     lambda: dict(step_backward=lstm.step_backward, seed=0, eps=1e-5),
     step_backward=OBJ("not a function", None, 1, "lstm.step_backward", Opaque()),
     seed=INT(lo=0), eps=REAL(lo=0, lo_open=True, huge=True))

# ---- teacher forcing against free running, and the tagging task (notebook 11) --------------------
def _free_valid(**extra):
    def valid():
        return dict(dict(params=cells.init_params("rnn", 3, 2, 2, seed=0), series=series((2, 5, 2)) / 4,
                         activation="tanh"), **extra)
    return valid


FREE_SERIES = ARRAY(ndims=(3,), axes=(2,), nonempty=(0, 1))
for fn in (free_running.loss_and_grads, free_running.loss_and_grads_loop, free_running.free_running_loss):
    case(f"free_running.{fn.__name__}", fn, _free_valid(feed_back=2), params=PARAMS, series=FREE_SERIES,
         feed_back=INT(lo=0, hi=3), activation=ACT_OR_DEFAULT)
case("free_running.forecast", free_running.forecast,
     lambda: {**{k: v for k, v in _free_valid()().items() if k != "series"}, "warmup": series((2, 3, 2)),
              "horizon": 4},
     params=PARAMS, warmup=FREE_SERIES, horizon=INT(lo=1, hi=1_000_000), activation=ACT_OR_DEFAULT)
case("free_running.horizon_rmse", free_running.horizon_rmse,
     _free_valid(warmup_steps=2, truth=series((2, 3, 2))),
     params=PARAMS, series=FREE_SERIES, warmup_steps=INT(lo=1, hi=4), activation=ACT_OR_DEFAULT,
     truth=ARRAY(ndims=(3,), axes=(0, 1, 2), none_ok=True))
case("free_running.train", free_running.train,
     _free_valid(feed_back=1, epochs=2, learning_rate=0.01, batch_size=1, clip_norm=1.0, seed=0),
     params=PARAMS, series=FREE_SERIES, feed_back=INT(lo=0, hi=3), epochs=INT(lo=1, hi=free_running.MAX_EPOCHS),
     learning_rate=REAL(lo=0, lo_open=True), batch_size=INT(lo=1, none_ok=True),
     clip_norm=REAL(lo=0, lo_open=True, none_ok=True), seed=INT(lo=0), activation=ACT_OR_DEFAULT)
case("tagging.next_marker_task", tagging.next_marker_task,
     lambda: dict(n_records=3, length=4, n_fillers=2, marker_rate=0.2, seed=0),
     n_records=INT(lo=1, hi=10_000_000), length=INT(lo=1, hi=100_000), n_fillers=INT(lo=1, hi=24),
     marker_rate=REAL(lo=0, lo_open=True, hi=1, hi_open=True), seed=INT(lo=0))
_SYMBOLS = np.array([[0, 4, 1, 5], [3, 2, 4, 0]])
case("tagging.next_marker_tags", tagging.next_marker_tags, lambda: dict(symbols=_SYMBOLS, n_fillers=4),
     symbols=IDS(ndims=(2,)), n_fillers=INT(lo=1, hi=24))
case("tagging.as_text", tagging.as_text, lambda: dict(symbols=_SYMBOLS, n_fillers=4),
     symbols=IDS(ndims=(2,)), n_fillers=INT(lo=1, hi=24))
case("tagging.tags_as_text", tagging.tags_as_text, lambda: dict(tags=np.array([[0, 1, 2], [2, 2, 2]])),
     tags=IDS(ndims=(2,)))

# Functions the table leaves out, and why (anything else public must have a row).
EXEMPT = {
    "use_course_style": "takes no arguments",
    "available_texts": "takes no arguments",
    "retrain": "the explorer's work; its Settings come from the checked controls",
    "advice": "formats a Settings the explorer built",
    "diverged_message": "formats a TrainingDiverged the explorer caught",
    "explorer_figure": "draws a Result that retrain made",
    "png_bytes": "saves a Figure the widgets made",
    "names": "takes no arguments",
    "describe_result": "describes a Result that retrain made",
    "accessibility_script": "takes no arguments",
    "OVERFLOW": "a mistake written on purpose, for the check to recognise",
    "GLOBAL_MAX": "a mistake written on purpose, for the check to recognise",
    "guessed": "replies True or False and never raises: a predict cell runs whatever is typed",
    "dates_vocabularies": "takes no arguments",
    "main": "the command line: argparse reports a bad option and exits",
}

#: (case label, argument, kind or "*") -> what goes wrong, for a failure that is known and waits for
#: a fix elsewhere.
#: Each is an expected failure, strict: it fails as soon as it is fixed, to be removed from here.
_Y_NONE = ("Y=None is taken for 'no targets' (_gates.check_data), so X, Y = check_inputs(...) "
           "splits X: 'not enough values to unpack'")
_MODEL = "messages say params, not model (cell_of / check_params called without the argument's name)"
_INT_KEY = "cells.cell_of sorts the keys for its message: TypeError '<' between str and int"
KNOWN = {}   # (label, argument, kind) -> why it is known to fail: none left


# =================================================================================================
# The fuzz tests
# =================================================================================================

def _outcome(case, arg, kwargs):
    """None if the call raised a clear error naming `arg`, else what went wrong."""
    names = [case.names.get(arg, arg)]
    errors = case.errors.get(arg, (ValueError, TypeError))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")           # a warning is not a clear error
            case.call(kwargs)
    except errors as err:
        message = str(err)
        if any(name in message for name in names):
            return None
        return f"{type(err).__name__} that does not name {names[0]!r}: {message[:300]}"
    except Exception as err:                         # noqa: BLE001 - that is what is tested
        return f"{type(err).__name__}: {str(err)[:300]}"
    return "no error"


def _known(label, arg, kind_name):
    reason = KNOWN.get((label, arg, kind_name)) or KNOWN.get((label, arg, "*"))
    return [pytest.mark.xfail(strict=True, reason=reason)] if reason else []


ITEMS = [pytest.param(c, arg, k, id=f"{c.label}-{arg}-{k.name}", marks=_known(c.label, arg, k.name))
         for c in CASES for arg in c.args for k in c.args[arg]]


@pytest.mark.parametrize("case", [pytest.param(c, id=c.label) for c in CASES])
def test_valid_arguments_work(case):
    """Each row's valid arguments really are valid: the errors below come from the one bad value."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        case.call(case.valid())


def _bad_value_raises_a_clear_error_naming_the_argument(case, arg, kind_, data):
    """One argument at a time gets a bad value of one kind; the call must raise a ValueError or
    TypeError naming that argument, without a warning first. Kinds of at most 8 values are tried
    exhaustively; larger ones (an entry of a dict times a mutation) are sampled."""
    kwargs = case.valid()
    value = data.draw(kind_.make(kwargs.get(arg)), label=f"{arg} ({kind_.name})")
    kwargs[arg] = value
    TRIED["cases"] += 1
    problem = _outcome(case, arg, kwargs)
    assert problem is None, f"{case.label}, {kind_.name}: {arg}={_short(value)} -> {problem}"


def _fuzz_test(items):
    @pytest.mark.parametrize("case, arg, kind_", items)
    @FUZZ
    @given(data=st.data())
    def test(case, arg, kind_, data):
        _bad_value_raises_a_clear_error_naming_the_argument(case, arg, kind_, data)
    test.__doc__ = _bad_value_raises_a_clear_error_naming_the_argument.__doc__
    return test


# One test function per module: Hypothesis's pytest plugin chains the settings of a parametrized
# test once per parameter, and a single function with all ~1,500 would exceed the recursion limit.
_GROUPS = {}
for _item in ITEMS:
    _GROUPS.setdefault(_item.values[0].label.split(".")[0].split(" ")[0], []).append(_item)
for _group, _items in _GROUPS.items():
    globals()[f"test_bad_value_raises_a_clear_error_naming_the_argument_{_group}"] = _fuzz_test(_items)


# =================================================================================================
# Functions that train: every argument is checked before the first step
# =================================================================================================
#
# A bad value found only after training (minutes at a notebook's size) wastes the learner's time.
# For each function that trains, the first step of its work is replaced by one that fails the test;
# every bad value of the table must then still be refused with a clear error, before that step.

class WorkStarted(Exception):
    """Raised by the replaced first step of training: the work began before the checks ended."""


def _work_started(*args, **kwargs):
    raise WorkStarted


#: label of a row that trains -> the (module, attribute) pairs that begin its work
TRAINING_WORK = {
    "training.train": [(training, "make_engine")],
    "training.train_reference": [(rnn, "loss_and_grads_loop"), (lstm, "loss_and_grads_loop"),
                                 (gru, "loss_and_grads_loop"),
                                 (gru_reset_before, "loss_and_grads_loop")],
    "tutorial.tutorial_train": [(tutorial, "tutorial_loss"), (tutorial, "position_inputs")],
    "text.train_text": [(text.training, "loss_and_grads_time_major"), (text.training, "bits_per_char")],
    "deep.train": [(deep.training, "loss_and_grads"), (deep.training, "tagging_loss_and_grads")],
    "seq2seq.train": [(seq2seq.training, "_forward"), (seq2seq.training, "_backward")],
    "free_running.train": [(free_running, "_loss_and_grads")],
}
TRAINING_WORK.update({f"{m} through training.train": TRAINING_WORK["training.train"]
                      for m in ("lstm", "gru", "gru_reset_before")})

BEFORE_ITEMS = [item for item in ITEMS if item.values[0].label in TRAINING_WORK]


@pytest.mark.parametrize("case, arg, kind_", BEFORE_ITEMS)
@FUZZ
@given(data=st.data())
def test_functions_that_train_check_every_argument_before_any_work(case, arg, kind_, data):
    kwargs = case.valid()
    kwargs[arg] = value = data.draw(kind_.make(kwargs.get(arg)), label=f"{arg} ({kind_.name})")
    TRIED["cases"] += 1
    TRIED["before work"] += 1
    with contextlib.ExitStack() as stack:
        for module, name in TRAINING_WORK[case.label]:
            stack.enter_context(mock.patch.object(module, name, _work_started))
        problem = _outcome(case, arg, kwargs)
    assert problem is None, f"{case.label}, {kind_.name}: {arg}={_short(value)} -> {problem}"


# =================================================================================================
# Edge values: an exact answer or a clear error, never a warning, a NaN or a raw error
# =================================================================================================
#
# For every argument that is an array, a frame or dates (the roles the table's Kinds record), each
# edge kind below changes that one argument. "same answer" kinds must give exactly the answer of
# the valid call (they describe the same data); the others may give an answer (no NaN, no inf, no
# warning) or raise a ValueError or TypeError naming the argument.

def _near_float_limit(v, sign=1.0):
    """The valid array scaled so that its largest |entry| is 1e308 (sign -1: mirrored)."""
    a = _real(v)
    m = np.max(np.abs(a)) if a.size else 0.0
    return (a / m) * (sign * 1e308) if m else np.full(a.shape, sign * 1e308)


def _zero_size(v):
    a = np.asarray(v)
    return [lambda a=a, ax=ax: np.take(a, np.arange(0), axis=ax) for ax in range(a.ndim)
            if a.shape[ax] > 0]


def _unmasked_copy(v):
    """v as a masked array with nothing masked: the same numbers, so the same answer."""
    return np.ma.masked_array(np.asarray(v).copy(), mask=np.zeros(np.shape(v), dtype=bool))


def _tz_frame(df, zone):
    return df.tz_localize(zone)


def _tz_dates(d, zone):
    return pd.DatetimeIndex(d).tz_localize(zone)


#: role -> [(edge kind name, same answer?, valid value -> list of edge values)]
EDGE_KINDS = {
    "array": [("near the float limit", False, lambda v: [lambda: _near_float_limit(v),
                                                         lambda: _near_float_limit(v, -1.0)]),
              ("zero-size axis", False, _zero_size),
              ("masked, nothing masked", True, lambda v: [lambda: _unmasked_copy(v)])],
    "ids": [("zero-size axis", False, _zero_size),
            ("masked, nothing masked", True, lambda v: [lambda: _unmasked_copy(v)])],
    "frame": [("time-zone aware", True, lambda df: [lambda z=z: _tz_frame(df, z)
                                                    for z in ("UTC", "Europe/Berlin",
                                                              "America/Los_Angeles")])],
    "dates": [("time-zone aware", True, lambda d: [lambda z=z: _tz_dates(d, z)
                                                   for z in ("UTC", "Europe/Berlin",
                                                             "Asia/Tokyo")])],
}

EDGE_ITEMS = [pytest.param(c, arg, name, same, make, id=f"{c.label}-{arg}-{name}")
              for c in CASES for arg, kinds in c.args.items()
              if getattr(kinds, "role", None) in EDGE_KINDS
              for name, same, make in EDGE_KINDS[kinds.role]]


def _numbers(result):
    """The float arrays inside a result (nested tuples, lists, dicts, frames, named tuples)."""
    if isinstance(result, pd.DataFrame):
        yield result.to_numpy(dtype=float)
    elif isinstance(result, dict):
        for v in result.values():
            yield from _numbers(v)
    elif isinstance(result, (tuple, list)):
        for v in result:
            yield from _numbers(v)
    elif isinstance(result, (float, np.floating, np.ndarray)) and \
            np.asarray(result).dtype.kind == "f":
        yield np.asarray(result)


def _same(a, b):
    """a and b are the same answer: equal numbers, lengths and types, index days aside."""
    if isinstance(a, pd.DataFrame):
        return isinstance(b, pd.DataFrame) and a.shape == b.shape and \
            np.array_equal(a.to_numpy(), b.to_numpy()) and list(a.columns) == list(b.columns)
    if isinstance(a, pd.DatetimeIndex):
        return isinstance(b, pd.DatetimeIndex) and np.array_equal(
            np.asarray(a.tz_localize(None) if a.tz else a, dtype="datetime64[D]"),
            np.asarray(b.tz_localize(None) if b.tz else b, dtype="datetime64[D]"))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, (np.ndarray, float, int, np.number)):
        return np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True) and \
            not isinstance(b, np.ma.MaskedArray)
    return type(a) is type(b)


def _edge_outcome(case, arg, kwargs, same_as=None):
    """None if the call gave a clean answer (or the same answer as same_as) or a clear error naming
    `arg`; else what went wrong."""
    name = case.names.get(arg, arg)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            result = case.call(kwargs)
    except (ValueError, TypeError) as err:
        if same_as is not None:
            return f"refused what the valid call answers: {type(err).__name__}: {str(err)[:300]}"
        return None if name in str(err) else \
            f"{type(err).__name__} that does not name {name!r}: {str(err)[:300]}"
    except Exception as err:                         # noqa: BLE001 - that is what is tested
        return f"{type(err).__name__}: {str(err)[:300]}"
    if same_as is not None:
        return None if _same(same_as, result) else "a different answer from the valid call's"
    for arr in _numbers(result):
        if not np.isfinite(arr).all():
            return f"an answer with NaN or inf: {_short(arr)}"
    return None


@pytest.mark.parametrize("case, arg, name, same, make", EDGE_ITEMS)
def test_edge_values_give_the_exact_answer_or_a_clear_error(case, arg, name, same, make):
    """Values near the float limit, zero-size axes, masked arrays with nothing masked, and
    time-zone-aware dates: each gives an answer (the valid call's own, for the kinds that describe
    the same data) or a ValueError/TypeError naming the argument; never a warning or NaN."""
    expected = None
    if same:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            expected = case.call(case.valid())
    valid = case.valid()[arg]
    problems = []
    for edge in make(valid):
        kwargs = case.valid()
        if "ax" in kwargs:                 # fresh axes: the shared ones hold other rows' drawings
            kwargs["ax"] = Figure().subplots()
        kwargs[arg] = value = edge()
        TRIED["cases"] += 1
        TRIED["edge"] += 1
        problem = _edge_outcome(case, arg, kwargs, expected)
        if problem:
            problems.append(f"{arg}={_short(value)} -> {problem}")
    assert not problems, f"{case.label}, {name}:\n" + "\n".join(problems)


def _short(value):
    text_ = repr(value).replace("\n", " ")
    return text_ if len(text_) < 90 else text_[:87] + "..."


def _is_number(x):
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, (bool, np.bool_)) \
        and math.isfinite(x)


NON_NUMBERS = st.one_of(
    st.none(), st.booleans(), st.text(max_size=8), st.binary(max_size=4), st.complex_numbers(),
    st.sampled_from([math.nan, math.inf, -math.inf, "5", " 5", "five", "12.0", "", "2e1", [5], (5,),
                     {5}, {"k": 5}, Opaque(), np.array(5), np.array([5, 6]), np.True_, print]),
    st.lists(st.integers(0, 60), max_size=3))
NUMBERS = st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.integers(-10**40, 10**40),
                    st.sampled_from([0, -1, 0.5, 2.5, 1e308, -1e308, 10**30, np.int64(7), np.float64(2.5)]))

#: The implement-it checkers: (exercise name, check function, the package's function).
_IMPLEMENT = {**text_checks.EXERCISES, **exercises.EXERCISES}
IMPLEMENT_CHECKERS = [(name, check) for name, (check, _) in _IMPLEMENT.items()]
IMPLEMENT_REFERENCES = [(name, ref) for name, (_, ref) in _IMPLEMENT.items()]

#: The "answer with a number" checkers: every other check_* the package exports, with its answer
#: parameters ("answer", or the one-letter coefficients of check_offset_rule). Their other
#: parameters are the teacher's: valid values below, and rows in CASES for their bad values.
TEACHER_VALID = {"T": 50, "k": 12, "data": None, "values": 10 * np.sin(np.arange(30.0))}
ANSWER_CHECKERS = [(fn, [p for p in inspect.signature(fn).parameters
                         if p == "answer" or len(p) == 1 and p not in TEACHER_VALID])
                   for fn in (getattr(exercises, name) for name in exercises.__all__
                              if name.startswith("check_"))
                   if fn not in {check for _, check in IMPLEMENT_CHECKERS}]


ANSWER_KNOWN = {}   # checker name -> why it is known to raise: none left


@pytest.mark.parametrize("check, answers", [
    pytest.param(check, answers, id=check.__name__,
                 marks=[pytest.mark.xfail(strict=True, reason=ANSWER_KNOWN[check.__name__])]
                 if check.__name__ in ANSWER_KNOWN else [])
    for check, answers in ANSWER_CHECKERS])
@settings(max_examples=25, deadline=None, derandomize=True, database=None,
          phases=(Phase.explicit, Phase.generate), suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_answer_checkers_reply_to_any_answer_without_raising(check, answers, data):
    """Whatever a learner types, the checker replies in words, and never calls a non-number right."""
    teacher = {p: TEACHER_VALID[p] for p in inspect.signature(check).parameters
               if p not in answers and p in TEACHER_VALID}
    for name in answers:
        kwargs = dict({a: 1.5 for a in answers}, **teacher)
        numbers = NUMBERS
        if check is exercises.check_truncation:          # 1 .. 50 retrain: slow, and not bad
            numbers = numbers.filter(lambda x: not (1 <= x <= 50 and float(x).is_integer()))
        kwargs[name] = value = data.draw(st.one_of(NON_NUMBERS, numbers), label=name)
        reply = check(**kwargs)
        TRIED["cases"] += 1
        TRIED[check.__name__, name] += 1
        assert isinstance(reply, str) and reply.strip(), (name, value, reply)
        if not _is_number(value):
            assert not reply.startswith("Right"), (name, value, reply)


def _raises(*args, **kwargs):
    raise RuntimeError("the learner's bug")


BAD_LEARNER_FUNCTIONS = [None, 1, "step_forward", [rh.forward], Opaque(), _raises,
                         lambda *a, **k: None, lambda *a, **k: "0.5", lambda: 0.0,
                         lambda *a, **k: np.full(3, np.nan), lambda *a, **k: (None, None),
                         lambda *a, **k: {"U": 1j}, lambda *a, **k: a[0] if a else None,
                         rh.sigmoid, rh.global_norm]


@pytest.mark.parametrize("name, check", IMPLEMENT_CHECKERS, ids=[n for n, _ in IMPLEMENT_CHECKERS])
def test_implement_checkers_give_a_verdict_for_any_function(name, check):
    """A check of an implement-it exercise returns a Verdict, never a traceback, whatever it is given;
    it passes the package's own function and nothing else here."""
    reference = dict(IMPLEMENT_REFERENCES)[name]
    assert check(reference).passed
    for fn in BAD_LEARNER_FUNCTIONS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            verdict = check(fn)
        TRIED["cases"] += 1
        TRIED[check.__name__, "learner_fn"] += 1
        assert isinstance(verdict, exercises.Verdict) and not verdict.passed, (fn, verdict)
        assert verdict.message.strip()




def _public_functions():
    """(module name, name, object) for every public callable the package and its modules export."""
    modules = [rh, activations, baselines, cells, clipping, data, gradcheck, gradient_flow, losses,
               rnn, training, plots, weather, lstm, gru, gru_reset_before, text, widgets, exercises,
               text_checks, deep, seq2seq, free_running, tagging, dates, pretrain]
    found = {}
    for module in modules:
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if inspect.isfunction(obj):
                found[obj] = (module.__name__, name)
    for name, obj in vars(tutorial).items():          # tutorial has no __all__: its public names
        if inspect.isfunction(obj) and not name.startswith("_") and obj.__module__ == tutorial.__name__:
            found[obj] = (tutorial.__name__, name)
    return found


def test_every_public_function_is_in_the_table():
    covered = {c.func for c in CASES} | {widgets.Explorer.set, weather.Standardizer.transform,
                                         weather.Standardizer.inverse, exercises.show_source}
    covered |= {check for check, _ in ANSWER_CHECKERS} | {check for _, check in IMPLEMENT_CHECKERS}
    missing = sorted(f"{mod}.{name}" for obj, (mod, name) in _public_functions().items()
                     if obj not in covered and name not in EXEMPT)
    assert not missing, f"public functions without a row in CASES: {missing}"


def test_zz_fuzzing_summary(capsys):
    """Runs last in this file: how much the fuzzer covered (printed, and checked for size)."""
    functions = {c.label for c in CASES if " through " not in c.label}
    arguments = sum(len(c.args) for c in CASES)
    kinds = sum(len(kinds) for c in CASES for kinds in c.args.values())
    edge_functions = {p.values[0].label for p in EDGE_ITEMS if " through " not in p.values[0].label}
    with capsys.disabled():
        print(f"\nbad-input fuzzing: {len(functions)} public functions, {arguments} arguments, "
              f"{kinds} (argument, kind) pairs, {TRIED['cases']} bad calls tried "
              f"({TRIED['edge']} of them edge values: {len(EDGE_ITEMS)} (argument, edge kind) "
              f"pairs over {len(edge_functions)} functions; {TRIED['before work']} with the first "
              f"step of training replaced, over {len(BEFORE_ITEMS)} (argument, kind) pairs of "
              f"{len(TRAINING_WORK)} rows that train); "
              f"{sum(bool(item.marks) for item in ITEMS)} of them known to fail (strict xfail)")
    assert len(functions) >= 90 and arguments >= 250


# =================================================================================================
# Plain tests: each example of a bad input, with its right value
# =================================================================================================

# 1. Complex and string arrays -------------------------------------------------------------------

@pytest.mark.parametrize("call, name", [
    (lambda: rh.make_windows(np.arange(10) + 1j, 3), "series"),
    (lambda: rh.make_windows(np.array(["0.5"] * 10), 3), "series"),
    (lambda: rh.sigmoid(np.array([0.5 + 2j])), "z"),
    (lambda: rh.forward(rh.init_params(3), np.ones((2, 4, 1)) + 1j, "tanh"), "X"),
    (lambda: rh.mse_loss([["0.5"]], [[0.5]]), "Y_hat"),
    (lambda: rh.relative_error(np.ones(2), np.ones(2, dtype=complex)), "numeric"),
    (lambda: rh.spectral_radius(np.eye(2) > 0), "W"),
])
def test_complex_text_and_boolean_arrays_are_refused_without_a_warning(call, name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(TypeError, match=name):
            call()


def test_real_arrays_and_lists_still_work():
    X, Y = rh.make_windows(np.arange(10), 3)          # integers are real numbers
    assert X.dtype == np.float64 and Y[0, 0] == 3.0
    np.testing.assert_allclose(rh.sigmoid([0.0, 100.0]), [0.5, 1.0])
    np.testing.assert_allclose(rh.activate([0.0], "tanh"), [0.0])


# 2. The right argument is named; an empty validation set is no validation set -------------------

@pytest.mark.parametrize("which, bad, name", [
    ("X_val", lambda X: X[:, :, 0], "X_val"),
    ("X_val", lambda X: np.concatenate([X, X], axis=2), "X_val"),
    ("Y_val", lambda Y: Y[:3], "Y_val"),
    ("Y_val", lambda Y: Y + 1j, "Y_val"),
])
def test_train_names_the_validation_arrays(which, bad, name):
    X, Y, X_val, Y_val = rh.sine_windows(n_points=40, seq_len=5, n_train=10, n_val=5)
    kwargs = dict(X_val=X_val, Y_val=Y_val)
    kwargs[which] = bad(kwargs[which])
    with pytest.raises((ValueError, TypeError), match=name):
        rh.train(rh.init_params(3, seed=0), X, Y, epochs=1, **kwargs)


def test_an_empty_validation_set_means_no_validation_set():
    X, Y, X_val, Y_val = rh.sine_windows(n_val=0)
    assert X_val.shape == (0, 50, 1) and Y_val.shape == (0, 1)
    _, history = rh.train(rh.init_params(5, seed=0), X[:10], Y[:10], X_val, Y_val, epochs=2,
                          activation="tanh")
    assert history.val_loss is None and history.train_loss.shape == (2,)


# 3. train_reference refuses what train refuses, with the same message ---------------------------

@pytest.mark.parametrize("setting", [
    dict(clip_value=0), dict(clip_value=-1.0), dict(clip_norm=math.nan), dict(clip_norm="1"),
    dict(momentum=1.0), dict(truncate=0), dict(batch_size=0), dict(epochs=True),
    dict(learning_rate=-0.1), dict(activation="relu"),
])
def test_train_and_train_reference_share_one_check(setting):
    X, Y = series((3, 4, 1)), series((3, 1))
    errors = []
    for fit in (rh.train, rh.train_reference):
        with pytest.raises((ValueError, TypeError)) as info:
            fit(rh.init_params(2, seed=0), X, Y, **dict(dict(epochs=1), **setting))
        errors.append((type(info.value), str(info.value)))
    assert errors[0] == errors[1]
    assert next(iter(setting)) in errors[0][1]


# 4. Helpers that had no checks ------------------------------------------------------------------

def test_numerical_gradient_refuses_an_integer_array():
    with pytest.raises(TypeError, match=r"params\['a'\].*float64"):
        rh.numerical_gradient(lambda p: float(np.sum(p["a"] ** 2)), {"a": np.arange(3)})
    grad = rh.numerical_gradient(lambda p: float(np.sum(p["a"] ** 2)), {"a": np.arange(3.0)})
    np.testing.assert_allclose(grad["a"], [0.0, 2.0, 4.0], atol=1e-9)


def test_numerical_gradient_says_when_eps_is_too_large():
    with pytest.raises(ValueError, match="eps"), np.errstate(over="ignore"):   # exp(1e3) is inf
        rh.numerical_gradient(lambda p: float(np.sum(np.exp(p["a"]))), {"a": np.ones(2)}, eps=1e3)


@pytest.mark.parametrize("call, name", [
    (lambda: rh.predict_mean(np.ones((3, 1)), -1), "n"),
    (lambda: rh.predict_mean(np.ones((3, 1)), 2.5), "n"),
    (lambda: rh.predict_sine_recurrence(np.ones((2, 3, 1)), omega="1"), "omega"),
    (lambda: rh.predict_sine_recurrence(np.ones((2, 3, 1)), omega=math.inf), "omega"),
])
def test_baselines_check_their_numbers(call, name):
    with pytest.raises((ValueError, TypeError), match=name):
        call()


def test_baselines_right_values():
    np.testing.assert_allclose(rh.predict_mean(np.array([[1.0], [3.0]]), 3), [[2.0]] * 3)
    X = np.sin(np.arange(10.0))[None, :, None]
    np.testing.assert_allclose(rh.predict_sine_recurrence(X), [[np.sin(10.0)]], atol=1e-14)


def test_plot_loss_curves_given_what_train_returns_names_history():
    X, Y = series((4, 3, 1)), series((4, 1))
    result = rh.train(rh.init_params(2, seed=0), X, Y, epochs=2, activation="tanh")
    ax = Figure().subplots()
    with pytest.raises(TypeError, match="history.*train returns"):
        plots.plot_loss_curves(ax, result)
    assert plots.plot_loss_curves(ax, result[1]) is ax
    assert len(ax.lines) == 1                    # training only: there was no validation set


def test_plots_name_a_figure_passed_instead_of_an_axes():
    with pytest.raises(TypeError, match="ax"):
        plots.plot_series(Figure(), np.ones(3))


def test_global_norm_of_none_names_grads():
    with pytest.raises(TypeError, match="grads"):
        rh.global_norm(None)


# 5. Widgets: validate everything before anything moves -------------------------------------------

def test_explorer_refuses_a_control_value_it_cannot_show():
    with pytest.raises(ValueError, match="hidden size.*1 to 200"):
        widgets.explorer(hidden_size=500)
    with pytest.raises(ValueError, match="activation.*relu"):
        widgets.explorer(activation="relu")


def test_explorer_set_with_one_bad_value_moves_nothing():
    ex = explorer()
    before = ex.settings()
    with pytest.raises(ValueError, match="truncation"):
        ex.set(hidden_size=20, truncation=999)
    assert ex.settings() == before


# 6. Overflow in clipping ----------------------------------------------------------------------------

def test_an_infinite_gradient_is_an_error_naming_grads():
    for bad in (np.inf, -np.inf, np.nan):
        with pytest.raises(ValueError, match="grads"):
            rh.clip_global_norm({"W": np.array([1.0, bad])}, 1.0)


def test_large_finite_gradients_are_clipped_with_their_direction():
    g = {"W": np.array([1e308, -1e308]), "b": np.array([1e308])}
    clipped, norm = rh.clip_global_norm(g, 1.0)
    assert norm == pytest.approx(np.sqrt(3) * 1e308)
    np.testing.assert_allclose(np.concatenate([clipped["W"], clipped["b"]]),
                               np.array([1.0, -1.0, 1.0]) / np.sqrt(3), rtol=1e-15)


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(st.lists(st.floats(min_value=-1.7e308, max_value=1.7e308), min_size=1, max_size=6),
       st.floats(min_value=1e-100, max_value=1e100))
def test_clip_global_norm_keeps_the_direction_of_any_finite_gradient(values, clip_norm):
    g = np.array(values)
    clipped, norm = rh.clip_global_norm({"g": g}, clip_norm)
    c = clipped["g"]
    assert np.isfinite(c).all() and norm >= 0
    if not g.any():
        assert not c.any()
        return
    assert rh.global_norm({"g": c}) <= clip_norm * (1 + 1e-12)
    m = np.abs(g).max()
    if norm > clip_norm:         # rescaled: the same direction, entry by entry
        np.testing.assert_allclose(c / np.abs(c).max(), g / m, rtol=1e-12, atol=1e-200)
    else:
        assert np.array_equal(c, g)


# 7. Divergence is caught -----------------------------------------------------------------------------

def test_training_diverged_has_its_attributes():
    X, Y = rh.sine_windows()[:2]
    with pytest.raises(rh.TrainingDiverged) as info:
        with np.errstate(all="ignore"):
            rh.train(rh.init_params(20, seed=0, scale=3.0), X[:20], Y[:20], epochs=5,
                     learning_rate=50.0, activation="tanh")
    err = info.value
    assert err.epoch >= 1 and 0 <= err.record <= 20 and isinstance(err.loss, float)
    assert not math.isfinite(err.loss) or err.loss > rh.DIVERGENCE_FACTOR


def test_a_loss_not_finite_before_any_update_blames_the_data():
    # in float32 (largest 3.4e38) the square of a target of 1e30 is inf before any update
    X, Y = series((3, 4, 1)), np.full((3, 1), 1e30)
    with pytest.raises(rh.TrainingDiverged, match="before any update") as info:
        with np.errstate(all="ignore"):
            rh.train(rh.init_params(2, seed=0), X, Y, epochs=1, activation="tanh", dtype="float32")
    assert info.value.epoch == 1 and info.value.record == 0


def test_targets_whose_squares_overflow_are_refused_before_training():
    X, Y = series((3, 4, 1)), np.full((3, 1), 1e300)
    with pytest.raises(ValueError, match=r"Y holds 1e\+300, beyond"):
        rh.train(rh.init_params(2, seed=0), X, Y, epochs=1, activation="tanh")


# 8. The model remembers its activation ------------------------------------------------------------

def test_forecast_of_a_tanh_model_continues_the_sine():
    X, Y, X_val, _ = rh.sine_windows()
    model, _ = rh.train(rh.init_params(100, seed=0), X, Y, activation="tanh", learning_rate=1e-2,
                        truncate=5, epochs=25, batch_size=1)
    assert isinstance(model, rh.Model) and model.activation == "tanh" and model.cell == "rnn"
    ahead = rh.forecast(model, X_val[0], 3)                 # the window of sin(100) .. sin(149)
    np.testing.assert_allclose(ahead[:, 0], np.sin([150.0, 151.0, 152.0]), atol=5e-3)
    np.testing.assert_allclose(ahead[:, 0], [-0.715, 0.202, 0.933], atol=5e-3)
    with pytest.raises(ValueError, match="activation"):
        rh.predict(dict(model), X_val)                      # a plain dict must say its activation
    with pytest.raises(ValueError, match="activation"):
        rh.forecast(model, X_val[0], 3, activation="sigmoid")
    np.testing.assert_array_equal(rh.predict(dict(model), X_val, activation="tanh"),
                                  rh.predict(model, X_val))


# 9. MPLBACKEND=Agg does not hide the notebooks' figures ----------------------------------------------

def test_notebook_figures_survive_mplbackend_agg():
    env = dict(os.environ, MPLBACKEND="Agg")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "--noconftest",
         "-p", "no:cacheprovider", "notebooks/01_data.ipynb"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


# 10. Booleans are checked ------------------------------------------------------------------------------

@pytest.mark.parametrize("call, name", [
    (lambda: rh.init_params(4, biases="no"), "biases"),
    (lambda: rh.train(rh.init_params(2), series((2, 3, 1)), series((2, 1)), epochs=1,
                      shuffle="no"), "shuffle"),
    (lambda: tutorial.tutorial_train(*tutorial_problem(), *tutorial_problem()[1:], epochs=1,
                                     literal="no"), "literal"),
])
def test_booleans_are_checked(call, name):
    with pytest.raises(TypeError, match=name):
        call()


def test_booleans_right_values():
    assert set(rh.init_params(4, biases=False)) == {"U", "W", "V"}
    assert set(rh.init_params(4, biases=np.True_)) == {"U", "W", "V", "b", "c"}


# =================================================================================================
# The last bad inputs: sizes, overflow, masks, blame (each example with its right value)
# =================================================================================================

# 11. Sizes nobody meant: refused with the argument and the size it would need -------------------

@pytest.mark.parametrize("call, message", [
    (lambda: rh.init_params(100_000, 100_000),
     r"hidden_dim is too large: the weights for hidden_dim=100000, input_dim=100000, output_dim=1 "
     r"would need 20,000,100,000 values \(149 GiB\)"),
    (lambda: lstm.init_params(30_000, 2), r"hidden_dim is too large: .*\(26\.8 GiB\)"),
    (lambda: tutorial.tutorial_init(50_000, T=50_000), r"hidden_dim is too large"),
    (lambda: rh.predict_mean(np.ones((2, 1000)), 100_000_000),
     r"n is too large: 100000000 predictions of 1000 outputs would need .* \(745 GiB\)"),
    # windows whose hidden states (T + 1 per record) would not fit; X is a view of one zero
    (lambda: rh.forward(rh.init_params(300, seed=0), np.broadcast_to(0.0, (10**5, 100, 1)), "tanh"),
     r"X is too large: the states of 100000 windows of 100 steps, 300 values each .*\(22\.6 GiB\)"),
    (lambda: lstm.forward(lstm.init_params(100, seed=0), np.broadcast_to(0.0, (10**4, 100, 1))),
     r"X is too large: the states of 10000 windows of 100 steps, 400 values each"),
    (lambda: tutorial.position_inputs(np.broadcast_to(0.0, (1, 10**5, 1))),
     r"X is too large: the position inputs of 1 windows of 100000 steps, \(N, T, T\) .*74\.5 GiB"),
    (lambda: text.loss_and_grads(rh.init_params(2, 10**5, 10**5),
                                 *[np.zeros((10**3, 10**2), int)] * 2),
     r"X_ids is too large: the logits of 100000 positions over K=100000 characters"),
])
def test_absurd_sizes_name_the_argument_and_the_size(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# 12. Overflow: scaled before squaring, or refused alike by the readable and the fast versions ----

@pytest.mark.parametrize("module, kwargs", [(rnn, dict(activation="tanh")), (lstm, {}), (gru, {}),
                                            (gru_reset_before, {})])
def test_huge_weights_are_refused_alike_by_the_loop_and_the_vectorised_code(module, kwargs):
    X, Y = series((2, 4, 2)), np.ones((2, 1))
    huge = {k: v * 1e300 for k, v in module.init_params(3, 2, 1, seed=0).items()}
    messages = set()
    for fn in (module.loss_and_grads, module.loss_and_grads_loop):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with pytest.raises(ValueError,
                               match=r"params\['(U|W_x)'\] holds .*e\+299, beyond") as info:
                fn(huge, X, Y, **kwargs)
        messages.add(str(info.value))
    assert len(messages) == 1
    with pytest.raises(ValueError, match=r"params\['(U|W_x)'\] holds"):
        rh.train(huge, X, Y, epochs=1, **kwargs)


@pytest.mark.parametrize("module, kwargs", [(rnn, dict(activation="tanh")), (lstm, {}), (gru, {}),
                                            (gru_reset_before, {})])
def test_weights_at_the_bound_give_the_same_finite_answer_in_both_versions(module, kwargs):
    X, Y = series((2, 4, 2)), np.ones((2, 1))
    big = {k: v * 1e49 for k, v in module.init_params(3, 2, 1, seed=0).items()}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fast, fast_grads = module.loss_and_grads(big, X, Y, **kwargs)
        slow, slow_grads = module.loss_and_grads_loop(big, X, Y, **kwargs)
    assert math.isfinite(fast) and fast == pytest.approx(slow, rel=1e-12)
    for k in fast_grads:
        assert np.isfinite(fast_grads[k]).all()
        np.testing.assert_allclose(fast_grads[k], slow_grads[k], rtol=1e-10, atol=0)


def test_losses_and_errors_near_the_largest_float():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert rh.rmse(np.array([[1e200]]), np.array([[-1e200]])) == pytest.approx(2e200, rel=1e-15)
        assert rh.rmse(np.array([[1e-200, 0.0]]), np.array([[0.0, 0.0]])) == \
            pytest.approx(1e-200 / math.sqrt(2), rel=1e-15)
        assert rh.relative_error(np.array([1e300, 0.0]), np.array([-1e300, 0.0])) == 1.0
        np.testing.assert_allclose(rh.predict_mean(np.full((3, 1), 1.7e308), 2), [[1.7e308]] * 2)
        with pytest.raises(ValueError, match=r"Y_hat and Y differ by up to 2e\+200: the squared"):
            rh.mse_loss(np.array([[1e200]]), np.array([[-1e200]]))
        with pytest.raises(ValueError, match="Y_hat and Y differ by more than the largest float"):
            rh.rmse(np.array([[1.7e308]]), np.array([[-1.7e308]]))
        with pytest.raises(ValueError, match=r"X holds 1\.7e\+308, beyond .* 2 c x_T - x_\{T-1\} "
                                             "would overflow"):
            rh.predict_linear(np.full((1, 3, 1), 1.7e308))
        np.testing.assert_array_equal(rh.predict_linear(np.full((1, 3, 1), 5e307)), [[5e307]])
    assert rh.rmse(np.array([[1.0, 2.0]]), np.zeros((1, 2))) == math.sqrt(2.5)


# 13. Masked arrays: a masked entry is refused; nothing masked is the plain array ----------------

def test_masked_arrays_are_refused_by_name_or_read_exactly():
    params = rh.init_params(3, seed=0)
    X = series((2, 4, 1))
    masked = np.ma.masked_array(X, mask=np.arange(8).reshape(2, 4, 1) == 5)
    with pytest.raises(ValueError, match="X is a masked array with 1 masked entry"):
        rh.forward(params, masked, "tanh")
    with pytest.raises(ValueError, match=r"params\['W'\] is a masked array"):
        rh.forward(dict(params, W=np.ma.masked_array(params["W"], mask=np.eye(3) > 0)), X, "tanh")
    with pytest.raises(ValueError, match="Y_hat is a masked array"):
        rh.mse_loss(np.ma.masked_array([[1.0], [100.0]], mask=[[0], [1]]), [[1.0], [1.0]])
    clear = np.ma.masked_array(X, mask=False)
    np.testing.assert_array_equal(rh.forward(params, clear, "tanh")[0],
                                  rh.forward(params, X, "tanh")[0])


# 14. The argument that is wrong is the one named -----------------------------------------------

def test_a_step_names_its_own_state_not_an_inner_variable():
    p = rh.init_params(3, 2, 1, seed=0)
    with pytest.raises(ValueError, match=r"^s_t holds 1e\+300"):
        rh.step_backward(np.ones((1, 3)), np.ones((1, 2)), np.zeros((1, 3)), np.full((1, 3), 1e300),
                         p, "tanh")


@pytest.mark.parametrize("settings_", [{"hidden_size": 20}, None, "rnn", ("rnn",)])
def test_the_explorer_constructor_names_settings(settings_):
    with pytest.raises(TypeError, match=r"^settings must be a Settings, got .*explorer\(\*\*"):
        widgets.Explorer(settings_)


@pytest.mark.parametrize("data", [{"X": 1}, "sine", (1, 2, 3)])
def test_the_explorer_constructor_names_data(data):
    with pytest.raises(TypeError, match=r"^data must be a tuple of 4 items.*sine_windows"):
        widgets.Explorer(data=data)
