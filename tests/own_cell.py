"""A cell written outside the package: a minimal gated unit (Zhou et al. 2016), the four attributes
of the cell protocol (rnn_helpers.cells) and nothing else. The tests register it as "mgu".

    f_t = sigmoid(x_t W_fx^T + h_{t-1} W_fh^T + b_f)           the forget gate     (N, H)
    n_t = tanh(x_t W_nx^T + (f_t * h_{t-1}) W_nh^T + b_n)      the candidate       (N, H)
    h_t = (1 - f_t) * h_{t-1} + f_t * n_t                                          (N, H)
"""

import numpy as np

states = ("h",)


def init_params(hidden_dim, input_dim, *, seed):
    rng = np.random.default_rng(seed)
    a = 1.0 / np.sqrt(hidden_dim)
    draw = lambda rows, cols: rng.uniform(-a, a, size=(rows, cols))   # noqa: E731
    return {"W_fx": draw(hidden_dim, input_dim), "W_fh": draw(hidden_dim, hidden_dim),
            "b_f": np.zeros(hidden_dim), "W_nx": draw(hidden_dim, input_dim),
            "W_nh": draw(hidden_dim, hidden_dim), "b_n": np.zeros(hidden_dim)}


def step_forward(x_t, state, params):
    (h_prev,) = state
    f = 0.5 * np.tanh(0.5 * (x_t @ params["W_fx"].T + h_prev @ params["W_fh"].T + params["b_f"])) + 0.5
    n = np.tanh(x_t @ params["W_nx"].T + (f * h_prev) @ params["W_nh"].T + params["b_n"])
    h_t = (1.0 - f) * h_prev + f * n
    return (h_t,), (x_t, h_prev, f, n, params)


def step_backward(dstate_t, cache):
    (dh,), (x_t, h_prev, f, n, params) = dstate_t, cache
    da_n = dh * f * (1.0 - n * n)                        # back through tanh
    dfh = da_n @ params["W_nh"]                          # reaches f * h_{t-1}
    da_f = (dh * (n - h_prev) + dfh * h_prev) * f * (1.0 - f)
    dparams = {"W_fx": da_f.T @ x_t, "W_fh": da_f.T @ h_prev, "b_f": da_f.sum(axis=0),
               "W_nx": da_n.T @ x_t, "W_nh": da_n.T @ (f * h_prev), "b_n": da_n.sum(axis=0)}
    dx = da_f @ params["W_fx"] + da_n @ params["W_nx"]
    dh_prev = dh * (1.0 - f) + dfh * f + da_f @ params["W_fh"]
    return dx, (dh_prev,), dparams
