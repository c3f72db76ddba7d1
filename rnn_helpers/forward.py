"""The forward pass of an Elman RNN, one step and then the whole sequence.

Letters used in shapes: N records, T time steps, D input size (input_dim), H hidden size
(hidden_dim), O output size (output_dim).

    s_0 = 0                                   (N, H)
    z_t = x_t U^T + s_{t-1} W^T + b           (N, H)    for t = 1 .. T
    s_t = act(z_t)                            (N, H)
    y_hat = s_T V^T + c                       (N, O)

Rows are records, so a matrix product with U^T applies U to every record's x_t at once.
"""

import numpy as np

from ._checks import (as_float_array, check_activation, check_inputs, check_int, check_params,
                      check_positive_float)

INIT_SCHEMES = ("small", "tutorial")


def sigmoid(z):
    """Logistic function 1 / (1 + exp(-z)), computed as 0.5 tanh(z/2) + 0.5.

    The two are equal; the tanh form never overflows and is about 3x faster in numpy. Its outputs
    are exact to about 1e-16 in absolute terms (tiny values for z << 0 are not exact relatively).
    """
    return 0.5 * np.tanh(0.5 * z) + 0.5


def activate(z, activation):
    """act(z) for activation "sigmoid" or "tanh"; z of any shape."""
    check_activation(activation)
    return sigmoid(z) if activation == "sigmoid" else np.tanh(z)


def activation_derivative(s, activation):
    """act'(z) written in terms of the output s = act(z): s (1 - s) for sigmoid, 1 - s^2 for tanh."""
    check_activation(activation)
    return s * (1.0 - s) if activation == "sigmoid" else 1.0 - s * s


