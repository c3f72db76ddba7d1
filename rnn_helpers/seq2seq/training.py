"""Training an encoder-decoder on (source, target) pairs: Adam, gradient clipping, seeded minibatches.

Letters used in shapes: P pairs, U updates, E epochs.
"""

import math
import time
from dataclasses import dataclass, field

import numpy as np

from .._checks import check_int, check_positive_float
from .._optim import Adam, clip_factor
from ..training import DIVERGENCE_FACTOR, TrainingDiverged
from .model import Batch, Seq2Seq, _backward, _check_model, _flag, _forward, describe, make_batch

__all__ = ["Seq2SeqHistory", "train"]

MAX_EPOCHS = 100_000


@dataclass
class Seq2SeqHistory:
    """What train measured.

    train_loss: (U,) each minibatch's loss (mean nats per target character, END included) just
        before its update. grad_norm: (U,) the global gradient norm before clipping.
    epoch_loss: (E,) the mean of train_loss over each epoch.
    val_accuracy: (E,) exact_match on val_pairs after each epoch (empty without val_pairs).
    seconds: wall-clock time of training, evaluations included. settings: the arguments.
    """
    train_loss: np.ndarray
    grad_norm: np.ndarray
    epoch_loss: np.ndarray
    val_accuracy: np.ndarray
    seconds: float
    settings: dict = field(default_factory=dict)


def train(model, pairs, *, epochs=10, batch_size=64, learning_rate=1e-2, clip_norm=5.0, seed=0,
          val_pairs=None, max_seconds=None, on_epoch=None, masked=True):
    """Train a copy of model on pairs by teacher forcing; model itself is not changed.

    model: a Seq2Seq (init_model). pairs: a list of (source, target) str pairs.
    epochs: passes over pairs (1 .. 100,000), each in a new order drawn from `seed`.
    batch_size: pairs per update (the last minibatch of an epoch may be smaller). Each minibatch is
        padded only to its own longest source and target.
    learning_rate, clip_norm: Adam's step size (m = 0.9 m + 0.1 g, v = 0.999 v + 0.001 g^2,
        p -= lr m_hat / (sqrt(v_hat) + 1e-8)), after rescaling the gradients to a global norm of at
        most clip_norm (None: no clipping).
    val_pairs: pairs scored with exact_match after every epoch (None: none).
    max_seconds: stop after the first epoch that ends beyond this many seconds (None: no limit);
        the result then depends on the machine's speed: for what a notebook stores, use epochs.
    on_epoch: None, or a function called after each epoch with (epoch (1-based), history so far).
    masked: False trains with attention over the padded positions too (notebook 12's break-it
        exercise); val_pairs are then scored the same way.
    Returns (trained Seq2Seq, Seq2SeqHistory). Raises TypeError/ValueError naming a bad argument
    (every argument is checked before the first update), and TrainingDiverged (epoch, record = the
    first pair's index in that epoch's order, loss) when a loss is NaN, infinite, or larger than
    DIVERGENCE_FACTOR times (1 + the first loss).
    """
    _check_model(model)
    describe(model, "model")
    masked = _flag("masked", masked)
    epochs = check_int("epochs", epochs, minimum=1, maximum=MAX_EPOCHS)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    lr = check_positive_float("learning_rate", learning_rate)
    clip_norm = check_positive_float("clip_norm", clip_norm, allow_none=True)
    rng = np.random.default_rng(check_int("seed", seed, minimum=0))
    max_seconds = check_positive_float("max_seconds", max_seconds, allow_none=True)
    if on_epoch is not None and not callable(on_epoch):
        raise TypeError(f"on_epoch must be a function of (epoch, history) or None, got "
                        f"{type(on_epoch).__name__}.")
    data = make_batch(model, pairs, "pairs")                 # every pair checked before any work
    if val_pairs is not None:
        make_batch(model, val_pairs, "val_pairs")
    from .decoding import exact_match

    params = {k: v.copy() for k, v in model.items()}
    spec = describe(params)
    adam = Adam(params)
    P = data.src.shape[0]
    train_loss, grad_norm, epoch_loss, val_accuracy = [], [], [], []
    start = time.perf_counter()
    limit = None
    for epoch in range(1, epochs + 1):
        order = rng.permutation(P)
        first = len(train_loss)
        for i in range(0, P, batch_size):
            batch = _minibatch(data, order[i:i + batch_size])
            loss, cache = _forward(params, spec, batch, keep=True, masked=masked)
            if limit is None:
                limit = DIVERGENCE_FACTOR * (1.0 + abs(loss))
            if not math.isfinite(loss) or loss > limit:
                raise TrainingDiverged(f"the loss became {loss} at update {adam.t + 1} (epoch {epoch}); "
                                       f"start again from the model with a smaller learning_rate "
                                       f"(was {lr}) or a smaller clip_norm (was {clip_norm}).",
                                       epoch, int(order[i]), loss)
            grads = _backward(params, spec, batch, cache)
            factor, norm = clip_factor(grads, clip_norm)
            adam.step(params, grads, lr, factor)
            train_loss.append(loss)
            grad_norm.append(norm)
        epoch_loss.append(float(np.mean(train_loss[first:])))
        if val_pairs is not None:
            val_accuracy.append(exact_match(Seq2Seq(params, model.src_vocab, model.tgt_vocab),
                                            val_pairs, masked=masked))
        history = _history(train_loss, grad_norm, epoch_loss, val_accuracy, start, dict(
            epochs=epoch, masked=masked, batch_size=batch_size, learning_rate=lr, clip_norm=clip_norm, seed=seed,
            updates=adam.t, pairs=P))
        if on_epoch is not None:
            on_epoch(epoch, history)
        if max_seconds is not None and history.seconds > max_seconds:
            break
    return Seq2Seq(params, model.src_vocab, model.tgt_vocab), history


def _minibatch(data, rows):
    """The rows of a padded Batch, cut to their own longest source and target."""
    S = int(data.src_len[rows].max())
    T = int(data.tgt_len[rows].max())
    return Batch(data.src[rows, :S], data.src_len[rows], data.tgt_in[rows, :T],
                 data.tgt_out[rows, :T], data.tgt_len[rows])


def _history(train_loss, grad_norm, epoch_loss, val_accuracy, start, settings):
    return Seq2SeqHistory(np.array(train_loss), np.array(grad_norm), np.array(epoch_loss),
                          np.array(val_accuracy), time.perf_counter() - start, settings)
