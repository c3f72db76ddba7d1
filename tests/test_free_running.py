"""Teacher forcing against free running (rnn_helpers.free_running): the exact gradient through the
fed-back predictions, for any registered cell, held to fourth-order finite differences; the
readable loop held to the batched version; forecasting and training."""

from unittest import mock

import numpy as np
import pytest

import rnn_helpers as rh
from rnn_helpers import cells
from rnn_helpers import free_running as fr

CELLS = ("rnn", "lstm", "gru", "gru_before", "mgu")     # mgu: the test cell of tests/own_cell.py


def problem(cell, H=3, D=1, N=2, T=6, seed=0):
    """Weights with every entry disturbed (biases not zero) and windows (N, T + 1, D)."""
    rng = np.random.default_rng(seed)
    params = cells.init_params(cell, H, D, D, seed=seed)
    params = {k: v + rng.normal(0.0, 0.3, v.shape) for k, v in params.items()}
    return params, rng.normal(size=(N, T + 1, D))


def activation_of(cell):
    return "tanh" if cell == "rnn" else None


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("D, feed_back", [(1, 0), (1, 3), (2, 2), (1, 5)])
def test_gradient_matches_fourth_order_differences(cell, D, feed_back):
    params, series = problem(cell, D=D)
    act = activation_of(cell)
    _, grads = fr.loss_and_grads(params, series, feed_back, act)
    numeric = rh.numerical_gradient(lambda p: fr.free_running_loss(p, series, feed_back, act), params)
    errors = {k: rh.relative_error(grads[k], numeric[k]) for k in params}
    rh.assert_gradients_match(errors, tol=1e-7)


@pytest.mark.parametrize("cell", ("rnn", "gru"))
def test_a_wrong_entry_fails_the_check(cell):
    params, series = problem(cell)
    act = activation_of(cell)
    _, grads = fr.loss_and_grads(params, series, 3, act)
    numeric = rh.numerical_gradient(lambda p: fr.free_running_loss(p, series, 3, act), params)
    for key in params:
        wrong = {k: v.copy() for k, v in grads.items()}
        wrong[key].flat[0] += 1e-4 * (1.0 + abs(wrong[key].flat[0]))
        errors = {k: rh.relative_error(wrong[k], numeric[k]) for k in params}
        with pytest.raises(AssertionError):
            rh.assert_gradients_match(errors, tol=1e-7)


def test_the_fed_back_path_carries_gradient():
    """Treating the fed-back predictions as constants (what a 'detached' implementation computes)
    is not the gradient: its error against finite differences is far above the tolerance."""
    params, series = problem("gru")
    feed_back = 4
    model = cells.get_cell("gru")
    _, exact = fr.loss_and_grads(params, series, feed_back)
    numeric = rh.numerical_gradient(lambda p: fr.free_running_loss(p, series, feed_back), params)

    original = model.cell.step_backward

    def detached_du(dstate, cache):
        du, dprev, dparams = original(dstate, cache)
        return np.zeros_like(du), dprev, dparams

    with mock.patch.object(model.cell, "step_backward", detached_du):
        _, detached = fr.loss_and_grads(params, series, feed_back)
    flat = lambda g: np.concatenate([g[k].ravel() for k in sorted(g)])   # noqa: E731
    assert rh.relative_error(flat(exact), flat(numeric)) < 1e-9
    assert rh.relative_error(flat(detached), flat(numeric)) > 1e-3


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("feed_back", [0, 2, 5])
def test_loop_equals_batched(cell, feed_back):
    params, series = problem(cell, D=2, N=4)
    act = activation_of(cell)
    loss, grads = fr.loss_and_grads(params, series, feed_back, act)
    loss_loop, grads_loop = fr.loss_and_grads_loop(params, series, feed_back, act)
    assert loss == pytest.approx(loss_loop, rel=1e-12, abs=0)
    assert loss == pytest.approx(fr.free_running_loss(params, series, feed_back, act), rel=1e-12, abs=0)
    for k in params:
        np.testing.assert_allclose(grads[k], grads_loop[k], rtol=1e-12, atol=1e-15, err_msg=k)


