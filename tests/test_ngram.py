"""rnn_helpers.text.ngram: Witten-Bell n-grams, the counted baselines of notebook 10.

Checked three ways: each distribution sums to 1 over the vocabulary with every entry above zero;
the probabilities equal hand counts on a tiny text; and the vectorised scores equal a plain
dictionary-and-recursion implementation of the formula (written below, independently) on a
held-out piece of Hamlet.
"""

import math
from collections import Counter

import numpy as np
import pytest

from rnn_helpers import text as tx


# --- an independent reference: the formula, one probability at a time -----------------------------

def reference_prob(train, n, K, history, w):
    """p(w | history) by Witten-Bell interpolation, from raw counts, by recursion."""
    history = tuple(history[len(history) - min(len(history), n - 1):])

    def p(h):
        lower = p(h[1:]) if h else 1.0 / K             # the empty context is mixed with uniform
        m = len(h)
        follow = Counter(tuple(train[i + m:i + m + 1]) for i in range(len(train) - m)
                         if tuple(train[i:i + m]) == h)
        c_h = sum(follow.values())
        if c_h == 0:
            return lower
        return (follow[(w,)] + len(follow) * lower) / (c_h + len(follow))

    return p(history)


def reference_bits(train, test, n, K):
    return -np.mean([math.log2(reference_prob(train, n, K, test[max(0, t - n + 1):t], test[t]))
                     for t in range(1, len(test))])


# --- the tests ------------------------------------------------------------------------------------

def test_hand_counts_on_a_tiny_text():
    # "abcab" with a=0, b=1, c=2. Unigram: a 2, b 2, c 1 of 5, 3 different: p0(w) = (c(w) + 1) / 8.
    # After a: b twice (c(a) = 2, one different): p(b|a) = (2 + 3/8) / 3 = 19/24, p(a|a) = 1/8,
    # p(c|a) = 1/12. After c: a once, so p(a|c) = (1 + 3/8) / 2.
    train = np.array([0, 1, 2, 0, 1])
    uni = tx.fit_ngram(train, 1, 3)
    assert np.allclose(tx.ngram_probs(uni, np.array([], dtype=int)), [3 / 8, 3 / 8, 2 / 8])
    bi = tx.fit_ngram(train, 2, 3)
    assert np.allclose(tx.ngram_probs(bi, np.array([0])), [1 / 8, 19 / 24, 1 / 12])
    assert np.allclose(tx.ngram_probs(bi, np.array([2])), [(1 + 3 / 8) / 2, 3 / 16, 2 / 16])
    # b at the very end is never followed by anything in training: c(b) counts b -> c only
    assert np.allclose(tx.ngram_probs(bi, np.array([1])), [3 / 16, 3 / 16, (1 + 2 / 8) / 2])
    assert tx.ngram_bits_per_char(bi, np.array([0, 1])) == pytest.approx(-math.log2(19 / 24))
    t = bi.tables[1]
    assert t["context_counts"].tolist() == [2, 1, 1] and t["context_types"].tolist() == [1, 1, 1]


def test_an_unseen_context_falls_back_to_the_shorter_one():
    train = np.array([0, 1, 2, 0, 1])
    tri = tx.fit_ngram(train, 3, 3)
    bi = tx.fit_ngram(train, 2, 3)
    # (c, c) was never seen: the trigram uses p(. | c), the bigram's
    assert np.allclose(tx.ngram_probs(tri, np.array([2, 2])), tx.ngram_probs(bi, np.array([2])))
    # a longer context than n - 1: only its last n - 1 ids count
    assert np.allclose(tx.ngram_probs(bi, np.array([1, 2, 0])), tx.ngram_probs(bi, np.array([0])))


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
def test_every_distribution_sums_to_one_and_is_positive(n):
    rng = np.random.default_rng(n)
    K = 7
    train = rng.integers(K, size=400) % (K - 2)        # two characters never occur in training
    model = tx.fit_ngram(train, n, K)
    for context in [np.array([], dtype=int), train[:n], train[-3:], rng.integers(K, size=6),
                    np.array([K - 1] * 4)]:
        p = tx.ngram_probs(model, context)
        assert p.shape == (K,) and np.all(p > 0)
        assert abs(p.sum() - 1.0) < 1e-12, (context, p.sum())


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_scores_equal_the_reference_formula(n):
    rng = np.random.default_rng(10 + n)
    K = 4
    train = (rng.random(300) < 0.7).astype(int) + rng.integers(0, 3, size=300) * (rng.random(300) < 0.3)
    test = (rng.random(60) < 0.7).astype(int) + 2 * (rng.random(60) < 0.2)
    model = tx.fit_ngram(train, n, K)
    assert tx.ngram_bits_per_char(model, test) == pytest.approx(
        reference_bits(train.tolist(), test.tolist(), n, K), rel=1e-12)
    for t in (0, 1, 3, 7):
        expected = [reference_prob(train.tolist(), n, K, tuple(test[:t].tolist()), w) for w in range(K)]
        assert np.allclose(tx.ngram_probs(model, test[:t]), expected, rtol=1e-12, atol=0)


