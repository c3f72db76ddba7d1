"""A cell written outside the package (tests/own_cell.py: the four attributes of the cell
protocol, nothing else), registered by conftest.py as "mgu", works everywhere the built-in cells
do, with no edit to the package."""

import numpy as np
import pytest

import rnn_helpers as rh
from rnn_helpers import cells, text
from rnn_helpers.widgets import explorer_widget

import own_cell


def test_it_is_registered_with_its_weights():
    assert "mgu" in cells.names()
    params = cells.init_params("mgu", 5, 2, 3, seed=4)
    assert set(params) == {"W_fx", "W_fh", "b_f", "W_nx", "W_nh", "b_n", "V", "c"}
    assert params["V"].shape == (3, 5) and params["W_fx"].shape == (5, 2)
    cell_only = own_cell.init_params(5, 2, seed=4)
    assert all(np.array_equal(params[k], v) for k, v in cell_only.items())
    assert cells.cell_of(params) == "mgu"


def test_it_trains_on_the_sine_in_float64_and_float32(sine):
    X, Y, X_val, Y_val = sine
    params = cells.init_params("mgu", 16, seed=0)
    before = rh.rmse(rh.predict(params, X_val), Y_val)
    for dtype in ("float64", "float32"):
        model, history = rh.train(params, X, Y, X_val, Y_val, epochs=15, learning_rate=0.5,
                                  batch_size=10, truncate=10, dtype=dtype)
        assert model.cell == "mgu" and model.activation is None
        after = rh.rmse(rh.predict(model, X_val), Y_val)
        assert after < 0.5 * before, (dtype, before, after)
        assert history.val_loss[-1] < history.val_loss[0]


def test_float32_training_follows_float64(sine):
    X, Y, _, _ = sine
    params = cells.init_params("mgu", 6, seed=1)
    m64, _ = rh.train(params, X[:20, :12], Y[:20], epochs=3, learning_rate=0.2, batch_size=5)
    m32, _ = rh.train(params, X[:20, :12], Y[:20], epochs=3, learning_rate=0.2, batch_size=5,
                      dtype="float32")
    for k in m64:
        np.testing.assert_allclose(m32[k], m64[k], atol=1e-4)


@pytest.mark.parametrize("truncate", [None, 1, 3])
def test_its_gradients_pass_the_check(truncate):
    rng = np.random.default_rng(0)
    params = cells.init_params("mgu", 4, 2, 2, seed=3)
    params["b_f"] = rng.normal(scale=0.5, size=4)
    params["c"] = rng.normal(scale=0.5, size=2)
    X, Y = rng.normal(size=(3, 6, 2)), rng.normal(size=(3, 2))
    rh.assert_gradients_match(rh.check_gradients(params, X, Y, truncate=truncate))
    rh.assert_gradients_match(rh.check_gradients(params, X, Y, truncate=truncate, cell="mgu"))


def test_a_wrong_step_backward_fails_the_check(monkeypatch):
    """The check is not vacuous: a step_backward that drops one term fails it."""
    rng = np.random.default_rng(0)
    params = cells.init_params("mgu", 4, 2, 2, seed=3)
    X, Y = rng.normal(size=(3, 6, 2)), rng.normal(size=(3, 2))
    right = own_cell.step_backward

    def wrong(dstate_t, cache):
        dx, (dh_prev,), dparams = right(dstate_t, cache)
        return dx, (dh_prev * 0.9,), dparams

    monkeypatch.setattr(own_cell, "step_backward", wrong)
    with pytest.raises(AssertionError, match="W_"):
        rh.assert_gradients_match(rh.check_gradients(params, X, Y))


def test_it_predicts_and_forecasts(sine):
    X, Y, X_val, _ = sine
    params = cells.init_params("mgu", 8, seed=2)
    model, _ = rh.train(params, X, Y, epochs=3, learning_rate=0.5, batch_size=10)
    Y_hat = rh.predict(model, X_val)
    assert Y_hat.shape == (50, 1) and np.isfinite(Y_hat).all()
    ahead = rh.forecast(model, X_val[0], 5)
    assert ahead.shape == (5, 1)
    np.testing.assert_allclose(ahead[0], Y_hat[0])        # the first step is predict's


def test_its_state_gradients_are_the_gradients_of_the_loss():
    """dS[t - 1] = dloss/dh_t: checked by nudging h_t through the state the forward pass starts from."""
    rng = np.random.default_rng(5)
    params = cells.init_params("mgu", 3, 2, 1, seed=5)
    X, Y = rng.normal(size=(2, 5, 2)), rng.normal(size=(2, 1))
    dS = rh.state_gradients(params, X, Y)
    assert dS.shape == (5, 2, 3)
    np.testing.assert_array_equal(dS, rh.state_gradients(params, X, Y, cell="mgu"))
    model = cells.get_cell("mgu")
    _, cache = model.forward(params, X)
    t = 2                                                  # dloss/dh_2: restart from h_2
    h_t = cache["states"][t][0]

    def loss_from(h):
        return rh.mse_loss(model.forward(params, X[:, t:], state0=(h,))[0], Y)

    eps, numeric = 1e-5, np.zeros_like(h_t)
    for idx in np.ndindex(h_t.shape):
        up, down = h_t.copy(), h_t.copy()
        up[idx] += eps
        down[idx] -= eps
        numeric[idx] = (loss_from(up) - loss_from(down)) / (2 * eps)
    np.testing.assert_allclose(dS[t - 1], numeric, rtol=1e-6, atol=1e-10)


def test_it_trains_as_a_text_model():
    corpus = "to be or not to be that is the question " * 8
    vocab = text.char_vocab(corpus)
    ids = text.encode(corpus, vocab)
    K = len(vocab.chars)
    params = cells.init_params("mgu", 12, K, K, seed=0)
    bits_before = text.bits_per_char(params, ids)
    trained, history = text.train_text(params, ids, steps=60, seq_len=10, batch_size=4,
                                       learning_rate=0.02)
    assert text.bits_per_char(trained, ids) < bits_before - 1.0
    assert set(trained) == set(params)
    assert text.sample(trained, ids[:3], 10).shape == (10,)


def test_text_gradients_match_the_loop_and_finite_differences():
    rng = np.random.default_rng(2)
    K = 4
    params = cells.init_params("mgu", 3, K, K, seed=2)
    X_ids, Y_ids = rng.integers(K, size=(2, 5)), rng.integers(K, size=(2, 5))
    s0 = rng.normal(scale=0.3, size=(2, 3))
    loss, grads, s_T = text.loss_and_grads(params, X_ids, Y_ids, s0)
    loss_loop, grads_loop, s_T_loop = text.loss_and_grads_loop(params, X_ids, Y_ids, s0)
    assert loss == pytest.approx(loss_loop, rel=1e-12)
    np.testing.assert_allclose(s_T, s_T_loop, rtol=1e-12)
    numeric = rh.numerical_gradient(lambda p: text.loss_and_grads(p, X_ids, Y_ids, s0)[0], params)
    for k in params:
        np.testing.assert_allclose(grads_loop[k], grads[k], rtol=1e-10, atol=1e-14)
        assert rh.relative_error(grads[k], numeric[k]) < 1e-7, k


def test_it_appears_in_the_explorer():
    explorer = explorer_widget.Explorer()
    assert ("MGU", "mgu") in explorer.cell.options
    explorer.cell.value = "mgu"
    assert explorer.activation.disabled
    result = explorer_widget.retrain(explorer_widget.Settings(cell="mgu", hidden_size=8, epochs=2,
                                                              learning_rate=0.5))
    assert result.error is None and result.rmse < result.mean_rmse
