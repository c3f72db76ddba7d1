"""rnn_helpers.seeds: one comparison over several seeds, as a table; its summary and wins.

The bad-input cases of these functions are here (and in test_bad_input.py's table, whose fuzzer
covers every public function): each bad call must raise a ValueError or TypeError naming the
argument.
"""

import math

import numpy as np
import pandas as pd
import pytest

import rnn_helpers as rh
from rnn_helpers.seeds import mean_range, over_seeds, summarize, wins


def scores(seed):
    """A made-up comparison: A is seed-dependent, B is A plus a seed-dependent gap."""
    rng = np.random.default_rng(seed)
    a = float(rng.normal())
    return {"A": a, "B": a + (0.5 if seed % 2 else -0.5)}


def test_over_seeds_is_exported_and_runs_fn_once_per_seed_in_order():
    assert rh.over_seeds is over_seeds and "over_seeds" in rh.__all__
    called = []
    table = over_seeds(lambda seed: called.append(seed) or {"x": seed * 2.0, "y": 1}, seeds=[3, 0, 7])
    assert called == [3, 0, 7]
    assert list(table.index) == [3, 0, 7] and table.index.name == "seed"
    assert list(table.columns) == ["x", "y"]
    assert table["x"].tolist() == [6.0, 0.0, 14.0] and table["y"].dtype == float


def test_default_is_five_seeds_and_a_number_gives_one_column():
    table = over_seeds(lambda seed: seed ** 2)
    assert list(table.index) == [0, 1, 2, 3, 4] and list(table.columns) == ["value"]
    assert table["value"].tolist() == [0.0, 1.0, 4.0, 9.0, 16.0]
    table = over_seeds(lambda seed: np.float64(seed), seeds=range(2))     # numpy scalars count
    assert table["value"].tolist() == [0.0, 1.0]


def test_results_match_direct_calls():
    table = over_seeds(scores, seeds=range(5))
    for seed in range(5):
        assert table.loc[seed, "A"] == scores(seed)["A"] and table.loc[seed, "B"] == scores(seed)["B"]


def test_summarize_gives_mean_min_max_n_by_hand():
    table = pd.DataFrame({"A": [1.0, 2.0, 6.0], "B": [0.0, -1.0, 4.0]}, index=[0, 1, 2])
    s = summarize(table)
    assert list(s.index) == ["A", "B"] and list(s.columns) == ["mean", "min", "max", "n"]
    assert s.loc["A"].tolist() == [3.0, 1.0, 6.0, 3]
    assert s.loc["B"].tolist() == [1.0, -1.0, 4.0, 3]


def test_summarize_keeps_a_diverged_seed_visible():
    table = pd.DataFrame({"A": [1.0, np.nan], "B": [1.0, np.inf]})
    s = summarize(table)
    assert np.isnan(s.loc["A", "mean"]) and np.isnan(s.loc["A", "min"]) and np.isnan(s.loc["A", "max"])
    assert s.loc["B", "max"] == np.inf and s.loc["B", "min"] == 1.0


def test_wins_counts_strict_wins_only():
    table = pd.DataFrame({"A": [1.0, 2.0, 3.0, np.nan, 5.0], "B": [2.0, 2.0, 1.0, 0.0, 6.0]})
    assert wins(table, "A", "B") == 2                    # seeds 0 and 4; tie and NaN do not count
    assert wins(table, "B", "A") == 1                    # seed 2
    assert wins(table, "A", "B", better="higher") == 1   # seed 2
    table = over_seeds(scores)                           # B = A - 0.5 on even seeds 0, 2, 4
    assert wins(table, "B", "A") == 3 and wins(table, "A", "B") == 2


def test_mean_range_text():
    assert mean_range([1.0, 2.0, 6.0]) == "3.000 (1.000 to 6.000)"
    assert mean_range(pd.Series([0.25, -0.5]), fmt="+.2f") == "-0.12 (-0.50 to +0.25)"
    assert mean_range(np.array([3])) == "3.000 (3.000 to 3.000)"


# --- bad input: a clear error naming the argument ------------------------------------------------

