"""A stack's weights to and from PyTorch's nn.RNN, nn.LSTM and nn.GRU (num_layers, bidirectional,
batch_first=True), without importing torch: their state_dict names and layouts, as numpy arrays.

PyTorch names each layer's and direction's weights weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k},
bias_hh_l{k}, with the suffix _reverse for the reverse direction: the suffixes this package uses
too (rnn_helpers.deep.params). Their rows are in the same gate order as the package's cells:

    cell    ours (per layer and direction)      PyTorch
    lstm    W_x (4H, D_k), W_h (4H, H), b       weight_ih, weight_hh; gates i, f, g, o (the same)
                                                 b = bias_ih + bias_hh
    gru     W_x (3H, D_k), W_h (3H, H), b_x, b_h weight_ih, weight_hh, bias_ih, bias_hh; r, z, n
                                                 (the same; the reset gate after the recurrent
                                                 product, as PyTorch computes it)
    rnn     U (H, D_k), W (H, H), b             weight_ih, weight_hh; b = bias_ih + bias_hh
                                                 (nonlinearity="tanh": use activation="tanh"; PyTorch
                                                 has no sigmoid RNN); no b: bias=False

The vanilla RNN and the LSTM add their two biases everywhere they are used, so only the sum is a
parameter: from_torch sums them (b = bias_ih + bias_hh) and to_torch splits b as bias_ih = b,
bias_hh = 0. So from_torch(to_torch(params)) is params exactly, and to_torch(from_torch(sd)) is a
state dict that computes the same function as sd (its biases summed into bias_ih). Every other
array moves unchanged. A cell PyTorch does not have (the reset-before GRU, a cell you registered)
raises a ValueError, and so does an LSTM with projections (proj_size: weight_hr_l{k}).

The head (V, c) is an nn.Linear(H * dirs, O): weight = V, bias = c. to_torch returns the recurrent
module's state dict only; from_torch takes the head as head={"weight": ..., "bias": ...}.
"""

import re

import numpy as np

from .._checks import as_float_array, check_magnitude
from .params import describe, layer_params, suffix

__all__ = ["TORCH_CELLS", "to_torch", "from_torch"]

#: The cells PyTorch has, and how many blocks of H rows their weights have.
TORCH_CELLS = {"rnn": 1, "lstm": 4, "gru": 3}
_KEY = re.compile(r"^(weight_ih|weight_hh|bias_ih|bias_hh)_l(\d+)(_reverse)?$")
_MODULE = {"rnn": "nn.RNN", "lstm": "nn.LSTM", "gru": "nn.GRU"}


def _no_torch_cell(cell, name="cell"):
    what = f"cell {cell!r}" if name == "cell" else f"{name} are weights of the cell {cell!r}, which"
    return ValueError(f"{what} has no PyTorch counterpart: PyTorch's recurrent modules are "
                      f"{', '.join(f'{_MODULE[c]} ({c!r})' for c in TORCH_CELLS)}. Keep its weights "
                      "in the package's layout (a flat dict of numpy arrays saves with np.savez).")


def to_torch(params):
    """The state dict of the PyTorch module with the same weights: {name: float64 numpy array}.

    params: a stack's weights (rnn_helpers.deep.init_params) of the cell "rnn", "lstm" or "gru";
    its head, if any, is left out (it is an nn.Linear: weight = V, bias = c).
    Load it with module.load_state_dict({k: torch.from_numpy(v) for k, v in sd.items()}) into
    nn.<RNN|LSTM|GRU>(input_dim, hidden_dim, num_layers, bidirectional=..., batch_first=True,
    dtype=torch.float64) (for the rnn: nonlinearity="tanh", bias=False if params has no b).
    Raises ValueError naming params for any other cell, and as describe does for weights that are
    no stack.
    """
    spec = describe(params)
    if spec.cell not in TORCH_CELLS:
        raise _no_torch_cell(spec.cell, "params")
    sd = {}
    for k in range(spec.num_layers):
        for d in range(spec.dirs):
            w, end = layer_params(params, k, d == 1), suffix(k, d == 1)
            if spec.cell == "rnn":
                sd[f"weight_ih{end}"], sd[f"weight_hh{end}"] = w["U"].copy(), w["W"].copy()
            else:
                sd[f"weight_ih{end}"], sd[f"weight_hh{end}"] = w["W_x"].copy(), w["W_h"].copy()
            if spec.cell == "gru":
                sd[f"bias_ih{end}"], sd[f"bias_hh{end}"] = w["b_x"].copy(), w["b_h"].copy()
            elif "b" in w:                   # the sum of PyTorch's two biases: all of it in bias_ih
                sd[f"bias_ih{end}"], sd[f"bias_hh{end}"] = w["b"].copy(), np.zeros_like(w["b"])
    return sd


