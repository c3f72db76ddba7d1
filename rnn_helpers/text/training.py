"""Training the character model by truncated BPTT over chunks, and the baselines it must beat.

Letters used in shapes: L characters, N streams (batch_size), T steps per chunk (seq_len),
C chunks, H hidden size, K vocabulary size.
"""

import math
import time
from dataclasses import dataclass, field

import numpy as np

from .._checks import check_int, check_positive_float, check_size
from ..training import TrainingDiverged
from .model import bits_per_char, check_text_params, loss_and_grads_time_major
from .vocab import check_ids

__all__ = ["chunks", "train_text", "TextHistory", "bigram_bits_per_char", "uniform_bits_per_char"]

OPTIMIZERS = ("adam", "adagrad")
#: The most updates (steps) or passes (epochs) train_text accepts: a larger number is a mix-up of
#: sizes, refused before any work, as train() refuses more than 100,000 epochs.
MAX_STEPS = 10_000_000
_DEFAULT_LEARNING_RATE = {"adam": 1e-2, "adagrad": 1e-1}


def chunks(ids, batch_size, seq_len):
    """Split a long text into batch_size parallel streams, cut into consecutive chunks of seq_len steps.

    ids: integer array (L,). The L - 1 (input, next character) pairs are split into N = batch_size
    contiguous streams of m = (L - 1) // N pairs; stream j starts at ids[j m]. Each stream is cut into
    C = m // seq_len chunks (the rest of each stream is dropped). Row j of chunk i + 1 continues row j
    of chunk i, so the s_T of chunk i is the right s0 for chunk i + 1: the "truncated BPTT by chunks"
    layout, where gradients stop at chunk boundaries but the state flows on.
    Returns a list of C pairs (X_ids, Y_ids), each (N, T) with T = seq_len and Y_ids[j, t] the
    character after X_ids[j, t]. Raises TypeError/ValueError naming the argument, also when ids is too
    short for even one chunk.
    """
    ids = check_ids("ids", ids, 1, None, "(L,)")
    N = check_int("batch_size", batch_size, minimum=1)
    T = check_int("seq_len", seq_len, minimum=1)
    m = (ids.size - 1) // N
    if m < T:
        raise ValueError(f"ids has {ids.size} characters, too short for batch_size={N} streams of at "
                         f"least seq_len={T} steps (needs at least {N * T + 1}); use a smaller "
                         "batch_size or seq_len.")
    C = m // T
    # streams[j] = ids[j m : (j + 1) m + 1]: inputs are columns 0..m-1, targets columns 1..m
    streams = ids[np.arange(N)[:, None] * m + np.arange(m + 1)]
    return [(streams[:, i * T:(i + 1) * T], streams[:, i * T + 1:(i + 1) * T + 1]) for i in range(C)]


@dataclass
class TextHistory:
    """What train_text measured (losses in nats per character; divide by ln 2 for bits).

    train_loss: (steps,) each chunk's loss just before its update.
    val_step, val_loss: (E,) after which update (1-based) the held-out loss was measured, and that
        loss (bits_per_char times ln 2); empty without val_ids.
    grad_norm: (steps,) the global gradient norm before clipping.
    seconds: wall-clock time of training, held-out evaluations included.
    """
    train_loss: np.ndarray
    val_step: np.ndarray
    val_loss: np.ndarray
    grad_norm: np.ndarray
    seconds: float
    settings: dict = field(default_factory=dict)


