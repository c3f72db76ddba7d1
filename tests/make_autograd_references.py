"""Write tests/data/autograd_references.npz: losses and gradients computed by PyTorch's autograd, the
references that tests/test_autograd_references.py holds every cell's backward pass to.

torch is not a dependency of the course (nor of its tests): this script is run once, by hand, in a
scratch environment, and its output is committed. To run it again:

    python3.11 -m venv /tmp/torchvenv && /tmp/torchvenv/bin/pip install torch==2.13.0 numpy
    /tmp/torchvenv/bin/python tests/make_autograd_references.py

It does not import rnn_helpers: each model is written here in torch, from its equations (the LSTM and
the GRU are PyTorch's own nn.LSTM and nn.GRU; the reset-before GRU, which PyTorch does not have, is
written out), on weights and data drawn from a seeded numpy
generator in the package's layout, in float64. For every case it stores the inputs, the loss
mean_n 1/2 ||h_T V^T + c - y||^2 and its gradient, in full and truncated to the last K steps (the
state at step T - K computed, then held constant: detached).
"""

import pathlib

import numpy as np
import torch

OUT = pathlib.Path(__file__).resolve().parent / "data" / "autograd_references.npz"
N, T, D, H, O, K = 3, 7, 2, 4, 2, 3
torch.set_default_dtype(torch.float64)


def shapes(case):
    """The weights of each case, in the package's layout (rows of gate blocks as PyTorch's)."""
    if case.startswith("rnn"):
        return {"U": (H, D), "W": (H, H), "b": (H,)}
    if case == "lstm":
        return {"W_x": (4 * H, D), "W_h": (4 * H, H), "b": (4 * H,)}
    if case == "gru":
        return {"W_x": (3 * H, D), "W_h": (3 * H, H), "b_x": (3 * H,), "b_h": (3 * H,)}
    if case == "gru_before":
        return {"W_x": (3 * H, D), "W_h": (3 * H, H), "b_xh": (3 * H,)}
    return {k: (H, D) if k.endswith("x") else (H, H) if k.startswith("W") else (H,)
            for k in ("W_fx", "W_fh", "b_f", "W_nx", "W_nh", "b_n")}      # the minimal gated unit


def run(case, p, X, start=None):
    """The last hidden state h_T (N, H) and the state after the last step, from `start` (None: 0)."""
    if case == "lstm":
        weights = {"weight_ih_l0": p["W_x"], "weight_hh_l0": p["W_h"], "bias_ih_l0": p["b"],
                   "bias_hh_l0": torch.zeros(4 * H)}
        out, (h, c) = torch.func.functional_call(torch.nn.LSTM(D, H, batch_first=True), weights,
                                                 (X, start))
        return out[:, -1], (h, c)
    if case == "gru":
        weights = {"weight_ih_l0": p["W_x"], "weight_hh_l0": p["W_h"], "bias_ih_l0": p["b_x"],
                   "bias_hh_l0": p["b_h"]}
        out, h = torch.func.functional_call(torch.nn.GRU(D, H, batch_first=True), weights,
                                            (X, start))
        return out[:, -1], h
    h = torch.zeros(X.shape[0], H) if start is None else start
    for t in range(X.shape[1]):
        x = X[:, t]
        if case == "gru_before":            # Cho et al. 2014: the reset before the product
            W_r, W_z, W_n = p["W_h"].split(H)
            a_r, a_z, a_n = (x @ p["W_x"].T + p["b_xh"]).split(H, dim=1)
            r, z = torch.sigmoid(a_r + h @ W_r.T), torch.sigmoid(a_z + h @ W_z.T)
            n = torch.tanh(a_n + (r * h) @ W_n.T)
            h = (1 - z) * n + z * h
        elif case.startswith("rnn"):
            act = torch.tanh if case == "rnn-tanh" else torch.sigmoid
            h = act(x @ p["U"].T + h @ p["W"].T + p["b"])
        else:
            f = torch.sigmoid(x @ p["W_fx"].T + h @ p["W_fh"].T + p["b_f"])
            n = torch.tanh(x @ p["W_nx"].T + (f * h) @ p["W_nh"].T + p["b_n"])
            h = (1 - f) * h + f * n
    return h, h


def detached(state):
    return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()


def main():
    rng = np.random.default_rng(2024)
    out = {}
    for case in ("rnn-tanh", "rnn-sigmoid", "lstm", "gru", "mgu", "gru_before"):   # new cases last:
                                                                   # the earlier ones keep their draws
        weights = {k: rng.normal(scale=0.5, size=s) for k, s in shapes(case).items()}
        weights.update(V=rng.normal(scale=0.5, size=(O, H)), c=rng.normal(scale=0.5, size=O))
        X, Y = rng.normal(size=(N, T, D)), rng.normal(size=(N, O))
        out.update({f"{case}/X": X, f"{case}/Y": Y})
        out.update({f"{case}/param/{k}": v for k, v in weights.items()})
        for truncate in ("full", K):
            p = {k: torch.tensor(v, requires_grad=True) for k, v in weights.items()}
            Xt = torch.tensor(X)
            if truncate == "full":
                h_T, _ = run(case, p, Xt)
            else:
                _, held = run(case, p, Xt[:, :T - K])
                h_T, _ = run(case, p, Xt[:, T - K:], detached(held))
            Y_hat = h_T @ p["V"].T + p["c"]
            loss = 0.5 * ((Y_hat - torch.tensor(Y)) ** 2).sum() / N
            loss.backward()
            out[f"{case}/loss/{truncate}"] = np.array(loss.item())
            out.update({f"{case}/grad/{truncate}/{k}": v.grad.numpy() for k, v in p.items()})
    OUT.parent.mkdir(exist_ok=True)
    np.savez_compressed(OUT, **out)
    print(f"wrote {OUT} ({len(out)} arrays) with torch {torch.__version__}")


if __name__ == "__main__":
    main()
