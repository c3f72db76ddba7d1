"""A cell's sequence model: the functions of a cell module, built from the cell's two steps.

Letters used in shapes: N records, T time steps, D input size, H hidden size, O output size.

rnn_helpers.cells.get_cell(name) returns a SequenceModel: the recurrent layer (rnn_helpers.layer)
with the regression head y_hat = h_T V^T + c and the loss mean_n 1/2 ||y_hat - y||^2 on top:

    forward(params, X, state0=None)          -> (Y_hat (N, O), cache)
    backward(dY_hat, cache, truncate=None)   -> grads, the keys and shapes of params
    loss_and_grads(params, X, Y, truncate=None), loss_and_grads_loop (one record at a time),
    truncated_loss(params, X, Y, truncate, state_params=None), predict(params, X),
    state_gradients(params, X, Y, state="h"), init_params(hidden_dim, input_dim, output_dim, seed=)

Every function takes activation=None too: the cell's default, or one of its `activations` (the
vanilla RNN's); a cell without activations refuses any other value. truncate=k is the exact
gradient of the same loss with the state at step T-k held constant (truncated_loss is that
objective). A built-in cell brings vectorised versions of loss_and_grads, loss_and_grads_loop,
truncated_loss, predict and state_gradients (the same numbers, faster); any other runs on these.
"""

import numpy as np

from ._checks import (NO_TARGETS, as_float_array, check_int, check_truncate, check_weight_arrays,
                      check_windows)
from .layer import (layer_backward, layer_forward, regression_backward, regression_forward,
                    regression_loss, steps_back, zero_state)
from .losses import mse_unchecked

__all__ = ["SequenceModel"]