def train_text(params, ids, *, steps=None, epochs=None, seq_len=25, batch_size=32, learning_rate=None,
               optimizer="adam", clip_norm=5.0, seed=0, val_ids=None, eval_every=None):
    """Train a copy of params on a text by truncated BPTT over chunks; params itself is not changed.

    params: from init_params(hidden_dim, K, K).  ids: integer array (L,) in [0, K), the training text.
    steps / epochs: give exactly one: the number of updates, or of passes over ids (at most
        MAX_STEPS).
    seq_len (T), batch_size (N): the chunk layout of chunks(); each update uses one (N, T) chunk,
        starting from the previous chunk's s_T (held constant: the gradient stops there). The state
        restarts at zero with each epoch, whose chunk grid is shifted by an offset in [0, T) drawn
        from `seed` (the first epoch starts at 0), so boundaries fall at new characters each pass.
    optimizer: "adam" (default) or "adagrad", each with its own per-parameter step size:
        adam     m = 0.9 m + 0.1 g, v = 0.999 v + 0.001 g^2, p -= lr m_hat / (sqrt(v_hat) + 1e-8)
        adagrad  G += g^2, p -= lr g / sqrt(G + 1e-8)                       (as in min-char-rnn)
        Adam is the default because Adagrad's sum G only grows, so its steps only shrink: on the
        shipped text (H = 64, T = 25, N = 32, 1,500 updates) Adam with 1e-2 reached 2.67 bits per
        character held out, Adagrad at best 2.88 (learning rates 0.03, 0.1, 0.3 tried).
    learning_rate: None for 1e-2 (adam) or 1e-1 (adagrad).
    clip_norm: rescale the gradients so their global norm is at most clip_norm; None for no clipping.
        The default 5 echoes min-char-rnn's bound of 5 (there on each entry).
    seed: a whole number >= 0, for the epochs' offsets (the weights come from params).
    val_ids: integer array (L_val,), L_val >= 2, held-out text scored with bits_per_char after the
        last update and, with eval_every = k, after every k updates.
    Returns (trained_params, TextHistory). Raises TypeError/ValueError naming a bad argument (every
    argument is checked before the first update), and
    TrainingDiverged (epoch 1-based, record = the chunk's index in that epoch, loss) if the loss
    becomes NaN or infinite.
    """
    _, H, K = check_text_params(params)
    ids = check_ids("ids", ids, 1, K, "(L,)")
    if (steps is None) == (epochs is None):
        raise ValueError("give exactly one of steps (the number of updates) or epochs (passes over "
                         "ids).")
    steps = check_int("steps", steps, minimum=1, maximum=MAX_STEPS, allow_none=True)
    epochs = check_int("epochs", epochs, minimum=1, maximum=MAX_STEPS, allow_none=True)
    T = check_int("seq_len", seq_len, minimum=1)
    N = check_int("batch_size", batch_size, minimum=1)
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {optimizer!r}.")
    lr = check_positive_float("learning_rate", _DEFAULT_LEARNING_RATE[optimizer]
                              if learning_rate is None else learning_rate)
    clip_norm = check_positive_float("clip_norm", clip_norm, allow_none=True)
    rng = np.random.default_rng(check_int("seed", seed, minimum=0))
    if val_ids is not None:
        val_ids = check_ids("val_ids", val_ids, 1, K, "(L_val,)")
        if val_ids.size < 2:             # checked now: bits_per_char would refuse it after training
            raise ValueError(f"val_ids holds {val_ids.size} id; held-out bits per character score "
                             "each id after the first, so it needs at least 2 (or pass None).")
    eval_every = check_int("eval_every", eval_every, minimum=1, allow_none=True)
    chunks(ids, N, T)                                      # fail now if ids is too short

    params = {k: v.copy() for k, v in params.items()}
    m1 = {k: np.zeros_like(v) for k, v in params.items()}  # Adam's m, or Adagrad's G
    m2 = {k: np.zeros_like(v) for k, v in params.items()}  # Adam's v
    train_loss, grad_norm, val_step, val_loss = [], [], [], []
    start = time.perf_counter()
    step, epoch = 0, 0
    while (steps is None and epoch < epochs) or (steps is not None and step < steps):
        offset = int(rng.integers(T)) if epoch else 0
        if ids.size - offset < N * T + 1:                   # too short to shift: keep the grid
            offset = 0
        s = None                                            # s_0 = 0 at the start of every pass;
        # s_T of each chunk is the next one's s_0, carried on, but as a constant
        for i, (X, Y) in enumerate(chunks(ids[offset:], N, T)):
            loss, grads, s = loss_and_grads_time_major(params, X.T, Y.T, s)
            if not math.isfinite(loss):
                # record = the chunk's index in its epoch, the text's counterpart of a batch's record
                raise TrainingDiverged(f"the loss became {loss} at update {step + 1} (epoch "
                                       f"{epoch + 1}, chunk {i}); start again from init_params with a "
                                       f"smaller learning_rate (was {lr}) or with clip_norm.",
                                       epoch + 1, i, loss)
            norm = math.sqrt(sum(float(np.vdot(g, g)) for g in grads.values()))
            factor = clip_norm / norm if clip_norm is not None and norm > clip_norm else 1.0
            step += 1
            for k, p in params.items():
                g = grads[k] * factor
                if optimizer == "adam":
                    m1[k] = 0.9 * m1[k] + 0.1 * g
                    m2[k] = 0.999 * m2[k] + 0.001 * g * g
                    # the bias corrections undo the zero start of m and v in the first updates
                    m_hat, v_hat = m1[k] / (1 - 0.9 ** step), m2[k] / (1 - 0.999 ** step)
                    p -= lr * m_hat / (np.sqrt(v_hat) + 1e-8)
                else:
                    m1[k] += g * g
                    p -= lr * g / np.sqrt(m1[k] + 1e-8)
            train_loss.append(loss)
            grad_norm.append(norm)
            last = step == steps
            if val_ids is not None and (last or (eval_every and step % eval_every == 0)):
                val_step.append(step)
                val_loss.append(bits_per_char(params, val_ids) * math.log(2.0))
            if last:
                break
        epoch += 1
    if val_ids is not None and (not val_step or val_step[-1] != step):
        val_step.append(step)
        val_loss.append(bits_per_char(params, val_ids) * math.log(2.0))
    settings = dict(steps=step, epochs=epoch, seq_len=T, batch_size=N, learning_rate=lr,
                    optimizer=optimizer, clip_norm=clip_norm, seed=seed, hidden_dim=H, K=K)
    history = TextHistory(np.array(train_loss), np.array(val_step, dtype=int), np.array(val_loss),
                          np.array(grad_norm), time.perf_counter() - start, settings)
    return params, history


