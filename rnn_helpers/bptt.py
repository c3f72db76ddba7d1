"""Backpropagation through time (BPTT), full and truncated, for the loss at the last step.

Letters used in shapes: N records, T time steps, D input size, H hidden size, O output size.

The loss is the mean over the N records of 1/2 ||y_hat - y||^2. Walking the chain rule backwards
from it (notebook 3 derives each line):

    dy_hat = (y_hat - y) / N                     (N, O)
    dV = dy_hat^T s_T,   dc = sum_n dy_hat        (O, H), (O,)
    ds_T = dy_hat V                               (N, H)
    for t = T, T-1, ..., T-k+1:
        dz_t = ds_t * act'(z_t)                   (N, H)
        dW += dz_t^T s_{t-1},  dU += dz_t^T x_t,  db += sum_n dz_t
        ds_{t-1} = dz_t W                         (N, H)

Truncation to k steps (truncate=k) stops after step T-k+1: it is the exact gradient of the same loss
with s_{T-k} held constant. truncate=None, or k >= T, is full BPTT.
"""

import numpy as np

from ._checks import as_float_array, check_activation, check_inputs, check_params, check_truncate
from .forward import activate, activation_derivative, forward


def mse_loss(Y_hat, Y):
    """Mean over the N records of 1/2 ||y_hat - y||^2. Y_hat, Y: (N, O). Returns a float."""
    Y_hat = as_float_array("Y_hat", Y_hat, ndim=2, what="(N, output_dim)")
    Y = as_float_array("Y", Y, ndim=2, what="(N, output_dim)")
    if Y_hat.shape != Y.shape or Y.shape[0] == 0:
        raise ValueError(f"Y_hat {Y_hat.shape} and Y {Y.shape} must have the same, non-empty shape.")
    return mse_unchecked(Y_hat, Y)


def mse_unchecked(Y_hat, Y):
    """mse_loss without argument checks, for training loops (where NaN means divergence)."""
    diff = Y_hat - Y
    return 0.5 * float(np.vdot(diff, diff)) / Y.shape[0]


def backward(dY_hat, cache, truncate=None):
    """Gradients of the loss given dY_hat = dloss/dY_hat (N, O) and the cache from forward.

    Returns grads, a dict with the keys and shapes of params: "U" (H, D), "W" (H, H), "V" (O, H),
    and "b" (H,), "c" (O,) when the model has biases.
    """
    if not isinstance(cache, dict) or "inputs" not in cache:
        raise TypeError("cache must be the dict that forward() returned with its predictions.")
    params = cache["params"]
    H, D = params["U"].shape
    O = params["V"].shape[0]
    N = cache["states"].shape[1]
    dY_hat = as_float_array("dY_hat", dY_hat, ndim=2, what="(N, output_dim)")
    if dY_hat.shape != (N, O):
        raise ValueError(f"dY_hat must have shape (N, output_dim) = {(N, O)} to match the cache, "
                         f"got {dY_hat.shape}.")
    truncate = check_truncate(truncate)
    dM, dV, dc = np.empty((H, H + D + 1)), np.empty((O, H)), np.empty(O)
    backward_into(dY_hat, cache, truncate, dM, dV, dc)
    grads = {"U": dM[:, H:-1], "W": dM[:, :H], "V": dV}
    if "b" in params:
        grads["b"] = dM[:, -1]
        grads["c"] = dc
    return grads


def backward_into(dY_hat, cache, truncate, dM, dV, dc):
    """The work of backward, written into given arrays: dM (H, H + D + 1) = [dW dU db], dV (O, H),
    dc (O,). Training reuses the same arrays for every batch (see training.FlatParams)."""
    params, states, inputs = cache["params"], cache["states"], cache["inputs"]
    T = inputs.shape[0]
    k = T if truncate is None else min(truncate, T)
    N, H = states.shape[1], states.shape[2]
    W = params["W"]
    np.dot(dY_hat.T, states[T], out=dV)                    # dV = dy_hat^T s_T        (O, H)
    np.sum(dY_hat, axis=0, out=dc)                         # dc = sum_n dy_hat        (O,)
    deriv = activation_derivative(states[T - k + 1:], cache["activation"])   # act'(z_t), (k, N, H)
    dZ = deriv                                             # overwritten step by step with dz_t
    ds = dY_hat @ params["V"]                              # ds_T = dy_hat V          (N, H)
    for j in range(k - 1, -1, -1):                         # j = k-1 is step T, j = 0 is step T-k+1
        np.multiply(ds, deriv[j], out=dZ[j])               # dz_t = ds_t * act'(z_t)
        if j:
            ds = dZ[j] @ W                                 # ds_{t-1} = dz_t W
    # inputs[t-1] = [s_{t-1}, x_t, 1], so one product sums dz_t^T [s_{t-1}, x_t, 1] over the k steps
    # and the N records at once: its columns are dW, then dU, then db.
    np.dot(dZ.reshape(k * N, H).T, inputs[T - k:].reshape(k * N, -1), out=dM)


