"""Training a stack: Adam or SGD on minibatches, with clipping, seeded, stopping when it diverges.

    params, history = train(params, X, Y)                                  # regression head
    params, history = train(params, X, labels, head="tagging", lengths=lengths)

Each epoch visits the N records once, in an order drawn from a generator seeded with `seed`, in
batches of batch_size (None: all N at once). Each update computes the head's loss and gradient
(rnn_helpers.deep.heads), scales the gradient down to norm clip_norm if it is larger (the global
norm over every key), then steps:

    sgd     p -= learning_rate * g
    adam    m = 0.9 m + 0.1 g,  v = 0.999 v + 0.001 g^2,  p -= learning_rate m_hat / (sqrt(v_hat) + 1e-8)

(m_hat, v_hat: m and v divided by 1 - 0.9^step and 1 - 0.999^step; the same Adam as
rnn_helpers.text). A loss that is not finite, or grows past rnn_helpers.training.DIVERGENCE_FACTOR
times (1 + the first batch's loss), stops training with rnn_helpers.TrainingDiverged, whose message
says what to change.
"""

import math
import time
from dataclasses import dataclass, field

import numpy as np

from .._checks import MAX_MAGNITUDE, check_int, check_positive_float, check_truncate
from .._optim import Adam, clip_factor
from ..cells import get_cell
from ..training import DIVERGENCE_FACTOR, TrainingDiverged
from .heads import _head_spec, check_labels, check_targets, loss_and_grads, tagging_loss_and_grads
from .stack import check_lengths, check_X

__all__ = ["DeepHistory", "train", "OPTIMIZERS", "HEADS"]

OPTIMIZERS = ("adam", "sgd")
HEADS = ("regression", "tagging")


@dataclass
class DeepHistory:
    """What train() measured. train_loss: (epochs,) the mean of each epoch's batch losses, each
    computed just before its update. val_loss: (epochs,) the validation loss after each epoch, or
    None. grad_norm: (epochs,) the mean global gradient norm before clipping. clipped: (epochs,)
    how many updates clipping changed. seconds: wall-clock time. settings: the arguments used."""
    train_loss: np.ndarray
    val_loss: object
    grad_norm: np.ndarray
    clipped: np.ndarray
    seconds: float
    settings: dict = field(default_factory=dict)


def _loss_fn(head):
    if head == "regression":
        return lambda p, X, T, L, k, act: loss_and_grads(p, X, T, k, lengths=L, activation=act)
    return lambda p, X, T, L, k, act: tagging_loss_and_grads(p, X, T, L, k, activation=act)


def _check_data(spec, head, X, targets, lengths, x_name, t_name, l_name):
    X = check_X(spec, X, x_name)
    N, T = X.shape[:2]
    lengths = check_lengths(lengths, N, T, l_name, x_name)
    if head == "regression":
        targets = check_targets(spec, targets, N, t_name, x_name)
    else:
        targets = check_labels(spec, targets, lengths, N, T, t_name, x_name)[0]     # padded steps: 0, ignored
    return X, targets, lengths


