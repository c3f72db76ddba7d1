"""The contract every registered cell keeps (rnn_helpers.cells): the built-in RNN, LSTM and GRU,
and the test's own minimal gated unit (tests/own_cell.py, registered by conftest.py as "mgu").

Each test runs on every cell in rnn_helpers.cells.names(), through the cell's model
(rnn_helpers.cells.get_cell): for the built-in cells that is their vectorised code, which must equal
the same functions built from the cell's two steps (model.from_steps()). Each cell's own equations,
initialisation and argument checks are tested in its own file (test_rnn.py, test_lstm.py,
test_gru.py, test_own_cell.py).
"""

import copy

import numpy as np
import pytest

import rnn_helpers as rh
from rnn_helpers import cells

CELLS = cells.names()
T = 6
TRUNCATIONS = [None, 1, 2, T - 1, T, T + 4]


def problem(name, N=3, T=T, D=2, H=3, O=2, seed=0):
    """A small random problem: the cell's weights at init_params' scale, every bias and c drawn
    non-zero (so that their gradients, and their effect on the others, are tested)."""
    rng = np.random.default_rng(seed)
    params = cells.init_params(name, H, D, O, seed=seed)
    for key, value in params.items():
        if value.ndim == 1:
            params[key] = rng.normal(scale=0.5, size=value.shape)
    return params, rng.normal(size=(N, T, D)), rng.normal(size=(N, O))


@pytest.mark.parametrize("truncate", TRUNCATIONS, ids=lambda k: f"trunc-{k}")
@pytest.mark.parametrize("name", CELLS)
def test_gradients_match_numerical(name, truncate):
    params, X, Y = problem(name)
    errors = rh.check_gradients(params, X, Y, truncate=truncate)
    assert set(errors) == set(params)
    rh.assert_gradients_match(errors, tol=1e-7)


@pytest.mark.parametrize("name", CELLS)
def test_check_fails_on_a_gradient_wrong_by_one_part_in_a_million(name, monkeypatch):
    params, X, Y = problem(name)
    model = cells.get_cell(name)
    right = model.loss_and_grads
    key = sorted(model.keys)[0]

    def wrong(*args, **kwargs):
        loss, grads = right(*args, **kwargs)
        g = grads[key]
        g[np.unravel_index(np.argmax(np.abs(g)), g.shape)] *= 1 + 1e-6
        return loss, grads

    monkeypatch.setattr(model, "loss_and_grads", wrong)
    errors = rh.check_gradients(params, X, Y)
    assert errors[key] > 1e-7
    assert max(err for k, err in errors.items() if k != key) < 1e-9
    with pytest.raises(AssertionError, match=f"{key}: "):
        rh.assert_gradients_match(errors, tol=1e-7)


@pytest.mark.parametrize("truncate", TRUNCATIONS, ids=lambda k: f"trunc-{k}")
@pytest.mark.parametrize("name", CELLS)
def test_vectorised_equals_one_record_loop_and_the_steps(name, truncate):
    params, X, Y = problem(name, N=4)
    model = cells.get_cell(name)
    loss, grads = model.loss_and_grads(params, X, Y, truncate)
    for other in (model.loss_and_grads_loop, model.from_steps().loss_and_grads,
                  model.from_steps().loss_and_grads_loop):
        loss_b, grads_b = other(params, X, Y, truncate)
        assert loss_b == pytest.approx(loss, rel=1e-12)
        for key in params:
            np.testing.assert_allclose(grads_b[key], grads[key], rtol=1e-9, atol=1e-13, err_msg=key)


@pytest.mark.parametrize("name", CELLS)
def test_truncate_at_or_beyond_T_is_full_bptt_bit_for_bit(name):
    params, X, Y = problem(name)
    model = cells.get_cell(name)
    full = model.loss_and_grads(params, X, Y)[1]
    for k in (T, T + 4):
        grads = model.loss_and_grads(params, X, Y, truncate=k)[1]
        assert all(np.array_equal(grads[key], full[key]) for key in params)
    assert model.truncated_loss(params, X, Y, T + 1) == model.loss_and_grads(params, X, Y)[0]


@pytest.mark.parametrize("name", CELLS)
def test_truncated_gradient_is_not_a_finite_difference_of_the_full_loss(name):
    """Truncation changes the recurrent weights' gradient, and a check against the full loss sees it
    (the check of a truncated gradient must differentiate the truncated objective)."""
    params, X, Y = problem(name)
    model = cells.get_cell(name)
    full = model.loss_and_grads(params, X, Y)[1]
    cut = model.loss_and_grads(params, X, Y, truncate=2)[1]
    assert all(np.array_equal(cut[key], full[key]) for key in ("V", "c"))
    assert max(rh.relative_error(cut[key], full[key]) for key in model.keys) > 1e-3
    numeric = rh.numerical_gradient(lambda p: model.truncated_loss(p, X, Y, None), params)
    assert max(rh.relative_error(cut[key], numeric[key]) for key in model.keys) > 1e-3


