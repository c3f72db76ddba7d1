"""The vanilla RNN (rnn_helpers.cells.rnn, also rh.rnn and the top-level names): initialisation, one
step, the whole sequence, its gradients against a numerical gradient of the objective they claim,
and bad input. What it shares with every cell is also in test_cell_contract.py.
"""

import numpy as np
import pytest

import rnn_helpers as rh
from conftest import random_problem

T = 6
TRUNCATIONS = [None, 1, 2, T - 1, T, T + 4]


def test_init_params_shapes_dtypes_and_seed():
    p = rh.init_params(7, input_dim=3, output_dim=2, seed=5)
    assert {k: v.shape for k, v in p.items()} == {"U": (7, 3), "W": (7, 7), "V": (2, 7),
                                                  "b": (7,), "c": (2,)}
    assert all(v.dtype == np.float64 for v in p.values())
    q = rh.init_params(7, input_dim=3, output_dim=2, seed=5)
    assert all(np.array_equal(p[k], q[k]) for k in p)
    assert not np.array_equal(p["W"], rh.init_params(7, 3, 2, seed=6)["W"])
    assert np.abs(p["W"]).max() <= 1 / np.sqrt(7)
    assert set(rh.init_params(3, biases=False)) == {"U", "W", "V"}


def test_tutorial_scheme_saturates_sigmoid_at_exactly_one():
    X, _, _, _ = rh.sine_windows()
    p = rh.init_params(100, scheme="tutorial", biases=False, seed=0)
    assert p["W"].min() >= 0 and p["W"].max() <= 1
    _, cache = rh.forward(p, X, activation="sigmoid")
    s = cache["states"]
    assert np.all(s[3:] == 1.0), "with uniform(0, 1) weights every hidden unit is exactly 1.0 from step 3"


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
@pytest.mark.parametrize("biases", [True, False])
def test_forward_matches_step_by_step(activation, biases):
    params, X, _ = random_problem(N=4, T=7, D=2, H=5, O=3, biases=biases)
    Y_hat, cache = rh.forward(params, X, activation)
    s = np.zeros((4, 5))
    for t in range(7):
        s = rh.step_forward(X[:, t], s, params, activation)
        np.testing.assert_allclose(cache["states"][t + 1], s, rtol=0, atol=1e-14)
    expected = s @ params["V"].T + (params["c"] if biases else 0)
    np.testing.assert_allclose(Y_hat, expected, rtol=0, atol=1e-14)
    assert Y_hat.shape == (4, 3) and cache["states"].shape == (8, 4, 5)


def test_forward_from_given_state_continues_the_sequence():
    params, X, _ = random_problem(T=8)
    _, full = rh.forward(params, X, "tanh")
    _, first = rh.forward(params, X[:, :5], "tanh")
    _, rest = rh.forward(params, X[:, 5:], "tanh", s0=first["states"][-1])
    np.testing.assert_allclose(rest["states"][-1], full["states"][-1], rtol=0, atol=1e-15)


def test_sigmoid_identity():
    """Equal to rounding in absolute terms (the tanh form rounds tiny outputs to multiples of 1e-17)."""
    z = np.linspace(-40, 40, 101)
    np.testing.assert_allclose(rh.sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-14, atol=2e-16)


@pytest.mark.parametrize("call, exc, message", [
    (lambda p, X: rh.forward(p, X[0]), ValueError, "X must have 3 dimensions"),
    (lambda p, X: rh.forward(p, X[..., [0, 0]]), ValueError, "expects input_dim=1"),
    (lambda p, X: rh.forward(p, np.where(X > 0, np.nan, X)), ValueError, "X contains NaN"),
    (lambda p, X: rh.forward(p, X, activation="relu"), ValueError, "activation must be one of"),
    (lambda p, X: rh.forward({"U": p["U"]}, X), ValueError, "params is missing"),
    (lambda p, X: rh.forward({**p, "W": p["W"][:2]}, X), ValueError, r"params\['W'\] has shape"),
    (lambda p, X: rh.forward({**p, "W": np.full_like(p["W"], np.inf)}, X), ValueError, "diverged"),
    (lambda p, X: rh.forward(p, X, s0=np.zeros((2, 2))), ValueError, "s0 must have shape"),
    (lambda p, X: rh.forward([1, 2], X), TypeError, "params must be a dict"),
    (lambda p, X: rh.forward(p, np.zeros((0, 5, 1))), ValueError, "at least one record"),
])
def test_forward_rejects_bad_input(call, exc, message):
    params, X, _ = random_problem()
    with pytest.raises(exc, match=message):
        call(params, X)


