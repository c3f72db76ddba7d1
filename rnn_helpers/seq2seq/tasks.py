"""Toy tasks for an encoder-decoder: reverse a digit string, or sort it. Generated, seeded.

Each task gives (source, target) pairs of str. The source lengths are drawn uniformly from
[min_len, max_len] (or all equal to `length`), so that accuracy can be measured against the source
length: a plain encoder-decoder must squeeze the whole source into one state, and fails first on
the long ones; attention looks back at every position.

    digit_pairs("reverse", 3, min_len=2, max_len=4, seed=0)  ->  [("0721", "1270"), ...]
"""

import numpy as np

from .._checks import check_int

__all__ = ["TASKS", "digit_pairs"]

#: The toy tasks: name -> what the target is.
TASKS = {"reverse": "the digits in reverse order", "sort": "the digits in increasing order"}

MAX_PAIRS = 1_000_000
MAX_LENGTH = 1000


def digit_pairs(task, n, *, min_len=1, max_len=10, length=None, seed=0):
    """n (source, target) pairs of a toy task on digit strings.

    task: "reverse" or "sort". n: how many pairs (1 .. 1,000,000). min_len, max_len: the source
    lengths are drawn uniformly from min_len .. max_len (both included); length: give it instead for
    one length for every pair. seed: a whole number >= 0 (np.random.default_rng).
    Returns a list of n pairs of str. Raises TypeError/ValueError naming the argument: an unknown
    task, n out of range, min_len > max_len, a length below 1 or above 1000.
    """
    if not isinstance(task, str) or task not in TASKS:
        raise ValueError(f"task must be one of {', '.join(map(repr, TASKS))}, got {task!r}.")
    n = check_int("n", n, minimum=1, maximum=MAX_PAIRS)
    if length is not None:
        min_len = max_len = check_int("length", length, minimum=1, maximum=MAX_LENGTH)
    min_len = check_int("min_len", min_len, minimum=1, maximum=MAX_LENGTH)
    max_len = check_int("max_len", max_len, minimum=1, maximum=MAX_LENGTH)
    if min_len > max_len:
        raise ValueError(f"min_len={min_len} is above max_len={max_len}; give min_len <= max_len.")
    rng = np.random.default_rng(check_int("seed", seed, minimum=0))
    lengths = rng.integers(min_len, max_len + 1, size=n)
    digits = rng.integers(0, 10, size=(n, max_len))
    pairs = []
    for L, row in zip(lengths.tolist(), digits):
        source = "".join(map(str, row[:L].tolist()))
        target = source[::-1] if task == "reverse" else "".join(sorted(source))
        pairs.append((source, target))
    return pairs