def from_torch(state_dict, cell, *, head=None):
    """The package's weights of a PyTorch recurrent module's state dict: a stack's flat dict.

    state_dict: {name: array or tensor} of nn.RNN / nn.LSTM / nn.GRU (module.state_dict()); num_layers
    and bidirectional are read off its names. cell: "rnn", "lstm" or "gru", the module's kind.
    head: None, or an nn.Linear's state dict {"weight": (O, H * dirs), "bias": (O,)}, which becomes
    V and c. Tensors are converted with .detach().cpu().numpy(), everything to float64.
    Returns a dict as rnn_helpers.deep.init_params makes (the rnn's and lstm's b = bias_ih + bias_hh).
    Raises ValueError naming cell for a cell PyTorch lacks; TypeError/ValueError naming state_dict[key]
    or head for a missing, unknown or ill-shaped entry (LSTM projections, weight_hr, included).
    """
    if not isinstance(cell, str) or cell not in TORCH_CELLS:
        if isinstance(cell, str) and cell.isidentifier():
            raise _no_torch_cell(cell)
        raise TypeError(f"cell must be one of {', '.join(map(repr, TORCH_CELLS))}, the kind of PyTorch "
                        f"module the state dict is from; got {cell!r}.")
    if not isinstance(state_dict, dict) or not state_dict:
        raise TypeError(f"state_dict must be a non-empty dict name -> array, as module.state_dict() "
                        f"returns; got {type(state_dict).__name__}.")
    arrays, layers = {}, {}
    for key, value in state_dict.items():
        m = _KEY.match(key) if isinstance(key, str) else None
        if m is None:
            extra = " (LSTM projections, proj_size, have no counterpart in the package)" \
                if isinstance(key, str) and key.startswith("weight_hr") else ""
            raise ValueError(f"state_dict has the key {key!r}, which is no weight of {_MODULE[cell]}{extra}: "
                             "expected weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k} (and "
                             "_reverse).")
        arrays[key] = _array(f"state_dict[{key!r}]", value)
        layers.setdefault((int(m.group(2)), m.group(3) is not None), set()).add(m.group(1))
    L = max(k for k, _ in layers) + 1
    dirs = 2 if any(rev for _, rev in layers) else 1
    with_bias = ("bias_ih" in layers.get((0, False), set()))
    want = {"weight_ih", "weight_hh"} | ({"bias_ih", "bias_hh"} if with_bias else set())
    G = TORCH_CELLS[cell]
    first = arrays.get("weight_hh_l0")
    if first is None or first.ndim != 2 or first.shape[0] != G * first.shape[1] or first.shape[1] < 1:
        raise ValueError(f"state_dict['weight_hh_l0'] must be ({G} H, H) for {_MODULE[cell]}, got "
                         f"{None if first is None else first.shape}.")
    H = first.shape[1]
    params = {}
    for k in range(L):
        for d in range(dirs):
            end = suffix(k, d == 1)
            have = layers.get((k, d == 1), set())
            if have != want:
                raise ValueError(f"state_dict: layer {k}'s {'reverse' if d else 'forward'} weights are "
                                 f"{sorted(n + end for n in have)}, expected {sorted(n + end for n in want)}.")
            D_k = arrays[f"weight_ih{end}"].shape[1] if arrays[f"weight_ih{end}"].ndim == 2 else -1
            if k > 0:                                    # layer k reads layer k-1's h, both directions
                D_k = H * dirs
            shapes = {"weight_ih": (G * H, D_k), "weight_hh": (G * H, H), "bias_ih": (G * H,),
                      "bias_hh": (G * H,)}
            for name in want:
                if arrays[name + end].shape != shapes[name] or D_k < 1:
                    raise ValueError(f"state_dict[{name + end!r}] has shape {arrays[name + end].shape}, "
                                     f"expected {shapes[name]} for {_MODULE[cell]} with hidden_size {H}.")
            w_ih, w_hh = arrays[f"weight_ih{end}"], arrays[f"weight_hh{end}"]
            if cell == "rnn":
                params[f"U{end}"], params[f"W{end}"] = w_ih, w_hh
            else:
                params[f"W_x{end}"], params[f"W_h{end}"] = w_ih, w_hh
            if with_bias and cell == "gru":
                params[f"b_x{end}"], params[f"b_h{end}"] = arrays[f"bias_ih{end}"], arrays[f"bias_hh{end}"]
            elif with_bias:
                params[f"b{end}"] = arrays[f"bias_ih{end}"] + arrays[f"bias_hh{end}"]
    if not with_bias and cell != "rnn":
        raise ValueError(f"state_dict has no biases (bias=False), which the package's {cell} cell "
                         "always has; build the module with bias=True.")
    if head is not None:
        if not isinstance(head, dict) or set(head) != {"weight", "bias"}:
            raise TypeError("head must be None or an nn.Linear's state dict {'weight': (O, H * dirs), "
                            f"'bias': (O,)}}; got {type(head).__name__} "
                            f"{sorted(map(repr, head)) if isinstance(head, dict) else ''}.")
        V, c = _array("head['weight']", head["weight"]), _array("head['bias']", head["bias"])
        if V.ndim != 2 or V.shape[0] < 1 or V.shape[1] != H * dirs:
            raise ValueError(f"head['weight'] has shape {V.shape}, expected (output_dim, {H * dirs}): the "
                             "head reads the top layer's h, hidden_size times directions.")
        if c.shape != (V.shape[0],):
            raise ValueError(f"head['bias'] has shape {c.shape}, expected ({V.shape[0]},), one per row of "
                             "head['weight'].")
        params["V"], params["c"] = V, c
    describe(params, "from_torch's result")          # every shape fits one stack, or a clear error
    return params


def _array(name, value):
    """A state dict's entry (a numpy array or a torch tensor, of any float or int type) as float64."""
    if hasattr(value, "detach") and hasattr(value, "cpu"):     # a torch tensor, without importing torch
        value = value.detach().cpu().numpy()
    if not isinstance(value, np.ndarray):
        raise TypeError(f"{name} must be a numpy array or a torch tensor, as a state dict holds, got "
                        f"{type(value).__name__}.")
    return np.array(check_magnitude(name, as_float_array(name, value)), dtype=np.float64)
