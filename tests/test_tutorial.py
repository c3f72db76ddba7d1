"""The flawed reference (rnn_helpers.tutorial) behaves as the original tutorial does.

These tests keep notebook 7's claims true: the tutorial's gradients fail a numerical check, its
prediction loop is not its training forward pass, its loss is a sum, and trained as published it
is no better than the simplest baseline.
"""

import numpy as np
import pytest

import rnn_helpers as rh
from rnn_helpers import tutorial as tu


def small_problem(H=4, T=6, N=3, seed=0, scheme="tutorial"):
    """The tutorial's architecture at a size a numerical check can afford, with sine-like data."""
    rng = np.random.default_rng(seed)
    if scheme == "tutorial":
        params = tu.tutorial_init(H, T, seed=seed)
    else:
        params = rh.init_params(H, input_dim=T, seed=seed, biases=False, scale=0.5)
    X = np.sin(rng.uniform(0, 6, size=(N, 1)) + np.arange(T))[:, :, None]
    Y = rng.uniform(-1, 1, size=(N, 1))
    return params, X, Y


def test_tutorial_init_is_uniform_0_1_without_biases():
    p = tu.tutorial_init(seed=3)
    assert {k: v.shape for k, v in p.items()} == {"U": (100, 50), "W": (100, 100), "V": (1, 100)}
    assert all(v.min() >= 0 and v.max() < 1 for v in p.values())
    q = rh.init_params(100, input_dim=50, seed=3, biases=False, scheme="tutorial")
    assert all(np.array_equal(p[k], q[k]) for k in p)


def test_position_inputs_run_the_tutorial_architecture_in_the_package():
    """tutorial_forward is the standard RNN with input_dim = T fed one-hot-masked inputs."""
    params, X, _ = small_problem(scheme="small")
    X_pos = tu.position_inputs(X)
    assert X_pos.shape == (3, 6, 6)
    assert np.array_equal(X_pos[:, 2, 2], X[:, 2, 0]) and X_pos[:, 2, 3].tolist() == [0, 0, 0]
    Y_hat, states, z_T = tu.tutorial_forward(params, X)
    Y_ref, cache = rh.forward(params, X_pos, "sigmoid")
    np.testing.assert_allclose(states, cache["states"], rtol=0, atol=1e-14)
    np.testing.assert_allclose(Y_hat, Y_ref, rtol=0, atol=1e-14)
    np.testing.assert_allclose(rh.sigmoid(z_T), states[-1], rtol=0, atol=1e-15)


def test_prediction_loop_feeds_the_whole_window_unlike_training():
    params, X, _ = small_problem(scheme="small")
    preds = tu.tutorial_predict(params, X)
    trained_way = tu.tutorial_forward(params, X)[0]
    assert np.abs(preds - trained_way).max() > 1e-2
    # it is the standard RNN fed the whole window x_1 .. x_T as its input at every step
    X_whole = np.repeat(X[:, None, :, 0], X.shape[1], axis=1)          # (N, T, T)
    np.testing.assert_allclose(preds, rh.predict(params, X_whole, "sigmoid"), rtol=0, atol=1e-14)


def test_loss_is_a_sum_over_records():
    params, X, Y = small_problem(scheme="small")
    mean_loss = rh.mse_loss(rh.predict(params, tu.position_inputs(X), "sigmoid"), Y)
    assert tu.tutorial_loss(params, X, Y) == pytest.approx(X.shape[0] * mean_loss, rel=1e-12)


@pytest.mark.parametrize("scheme", ["tutorial", "small"])
def test_flawed_gradients_fail_the_numerical_check(scheme):
    """Far above the check's tolerance of 1e-7 on U, W and V; the package's gradient passes."""
    params, X, Y = small_problem(scheme=scheme)
    x, y = X[:1], Y[:1]
    X_pos, truncate = tu.position_inputs(x), 3
    frozen = {k: v.copy() for k, v in params.items()}
    numeric = rh.numerical_gradient(
        lambda p: rh.truncated_loss(p, X_pos, y, truncate, "sigmoid", state_params=frozen), params)
    flawed = tu.tutorial_gradients(params, x[0], y[0], truncate)
    errors = {k: rh.relative_error(flawed[k], numeric[k]) for k in params}
    assert min(errors.values()) > 1e-2, errors
    with pytest.raises(AssertionError, match="U: .*W: "):
        rh.assert_gradients_match(errors)
    rh.assert_gradients_match(rh.check_gradients(params, X_pos, y, truncate, "sigmoid"))


