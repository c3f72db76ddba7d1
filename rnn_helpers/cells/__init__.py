"""The cell types by name, and the protocol that makes anything a cell.

A cell is any object (a module, a class instance) with these four public attributes:

    states         a tuple of state names, the first being the output h_t: ("h",) or ("h", "c")
    init_params(hidden_dim, input_dim, *, seed)
                   a dict of the cell's own weights (no output layer), float64 arrays
    step_forward(x_t, state, params) -> (state_t, cache)
                   x_t (N, D); state a tuple of (N, H) arrays in the order of `states`; params the
                   cell's weights; state_t a tuple like state; cache what step_backward needs
    step_backward(dstate_t, cache) -> (dx_t, dstate_prev, dparams)
                   dstate_t a tuple like state (the gradient reaching state_t); dx_t (N, D);
                   dstate_prev a tuple like state; dparams a dict with the cell's keys, summed over
                   the N records

A cell may also have `activations`, a tuple of names of which the first is the default: its
step_forward then takes activation=... (the vanilla RNN's "sigmoid" or "tanh"); and
`optional_keys`, the names of weights a params dict may leave out (the RNN's bias b).

    register("mgu", MyCell())                  add a cell: clear errors for a taken name, a missing
                                               or ill-shaped attribute, or a key set in use
    unregister("mgu")                          take it out again (to register a corrected version)
    names()                                    every registered cell, the built-in three first
    get_cell("mgu")                            its model: forward, backward, loss_and_grads
                                               (truncate=k), loss_and_grads_loop, truncated_loss,
                                               predict, state_gradients, built from its steps
    init_params("mgu", hidden_dim, input_dim, output_dim, seed=0)
                                               the cell's weights plus the output layer V, c
    cell_of(params)                            the name of the cell whose keys params has

The built-in cells are registered here: rnn (rnn_helpers.rnn, whose teaching step_forward(x_t,
s_prev, params, activation) its CELL adapts), lstm and gru. Each brings vectorised versions of the
sequence functions and a fast training engine; a cell registered without them runs on the readable
versions built from its steps (rnn_helpers.sequence) and trains with the readable engine. The
package also registers "gru_before" (rnn_helpers.gru_reset_before, the GRU with the reset gate
before the recurrent product), with its vectorised functions and a fast engine; it is not one of
CELLS, the three cells the course builds and the package relies on.
"""

import numpy as np

__all__ = ["register", "unregister", "names", "get_cell", "init_params", "cell_of", "fast_engine",
           "CELLS"]

PROTOCOL = ("states", "init_params", "step_forward", "step_backward")
HEAD_KEYS = ("V", "c")                      # the output layer's weights: no cell may use them

_REGISTRY = {}                              # name -> sequence.SequenceModel
_BUILT_IN_REGISTERED = []                   # [True] once the built-in cells are registered


#: The built-in cells' names (names() lists every registered cell, those added since too).
CELLS = ("rnn", "lstm", "gru")


def names():
    """The registered cells' names, in the order they were registered. Returns a tuple of str."""
    return tuple(_registry())


def register(name, cell, *, vectorised=None, engines=None):
    """Add `cell` under `name`; from then on training, prediction, the gradient checks, gradient
    flow, the text model and the explorer take it like the built-in cells.

    name: a str, not yet registered. cell: anything with the protocol's four attributes (see the
    module). vectorised, engines: optional speed-ups, for the built-in cells: a module with
    forward/loss_and_grads/loss_and_grads_loop/truncated_loss computing the same numbers, and a
    dict purpose -> factory ("regression" for train, "text" for the character model).
    Returns the cell's model (as get_cell(name) does). Raises TypeError or ValueError naming what is
    wrong: the name, a missing attribute, an attribute of the wrong kind or one that gives
    ill-shaped results on a small trial, or weight names that a registered cell already uses.
    """
    from ..sequence import SequenceModel             # sequence builds on this module's registry

    _registry()
    if not isinstance(name, str) or not name.isidentifier():
        raise TypeError(f"name must be a str that is a Python identifier (such as 'mgu'), got "
                        f"{name!r}.")
    if name in _REGISTRY:
        raise ValueError(f"name {name!r} is taken: a cell is already registered under it "
                         f"(registered: {', '.join(_REGISTRY)}); choose another name.")
    keys, optional = _check_protocol(name, cell)
    for other, model in _REGISTRY.items():
        if _key_sets(keys, optional) & _key_sets(model.keys, model.optional_keys):
            raise ValueError(f"cell {name!r} has the weights {sorted(keys)}, the key set of the "
                             f"registered cell {other!r}: the package finds a model's cell from "
                             "its params' keys, so give the weights other names.")
    _REGISTRY[name] = model = SequenceModel(name, cell, keys, optional, vectorised, engines or {})
    return model


