"""The three cells through the package's common machinery: training, prediction and the gradient
check read the cell off the params' keys (rnn_helpers.cells.cell_of) and call its module.

The equations, gradients and bad inputs of each gated cell are tested in test_lstm.py and
test_gru.py; here, that rh.train, rh.train_reference, rh.predict and rh.check_gradients treat the
LSTM and the GRU as they treat the vanilla RNN.
"""

import numpy as np
import pytest

import rnn_helpers as rh
from conftest import random_problem
from rnn_helpers import gru, lstm
from rnn_helpers._checks import check_inputs as rnn_check_inputs

GATED = {"lstm": lstm, "gru": gru}


def gated_problem(module, N=5, T=6, D=2, H=3, O=2, seed=0):
    """A small random problem for an LSTM or a GRU, with non-zero biases."""
    rng = np.random.default_rng(seed)
    params = module.init_params(H, D, O, seed=seed)
    for name, value in params.items():
        if name.startswith("b") or name == "c":
            params[name] = rng.normal(scale=0.5, size=value.shape)
    return params, rng.normal(size=(N, T, D)), rng.normal(size=(N, O))


# --- one module per cell -------------------------------------------------------------------------

@pytest.mark.parametrize("name", rh.CELLS)
def test_each_built_in_cell_module_has_the_common_names(name):
    module = getattr(rh, name)
    for attr in ("init_params", "check_inputs", "step_forward", "step_backward", "forward",
                 "backward", "loss_and_grads", "loss_and_grads_loop", "truncated_loss", "CELL"):
        assert callable(getattr(module, attr)) or attr == "CELL", attr
    assert all(hasattr(module, attr) for attr in module.__all__)
    assert not hasattr(module, "check_gradients")      # one for every cell: rh.check_gradients
    assert rh.cell_of(module.init_params(3)) == name


@pytest.mark.parametrize("name", rh.cells.names())
def test_every_registered_cell_has_the_sequence_functions(name):
    model = rh.get_cell(name)
    assert model.name == name
    for attr in ("init_params", "check_inputs", "step_forward", "step_backward", "forward",
                 "backward", "loss_and_grads", "loss_and_grads_loop", "truncated_loss", "predict",
                 "state_gradients"):
        assert callable(getattr(model, attr)), attr
    assert rh.cell_of(model.init_params(3)) == name
    assert rh.cells.cell_of(rh.cells.init_params(name, 3)) == name


@pytest.mark.parametrize("cell", GATED)
def test_check_inputs_has_the_contract_of_the_rnns(cell):
    """Returns X, or (X, Y), as float64 arrays; its messages name the arrays as the caller asks."""
    module = GATED[cell]
    params, X, Y = gated_problem(module)
    X_int = np.round(3 * X).astype(int)
    out = module.check_inputs(params, X_int.tolist())
    assert isinstance(out, np.ndarray) and out.dtype == np.float64 and np.array_equal(out, X_int)
    X_out, Y_out = module.check_inputs(params, X, Y.tolist())
    assert X_out.dtype == Y_out.dtype == np.float64 and np.array_equal(Y_out, Y)
    with pytest.raises(ValueError, match=r"^X_val has 3 input features .* input_dim=2"):
        module.check_inputs(params, X[:, :, [0, 1, 1]], x_name="X_val")
    with pytest.raises(ValueError, match=r"^Y_val has 1 outputs .* output_dim=2"):
        module.check_inputs(params, X, Y[:, :1], x_name="X_val", y_name="Y_val")
    with pytest.raises(ValueError, match=r"^X_val has 5 records but Y_val has 4"):
        module.check_inputs(params, X, Y[:4], x_name="X_val", y_name="Y_val")
    with pytest.raises(TypeError, match=r"^X_val must hold real numbers .* complex numbers"):
        module.check_inputs(params, X + 1j, x_name="X_val")
    with pytest.raises(ValueError, match=r"^params is missing"):
        module.check_inputs({k: v for k, v in params.items() if k != "V"}, X)


