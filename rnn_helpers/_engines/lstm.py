"""The LSTM's maths arranged for speed: what training runs in its inner loop.

Nothing here is new maths: LSTMEngine.loss_and_grad is lstm.loss_and_grads and predict is
lstm.forward, on one flat parameter vector; the tests hold them to the readable module to 1e-12 in
float64. On the course's small arrays numpy's per-call overhead is the main cost, so:

- Arrays are stored "records last": a state is (H, N), the transpose of the module's (N, H). Each
  gate's block of rows is then one contiguous array, and numpy's calls on contiguous arrays cost
  about half of those on the strided column blocks of an (N, 4H) array.
- Column A[t] of one buffer holds [h_t; x_{t+1}; 1] (H + D + 1, N), and the engine's matrix is
  M = [W_h W_x b] (4H, H + D + 1), so one product M A[t - 1] gives every gate's input at step t.
- Inside the engine the gate blocks are kept in the order [i f o g] (PyTorch's is [i f g o]): the
  three sigmoid gates are then one block. Because sigmoid(a) = (tanh(a/2) + 1) / 2, the rows of i,
  f and o are halved in a copy of M made once per batch, one tanh covers all four blocks, and two
  calls turn the first three into sigmoids. Gradient clipping and the update treat every entry
  alike, so the order inside the flat vector changes nothing; export() restores PyTorch's.
- Arrays are allocated once per batch shape and reused, with the views each step needs made once.
- Backward computes each gate's activation derivative for all k steps at once, before walking back.

The output layer, the loss and the buffers' bookkeeping are shared with the GRU (_fast_gates).

Letters used in shapes: N records, T time steps, D input size, H hidden size, O output size.
"""

import numpy as np

from .gates import GatedEngine

__all__ = ["LSTMEngine"]


class _Buffers:
    """Every array one batch shape (N, T) needs, and the per-step views into them; records last.

    A: (T + 1, H + D + 1, N), A[t] = [h_t; x_{t+1}; 1].  C: (T + 1, H, N), the cell states c_t.
    G: (T, 4H, N), G[t - 1] = the gates of step t, blocks [i f o g], after their activations.
    TC: (T, H, N), tanh(c_t).  Backward's scratch: D_act (T, 4H, N) the activation derivatives,
    Q (T, H, N) = o (1 - tanh(c_t)^2), DA (T, 4H, N) the gradient of the gates' inputs a_t.
    """

    def __init__(self, N, T, D, H, dtype):
        self.A = np.empty((T + 1, H + D + 1, N), dtype)
        self.A[:, -1] = 1.0
        self.A[T, H:H + D] = 0.0
        self.C = np.empty((T + 1, H, N), dtype)
        self.G = np.empty((T, 4 * H, N), dtype)
        self.TC = np.empty((T, H, N), dtype)
        self.D_act = np.empty((T, 4 * H, N), dtype)
        self.Q = np.empty((T, H, N), dtype)
        self.DA = np.empty((T, 4 * H, N), dtype)
        self.tmp, self.dc, self.dh = (np.empty((H, N), dtype) for _ in range(3))
        A, C, G, TC, DA = self.A, self.C, self.G, self.TC, self.DA
        # forward[t - 1], backward[t - 1]: the views step t reads and writes
        self.forward = [(A[t - 1], G[t - 1], G[t - 1][:3 * H], G[t - 1][:H], G[t - 1][H:2 * H],
                         G[t - 1][2 * H:3 * H], G[t - 1][3 * H:], C[t - 1], C[t], TC[t - 1],
                         A[t][:H])
                        for t in range(1, T + 1)]
        self.backward = [(G[t - 1][:H], G[t - 1][H:2 * H], G[t - 1][3 * H:], C[t - 1], TC[t - 1],
                          DA[t - 1], DA[t - 1][:H], DA[t - 1][H:2 * H], DA[t - 1][2 * H:3 * H],
                          DA[t - 1][3 * H:], self.Q[t - 1], self.D_act[t - 1])
                         for t in range(1, T + 1)]