def test_flawed_dU_and_dW_do_not_depend_on_the_error():
    params, X, Y = small_problem(scheme="small")
    a = tu.tutorial_gradients(params, X[0], Y[0])
    b = tu.tutorial_gradients(params, X[0], -Y[0] + 5.0)
    assert np.array_equal(a["U"], b["U"]) and np.array_equal(a["W"], b["W"])
    assert not np.allclose(a["V"], b["V"])
    # every column of dU and of dW is the same vector
    assert np.array_equal(a["U"], np.repeat(a["U"][:, :1], a["U"].shape[1], axis=1))
    assert np.array_equal(a["W"], np.repeat(a["W"][:, :1], a["W"].shape[1], axis=1))


@pytest.mark.parametrize("truncate", [1, 3, 5, 50])
def test_closed_form_equals_the_loop(truncate):
    params, X, Y = small_problem(H=5, T=7, scheme="small")
    for n in range(X.shape[0]):
        loop = tu.tutorial_gradients(params, X[n], Y[n], truncate)
        Y_hat, states, _ = tu.tutorial_forward(params, X[n:n + 1])
        fast = tu._tutorial_gradients_fast(params, X[n], states[:, 0], Y_hat[0] - Y[n], truncate)
        for k in params:
            np.testing.assert_allclose(fast[k], loop[k], rtol=1e-12, atol=1e-12)


def test_train_fast_and_literal_agree_and_do_not_mutate():
    params, X, Y = small_problem(H=5, T=7, N=4)
    before = {k: v.copy() for k, v in params.items()}
    lines = []
    fast, log_f = tu.tutorial_train(params, X, Y, X[:2], Y[:2], epochs=3, learning_rate=1e-2,
                                    progress=lines.append)
    literal, log_l = tu.tutorial_train(params, X, Y, X[:2], Y[:2], epochs=3, learning_rate=1e-2,
                                       literal=True)
    for k in params:
        np.testing.assert_allclose(fast[k], literal[k], rtol=1e-10, atol=1e-12)
        assert np.array_equal(params[k], before[k])
    np.testing.assert_allclose(log_f.train_loss, log_l.train_loss, rtol=1e-10)
    assert len(lines) == 3 and lines[0].startswith("epoch  1/3: loss ")
    assert log_f.train_loss[0] == tu.tutorial_loss(params, X, Y)   # logged before the updates


def published_backward(U, W, V, x, y, bptt_truncate):
    """The published backward pass for one record, re-read from the tutorial's text for this test.

    Written independently of rnn_helpers.tutorial, in the order the tutorial gives it: column
    vectors, 0-based steps, a one-hot input per step, the logistic function written as
    1 / (1 + exp(-a)), and the published loop bounds. U (H, T), W (H, H), V (O, H), x (T,), y (O,).
    Returns (dU, dW, dV) before clipping.
    """
    H, T = U.shape
    kept = []                                    # per step: (state after it, state before it)
    before = np.zeros((H, 1))
    for step in range(T):
        one_hot = np.zeros((T, 1))
        one_hot[step] = x[step]
        after = 1.0 / (1.0 + np.exp(-(U @ one_hot + W @ before)))
        kept.append((after, before))
        before = after
    out_error = V @ before - np.reshape(y, (-1, 1))            # (O, 1)
    dU, dW, dV = np.zeros_like(U), np.zeros_like(W), np.zeros_like(V)
    sum_U, sum_W = np.zeros_like(U), np.zeros_like(W)          # created once, never cleared
    for step in range(T):
        # The published pass also builds a derivative factor and a back-propagated state here and
        # in the inner loop; nothing it returns reads them, so they are left out.
        dV_step = out_error @ kept[step][0].T                  # (O, H): every step's state
        for _ in range(step - 1, max(-1, step - bptt_truncate - 1), -1):
            sum_W += W @ kept[step][1]           # (H, 1) spread over every column; step's own
            one_hot = np.zeros((T, 1))           # previous state and input, whichever step the
            one_hot[step] = x[step]              # walk has reached
            sum_U += U @ one_hot
        dV += dV_step
        dU += sum_U
        dW += sum_W
    return dU, dW, dV