def test_gated_and_rnn_checks_say_the_same_thing():
    """One check (rnn_helpers._checks.check_windows) behind all three cells: the same words."""
    rnn_params, X, Y = random_problem(D=2, O=2)
    lstm_params = lstm.init_params(4, 2, 2)
    for bad in (X[..., :1], X[:0], X[:, :, :, None]):
        with pytest.raises(ValueError) as rnn_error:
            rnn_check_inputs(rnn_params, bad)
        with pytest.raises(ValueError) as lstm_error:
            lstm.check_inputs(lstm_params, bad)
        assert str(rnn_error.value).split(" but ")[0] == str(lstm_error.value).split(" but ")[0]


# --- training and prediction ---------------------------------------------------------------------

@pytest.mark.parametrize("cell", GATED)
def test_train_trains_a_gated_cell_and_predict_uses_it(cell):
    module = GATED[cell]
    X, Y, X_val, Y_val = rh.sine_windows(60, 10, 30, 10)
    params = module.init_params(8, seed=0)
    assert rh.cell_of(params) == cell
    model, history = rh.train(params, X, Y, X_val, Y_val, epochs=20, batch_size=None,
                              learning_rate=0.1)
    assert isinstance(model, rh.Model) and model.cell == cell and model.activation is None
    assert set(model) == set(params) and history.settings["cell"] == cell
    assert np.all(np.diff(history.train_loss) < 0)          # full batch, small steps: every epoch
    assert history.val_loss[-1] < history.val_loss[0]
    assert rh.mse_loss(rh.predict(model, X), Y) < history.train_loss[0]
    assert np.array_equal(rh.predict(model, X), module.forward(model, X)[0])
    assert np.array_equal(rh.predict(dict(model), X_val), module.forward(model, X_val)[0])
    assert all(np.array_equal(params[k], module.init_params(8, seed=0)[k]) for k in params)


@pytest.mark.parametrize("cell", GATED)
def test_train_refuses_an_activation_for_a_gated_cell(cell):
    params, X, Y = gated_problem(GATED[cell])
    for activation in ("tanh", "sigmoid"):
        with pytest.raises(ValueError, match=r"^activation must be None for the " + cell.upper()):
            rh.train(params, X, Y, activation=activation, epochs=1)
        with pytest.raises(ValueError, match=r"^activation must be None"):
            rh.train_reference(params, X, Y, activation=activation, epochs=1)


def test_validation_data_of_the_wrong_width_is_named():
    params = lstm.init_params(4)
    X, Y, X_val, Y_val = rh.sine_windows(60, 10, 30, 10)
    with pytest.raises(ValueError, match=r"^X_val has 2 input features .* input_dim=1"):
        rh.train(params, X, Y, np.concatenate([X_val, X_val], axis=2), Y_val, epochs=1)
    with pytest.raises(ValueError, match=r"^Y_val has 2 outputs .* output_dim=1"):
        rh.train(params, X, Y, X_val, np.hstack([Y_val, Y_val]), epochs=1)
    with pytest.raises(ValueError, match=r"^X has 2 input features"):
        rh.train(params, np.concatenate([X, X], axis=2), Y, epochs=1)


OPTIONS = {
    "sgd-full-bptt": dict(batch_size=1),
    "full-batch-truncate-2": dict(batch_size=None, truncate=2),
    "sgd-truncate-2-clip-momentum": dict(batch_size=1, truncate=2, clip_norm=0.05, momentum=0.9),
    "full-batch-clip-momentum": dict(batch_size=None, clip_norm=0.02, momentum=0.5),
    "batch-2-truncate-3-clip-value": dict(batch_size=2, truncate=3, clip_value=0.01),
}


@pytest.mark.parametrize("options", OPTIONS.values(), ids=OPTIONS)
@pytest.mark.parametrize("cell", GATED)
def test_train_equals_train_reference(cell, options):
    """train (the cell's vectorised loss_and_grads on a flat vector) and train_reference (its
    one-record loop, one dict per parameter) take the same steps."""
    params, X, Y = gated_problem(GATED[cell])
    model, history = rh.train(params, X, Y, epochs=3, learning_rate=0.1, **options)
    reference = rh.train_reference(params, X, Y, epochs=3, learning_rate=0.1, **options)
    assert reference.cell == model.cell == cell and reference.activation is None
    assert list(reference) == list(model) == list(params)
    for name in params:
        np.testing.assert_allclose(model[name], reference[name], rtol=1e-12, atol=1e-12,
                                   err_msg=name)
        assert not np.allclose(model[name], params[name], rtol=0, atol=1e-6), name
    if "clip_norm" in options or "clip_value" in options:
        assert history.clipped.sum() > 0                  # the clipping really acted