@pytest.mark.parametrize("name", CELLS)
def test_step_backward_matches_numerical(name):
    """The protocol's step_backward: dx_t, every dstate_prev and dparams against finite differences
    of sum(dstate_t * state_t), with a random upstream dstate_t."""
    model = cells.get_cell(name)
    rng = np.random.default_rng(1)
    params, _, _ = problem(name)
    weights = model.cell_params(params)
    N, H, D = 2, 3, 2
    x = rng.normal(size=(N, D))
    state = tuple(rng.normal(scale=0.5, size=(N, H)) for _ in model.states)
    upstream = tuple(rng.normal(size=(N, H)) for _ in model.states)
    dx, dprev, dparams = model.step_backward(upstream, model.step_forward(x, state, weights)[1])

    def f(p):
        out = model.step_forward(p["x"], tuple(p[f"s{i}"] for i in range(len(state))), p["w"])[0]
        return sum(float(np.sum(u * o)) for u, o in zip(upstream, out))

    inputs = {"x": x, **{f"s{i}": s for i, s in enumerate(state)}}
    numeric = rh.numerical_gradient(lambda p: f({**p, "w": weights}), inputs)
    assert rh.relative_error(dx, numeric["x"]) < 1e-8
    for i, d in enumerate(dprev):
        assert rh.relative_error(d, numeric[f"s{i}"]) < 1e-8, model.states[i]
    numeric_w = rh.numerical_gradient(lambda w: f({**inputs, "w": w}), weights)
    for key in weights:
        assert rh.relative_error(dparams[key], numeric_w[key]) < 1e-8, key


@pytest.mark.parametrize("name", CELLS)
def test_forward_from_a_given_state_continues_the_sequence(name):
    params, X, Y = problem(name)
    model = cells.get_cell(name)
    Y_hat, cache = model.forward(params, X)
    _, start = model.forward(params, X[:, :2])
    Y_rest, _ = model.forward(params, X[:, 2:], state0=start["states"][-1])
    np.testing.assert_allclose(Y_rest, Y_hat, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(model.predict(params, X), Y_hat, rtol=1e-12, atol=1e-14)
    grads = model.backward((Y_hat - Y) / Y.shape[0], cache, truncate=3)
    expected = model.loss_and_grads(params, X, Y, truncate=3)[1]
    for key in params:
        np.testing.assert_allclose(grads[key], expected[key], rtol=1e-9, atol=1e-13, err_msg=key)


@pytest.mark.parametrize("name", CELLS)
def test_shapes_dtypes_and_inputs_unchanged(name):
    params, X, Y = problem(name, N=5, D=3, O=2)
    before = copy.deepcopy((params, X, Y))
    model = cells.get_cell(name)
    loss, grads = model.loss_and_grads(params, X, Y, truncate=2)
    assert isinstance(loss, float)
    assert {k: (v.shape, v.dtype) for k, v in grads.items()} == \
        {k: (v.shape, v.dtype) for k, v in params.items()}
    assert model.predict(params, X).shape == (5, 2)
    assert model.state_gradients(params, X, Y).shape == (T, 5, 3)
    assert all(np.array_equal(a, b) for a, b in zip(before[0].values(), params.values()))
    assert np.array_equal(before[1], X) and np.array_equal(before[2], Y)


@pytest.mark.parametrize("name", CELLS)
def test_lists_and_integer_arrays_are_accepted(name):
    params, X, Y = problem(name)
    model = cells.get_cell(name)
    X_int = np.round(3 * X).astype(int)
    expected = model.loss_and_grads(params, X_int.astype(float), Y)
    got = model.loss_and_grads(params, X_int.tolist(), Y.tolist())
    assert got[0] == expected[0]


@pytest.mark.parametrize("name", CELLS)
def test_state_gradients_equal_those_built_from_the_steps(name):
    """The first state's gradients, vectorised (built-in cells) and walked back through the steps."""
    params, X, Y = problem(name)
    model = cells.get_cell(name)
    np.testing.assert_allclose(model.state_gradients(params, X, Y),
                               model.from_steps().state_gradients(params, X, Y), rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("name", CELLS)
def test_every_cell_trains_in_float64_and_float32(name):
    params, X, Y = problem(name, N=8, O=1, D=1)
    for dtype in ("float64", "float32"):
        model, history = rh.train(params, X, Y, epochs=30, learning_rate=0.1, batch_size=8,
                                  dtype=dtype)
        assert model.cell == name
        assert history.train_loss[-1] < history.train_loss[0]
