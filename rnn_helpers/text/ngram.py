"""Counted n-gram models with Witten-Bell smoothing: the baselines a sceptic would pick.

An n-gram model predicts the next character from the previous n - 1 by counting, on the training
text, how often each character followed that context. Counts alone give probability 0 to anything
not seen, so the estimate is mixed with the next shorter context's (Witten and Bell's interpolation,
as in Chen and Goodman, "An Empirical Study of Smoothing Techniques for Language Modeling", 1998):

    p(w | h) = (c(h, w) + u(h) p(w | h')) / (c(h) + u(h)),

where h' is h without its oldest character, c(h, w) counts h followed by w, c(h) = sum over w of
c(h, w), and u(h) is the number of different characters seen after h. A context seen often, and
followed by few different characters, trusts its own counts; a rare or varied one leans on h'.
A context never seen (c(h) = 0) uses p(w | h') as it is. The chain ends at the empty context,
mixed in the same way with the uniform 1/K, so every character keeps a probability above zero and
each distribution sums to 1 over the K characters.

Letters used in shapes: L characters in a text, K vocabulary size, n the order (n - 1 characters of
context).
"""

from dataclasses import dataclass

import numpy as np

from .._checks import check_int
from .vocab import check_ids

__all__ = ["NGram", "fit_ngram", "ngram_probs", "ngram_bits_per_char"]


@dataclass(frozen=True)
class NGram:
    """The counts of a Witten-Bell n-gram model (build it with fit_ngram).

    n: the order; K: the vocabulary size. tables[m], for m = 0 .. n - 1 characters of context, holds
    numpy arrays: "grams" (G,) the sorted codes of the (m + 1)-grams seen, a context h followed by
    w coded as code(h) K + w with code(h) the context read as a base-K number; "gram_counts" (G,)
    c(h, w); "contexts" (C,) the sorted codes of the contexts seen; "context_counts" (C,) c(h);
    "context_types" (C,) u(h), the number of different characters seen after h.
    """
    n: int
    K: int
    tables: tuple


def fit_ngram(train_ids, n, K):
    """Count every context of 0 to n - 1 characters in a training text, with what follows it.

    train_ids: integer array (L,) in [0, K), L >= n. n: the order, 1 (unigram) to 8 (and K**n below
    2**62, so that every n-gram has an integer code). K: the vocabulary size.
    Returns an NGram. Raises TypeError/ValueError naming the argument.
    """
    K = check_int("K", K, minimum=1)
    n = check_int("n", n, minimum=1, maximum=8)
    if K ** n >= 2 ** 62:
        raise ValueError(f"n={n} with K={K} gives K**n = {K ** n} codes, too many for int64; use a "
                         "smaller n.")
    ids = check_ids("train_ids", train_ids, 1, K, "(L,)")
    if ids.size < n:
        raise ValueError(f"train_ids holds {ids.size} ids, fewer than n={n}: an n-gram needs n "
                         "consecutive characters.")
    tables = []
    for m in range(n):                                   # m characters of context
        codes = _codes(ids, m + 1, K)                    # every (m + 1)-gram, as one integer each
        grams, gram_counts = np.unique(codes, return_counts=True)
        contexts, where = np.unique(grams // K, return_inverse=True)   # its context: drop w
        tables.append({"grams": grams, "gram_counts": gram_counts, "contexts": contexts,
                       "context_counts": np.bincount(where, weights=gram_counts).astype(np.int64),
                       "context_types": np.bincount(where)})
    return NGram(n, K, tuple(tables))


def ngram_probs(model, context):
    """The model's distribution of the character after a context.

    model: an NGram from fit_ngram. context: integer array (M,) of ids in [0, K), M >= 0; only its
    last n - 1 ids are used (all of them if fewer).
    Returns p (K,), all entries > 0, summing to 1 (to rounding). Raises TypeError/ValueError naming
    the argument.
    """
    model = _check_model(model)
    context = check_ids("context", context, 1, model.K, "(M,)", allow_empty=True)
    history = context[max(0, context.size - (model.n - 1)):]
    # the history followed by each candidate character w, as K rows of one text each
    rows = np.concatenate([np.tile(history, (model.K, 1)), np.arange(model.K)[:, None]], axis=1)
    return np.exp2(_log2_last(model, rows))


def ngram_bits_per_char(model, test_ids):
    """Mean -log2 p(next character) of an n-gram model over a text, as bits_per_char is for the RNN.

    model: an NGram from fit_ngram. test_ids: integer array (L,) in [0, K), L >= 2; predicts
    test_ids[1:], each from the up to n - 1 ids before it (the first ones from fewer).
    Returns a float in bits (lower is better). Raises TypeError/ValueError naming the argument.
    """
    model = _check_model(model)
    ids = check_ids("test_ids", test_ids, 1, model.K, "(L,)")
    if ids.size < 2:
        raise ValueError("test_ids must hold at least 2 ids: bits per character scores each id "
                         "after the first.")
    n, L = model.n, ids.size
    # Row t - 1 holds ids[t - n + 1 .. t] (earlier positions padded with id 0, never used): the
    # prediction of ids[t] from up to n - 1 ids before it, for t = 1 .. L - 1.
    padded = np.concatenate([np.zeros(n - 1, dtype=np.int64), ids])
    rows = padded[np.arange(1, L)[:, None] + np.arange(n)]
    available = np.arange(1, L)                          # ids before position t
    return float(-np.mean(_log2_last(model, rows, available)))


def _log2_last(model, rows, available=None):
    """log2 p(rows[:, -1] | rows[:, :-1]) for rows (R, M + 1), M <= n - 1 context ids each.

    available (R,): how many context ids of each row are real (default all M); longer contexts
    than that use the shorter context's probability.
    """
    K, M = model.K, rows.shape[1] - 1
    if available is None:
        available = np.full(rows.shape[0], M)
    w = rows[:, -1]
    p = np.full(rows.shape[0], 1.0 / K)                  # below the empty context: uniform
    for m in range(min(M, model.n - 1) + 1):             # m = 0 (empty context) .. M
        table = model.tables[m]
        ctx = _codes(rows[:, M - m:M], m, K) if m else np.zeros(rows.shape[0], dtype=np.int64)
        c_hw = _lookup(table["grams"], table["gram_counts"], ctx * K + w)
        c_h = _lookup(table["contexts"], table["context_counts"], ctx)
        u_h = _lookup(table["contexts"], table["context_types"], ctx)
        seen = (c_h > 0) & (available >= m)
        mixed = (c_hw + u_h * p) / np.where(seen, c_h + u_h, 1)
        p = np.where(seen, mixed, p)
    return np.log2(p)


def _codes(ids, width, K):
    """Each run of `width` consecutive ids as one base-K integer: ids (L,) -> (L - width + 1,), or
    rows (R, width) -> (R,)."""
    if ids.ndim == 1:
        ids = ids[np.arange(ids.size - width + 1)[:, None] + np.arange(width)]
    return ids.astype(np.int64) @ (K ** np.arange(width - 1, -1, -1, dtype=np.int64))


def _lookup(keys, values, queries):
    """values[i] where keys[i] == query, 0 where the query is not among the sorted keys."""
    i = np.minimum(np.searchsorted(keys, queries), keys.size - 1)
    return np.where(keys[i] == queries, values[i], 0)


def _check_model(model):
    if not isinstance(model, NGram):
        raise TypeError(f"model must be an NGram from fit_ngram(train_ids, n, K), got "
                        f"{type(model).__name__}.")
    return model