def literal_problem(N=1, seed=5):
    """H = 3, T = 6, the tutorial's uniform(0, 1) weights, and windows of a sine wave."""
    rng = np.random.default_rng(seed)
    params = tu.tutorial_init(3, 6, seed=seed)
    X = np.sin(rng.uniform(0, 6, size=(N, 1)) + np.arange(6))[:, :, None]
    return params, X


@pytest.mark.parametrize("truncate", [1, 3, 50])
def test_backward_pass_is_the_published_one(truncate):
    """tutorial_gradients and its closed form give the numbers of the published loops, to rounding
    (the logistic function is computed differently there, so states differ in the last bits).

    This pins the published algorithm itself (walk lengths, which step's state is read, running
    sums never cleared, dV from every step), not only properties of it.
    """
    params, X = literal_problem()
    x, y = X[0], np.array([0.4])
    dU, dW, dV = published_backward(params["U"], params["W"], params["V"], x[:, 0], y, truncate)
    loop = tu.tutorial_gradients(params, x, y, truncate)
    Y_hat, states, _ = tu.tutorial_forward(params, x[None])
    fast = tu._tutorial_gradients_fast(params, x, states[:, 0], Y_hat[0] - y, truncate)
    for grads in (loop, fast):
        for name, expected in (("U", dU), ("W", dW), ("V", dV)):
            np.testing.assert_allclose(grads[name], expected, rtol=1e-12, atol=0, err_msg=name)
    assert np.abs(dW).max() > 0 and np.abs(dU).max() > 0   # the walk did add something


@pytest.mark.parametrize("literal", [False, True])
def test_clipped_updates_are_the_published_ones(literal):
    """Two records, one epoch: each record's published gradient, clipped to [-10, 10] entry by
    entry, then p <- p - lr g, record after record. The clip acts at both ends, not everywhere."""
    params, X = literal_problem(N=2)
    Y = np.array([[5.0], [-7.0]])
    U, W, V = (params[name].copy() for name in ("U", "W", "V"))
    clipped_low = clipped_high = untouched = 0
    for n in range(2):
        grads = published_backward(U, W, V, X[n, :, 0], Y[n], 5)
        clipped_low += sum(int((g < -10).sum()) for g in grads)
        clipped_high += sum(int((g > 10).sum()) for g in grads)
        untouched += sum(int((np.abs(g) <= 10).sum()) for g in grads)
        U, W, V = (p - 0.01 * np.clip(g, -10, 10) for p, g in zip((U, W, V), grads))
    assert clipped_low and clipped_high and untouched, (clipped_low, clipped_high, untouched)
    trained, _ = tu.tutorial_train(params, X, Y, X, Y, epochs=1, learning_rate=0.01,
                                   literal=literal)
    for name, expected in (("U", U), ("W", W), ("V", V)):
        np.testing.assert_allclose(trained[name], expected, rtol=1e-12, atol=1e-15, err_msg=name)


def test_one_update_as_published():
    """Clip every entry to [-10, 10], then p <- p - lr g, one record."""
    params, X, Y = small_problem(H=5, T=7, N=1)
    g = rh.clip_elementwise(tu.tutorial_gradients(params, X[0], Y[0], 5), 10.0)
    trained, _ = tu.tutorial_train(params, X, Y, X, Y, epochs=1, learning_rate=0.1)
    for k in params:
        np.testing.assert_allclose(trained[k], params[k] - 0.1 * g[k], rtol=1e-12, atol=1e-14)


