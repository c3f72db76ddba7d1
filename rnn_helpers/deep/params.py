"""The weights of a stack of recurrent layers, one flat dict: how they are named, drawn and read back.

Letters: L layers (num_layers), H hidden size, D input size, O output size (or K classes).
Each layer k = 0 .. L-1 has one cell per direction: the forward cell reads the sequence in time
order; in a bidirectional stack a second, separate, cell reads it backwards. Their weights are the
cell's own keys with PyTorch's suffixes:

    key_l{k}            the forward cell of layer k        e.g. W_x_l0, W_h_l1, U_l0
    key_l{k}_reverse    the reverse cell of layer k        e.g. W_x_l0_reverse

Layer 0 reads the D input features; layer k > 0 reads layer k-1's h at the same step, H values
(one direction) or 2 H (forward then reverse, concatenated). A head on top, when output_dim is
given, is V (O, H * dirs) and c (O,), as everywhere in the package.

The dict is flat, of float64 arrays, so that gradcheck, clipping and Adam work on it unchanged.
describe(params) reads the architecture back off the keys and shapes.
"""

import re
from typing import NamedTuple

import numpy as np

from .._checks import check_flag, check_int, check_size, check_weight_arrays
from ..cells import HEAD_KEYS, _key_sets, _registry, get_cell

__all__ = ["Spec", "init_params", "describe", "suffix", "layer_params"]

MAX_LAYERS = 16
_KEY = re.compile(r"^(?P<base>.+)_l(?P<layer>\d+)(?P<reverse>_reverse)?$")
_SHAPES = {}                                    # (cell, H, D) -> {key: shape}


class Spec(NamedTuple):
    """What a params dict of a stack holds (describe returns it).

    cell: the registered cell's name. num_layers: L >= 1. bidirectional: bool. hidden_dim: H.
    input_dim: D (layer 0's input size). output_dim: O, the head's rows, or None without a head.
    """
    cell: str
    num_layers: int
    bidirectional: bool
    hidden_dim: int
    input_dim: int
    output_dim: object = None

    @property
    def dirs(self):
        """1, or 2 for a bidirectional stack."""
        return 2 if self.bidirectional else 1

    @property
    def out_dim(self):
        """The size of each step's output of a layer: H * dirs."""
        return self.hidden_dim * self.dirs

    def layer_input_dim(self, layer):
        """The input size of layer `layer`: D for layer 0, H * dirs above."""
        return self.input_dim if layer == 0 else self.out_dim


def suffix(layer, reverse):
    """'_l{layer}' or '_l{layer}_reverse': PyTorch's suffix for the layer's cell of that direction."""
    return f"_l{layer}" + ("_reverse" if reverse else "")


def layer_params(params, layer, reverse):
    """The cell's own weights of one layer and direction out of a stack's params (keys unsuffixed)."""
    out = {}
    for key, value in params.items():
        parts = _split(key)
        if parts is not None and parts[1:] == (layer, reverse):
            out[parts[0]] = value
    return out


def _split(key):
    """(base, layer, reverse) of a suffixed key, or None."""
    m = _KEY.match(key)
    if m is None:
        return None
    return m.group("base"), int(m.group("layer")), m.group("reverse") is not None


