import numpy as np
import pytest

import rnn_helpers as rh
from conftest import random_problem


@pytest.mark.parametrize("options", [
    dict(batch_size=1, truncate=2, activation="sigmoid", clip_value=0.05),
    dict(batch_size=2, truncate=None, activation="tanh", clip_norm=0.1, momentum=0.9),
    dict(batch_size=5, truncate=3, activation="tanh"),
    dict(batch_size=2, truncate=4, activation="sigmoid", clip_value=0.02, clip_norm=0.03),
])
def test_train_equals_plain_gradient_descent(options):
    params, X, Y = random_problem(N=5, T=6, D=2, H=4, O=2)
    trained, history = rh.train(params, X, Y, epochs=3, learning_rate=0.05, **options)
    expected = rh.train_reference(params, X, Y, epochs=3, learning_rate=0.05, **options)
    for k in params:
        np.testing.assert_allclose(trained[k], expected[k], rtol=1e-12, atol=1e-14)
    assert history.train_loss.shape == (3,) and history.val_loss is None


def test_train_does_not_mutate_and_is_deterministic():
    params, X, Y = random_problem(N=6)
    before = {k: v.copy() for k, v in params.items()}
    a, ha = rh.train(params, X, Y, X, Y, epochs=2, shuffle=True, seed=3)
    b, hb = rh.train(params, X, Y, X, Y, epochs=2, shuffle=True, seed=3)
    c, _ = rh.train(params, X, Y, X, Y, epochs=2, shuffle=False)
    assert all(np.array_equal(params[k], before[k]) for k in params)
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert np.array_equal(ha.val_loss, hb.val_loss)
    assert not np.array_equal(a["W"], c["W"])


def test_validation_loss_is_the_loss_after_each_epoch():
    params, X, Y = random_problem(N=4)
    trained, history = rh.train(params, X, Y, X[:2], Y[:2], epochs=1, learning_rate=0.1)
    assert history.val_loss[0] == pytest.approx(rh.mse_loss(rh.predict(trained, X[:2]), Y[:2]), rel=1e-12)


def test_recommended_settings_reach_rmse_below_1e3(sine):
    """The course's recommended settings (notebook 5) beat every baseline but the exact recurrence."""
    X, Y, X_val, Y_val = sine
    params = rh.init_params(100, seed=0)
    trained, history = rh.train(params, X, Y, X_val, Y_val, epochs=25, learning_rate=1e-2,
                                batch_size=1, truncate=5, activation="tanh")
    score = rh.rmse(rh.predict(trained, X_val, "tanh"), Y_val)
    assert score <= 1e-3
    assert score < rh.rmse(rh.predict_linear(X_val), Y_val) / 100
    assert history.val_loss[-1] < history.val_loss[0] / 1000


def test_tutorial_initialisation_collapses_to_a_constant(sine):
    """uniform(0, 1) weights with sigmoid: every state is 1.0, so the model predicts one number."""
    X, Y, X_val, Y_val = sine
    params = rh.init_params(100, scheme="tutorial", biases=False, seed=0)
    trained, _ = rh.train(params, X, Y, X_val, Y_val, epochs=5, learning_rate=1e-4, batch_size=1,
                          truncate=5, activation="sigmoid", clip_value=10.0)
    _, cache = rh.forward(trained, X_val, "sigmoid")
    assert np.all(cache["states"][3:] == 1.0)          # the cause, exactly
    preds = rh.predict(trained, X_val, "sigmoid")
    assert np.ptp(preds) < 1e-12                        # the symptom (BLAS may round rows differently)
    assert np.array_equal(trained["W"], params["W"]) and np.array_equal(trained["U"], params["U"])


def test_divergence_stops_with_a_clear_error():
    params, X, Y = random_problem(N=4)
    with pytest.raises(rh.TrainingDiverged, match=r"epoch \d+ .*smaller learning_rate.*clip_norm"):
        rh.train(params, X, Y * 1e3, epochs=50, learning_rate=50.0, activation="tanh")


def test_baselines_on_the_sine_validation_set(sine):
    X, Y, X_val, Y_val = sine
    assert rh.rmse(rh.predict_mean(Y, len(Y_val)), Y_val) == pytest.approx(0.705, abs=5e-4)
    assert rh.rmse(rh.predict_last(X_val), Y_val) == pytest.approx(0.680, abs=5e-4)
    assert rh.rmse(rh.predict_linear(X_val), Y_val) == pytest.approx(0.650, abs=5e-4)
    assert rh.rmse(rh.predict_sine_recurrence(X_val), Y_val) < 1e-14


