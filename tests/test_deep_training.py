"""rnn_helpers.deep.training: train learns, is seeded, leaves its input alone, reports validation,
clips, and stops with a clear error when the loss diverges."""

import numpy as np
import pytest

import rnn_helpers as rh
from rnn_helpers import deep


def later_one_task(N=48, T=8, seed=0):
    """Tag each step with whether a 1 comes at some later step: the answer is in the future."""
    rng = np.random.default_rng(seed)
    S = (rng.random((N, T)) < 0.15).astype(float)
    later = (np.cumsum(S[:, ::-1], axis=1)[:, ::-1] - S > 0).astype(int)
    return S[:, :, None], later


def test_a_bidirectional_layer_learns_a_tag_that_needs_the_future_and_a_forward_one_cannot():
    X, labels = later_one_task()
    accuracy = {}
    for bidirectional, H in ((False, 12), (True, 8)):               # about the same weight count
        params = deep.init_params("gru", H, 1, 2, bidirectional=bidirectional, seed=0)
        trained, history = deep.train(params, X, labels, head="tagging", epochs=40, learning_rate=3e-2)
        assert history.train_loss.shape == (40,) and history.val_loss is None
        accuracy[bidirectional] = (deep.predict_tags(trained, X) == labels).mean()
    assert accuracy[True] > 0.97 and accuracy[False] < 0.85, accuracy


def test_regression_training_lowers_the_loss_is_seeded_and_leaves_params_alone():
    X, Y = rh.sine_windows(seq_len=12)[:2]
    X, Y = X[:40], Y[:40]
    params = deep.init_params("lstm", 6, 1, 1, num_layers=2, seed=1)
    before = {k: v.copy() for k, v in params.items()}
    kwargs = dict(epochs=15, batch_size=10, learning_rate=1e-2, seed=3, X_val=X[:8], targets_val=Y[:8])
    trained, history = deep.train(params, X, Y, **kwargs)
    again, history2 = deep.train(params, X, Y, **kwargs)
    assert all(np.array_equal(params[k], before[k]) for k in params)
    assert all(np.array_equal(trained[k], again[k]) for k in trained)
    np.testing.assert_array_equal(history.train_loss, history2.train_loss)
    assert history.train_loss[-1] < 0.2 * history.train_loss[0]
    assert history.val_loss.shape == (15,) and history.val_loss[-1] < history.val_loss[0]
    other, _ = deep.train(params, X, Y, **{**kwargs, "seed": 4})
    assert not np.array_equal(other["V"], trained["V"])             # the seed orders the batches
    assert history.settings["optimizer"] == "adam" and history.seconds > 0


def test_sgd_and_clipping():
    X, Y = rh.sine_windows(seq_len=8)[:2]
    params = deep.init_params("rnn", 4, 1, 1, bidirectional=True, seed=0)
    _, history = deep.train(params, X[:20], Y[:20], optimizer="sgd", learning_rate=0.1, epochs=3,
                            clip_norm=1e-3, activation="tanh")
    assert np.all(history.clipped == 1) and np.all(history.grad_norm > 1e-3)
    _, history = deep.train(params, X[:20], Y[:20], optimizer="sgd", learning_rate=0.1, epochs=3,
                            clip_norm=None, activation="tanh")
    assert np.all(history.clipped == 0)


def test_a_diverging_run_stops_with_a_clear_error():
    X, Y = rh.sine_windows(seq_len=8)[:2]
    params = deep.init_params("rnn", 4, 1, 1, num_layers=2, seed=0)
    with pytest.raises(rh.TrainingDiverged, match="smaller learning_rate .it was 1e.06., or clip"):
        deep.train(params, X[:20], 1e3 * Y[:20], optimizer="sgd", learning_rate=1e6, clip_norm=None,
                   epochs=20, activation="tanh")


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(head="seq2seq"), ValueError, "head must be one of"),
    (dict(optimizer="rmsprop"), ValueError, "optimizer must be one of"),
    (dict(epochs=0), ValueError, "epochs must be at least 1"),
    (dict(learning_rate=-1.0), ValueError, "learning_rate must be"),
    (dict(batch_size=21), ValueError, "batch_size must be at most 20"),
    (dict(truncate=0), ValueError, "truncate must be at least 1"),
    (dict(clip_norm=0.0), ValueError, "clip_norm must be"),
    (dict(seed=-2), ValueError, "seed must be at least 0"),
    (dict(X_val=np.zeros((3, 8, 1))), ValueError, "X_val and targets_val go together"),
    (dict(lengths_val=[8]), ValueError, "lengths_val was given without"),
    (dict(X_val=np.zeros((3, 8, 2)), targets_val=np.zeros((3, 1))), ValueError, "X_val has 2 input features"),
    (dict(activation="relu"), ValueError, "activation must be one of"),
])
def test_train_refuses_bad_arguments_before_any_work(kwargs, error, message):
    X, Y = rh.sine_windows(seq_len=8)[:2]
    params = deep.init_params("rnn", 3, 1, 1, seed=0)
    with pytest.raises(error, match=message):
        deep.train(params, X[:20], Y[:20], **kwargs)
