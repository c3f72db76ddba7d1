"""How train() computes a batch's loss and gradient: one engine per cell, each on one flat
parameter vector, in float64 or float32.

    RNNEngine    the vanilla RNN (see _fast)
    LSTMEngine   the LSTM (see _fast_lstm)
    GRUEngine    the GRU (see _fast_gru)

Each exposes theta (the parameters, flat), grad (the gradient, flat, filled by
loss_and_grad(X, Y, truncate)), predict(X) and export() (the weights as the cell's params dict, in
float64). train() clips and updates theta and grad as whole vectors: one numpy call each, whatever
the number of parameters. Each engine is held equal to its cell's readable module by the tests.
"""

import numpy as np

from . import _fast
from ._fast_gru import GRUEngine
from ._fast_lstm import LSTMEngine
from .losses import _mse

__all__ = ["RNNEngine", "LSTMEngine", "GRUEngine", "make_engine"]


def make_engine(params, cell, activation, dtype):
    """The engine for `cell` ("rnn", "lstm" or "gru"), starting from params (checked by the caller).

    activation: the RNN's ("tanh" or "sigmoid"), None for the gated cells. dtype: np.float64 or
    np.float32, what the engine computes in.
    """
    if cell == "rnn":
        return RNNEngine(params, activation, dtype)
    return {"lstm": LSTMEngine, "gru": GRUEngine}[cell](params, dtype)


class RNNEngine:
    """The vanilla RNN on one flat parameter vector with reused buffers (see _fast)."""

    def __init__(self, params, activation, dtype):
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
        loss = _mse(Y_hat, Y)
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
