"""What the fast engines of the LSTM (_fast_lstm) and the GRU (_fast_gru) share: the flat
parameter vector and its gradient, buffers made once per batch shape, and the output layer
y_hat = V h_T + c with its gradient, on states stored records last ((H, N) per step).

A subclass sets `Buffers` (a class made as Buffers(N, T, D, H, dtype), with A (T + 1, H + ..., N)
whose rows [:H] hold h_t, and dh (H, N)) and defines _forward(buf, X), which fills the buffers,
and _backward(buf, T, k, tiny), which walks back from buf.dh through the last k steps, fills
self.grad but for V and c, stops early once the gradient is below `tiny`, and returns how many
steps it walked.

Letters used in shapes: N records, T time steps, D input size, H hidden size, O output size.
"""

import numpy as np

from .flat import FlatVector, negligible_gradient
from ..losses import mse_unchecked

__all__ = ["GatedEngine", "gru_update_factors"]


class GatedEngine:
    """The parts of a gated cell's engine that do not depend on its gates (see the module)."""

    Buffers = None

    def __init__(self, shapes, H, D, dtype):
        """shapes: the parts of theta, name -> shape, ending with V (O, H) and c (O,)."""
        self.H, self.D = H, D
        self.flat = FlatVector(shapes, dtype)
        self.flat_grad = FlatVector(shapes, dtype)
        self.theta, self.grad = self.flat.theta, self.flat_grad.theta
        self._buffers = {}
        self.walked = 0                                     # steps the last backward walked

    def _buffer(self, X):
        if X.shape not in self._buffers:
            self._buffers[X.shape] = self.Buffers(*X.shape, self.H, self.theta.dtype)
        return self._buffers[X.shape]

    def _run(self, X):
        """Forward over X (N, T, D): fills the buffers; returns (buffers, Y_hat (N, O))."""
        buf = self._buffer(X)
        self._forward(buf, X)
        Y_hat = buf.A[-1, :self.H].T @ self.flat["V"].T     # h_T V^T + c   (N, O)
        Y_hat += self.flat["c"]
        return buf, Y_hat

    def predict(self, X):
        """Y_hat (N, O) for X (N, T, D) of the engine's dtype."""
        return self._run(X)[1]

    def loss_and_grad(self, X, Y, truncate):
        """The loss of X (N, T, D) against Y (N, O); fills self.grad (truncate: None or k >= 1)."""
        N, T, _ = X.shape
        k = T if truncate is None else min(truncate, T)
        buf, Y_hat = self._run(X)
        loss = mse_unchecked(Y_hat, Y)
        dY_hat = Y_hat
        dY_hat -= Y
        dY_hat *= 1.0 / N
        g = self.flat_grad
        np.dot(dY_hat.T, buf.A[-1, :self.H].T, out=g["V"])  # dV = dY_hat^T h_T
        np.sum(dY_hat, axis=0, out=g["c"])
        np.dot(self.flat["V"].T, dY_hat.T, out=buf.dh)      # dh_T^T = V^T dY_hat^T   (H, N)
        self.walked = self._backward(buf, T, k, negligible_gradient(X.dtype))
        return loss


def gru_update_factors(RZ, NN, H_prev, OM, P, DZ):
    """The factors of the GRUs' backward steps that do not depend on dh, for k steps at once.

    RZ: (k, 2H, N), r above z; NN: (k, H, N), n; H_prev: (k, H, N), h_{t-1}. Writes OM = 1 - [r z]
    (k, 2H, N), P = (1 - z)(1 - n^2) and DZ = (h_{t-1} - n) z (1 - z) (k, H, N): what both GRU
    variants' update h_t = n + z (h_{t-1} - n) contributes to da_n and da_z.
    """
    H = NN.shape[1]
    np.subtract(1.0, RZ, out=OM)
    np.multiply(NN, NN, out=P)
    np.subtract(1.0, P, out=P)
    P *= OM[:, H:]
    np.subtract(H_prev, NN, out=DZ)
    DZ *= RZ[:, H:]
    DZ *= OM[:, H:]