def test_teacher_forcing_is_the_layer_with_a_head_at_every_step():
    """feed_back = 0: the observed inputs through rnn_helpers.layer, y_hat_t = h_t V^T + c."""
    params, series = problem("lstm", D=2, N=3)
    model = cells.get_cell("lstm")
    states, _ = rh.layer.layer_forward(model.cell.step_forward, model.cell_params(params),
                                       series[:, :-1], rh.layer.zero_state(2, 3, 3))
    Y_hat = np.stack([s[0] for s in states[1:]], axis=1) @ params["V"].T + params["c"]
    expected = 0.5 * np.sum((Y_hat - series[:, 1:]) ** 2) / (3 * 6)
    assert fr.free_running_loss(params, series, 0) == pytest.approx(expected, rel=1e-13)


def test_free_running_steps_are_the_forecast():
    """With feed_back = k the loss's last k + 1 predictions are forecast(series[:, :T - k], k + 1)."""
    params, series = problem("gru", D=2, N=3, T=8)
    k, T = 3, 8
    predicted = fr.forecast(params, series[:, :T - k], k + 1)
    error = predicted - series[:, T - k:]
    # the loss splits into the T - k - 1 teacher-forced steps and these k + 1
    teacher_part = fr.free_running_loss(params, series[:, :T - k], 0) * 3 * (T - k - 1)
    expected = (teacher_part + 0.5 * np.sum(error ** 2)) / (3 * T)
    assert fr.free_running_loss(params, series, k) == pytest.approx(expected, rel=1e-12)


def test_forecast_and_horizon_rmse_by_hand():
    params, series = problem("rnn", N=2, T=9)
    model = cells.get_cell("rnn")
    warmup, horizon = series[:, :4], 6
    out = fr.forecast(params, warmup, horizon, activation="tanh")
    assert out.shape == (2, horizon, 1)
    state = (np.zeros((2, 3)),)
    inputs = list(warmup.transpose(1, 0, 2))
    by_hand = []
    for t in range(4 + horizon - 1):
        state, _ = model.step_forward(inputs[t], state, model.cell_params(params), "tanh")
        if t >= 3:
            y = state[0] @ params["V"].T + params["c"]
            by_hand.append(y)
            inputs.append(y)
    np.testing.assert_allclose(out, np.stack(by_hand, axis=1), rtol=1e-13)
    rmse = fr.horizon_rmse(params, series, 4, activation="tanh")
    np.testing.assert_allclose(rmse, np.sqrt(np.mean((fr.forecast(params, series[:, :4], 6, "tanh")
                                                      - series[:, 4:]) ** 2, axis=(0, 2))))
    truth = series[:, 4:] + 1.0
    np.testing.assert_allclose(fr.horizon_rmse(params, series, 4, "tanh", truth=truth),
                               np.sqrt(np.mean((out - truth) ** 2, axis=(0, 2))), rtol=1e-13)


def sine_problem():
    t = np.arange(80)
    x = np.sin(0.3 * t) + 0.1 * np.random.default_rng(0).normal(size=80)
    return x[np.arange(0, 50, 3)[:, None] + np.arange(21)][..., None]   # (17, 21, 1)


@pytest.mark.parametrize("feed_back", [0, 5])
def test_train_lowers_its_loss_deterministically_and_keeps_params(feed_back):
    series = sine_problem()
    params = cells.init_params("gru", 4, 1, 1, seed=0)
    before = {k: v.copy() for k, v in params.items()}
    model, losses = fr.train(params, series, feed_back=feed_back, epochs=30, learning_rate=0.02,
                             batch_size=8, seed=1)
    again, losses_again = fr.train(params, series, feed_back=feed_back, epochs=30, learning_rate=0.02,
                                   batch_size=8, seed=1)
    assert all(np.array_equal(params[k], before[k]) for k in params)
    assert losses.shape == (30,) and losses[-1] < 0.5 * losses[0]
    assert np.array_equal(losses, losses_again) and all(np.array_equal(model[k], again[k]) for k in model)
    assert isinstance(model, rh.Model) and model.cell == "gru"
    final = fr.free_running_loss(model, series, feed_back)
    assert final < fr.free_running_loss(params, series, feed_back)