@pytest.mark.parametrize("fn", [None, 3, "train", [scores]])
def test_fn_must_be_callable(fn):
    with pytest.raises(TypeError, match="fn must be a function"):
        over_seeds(fn)


@pytest.mark.parametrize("seeds, error, words", [
    (5, TypeError, "seeds must be a list or range"),
    ("01234", TypeError, "seeds must be a list or range"),
    ({0: 1}, TypeError, "seeds must be a list or range"),
    (None, TypeError, "seeds must be a list or range"),
    ([0, 1.5], TypeError, "seeds must hold whole numbers"),
    ([0, True], TypeError, "seeds must hold whole numbers"),
    ([0, "1"], TypeError, "seeds must hold whole numbers"),
    ([], ValueError, "seeds is empty"),
    (range(0), ValueError, "seeds is empty"),
    ([0, 1, 0], ValueError, "seeds repeats a seed"),
    ([-1, 2], ValueError, "seeds must be >= 0"),
])
def test_bad_seeds(seeds, error, words):
    with pytest.raises(error, match=words):
        over_seeds(lambda seed: 1.0, seeds)


@pytest.mark.parametrize("result, error, words", [
    ("0.5", TypeError, "fn must return a number"),
    (None, TypeError, "fn must return a number"),
    (True, TypeError, "fn must return a number"),
    ([0.5], TypeError, "fn must return a number"),
    (np.ones(2), TypeError, "fn must return a number"),
    (0.5 + 1j, TypeError, "fn must return a number"),
    ({"A": "x"}, TypeError, r"fn's result\['A'\]"),
    ({}, ValueError, "fn returned an empty dict"),
])
def test_fn_must_return_numbers(result, error, words):
    with pytest.raises(error, match=words):
        over_seeds(lambda seed: result, seeds=[0])


def test_fn_must_return_the_same_keys_for_every_seed():
    with pytest.raises(ValueError, match="fn returned the keys"):
        over_seeds(lambda seed: {"A": 1.0} if seed == 0 else {"B": 1.0}, seeds=[0, 1])


def test_a_diverged_seed_is_kept():
    table = over_seeds(lambda seed: math.inf if seed == 1 else 1.0, seeds=[0, 1])
    assert table["value"].tolist() == [1.0, math.inf]


GOOD = pd.DataFrame({"A": [1.0, 2.0], "B": [2.0, 1.0]})


@pytest.mark.parametrize("table, error", [
    (None, TypeError), (GOOD.to_numpy(), TypeError), ({"A": [1.0]}, TypeError),
    (pd.DataFrame(), ValueError), (GOOD.astype(str), TypeError), (GOOD > 1, TypeError),
])
def test_bad_table(table, error):
    with pytest.raises(error, match="table"):
        summarize(table)
    with pytest.raises(error, match="table"):
        wins(table, "A", "B")


@pytest.mark.parametrize("kwargs, error, name", [
    (dict(a="C", b="B"), ValueError, "a="), (dict(a="A", b="C"), ValueError, "b="),
    (dict(a=None, b="B"), TypeError, "a must be"), (dict(a="A", b=["B"]), TypeError, "b must be"),
    (dict(a="A", b="A"), ValueError, "a and b"),
    (dict(a="A", b="B", better="smaller"), ValueError, "better"),
    (dict(a="A", b="B", better=None), ValueError, "better"),
])
def test_bad_wins_arguments(kwargs, error, name):
    with pytest.raises(error, match=name):
        wins(GOOD, **kwargs)


@pytest.mark.parametrize("kwargs, error, name", [
    (dict(values=None), TypeError, "values"), (dict(values="123"), TypeError, "values"),
    (dict(values=[]), ValueError, "values"), (dict(values=[[1.0, 2.0]]), ValueError, "values"),
    (dict(values=["a"]), TypeError, "values"), (dict(values=[1.0], fmt=3), TypeError, "fmt"),
    (dict(values=[1.0], fmt="q"), ValueError, "fmt"),
])
def test_bad_mean_range_arguments(kwargs, error, name):
    with pytest.raises(error, match=name):
        mean_range(**kwargs)
