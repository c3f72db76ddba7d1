"""The reset-before GRU's maths arranged for speed: what training runs in its inner loop.

Nothing here is new maths: GRUBeforeEngine.loss_and_grad is gru_reset_before.loss_and_grads and
predict is its forward, on one flat parameter vector; the tests hold them to the readable module to
1e-12 in float64. The arrangement is the GRU engine's (_engines/gru.py: records last, the input side
of every step in one product before the loop, r and z through one tanh of halved inputs, buffers
made once per batch shape), with the one difference the variant makes: the candidate multiplies
r * h_{t-1} by W_hn, so each step takes two products on the hidden side (W_h's r and z rows by
h_{t-1}, then W_hn by r * h_{t-1}) instead of one, and backward keeps r * h_{t-1} for W_hn's
gradient.

Letters used in shapes: N records, T time steps, D input size, H hidden size, O output size.
"""

import numpy as np

from .gates import GatedEngine, gru_update_factors

__all__ = ["GRUBeforeEngine"]


class _Buffers:
    """Every array one batch shape (N, T) needs, records last.

    XA: (T, D + 1, N), XA[t - 1] = [x_t; 1].  A: (T + 1, H, N), A[t] = h_t.  AX: (T, 3H, N), the
    input side of step t's blocks [r z n] (r and z halved).  RZ: (T, 2H, N), r and z.  RH: (T, H, N),
    r * h_{t-1}.  NN: (T, H, N), n.  Backward's scratch, (T, ..., N): OM = 1 - [r z],
    P = (1 - z)(1 - n^2), DZ = (h_{t-1} - n) z (1 - z), DR = h_{t-1} r (1 - r), and DA (T, 3H, N),
    the gradients of the blocks' inputs [a_r a_z a_n].
    """

    def __init__(self, N, T, D, H, dtype):
        self.XA = np.empty((T, D + 1, N), dtype)
        self.XA[:, -1] = 1.0
        self.A = np.empty((T + 1, H, N), dtype)
        self.AX = np.empty((T, 3 * H, N), dtype)
        self.RZ = np.empty((T, 2 * H, N), dtype)
        self.RH, self.NN = np.empty((T, H, N), dtype), np.empty((T, H, N), dtype)
        self.OM = np.empty((T, 2 * H, N), dtype)
        self.P, self.DZ, self.DR = (np.empty((T, H, N), dtype) for _ in range(3))
        self.DA = np.empty((T, 3 * H, N), dtype)
        self.tmp, self.dh = np.empty((H, N), dtype), np.empty((H, N), dtype)
        self.tmp_rz = np.empty((2 * H, N), dtype)
        A, AX, RZ, RH, NN, DA = self.A, self.AX, self.RZ, self.RH, self.NN, self.DA
        # forward[t - 1], backward[t - 1]: the views step t reads and writes
        self.forward = [(A[t - 1], A[t], AX[t - 1][:2 * H], AX[t - 1][2 * H:], RZ[t - 1],
                         RZ[t - 1][:H], RZ[t - 1][H:], RH[t - 1], NN[t - 1])
                        for t in range(1, T + 1)]
        self.backward = [(RZ[t - 1][:H], RZ[t - 1][H:], DA[t - 1][:2 * H], DA[t - 1][:H],
                          DA[t - 1][H:2 * H], DA[t - 1][2 * H:], self.P[t - 1], self.DZ[t - 1],
                          self.DR[t - 1])
                         for t in range(1, T + 1)]


