"""rnn_helpers.deep.params: a stack's weights are named as PyTorch names them, drawn per cell, and
describe reads the architecture back off any such dict, refusing what fits no stack."""

import numpy as np
import pytest

import rnn_helpers as rh
from rnn_helpers import deep

CELLS = ("rnn", "lstm", "gru", "mgu")


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("num_layers, bidirectional", [(1, False), (2, True), (3, False), (3, True)])
def test_describe_reads_back_what_init_params_built(cell, num_layers, bidirectional):
    params = deep.init_params(cell, 5, 3, 2, num_layers=num_layers, bidirectional=bidirectional, seed=4)
    assert deep.describe(params) == deep.Spec(cell, num_layers, bidirectional, 5, 3, 2)
    no_head = {k: v for k, v in params.items() if k not in ("V", "c")}
    assert deep.describe(no_head).output_dim is None
    dirs = 2 if bidirectional else 1
    own = rh.get_cell(cell).cell.init_params(5, 3, seed=0)
    for k in range(num_layers):
        for d in range(dirs):
            end = f"_l{k}" + ("_reverse" if d else "")
            want = own if k == 0 else rh.get_cell(cell).cell.init_params(5, 5 * dirs, seed=0)
            assert {key: params[key + end].shape for key in own} == {key: v.shape for key, v in want.items()}
    assert params["V"].shape == (2, 5 * dirs) and params["c"].shape == (2,)
    assert all(v.dtype == np.float64 for v in params.values())
    assert len(params) == num_layers * dirs * len(own) + 2


def test_keys_follow_pytorch_suffixes():
    params = deep.init_params("lstm", 4, 3, num_layers=2, bidirectional=True)
    assert sorted(params) == sorted(f"{k}_l{layer}{rev}" for k in ("W_x", "W_h", "b")
                                    for layer in (0, 1) for rev in ("", "_reverse"))
    assert params["W_x_l1"].shape == (16, 8) and params["W_x_l0_reverse"].shape == (16, 3)


def test_every_cell_is_drawn_with_its_own_seed_and_the_draw_is_reproducible():
    params = deep.init_params("gru", 4, 4, 1, num_layers=2, bidirectional=True, seed=7)
    again = deep.init_params("gru", 4, 4, 1, num_layers=2, bidirectional=True, seed=7)
    other = deep.init_params("gru", 4, 4, 1, num_layers=2, bidirectional=True, seed=8)
    assert all(np.array_equal(params[k], again[k]) for k in params)
    assert not np.array_equal(params["W_h_l0"], other["W_h_l0"])
    recurrent = [params[k] for k in ("W_h_l0", "W_h_l0_reverse", "W_h_l1", "W_h_l1_reverse")]
    assert all(not np.array_equal(a, b) for i, a in enumerate(recurrent) for b in recurrent[i + 1:])
    # each cell is exactly what the cell's own init_params draws with its seed (the LSTM's forget
    # bias of 1, for instance, is kept)
    lstm = deep.init_params("lstm", 3, 2)
    assert np.all(lstm["b_l0"][3:6] == 1.0)


def test_the_rnn_without_biases_is_a_stack_too():
    params = deep.init_params("rnn", 3, 1, 1, num_layers=2)
    no_bias = {k: v for k, v in params.items() if not k.startswith("b_")}
    assert deep.describe(no_bias) == deep.Spec("rnn", 2, False, 3, 1, 1)


def _without(params, key):
    return {k: v for k, v in params.items() if k != key}


def _with(params, **changes):
    return {**params, **changes}


BASE = deep.init_params("lstm", 4, 3, 2, num_layers=2, bidirectional=True, seed=1)

BAD = [
    ("not-a-dict", [1, 2], TypeError, "params must be a non-empty dict"),
    ("empty", {}, TypeError, "params must be a non-empty dict"),
    ("unknown-key", _with(BASE, W_x=BASE["W_x_l0"]), ValueError, r"key 'W_x', which is not a layer"),
    ("missing-layer", {k: v for k, v in BASE.items() if "_l0" not in k}, ValueError,
     r"no weights for layer 0's forward cell"),
    ("missing-reverse", {k: v for k, v in BASE.items() if not k.endswith("_l1_reverse")}, ValueError,
     r"no weights for layer 1's reverse cell"),
    ("missing-key", _without(BASE, "W_h_l1"), ValueError, r"layer 1's forward cell has the weights"),
    ("no-cell", {k.replace("W_h", "W_q"): v for k, v in BASE.items()}, ValueError, r"fit no registered cell"),
    ("wrong-shape", _with(BASE, W_h_l1=np.zeros((16, 5))), ValueError, r"params\['W_h_l1'\] has shape \(16, 5\)"),
    ("layer1-input", _with(BASE, W_x_l1=np.zeros((16, 4))), ValueError, r"layer 1 reads 8 values"),
    ("head-without-c", _without(BASE, "c"), ValueError, "a head needs both V"),
    ("head-width", _with(BASE, V=np.zeros((2, 4))), ValueError, r"expected \(output_dim, 8\)"),
    ("nan", _with(BASE, b_l0=np.full(16, np.nan)), ValueError, r"params\['b_l0'\] contains NaN"),
    ("int", _with(BASE, b_l0=np.zeros(16, int)), TypeError, r"params\['b_l0'\] must be a float64"),
    ("head-only", {"V": BASE["V"], "c": BASE["c"]}, ValueError, "only the head"),
]


@pytest.mark.parametrize("case, params, error, message", BAD, ids=[b[0] for b in BAD])
def test_describe_refuses_what_is_no_stack_naming_the_key(case, params, error, message):
    with pytest.raises(error, match=message):
        deep.describe(params)


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(cell="elman"), ValueError, "name .the cell. must be one of"),
    (dict(hidden_dim=0), ValueError, "hidden_dim must be at least 1"),
    (dict(input_dim=2.5), TypeError, "input_dim must be a whole number"),
    (dict(output_dim=0), ValueError, "output_dim must be at least 1"),
    (dict(num_layers=0), ValueError, "num_layers must be at least 1"),
    (dict(num_layers=17), ValueError, "num_layers must be at most 16"),
    (dict(bidirectional="yes"), TypeError, "bidirectional must be True or False"),
    (dict(seed=-1), ValueError, "seed must be at least 0"),
])
def test_init_params_refuses_bad_arguments_naming_them(kwargs, error, message):
    args = dict(cell="gru", hidden_dim=3, input_dim=2, output_dim=1)
    args.update(kwargs)
    with pytest.raises(error, match=message):
        deep.init_params(args.pop("cell"), args.pop("hidden_dim"), args.pop("input_dim"), **args)