def train(params, X, targets, *, head="regression", lengths=None, X_val=None, targets_val=None,
          lengths_val=None, epochs=50, learning_rate=1e-2, optimizer="adam", batch_size=None,
          truncate=None, clip_norm=5.0, seed=0, activation=None):
    """Train a stack's weights with a head; return (trained params, a new dict; DeepHistory).

    params: from rnn_helpers.deep.init_params with output_dim (not changed).  X: (N, T, D).
    targets: Y (N, O) for head="regression", labels (N, T) ints for head="tagging".
    lengths: None or (N,) ints in 1..T.  X_val, targets_val, lengths_val: validation data, optional.
    epochs >= 1; learning_rate > 0; optimizer "adam" or "sgd"; batch_size None (all records) or
    1..N; truncate None or k >= 1 (see rnn_helpers.deep.stack); clip_norm > 0 or None; seed >= 0
    (the order of the records); activation: the vanilla RNN's.
    Raises TypeError/ValueError naming a bad argument before any work; TrainingDiverged when the
    loss is not finite or grows past DIVERGENCE_FACTOR * (1 + the first loss).
    """
    if head not in HEADS:
        raise ValueError(f"head must be one of {HEADS}, got {head!r}.")
    spec = _head_spec(params, "train")
    X, targets, lengths = _check_data(spec, head, X, targets, lengths, "X", "targets", "lengths")
    has_val = X_val is not None or targets_val is not None
    if has_val:
        if X_val is None or targets_val is None:
            raise ValueError("X_val and targets_val go together: give both for a validation loss, or "
                             "neither.")
        X_val, targets_val, lengths_val = _check_data(spec, head, X_val, targets_val, lengths_val,
                                                      "X_val", "targets_val", "lengths_val")
    elif lengths_val is not None:
        raise ValueError("lengths_val was given without X_val and targets_val.")
    N = X.shape[0]
    epochs = check_int("epochs", epochs, minimum=1, maximum=1_000_000)
    lr = check_positive_float("learning_rate", learning_rate)
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {optimizer!r}.")
    batch_size = N if batch_size is None else check_int("batch_size", batch_size, minimum=1, maximum=N)
    truncate = check_truncate(truncate)
    clip_norm = check_positive_float("clip_norm", clip_norm, allow_none=True)
    rng = np.random.default_rng(check_int("seed", seed, minimum=0))
    get_cell(spec.cell).options(activation)          # the activation, checked before any work
    fn = _loss_fn(head)

    params = {k: v.copy() for k, v in params.items()}
    adam = Adam(params)
    train_loss, val_loss, grad_norm, clipped = [], [], [], []
    settings = dict(head=head, epochs=epochs, learning_rate=lr, optimizer=optimizer, batch_size=batch_size,
                    truncate=truncate, clip_norm=clip_norm, seed=seed, activation=activation)
    start, step, limit = time.perf_counter(), 0, None
    for epoch in range(epochs):
        order = rng.permutation(N)
        losses, norms, n_clipped = [], [], 0
        for first in range(0, N, batch_size):
            batch = order[first:first + batch_size]
            loss, grads = fn(params, X[batch], targets[batch], lengths[batch], truncate, activation)
            limit = DIVERGENCE_FACTOR * (1.0 + loss) if limit is None and math.isfinite(loss) else limit
            if not math.isfinite(loss) or (limit is not None and loss > limit):
                what = "became" if not math.isfinite(loss) else \
                    f"grew past {DIVERGENCE_FACTOR:.0e} times its starting size, to"
                hint = "" if clip_norm else ", or clip the gradients (clip_norm=5.0)"
                raise TrainingDiverged(f"training diverged in epoch {epoch + 1} (update {step + 1}): the "
                                       f"loss {what} {loss:.3g}. Start again from init_params with a "
                                       f"smaller learning_rate (it was {lr:g}){hint}.",
                                       epoch + 1, int(first), float(loss))
            factor, norm = clip_factor(grads, clip_norm)
            n_clipped += factor < 1.0
            step += 1
            if optimizer == "adam":
                adam.step(params, grads, lr, factor)
            else:
                for k, p in params.items():
                    p -= lr * (grads[k] * factor)
            if not all(np.isfinite(p).all() and np.abs(p).max(initial=0.0) <= MAX_MAGNITUDE
                       for p in params.values()):
                raise TrainingDiverged(f"training diverged in epoch {epoch + 1} (update {step}): the "
                                       f"weights grew past {MAX_MAGNITUDE:g}. Start again from init_params "
                                       f"with a smaller learning_rate (it was {lr:g}).",
                                       epoch + 1, int(first), float(loss))
            losses.append(loss)
            norms.append(norm)
        train_loss.append(float(np.mean(losses)))
        grad_norm.append(float(np.mean(norms)))
        clipped.append(n_clipped)
        if has_val:
            val_loss.append(fn(params, X_val, targets_val, lengths_val, None, activation)[0])
    history = DeepHistory(np.array(train_loss), np.array(val_loss) if has_val else None, np.array(grad_norm),
                          np.array(clipped, dtype=int), time.perf_counter() - start, settings)
    return params, history