def init_params(cell, hidden_dim, input_dim, output_dim=None, *, num_layers=1, bidirectional=False,
                seed=0):
    """Draw the weights of a stack of num_layers layers of `cell` (any registered cell's name).

    Each layer's cell (and each direction's) is drawn by the cell's own init_params, with its own
    seed derived from (seed, layer, direction), so that no two cells start equal. With output_dim,
    the head V (O, H * dirs) from uniform(-a, a), a = 1 / sqrt(H * dirs), and c (O,) zero.
    Returns a flat dict of float64 arrays (see the module for the names).
    Raises ValueError naming cell for an unregistered name; TypeError/ValueError naming a size,
    num_layers (1 .. 16), bidirectional (True or False) or seed (a whole number >= 0).
    """
    model = get_cell(cell)
    H = check_int("hidden_dim", hidden_dim, minimum=1, maximum=100_000)
    D = check_int("input_dim", input_dim, minimum=1, maximum=100_000)
    O = check_int("output_dim", output_dim, minimum=1, maximum=100_000, allow_none=True)
    L = check_int("num_layers", num_layers, minimum=1, maximum=MAX_LAYERS)
    bidirectional = check_flag("bidirectional", bidirectional)
    seed = check_int("seed", seed, minimum=0, maximum=2**63 - 1)
    dirs = 2 if bidirectional else 1
    per_cell = sum(int(np.prod(s)) for s in _shapes(cell, H, max(D, H * dirs)).values())
    check_size("hidden_dim", L * dirs * per_cell + (O or 0) * (H * dirs + 1),
               f"the weights of {L} layers of {dirs} {cell} cells of hidden_dim={H}")
    params = {}
    for layer in range(L):
        for d in range(dirs):
            cell_seed = int(np.random.SeedSequence((seed, layer, d)).generate_state(1)[0])
            drawn = model.cell.init_params(H, D if layer == 0 else H * dirs, seed=cell_seed)
            params.update({k + suffix(layer, d == 1): np.asarray(v, dtype=np.float64)
                           for k, v in drawn.items()})
    if O is not None:
        a = 1.0 / np.sqrt(H * dirs)
        params["V"] = np.random.default_rng((seed, L, 2)).uniform(-a, a, size=(O, H * dirs))
        params["c"] = np.zeros(O)
    return params


def describe(params, name="params"):
    """The architecture of a stack's params, read off its keys and shapes: a Spec.

    name: what the caller's user calls params, for messages.
    Raises TypeError if params is not a dict of float64 arrays; ValueError naming the key that is
    wrong: a key of no layer, a missing layer or direction, weights of no registered cell or of
    different cells, shapes that do not fit one hidden size, NaN or infinite entries.
    """
    build = "rnn_helpers.deep.init_params(cell, hidden_dim, input_dim, output_dim, num_layers=..., " \
            "bidirectional=...)"
    if not isinstance(params, dict) or not params:
        raise TypeError(f"{name} must be a non-empty dict of weight arrays like {build} returns, got "
                        f"{type(params).__name__}.")
    bad = [k for k in params if not isinstance(k, str)]
    if bad:
        raise TypeError(f"{name} has keys that are not str: {bad[:3]}; build it with {build}.")
    check_weight_arrays(params, name, build)
    groups = {}                                          # (layer, reverse) -> set of base keys
    for k in params:
        if k in HEAD_KEYS:
            continue
        parts = _split(k)
        if parts is None:
            raise ValueError(f"{name} has the key {k!r}, which is not a layer's weight (a cell's key "
                             f"with the suffix _l0, _l1, ... or _l0_reverse, ...) nor the head's V or "
                             f"c; build the weights with {build}.")
        groups.setdefault(parts[1:], set()).add(parts[0])
    if not groups:
        raise ValueError(f"{name} has only the head {sorted(params)}: a stack needs the weights of at "
                         f"least one layer (keys such as W_x_l0); build it with {build}.")
    L = max(layer for layer, _ in groups) + 1
    bidirectional = any(rev for _, rev in groups)
    if L > MAX_LAYERS:
        raise ValueError(f"{name} has weights of layer {L - 1}; a stack has at most {MAX_LAYERS} layers.")
    for layer in range(L):
        for rev in (False, True)[:1 + bidirectional]:
            if (layer, rev) not in groups:
                has = f"layer {L - 1}" if layer < L - 1 else "reverse cells"
                raise ValueError(f"{name} has no weights for layer {layer}'s "
                                 f"{'reverse' if rev else 'forward'} cell (keys ending in "
                                 f"{suffix(layer, rev)!r}), but has {has}: every layer needs its "
                                 f"cells; build the weights with {build}.")
    first = groups[0, False]
    cell = _cell_with_keys(first, name, suffix(0, False))
    for (layer, rev), keys in sorted(groups.items()):
        if keys != first:
            raise ValueError(f"{name}: layer {layer}'s {'reverse' if rev else 'forward'} cell has the "
                             f"weights {sorted(keys)} but layer 0's has {sorted(first)}: every layer "
                             f"of a stack is the same cell ({cell}).")
    H, D = _dims(cell, layer_params(params, 0, False), name, suffix(0, False))
    dirs = 2 if bidirectional else 1
    for layer in range(L):
        for rev in (False, True)[:dirs]:
            want = _shapes(cell, H, D if layer == 0 else H * dirs)
            for base in sorted(groups[layer, rev]):
                key = base + suffix(layer, rev)
                if params[key].shape != want[base]:
                    raise ValueError(f"{name}[{key!r}] has shape {params[key].shape}, expected "
                                     f"{want[base]}: hidden_dim={H} and input_dim={D} (read off "
                                     f"layer 0's forward cell), and layer {layer} reads "
                                     f"{D if layer == 0 else H * dirs} values per step.")
    O = _head(params, name, H * dirs)
    return Spec(cell, L, bidirectional, H, D, O)


