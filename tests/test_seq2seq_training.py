"""Training the encoder-decoder: it learns the reverse task, is seeded, and stops with a clear error."""

import numpy as np
import pytest

from rnn_helpers.seq2seq import Vocab, digit_pairs, exact_match, init_model, train
from rnn_helpers.training import TrainingDiverged

DIGITS = Vocab("0123456789", max_len=6)
PAIRS = digit_pairs("reverse", 400, min_len=2, max_len=5, seed=0)
VAL = digit_pairs("reverse", 100, min_len=2, max_len=5, seed=1)


def _model(attention="additive", seed=0):
    return init_model(DIGITS, DIGITS, 16, cell="gru", attention=attention, seed=seed)


def test_it_learns_to_reverse_and_leaves_the_model_alone():
    model = _model()
    before = {k: v.copy() for k, v in model.items()}
    epochs = []
    trained, history = train(model, PAIRS, epochs=6, batch_size=20, learning_rate=2e-2, val_pairs=VAL,
                             on_epoch=lambda e, h: epochs.append((e, len(h.epoch_loss))))
    assert all(np.array_equal(model[k], before[k]) for k in model)
    assert epochs == [(e, e) for e in range(1, 7)]
    assert history.train_loss.shape == history.grad_norm.shape == (6 * 20,)
    assert history.epoch_loss[-1] < 0.5 * history.epoch_loss[0]
    assert history.val_accuracy.shape == (6,)
    assert history.val_accuracy[-1] == exact_match(trained, VAL)
    assert exact_match(trained, VAL) > 0.5          # untrained: 0; chance is far below
    assert exact_match(model, VAL) == 0.0
    assert history.settings["updates"] == 120 and history.seconds > 0


def test_training_is_seeded():
    a, ha = train(_model(), PAIRS[:60], epochs=2, batch_size=16, seed=5)
    b, hb = train(_model(), PAIRS[:60], epochs=2, batch_size=16, seed=5)
    c, hc = train(_model(), PAIRS[:60], epochs=2, batch_size=16, seed=6)
    assert all(np.array_equal(a[k], b[k]) for k in a)
    np.testing.assert_array_equal(ha.train_loss, hb.train_loss)
    assert not np.array_equal(ha.train_loss, hc.train_loss)     # another order of minibatches


def test_clipping_bounds_every_step():
    _, history = train(_model(), PAIRS[:40], epochs=1, batch_size=40, clip_norm=1e-3,
                       learning_rate=1e-3)
    assert history.grad_norm[0] > 1e-3                  # it had something to clip


def test_divergence_stops_with_a_clear_error():
    with pytest.raises(TrainingDiverged, match="smaller learning_rate") as info:
        train(_model(), PAIRS[:100], epochs=3, batch_size=10, learning_rate=1e30, clip_norm=None)
    assert info.value.epoch >= 1 and (not np.isfinite(info.value.loss) or info.value.loss > 1e8)


def test_max_seconds_stops_after_the_epoch_that_crosses_it():
    _, history = train(_model(), PAIRS[:40], epochs=50, batch_size=20, max_seconds=1e-9)
    assert len(history.epoch_loss) == 1


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(epochs=0), ValueError, "epochs must be at least 1"),
    (dict(batch_size=1.5), TypeError, "batch_size must be a whole number"),
    (dict(learning_rate=-1.0), ValueError, "learning_rate"),
    (dict(clip_norm=0.0), ValueError, "clip_norm"),
    (dict(seed=-2), ValueError, "seed must be at least 0"),
    (dict(on_epoch=3), TypeError, "on_epoch must be a function"),
    (dict(val_pairs=[("12", "2x")]), ValueError, r"the targets of val_pairs\[0\] holds 'x'"),
    (dict(pairs=[("1234567", "7654321")]), ValueError, "more than the 6"),
])
def test_every_argument_is_checked_before_any_work(kwargs, error, message):
    args = {"pairs": PAIRS[:10], **kwargs}
    with pytest.raises(error, match=message):
        train(_model(), args.pop("pairs"), **args)


def test_training_without_the_mask_is_recorded_and_differs():
    masked, h_masked = train(_model(), PAIRS[:60], epochs=1, batch_size=16, seed=2)
    unmasked, h_unmasked = train(_model(), PAIRS[:60], epochs=1, batch_size=16, seed=2, masked=False)
    assert h_masked.settings["masked"] is True and h_unmasked.settings["masked"] is False
    assert h_masked.train_loss[0] != h_unmasked.train_loss[0]      # padded positions are attended
    assert not np.array_equal(masked["V"], unmasked["V"])