@pytest.fixture(scope="module")
def hamlet():
    text = tx.load_text()
    vocab = tx.char_vocab(text)
    ids = tx.encode(text, vocab)
    split = len(ids) - len(ids) // 10
    return ids[:split], ids[split:], len(vocab.chars)


def test_held_out_bits_on_hamlet(hamlet):
    train, val, K = hamlet
    bits = {n: tx.ngram_bits_per_char(tx.fit_ngram(train, n, K), val) for n in (2, 3, 4, 5)}
    # more context helps up to 5 characters on this text, and everything beats a uniform guess
    assert bits[5] < bits[4] < bits[3] < bits[2] < math.log2(K)
    # the Witten-Bell bigram is close to the add-one bigram of the training module
    assert abs(bits[2] - tx.bigram_bits_per_char(train, val, K)) < 0.05


def test_held_out_scores_match_the_reference_on_a_slice_of_hamlet(hamlet):
    train, val, K = hamlet
    train, piece = train[:5_000], val[:200]
    for n in (2, 4):
        model = tx.fit_ngram(train, n, K)
        assert tx.ngram_bits_per_char(model, piece) == pytest.approx(
            reference_bits(train.tolist(), piece.tolist(), n, K), rel=1e-12)


# --- bad input ------------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, error, name", [
    (dict(train_ids=[0, 1, 2], n=0, K=3), ValueError, "n must be at least 1"),
    (dict(train_ids=[0, 1, 2], n=9, K=3), ValueError, "n must be at most 8"),
    (dict(train_ids=[0, 1, 2], n=2.0, K=3), TypeError, "n must be a whole number"),
    (dict(train_ids=[0, 1, 2], n=2, K=0), ValueError, "K must be at least 1"),
    (dict(train_ids=[0, 1, 3], n=2, K=3), ValueError, "train_ids"),
    (dict(train_ids=[0.0, 1.0], n=2, K=3), TypeError, "train_ids"),
    (dict(train_ids="abc", n=2, K=3), TypeError, "train_ids"),
    (dict(train_ids=[[0, 1]], n=2, K=3), ValueError, "train_ids"),
    (dict(train_ids=[0, 1], n=3, K=3), ValueError, "train_ids holds 2 ids, fewer than n=3"),
    (dict(train_ids=[0, 1], n=8, K=300), ValueError, "too many for int64"),
])
def test_bad_fit_arguments(kwargs, error, name):
    with pytest.raises(error, match=name):
        tx.fit_ngram(**kwargs)


def test_bad_model_context_and_test_ids():
    model = tx.fit_ngram(np.array([0, 1, 2, 0]), 2, 3)
    for call in (lambda: tx.ngram_probs(None, [0]), lambda: tx.ngram_bits_per_char("model", [0, 1])):
        with pytest.raises(TypeError, match="model must be an NGram"):
            call()
    with pytest.raises(ValueError, match="context"):
        tx.ngram_probs(model, [3])
    with pytest.raises(TypeError, match="context"):
        tx.ngram_probs(model, [0.5])
    with pytest.raises(ValueError, match="test_ids must hold at least 2"):
        tx.ngram_bits_per_char(model, [0])
    with pytest.raises(ValueError, match="test_ids"):
        tx.ngram_bits_per_char(model, [0, -1])
