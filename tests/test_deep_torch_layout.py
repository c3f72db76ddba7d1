"""rnn_helpers.deep.torch_layout: PyTorch's names and layouts, exactly, and PyTorch's own numbers.

tests/data/deep_references.npz holds what torch 2.13.0 computed (tests/make_deep_references.py) for
nn.RNN (tanh), nn.LSTM and nn.GRU with num_layers=2, bidirectional=True, batch_first=True, on a
whole batch on a packed batch of records of lengths 5, 3 and 1, and on that batch from given initial states
(h0, c0, in PyTorch's order of the cells): the outputs, the final states
and the gradients of a loss on both `last` and every step's output. The package, given the same
state dict through from_torch, must give the same numbers (float64: to 1e-12)."""

import pathlib

import numpy as np
import pytest

from rnn_helpers import deep

REF = np.load(pathlib.Path(__file__).resolve().parent / "data" / "deep_references.npz")
TOL = 1e-12


def _reference(cell):
    names = [str(n) for n in REF[f"{cell}/names"]]
    sd = {n: REF[f"{cell}/param/{n}"] for n in names}
    head = {"weight": REF[f"{cell}/param/V"], "bias": REF[f"{cell}/param/c"]}
    return names, sd, head


@pytest.mark.parametrize("cell", deep.TORCH_CELLS)
def test_to_torch_gives_pytorchs_names_and_shapes(cell):
    names, sd, _ = _reference(cell)
    ours = deep.to_torch(deep.init_params(cell, 3, 2, 2, num_layers=2, bidirectional=True, seed=0))
    assert sorted(ours) == sorted(names)
    assert {k: v.shape for k, v in ours.items()} == {k: v.shape for k, v in sd.items()}
    assert all(v.dtype == np.float64 for v in ours.values())


@pytest.mark.parametrize("cell", deep.TORCH_CELLS)
@pytest.mark.parametrize("case", ["full", "packed", "packed_h0"])
def test_the_stack_gives_pytorchs_outputs_and_gradients(cell, case):
    _, sd, head = _reference(cell)
    params = deep.from_torch(sd, cell, head=head)
    assert deep.describe(params) == deep.Spec(cell, 2, True, 3, 2, 2)
    key = f"{cell}/{case}"
    X, Y, G, lengths = REF[f"{key}/X"], REF[f"{key}/Y"], REF[f"{key}/G"], REF[f"{key}/lengths"]
    N = X.shape[0]
    activation = "tanh" if cell == "rnn" else None
    state0 = None                         # PyTorch's h0 (and c0), (L * dirs, N, H): one state per cell
    if case == "packed_h0":
        starts = [REF[f"{key}/state0_{i}"] for i in range(2 if cell == "lstm" else 1)]
        state0 = [tuple(s[j] for s in starts) for j in range(4)]
    H_seq, last, cache = deep.layers_forward(params, X, lengths=lengths, activation=activation, state0=state0)
    np.testing.assert_allclose(H_seq, REF[f"{key}/H_seq"], rtol=0, atol=TOL)
    finals = cache["final_states"]                    # layer 0 fwd, layer 0 rev, layer 1 fwd, ...
    np.testing.assert_allclose(np.stack([s[0] for s in finals]), REF[f"{key}/h_n"], rtol=0, atol=TOL)
    if cell == "lstm":
        np.testing.assert_allclose(np.stack([s[1] for s in finals]), REF[f"{key}/c_n"], rtol=0, atol=TOL)
    Y_hat = last @ params["V"].T + params["c"]
    loss = 0.5 * np.sum((Y_hat - Y) ** 2) / N + np.sum(G * H_seq) / N
    assert abs(loss - float(REF[f"{key}/loss"])) < TOL
    dY = (Y_hat - Y) / N
    dX, grads = deep.layers_backward(G / N, dY @ params["V"], cache)
    np.testing.assert_allclose(dX, REF[f"{key}/dX"], rtol=0, atol=TOL)
    np.testing.assert_allclose(dY.T @ last, REF[f"{key}/grad/V"], rtol=0, atol=TOL)
    np.testing.assert_allclose(dY.sum(axis=0), REF[f"{key}/grad/c"], rtol=0, atol=TOL)
    # every torch weight's gradient is ours of the weight it became (both biases: ours of b, their sum)
    as_torch = deep.to_torch(grads)
    if cell != "gru":
        for name in as_torch:
            if name.startswith("bias_hh"):
                as_torch[name] = as_torch[name.replace("bias_hh", "bias_ih")]
    for name, g in as_torch.items():
        np.testing.assert_allclose(g, REF[f"{key}/grad/{name}"], rtol=0, atol=TOL, err_msg=name)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("num_layers, bidirectional", [(1, False), (2, True), (3, False), (3, True)])
def test_from_torch_of_to_torch_is_the_same_weights_exactly(cell, num_layers, bidirectional):
    params = deep.init_params(cell, 4, 3, 2, num_layers=num_layers, bidirectional=bidirectional, seed=5)
    rng = np.random.default_rng(0)
    params = {k: v + rng.normal(size=v.shape) for k, v in params.items()}     # non-zero biases
    back = deep.from_torch(deep.to_torch(params), cell, head={"weight": params["V"], "bias": params["c"]})
    assert set(back) == set(params) and all(np.array_equal(back[k], params[k]) for k in params)
    no_head = deep.from_torch(deep.to_torch(params), cell)
    assert set(no_head) == set(params) - {"V", "c"}


