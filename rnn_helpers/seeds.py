"""One result is one draw: the same comparison run over several seeds, as a table.

A network's score depends on its random start (and on any other random draw its training makes), so
"A beats B" measured with one seed says little: another seed can reverse it. The course's rule is
that every comparison its prose makes rests on at least 5 seeds, printed as mean and range, or as
wins out of 5. These helpers keep the notebook cells that do it short:

    table = over_seeds(lambda seed: {"RNN": score_rnn(seed), "AR": score_ar(seed)})
    print(summarize(table))                       # mean, min and max of each column
    print(wins(table, "RNN", "AR"), "of", len(table))  # seeds where RNN < AR (lower is better)
    print(mean_range(table["RNN"]))               # '0.512 (0.498 to 0.530)'
"""

import numbers

import numpy as np
import pandas as pd

from ._checks import unmasked

__all__ = ["over_seeds", "summarize", "wins", "mean_range"]

BETTER = ("lower", "higher")


def over_seeds(fn, seeds=range(5)):
    """Run fn(seed) for every seed and collect the results in a table, one row per seed.

    fn: a callable taking one seed (an int) and returning a number, or a dict of numbers with the
    same keys for every seed (say {"RNN": 0.51, "AR": 0.49}). seeds: distinct whole numbers >= 0,
    at least one (default 0 to 4: five seeds, the course's minimum for a comparison).
    Returns a pandas DataFrame (S, C): index "seed" (the S seeds, in the order given), one float
    column per key of the dict (C keys), or one column "value" when fn returns a number. NaN and inf
    are kept (a run that diverged is a result), so summarize and wins see them.
    Raises TypeError naming fn or seeds for a wrong type (fn not callable, a seed not a whole
    number, fn returning something else than numbers), ValueError for no seeds, a repeated or
    negative seed, or keys that change from one seed to the next.
    """
    if not callable(fn):
        raise TypeError(f"fn must be a function of one seed, such as lambda seed: train(seed=seed), "
                        f"got {fn!r} ({type(fn).__name__}).")
    seeds = _check_seeds(seeds)
    rows, keys = [], None
    for seed in seeds:
        row = _as_row(fn(seed), seed)
        if keys is None:
            keys = list(row)
        elif list(row) != keys:
            raise ValueError(f"fn returned the keys {list(row)} for seed {seed} but {keys} for seed "
                             f"{seeds[0]}: fn must return the same keys, in the same order, for "
                             "every seed.")
        rows.append(row)
    return pd.DataFrame(rows, index=pd.Index(seeds, name="seed"), columns=keys, dtype=float)


def summarize(table):
    """Mean, smallest and largest value of each column of a table from over_seeds.

    table: a pandas DataFrame (S, C) of numbers, S >= 1 rows (seeds).
    Returns a DataFrame (C, 4): one row per column of table, columns "mean", "min", "max" and "n"
    (the number of seeds). A column holding NaN has a NaN mean, min and max (one diverged seed is
    not silently dropped).
    Raises TypeError naming table if it is not a DataFrame of numbers, ValueError if it is empty.
    """
    table = _check_table(table)
    values = table.to_numpy(dtype=float)
    has_nan = np.isnan(values).any(axis=0)
    with np.errstate(invalid="ignore"):
        summary = pd.DataFrame({"mean": values.mean(axis=0), "min": values.min(axis=0),
                                "max": values.max(axis=0)}, index=table.columns)
    summary.loc[has_nan, ["mean", "min", "max"]] = np.nan
    summary["n"] = len(table)
    return summary


def wins(table, a, b, better="lower"):
    """On how many seeds column a of a table from over_seeds is strictly better than column b.

    table: a DataFrame (S, C) of numbers. a, b: two different column names. better: "lower" (an
    error, bits per character) or "higher" (an accuracy). A tie, or NaN in either column, is not a
    win. Returns an int between 0 and S; compare it with len(table), and say "A beats B on w of S
    seeds".
    Raises TypeError/ValueError naming table, a, b or better.
    """
    table = _check_table(table)
    for name, column in (("a", a), ("b", b)):
        if not isinstance(column, (str, numbers.Integral)) or isinstance(column, bool):
            raise TypeError(f"{name} must be a column name of table (one of {list(table.columns)}), "
                            f"got {column!r} ({type(column).__name__}).")
        if column not in table.columns:
            raise ValueError(f"{name}={column!r} is not a column of table; its columns are "
                             f"{list(table.columns)}.")
    if a == b:
        raise ValueError(f"a and b are both {a!r}: name two different columns to compare.")
    if not isinstance(better, str) or better not in BETTER:
        raise ValueError(f"better must be 'lower' or 'higher', got {better!r}.")
    A, B = table[a].to_numpy(dtype=float), table[b].to_numpy(dtype=float)
    return int(np.sum(A < B) if better == "lower" else np.sum(A > B))