class LSTMEngine(GatedEngine):
    """The LSTM on one flat parameter vector (theta, grad), in float64 or float32.

    params: an LSTM params dict (checked by the caller). Layout of theta: M = [W_h W_x b]
    (4H, H + D + 1) with row blocks [i f o g], then V (O, H), then c (O,).
    """

    Buffers = _Buffers

    def __init__(self, params, dtype=np.float64):
        H, D = params["W_h"].shape[1], params["W_x"].shape[1]
        O = params["V"].shape[0]
        super().__init__({"M": (4 * H, H + D + 1), "V": (O, H), "c": (O,)}, H, D, dtype)
        blocks = np.arange(4 * H).reshape(4, H)
        self.order = blocks[[0, 1, 3, 2]].ravel()           # engine row r is PyTorch row order[r]
        M = self.flat["M"]
        M[:, :H] = params["W_h"][self.order]
        M[:, H:H + D] = params["W_x"][self.order]
        M[:, -1] = params["b"][self.order]
        self.flat["V"][...] = params["V"]
        self.flat["c"][...] = params["c"]
        # the sigmoid gates' rows are halved in the copy the forward pass multiplies by
        self.scale = np.where(np.arange(4 * H) < 3 * H, 0.5, 1.0).astype(dtype)[:, None]
        self.M_run = np.empty_like(M)
        self.W_h_T = np.empty((H, 4 * H), dtype)            # backward's W_h^T, contiguous

    def export(self):
        """The current weights as an LSTM params dict in float64, PyTorch's row order."""
        H, D = self.H, self.D
        M = self.flat["M"]
        params = {"W_x": np.empty((4 * H, D)), "W_h": np.empty((4 * H, H)), "b": np.empty(4 * H)}
        params["W_x"][self.order] = M[:, H:H + D]
        params["W_h"][self.order] = M[:, :H]
        params["b"][self.order] = M[:, -1]
        params.update(V=self.flat["V"].astype(np.float64), c=self.flat["c"].astype(np.float64))
        return params

    def _forward(self, buf, X):
        """Every step forward over X (N, T, D), into the buffers buf."""
        H, D = self.H, self.D
        buf.A[:-1, H:H + D] = X.transpose(1, 2, 0)          # x_t^T (D, N) below h_{t-1}
        buf.A[0, :H] = 0.0                                  # h_0 = 0
        buf.C[0] = 0.0                                      # c_0 = 0
        M_run, tmp = np.multiply(self.flat["M"], self.scale, out=self.M_run), buf.tmp
        dot, tanh, multiply, add = np.dot, np.tanh, np.multiply, np.add
        for (column, gates, sig, i, f, o, g, c_prev, c_t, tanh_c, h_t) in buf.forward:
            dot(M_run, column, out=gates)                   # [a_i a_f a_o]/2 and a_g
            tanh(gates, out=gates)
            multiply(sig, 0.5, out=sig)                     # sigmoid(a) = (tanh(a/2) + 1) / 2
            add(sig, 0.5, out=sig)
            multiply(f, c_prev, out=c_t)                    # c_t = f * c_{t-1} + i * g
            multiply(i, g, out=tmp)
            add(c_t, tmp, out=c_t)
            tanh(c_t, out=tanh_c)
            multiply(o, tanh_c, out=h_t)                    # h_t = o * tanh(c_t)

    def _backward(self, buf, T, k, tiny):
        """BPTT from buf.dh = dh_T^T through the last k steps into self.grad's M; stops once dh
        and dc are below tiny. Returns the number of steps walked."""
        H, dh = self.H, buf.dh
        # every activation derivative of the k steps at once: s (1 - s) for i f o, 1 - g^2 for g
        G, D_act, Q = buf.G[T - k:], buf.D_act[T - k:], buf.Q[T - k:]
        np.subtract(1.0, G[:, :3 * H], out=D_act[:, :3 * H])
        D_act[:, :3 * H] *= G[:, :3 * H]
        np.multiply(G[:, 3 * H:], G[:, 3 * H:], out=D_act[:, 3 * H:])
        np.subtract(1.0, D_act[:, 3 * H:], out=D_act[:, 3 * H:])
        np.multiply(buf.TC[T - k:], buf.TC[T - k:], out=Q)  # Q = o (1 - tanh(c_t)^2)
        np.subtract(1.0, Q, out=Q)
        Q *= G[:, 2 * H:3 * H]
        W_h_T = self.W_h_T
        W_h_T[...] = self.flat["M"][:, :H].T                # (H, 4H), columns [i f o g]
        dc, tmp, multiply, dot = buf.dc, buf.tmp, np.multiply, np.dot
        dc[...] = 0.0                                       # c_T reaches the loss through h_T only
        first = T - k                                       # steps first + 1 .. T are walked
        for t in range(T, T - k, -1):
            (i, f, gg, c_prev, tanh_c, da, da_i, da_f, da_o, da_g, q, d_act) = buf.backward[t - 1]
            multiply(dh, q, out=tmp)                        # dc += dh * o (1 - tanh(c_t)^2)
            dc += tmp
            multiply(dc, gg, out=da_i)                      # through c_t = f c_{t-1} + i g
            multiply(dc, c_prev, out=da_f)
            multiply(dh, tanh_c, out=da_o)                  # through h_t = o tanh(c_t)
            multiply(dc, i, out=da_g)
            da *= d_act                                     # through each gate's activation
            if t > T - k + 1:
                dot(W_h_T, da, out=dh)                      # dh_{t-1} = da_t W_h, transposed
                dc *= f                                     # dc_{t-1} = dc_t * f
                if (T - t + 1) % 5 == 0 and max(np.abs(dh).max(), np.abs(dc).max()) < tiny:
                    first = t - 1
                    break
        # [dW_h dW_x db] = the sum over the walked steps and the records of da_t [h_{t-1}; x_t; 1]^T
        dM = np.tensordot(buf.DA[first:], buf.A[first:T], axes=([0, 2], [0, 2]))
        self.flat_grad["M"][...] = dM
        return T - first