def test_the_two_biases_are_summed_one_way_and_split_the_other():
    _, sd, _ = _reference("lstm")
    params = deep.from_torch(sd, "lstm")
    np.testing.assert_array_equal(params["b_l1_reverse"], sd["bias_ih_l1_reverse"] + sd["bias_hh_l1_reverse"])
    again = deep.to_torch(params)
    np.testing.assert_array_equal(again["bias_ih_l1_reverse"], params["b_l1_reverse"])
    assert np.all(again["bias_hh_l1_reverse"] == 0.0)
    X = REF["lstm/packed/X"]
    same = deep.layers_forward(deep.from_torch(again, "lstm"), X)[0]
    np.testing.assert_array_equal(same, deep.layers_forward(params, X)[0])
    _, gru_sd, _ = _reference("gru")
    gru = deep.from_torch(gru_sd, "gru")
    np.testing.assert_array_equal(gru["b_h_l0"], gru_sd["bias_hh_l0"])       # the GRU keeps both


def test_an_rnn_without_biases_moves_to_bias_false():
    params = deep.init_params("rnn", 3, 2, num_layers=2, bidirectional=True)
    no_bias = {k: v for k, v in params.items() if not k.startswith("b_")}
    sd = deep.to_torch(no_bias)
    assert not any(k.startswith("bias") for k in sd)
    back = deep.from_torch(sd, "rnn")
    assert set(back) == set(no_bias)


def test_float32_arrays_and_tensor_like_values_are_taken():
    class Tensor:                        # what from_torch reads of a torch tensor, without torch
        def __init__(self, a):
            self.a = a

        def detach(self):
            return self

        def cpu(self):
            return self

        def numpy(self):
            return self.a

    _, sd, _ = _reference("gru")
    params = deep.from_torch({k: Tensor(v.astype(np.float32)) for k, v in sd.items()}, "gru")
    assert all(v.dtype == np.float64 for v in params.values())
    np.testing.assert_allclose(params["W_h_l1"], sd["weight_hh_l1"], rtol=1e-7)


@pytest.mark.parametrize("cell", ["mgu", "gru_before"])
def test_a_cell_pytorch_lacks_is_refused_both_ways(cell):
    params = deep.init_params(cell, 3, 2, num_layers=2)
    with pytest.raises(ValueError, match=f"params are weights of the cell '{cell}', which has no PyTorch"):
        deep.to_torch(params)
    with pytest.raises(ValueError, match=f"cell '{cell}' has no PyTorch counterpart"):
        deep.from_torch(deep.to_torch(deep.init_params("gru", 3, 2)), cell)


_, _SD, _HEAD = _reference("lstm")
BAD = [
    ("projections", {**_SD, "weight_hr_l0": np.zeros((2, 3))}, "lstm", None, ValueError, "proj_size"),
    ("unknown", {**_SD, "weight_xx_l0": np.zeros(3)}, "lstm", None, ValueError, "key 'weight_xx_l0'"),
    ("missing", {k: v for k, v in _SD.items() if k != "bias_hh_l1"}, "lstm", None, ValueError,
     r"layer 1's forward weights are"),
    ("other-module", _SD, "gru", None, ValueError, r"weight_hh_l0'\] must be \(3 H, H\)"),
    ("list", {**_SD, "weight_ih_l0": _SD["weight_ih_l0"].tolist()}, "lstm", None, TypeError,
     r"state_dict\['weight_ih_l0'\] must be a numpy array or a torch tensor"),
    ("wrong-shape", {**_SD, "weight_ih_l1": np.zeros((12, 5))}, "lstm", None, ValueError,
     r"state_dict\['weight_ih_l1'\] has shape"),
    ("no-bias", {k: v for k, v in _SD.items() if "bias" not in k}, "lstm", None, ValueError, "bias=False"),
    ("cell", _SD, 3, None, TypeError, "cell must be one of"),
    ("head", _SD, "lstm", {"weight": _HEAD["weight"]}, TypeError, "head must be None or"),
    ("head-width", _SD, "lstm", {"weight": np.zeros((2, 3)), "bias": np.zeros(2)}, ValueError,
     r"head\['weight'\] has shape \(2, 3\), expected \(output_dim, 6\)"),
    ("head-bias", _SD, "lstm", {"weight": np.zeros((2, 6)), "bias": np.zeros(3)}, ValueError,
     r"head\['bias'\] has shape \(3,\), expected \(2,\)"),
    ("not-a-dict", list(_SD.values()), "lstm", None, TypeError, "state_dict must be a non-empty dict"),
]


@pytest.mark.parametrize("case, sd, cell, head, error, message", BAD, ids=[b[0] for b in BAD])
def test_from_torch_refuses_what_is_no_state_dict_of_that_module(case, sd, cell, head, error, message):
    with pytest.raises(error, match=message):
        deep.from_torch(sd, cell, head=head)