def state_gradients(params, X, Y, activation="sigmoid"):
    """dloss/ds_t for every step t = 1 .. T (full BPTT), to see how the gradient fades going back.

    params: dict from init_params.  X: (N, T, D).  Y: (N, O).
    Returns dS (T, N, H) with dS[t - 1] = dloss/ds_t. Its norm per step shows vanishing or
    exploding gradients: ds_{t-1} = (ds_t * act'(z_t)) W multiplies by W and act' at every step.
    """
    check_activation(activation)
    X, Y = check_inputs(params, X, Y)
    Y_hat, cache = forward(params, X, activation)
    states = cache["states"]
    T = X.shape[1]
    deriv = activation_derivative(states[1:], activation)        # act'(z_t), (T, N, H)
    dS = np.empty_like(deriv)
    dS[T - 1] = (Y_hat - Y) / Y.shape[0] @ params["V"]         # ds_T
    for t in range(T - 1, 0, -1):                                # dS[t - 1] = ds_t from ds_{t+1}
        dS[t - 1] = (dS[t] * deriv[t]) @ params["W"]
    return dS


def loss_and_grads(params, X, Y, truncate=None, activation="sigmoid"):
    """Loss and its gradient with respect to every parameter.

    params: dict from init_params.  X: (N, T, D).  Y: (N, O).
    truncate: None (full BPTT) or k >= 1: the gradient with s_{T-k} held constant.
    Returns (loss, grads): loss a float, grads a dict with exactly the keys and shapes of params.
    """
    check_activation(activation)
    X, Y = check_inputs(params, X, Y)
    truncate = check_truncate(truncate)
    Y_hat, cache = forward(params, X, activation)
    loss = mse_unchecked(Y_hat, Y)
    grads = backward((Y_hat - Y) / Y.shape[0], cache, truncate)
    return loss, grads


def truncated_loss(params, X, Y, truncate, activation="sigmoid", state_params=None):
    """The objective whose exact gradient loss_and_grads(..., truncate=k) returns.

    s_{T-k} is computed with `state_params` (default: params) and then held fixed; only the last k
    steps and the output use `params`. Perturbing params here therefore changes only what the
    truncated gradient sees, which is how the gradient check of truncated BPTT works.
    Returns a float.
    """
    check_activation(activation)
    X, Y = check_inputs(params, X, Y)
    T = X.shape[1]
    k = T if truncate is None else min(check_truncate(truncate), T)
    if state_params is not None:
        check_params(state_params)
    if k == T:
        return mse_loss(forward(params, X, activation)[0], Y)
    _, cache = forward(params if state_params is None else state_params, X[:, :T - k], activation)
    s_start = cache["states"][-1]                        # s_{T-k}, (N, H): a constant from here on
    return mse_loss(forward(params, X[:, T - k:], activation, s0=s_start)[0], Y)


def loss_and_grads_loop(params, X, Y, truncate=None, activation="sigmoid"):
    """The same loss and gradients as loss_and_grads, one record and one step at a time.

    A plain transcription of the maths, kept as the readable reference that the vectorized code is
    tested against. Same arguments and return value as loss_and_grads.
    """
    check_activation(activation)
    X, Y = check_inputs(params, X, Y)
    truncate = check_truncate(truncate)
    U, W, V = params["U"], params["W"], params["V"]
    H, O = W.shape[0], V.shape[0]
    b = params.get("b", np.zeros(H))
    c = params.get("c", np.zeros(O))
    N, T, _ = X.shape
    k = T if truncate is None else min(truncate, T)
    grads = {name: np.zeros_like(value) for name, value in params.items()}
    loss = 0.0
    for n in range(N):
        s = [np.zeros(H)]                                # s[t] = s_t
        for t in range(1, T + 1):
            x_t = X[n, t - 1]
            s.append(activate(U @ x_t + W @ s[t - 1] + b, activation))
        y_hat = V @ s[T] + c
        loss += 0.5 * np.sum((y_hat - Y[n]) ** 2) / N
        dy = (y_hat - Y[n]) / N                          # (O,)
        grads["V"] += np.outer(dy, s[T])
        if "c" in grads:
            grads["c"] += dy
        ds = V.T @ dy                                    # (H,)
        for t in range(T, T - k, -1):
            dz = ds * activation_derivative(s[t], activation)
            grads["W"] += np.outer(dz, s[t - 1])
            grads["U"] += np.outer(dz, X[n, t - 1])
            if "b" in grads:
                grads["b"] += dz
            ds = W.T @ dz
    return loss, grads