class GRUBeforeEngine(GatedEngine):
    """The reset-before GRU on one flat parameter vector (theta, grad), in float64 or float32.

    params: a gru_before params dict (checked by the caller). Layout of theta: M_x = [W_x b_xh]
    (3H, D + 1), W_h (3H, H), both with row blocks [r z n], then V (O, H), c (O,).
    """

    Buffers = _Buffers

    def __init__(self, params, dtype=np.float64):
        H, D = params["W_h"].shape[1], params["W_x"].shape[1]
        O = params["V"].shape[0]
        shapes = {"M_x": (3 * H, D + 1), "W_h": (3 * H, H), "V": (O, H), "c": (O,)}
        super().__init__(shapes, H, D, dtype)
        f = self.flat
        f["M_x"][:, :D], f["M_x"][:, D] = params["W_x"], params["b_xh"]
        f["W_h"][...], f["V"][...], f["c"][...] = params["W_h"], params["V"], params["c"]
        # r's and z's rows are halved in the copies the forward pass multiplies by
        self.scale = np.where(np.arange(3 * H) < 2 * H, 0.5, 1.0).astype(dtype)[:, None]
        self.Mx_run = np.empty_like(f["M_x"])
        self.Wrz_run = np.empty((2 * H, H), dtype)
        self.Wrz_T, self.Wn_T = np.empty((H, 2 * H), dtype), np.empty((H, H), dtype)

    def export(self):
        """The current weights as a gru_before params dict in float64."""
        D = self.D
        M_x = self.flat["M_x"].astype(np.float64)
        return {"W_x": M_x[:, :D].copy(), "W_h": self.flat["W_h"].astype(np.float64),
                "b_xh": M_x[:, D].copy(), "V": self.flat["V"].astype(np.float64),
                "c": self.flat["c"].astype(np.float64)}

    def _forward(self, buf, X):
        """Every step forward over X (N, T, D), into the buffers buf."""
        H, D = self.H, self.D
        buf.XA[:, :D] = X.transpose(1, 2, 0)                # x_t^T (D, N) above a row of ones
        buf.A[0] = 0.0                                      # h_0 = 0
        np.multiply(self.flat["M_x"], self.scale, out=self.Mx_run)
        W_h = self.flat["W_h"]
        Wrz = np.multiply(W_h[:2 * H], 0.5, out=self.Wrz_run)
        Wn = W_h[2 * H:]
        np.matmul(self.Mx_run, buf.XA, out=buf.AX)          # every step's input side at once
        tmp, tmp_rz = buf.tmp, buf.tmp_rz
        dot, tanh, multiply, add, subtract = np.dot, np.tanh, np.multiply, np.add, np.subtract
        for (h_prev, h_t, ax_rz, ax_n, rz, r, z, rh, n) in buf.forward:
            dot(Wrz, h_prev, out=tmp_rz)                    # [a_h,r/2; a_h,z/2]
            add(ax_rz, tmp_rz, out=rz)
            tanh(rz, out=rz)
            multiply(rz, 0.5, out=rz)                       # sigmoid(a) = (tanh(a/2) + 1) / 2
            add(rz, 0.5, out=rz)
            multiply(r, h_prev, out=rh)                     # the reset applied first
            dot(Wn, rh, out=n)                              # n = tanh(a_x,n + W_hn (r * h_{t-1}))
            add(n, ax_n, out=n)
            tanh(n, out=n)
            subtract(h_prev, n, out=tmp)                    # h_t = n + z * (h_{t-1} - n)
            multiply(tmp, z, out=tmp)
            add(n, tmp, out=h_t)

    def _backward(self, buf, T, k, tiny):
        """BPTT from buf.dh = dh_T^T through the last k steps into self.grad's M_x and W_h; stops
        once dh is below tiny. Returns the number of steps walked."""
        H, dh = self.H, buf.dh
        # the factors of the k steps that do not depend on dh, all at once
        RZ, OM, NN = buf.RZ[T - k:], buf.OM[T - k:], buf.NN[T - k:]
        P, DZ, DR = buf.P[T - k:], buf.DZ[T - k:], buf.DR[T - k:]
        H_prev = buf.A[T - k:T]
        gru_update_factors(RZ, NN, H_prev, OM, P, DZ)       # 1 - [r z], P, DZ
        np.multiply(H_prev, RZ[:, :H], out=DR)              # DR = h_{t-1} r (1 - r)
        DR *= OM[:, :H]
        W_h = self.flat["W_h"]
        self.Wrz_T[...] = W_h[:2 * H].T                     # (H, 2H), contiguous
        self.Wn_T[...] = W_h[2 * H:].T                      # (H, H)
        drh, tmp, multiply, dot = buf.tmp, np.empty_like(buf.tmp), np.multiply, np.dot
        first = T - k                                       # steps first + 1 .. T are walked
        for t in range(T, T - k, -1):
            (r, z, da_rz, da_r, da_z, da_n, p, dz, dr) = buf.backward[t - 1]
            multiply(dh, p, out=da_n)                       # da_n = dh (1 - z)(1 - n^2)
            multiply(dh, dz, out=da_z)
            dot(self.Wn_T, da_n, out=drh)                   # drh = W_hn^T da_n
            multiply(drh, dr, out=da_r)                     # da_r = drh h_{t-1} r (1 - r)
            if t > T - k + 1:
                dh *= z                                     # dh_{t-1} = dh_t z + W_h[rz]^T da_rz
                multiply(drh, r, out=drh)                   #            + drh r
                dh += drh
                dot(self.Wrz_T, da_rz, out=tmp)
                dh += tmp
                if (T - t + 1) % 5 == 0 and np.abs(dh).max() < tiny:
                    first = t - 1
                    break
        # the sums over the walked steps and the records: da [x_t; 1]^T for M_x; for W_h,
        # [da_r; da_z] h_{t-1}^T (rows r, z) and da_n (r * h_{t-1})^T (rows n)
        g, DA = self.flat_grad, buf.DA[first:]
        g["M_x"][...] = np.tensordot(DA, buf.XA[first:], axes=([0, 2], [0, 2]))
        g["W_h"][:2 * H] = np.tensordot(DA[:, :2 * H], buf.A[first:T], axes=([0, 2], [0, 2]))
        g["W_h"][2 * H:] = np.tensordot(DA[:, 2 * H:], buf.RH[first:], axes=([0, 2], [0, 2]))
        return T - first
