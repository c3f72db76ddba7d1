"""The GRU's maths arranged for speed: what training runs in its inner loop.

Nothing here is new maths: GRUEngine.loss_and_grad is gru.loss_and_grads and predict is
gru.forward, on one flat parameter vector; the tests hold them to the readable module to 1e-12 in
float64. On the course's small arrays numpy's per-call overhead is the main cost, so:

- The input side of every step, a_x = [x_t, 1] [W_x b_x]^T, does not depend on h: it is one
  product for all T steps before the loop. Row A[t] of a buffer holds [h_t, 1], so each step's
  hidden side a_h = [h_{t-1}, 1] [W_h b_h]^T is one more product.
- Because sigmoid(a) = (tanh(a/2) + 1) / 2, the rows of r and z are halved in copies of the
  matrices made once per batch: r and z then take one tanh and two calls. (The rows of n are not
  halved: a_h,n is also hn, which backward needs as it is.)
- Arrays are allocated once per batch shape and reused, with the views each step needs made once.
- Backward computes the factors that do not depend on dh for all k steps at once, before walking
  back.

Letters used in shapes: N records, T time steps, D input size, H hidden size, O output size.
"""

import numpy as np

from ._flat import FlatVector, negligible_gradient
from .losses import _mse

__all__ = ["GRUEngine"]


class _Buffers:
    """Every array one batch shape (N, T) needs, and the per-step views into them.

    XA: (T, N, D + 1), XA[t - 1] = [x_t, 1].  A: (T + 1, N, H + 1), A[t] = [h_t, 1].
    AX, AH: (T, N, 3H), the inputs of step t's blocks [r z n] from x_t and from h_{t-1} (r and z
    halved).  RZ: (T, N, 2H), r and z.  NN: (T, N, H), n.  Backward's scratch, (T, N, ...): OM =
    1 - [r z], P = (1 - z)(1 - n^2), DZ = (h_{t-1} - n) z (1 - z), DR = hn r (1 - r), and DAX, DAH
    (T, N, 3H), the gradients of a_x and a_h.
    """

    def __init__(self, N, T, D, H, dtype):
        self.XA = np.empty((T, N, D + 1), dtype)
        self.XA[..., -1] = 1.0
        self.A = np.empty((T + 1, N, H + 1), dtype)
        self.A[..., -1] = 1.0
        self.AX = np.empty((T, N, 3 * H), dtype)
        self.AH = np.empty((T, N, 3 * H), dtype)
        self.RZ = np.empty((T, N, 2 * H), dtype)
        self.NN = np.empty((T, N, H), dtype)
        self.OM = np.empty((T, N, 2 * H), dtype)
        self.P, self.DZ, self.DR = (np.empty((T, N, H), dtype) for _ in range(3))
        self.DAX = np.empty((T, N, 3 * H), dtype)
        self.DAH = np.empty((T, N, 3 * H), dtype)
        self.tmp = np.empty((N, H), dtype)
        A, AX, AH, RZ, DAX, DAH = self.A, self.AX, self.AH, self.RZ, self.DAX, self.DAH
        # steps[t - 1]: the views step t reads and writes, forward then backward
        self.steps = [(A[t - 1], A[t - 1][:, :H], A[t][:, :H], AX[t - 1][:, :2 * H],
                       AX[t - 1][:, 2 * H:], AH[t - 1], AH[t - 1][:, :2 * H], AH[t - 1][:, 2 * H:],
                       RZ[t - 1], RZ[t - 1][:, :H], RZ[t - 1][:, H:], self.NN[t - 1],
                       DAX[t - 1], DAX[t - 1][:, :2 * H], DAX[t - 1][:, :H], DAX[t - 1][:, H:2 * H],
                       DAX[t - 1][:, 2 * H:], DAH[t - 1], DAH[t - 1][:, :2 * H],
                       DAH[t - 1][:, 2 * H:], self.P[t - 1], self.DZ[t - 1], self.DR[t - 1])
                      for t in range(1, T + 1)]


