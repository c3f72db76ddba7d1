"""A tagging task that needs the context after each position: which marker comes next?

Letters used in shapes: N records, T positions, K symbols (one-hot inputs), C = 3 tags.

Each record is a random string over K = n_fillers + 2 symbols: the fillers 'a', 'b', 'c', ... and
two markers 'A' and 'B'. Every position t is tagged with the first marker at or after it:

    tag_t = 0   if the first marker among x_t, x_{t+1}, ..., x_T is 'A'
    tag_t = 1   if it is 'B'
    tag_t = 2   if no marker comes at t or later

Reading left to right, a model at position t has seen x_1 .. x_t: unless x_t is itself a marker, the
tag is decided by symbols it has not read yet, so it can only guess (from how often each tag comes
at each position). A layer that also reads right to left has, at t, read x_T .. x_t: the most
recent marker it read is the tag. It is the shape of real tagging problems where the right context
decides (English 'a' or 'an' depends on the next word's first sound).

    next_marker_task(n_records, length, ...)   -> (X (N, T, K) one-hot floats, tags (N, T) ints)
    next_marker_tags(symbols, n_fillers)        the tags of symbol ids (N, T), by the rule above
    as_text(symbols), tags_as_text(tags)        for printing; TAG_NAMES, what each tag means
"""

import numpy as np

from ._checks import check_int, check_positive_float
from .text.vocab import check_ids

__all__ = ["TAG_NAMES", "next_marker_task", "next_marker_tags", "as_text", "tags_as_text"]

#: What tags 0, 1, 2 mean.
TAG_NAMES = ("A comes next", "B comes next", "no marker after")
_TAG_LETTERS = "AB-"


def next_marker_tags(symbols, n_fillers=4):
    """The tag of every position: the first marker at or after it (0 'A', 1 'B'), or 2 for none.

    symbols: integer ids (N, T) in [0, n_fillers + 2): ids below n_fillers are fillers, n_fillers is
    'A' and n_fillers + 1 is 'B'. Returns tags (N, T) int64. Raises TypeError/ValueError naming
    the argument.
    """
    n_fillers = check_int("n_fillers", n_fillers, minimum=1, maximum=24)
    symbols = check_ids("symbols", symbols, 2, n_fillers + 2, "(N, T)")
    tags = np.empty(symbols.shape, dtype=np.int64)
    upcoming = np.full(symbols.shape[0], 2)             # seen from the right: no marker yet
    for t in range(symbols.shape[1] - 1, -1, -1):       # right to left, as the reverse layer reads
        marker = symbols[:, t] >= n_fillers
        upcoming = np.where(marker, symbols[:, t] - n_fillers, upcoming)
        tags[:, t] = upcoming
    return tags


def next_marker_task(n_records, length, *, n_fillers=4, marker_rate=0.1, seed=0):
    """Random records and their tags (see the module).

    n_records: N >= 1.  length: T >= 1.  n_fillers: the number of filler symbols, 1 to 24 (K =
    n_fillers + 2).  marker_rate: the probability that a position holds a marker, in (0, 1); 'A'
    and 'B' equally likely.  seed: a whole number >= 0 for the draws.
    Returns (X, tags): X (N, T, K) float64 one-hot rows, tags (N, T) int64 in {0, 1, 2}.
    Raises TypeError/ValueError naming a bad argument.
    """
    N = check_int("n_records", n_records, minimum=1, maximum=10_000_000)
    T = check_int("length", length, minimum=1, maximum=100_000)
    n_fillers = check_int("n_fillers", n_fillers, minimum=1, maximum=24)
    rate = check_positive_float("marker_rate", marker_rate)
    if rate >= 1:
        raise ValueError(f"marker_rate must be below 1 (a probability; 0.1 is typical), got {rate}.")
    rng = np.random.default_rng(check_int("seed", seed, minimum=0))
    K = n_fillers + 2
    if N * T * K > 50_000_000:
        raise ValueError(f"n_records={N} records of length={T} with {K} symbols would need "
                         f"{N * T * K:,} one-hot values; ask for fewer records or shorter ones.")
    is_marker = rng.random((N, T)) < rate
    symbols = np.where(is_marker, n_fillers + rng.integers(0, 2, (N, T)),
                       rng.integers(0, n_fillers, (N, T)))
    return np.eye(K)[symbols], next_marker_tags(symbols, n_fillers)


def as_text(symbols, n_fillers=4):
    """Symbol ids (N, T) as N strings: 'a', 'b', ... for the fillers, 'A' and 'B' for the markers.

    Raises TypeError/ValueError naming the argument.
    """
    n_fillers = check_int("n_fillers", n_fillers, minimum=1, maximum=24)
    symbols = check_ids("symbols", symbols, 2, n_fillers + 2, "(N, T)")
    letters = "abcdefghijklmnopqrstuvwx"[:n_fillers] + "AB"
    return ["".join(letters[i] for i in row) for row in symbols]


def tags_as_text(tags):
    """Tags (N, T) as N strings: 'A', 'B', or '-' where no marker comes. Raises TypeError/ValueError
    naming tags."""
    tags = check_ids("tags", tags, 2, 3, "(N, T)")
    return ["".join(_TAG_LETTERS[i] for i in row) for row in tags]