def _head(params, name, width):
    """The head's output size O, or None without a head; checks V (O, width) and c (O,)."""
    has = [k for k in HEAD_KEYS if k in params]
    if not has:
        return None
    if len(has) == 1:
        raise ValueError(f"{name} has the head's {has[0]!r} but not "
                         f"{[k for k in HEAD_KEYS if k not in has][0]!r}: a head needs both V (O, H * "
                         "dirs) and c (O,); build the weights with output_dim given.")
    V, c = params["V"], params["c"]
    if V.ndim != 2 or V.shape[1] != width or V.shape[0] < 1:
        raise ValueError(f"{name}['V'] has shape {V.shape}, expected (output_dim, {width}): the head "
                         f"reads the top layer's h, {width} values (hidden_dim times directions).")
    if c.shape != (V.shape[0],):
        raise ValueError(f"{name}['c'] has shape {c.shape}, expected ({V.shape[0]},), one bias per "
                         f"row of V.")
    return V.shape[0]


def _cell_with_keys(keys, name, end):
    for cell, model in _registry().items():
        if frozenset(keys) in _key_sets(model.keys, model.optional_keys):
            return cell
    listing = "; ".join(f"{cell}: {sorted(model.keys)}" for cell, model in _registry().items())
    raise ValueError(f"{name}: the weights ending in {end!r} are {sorted(keys)}, which fit no "
                     f"registered cell ({listing}).")


def _shapes(cell, H, D):
    """{key: shape} of the cell's own weights at hidden size H and input size D."""
    if (cell, H, D) not in _SHAPES:
        drawn = get_cell(cell).cell.init_params(H, D, seed=0)
        _SHAPES[cell, H, D] = {k: np.shape(v) for k, v in drawn.items()}
    return _SHAPES[cell, H, D]


def _dims(cell, weights, name, end):
    """(H, D) of one cell's weights, read off their shapes: every axis of the cell's weights is
    a + b H + c D (found from the cell's shapes at three small sizes); an axis with only H solves
    for H, then one with D for D; the result is checked against the cell's shapes at (H, D)."""
    t11, t21, t12 = _shapes(cell, 1, 1), _shapes(cell, 2, 1), _shapes(cell, 1, 2)
    H = D = None
    for key in sorted(weights):
        shape = weights[key].shape
        if len(shape) != len(t11[key]):
            raise ValueError(f"{name}[{key + end!r}] has {len(shape)} dimensions (shape {shape}), the "
                             f"{cell} cell's {key} has {len(t11[key])}.")
        for axis, size in enumerate(shape):
            b, c = t21[key][axis] - t11[key][axis], t12[key][axis] - t11[key][axis]
            a = t11[key][axis] - b - c
            if H is None and b > 0 and c == 0 and (size - a) % b == 0 and size > a:
                H = (size - a) // b
    for key in sorted(weights):
        for axis, size in enumerate(weights[key].shape):
            b, c = t21[key][axis] - t11[key][axis], t12[key][axis] - t11[key][axis]
            a = t11[key][axis] - b - c
            if D is None and H is not None and c > 0 and (size - a - b * H) % c == 0 and size - a - b * H > 0:
                D = (size - a - b * H) // c
    if H is None or D is None:
        raise ValueError(f"{name}: the shapes of the weights ending in {end!r} "
                         f"({ {k + end: v.shape for k, v in weights.items()} }) fit no hidden_dim and "
                         f"input_dim of the {cell} cell.")
    want = _shapes(cell, H, D)
    for key in sorted(weights):
        if weights[key].shape != want[key]:
            raise ValueError(f"{name}[{key + end!r}] has shape {weights[key].shape}, expected "
                             f"{want[key]} (hidden_dim={H}, input_dim={D}, read off the other weights).")
    return H, D