@pytest.mark.parametrize("kwargs, message", [
    (dict(hidden_dim=0), "hidden_dim must be at least 1"),
    (dict(hidden_dim=4.0), "hidden_dim must be a whole number"),
    (dict(hidden_dim=4, input_dim=0), "input_dim must be at least 1"),
    (dict(hidden_dim=4, scheme="xavier"), "scheme must be one of"),
    (dict(hidden_dim=4, scale=-1.0), "scale must be a finite number > 0"),
    (dict(hidden_dim=4, scheme="tutorial", scale=0.1), "scale applies only"),
])
def test_init_params_rejects_bad_input(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        rh.init_params(**kwargs)


@pytest.mark.parametrize("call, exc, message", [
    (lambda p: rh.step_forward(np.zeros((2, 1)), np.zeros((2, 3)), p), ValueError, "s_prev"),
    (lambda p: rh.step_forward(np.zeros(2), np.zeros((2, 4)), p), ValueError, "x_t must have 2 dim"),
    (lambda p: rh.step_forward(np.zeros((2, 1)), np.zeros((2, 4)), p, "relu"), ValueError, "activation"),
    (lambda p: rh.activate(np.zeros(3), "softplus"), ValueError, "activation must be one of"),
    (lambda p: rh.activation_derivative(np.zeros(3), None), ValueError, "activation must be one of"),
])
def test_step_and_activation_reject_bad_input(call, exc, message):
    params, _, _ = random_problem()
    with pytest.raises(exc, match=message):
        call(params)


def test_importing_the_package_limits_blas_to_one_thread():
    """In a fresh interpreter where rnn_helpers is imported before numpy is used anywhere."""
    import subprocess
    import sys
    code = ("import rnn_helpers; from threadpoolctl import threadpool_info; "
            "print(max(i['num_threads'] for i in threadpool_info() if i['user_api'] == 'blas'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "1", out.stdout + out.stderr


@pytest.mark.parametrize("dims", [(1, 1), (2, 3)], ids=["D1-O1", "D2-O3"])
@pytest.mark.parametrize("biases", [True, False], ids=["biases", "no-biases"])
@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
@pytest.mark.parametrize("truncate", TRUNCATIONS, ids=lambda k: f"trunc-{k}")
def test_gradients_match_numerical(truncate, activation, biases, dims):
    D, O = dims
    params, X, Y = random_problem(N=3, T=T, D=D, H=4, O=O, biases=biases, seed=D + O)
    errors = rh.check_gradients(params, X, Y, truncate=truncate, activation=activation)
    assert set(errors) == set(params)
    rh.assert_gradients_match(errors, tol=1e-7)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
@pytest.mark.parametrize("truncate", TRUNCATIONS)
def test_vectorized_matches_per_record_loop(truncate, activation):
    params, X, Y = random_problem(N=5, T=T, D=2, H=6, O=2)
    loss, grads = rh.loss_and_grads(params, X, Y, truncate, activation)
    loss_loop, grads_loop = rh.loss_and_grads_loop(params, X, Y, truncate, activation)
    assert loss == pytest.approx(loss_loop, rel=1e-13)
    assert {k: g.shape for k, g in grads.items()} == {k: p.shape for k, p in params.items()}
    for name in params:
        np.testing.assert_allclose(grads[name], grads_loop[name], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_truncate_at_or_beyond_T_is_full_bptt(activation):
    params, X, Y = random_problem(T=T)
    _, full = rh.loss_and_grads(params, X, Y, None, activation)
    for k in (T, T + 1, 1000):
        _, g = rh.loss_and_grads(params, X, Y, k, activation)
        for name in params:
            assert np.array_equal(g[name], full[name])


def test_truncated_gradient_differs_from_full_and_from_its_finite_difference():
    """The truncated gradient is not the full gradient, so checking it needs the truncated objective."""
    params, X, Y = random_problem(T=T, H=4)
    _, trunc = rh.loss_and_grads(params, X, Y, 2, "tanh")
    _, full = rh.loss_and_grads(params, X, Y, None, "tanh")
    assert rh.relative_error(trunc["W"], full["W"]) > 1e-3
    numeric_full = rh.numerical_gradient(
        lambda p: rh.mse_loss(rh.forward(p, X, "tanh")[0], Y), params)
    assert rh.relative_error(trunc["W"], numeric_full["W"]) > 1e-3
    assert rh.relative_error(full["W"], numeric_full["W"]) < 1e-9


@pytest.mark.parametrize("call, exc, message", [
    (lambda p, X, Y: rh.loss_and_grads(p, X, Y[:2]), ValueError, "X has 3 records but Y has 2"),
    (lambda p, X, Y: rh.loss_and_grads(p, X, Y[:, 0]), ValueError, "Y must have 2 dimensions"),
    (lambda p, X, Y: rh.loss_and_grads(p, X, np.hstack([Y, Y])), ValueError, "output_dim=1"),
    (lambda p, X, Y: rh.loss_and_grads(p, X, Y, truncate=0), ValueError, "truncate must be at least 1"),
    (lambda p, X, Y: rh.loss_and_grads(p, X, Y, truncate=2.5), TypeError, "truncate must be a whole"),
    (lambda p, X, Y: rh.loss_and_grads(p, X, Y * np.inf), ValueError, "Y contains infinite"),
    (lambda p, X, Y: rh.loss_and_grads(p, X, Y, activation="ReLU"), ValueError, "activation must be"),
    (lambda p, X, Y: rh.loss_and_grads_loop(p, X, Y, truncate=-1), ValueError, "truncate must be"),
    (lambda p, X, Y: rh.check_gradients(p, X, Y, eps=0), ValueError, "eps must be"),
])
def test_loss_and_grads_rejects_bad_input(call, exc, message):
    params, X, Y = random_problem()
    with pytest.raises(exc, match=message):
        call(params, X, Y)
