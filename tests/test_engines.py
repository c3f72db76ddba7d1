"""The training engines (rnn_helpers._engines) against the readable modules they speed up.

Each engine holds the parameters in one flat vector, in its own layout (the LSTM's gate blocks
reordered, biases beside their weights), in float64 or float32. In float64 its loss, gradient and
predictions must be those of the cell's readable loss_and_grads and forward, to rounding; in
float32, close to them; and export() must give back exactly the params it was built from.
"""

import numpy as np
import pytest

import rnn_helpers as rh
from conftest import random_problem
from rnn_helpers import gru, gru_reset_before, lstm
from rnn_helpers._engines import ReadableEngine
from rnn_helpers._engines import make_engine as engine_of

GATED = {"lstm": lstm, "gru": gru, "gru_before": gru_reset_before}
SHAPES = [dict(N=5, T=6, D=2, H=3, O=2), dict(N=4, T=7, D=1, H=5, O=1),
          dict(N=3, T=1, D=1, H=2, O=1), dict(N=1, T=9, D=3, H=4, O=2)]
TRUNCATIONS = [None, 1, 2, 5, 6, 13]


def gated_problem(module, N, T, D, H, O, seed=0):
    """Random weights (not init_params' scale: no gate sits at a convenient value) and data."""
    rng = np.random.default_rng(seed)
    params = {name: rng.normal(scale=0.6, size=value.shape)
              for name, value in module.init_params(H, D, O, seed=seed).items()}
    return params, rng.normal(size=(N, T, D)), rng.normal(size=(N, O))


def problems():
    """(cell, activation, params, X, Y) for every cell and shape."""
    for i, shape in enumerate(SHAPES):
        for cell, module in GATED.items():
            yield (cell, None, *gated_problem(module, **shape, seed=i))
        for activation in ("tanh", "sigmoid"):
            yield ("rnn", activation, *random_problem(**shape, biases=bool(i % 2), seed=i))


def readable(cell, activation, params, X, Y, truncate):
    if cell == "rnn":
        return rh.loss_and_grads(params, X, Y, truncate, activation)
    return GATED[cell].loss_and_grads(params, X, Y, truncate=truncate)


def engine_gradient(engine, params, cell, activation):
    """The engine's flat gradient as the cell's params dict, through another engine's export()."""
    zeros = {name: np.zeros_like(value) for name, value in params.items()}
    other = make_engine(zeros, cell, activation, engine.theta.dtype)
    other.theta[...] = engine.grad
    return other.export()


def make_engine(params, cell, activation, dtype):
    """The engine train() uses for this cell: the registered fast one, or the readable one."""
    model = rh.get_cell(cell)
    return engine_of(params, model, model.options(activation), dtype)


def problem_id(problem):
    cell, activation, params, X, _ = problem
    return f"{cell}-{activation or ''}-{'x'.join(map(str, X.shape))}-{len(params)}keys"


PROBLEMS = list(problems())


@pytest.mark.parametrize("problem", PROBLEMS, ids=[problem_id(p) for p in PROBLEMS])
def test_export_gives_back_the_params(problem):
    cell, activation, params, _, _ = problem
    exported = make_engine(params, cell, activation, np.float64).export()
    assert list(exported) == list(params)
    for name in params:
        assert exported[name].dtype == np.float64, name
        assert np.array_equal(exported[name], params[name]), name


