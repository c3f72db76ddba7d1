"""The character-level language model (rnn_helpers.text): vocabulary, loss and gradients, sampling,
chunked training and the baselines.

Gradients are checked against a fourth-order centred difference (rnn_helpers.gradcheck), whose own
error on these sizes is about 1e-11; the tolerance 1e-7 fails a gradient wrong by one part in a
million in a single entry (test_gradient_check_is_sensitive).
"""

import hashlib
import math
import warnings
from importlib import resources

import numpy as np
import pytest

import rnn_helpers as rh
from rnn_helpers import text as tx
from rnn_helpers.gradcheck import numerical_gradient, relative_error
from rnn_helpers.training import TrainingDiverged

SHIPPED_SHA256 = "365f716adf1b3d1352210c01c4d87b74e924eb1d302b4207f6c2f571e2e8e11a"
SIZES = [(1, 1, 3, 2), (2, 5, 4, 5), (3, 7, 6, 4), (4, 3, 5, 7)]       # (N, T, H, K)


def char_problem(N=3, T=5, H=4, K=5, seed=0, s0=False):
    """Random params (biases drawn non-zero so their gradients matter), ids, and maybe an s0."""
    rng = np.random.default_rng(seed)
    params = rh.init_params(H, K, K, seed=seed, scale=0.8)
    params["b"] = rng.normal(scale=0.5, size=H)
    params["c"] = rng.normal(scale=0.5, size=K)
    X = rng.integers(K, size=(N, T))
    Y = rng.integers(K, size=(N, T))
    return params, X, Y, (np.tanh(rng.normal(size=(N, H))) if s0 else None)


# --- vocabulary and the shipped text ---------------------------------------------------------------

def test_vocab_encode_decode_round_trip():
    text = "To be, or not to be:\nthat is the question."
    vocab = tx.char_vocab(text)
    assert vocab.chars == "".join(sorted(set(text)))
    assert all(vocab.char_to_id[ch] == i for i, ch in enumerate(vocab.chars))
    ids = tx.encode(text, vocab)
    assert ids.dtype == np.int64 and ids.shape == (len(text),)
    assert tx.decode(ids, vocab) == text
    assert tx.decode(ids.tolist(), tuple(vocab)) == text            # a plain (chars, dict) tuple works
    assert tx.decode(np.array([], dtype=int), vocab) == ""


def test_shipped_text_is_the_recorded_file():
    text = tx.load_text()
    assert tx.available_texts() == ["hamlet"] and tx.load_text("hamlet") == text
    raw = resources.files("rnn_helpers").joinpath("datasets", "hamlet.txt").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == SHIPPED_SHA256, "see datasets/TEXT_README.md"
    assert raw.decode("utf-8") == text and len(text) == 176_350 >= 100_000
    vocab = tx.char_vocab(text)
    assert len(vocab.chars) == 64 and text.isascii() and "\r" not in text
    assert text.startswith("Hamlet\n\nACT I\n\nSCENE I. Elsinore.")
    assert tx.decode(tx.encode(text, vocab), vocab) == text


# --- loss and gradients -----------------------------------------------------------------------------