def test_forecast_feeds_predictions_back():
    params, X, _ = random_problem(T=5)
    out = rh.forecast(params, X[0], 4, "tanh")
    assert out.shape == (4, 1)
    window = X[0].copy()
    for i in range(4):
        y = rh.predict(params, window[None], "tanh")[0]
        assert np.array_equal(out[i], y)
        window = np.concatenate([window[1:], y[None]])


@pytest.mark.parametrize("call, exc, message", [
    (lambda p, X, Y: rh.train(p, X, Y, epochs=0), ValueError, "epochs must be at least 1"),
    (lambda p, X, Y: rh.train(p, X, Y, learning_rate=-1), ValueError, "learning_rate must be"),
    (lambda p, X, Y: rh.train(p, X, Y, momentum=1.0), ValueError, "momentum must be below 1"),
    (lambda p, X, Y: rh.train(p, X, Y, X), ValueError, "both X_val and Y_val"),
    (lambda p, X, Y: rh.train(p, X, Y, batch_size=0), ValueError, "batch_size must be at least 1"),
    (lambda p, X, Y: rh.train(p, X, Y, clip_norm=0), ValueError, "clip_norm must be"),
    (lambda p, X, Y: rh.train(p, X, Y, truncate=0), ValueError, "truncate must be"),
    (lambda p, X, Y: rh.train(p, X, Y[:1]), ValueError, "X has 3 records but Y has 1"),
    (lambda p, X, Y: rh.rmse(Y, Y[:1]), ValueError, "must match"),
    (lambda p, X, Y: rh.forecast(p, X[0], 0, "tanh"), ValueError, "n_steps must be at least 1"),
    (lambda p, X, Y: rh.forecast(p, X, 2, "tanh"), ValueError, "window must have 2 dimensions"),
    (lambda p, X, Y: rh.forecast(rh.init_params(3, 1, 2), X[0], 2, "tanh"), ValueError, "output_dim"),
    (lambda p, X, Y: rh.predict_linear(X[..., [0, 0]]), ValueError, "one series"),
])
def test_training_rejects_bad_input(call, exc, message):
    params, X, Y = random_problem()
    with pytest.raises(exc, match=message):
        call(params, X, Y)


def test_divergence_seen_first_on_validation_is_reported_as_divergence():
    """A single full-batch step can blow up the weights: the validation loss then says so."""
    params, X, Y = random_problem(N=4)
    with pytest.raises(rh.TrainingDiverged, match=r"epoch 1 \(at record 4\)"):
        rh.train(params, X, Y, X, Y, epochs=3, batch_size=None, learning_rate=1e300,
                 activation="tanh")


def test_history_counts_the_updates_clipping_changed():
    params, X, Y = random_problem(N=6)
    _, h_none = rh.train(params, X, Y, epochs=2, activation="tanh")
    assert h_none.clipped.tolist() == [0, 0]
    _, h_tiny = rh.train(params, X, Y, epochs=2, activation="tanh", clip_norm=1e-9)
    assert h_tiny.clipped.tolist() == [6, 6]                 # every update is clipped
    _, h_huge = rh.train(params, X, Y, epochs=2, activation="tanh", clip_value=1e9, clip_norm=1e9)
    assert h_huge.clipped.tolist() == [0, 0]
    _, h_both = rh.train(params, X, Y, epochs=1, activation="tanh", clip_value=1e-9, clip_norm=1e-9)
    assert h_both.clipped.tolist() == [6]                    # counted once per update, not twice
    # the count agrees with the norms measured one update at a time
    p = {k: v.copy() for k, v in params.items()}
    expected = 0
    for i in range(6):
        _, g = rh.loss_and_grads(p, X[i:i + 1], Y[i:i + 1], None, "tanh")
        expected += rh.global_norm(g) > 0.05
        g, _ = rh.clip_global_norm(g, 0.05)
        p = {k: p[k] - 0.01 * g[k] for k in p}
    _, h = rh.train(params, X, Y, epochs=1, activation="tanh", clip_norm=0.05)
    assert h.clipped[0] == expected