def test_trained_as_published_is_no_better_than_the_mean(sine):
    """Seed 0, 25 epochs: the loss falls from above 1e5 to about 20, and the model is no better
    than predicting the mean (within 10%), whichever way it predicts."""
    X, Y, X_val, Y_val = sine
    trained, log = tu.tutorial_train(tu.tutorial_init(seed=0), X, Y, X_val, Y_val)
    mean_rmse = rh.rmse(rh.predict_mean(Y, len(Y_val)), Y_val)
    # the first five epochs: the constant output sum(V) = 52.5, 42.5, ... falls by 10 per epoch
    outputs = np.sqrt(2 * log.train_loss[:5] / len(Y))
    np.testing.assert_allclose(np.diff(outputs), -10.0, atol=0.05)
    assert log.train_loss[0] > 1e5 and 10 < log.train_loss[-1] < 30
    trained_way = rh.rmse(tu.tutorial_forward(trained, X_val)[0], Y_val)
    its_loop = rh.rmse(tu.tutorial_predict(trained, X_val), Y_val)
    assert trained_way > 0.9 * mean_rmse and its_loop > mean_rmse


def test_first_epochs_fall_by_ten_on_another_draw(sine):
    """Seed 1, five epochs: the clipped walk (10 per epoch) does not depend on the draw."""
    X, Y, X_val, Y_val = sine
    _, log = tu.tutorial_train(tu.tutorial_init(seed=1), X, Y, X_val, Y_val, epochs=5)
    outputs = np.sqrt(2 * log.train_loss / len(Y))
    np.testing.assert_allclose(np.diff(outputs), -10.0, atol=0.05)


def test_with_correct_gradients_the_tutorial_init_only_learns_V(sine):
    X, Y, _, _ = sine
    params = tu.tutorial_init(seed=0)
    _, states, _ = tu.tutorial_forward(params, X)
    assert np.all(states[3:] == 1.0)
    _, grads = rh.loss_and_grads(params, tu.position_inputs(X), Y, truncate=5)
    assert not grads["U"].any() and not grads["W"].any() and grads["V"].any()


@pytest.mark.parametrize("call, exc, message", [
    (lambda p, X, Y: tu.tutorial_forward(rh.init_params(4, 6), X), ValueError, "no biases"),
    (lambda p, X, Y: tu.tutorial_forward(p, X[:, :5]), ValueError, "needs T = 6"),
    (lambda p, X, Y: tu.tutorial_forward(p, X[..., [0, 0]]), ValueError, "one series"),
    (lambda p, X, Y: tu.tutorial_predict(p, X[0]), ValueError, "X must have 3 dimensions"),
    (lambda p, X, Y: tu.tutorial_predict(p, X * np.nan), ValueError, "X contains NaN"),
    (lambda p, X, Y: tu.tutorial_loss(p, X, Y[:2]), ValueError, r"Y has shape \(2, 1\)"),
    (lambda p, X, Y: tu.tutorial_gradients(p, X, Y[0]), ValueError, "x must have 2 dimensions"),
    (lambda p, X, Y: tu.tutorial_gradients(p, X[0], Y[0], truncate=0), ValueError,
     "truncate must be at least 1"),
    (lambda p, X, Y: tu.tutorial_gradients(p, X[0], [1.0, 2.0]), ValueError, "y has shape"),
    (lambda p, X, Y: tu.tutorial_train(p, X, Y, X, Y, epochs=0), ValueError, "epochs must be"),
    (lambda p, X, Y: tu.tutorial_train(p, X, Y, X, Y, clip=-1), ValueError, "clip must be"),
    (lambda p, X, Y: tu.tutorial_train(p, X, Y, X, Y, learning_rate=0), ValueError,
     "learning_rate must be"),
    (lambda p, X, Y: tu.tutorial_train(p, X, Y, X[:, :4], Y), ValueError, "X_val has windows of 4"),
    (lambda p, X, Y: tu.tutorial_train(p, X, Y, X, Y[:1]), ValueError, "Y_val has shape"),
    (lambda p, X, Y: tu.tutorial_train(p, X, Y, X, Y, progress="yes"), TypeError,
     "progress must be None or a function"),
    (lambda p, X, Y: tu.tutorial_train({"U": p["U"]}, X, Y, X, Y), ValueError, "missing"),
    (lambda p, X, Y: tu.position_inputs(X[..., 0]), ValueError, "X must have 3 dimensions"),
])
def test_bad_input_gets_a_clear_error(call, exc, message):
    params, X, Y = small_problem()
    with pytest.raises(exc, match=message):
        call(params, X, Y)
