"""How the gradient travels back in time: vanishing, exploding, and what truncation leaves out.

Notebooks 3 and 4 (and their sliders) look at the vanilla RNN's backward pass one step at a time,
notebook 8 at the LSTM's and GRU's, and state_gradients at any registered cell's: every function
here walks back with the cell's own step_backward (the loop that backward sums).

Letters used in shapes: N records, T time steps, D input size, H hidden size, O output size.
"""

import numpy as np

from ._checks import as_float_array, check_activation, check_inputs, check_positive_float
from .cells import cell_of, get_cell
from .cells.rnn import forward, output_grads, walk_back

__all__ = ["state_gradients", "truncation_profile", "step_gradient_norms", "spectral_radius"]


def state_gradients(params, X, Y, activation=None, state="h", *, cell=None):
    """dloss/dh_t for every step t = 1 .. T (full BPTT), to see how the gradient fades going back.

    params: for any registered cell (rnn_helpers.cells), which is read off its keys, or named by
    cell. X: (N, T, D).  Y: (N, O).  activation: the vanilla RNN's ("sigmoid", the default, or
    "tanh"); ignored by a cell without activations (the LSTM, the GRU).
    state: one of the cell's states: "h" for the hidden state (s_t of the vanilla RNN), "c" for the
    LSTM's cell state (the whole gradient reaching c_t, through c_{t+1} and through h_t).
    Returns dS (T, N, H) with dS[t - 1] = dloss/dh_t. Its norm per step shows vanishing or
    exploding gradients: for the vanilla RNN, ds_{t-1} = (ds_t * act'(z_t)) W multiplies by W and
    act' at every step; the LSTM's cell state is multiplied only by its forget gate f.
    """
    model = get_cell(cell_of(params) if cell is None else cell)
    activation = activation if model.activations else None       # ignored, as documented
    return model.state_gradients(params, X, Y, activation, state)


def truncation_profile(params, X, Y, activation="tanh"):
    """How much each time step adds to the gradient, and how far truncation to k steps is from full.

    params: dict from init_params.  X: (N, T, D).  Y: (N, O).
    The gradient of W, U and b is a sum over the steps t = 1 .. T of step t's terms (see
    rnn.step_backward); truncation to k keeps the terms of the last k steps, t = T-k+1 .. T, and
    leaves dV and dc as they are.
    Returns (contributions, errors), both (T,):
        contributions[t - 1] = the norm of step t's term (W, U and b together);
        errors[k - 1] = rh.relative_error(g_k, g) over all parameters, g_k the gradient truncated to
        k steps and g the full one: ||g_k - g|| / (||g_k|| + ||g||), as notebook 3 measures it.
    """
    check_activation(activation)
    X, Y = check_inputs(params, X, Y)
    Y_hat, cache = forward(params, X, activation)
    dY_hat = (Y_hat - Y) / Y.shape[0]
    T = X.shape[1]
    terms = [None] * T                                         # terms[t - 1]: step t's, flattened
    for t, _, step_grads in walk_back(dY_hat @ params["V"], cache):
        terms[t - 1] = np.concatenate([g.ravel() for g in step_grads.values()])
    terms = np.array(terms)                                    # (T, P)
    output_sq = sum(float(np.vdot(g, g)) for g in output_grads(dY_hat, cache["states"][-1],
                                                                 params).values())
    contributions = np.sqrt(np.einsum("tp,tp->t", terms, terms))
    full = terms.sum(axis=0)
    kept = np.cumsum(terms[::-1], axis=0)                      # kept[k - 1]: the last k steps
    missing = full - kept
    norm_full = np.sqrt(float(np.vdot(full, full)) + output_sq)
    norm_kept = np.sqrt(np.einsum("kp,kp->k", kept, kept) + output_sq)
    errors = np.sqrt(np.einsum("kp,kp->k", missing, missing)) / np.maximum(norm_kept + norm_full,
                                                                           1e-300)
    return contributions, errors


def spectral_radius(W):
    """The largest absolute value of W's eigenvalues. W: (H, H). Returns a float."""
    W = as_float_array("W", W, ndim=2, what="(H, H)")
    if W.shape[0] != W.shape[1] or W.size == 0:
        raise ValueError(f"W must be a non-empty square matrix (H, H), got shape {W.shape}.")
    return float(np.max(np.abs(np.linalg.eigvals(W))))


def step_gradient_norms(params, X, Y, activation="tanh", scale=1.0):
    """The norm of dloss/ds_t for t = 1 .. T (full BPTT), with W multiplied by `scale`.

    params: dict from init_params (not changed); X (N, T, D); Y (N, O). The norm is taken over all
    records and hidden units. Going back one step multiplies the gradient by act'(z_t) and by W,
    so it tends to shrink (vanish) when W's spectral radius times act' is below 1, and to grow
    (explode) above 1. Returns (T,); entries that overflow are inf or NaN.
    """
    scale = check_positive_float("scale", scale)
    check_activation(activation)
    check_inputs(params, X, Y)
    params = dict(params, W=params["W"] * scale)
    with np.errstate(all="ignore"):
        dS = state_gradients(params, X, Y, activation)
        return np.sqrt(np.einsum("tnh,tnh->t", dS, dS))