def init_params(hidden_dim, input_dim=1, output_dim=1, *, seed=0, biases=True, scheme="small",
                scale=None):
    """Draw the weights of an RNN from a seeded generator.

    scheme="small" (the default): every weight from uniform(-a, a) with a = 1 / sqrt(hidden_dim),
        the usual scale that keeps z_t of order 1, so the activation is not saturated.
    scheme="tutorial": U, W and V from uniform(0, 1), as the tutorial draws them. With sigmoid every
        hidden unit then saturates at exactly 1.0 within a few steps (notebook 2 shows why).
    scale: overrides a in the "small" scheme.
    Biases b and c start at zero.

    Returns a dict of float64 arrays: "U" (H, D), "W" (H, H), "V" (O, H), and when biases is true
    "b" (H,) and "c" (O,).
    """
    H = check_int("hidden_dim", hidden_dim, minimum=1)
    D = check_int("input_dim", input_dim, minimum=1)
    O = check_int("output_dim", output_dim, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    if scheme not in INIT_SCHEMES:
        raise ValueError(f"scheme must be one of {INIT_SCHEMES}, got {scheme!r}.")
    rng = np.random.default_rng(seed)
    if scheme == "tutorial":
        if scale is not None:
            raise ValueError("scale applies only to scheme='small'; the tutorial's scheme is uniform(0, 1).")
        low, high = 0.0, 1.0
    else:
        a = 1.0 / np.sqrt(H) if scale is None else check_positive_float("scale", scale)
        low, high = -a, a
    params = {
        "U": rng.uniform(low, high, size=(H, D)),
        "W": rng.uniform(low, high, size=(H, H)),
        "V": rng.uniform(low, high, size=(O, H)),
    }
    if biases:
        params["b"] = np.zeros(H)
        params["c"] = np.zeros(O)
    return params


def step_forward(x_t, s_prev, params, activation="sigmoid"):
    """One time step: s_t = act(x_t U^T + s_{t-1} W^T + b).

    x_t: (N, D), s_prev: (N, H). Returns s_t (N, H).
    """
    check_activation(activation)
    H, D, _, _ = check_params(params)
    x_t = as_float_array("x_t", x_t, ndim=2, what="(N, input_dim)")
    s_prev = as_float_array("s_prev", s_prev, ndim=2, what="(N, hidden_dim)")
    if x_t.shape[1] != D or s_prev.shape != (x_t.shape[0], H):
        raise ValueError(f"x_t must have shape (N, {D}) and s_prev (N, {H}) with the same N; got "
                         f"{x_t.shape} and {s_prev.shape}.")
    z_t = x_t @ params["U"].T + s_prev @ params["W"].T
    if "b" in params:
        z_t = z_t + params["b"]
    return activate(z_t, activation)


def forward(params, X, activation="sigmoid", s0=None):
    """Run the RNN over every window of X and predict from the last hidden state.

    params: dict from init_params.  X: (N, T, D).  s0: (N, H) starting state, zeros by default.
    Returns (Y_hat, cache): Y_hat (N, O); cache is a dict with
        "states": (T + 1, N, H), states[t] = s_t (states[0] = s_0), time first;
        "inputs": (T, N, D + H + 1), inputs[t - 1] = [s_{t-1}, x_t, 1], what step t multiplies
                  by [W U b] (backward uses it to get dW, dU and db in one product);
        "activation" and "params".
    """
    check_activation(activation)
    X = check_inputs(params, X)
    N, T, _ = X.shape
    H = params["W"].shape[0]
    if s0 is not None:
        s0 = as_float_array("s0", s0, ndim=2, what="(N, hidden_dim)")
        if s0.shape != (N, H):
            raise ValueError(f"s0 must have shape (N, hidden_dim) = {(N, H)}, got {s0.shape}.")
    return forward_unchecked(params, X, activation, s0)


def forward_unchecked(params, X, activation, s0=None, buffer=None, convert_from=0, M=None):
    """forward() without argument checks, for inner loops that have checked their arrays once.

    buffer, convert_from, M: see run_states.
    """
    buffer = run_states(params, X, activation, s0, buffer, convert_from, M)
    A = buffer.A
    H = params["W"].shape[0]
    states = A[:, :, :H]
    Y_hat = states[-1] @ params["V"].T
    if "c" in params:
        Y_hat += params["c"]
    cache = {"states": states, "inputs": A[:-1], "activation": activation, "params": params}
    return Y_hat, cache


class StateBuffer:
    """The arrays run_states fills, allocated once and reused for every batch of one shape.

    Allocating fresh large arrays on every call costs page faults worth a good part of a forward
    pass, and slicing rows anew on every step costs more than the step's tanh; so both are done once.
    A: (T + 1, N, H + D + 1), see run_states.  z: (N, H) scratch for the pre-activation.
    """

    def __init__(self, N, T, D, H):
        self.shape = (N, T, D, H)
        self.A = np.empty((T + 1, N, H + D + 1))
        self.A[:, :, -1] = 1.0
        self.A[T, :, H:H + D] = 0.0
        self.rows = list(self.A)[:-1]                        # A[t], the input of step t + 1
        self.heads = [a[:, :H] for a in self.A][1:]          # where s_{t+1} is written
        self.z = np.empty((N, H))


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
    """Every hidden state of the recurrence, laid out for a fast loop, in a StateBuffer.

    Row buffer.A[t] = [s_t, x_{t+1}, 1]: the input and the 1 of step t + 1 sit beside the state
    they are multiplied with, so one product A[t] @ M^T with M = [W U b] (H, H + D + 1) gives
    z_{t+1} = s_t W^T + x_{t+1} U^T + b, and each step is just two numpy calls. On arrays this small
    numpy's per-call overhead is the main cost, so the number of calls per step is what counts.
    The last row holds s_T beside unused input columns. This is the maths of step_forward,
    arranged for speed; the tests check that the two agree.

    For sigmoid the loop runs in "tanh space": since sigmoid(z) = (tanh(z/2) + 1)/2, the numbers
    h_t = tanh(z_t / 2) = 2 s_t - 1 obey the tanh recurrence
        h_t = tanh(h_{t-1} (W/4)^T + x_t (U/2)^T + (b/2 + W 1/4)),
    and s_t = (h_t + 1)/2 is recovered afterwards for the rows from convert_from on (all by default;
    training only needs the rows that truncated BPTT walks back through).
    M: recurrence_matrix(params, activation), when the caller has it already.
    """
    N, T, D = X.shape
    H = params["W"].shape[0]
    if buffer is None or buffer.shape != (N, T, D, H):
        buffer = StateBuffer(N, T, D, H)
    A, z = buffer.A, buffer.z
    A[:T, :, H:H + D] = X.transpose(1, 0, 2)
    if s0 is None:
        A[0, :, :H] = -1.0 if activation == "sigmoid" else 0.0
    else:
        A[0, :, :H] = 2.0 * s0 - 1.0 if activation == "sigmoid" else s0     # h_0 = 2 s_0 - 1
    M_T = (recurrence_matrix(params, activation) if M is None else M).T
    dot, tanh = np.dot, np.tanh
    for row, head in zip(buffer.rows, buffer.heads):
        dot(row, M_T, out=z)
        tanh(z, out=head)
    if activation == "sigmoid":
        S = A[convert_from:, :, :H]
        S *= 0.5
        S += 0.5
    return buffer