class GRUEngine:
    """The GRU on one flat parameter vector (theta, grad), in float64 or float32.

    params: a GRU params dict (checked by the caller). Layout of theta: M_x = [W_x b_x]
    (3H, D + 1), M_h = [W_h b_h] (3H, H + 1), both with row blocks [r z n], then V (O, H), c (O,).
    """

    def __init__(self, params, dtype=np.float64):
        H, D = params["W_h"].shape[1], params["W_x"].shape[1]
        O = params["V"].shape[0]
        self.H, self.D = H, D
        shapes = {"M_x": (3 * H, D + 1), "M_h": (3 * H, H + 1), "V": (O, H), "c": (O,)}
        self.flat = FlatVector(shapes, dtype)
        self.flat_grad = FlatVector(shapes, dtype)
        self.theta, self.grad = self.flat.theta, self.flat_grad.theta
        f = self.flat
        f["M_x"][:, :D], f["M_x"][:, D] = params["W_x"], params["b_x"]
        f["M_h"][:, :H], f["M_h"][:, H] = params["W_h"], params["b_h"]
        f["V"][...], f["c"][...] = params["V"], params["c"]
        # r's and z's rows are halved in the copies the forward pass multiplies by, kept transposed
        # in their own contiguous arrays: OpenBLAS multiplies by those 2-3x faster than by
        # transposed views
        self.scale = np.where(np.arange(3 * H) < 2 * H, 0.5, 1.0).astype(dtype)
        self.Mx_run_T = np.empty(f["M_x"].T.shape, dtype)
        self.Mh_run_T = np.empty(f["M_h"].T.shape, dtype)
        self._buffers = {}
        self.walked = 0                                     # steps the last backward walked

    def export(self):
        """The current weights as a GRU params dict in float64."""
        H, D = self.H, self.D
        M_x, M_h = self.flat["M_x"].astype(np.float64), self.flat["M_h"].astype(np.float64)
        return {"W_x": M_x[:, :D].copy(), "W_h": M_h[:, :H].copy(), "b_x": M_x[:, D].copy(),
                "b_h": M_h[:, H].copy(), "V": self.flat["V"].astype(np.float64),
                "c": self.flat["c"].astype(np.float64)}

    def _buffer(self, X):
        if X.shape not in self._buffers:
            self._buffers[X.shape] = _Buffers(*X.shape, self.H, self.theta.dtype)
        return self._buffers[X.shape]

    def _run(self, X):
        """Forward over X (N, T, D): fills the buffers; returns (buffers, Y_hat (N, O))."""
        H, D = self.H, self.D
        N, T, _ = X.shape
        buf = self._buffer(X)
        buf.XA[..., :D] = X.transpose(1, 0, 2)
        buf.A[0, :, :H] = 0.0                               # h_0 = 0
        np.multiply(self.flat["M_x"].T, self.scale, out=self.Mx_run_T)
        np.multiply(self.flat["M_h"].T, self.scale, out=self.Mh_run_T)
        np.dot(buf.XA.reshape(T * N, D + 1), self.Mx_run_T, out=buf.AX.reshape(T * N, 3 * H))
        Mh_T, tmp = self.Mh_run_T, buf.tmp
        dot, tanh, multiply, add, subtract = np.dot, np.tanh, np.multiply, np.add, np.subtract
        for (row, h_prev, h_t, ax_rz, ax_n, ah, ah_rz, hn, rz, r, z, n, *_) in buf.steps:
            dot(row, Mh_T, out=ah)                          # [a_h,r/2  a_h,z/2  hn]
            add(ax_rz, ah_rz, out=rz)
            tanh(rz, out=rz)
            multiply(rz, 0.5, out=rz)                       # sigmoid(a) = (tanh(a/2) + 1) / 2
            add(rz, 0.5, out=rz)
            multiply(r, hn, out=n)                          # n = tanh(a_x,n + r * hn)
            add(n, ax_n, out=n)
            tanh(n, out=n)
            subtract(h_prev, n, out=tmp)                    # h_t = n + z * (h_{t-1} - n)
            multiply(tmp, z, out=tmp)
            add(n, tmp, out=h_t)
        Y_hat = buf.A[-1, :, :H] @ self.flat["V"].T
        Y_hat += self.flat["c"]
        return buf, Y_hat

    def predict(self, X):
        """Y_hat (N, O) for X (N, T, D) of the engine's dtype."""
        return self._run(X)[1]

    def loss_and_grad(self, X, Y, truncate):
        """The loss of X (N, T, D) against Y (N, O); fills self.grad (truncate: None or k >= 1)."""
        H = self.H
        N, T, _ = X.shape
        k = T if truncate is None else min(truncate, T)
        buf, Y_hat = self._run(X)
        loss = _mse(Y_hat, Y)
        dY_hat = Y_hat
        dY_hat -= Y
        dY_hat *= 1.0 / N
        g = self.flat_grad
        np.dot(dY_hat.T, buf.A[-1, :, :H], out=g["V"])     # dV = dY_hat^T h_T
        np.sum(dY_hat, axis=0, out=g["c"])
        dh = dY_hat @ self.flat["V"]                        # dh_T (N, H)
        # the factors of the k steps that do not depend on dh, all at once
        RZ, OM, NN = buf.RZ[T - k:], buf.OM[T - k:], buf.NN[T - k:]
        P, DZ, DR = buf.P[T - k:], buf.DZ[T - k:], buf.DR[T - k:]
        np.subtract(1.0, RZ, out=OM)                        # 1 - r, 1 - z
        np.multiply(NN, NN, out=P)                          # P = (1 - z)(1 - n^2)
        np.subtract(1.0, P, out=P)
        P *= OM[..., H:]
        np.subtract(buf.A[T - k:T, :, :H], NN, out=DZ)      # DZ = (h_{t-1} - n) z (1 - z)
        DZ *= RZ[..., H:]
        DZ *= OM[..., H:]
        np.multiply(buf.AH[T - k:, :, 2 * H:], RZ[..., :H], out=DR)   # DR = hn r (1 - r)
        DR *= OM[..., :H]
        W_h = self.flat["M_h"][:, :H]                       # (3H, H)
        tmp, multiply, dot = buf.tmp, np.multiply, np.dot
        tiny = negligible_gradient(X.dtype)
        first = T - k                                       # steps first + 1 .. T are walked
        for t in range(T, T - k, -1):
            (*_, r, z, _, _, dax_rz, dax_r, dax_z, dax_n, dah, dah_rz, dah_n,
             p, dz, dr) = buf.steps[t - 1]
            multiply(dh, p, out=dax_n)                      # da_n = dh (1 - z)(1 - n^2)
            multiply(dh, dz, out=dax_z)
            multiply(dax_n, dr, out=dax_r)                  # da_r = da_n hn r (1 - r)
            dah_rz[...] = dax_rz                            # r and z see a_x and a_h alike;
            multiply(dax_n, r, out=dah_n)                   # r scales only the h side of n
            if t > T - k + 1:
                dot(dah, W_h, out=tmp)                      # dh_{t-1} = dh_t z + da_h W_h
                dh *= z
                dh += tmp
                if (T - t + 1) % 5 == 0 and np.abs(dh).max() < tiny:
                    first = t - 1
                    break
        kept = self.walked = T - first                      # steps walked back (for the tests)
        np.dot(buf.DAX[first:].reshape(kept * N, 3 * H).T, buf.XA[first:].reshape(kept * N, -1),
               out=g["M_x"])                                # [dW_x db_x] = sum da_x^T [x 1]
        np.dot(buf.DAH[first:].reshape(kept * N, 3 * H).T, buf.A[first:T].reshape(kept * N, -1),
               out=g["M_h"])                                # [dW_h db_h] = sum da_h^T [h 1]
        return loss
