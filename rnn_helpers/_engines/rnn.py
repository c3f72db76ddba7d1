"""The vanilla RNN's maths arranged for speed: what training runs in its inner loop.

Nothing here is new maths: run_states is rnn.step_forward over the sequence, backward_into is
rnn.backward, FlatParams is a params dict. The tests hold each to its readable version. Two things
make them fast on the course's small arrays, where numpy's per-call overhead is the main cost:

- Row A[t] of one buffer holds [s_t, x_{t+1}, 1] side by side, so one product A[t] @ M^T with
  M = [W U b] (H, H + D + 1) gives z_{t+1} = s_t W^T + x_{t+1} U^T + b: each step is two numpy
  calls, and backward gets dW, dU and db in one product over all steps.
- Arrays are allocated once and reused: fresh large arrays on every call cost page faults worth a
  good part of a forward pass.

Letters used in shapes: N records, T time steps, D input size, H hidden size, O output size.
"""

import numpy as np

from .._checks import check_params
from .flat import FlatVector, negligible_gradient

__all__ = ["StateBuffer", "recurrence_matrix", "run_states", "backward_into", "FlatParams"]


class StateBuffer:
    """The arrays run_states fills, allocated once and reused for every batch of one shape.

    A: (T + 1, N, H + D + 1), row A[t] = [s_t, x_{t+1}, 1].  z: (N, H) scratch for z_t.
    dZ: (T, N, H) scratch for backward_into's dz_t. dtype: float64, or float32 for speed.
    """

    def __init__(self, N, T, D, H, dtype=np.float64):
        self.shape = (N, T, D, H)
        self.dtype = np.dtype(dtype)
        self.A = np.empty((T + 1, N, H + D + 1), dtype)
        self.A[:, :, -1] = 1.0
        self.A[T, :, H:H + D] = 0.0
        self.rows = list(self.A)[:-1]                        # A[t], the input of step t + 1
        self.heads = [a[:, :H] for a in self.A][1:]          # where s_{t+1} is written
        self.z = np.empty((N, H), dtype)
        self.dZ = np.empty((T, N, H), dtype)

    def states(self):
        """s_0 .. s_T as a view (T + 1, N, H)."""
        return self.A[:, :, :self.shape[3]]


def recurrence_matrix(params, activation, out=None):
    """The matrix M that run_states multiplies each row [s_{t-1}, x_t, 1] by. Returns (H, H + D + 1).

    tanh: M = [W U b]. sigmoid: M = [W/4, U/2, b/2 + W 1/4], the "tanh space" form (see run_states).
    out: an (H, H + D + 1) array to write into instead of allocating.
    """
    W, U = params["W"], params["U"]
    H, D = U.shape
    M = np.empty((H, H + D + 1)) if out is None else out
    M[:, :H] = W
    M[:, H:H + D] = U
    M[:, -1] = params["b"] if "b" in params else 0.0
    if activation == "sigmoid":
        M[:, :H] *= 0.25
        M[:, H:] *= 0.5
        M[:, -1] += W.sum(axis=1) * 0.25
    return M


def run_states(params, X, activation, s0=None, buffer=None, convert_from=0, M=None):
    """Every hidden state of the recurrence, in a StateBuffer (see the module's docstring).

    X: (N, T, D).  s0: (N, H) or None for zeros.  The last row of A holds s_T beside unused input
    columns. For sigmoid the loop runs in "tanh space": since sigmoid(z) = (tanh(z/2) + 1)/2, the
    numbers h_t = tanh(z_t / 2) = 2 s_t - 1 obey the tanh recurrence
        h_t = tanh(h_{t-1} (W/4)^T + x_t (U/2)^T + (b/2 + W 1/4)),
    and s_t = (h_t + 1)/2 is recovered afterwards for the rows from convert_from on (all by default;
    training only needs the rows that truncated BPTT walks back through).
    M: recurrence_matrix(params, activation), when the caller has it already.
    """
    N, T, D = X.shape
    H = params["W"].shape[0]
    if buffer is None or buffer.shape != (N, T, D, H):
        buffer = StateBuffer(N, T, D, H, X.dtype)
    A, z = buffer.A, buffer.z
    A[:T, :, H:H + D] = X.transpose(1, 0, 2)
    if s0 is None:
        A[0, :, :H] = -1.0 if activation == "sigmoid" else 0.0
    else:
        A[0, :, :H] = 2.0 * s0 - 1.0 if activation == "sigmoid" else s0     # h_0 = 2 s_0 - 1
    # a contiguous copy of M^T: OpenBLAS multiplies by it 2-3x faster than by the transposed view
    M_T = np.ascontiguousarray((recurrence_matrix(params, activation) if M is None else M).T)
    dot, tanh = np.dot, np.tanh
    for row, head in zip(buffer.rows, buffer.heads):
        dot(row, M_T, out=z)
        tanh(z, out=head)
    if activation == "sigmoid":
        S = A[convert_from:, :, :H]
        S *= 0.5
        S += 0.5
    return buffer


