"""How train() computes a batch's loss and gradient: an engine on one flat parameter vector, in
float64 or float32.

    ReadableEngine   any registered cell: its loss_and_grads built from its steps (rnn_helpers.sequence)
    RNNEngine        the vanilla RNN, fast (see _fast)
    LSTMEngine       the LSTM, fast (see _fast_lstm)
    GRUEngine        the GRU, fast (see gru.py)
    GRUBeforeEngine  the reset-before GRU ("gru_before"), fast (see gru_before.py)

A fast engine is an optional speed-up, registered beside its cell (rnn_helpers.cells.register's
engines={"regression": ...}); make_engine falls back to the readable engine for a cell without one.

Each exposes theta (the parameters, flat), grad (the gradient, flat, filled by
loss_and_grad(X, Y, truncate)), predict(X) and export() (the weights as the cell's params dict, in
float64). train() clips and updates theta and grad as whole vectors: one numpy call each, whatever
the number of parameters. Each engine is held equal to its cell's readable module by the tests.
"""

import numpy as np

from . import rnn as _fast
from .flat import FlatVector
from .gru import GRUEngine
from .gru_before import GRUBeforeEngine
from .lstm import LSTMEngine
from ..losses import mse_unchecked

__all__ = ["ReadableEngine", "RNNEngine", "LSTMEngine", "GRUEngine", "GRUBeforeEngine",
           "make_engine"]


def make_engine(params, model, options, dtype):
    """The engine for a registered cell's `model` (rnn_helpers.cells.get_cell), starting from params
    (checked by the caller): its fast engine if it has one, else the readable engine.

    options: step_forward's keyword arguments ({"activation": ...} for the RNN, {} for most cells).
    dtype: np.float64 or np.float32, what the engine computes in.
    """
    fast = model.engines.get("regression")
    if fast is not None:
        return fast(params, dtype, **options)
    return ReadableEngine(params, model, options, dtype)


class ReadableEngine:
    """Any cell on one flat parameter vector: the gradient is its model's loss_and_grads, built
    from the cell's steps (rnn_helpers.sequence), computed in the engine's dtype."""

    def __init__(self, params, model, options, dtype):
        self.model, self.options = model, options
        self.flat = FlatVector({k: v.shape for k, v in params.items()}, dtype)
        self.flat_grad = FlatVector({k: v.shape for k, v in params.items()}, dtype)
        for name, value in params.items():
            self.flat[name][...] = value
        self.theta, self.grad = self.flat.theta, self.flat_grad.theta

    def loss_and_grad(self, X, Y, truncate):
        loss, grads = self.model.compute(self.flat.views, X, Y, truncate, self.options)
        for name, g in grads.items():
            self.flat_grad[name][...] = g
        return loss

    def predict(self, X):
        H = self.flat["V"].shape[1]
        state0 = tuple(np.zeros((X.shape[0], H), X.dtype) for _ in self.model.states)
        return self.model.compute_forward(self.flat.views, X, state0, self.options)

    def export(self):
        """The current weights as the cell's params dict, float64."""
        return {name: value.astype(np.float64) for name, value in self.flat.views.items()}


class RNNEngine:
    """The vanilla RNN on one flat parameter vector with reused buffers (see _fast)."""

    def __init__(self, params, dtype, activation):
        self.activation = activation
        self.flat = _fast.FlatParams(params, activation, dtype)
        self.flat_grad = _fast.FlatParams.like(self.flat)
        self.theta, self.grad, self.params = self.flat.theta, self.flat_grad.theta, self.flat.params
        self._buffers = {}

    def _buffer(self, X):
        if X.shape not in self._buffers:
            self._buffers[X.shape] = _fast.StateBuffer(*X.shape, self.flat.V.shape[1], X.dtype)
        return self._buffers[X.shape]

    def _run(self, X, convert_from):
        buf = _fast.run_states(self.params, X, self.activation, buffer=self._buffer(X),
                               convert_from=convert_from, M=self.flat.recurrence())
        H = self.flat.V.shape[1]
        Y_hat = buf.A[-1, :, :H] @ self.flat.V.T
        Y_hat += self.flat.c
        return buf, Y_hat

    def loss_and_grad(self, X, Y, truncate):
        T = X.shape[1]
        k = T if truncate is None else min(truncate, T)
        buf, Y_hat = self._run(X, T - k)
        loss = mse_unchecked(Y_hat, Y)
        dY_hat = Y_hat
        dY_hat -= Y
        dY_hat *= 1.0 / Y.shape[0]
        g = self.flat_grad
        _fast.backward_into(dY_hat, buf, self.params["W"], self.flat.V, self.activation, truncate,
                            g.M, g.V, g.c)
        g.zero_unused()
        return loss

    def predict(self, X):
        return self._run(X, X.shape[1])[1]

    def export(self):
        """The current weights as the RNN's params dict (W, U, V, and b, c with biases), float64."""
        return {name: value.astype(np.float64) for name, value in self.params.items()}