def bigram_bits_per_char(train_ids, test_ids, K, smoothing=1.0):
    """Bits per character of a bigram model counted on train_ids and scored on test_ids.

    p(b | a) = (count(a, b) + smoothing) / (count(a) + smoothing K), counts of adjacent pairs in
    train_ids (smoothing = 1 is add-one, Laplace). It is what a model that sees only the previous
    character can reach: the RNN must beat it to show it uses more context.
    train_ids: integer array (L_train,), L_train >= 2.  test_ids: (L_test,), L_test >= 2.  Both in
    [0, K). smoothing: a finite number > 0 (so unseen pairs keep a nonzero probability).
    Returns the mean -log2 p(test_ids[t+1] | test_ids[t]) over the L_test - 1 pairs, a float.
    Raises TypeError/ValueError naming the argument.
    """
    K = check_int("K", K, minimum=1)
    check_size("K", K * K, f"a (K, K) table of pair counts for K={K} (K is the vocabulary size, "
               "len(vocab.chars), not a text's length)")
    train_ids = check_ids("train_ids", train_ids, 1, K, "(L_train,)")
    test_ids = check_ids("test_ids", test_ids, 1, K, "(L_test,)")
    for name, arr in (("train_ids", train_ids), ("test_ids", test_ids)):
        if arr.size < 2:
            raise ValueError(f"{name} must hold at least 2 ids: a bigram is a pair of neighbours.")
    smoothing = check_positive_float("smoothing", smoothing)
    counts = np.bincount(train_ids[:-1] * K + train_ids[1:], minlength=K * K).reshape(K, K)
    pair = counts[test_ids[:-1], test_ids[1:]]                 # count(a, b) of each test pair
    row = counts.sum(axis=1)[test_ids[:-1]]                    # count(a)
    # log2 p = log2(count(a, b) + s) - log2(count(a) + s K), divided through by s when s >= 1, so
    # that neither s K (s near the largest float) nor p (s near the smallest) leaves the floats
    if smoothing >= 1:
        log_p = np.log2(pair / smoothing + 1.0) - np.log2(row / smoothing + K)
    else:
        log_p = np.log2(pair + smoothing) - np.log2(row + smoothing * K)
    return float(-np.mean(log_p))


def uniform_bits_per_char(K):
    """log2 K: the bits per character of guessing uniformly among K characters. Returns a float."""
    return math.log2(check_int("K", K, minimum=1))