def test_float32_training_is_close_to_float64_and_returns_float64(sine):
    X, Y, X_val, Y_val = sine
    kwargs = dict(epochs=3, learning_rate=0.1, batch_size=20, truncate=5, activation="tanh")
    m64, h64 = rh.train(rh.init_params(16, seed=0), X, Y, X_val, Y_val, **kwargs)
    m32, h32 = rh.train(rh.init_params(16, seed=0), X, Y, X_val, Y_val, dtype="float32", **kwargs)
    assert all(v.dtype == np.float64 for v in m32.values()) and h32.settings["dtype"] == "float32"
    for name in m64:
        np.testing.assert_allclose(m32[name], m64[name], rtol=0, atol=1e-5)
    assert not all(np.array_equal(m32[k], m64[k]) for k in m64)     # really computed in float32
    np.testing.assert_allclose(h32.val_loss, h64.val_loss, rtol=1e-4)


@pytest.mark.parametrize("dtype, exc", [("float16", ValueError), ("int", ValueError),
                                        (np.complex128, ValueError), ("nonsense", TypeError)])
def test_train_rejects_other_dtypes(sine, dtype, exc):
    X, Y, _, _ = sine
    with pytest.raises(exc, match="dtype"):
        rh.train(rh.init_params(4, seed=0), X, Y, epochs=1, dtype=dtype)


def test_float32_full_bptt_stops_walking_back_once_the_gradient_underflows(sine):
    """With sigmoid the gradient reaching early steps falls below float32's normal numbers (notebook 3:
    a factor 5e-41 over the window); the walk back stops there and the result stays that of float64."""
    X, Y, X_val, Y_val = sine
    kwargs = dict(epochs=2, learning_rate=1e-2, batch_size=None, activation="sigmoid")
    m64, _ = rh.train(rh.init_params(32, seed=0), X, Y, X_val, Y_val, **kwargs)
    m32, _ = rh.train(rh.init_params(32, seed=0), X, Y, X_val, Y_val, dtype="float32", **kwargs)
    for name in m64:
        np.testing.assert_allclose(m32[name], m64[name], rtol=0, atol=1e-6)
    dS = rh.state_gradients(rh.init_params(32, seed=0), X, Y, "sigmoid")
    norms = np.linalg.norm(dS, axis=(1, 2))
    assert norms[0] < np.finfo(np.float32).tiny, "the case must reach float32's subnormal range"


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_on_epoch_sees_every_epoch_and_changes_nothing(sine, cell):
    X, Y, X_val, Y_val = sine
    params = rh.get_cell(cell).init_params(6, seed=1)
    kwargs = dict(epochs=4, learning_rate=0.1, batch_size=20, truncate=5, seed=0, dtype="float32",
                  activation="tanh" if cell == "rnn" else None)
    plain, plain_history = rh.train(params, X, Y, X_val, Y_val, **kwargs)
    seen = []

    def on_epoch(epoch, weights, history):
        model = weights()
        seen.append((epoch, model, history))
        for value in model.values():           # a copy: changing it changes nothing
            value[...] = 0.0

    watched, watched_history = rh.train(params, X, Y, X_val, Y_val, on_epoch=on_epoch, **kwargs)
    for name in plain:
        np.testing.assert_array_equal(watched[name], plain[name])
    np.testing.assert_array_equal(watched_history.val_loss, plain_history.val_loss)
    assert [epoch for epoch, _, _ in seen] == [1, 2, 3, 4]
    for epoch, _, history in seen:
        np.testing.assert_array_equal(history.train_loss, plain_history.train_loss[:epoch])
        np.testing.assert_array_equal(history.val_loss, plain_history.val_loss[:epoch])
    # the weights handed over after the last epoch are the trained ones (before they were zeroed)
    again = []
    rh.train(params, X, Y, X_val, Y_val, on_epoch=lambda e, w, h: again.append(w()), **kwargs)
    for name in plain:
        np.testing.assert_array_equal(again[-1][name], plain[name])
    assert again[-1].cell == cell


def test_on_epoch_can_stop_training_and_must_be_a_function(sine):
    X, Y = sine[:2]

    class Stop(Exception):
        pass

    def stop(epoch, weights, history):
        if epoch == 2:
            raise Stop

    with pytest.raises(Stop):
        rh.train(rh.init_params(4, seed=0), X, Y, epochs=5, batch_size=20, on_epoch=stop)
    with pytest.raises(TypeError, match="on_epoch"):
        rh.train(rh.init_params(4, seed=0), X, Y, epochs=1, on_epoch="print")