def unregister(name):
    """Take the cell called `name` out of the registry (to register a new version under its name).

    Raises ValueError for a name that is not registered, or for a built-in cell (rnn, lstm, gru),
    which the package's own modules rely on.
    """
    get_cell(name)
    if name in CELLS:
        raise ValueError(f"name {name!r} is a built-in cell, which cannot be unregistered; "
                         "unregister only cells you registered yourself.")
    del _REGISTRY[name]


def get_cell(name):
    """The model of the cell called `name`: its sequence functions, built from its steps.

    Raises ValueError naming the registered cells for any other name.
    """
    if not isinstance(name, str) or name not in _registry():
        raise ValueError(f"name (the cell) must be one of {', '.join(map(repr, _REGISTRY))}, got "
                         f"{name!r}; add a cell with rnn_helpers.cells.register(name, cell).")
    return _REGISTRY[name]


def init_params(name, hidden_dim, input_dim=1, output_dim=1, *, seed=0):
    """The weights of a model with the cell `name`: the cell's own, then V (O, H) and c (O,).

    V from uniform(-a, a) with a = 1 / sqrt(hidden_dim), c zero, both from the same seeded
    generator as the cell's. Returns a dict of float64 arrays. Raises as get_cell does for the name,
    TypeError/ValueError naming a bad size or seed.
    """
    return get_cell(name).init_params(hidden_dim, input_dim, output_dim, seed=seed)


def cell_of(params, name="params"):
    """The name of the registered cell whose weights params holds (plus the output layer V, c).

    name: what the caller's user calls params (e.g. "model"), for messages.
    Raises TypeError if params is not a dict, ValueError if its keys fit no cell (naming them).
    """
    if not isinstance(params, dict):
        raise TypeError(f"{name} must be a dict of weight arrays like init_params returns, got "
                        f"{type(params).__name__}.")
    keys = set(params) - set(HEAD_KEYS)
    for cell, model in _registry().items():
        if "V" in params and keys in _key_sets(model.keys, model.optional_keys):
            return cell
    listing = "; ".join(f"{cell}: {sorted(model.keys | set(HEAD_KEYS))}"
                        for cell, model in _REGISTRY.items())
    raise ValueError(f"{name} has the keys {sorted(map(repr, params))}, which fit no cell ({listing}). "
                     "Build it with rnn_helpers.cells.init_params(cell, hidden_dim, ...) or a "
                     "cell module's init_params.")


def fast_engine(name, purpose):
    """The fast engine registered for cell `name` and `purpose` ("regression", "text"), or None."""
    return get_cell(name).engines.get(purpose)


def _key_sets(keys, optional):
    """Every key set a params dict of a cell may have: all keys, or without some optional ones."""
    sets = {frozenset(keys)}
    for key in optional:
        sets |= {s - {key} for s in sets}
    return sets


