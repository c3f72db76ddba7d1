"""Write tests/data/deep_references.npz: outputs and gradients of PyTorch's own stacked,
bidirectional nn.RNN, nn.LSTM and nn.GRU, the references that tests/test_deep_torch_layout.py holds
rnn_helpers.deep (its layout, forward, padding and backward) to.

torch is not a dependency of the course (nor of its tests): this script is run once, by hand, in a
scratch environment, and its output is committed. To run it again:

    python3.11 -m venv /tmp/torchvenv25 && /tmp/torchvenv25/bin/pip install torch==2.13.0 numpy
    /tmp/torchvenv25/bin/python tests/make_deep_references.py

It does not import rnn_helpers. For each cell, a module with num_layers=2, bidirectional=True,
batch_first=True (nn.RNN with nonlinearity="tanh") runs in float64 on weights drawn from a seeded
numpy generator in PyTorch's layout (bias_ih and bias_hh drawn separately, so that the test sees the
package sum them), twice: on the whole batch ("full") and on a packed batch of records of lengths
5, 3 and 1 ("packed": pack_padded_sequence with enforce_sorted=False, the outputs unpacked with
zeros at the padding), and on that packed batch from given initial states h0 (and c0) drawn at
random ("packed_h0"). Each case stores the state dict, X, lengths, H_seq, h_n (and c_n), and the
gradient of

    loss = mean_n 1/2 ||last_n V^T + c - y_n||^2 + sum(G * H_seq) / N,
    last = [h_n of the top layer's forward cell, h_n of its reverse cell]          (N, 2H)

with respect to every weight, V, c and X (G a fixed random array, so that every step's output
sends a gradient back, as a tagging head would).
"""

import pathlib

import numpy as np
import torch

OUT = pathlib.Path(__file__).resolve().parent / "data" / "deep_references.npz"
N, T, D, H, O, L = 3, 5, 2, 3, 2, 2
LENGTHS = np.array([5, 3, 1])
BLOCKS = {"rnn": 1, "lstm": 4, "gru": 3}
torch.set_default_dtype(torch.float64)


def module(cell):
    kwargs = dict(num_layers=L, bidirectional=True, batch_first=True)
    if cell == "rnn":
        return torch.nn.RNN(D, H, nonlinearity="tanh", **kwargs)
    return {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell](D, H, **kwargs)


def main():
    rng = np.random.default_rng(2026)
    out = {}
    for cell in ("rnn", "lstm", "gru"):
        net = module(cell)
        names = list(net.state_dict())
        weights = {k: rng.normal(scale=0.5, size=tuple(v.shape)) for k, v in net.state_dict().items()}
        out[f"{cell}/names"] = np.array(names)
        out.update({f"{cell}/param/{k}": v for k, v in weights.items()})
        head = {"V": rng.normal(scale=0.5, size=(O, 2 * H)), "c": rng.normal(scale=0.5, size=O)}
        out.update({f"{cell}/param/{k}": v for k, v in head.items()})
        for case in ("full", "packed", "packed_h0"):
            X = rng.normal(size=(N, T, D))
            Y = rng.normal(size=(N, O))
            G = rng.normal(size=(N, T, 2 * H))
            # packed_h0: the initial states given, (L * 2, N, H) in PyTorch's order of the cells
            starts = () if case != "packed_h0" else tuple(
                torch.tensor(rng.normal(scale=0.5, size=(2 * L, N, H))) for _ in range(2 if cell == "lstm" else 1))
            p = {k: torch.tensor(v, requires_grad=True) for k, v in {**weights, **head}.items()}
            Xt = torch.tensor(X, requires_grad=True)
            rnn_weights = {k: p[k] for k in weights}
            if case.startswith("packed"):
                packed = torch.nn.utils.rnn.pack_padded_sequence(Xt, torch.tensor(LENGTHS), batch_first=True,
                                                                 enforce_sorted=False)
                h0 = (starts if cell == "lstm" else starts[0]) if starts else None
                packed_out, state = torch.func.functional_call(net, rnn_weights, (packed, h0))
                H_seq, _ = torch.nn.utils.rnn.pad_packed_sequence(packed_out, batch_first=True, total_length=T)
            else:
                H_seq, state = torch.func.functional_call(net, rnn_weights, (Xt,))
            h_n = state[0] if cell == "lstm" else state
            last = torch.cat([h_n[-2], h_n[-1]], dim=1)
            Y_hat = last @ p["V"].T + p["c"]
            loss = 0.5 * ((Y_hat - torch.tensor(Y)) ** 2).sum() / N + (torch.tensor(G) * H_seq).sum() / N
            loss.backward()
            key = f"{cell}/{case}"
            out.update({f"{key}/X": X, f"{key}/Y": Y, f"{key}/G": G, f"{key}/loss": np.array(loss.item()),
                        f"{key}/H_seq": H_seq.detach().numpy(), f"{key}/h_n": h_n.detach().numpy(),
                        f"{key}/dX": Xt.grad.numpy()})
            out[f"{key}/lengths"] = LENGTHS if case.startswith("packed") else np.full(N, T)
            out.update({f"{key}/state0_{i}": s.numpy() for i, s in enumerate(starts)})
            if cell == "lstm":
                out[f"{key}/c_n"] = state[1].detach().numpy()
            out.update({f"{key}/grad/{k}": v.grad.numpy() for k, v in p.items()})
    OUT.parent.mkdir(exist_ok=True)
    np.savez_compressed(OUT, **out)
    print(f"wrote {OUT} ({len(out)} arrays) with torch {torch.__version__}")


if __name__ == "__main__":
    main()