@pytest.mark.parametrize("truncate", TRUNCATIONS)
@pytest.mark.parametrize("problem", PROBLEMS, ids=[problem_id(p) for p in PROBLEMS])
def test_engine_equals_the_readable_module_in_float64(problem, truncate):
    cell, activation, params, X, Y = problem
    loss, grads = readable(cell, activation, params, X, Y, truncate)
    engine = make_engine(params, cell, activation, np.float64)
    assert engine.loss_and_grad(X, Y, truncate) == pytest.approx(loss, rel=1e-12)
    mine = engine_gradient(engine, params, cell, activation)
    for name in grads:
        scale = np.abs(grads[name]).max() + 1e-300
        assert np.abs(mine[name] - grads[name]).max() <= 1e-12 * scale, name
    Y_hat = rh.predict(rh.Model(params, cell, activation), X)
    np.testing.assert_allclose(engine.predict(X), Y_hat, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("cell", list(GATED))
def test_an_engine_reuses_its_buffers_without_mixing_batches(cell):
    """Two batch shapes in turn, and the same batch again: each result as computed fresh."""
    module = GATED[cell]
    params, X, Y = gated_problem(module, N=6, T=8, D=2, H=4, O=1)
    engine = make_engine(params, cell, None, np.float64)
    first = engine.loss_and_grad(X[:4], Y[:4], 3), engine.grad.copy()
    engine.loss_and_grad(X[4:], Y[4:], None)
    engine.predict(X)
    again = engine.loss_and_grad(X[:4], Y[:4], 3), engine.grad.copy()
    assert first[0] == again[0] and np.array_equal(first[1], again[1])


@pytest.mark.parametrize("cell", list(GATED))
def test_float32_engines_are_close_to_float64(cell):
    module = GATED[cell]
    params, X, Y = gated_problem(module, N=20, T=50, D=1, H=16, O=1)
    params = {name: value * 0.5 for name, value in params.items()}
    for truncate in (5, None):
        loss, grads = module.loss_and_grads(params, X, Y, truncate=truncate)
        engine = make_engine(params, cell, None, np.float32)
        assert engine.theta.dtype == np.float32
        assert engine.loss_and_grad(X.astype(np.float32), Y.astype(np.float32), truncate) == \
            pytest.approx(loss, rel=1e-5)
        mine = engine_gradient(engine, params, cell, None)
        for name in grads:
            np.testing.assert_allclose(mine[name], grads[name], rtol=0,
                                       atol=1e-5 * np.abs(grads[name]).max())


@pytest.mark.parametrize("cell", list(GATED))
def test_float32_stops_walking_back_once_the_gradient_underflows(cell):
    """Tiny recurrent weights and, for the LSTM, closed forget gates: dh (and dc) shrink by a large
    factor per step and fall below float32's normal numbers within the 60 steps. The walk back stops
    there, and the gradient is still float64's to float32's precision."""
    module = GATED[cell]
    params, X, Y = gated_problem(module, N=4, T=60, D=1, H=6, O=1)
    params["W_h"] *= 1e-4
    if cell == "lstm":
        params["b"][6:12] = -30.0                     # f = sigmoid(-30): almost nothing carried
    else:                                             # z = sigmoid(-30): h_{t-1} is not kept
        params["b_x" if "b_x" in params else "b_xh"][6:12] = -30.0
    _, grads = module.loss_and_grads(params, X, Y)
    engine = make_engine(params, cell, None, np.float32)
    engine.loss_and_grad(X.astype(np.float32), Y.astype(np.float32), None)
    assert engine.walked < 60, "the case must reach float32's subnormal range"
    mine = engine_gradient(engine, params, cell, None)
    for name in grads:
        np.testing.assert_allclose(mine[name], grads[name], rtol=0,
                                   atol=1e-5 * np.abs(grads[name]).max())
    in64 = make_engine(params, cell, None, np.float64)
    in64.loss_and_grad(X, Y, None)
    assert in64.walked == 60                          # float64's range is far wider: no stop


@pytest.mark.parametrize("cell", list(GATED))
def test_train_in_float32_is_close_to_float64_for_the_gated_cells(sine, cell):
    X, Y, X_val, Y_val = sine
    kwargs = dict(epochs=3, learning_rate=0.5, batch_size=20, truncate=5)
    params = GATED[cell].init_params(16, seed=0)
    m64, h64 = rh.train(params, X, Y, X_val, Y_val, **kwargs)
    m32, h32 = rh.train(params, X, Y, X_val, Y_val, dtype="float32", **kwargs)
    assert h32.settings["dtype"] == "float32" and m32.cell == cell
    assert all(v.dtype == np.float64 for v in m32.values())
    assert not all(np.array_equal(m32[k], m64[k]) for k in m64)     # really computed in float32
    for name in m64:
        np.testing.assert_allclose(m32[name], m64[name], rtol=0, atol=1e-5)
    np.testing.assert_allclose(h32.val_loss, h64.val_loss, rtol=1e-4)


@pytest.mark.parametrize("problem", PROBLEMS[:6], ids=problem_id)
@pytest.mark.parametrize("truncate", [None, 2])
def test_fast_engines_equal_the_readable_engine(problem, truncate):
    """The readable engine (any cell's fallback, built from its steps) gives what the fast one does."""
    cell, activation, params, X, Y = problem
    model = rh.get_cell(cell)
    fast = make_engine(params, cell, activation, np.float64)
    slow = ReadableEngine(params, model, model.options(activation), np.float64)
    assert fast.loss_and_grad(X, Y, truncate) == pytest.approx(slow.loss_and_grad(X, Y, truncate),
                                                               rel=1e-12)
    grads = engine_gradient(fast, params, cell, activation)
    for name, g in grads.items():
        np.testing.assert_allclose(slow.flat_grad[name], g, rtol=1e-9, atol=1e-13, err_msg=name)
    np.testing.assert_allclose(slow.predict(X), fast.predict(X), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_a_cell_without_a_fast_engine_trains_on_the_readable_one(dtype):
    params = rh.cells.init_params("mgu", 3, 2, 2, seed=0)
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(4, 5, 2)), rng.normal(size=(4, 2))
    engine = make_engine(params, "mgu", None, dtype)
    assert isinstance(engine, ReadableEngine) and engine.theta.dtype == dtype
    loss = engine.loss_and_grad(X.astype(dtype), Y.astype(dtype), 3)
    expected_loss, expected = rh.get_cell("mgu").loss_and_grads(params, X, Y, truncate=3)
    tol = 1e-12 if dtype == np.float64 else 1e-5
    assert loss == pytest.approx(expected_loss, rel=tol)
    for name, g in expected.items():
        np.testing.assert_allclose(engine.flat_grad[name], g, rtol=tol * 10, atol=tol, err_msg=name)
    exported = engine.export()                 # float64 again, rounded to the engine's dtype
    assert all(v.dtype == np.float64 and np.array_equal(v, params[k].astype(dtype))
               for k, v in exported.items())