# --- the gradient check ---------------------------------------------------------------------------

def _problem(cell):
    if cell == "rnn":
        return random_problem(N=3, T=6, D=2, H=3, O=2)
    return gated_problem(GATED[cell], N=3, T=6, D=2, H=3, O=2)


@pytest.mark.parametrize("truncate", [None, 1, 2, 10], ids=lambda k: f"trunc-{k}")
@pytest.mark.parametrize("cell", rh.CELLS)
def test_check_gradients_works_for_every_cell(cell, truncate):
    params, X, Y = _problem(cell)
    errors = rh.check_gradients(params, X, Y, truncate=truncate)
    assert set(errors) == set(params)
    rh.assert_gradients_match(errors, tol=1e-7)
    assert rh.check_gradients is rh.gradcheck.check_gradients


@pytest.mark.parametrize("cell", GATED)
def test_check_gradients_sees_a_truncated_gradient_passed_off_as_full(cell, monkeypatch):
    """The check is of the objective each gradient claims: the truncated gradient fails against
    the full loss (what a wrong truncated_loss would give) and passes against its own."""
    model = rh.get_cell(cell)
    params, X, Y = _problem(cell)
    right = model.loss_and_grads
    monkeypatch.setattr(model, "loss_and_grads",
                        lambda p, X, Y, truncate=None, activation=None: right(p, X, Y, truncate=2))
    errors = rh.check_gradients(params, X, Y)
    assert errors["W_h"] > 1e-3 and errors["V"] < 1e-9
    rh.assert_gradients_match(rh.check_gradients(params, X, Y, truncate=2))

# --- bad windows, targets, truncation and sizes: the same answers from both gated cells ---------
# (each cell's own parameter, state and cache checks are in test_lstm.py and test_gru.py)

def _bad_input_problem(module):
    return gated_problem(module, N=3, D=1, H=4, O=1)


_CALLS_WITH_Y = {
    "loss_and_grads": lambda m, p, X, Y, k=None: m.loss_and_grads(p, X, Y, k),
    "loss_and_grads_loop": lambda m, p, X, Y, k=None: m.loss_and_grads_loop(p, X, Y, k),
    "truncated_loss": lambda m, p, X, Y, k=2: m.truncated_loss(p, X, Y, k),
    "check_gradients": lambda m, p, X, Y, k=None: rh.check_gradients(p, X, Y, k),
}
_CALLS = {"forward": lambda m, p, X, Y: m.forward(p, X), **_CALLS_WITH_Y}


def _object_with_text(X):
    X = X.astype(object)
    X[0, 0, 0] = "0.5"
    return X


BAD_X = [
    ("2d", lambda X: X[:, :, 0], ValueError, r"X must have 3 dimensions .*X\[\.\.\., None\]"),
    ("wrong-D", lambda X: np.concatenate([X, X], axis=2), ValueError,
     r"X has 2 input features .* input_dim=1"),
    ("nan", lambda X: np.where(X > 0, np.nan, X), ValueError, "X contains NaN"),
    ("inf", lambda X: X * np.inf, ValueError, "X contains infinite"),
    ("complex", lambda X: X + 1j, TypeError, "X must hold real numbers .* complex numbers"),
    ("complex-real-valued", lambda X: X.astype(complex), TypeError,
     "X must hold real numbers .* complex numbers"),
    ("text", lambda X: X.astype(str), TypeError, "X must hold real numbers .* holds text"),
    ("object-text", _object_with_text, TypeError, "X must hold real numbers .* holds text"),
    ("bool", lambda X: X > 0, TypeError, "X must hold real numbers .* holds booleans"),
    ("none", lambda X: None, TypeError, "X must be a numpy array"),
    ("no-records", lambda X: X[:0], ValueError, "X has shape .* at least one record"),
    ("ragged", lambda X: [[[1.0]], [[1.0], [2.0]]], TypeError,
     "X must be an array of numbers .* could not be converted"),
]