@pytest.mark.parametrize("with_s0", [False, True], ids=["s0-zero", "s0-given"])
@pytest.mark.parametrize("sizes", SIZES, ids=lambda s: "N{}-T{}-H{}-K{}".format(*s))
def test_vectorised_matches_loop(sizes, with_s0):
    N, T, H, K = sizes
    params, X, Y, s0 = char_problem(N, T, H, K, seed=N + T, s0=with_s0)
    loss, grads, s_T = tx.loss_and_grads(params, X, Y, s0)
    loss_loop, grads_loop, s_T_loop = tx.loss_and_grads_loop(params, X, Y, s0)
    assert loss == pytest.approx(loss_loop, rel=1e-12)
    assert {k: g.shape for k, g in grads.items()} == {k: p.shape for k, p in params.items()}
    for name in params:
        np.testing.assert_allclose(grads[name], grads_loop[name], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(s_T, s_T_loop, rtol=1e-12, atol=1e-15)
    assert s_T.shape == (N, H)


@pytest.mark.parametrize("with_s0", [False, True], ids=["s0-zero", "s0-given"])
@pytest.mark.parametrize("sizes", SIZES, ids=lambda s: "N{}-T{}-H{}-K{}".format(*s))
def test_gradients_match_numerical(sizes, with_s0):
    """Exact for the chunk with s0 held constant: s0 is a constant of the objective here too."""
    N, T, H, K = sizes
    params, X, Y, s0 = char_problem(N, T, H, K, seed=N * T, s0=with_s0)
    _, grads, _ = tx.loss_and_grads(params, X, Y, s0)
    numeric = numerical_gradient(lambda p: tx.loss_and_grads(p, X, Y, s0)[0], params)
    errors = {name: relative_error(grads[name], numeric[name]) for name in params}
    rh.assert_gradients_match(errors, tol=1e-7)


def test_gradient_check_is_sensitive():
    params, X, Y, s0 = char_problem(s0=True)
    _, grads, _ = tx.loss_and_grads(params, X, Y, s0)
    numeric = numerical_gradient(lambda p: tx.loss_and_grads(p, X, Y, s0)[0], params)
    wrong = grads["W"].copy()
    i = np.unravel_index(np.argmax(np.abs(wrong)), wrong.shape)
    wrong[i] *= 1 + 1e-6
    assert relative_error(grads["W"], numeric["W"]) < 1e-9
    assert relative_error(wrong, numeric["W"]) > 1e-7


def test_softmax_xent_and_its_backward():
    rng = np.random.default_rng(1)
    logits = rng.normal(size=(2, 3, 4))
    targets = rng.integers(4, size=(2, 3))
    p = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    expected = -np.mean(np.log(np.take_along_axis(p, targets[..., None], -1)))
    assert tx.softmax_xent(logits, targets) == pytest.approx(expected, rel=1e-14)
    dlogits = tx.softmax_xent_backward(logits, targets)
    numeric = numerical_gradient(lambda q: tx.softmax_xent(q["o"], targets), {"o": logits})["o"]
    assert relative_error(dlogits, numeric) < 1e-9
    np.testing.assert_allclose(dlogits.sum(-1), 0.0, atol=1e-16)


def test_softmax_is_stable_for_large_logits():
    logits = np.array([[[1e4, 0.0, -1e4], [1e4, 1e4 - 1.0, 0.0]]])
    targets = np.array([[0, 1]])
    loss = tx.softmax_xent(logits, targets)
    assert loss == pytest.approx((0.0 + (1.0 + math.log1p(math.exp(-1.0)))) / 2, rel=1e-14)
    assert tx.softmax_xent(logits - 1e4, targets) == pytest.approx(loss, rel=1e-14)
    d = tx.softmax_xent_backward(logits, targets)
    assert np.isfinite(d).all() and d[0, 0, 0] == 0.0
    params, X, Y, _ = char_problem()
    params["c"] = params["c"] + 1e4 * np.arange(5)          # logits near 1e4 at every step
    loss, grads, _ = tx.loss_and_grads(params, X, Y)
    assert np.isfinite(loss) and all(np.isfinite(g).all() for g in grads.values())


def test_state_carried_across_chunks_equals_one_pass():
    params, X, Y, s0 = char_problem(N=2, T=8, H=5, K=6, s0=True)
    loss_full, grads_full, s_full = tx.loss_and_grads(params, X, Y, s0)
    loss_1, grads_1, s_mid = tx.loss_and_grads(params, X[:, :4], Y[:, :4], s0)
    loss_2, grads_2, s_end = tx.loss_and_grads(params, X[:, 4:], Y[:, 4:], s_mid)
    assert (loss_1 + loss_2) / 2 == pytest.approx(loss_full, rel=1e-13)
    np.testing.assert_allclose(s_end, s_full, rtol=1e-13, atol=1e-15)
    # ... but the second chunk's gradient stops at s_mid: the chunked gradient is not the full one
    chunked = {k: (grads_1[k] + grads_2[k]) / 2 for k in params}
    assert relative_error(chunked["W"], grads_full["W"]) > 1e-3
    assert relative_error(chunked["V"], grads_full["V"]) < 1e-13      # V sees no recurrence


def test_bits_per_char_carries_the_state_across_the_whole_text():
    params, _, _, _ = char_problem(H=4, K=5)
    ids = np.random.default_rng(2).integers(5, size=4500)            # crosses the 2000-step chunks
    loss, _, _ = tx.loss_and_grads(params, ids[None, :-1], ids[None, 1:])
    assert tx.bits_per_char(params, ids) == pytest.approx(loss / math.log(2), rel=1e-12)


# --- sampling ---------------------------------------------------------------------------------------

def test_sample_is_seeded_and_tiny_temperature_is_argmax():
    params, _, _, _ = char_problem(H=6, K=7)
    seed_ids = np.array([1, 2, 3])
    a = tx.sample(params, seed_ids, 50, temperature=1.0, seed=4)
    assert a.shape == (50,) and a.dtype == np.int64 and a.min() >= 0 and a.max() < 7
    np.testing.assert_array_equal(a, tx.sample(params, seed_ids, 50, temperature=1.0, seed=4))
    assert not np.array_equal(a, tx.sample(params, seed_ids, 50, temperature=1.0, seed=5))
    U, W, b, V, c = (params[k] for k in ("U", "W", "b", "V", "c"))
    s, greedy = np.zeros(6), []
    for x in seed_ids:
        s = np.tanh(U[:, x] + W @ s + b)
    for _ in range(20):
        greedy.append(int(np.argmax(V @ s + c)))
        s = np.tanh(U[:, greedy[-1]] + W @ s + b)
    for seed in (0, 1):
        np.testing.assert_array_equal(tx.sample(params, seed_ids, 20, temperature=1e-300, seed=seed),
                                      greedy)


# --- chunks and training ----------------------------------------------------------------------------

def test_chunks_layout_carries_each_stream_on():
    ids = np.arange(103)
    pieces = tx.chunks(ids, batch_size=4, seq_len=6)
    m = 102 // 4                                                    # pairs per stream
    assert len(pieces) == m // 6
    for i, (X, Y) in enumerate(pieces):
        assert X.shape == Y.shape == (4, 6)
        np.testing.assert_array_equal(Y, X + 1)                     # the next character
        np.testing.assert_array_equal(X[:, 0], np.arange(4) * m + 6 * i)   # stream j starts at j m
        if i:
            np.testing.assert_array_equal(X[:, 0], pieces[i - 1][1][:, -1])  # chunk i follows i-1
    assert tx.chunks(ids, 1, 102)[0][1][0, -1] == 102               # exactly one chunk fits


def test_train_text_learns_a_repetitive_text_and_is_deterministic():
    text = "the cat sat on the mat. " * 40
    vocab = tx.char_vocab(text)
    ids = tx.encode(text, vocab)
    K = len(vocab.chars)
    params = rh.init_params(16, K, K, seed=0)
    before = {k: v.copy() for k, v in params.items()}
    trained, history = tx.train_text(params, ids[:800], steps=150, seq_len=10, batch_size=4,
                                     val_ids=ids[800:], eval_every=50)
    assert all(np.array_equal(params[k], before[k]) for k in params)      # params not changed
    assert history.train_loss.shape == history.grad_norm.shape == (150,)
    np.testing.assert_array_equal(history.val_step, [50, 100, 150])
    assert history.val_loss[-1] / math.log(2) < 0.5 < math.log2(K)
    assert history.val_loss[-1] / math.log(2) == pytest.approx(tx.bits_per_char(trained, ids[800:]))
    again, history_again = tx.train_text(params, ids[:800], steps=150, seq_len=10, batch_size=4,
                                         val_ids=ids[800:], eval_every=50)
    assert all(np.array_equal(trained[k], again[k]) for k in params)
    _, by_epochs = tx.train_text(params, ids[:800], epochs=2, seq_len=10, batch_size=4,
                                 optimizer="adagrad", clip_norm=None)
    assert by_epochs.settings["epochs"] == 2 and by_epochs.train_loss[-1] < by_epochs.train_loss[0]


def test_train_text_reports_divergence():
    params = rh.init_params(4, 3, 3)
    with np.errstate(all="ignore"), pytest.raises(TrainingDiverged, match="loss became nan at update"):
        tx.train_text(params, np.arange(60) % 3, steps=5, seq_len=5, batch_size=2,
                      learning_rate=1e308, clip_norm=None)
    params["W"] = np.full((4, 4), np.inf)
    with pytest.raises(ValueError, match="params\\['W'\\] contains NaN or infinite"):
        tx.train_text(params, np.zeros(50, dtype=int), steps=1, seq_len=5, batch_size=2)


# --- baselines --------------------------------------------------------------------------------------

def test_bigram_baseline_on_a_tiny_text():
    # train "abaab": pairs ab, ba, aa, ab -> counts a->(a 1, b 2), b->(a 1); K = 3 with add-one:
    # p(b|a) = 3/6, p(a|b) = 2/4, p(c|b) = 1/4. Test "abc": -log2(1/2), -log2(1/4) -> mean 1.5
    vocab = tx.char_vocab("abc")
    got = tx.bigram_bits_per_char(tx.encode("abaab", vocab), tx.encode("abc", vocab), K=3)
    assert got == pytest.approx(1.5, rel=1e-15)
    assert tx.bigram_bits_per_char([0, 1], [0, 1], K=2, smoothing=1e-12) == pytest.approx(0, abs=1e-9)
    assert tx.uniform_bits_per_char(64) == 6.0


# --- bad input --------------------------------------------------------------------------------------

_P, _X, _Y, _ = char_problem()
_V = tx.char_vocab("abc")
BAD = [
    (lambda: tx.char_vocab(""), ValueError, "text is empty"),
    (lambda: tx.char_vocab(["a"]), TypeError, "text must be a str"),
    (lambda: tx.encode("abz!", _V), ValueError, r"'z' \(first at position 2\).*nor is '!'"),
    (lambda: tx.encode("", _V), ValueError, "text is empty"),
    (lambda: tx.encode("ab", "abc"), TypeError, "vocab must be the"),
    (lambda: tx.encode("ab", ("abc", {"a": 0})), ValueError, "vocab is inconsistent"),
    (lambda: tx.decode([0, 3], _V), ValueError, r"ids holds 3 at index 1, outside \[0, K\) = \[0, 3\)"),
    (lambda: tx.decode([0.0, 1.0], _V), TypeError, r"ids must hold integer .* floats.*astype\(int\)"),
    (lambda: tx.decode([[0]], _V), ValueError, "ids must have 1 dimension"),
    (lambda: tx.load_text("macbeth"), ValueError, "name 'macbeth' is not a shipped text"),
    (lambda: tx.load_text(3), TypeError, "name must be a str"),
    (lambda: tx.loss_and_grads(_P, _X * 1.0, _Y), TypeError, "X_ids must hold integer .* floats"),
    (lambda: tx.loss_and_grads(_P, _X > 1, _Y), TypeError, "X_ids must hold integer .* booleans"),
    (lambda: tx.loss_and_grads(_P, _X, _Y + 0j), TypeError, "Y_ids must hold integer .* complex"),
    (lambda: tx.loss_and_grads(_P, _X.astype(str), _Y), TypeError, "X_ids must hold integer .* text"),
    (lambda: tx.loss_and_grads(_P, "abc", _Y), TypeError, "X_ids must be an integer array"),
    (lambda: tx.loss_and_grads(_P, _X + 5, _Y), ValueError,
     r"X_ids holds \d+ at index \(\d, \d\), outside"),
    (lambda: tx.loss_and_grads(_P, _X, -_Y - 1), ValueError, r"Y_ids holds -\d+ at index"),
    (lambda: tx.loss_and_grads(_P, _X[0], _Y), ValueError, "X_ids must have 2 dimensions"),
    (lambda: tx.loss_and_grads(_P, _X[:0], _Y[:0]), ValueError, "X_ids is empty"),
    (lambda: tx.loss_and_grads(_P, _X, _Y[:, :3]), ValueError,
     "X_ids has shape .* but Y_ids has shape"),
    (lambda: tx.loss_and_grads(_P, _X, _Y, np.zeros((3, 5))), ValueError,
     r"s0 must have shape .*\(3, 4\)"),
    (lambda: tx.loss_and_grads(_P, _X, _Y, np.full((3, 4), np.nan)), ValueError, "s0 contains NaN"),
    (lambda: tx.loss_and_grads_loop(_P, _X, _Y[:2]), ValueError, "but Y_ids has shape"),
    (lambda: tx.loss_and_grads(rh.init_params(4, 5, 2), _X, _Y), ValueError,
     r"init_params\(hidden_dim, K, K\)"),
    (lambda: tx.loss_and_grads(rh.init_params(4, 5, 5, biases=False), _X, _Y), ValueError, "no biases"),
    (lambda: tx.sample(_P, [0], 5, temperature=0), ValueError, "temperature must be a finite .* > 0"),
    (lambda: tx.sample(_P, [0], 5, temperature=-1.0), ValueError, "temperature must be"),
    (lambda: tx.sample(_P, [0], 5, temperature=np.inf), ValueError, "temperature must be a finite"),
    (lambda: tx.sample(_P, [0], 5, temperature=np.nan), ValueError, "temperature must be a finite"),
    (lambda: tx.sample(_P, [0], 5, temperature="hot"), TypeError, "temperature must be a number"),
    (lambda: tx.sample(_P, [0], 0), ValueError, "n must be at least 1"),
    (lambda: tx.sample(_P, [0], 2.0), TypeError, "n must be a whole number"),
    (lambda: tx.sample(_P, [0], 5, seed=-1), ValueError, "seed must be at least 0"),
    (lambda: tx.sample(_P, [], 5), ValueError, "seed_ids is empty"),
    (lambda: tx.sample(_P, [9], 5), ValueError, "seed_ids holds 9"),
    (lambda: tx.sample(_P, [True], 5), TypeError, "seed_ids must hold integer .* booleans"),
    (lambda: tx.bits_per_char(_P, [1]), ValueError, "at least 2 ids"),
    (lambda: tx.chunks(np.arange(20), 4, 5), ValueError, r"too short .*needs at least 21"),
    (lambda: tx.chunks(np.arange(20), 0, 5), ValueError, "batch_size must be at least 1"),
    (lambda: tx.chunks(np.arange(20) - 1, 2, 5), ValueError,
     "ids holds -1 at index 0, but ids are >= 0"),
    (lambda: tx.train_text(_P, np.arange(50) % 5, steps=2, epochs=1), ValueError, "exactly one of"),
    (lambda: tx.train_text(_P, np.arange(50) % 5), ValueError, "exactly one of steps"),
    (lambda: tx.train_text(_P, np.arange(50) % 5, steps=1, optimizer="sgd"), ValueError, "optimizer"),
    (lambda: tx.train_text(_P, np.arange(50) % 5, steps=1, learning_rate=-1.0), ValueError,
     "learning_rate must be a finite number > 0"),
    (lambda: tx.train_text(_P, np.arange(50) % 5, steps=1, seed=-2), ValueError, "seed must be"),
    (lambda: tx.train_text(_P, np.arange(50) % 5, steps=1, seq_len=5, batch_size=2, val_ids=[7, 1]),
     ValueError, "val_ids holds 7"),
    (lambda: tx.train_text(_P, np.arange(50) % 5, steps=1), ValueError, "too short for batch_size=32"),
    (lambda: tx.bigram_bits_per_char([0, 1], [0, 1], K=2, smoothing=0), ValueError, "smoothing"),
    (lambda: tx.bigram_bits_per_char([0, 4], [0, 1], K=2), ValueError, "train_ids holds 4"),
    (lambda: tx.bigram_bits_per_char([0, 1], [1], K=2), ValueError, "test_ids must hold at least 2"),
    (lambda: tx.softmax_xent(np.zeros((2, 3)), [0]), ValueError, "targets has shape"),
    (lambda: tx.softmax_xent_backward(np.zeros((2, 3)) + 1j, [0, 1]), TypeError, "logits must"),
]


@pytest.mark.parametrize("call, exc, message", BAD, ids=range(len(BAD)))
def test_bad_input_raises_naming_the_argument(call, exc, message):
    with pytest.raises(exc, match=message):
        call()


def test_softmax_xent_backward_subtracts_the_target_whatever_the_memory_layout():
    """A transposed (non-contiguous) logits array once got no one-hot subtracted (a reshape copied)."""
    rng = np.random.default_rng(0)
    logits, targets = rng.normal(size=(3, 4, 5)), rng.integers(0, 5, size=(3, 4))
    expected = tx.softmax_xent_backward(logits, targets)
    for layout in (np.asfortranarray(logits),
                   np.ascontiguousarray(logits.transpose(1, 0, 2)).transpose(1, 0, 2)):
        np.testing.assert_array_equal(tx.softmax_xent_backward(layout, targets), expected)
    np.testing.assert_allclose(expected.sum(axis=-1), 0.0, atol=1e-15)   # softmax - onehot sums to 0


# ------------------------------------------------- checks before work, sizes, overflow, blame

def test_train_text_checks_val_ids_before_the_first_update(monkeypatch):
    vocab = tx.char_vocab("abcde")
    ids = tx.encode("abcde" * 20, vocab)
    params = rh.init_params(4, 5, 5, seed=0)
    calls = []
    monkeypatch.setattr(tx.training, "loss_and_grads_time_major",
                        lambda *a: calls.append(1) or pytest.fail("trained before the checks"))
    for val_ids, message in ((np.array([1]), "val_ids holds 1 id"),
                             (3, r"val_ids must have 1 dimension"),
                             (np.array([0, 7]), "val_ids holds 7")):
        with pytest.raises(ValueError, match=message):
            tx.train_text(params, ids, steps=1000, seq_len=5, batch_size=2, val_ids=val_ids)
    assert not calls


def test_softmax_xent_blames_the_argument_with_the_wrong_axes():
    with pytest.raises(ValueError, match=r"^logits has the wrong number of axes: logits has shape "
                                         r"\(4,\) and targets \(1, 1\)"):
        tx.softmax_xent(np.ones(4), np.array([[0]]))
    with pytest.raises(ValueError, match=r"^targets has the wrong number of axes"):
        tx.softmax_xent_backward(np.zeros((2, 3, 4)), np.array([0, 1, 2]))
    assert tx.softmax_xent(np.zeros((2, 3, 4)), np.zeros((2, 3), dtype=int)) == \
        pytest.approx(math.log(4), rel=1e-15)


def test_absurd_sizes_are_refused_with_the_size_they_would_need():
    ids = np.array([0, 1, 2, 1, 0])
    with pytest.raises(ValueError, match=r"K is too large: .*K=10000000 .* \(728 TiB\)"):
        tx.bigram_bits_per_char(ids, ids, K=10**7)      # a text length taken for the vocabulary
    with pytest.raises(ValueError, match=r"n is too large: a sample of n=10+ .*7\.28 TiB"):
        tx.sample(rh.init_params(4, 3, 3, seed=0), ids[:2], 10**12)


def test_bigram_smoothing_near_the_float_limits():
    ids = np.array([0, 1, 2, 1, 0, 2, 2])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        flat = tx.bigram_bits_per_char(ids, ids, K=4, smoothing=1e308)
        tiny = tx.bigram_bits_per_char(ids, ids, K=4, smoothing=5e-324)
    assert flat == pytest.approx(2.0, rel=1e-12)        # counts vanish: p = 1/K for every pair
    # every test pair was seen in training: p = count(a, b) / count(a) exactly in the limit
    pairs = list(zip(ids[:-1], ids[1:]))
    expected = -np.mean([math.log2(pairs.count(p) / sum(a == p[0] for a, _ in pairs))
                         for p in pairs])
    assert tiny == pytest.approx(expected, rel=1e-12)


def test_masked_ids_are_refused_and_unmasked_ones_read():
    vocab = tx.char_vocab("abc")
    with pytest.raises(ValueError, match="ids is a masked array with 1 masked entry"):
        tx.decode(np.ma.masked_array([0, 1, 2], mask=[0, 1, 0]), vocab)
    assert tx.decode(np.ma.masked_array([0, 1, 2], mask=False), vocab) == "abc"
