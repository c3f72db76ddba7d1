"""The GRU's maths arranged for speed: what training runs in its inner loop.

Nothing here is new maths: GRUEngine.loss_and_grad is gru.loss_and_grads and predict is
gru.forward, on one flat parameter vector; the tests hold them to the readable module to 1e-12 in
float64. On the course's small arrays numpy's per-call overhead is the main cost, so:

- Arrays are stored "records last": a state is (H, N), the transpose of the module's (N, H). Each
  block of rows (r, z, n) is then one contiguous array, and numpy's calls on contiguous arrays cost
  about half of those on the strided column blocks of an (N, 3H) array.
- The input side of every step, [W_x b_x] [x_t; 1], does not depend on h: it is one product for
  all T steps before the loop. Column A[t] of a buffer holds [h_t; 1], so each step's hidden side
  [W_h b_h] [h_{t-1}; 1] is one more product.
- Because sigmoid(a) = (tanh(a/2) + 1) / 2, the rows of r and z are halved in copies of the
  matrices made once per batch: r and z then take one tanh and two calls. (The rows of n are not
  halved: W_hn h_{t-1} + b_hn is also hn, which backward needs as it is.)
- Arrays are allocated once per batch shape and reused, with the views each step needs made once.
- Backward computes the factors that do not depend on dh for all k steps at once, before walking
  back.

The output layer, the loss and the buffers' bookkeeping are shared with the LSTM (_fast_gates).

Letters used in shapes: N records, T time steps, D input size, H hidden size, O output size.
"""

import numpy as np

from .gates import GatedEngine, gru_update_factors

__all__ = ["GRUEngine"]


class _Buffers:
    """Every array one batch shape (N, T) needs, and the per-step views into them; records last.

    XA: (T, D + 1, N), XA[t - 1] = [x_t; 1].  A: (T + 1, H + 1, N), A[t] = [h_t; 1].
    AX, AH: (T, 3H, N), the inputs of step t's blocks [r z n] from x_t and from h_{t-1} (r and z
    halved).  RZ: (T, 2H, N), r and z.  NN: (T, H, N), n.  Backward's scratch, (T, ..., N): OM =
    1 - [r z], P = (1 - z)(1 - n^2), DZ = (h_{t-1} - n) z (1 - z), DR = hn r (1 - r), and DAX, DAH
    (T, 3H, N), the gradients of the two sides' inputs.
    """

    def __init__(self, N, T, D, H, dtype):
        self.XA = np.empty((T, D + 1, N), dtype)
        self.XA[:, -1] = 1.0
        self.A = np.empty((T + 1, H + 1, N), dtype)
        self.A[:, -1] = 1.0
        self.AX = np.empty((T, 3 * H, N), dtype)
        self.AH = np.empty((T, 3 * H, N), dtype)
        self.RZ = np.empty((T, 2 * H, N), dtype)
        self.NN = np.empty((T, H, N), dtype)
        self.OM = np.empty((T, 2 * H, N), dtype)
        self.P, self.DZ, self.DR = (np.empty((T, H, N), dtype) for _ in range(3))
        self.DAX = np.empty((T, 3 * H, N), dtype)
        self.DAH = np.empty((T, 3 * H, N), dtype)
        self.tmp, self.dh = np.empty((H, N), dtype), np.empty((H, N), dtype)
        A, AX, AH, RZ, NN, DAX, DAH = self.A, self.AX, self.AH, self.RZ, self.NN, self.DAX, self.DAH
        # forward[t - 1], backward[t - 1]: the views step t reads and writes
        self.forward = [(A[t - 1], A[t - 1][:H], A[t][:H], AX[t - 1][:2 * H], AX[t - 1][2 * H:],
                         AH[t - 1], AH[t - 1][:2 * H], AH[t - 1][2 * H:], RZ[t - 1],
                         RZ[t - 1][:H], RZ[t - 1][H:], NN[t - 1])
                        for t in range(1, T + 1)]
        self.backward = [(RZ[t - 1][:H], RZ[t - 1][H:], DAX[t - 1][:2 * H], DAX[t - 1][:H],
                          DAX[t - 1][H:2 * H], DAX[t - 1][2 * H:], DAH[t - 1], DAH[t - 1][:2 * H],
                          DAH[t - 1][2 * H:], self.P[t - 1], self.DZ[t - 1], self.DR[t - 1])
                         for t in range(1, T + 1)]