def test_full_batch_train_is_adam_on_loss_and_grads():
    series = sine_problem()
    params = cells.init_params("rnn", 3, 1, 1, seed=2)
    model, losses = fr.train(params, series, feed_back=4, epochs=2, learning_rate=0.01,
                             clip_norm=None, activation="tanh")
    p = {k: v.copy() for k, v in params.items()}
    m1 = {k: np.zeros_like(v) for k, v in p.items()}
    m2 = {k: np.zeros_like(v) for k, v in p.items()}
    for step in (1, 2):
        loss, g = fr.loss_and_grads_loop(p, series, 4, "tanh")
        assert loss == pytest.approx(losses[step - 1], rel=1e-12)
        for k in p:
            m1[k] = 0.9 * m1[k] + 0.1 * g[k]
            m2[k] = 0.999 * m2[k] + 0.001 * g[k] ** 2
            p[k] = p[k] - 0.01 * (m1[k] / (1 - 0.9 ** step)) / (np.sqrt(m2[k] / (1 - 0.999 ** step)) + 1e-8)
    for k in p:
        np.testing.assert_allclose(model[k], p[k], rtol=1e-10, atol=1e-14, err_msg=k)
    assert model.activation == "tanh"
    # the trained Model brings its activation to forecast; another one is refused
    np.testing.assert_array_equal(fr.forecast(model, series[:, :5], 3),
                                  fr.forecast(dict(model), series[:, :5], 3, activation="tanh"))
    with pytest.raises(ValueError, match="activation: params was trained with 'tanh'"):
        fr.forecast(model, series[:, :5], 3, activation="sigmoid")


def test_train_stops_on_a_loss_that_is_not_finite():
    series = sine_problem()
    params = cells.init_params("gru", 3, 1, 1, seed=0)
    with mock.patch.object(fr, "_loss_and_grads", lambda *a: (float("nan"), {})):
        with pytest.raises(rh.TrainingDiverged, match="the loss became nan in epoch 1"):
            fr.train(params, series, epochs=3)


@pytest.mark.parametrize("call, error, message", [
    (lambda p, s: fr.loss_and_grads(p, s, 6), ValueError, r"feed_back=6 is too large .* at most T - 1 = 5"),
    (lambda p, s: fr.loss_and_grads(p, s, -1), ValueError, "feed_back must be at least 0"),
    (lambda p, s: fr.loss_and_grads(p, s, 1.0), TypeError, "feed_back must be a whole number"),
    (lambda p, s: fr.loss_and_grads(p, s[:, :1]), ValueError, "series has 1 step"),
    (lambda p, s: fr.loss_and_grads(p, s[..., [0, 0]]), ValueError, "series has 2 input features"),
    (lambda p, s: fr.loss_and_grads(cells.init_params("gru", 3, 1, 2), s), ValueError,
     "output_dim == input_dim"),
    (lambda p, s: fr.loss_and_grads(p, s, activation="tanh"), ValueError, "activation must be None"),
    (lambda p, s: fr.forecast(p, s, 0), ValueError, "horizon must be at least 1"),
    (lambda p, s: fr.horizon_rmse(p, s, 7), ValueError, "warmup_steps=7 leaves nothing to forecast"),
    (lambda p, s: fr.horizon_rmse(p, s, 3, truth=s), ValueError, r"truth must have shape .* \(2, 4, 1\)"),
    (lambda p, s: fr.train(p, s, epochs=0), ValueError, "epochs must be at least 1"),
    (lambda p, s: fr.train(p, s, batch_size=0), ValueError, "batch_size must be at least 1"),
])
def test_bad_arguments_are_named(call, error, message):
    params, series = problem("gru")
    with pytest.raises(error, match=message):
        call(params, series)