@pytest.mark.parametrize("cell", GATED)
@pytest.mark.parametrize("call", _CALLS, ids=str)
@pytest.mark.parametrize("case, change, exc, message", BAD_X, ids=[c[0] for c in BAD_X])
def test_bad_X_is_rejected(case, change, exc, message, call, cell):
    params, X, Y = _bad_input_problem(GATED[cell])
    with pytest.raises(exc, match=message):
        _CALLS[call](GATED[cell], params, change(X), Y)


BAD_Y = [
    ("fewer-records", lambda Y: Y[:2], ValueError, "X has 3 records but Y has 2"),
    ("1d", lambda Y: Y[:, 0], ValueError, "Y must have 2 dimensions"),
    ("wrong-O", lambda Y: np.hstack([Y, Y]), ValueError, r"Y has 2 outputs .* output_dim=1"),
    ("inf", lambda Y: Y * np.inf, ValueError, "Y contains infinite"),
    ("complex", lambda Y: Y * (1 + 1j), TypeError, "Y must hold real numbers .* complex numbers"),
    ("text", lambda Y: Y.astype(str), TypeError, "Y must hold real numbers .* holds text"),
]


@pytest.mark.parametrize("cell", GATED)
@pytest.mark.parametrize("call", _CALLS_WITH_Y, ids=str)
@pytest.mark.parametrize("case, change, exc, message", BAD_Y, ids=[c[0] for c in BAD_Y])
def test_bad_Y_is_rejected(case, change, exc, message, call, cell):
    params, X, Y = _bad_input_problem(GATED[cell])
    with pytest.raises(exc, match=message):
        _CALLS_WITH_Y[call](GATED[cell], params, X, change(Y))


BAD_TRUNCATE = [
    (0, ValueError, "truncate must be at least 1"),
    (-1, ValueError, "truncate must be at least 1"),
    (2.5, TypeError, "truncate must be a whole number"),
    (np.float64(2.0), TypeError, "truncate must be a whole number"),
    (True, TypeError, "truncate must be a whole number"),
    ("3", TypeError, "truncate must be a whole number"),
]


@pytest.mark.parametrize("cell", GATED)
@pytest.mark.parametrize("call", [*_CALLS_WITH_Y, "backward"], ids=str)
@pytest.mark.parametrize("truncate, exc, message", BAD_TRUNCATE, ids=repr)
def test_bad_truncate_is_rejected(truncate, exc, message, call, cell):
    module = GATED[cell]
    params, X, Y = _bad_input_problem(module)
    with pytest.raises(exc, match=message):
        if call == "backward":
            Y_hat, cache = module.forward(params, X)
            module.backward(Y_hat - Y, cache, truncate)
        else:
            _CALLS_WITH_Y[call](module, params, X, Y, truncate)


@pytest.mark.parametrize("kwargs, exc, message", [
    (dict(hidden_dim=0), ValueError, "hidden_dim must be at least 1"),
    (dict(hidden_dim=-3), ValueError, "hidden_dim must be at least 1"),
    (dict(hidden_dim=4.0), TypeError, "hidden_dim must be a whole number"),
    (dict(hidden_dim=True), TypeError, "hidden_dim must be a whole number"),
    (dict(hidden_dim="4"), TypeError, "hidden_dim must be a whole number"),
    (dict(hidden_dim=4, input_dim=0), ValueError, "input_dim must be at least 1"),
    (dict(hidden_dim=4, output_dim=0), ValueError, "output_dim must be at least 1"),
    (dict(hidden_dim=10**30), ValueError, "hidden_dim must be at most 100000"),
    (dict(hidden_dim=4, input_dim=10**30), ValueError, "input_dim must be at most 100000"),
    (dict(hidden_dim=4, seed=-1), ValueError, "seed must be at least 0"),
    (dict(hidden_dim=4, seed=1.5), TypeError, "seed must be a whole number"),
])
@pytest.mark.parametrize("cell", GATED)
def test_init_params_rejects_bad_input(kwargs, exc, message, cell):
    with pytest.raises(exc, match=message):
        GATED[cell].init_params(**kwargs)