class SequenceModel:
    """A registered cell with its sequence functions (see the module). Made by cells.register.

    Attributes: name; cell (what was registered); states; keys (frozenset of the cell's weight
    names); optional_keys; activations (a tuple, empty for most cells); engines (purpose ->
    factory of a fast engine); vectorised (the built-in cells' faster functions, or None).
    """

    def __init__(self, name, cell, keys, optional_keys, vectorised, engines):
        self.name, self.cell, self.states = name, cell, tuple(cell.states)
        self.keys, self.optional_keys = keys, tuple(optional_keys)
        self.activations = tuple(getattr(cell, "activations", ()))
        self.vectorised, self.engines = vectorised, dict(engines)
        self._templates = {}                             # (H, D) -> {key: shape}

    def __repr__(self):
        return f"<cell {self.name!r}: states {self.states}, weights {sorted(self.keys)}>"

    def from_steps(self):
        """This cell's model without its vectorised functions and fast engines: everything built
        from its two steps (what any registered cell runs on). The tests hold the two equal."""
        return SequenceModel(self.name, self.cell, self.keys, self.optional_keys, None, {})

    # -- the protocol, passed through -----------------------------------------------------------

    def step_forward(self, x_t, state, params, activation=None):
        """The cell's step_forward (with activation for a cell that has activations)."""
        return self.cell.step_forward(x_t, state, params, **self.options(activation))

    def step_backward(self, dstate_t, cache):
        """The cell's step_backward."""
        return self.cell.step_backward(dstate_t, cache)

    def options(self, activation=None):
        """The keyword arguments of step_forward: {"activation": ...} for a cell with activations
        (None gives its default), {} for the others. Raises ValueError for an activation the cell
        does not have, or any activation for a cell without them."""
        if self.activations:
            if activation is None:
                return {"activation": self.activations[0]}
            if activation not in self.activations:
                raise ValueError(f"activation must be one of {', '.join(map(repr, self.activations))}"
                                 f" for the {self.name.upper()}, got {activation!r}.")
            return {"activation": activation}
        if activation is not None:
            raise ValueError(f"activation must be None for the {self.name.upper()} (its gate "
                             f"functions are fixed), got {activation!r}.")
        return {}

    # -- weights and checks ---------------------------------------------------------------------

    def init_params(self, hidden_dim, input_dim=1, output_dim=1, *, seed=0):
        """The cell's weights from cell.init_params, plus V (O, H) from uniform(-a, a) with
        a = 1 / sqrt(hidden_dim) and c (O,) zero. V comes from its own generator, seeded with
        (seed, 1), so the cell's weights are exactly what cell.init_params(hidden_dim, input_dim,
        seed=seed) gives. Raises TypeError/ValueError naming a bad size or seed."""
        H = check_int("hidden_dim", hidden_dim, minimum=1, maximum=100_000)
        D = check_int("input_dim", input_dim, minimum=1, maximum=100_000)
        O = check_int("output_dim", output_dim, minimum=1, maximum=100_000)
        seed = check_int("seed", seed, minimum=0)
        if self.vectorised is not None:
            return self.vectorised.init_params(H, D, O, seed=seed)
        params = dict(self.cell.init_params(H, D, seed=seed))
        a = 1.0 / np.sqrt(H)
        params["V"] = np.random.default_rng((seed, 1)).uniform(-a, a, size=(O, H))
        params["c"] = np.zeros(O)
        return params

    def check_params(self, params, name="params"):
        """Check a params dict of this cell (called `name` in messages); return (H, D, O).

        Raises TypeError (not a dict, an entry not a float64 array) or ValueError (wrong keys, NaN
        or infinite entries, a wrong shape), naming the key that is wrong.
        """
        if self.vectorised is not None:
            return self.vectorised.check_params(params, name)
        build = f"rnn_helpers.cells.init_params({self.name!r}, hidden_dim, input_dim, output_dim)"
        if not isinstance(params, dict):
            raise TypeError(f"{name} must be a dict like {build} returns, got "
                            f"{type(params).__name__}.")
        allowed = self.keys | {"V", "c"}
        missing = sorted(allowed - set(params) - set(self.optional_keys) - {"c"})   # c: optional
        extra = sorted(set(params) - allowed)
        if missing or extra:
            found = [f"is missing {missing}"] * bool(missing) + [f"has unknown keys {extra}"] * bool(extra)
            raise ValueError(f"{name} {' and '.join(found)}: the {self.name.upper()}'s params have "
                             f"the keys {sorted(allowed)}; build them with {build}.")
        check_weight_arrays(params, name, build)
        V = params["V"]
        if V.ndim != 2 or 0 in V.shape:
            raise ValueError(f"{name}['V'] must be a non-empty 2-D array (output_dim, hidden_dim), "
                             f"got shape {V.shape}.")
        (O, H), D = V.shape, self._input_dim(params, V.shape[1], name)
        expected = dict(self._shapes(H, D), V=(O, H), c=(O,))
        for k, v in params.items():
            if v.shape != expected[k]:
                raise ValueError(f"{name}[{k!r}] has shape {v.shape}, expected {expected[k]} "
                                 f"(hidden_dim={H} from the columns of V, input_dim={D}, "
                                 f"output_dim={O} from the rows of V).")
        return H, D, O

    def check_inputs(self, params, X, Y=NO_TARGETS, *, x_name="X", y_name="Y"):
        """params checked, with windows X (N, T, D) and, if given, targets Y (N, O) that fit them.
        Returns X, or (X, Y), as float64 arrays. Y=None is refused unless y_name is None too.
        Raises TypeError/ValueError naming params, x_name or y_name."""
        if self.vectorised is not None:
            return self.vectorised.check_inputs(params, X, Y, x_name=x_name, y_name=y_name)
        if Y is NO_TARGETS or (Y is None and y_name is None):
            Y = None
        elif Y is None:
            raise TypeError(f"{y_name} must be an array of targets of shape (N, output_dim), got None.")
        _, D, O = self.check_params(params)
        return check_windows(X, Y, D, O, f"params has input_dim {D}",
                             f"params['V'] has shape {params['V'].shape}", x_name, y_name)

    def _shapes(self, H, D):
        if (H, D) not in self._templates:
            self._templates[H, D] = {k: v.shape for k, v in self.cell.init_params(H, D, seed=0).items()}
        return self._templates[H, D]

    def _input_dim(self, params, H, name):
        """D read off the weights whose shape grows with the input size (compared at D = 1, 2)."""
        one, two = self._shapes(H, 1), self._shapes(H, 2)
        for k in sorted(self.keys & set(params)):
            for axis, (a, b) in enumerate(zip(one[k], two[k])):
                if a != b and axis < params[k].ndim:
                    D, rest = divmod(params[k].shape[axis] - a, b - a)
                    if rest == 0 and D >= 0:
                        return D + 1
                    raise ValueError(f"{name}[{k!r}] has shape {params[k].shape}, which fits no "
                                     f"input size for hidden_dim={H} (from the columns of V).")
        return 1

    # -- the sequence, built from the steps -----------------------------------------------------

    def forward(self, params, X, state0=None, activation=None):
        """Run the cell over every window of X and predict from the last h_T.

        params: dict from init_params.  X: (N, T, D).  state0: a state tuple of (N, H) arrays, zeros
        by default. Returns (Y_hat (N, O), cache): cache a dict with "states" (T + 1 state tuples,
        states[t] after step t), "caches" (the T step caches), "X", "params".
        """
        options = self.options(activation)
        X = self.check_inputs(params, X)
        N, H = X.shape[0], params["V"].shape[1]
        if state0 is None:
            state0 = zero_state(len(self.states), N, H)
        elif not isinstance(state0, tuple) or len(state0) != len(self.states):
            raise TypeError(f"state0 must be a tuple of {len(self.states)} arrays (N, hidden_dim), "
                            f"one per state {self.states}, or None; got {type(state0).__name__}.")
        else:
            state0 = tuple(_check_state(f"state0[{i}]", s, N, H) for i, s in enumerate(state0))
        return self._forward(params, X, state0, options)

    def _forward(self, params, X, state0, options):
        states, caches = layer_forward(self.cell.step_forward, self.cell_params(params), X, state0,
                                       options)
        cache = {"states": states, "caches": caches, "X": X, "params": params}
        return regression_forward(states[-1][0], params), cache

    def cell_params(self, params):
        """The cell's own weights out of params (without the output layer)."""
        return {k: v for k, v in params.items() if k in self.keys}

    def backward(self, dY_hat, cache, truncate=None):
        """Gradients of the loss given dY_hat = dloss/dY_hat (N, O) and the cache from forward.

        truncate: None (full BPTT) or k >= 1 (the last k steps, the state at T-k held constant).
        Returns grads, a dict with the keys and shapes of params.
        """
        if not isinstance(cache, dict) or not {"states", "caches", "X", "params"} <= set(cache):
            raise TypeError(f"cache must be the dict that get_cell({self.name!r}).forward returned.")
        N, O = cache["X"].shape[0], cache["params"]["V"].shape[0]
        dY_hat = as_float_array("dY_hat", dY_hat, ndim=2, what="(N, output_dim)")
        if dY_hat.shape != (N, O):
            raise ValueError(f"dY_hat must have shape (N, output_dim) = {(N, O)} to match the cache, "
                             f"got {dY_hat.shape}.")
        T = cache["X"].shape[1]
        truncate = check_truncate(truncate)
        return self._backward(dY_hat, cache, T if truncate is None else min(truncate, T))

    def _backward(self, dY_hat, cache, k):
        params, h_T = cache["params"], cache["states"][-1][0]
        grads = {name: np.zeros_like(value) for name, value in params.items()}
        head, dh_T = regression_backward(dY_hat, h_T, params)
        grads.update(head)
        return layer_backward(self.cell.step_backward, cache["caches"], k,
                              self._from_head(dh_T, len(cache["caches"])), grads)

    def _from_head(self, dh_T, T):
        """The regression head sends dh_T to h_T only: (dh_T, 0, ...) at step T, nothing earlier."""
        top = (dh_T,) + tuple(np.zeros_like(dh_T) for _ in self.states[1:])
        return lambda t: top if t == T else None

    def compute(self, params, X, Y, truncate, options):
        """loss_and_grads without argument checks, in the arrays' dtype (the readable engine's)."""
        k = X.shape[1] if truncate is None else min(truncate, X.shape[1])
        H = params["V"].shape[1]
        Y_hat, cache = self._forward(params, X, zero_state(len(self.states), X.shape[0], H, X.dtype),
                                     options)
        loss, dY_hat = regression_loss(Y_hat, Y)
        return loss, self._backward(dY_hat, cache, k)

    def compute_forward(self, params, X, state0, options):
        """Y_hat (N, O) without argument checks, in the arrays' dtype (the readable engine's)."""
        return self._forward(params, X, state0, options)[0]

    def loss_and_grads(self, params, X, Y, truncate=None, activation=None):
        """Loss and its gradient with respect to every parameter, all N records at once.

        params: from init_params.  X: (N, T, D).  Y: (N, O).  truncate: None or k >= 1.
        Returns (loss, grads): a float and a dict with the keys and shapes of params.
        """
        options = self.options(activation)
        if self.vectorised is not None:
            return self.vectorised.loss_and_grads(params, X, Y, truncate, **options)
        X, Y = self.check_inputs(params, X, Y)
        return self.compute(params, X, Y, check_truncate(truncate), options)

    def loss_and_grads_loop(self, params, X, Y, truncate=None, activation=None):
        """loss_and_grads one record at a time, each a batch of one through the cell's steps: the
        readable reference the vectorised code is tested against. Same arguments and result."""
        options = self.options(activation)
        if self.vectorised is not None:
            return self.vectorised.loss_and_grads_loop(params, X, Y, truncate, **options)
        X, Y = self.check_inputs(params, X, Y)
        truncate = check_truncate(truncate)
        N = X.shape[0]
        loss, grads = 0.0, {name: np.zeros_like(value) for name, value in params.items()}
        for n in range(N):
            record_loss, record_grads = self.compute(params, X[n:n + 1], Y[n:n + 1], truncate,
                                                     options)
            loss += record_loss / N              # each record's loss and gradient is 1/N of the mean
            for name, g in record_grads.items():
                grads[name] += g / N
        return loss, grads

    def truncated_loss(self, params, X, Y, truncate, activation=None, state_params=None):
        """The objective whose exact gradient loss_and_grads(..., truncate=k) returns.

        The state at step T-k is computed with state_params (default: params) and then held fixed;
        only the last k steps and the output use params. truncate: None or k >= T is the full loss.
        Returns a float.
        """
        options = self.options(activation)
        if self.vectorised is not None:
            return self.vectorised.truncated_loss(params, X, Y, truncate, state_params, **options)
        X, Y = self.check_inputs(params, X, Y)
        T = X.shape[1]
        truncate = check_truncate(truncate)
        k = T if truncate is None else min(truncate, T)
        if state_params is not None:
            self.check_params(state_params, "state_params")
            if any(state_params[key].shape != params[key].shape for key in params):
                raise ValueError("state_params must have the same shapes as params (it is the model "
                                 "the held state is computed with).")
        start = zero_state(len(self.states), X.shape[0], params["V"].shape[1])
        if k < T:
            _, cache = self._forward(params if state_params is None else state_params,
                                     X[:, :T - k], start, options)
            start = cache["states"][-1]                 # the state at T-k: a constant from here on
        return mse_unchecked(self._forward(params, X[:, T - k:], start, options)[0], Y)

    def predict(self, params, X, activation=None):
        """Y_hat (N, O) for the windows X (N, T, D)."""
        options = self.options(activation)
        if self.vectorised is not None:
            return self.vectorised.predict(params, X, **options)
        X = self.check_inputs(params, X)
        H = params["V"].shape[1]
        return self._forward(params, X, zero_state(len(self.states), X.shape[0], H), options)[0]

    def state_gradients(self, params, X, Y, activation=None, state="h"):
        """dloss/d state_t for every step t = 1 .. T (full BPTT): what reaches the state called
        `state` (one of the cell's states) from the output and the steps after t.

        Returns dS (T, N, H), dS[t - 1] for step t. Raises ValueError for a state the cell lacks.
        """
        options = self.options(activation)
        if state not in self.states:
            raise ValueError(f"state must be one of the {self.name.upper()}'s states "
                             f"{self.states}, got {state!r}.")
        if self.vectorised is not None:
            return self.vectorised.state_gradients(params, X, Y, state, **options)
        X, Y = self.check_inputs(params, X, Y)
        T, H = X.shape[1], params["V"].shape[1]
        Y_hat, cache = self._forward(params, X, zero_state(len(self.states), X.shape[0], H), options)
        _, dh_T = regression_backward(regression_loss(Y_hat, Y)[1], cache["states"][-1][0], params)
        which = self.states.index(state)
        dS = np.empty((T,) + dh_T.shape)
        for t, dstate, _, _ in steps_back(self.cell.step_backward, cache["caches"], T,
                                          self._from_head(dh_T, T)):
            dS[t - 1] = dstate[which]
        return dS


def _check_state(name, value, N, H):
    value = as_float_array(name, value, ndim=2, what="(N, hidden_dim)")
    if value.shape != (N, H):
        raise ValueError(f"{name} must have shape (N, hidden_dim) = {(N, H)}, got {value.shape}.")
    return value