def backward_into(dY_hat, buffer, W, V, activation, truncate, dM, dV, dc):
    """rnn.backward written into given arrays, from a StateBuffer that run_states filled.

    dY_hat: (N, O).  W: (H, H), V: (O, H) the weights the buffer was run with.
    Writes dM (H, H + D + 1) = [dW dU db], dV (O, H), dc (O,). Each step is rnn.step_backward's
    dz_t = ds_t * act'(z_t) and ds_{t-1} = dz_t W; its parameter terms dz_t^T [s_{t-1}, x_t, 1]
    are summed over the k steps and N records by one product at the end.
    """
    A = buffer.A
    N, T, _, H = buffer.shape
    k = T if truncate is None else min(truncate, T)
    np.dot(dY_hat.T, A[T, :, :H], out=dV)                  # dV = dy_hat^T s_T        (O, H)
    np.sum(dY_hat, axis=0, out=dc)                         # dc = sum_n dy_hat        (O,)
    dZ = buffer.dZ[T - k:]                                 # act'(z_t), then dz_t, in place
    S = A[T - k + 1:, :, :H]                               # s_t for the k steps      (k, N, H)
    if activation == "tanh":
        np.multiply(S, S, out=dZ)
        np.subtract(1.0, dZ, out=dZ)                       # 1 - s_t^2
    else:
        np.subtract(1.0, S, out=dZ)
        dZ *= S                                            # s_t (1 - s_t)
    ds = dY_hat @ V                                        # ds_T = dy_hat V          (N, H)
    negligible = negligible_gradient(dZ.dtype)              # below it, the steps further back add nothing
    first = 0                                              # the earliest step walked (index j)
    for j in range(k - 1, -1, -1):                         # j = k-1 is step T, j = 0 is step T-k+1
        np.multiply(ds, dZ[j], out=dZ[j])                  # dz_t = ds_t * act'(z_t)
        if j:
            ds = dZ[j] @ W                                 # ds_{t-1} = dz_t W
            if (k - j) % 5 == 0 and np.abs(ds).max() < negligible:
                first = j
                break
    kept = k - first
    np.dot(dZ[first:].reshape(kept * N, H).T, A[T - kept:T].reshape(kept * N, -1), out=dM)


class FlatParams:
    """All parameters in one flat float64 vector theta, with named views into it.

    Layout: M = [W U b] (H, H + D + 1), then V (O, H), then c (O,), of one dtype (float64, or
    float32 for speed: the explorer's choice). With one vector, clipping,
    the global norm and the update are each one numpy call instead of one per parameter, which
    matters when training one record at a time. `params` is a dict of views into theta (W, U, b,
    V, c as in init_params), so an update to theta is seen through it. A model without biases keeps
    b and c at zero (zero_unused clears their gradients).
    """

    def __init__(self, params, activation, dtype=np.float64):
        H, D, O, self.biases = check_params(params)
        self.activation = activation
        flat = FlatVector({"M": (H, H + D + 1), "V": (O, H), "c": (O,)}, dtype)
        self.theta, self.M, self.V, self.c = flat.theta, flat["M"], flat["V"], flat["c"]
        self.params = {"U": self.M[:, H:H + D], "W": self.M[:, :H], "V": self.V}
        if self.biases:
            self.params["b"] = self.M[:, -1]
            self.params["c"] = self.c
        for name, value in params.items():
            self.params[name][...] = value
        self._rec = None if activation == "tanh" else np.empty_like(self.M)

    @classmethod
    def like(cls, other):
        """A FlatParams of the same shapes, all zeros (for gradients)."""
        zeros = {name: np.zeros(value.shape) for name, value in other.params.items()}
        return cls(zeros, other.activation, other.theta.dtype)

    def recurrence(self):
        """recurrence_matrix for the current values: M itself for tanh, no copy."""
        if self._rec is None:
            return self.M
        return recurrence_matrix(self.params, self.activation, out=self._rec)

    def zero_unused(self):
        if not self.biases:
            self.M[:, -1] = 0.0
            self.c[:] = 0.0