# --- the registry: registering a cell, and what it refuses ------------------------------------------

def _renamed_own_cell(suffix):
    """The test's own cell (tests/own_cell.py) under other weight names, a new key set."""
    import types

    import own_cell

    def rename(params):
        return {f"{k}{suffix}": v for k, v in params.items()}

    def step_forward(x_t, state, params):
        return own_cell.step_forward(x_t, state, {k[:-len(suffix)]: v for k, v in params.items()})

    def step_backward(dstate_t, cache):
        dx, dprev, dparams = own_cell.step_backward(dstate_t, cache)
        return dx, dprev, rename(dparams)

    return types.SimpleNamespace(
        states=("h",), init_params=lambda H, D, *, seed: rename(own_cell.init_params(H, D, seed=seed)),
        step_forward=step_forward, step_backward=step_backward)


def test_register_then_unregister():
    model = rh.cells.register("mgu_renamed", _renamed_own_cell("_r"))
    try:
        assert rh.cells.names()[-1] == "mgu_renamed" and rh.get_cell("mgu_renamed") is model
        params = rh.cells.init_params("mgu_renamed", 3, seed=0)
        assert rh.cell_of(params) == "mgu_renamed"
        rh.assert_gradients_match(rh.check_gradients(params, np.ones((2, 4, 1)), np.ones((2, 1)),
                                                     truncate=2))
    finally:
        rh.cells.unregister("mgu_renamed")
    assert "mgu_renamed" not in rh.cells.names()
    with pytest.raises(ValueError, match="name .*'mgu_renamed'"):
        rh.get_cell("mgu_renamed")


@pytest.mark.parametrize("name, cell, error, message", [
    ("rnn", lambda: _renamed_own_cell("_a"), ValueError, r"name 'rnn' is taken"),
    ("mgu", lambda: _renamed_own_cell("_a"), ValueError, r"name 'mgu' is taken"),
    ("two words", lambda: _renamed_own_cell("_a"), TypeError, r"name must be .* identifier"),
    ("new", lambda: __import__("own_cell"), ValueError,
     r"cell 'new' has the weights .* the key set of the registered cell 'mgu'"),
    ("new", lambda: object(), TypeError,
     r"cell 'new' lacks \['states', 'init_params', 'step_forward', 'step_backward'\]"),
    ("new", lambda: _with(states="h"), TypeError, r"cell 'new': states must be a non-empty tuple"),
    ("new", lambda: _with(step_forward=lambda x, s, p: ((s[0][:, :1],), None)), ValueError,
     r"cell 'new': step_forward's state_t must be a tuple of 1 arrays"),
    ("new", lambda: _with(states=("h", "c")), TypeError,
     r"cell 'new': step_forward failed on a trial .*ValueError"),
    ("new", lambda: _with(init_params=lambda H, D, *, seed: {"V": np.zeros((H, D))}), ValueError,
     r"cell 'new': init_params returns \['V'\], the output layer's names"),
    ("new", lambda: _with(init_params=lambda H, D: {}), TypeError,
     r"cell 'new': init_params failed on a trial"),
    ("new", lambda: _with(step_backward=lambda d, cache: (d[0][:, :1], d, {})), ValueError,
     r"cell 'new': step_backward's dx_t must have x_t's shape"),
    ("new", lambda: _with(step_backward=lambda d, cache: (np.zeros((1, 3)), d, {})), ValueError,
     r"cell 'new': step_backward's dparams must be a dict with the keys and shapes"),
])
def test_bad_registrations_are_refused_with_a_clear_error(name, cell, error, message):
    before = rh.cells.names()
    with pytest.raises(error, match=message):
        rh.cells.register(name, cell())
    assert rh.cells.names() == before


def _with(**changes):
    cell = _renamed_own_cell("_w")
    for attr, value in changes.items():
        setattr(cell, attr, value)
    return cell


def test_built_in_cells_cannot_be_unregistered():
    for name in rh.CELLS:
        with pytest.raises(ValueError, match=f"name '{name}' is a built-in cell"):
            rh.cells.unregister(name)