class GRUEngine(GatedEngine):
    """The GRU on one flat parameter vector (theta, grad), in float64 or float32.

    params: a GRU params dict (checked by the caller). Layout of theta: M_x = [W_x b_x]
    (3H, D + 1), M_h = [W_h b_h] (3H, H + 1), both with row blocks [r z n], then V (O, H), c (O,).
    """

    Buffers = _Buffers

    def __init__(self, params, dtype=np.float64):
        H, D = params["W_h"].shape[1], params["W_x"].shape[1]
        O = params["V"].shape[0]
        shapes = {"M_x": (3 * H, D + 1), "M_h": (3 * H, H + 1), "V": (O, H), "c": (O,)}
        super().__init__(shapes, H, D, dtype)
        f = self.flat
        f["M_x"][:, :D], f["M_x"][:, D] = params["W_x"], params["b_x"]
        f["M_h"][:, :H], f["M_h"][:, H] = params["W_h"], params["b_h"]
        f["V"][...], f["c"][...] = params["V"], params["c"]
        # r's and z's rows are halved in the copies the forward pass multiplies by
        self.scale = np.where(np.arange(3 * H) < 2 * H, 0.5, 1.0).astype(dtype)[:, None]
        self.Mx_run, self.Mh_run = np.empty_like(f["M_x"]), np.empty_like(f["M_h"])
        self.W_h_T = np.empty((H, 3 * H), dtype)            # backward's W_h^T, contiguous

    def export(self):
        """The current weights as a GRU params dict in float64."""
        H, D = self.H, self.D
        M_x, M_h = self.flat["M_x"].astype(np.float64), self.flat["M_h"].astype(np.float64)
        return {"W_x": M_x[:, :D].copy(), "W_h": M_h[:, :H].copy(), "b_x": M_x[:, D].copy(),
                "b_h": M_h[:, H].copy(), "V": self.flat["V"].astype(np.float64),
                "c": self.flat["c"].astype(np.float64)}

    def _forward(self, buf, X):
        """Every step forward over X (N, T, D), into the buffers buf."""
        H, D = self.H, self.D
        buf.XA[:, :D] = X.transpose(1, 2, 0)                # x_t^T (D, N) above a row of ones
        buf.A[0, :H] = 0.0                                  # h_0 = 0
        np.multiply(self.flat["M_x"], self.scale, out=self.Mx_run)
        Mh_run = np.multiply(self.flat["M_h"], self.scale, out=self.Mh_run)
        np.matmul(self.Mx_run, buf.XA, out=buf.AX)          # every step's input side at once
        tmp = buf.tmp
        dot, tanh, multiply, add, subtract = np.dot, np.tanh, np.multiply, np.add, np.subtract
        for (column, h_prev, h_t, ax_rz, ax_n, ah, ah_rz, hn, rz, r, z, n) in buf.forward:
            dot(Mh_run, column, out=ah)                     # [a_h,r/2; a_h,z/2; hn]
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

    def _backward(self, buf, T, k, tiny):
        """BPTT from buf.dh = dh_T^T through the last k steps into self.grad's M_x and M_h; stops
        once dh is below tiny. Returns the number of steps walked."""
        H, dh = self.H, buf.dh
        # the factors of the k steps that do not depend on dh, all at once
        RZ, OM, NN = buf.RZ[T - k:], buf.OM[T - k:], buf.NN[T - k:]
        P, DZ, DR = buf.P[T - k:], buf.DZ[T - k:], buf.DR[T - k:]
        gru_update_factors(RZ, NN, buf.A[T - k:T, :H], OM, P, DZ)     # 1 - [r z], P, DZ
        np.multiply(buf.AH[T - k:, 2 * H:], RZ[:, :H], out=DR)   # DR = hn r (1 - r)
        DR *= OM[:, :H]
        W_h_T = self.W_h_T
        W_h_T[...] = self.flat["M_h"][:, :H].T              # (H, 3H)
        tmp, multiply, dot = buf.tmp, np.multiply, np.dot
        first = T - k                                       # steps first + 1 .. T are walked
        for t in range(T, T - k, -1):
            (r, z, dax_rz, dax_r, dax_z, dax_n, dah, dah_rz, dah_n, p, dz, dr) = buf.backward[t - 1]
            multiply(dh, p, out=dax_n)                      # da_n = dh (1 - z)(1 - n^2)
            multiply(dh, dz, out=dax_z)
            multiply(dax_n, dr, out=dax_r)                  # da_r = da_n hn r (1 - r)
            dah_rz[...] = dax_rz                            # r and z see both sides alike;
            multiply(dax_n, r, out=dah_n)                   # r scales only the h side of n
            if t > T - k + 1:
                dot(W_h_T, dah, out=tmp)                    # dh_{t-1} = dh_t z + da_h W_h
                dh *= z
                dh += tmp
                if (T - t + 1) % 5 == 0 and np.abs(dh).max() < tiny:
                    first = t - 1
                    break
        # the sums over the walked steps and the records of da_x [x_t; 1]^T and da_h [h_{t-1}; 1]^T
        g = self.flat_grad
        g["M_x"][...] = np.tensordot(buf.DAX[first:], buf.XA[first:], axes=([0, 2], [0, 2]))
        g["M_h"][...] = np.tensordot(buf.DAH[first:], buf.A[first:T], axes=([0, 2], [0, 2]))
        return T - first
