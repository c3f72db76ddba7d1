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
def test_each_cell_module_has_the_common_names(name):
    module = rh.get_cell(name)
    assert module.NAME == name
    for attr in ("init_params", "check_inputs", "step_forward", "step_backward", "forward",
                 "backward", "loss_and_grads", "loss_and_grads_loop", "truncated_loss"):
        assert callable(getattr(module, attr)), attr
    assert all(hasattr(module, attr) for attr in module.__all__)
    assert not hasattr(module, "check_gradients")      # one for every cell: rh.check_gradients
    assert rh.cell_of(module.init_params(3)) == name


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
    module = GATED[cell]
    params, X, Y = _problem(cell)
    right = module.loss_and_grads
    monkeypatch.setattr(module, "loss_and_grads",
                        lambda p, X, Y, truncate=None: right(p, X, Y, truncate=2))
    errors = rh.check_gradients(params, X, Y)
    assert errors["W_h"] > 1e-3 and errors["V"] < 1e-9
    rh.assert_gradients_match(rh.check_gradients(params, X, Y, truncate=2))
