"""The two ways train() computes a batch's loss and gradient, each on one flat parameter vector.

    RNNEngine   the vanilla RNN's fast path: reused buffers, float64 or float32 (see _fast)
    CellEngine  any cell, through its module's loss_and_grads

Both expose theta (the parameters, flat), grad (the gradient, flat, filled by loss_and_grad),
params (a dict of views into theta with the cell's keys) and predict(X). train() clips and updates
theta and grad as whole vectors: one numpy call each, whatever the number of parameters.
"""

import numpy as np

from . import _fast
from .cells import get_cell
from .losses import _mse

__all__ = ["RNNEngine", "CellEngine"]



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


class CellEngine:
    """Any cell, through its module's loss_and_grads, on one flat parameter vector."""

    def __init__(self, params, cell):
        self.module = get_cell(cell)
        self.theta = np.concatenate([np.ravel(v) for v in params.values()])
        self.grad = np.empty_like(self.theta)
        self.params, self._grad_views, at = {}, {}, 0
        for name, value in params.items():
            self.params[name] = self.theta[at:at + value.size].reshape(value.shape)
            self._grad_views[name] = self.grad[at:at + value.size].reshape(value.shape)
            at += value.size

    def loss_and_grad(self, X, Y, truncate):
        loss, grads = self.module.loss_and_grads(self.params, X, Y, truncate=truncate)
        for name, g in grads.items():
            self._grad_views[name][...] = g
        return loss

    def predict(self, X):
        return self.module.forward(self.params, X)[0]
