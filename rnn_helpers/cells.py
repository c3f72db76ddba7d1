"""The three cell types, by name: each is a module with the same functions.

    rnn   rnn_helpers.rnn    s_t = act(U x_t + W s_{t-1} + b)          (notebooks 2-7)
    lstm  rnn_helpers.lstm   gates i, f, g, o and a cell state c_t      (notebook 8)
    gru   rnn_helpers.gru    gates r, z and a candidate n               (notebook 8)

Every cell module has init_params, step_forward, step_backward, forward, backward, loss_and_grads
(with truncate=k), loss_and_grads_loop and truncated_loss, and the same output layer and loss
(y_hat = V h_T + c; the mean over the N records of 1/2 ||y_hat - y||^2). Training, prediction and
the gradient checks take a cell's name and look its module up here.
"""

import importlib

__all__ = ["CELLS", "get_cell", "cell_of"]

CELLS = ("rnn", "lstm", "gru")

# The keys of each cell's params dict (biases optional for the vanilla RNN only).
_KEYS = {
    "rnn": ({"U", "W", "V"}, {"b", "c"}),
    "lstm": ({"W_x", "W_h", "b", "V", "c"}, set()),
    "gru": ({"W_x", "W_h", "b_x", "b_h", "V", "c"}, set()),
}


def get_cell(name):
    """The module of the cell called `name` ("rnn", "lstm" or "gru"). Raises ValueError otherwise."""
    if not isinstance(name, str) or name not in CELLS:
        raise ValueError(f"name (the cell) must be one of {', '.join(map(repr, CELLS))}, got {name!r}.")
    return importlib.import_module(f".{name}", __package__)


def cell_of(params, name="params"):
    """The name of the cell whose init_params makes a dict with params' keys.

    name: what the caller's user calls params (e.g. "model"), for messages.
    Raises TypeError if params is not a dict, ValueError if its keys fit no cell (naming them).
    """
    if not isinstance(params, dict):
        raise TypeError(f"{name} must be a dict of weight arrays like init_params returns, got "
                        f"{type(params).__name__}.")
    keys = set(params)
    for cell, (required, optional) in _KEYS.items():
        if required <= keys <= required | optional:
            return cell
    listing = "; ".join(f"{cell}: {sorted(req | opt)}" for cell, (req, opt) in _KEYS.items())
    raise ValueError(f"{name} has the keys {sorted(map(repr, keys))}, which fit no cell ({listing}). "
                     "Build it with the init_params of rnn_helpers.rnn, .lstm or .gru.")