def mean_range(values, fmt=".3f"):
    """'mean (min to max)' of the numbers in values, as text for a printed line.

    values: a 1-D array, list or pandas Series of numbers (one per seed), at least one. fmt: a format
    specification for each number (".3f", ".1e", "+.2f", ...). Returns a str such as
    '0.512 (0.498 to 0.530)'. Raises TypeError/ValueError naming values or fmt.
    """
    if not isinstance(fmt, str):
        raise TypeError(f"fmt must be a format specification such as '.3f', got {fmt!r}.")
    try:
        format(1.0, fmt)
    except ValueError as err:
        raise ValueError(f"fmt={fmt!r} is not a format specification for a number ({err}); use for "
                         "example '.3f'.") from None
    arr = _numbers("values", values)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"values must be a non-empty 1-D list of numbers (one per seed), got shape "
                         f"{arr.shape}.")
    return f"{arr.mean():{fmt}} ({arr.min():{fmt}} to {arr.max():{fmt}})"


def _check_seeds(seeds):
    if isinstance(seeds, (str, bytes, dict, set)) or not hasattr(seeds, "__iter__"):
        raise TypeError(f"seeds must be a list or range of whole numbers, such as range(5), got "
                        f"{seeds!r} ({type(seeds).__name__}).")
    out = []
    for s in seeds:
        if isinstance(s, (bool, np.bool_)) or not isinstance(s, numbers.Integral):
            raise TypeError(f"seeds must hold whole numbers, but holds {s!r} ({type(s).__name__}).")
        if s < 0:
            raise ValueError(f"seeds must be >= 0 (numpy's generators refuse negative seeds), got {s}.")
        out.append(int(s))
    if not out:
        raise ValueError("seeds is empty: give at least one seed, and five for a comparison.")
    if len(set(out)) != len(out):
        raise ValueError(f"seeds repeats a seed ({out}): a repeated run is not a new draw.")
    return out


def _as_row(result, seed):
    """fn's result for one seed as a dict of floats."""
    if isinstance(result, dict):
        if not result:
            raise ValueError(f"fn returned an empty dict for seed {seed}: return at least one number.")
        return {key: _number(value, f"fn's result[{key!r}] for seed {seed}")
                for key, value in result.items()}
    return {"value": _number(result, f"fn's result for seed {seed}")}


def _number(value, what):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.ndarray)):
        raise TypeError(f"fn must return a number or a dict of numbers, but {what} is {value!r} "
                        f"({type(value).__name__}).")
    if isinstance(value, np.ndarray):
        if value.size != 1 or value.dtype.kind not in "iuf":
            raise TypeError(f"fn must return a number or a dict of numbers, but {what} is an array "
                            f"of shape {value.shape} and dtype {value.dtype}; return a float.")
        value = value.item()
    return float(value)


def _numbers(name, values):
    if isinstance(values, (str, bytes, dict, set)) or values is None:
        raise TypeError(f"{name} must be a list or array of numbers, got {type(values).__name__}.")
    values = unmasked(name, values)                        # a mask would be silently ignored
    try:
        arr = np.asarray(values)
    except (TypeError, ValueError) as err:                 # e.g. ragged nested lists
        raise TypeError(f"{name} must be a flat list or array of numbers; it could not be "
                        f"converted ({err}).") from None
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must hold real numbers, but holds dtype {arr.dtype}.")
    return arr.astype(float)


def _check_table(table):
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"table must be a pandas DataFrame such as over_seeds returns, got "
                        f"{type(table).__name__}.")
    if table.empty:
        raise ValueError(f"table is empty (shape {table.shape}): it needs at least one seed and one "
                         "column.")
    bad = [c for c in table.columns if table[c].dtype.kind not in "iuf"]
    if bad:
        raise TypeError(f"table must hold numbers only; its columns {bad} do not.")
    return table