def _check_protocol(name, cell):
    """Check cell's four attributes on a small trial (H = 2, D = 3, N = 1); return (keys, optional).

    Raises TypeError for a missing attribute or one of the wrong kind, ValueError for results of
    the wrong shapes, each message naming the attribute.
    """
    missing = [a for a in PROTOCOL if not hasattr(cell, a)]
    if missing:
        raise TypeError(f"cell {name!r} lacks {missing}: a cell needs the attributes "
                        f"{list(PROTOCOL)} (see rnn_helpers.cells).")
    states = cell.states
    if not isinstance(states, tuple) or not states or \
            not all(isinstance(s, str) for s in states) or len(set(states)) != len(states):
        raise TypeError(f"cell {name!r}: states must be a non-empty tuple of distinct names, the "
                        f"first being the output h_t (such as ('h',) or ('h', 'c')); got {states!r}.")
    for attr in PROTOCOL[1:]:
        if not callable(getattr(cell, attr)):
            raise TypeError(f"cell {name!r}: {attr} must be a function, got "
                            f"{type(getattr(cell, attr)).__name__}.")
    H, D, N = 2, 3, 1
    params = _trial(name, "init_params", cell.init_params, H, D, seed=0)
    if not isinstance(params, dict) or not params or \
            not all(isinstance(v, np.ndarray) and v.dtype == np.float64 for v in params.values()):
        raise TypeError(f"cell {name!r}: init_params(hidden_dim, input_dim, seed=...) must return a "
                        f"non-empty dict of float64 arrays, got {_describe(params)}.")
    clash = sorted(set(params) & set(HEAD_KEYS))
    if clash:
        raise ValueError(f"cell {name!r}: init_params returns {clash}, the output layer's names "
                         f"{list(HEAD_KEYS)}; the cell's weights need other names.")
    optional = tuple(getattr(cell, "optional_keys", ()))
    if not set(optional) <= set(params):
        raise ValueError(f"cell {name!r}: optional_keys {list(optional)} must be keys that "
                         f"init_params returns ({sorted(params)}).")
    state = tuple(np.zeros((N, H)) for _ in states)
    out = _trial(name, "step_forward", cell.step_forward, np.ones((N, D)), state, params)
    if not (isinstance(out, tuple) and len(out) == 2):
        raise TypeError(f"cell {name!r}: step_forward must return (state_t, cache), got "
                        f"{_describe(out)}.")
    _check_states(name, "step_forward's state_t", out[0], len(states), (N, H))
    back = _trial(name, "step_backward", cell.step_backward, tuple(np.ones((N, H)) for _ in states),
                  out[1])
    if not (isinstance(back, tuple) and len(back) == 3):
        raise TypeError(f"cell {name!r}: step_backward must return (dx_t, dstate_prev, dparams), "
                        f"got {_describe(back)}.")
    dx, dprev, dparams = back
    if np.shape(dx) != (N, D):
        raise ValueError(f"cell {name!r}: step_backward's dx_t must have x_t's shape (N, input_dim) "
                         f"= {(N, D)}, got {np.shape(dx)}.")
    _check_states(name, "step_backward's dstate_prev", dprev, len(states), (N, H))
    if not isinstance(dparams, dict) or set(dparams) != set(params) or \
            any(np.shape(dparams[k]) != params[k].shape for k in params):
        got = {k: np.shape(v) for k, v in dparams.items()} if isinstance(dparams, dict) else dparams
        raise ValueError(f"cell {name!r}: step_backward's dparams must be a dict with the keys and "
                         f"shapes of init_params' {({k: v.shape for k, v in params.items()})}, got "
                         f"{got}.")
    return frozenset(params), optional


def _trial(name, attr, function, *args, **kwargs):
    """function(*args, **kwargs), or a TypeError naming the cell and the attribute if it raises."""
    try:
        return function(*args, **kwargs)
    except Exception as err:            # noqa: BLE001 - any failure of a learner's code is reported
        raise TypeError(f"cell {name!r}: {attr} failed on a trial with hidden_dim = 2, input_dim "
                        f"= 3, N = 1 ({type(err).__name__}: {err}); see rnn_helpers.cells for "
                        "what each attribute takes and returns.") from err


def _check_states(name, what, value, n, shape):
    if not isinstance(value, tuple) or len(value) != n or \
            any(np.shape(v) != shape for v in value):
        got = tuple(np.shape(v) for v in value) if isinstance(value, tuple) else _describe(value)
        raise ValueError(f"cell {name!r}: {what} must be a tuple of {n} arrays (N, hidden_dim), one "
                         f"per name in states; on a trial with N = 1, hidden_dim = 2 it gave {got}.")


def _describe(value):
    return f"{type(value).__name__} {value!r}"[:120]


def _registry():
    """The registry, with the built-in cells registered on first use (their modules import this
    one, so they cannot be registered while it loads)."""
    if not _BUILT_IN_REGISTERED:
        _BUILT_IN_REGISTERED.append(True)          # before registering: register() comes back here
        _register_builtins()
    return _REGISTRY


def _register_builtins():
    """The three cells the course builds, with their vectorised functions and fast engines, and
    the reset-before GRU with its vectorised functions and fast engine."""
    from .. import _engines
    from ..text import model as text_model
    from . import gru, gru_reset_before, lstm, rnn

    register("rnn", rnn.CELL, vectorised=rnn.SEQUENCE,
             engines={"regression": _engines.RNNEngine, "text": text_model.VANILLA_TEXT})
    register("lstm", lstm.CELL, vectorised=lstm.SEQUENCE, engines={"regression": _engines.LSTMEngine})
    register("gru", gru.CELL, vectorised=gru.SEQUENCE, engines={"regression": _engines.GRUEngine})
    # The GRU with the reset gate before the recurrent product (Cho et al. 2014)
    register("gru_before", gru_reset_before.CELL, vectorised=gru_reset_before.SEQUENCE,
             engines={"regression": _engines.GRUBeforeEngine})
