"""Training speed against its floors: python benchmarks/training_speed.py [--runs 7] [--epochs 25] [--quick]

The tutorial's setting: hidden 100, T = 50, 100 training + 50 validation windows (rh.sine_windows),
sigmoid, elementwise clipping at 10, learning rate 1e-4, truncation 5 and full BPTT; a validation
loss after every epoch; 25 epochs full batch, and 5 one record at a time (--record-epochs 25 for
the tutorial's 25: five times as long, the same ratios, as every way there scales with records).
Every way below is run once per round, round-robin, for
--runs rounds (after one untimed warm-up round of one epoch each), so that all of them see the
same machine load; the tables print medians (wall clock, and the process's CPU time beside it)
and ratios of medians measured in this same run.

Floors (what the same work costs with nothing else, measured here, one BLAS thread):
  products       only the matrix products that training cannot avoid, on the same shapes and
                 memory layout: per step (N x (H+D+1)) @ ((H+D+1) x H) forward, dz @ W for each
                 step walked back, the final [dW dU db] product, and the validation forward.
  + activations  the same plus the tanh of every step and BPTT's elementwise passes.
  calls          one record at a time: N x epochs records, 50 steps each, of one dot + one tanh
                 (2,500 x 50 for 25 epochs).
  calls + BPTT   the same plus, per record, the k steps back (one multiply + one dot each).
The machine's float64 GEMM rate is printed at these shapes (from the products floor) and at a
large size (1000 x 1000 products).

Side by side, when installed (never a course dependency): PyTorch's CPU autograd (one thread,
float64, the same algorithm: truncation, elementwise clipping, plain SGD; its final weights are
compared with the package's) and JAX (jit + lax.scan, float64, one thread, compile time excluded
and printed). The LSTM and GRU (rnn_helpers.lstm, .gru through rh.train) run the same sizes with
fewer epochs (--cell-epochs), next to PyTorch's nn.LSTM / nn.GRU.

--quick is a smoke run (3 rounds, 2 epochs, no PyTorch or JAX): it says nothing about speed.
The machines are shared and noisy: read medians, trust ratios more than absolute times, and
compare wall with CPU time; a CPU time far below the wall time means the process waited for a core.
"""

import os

# JAX reads this when it is first imported: one intra-op thread, like the one BLAS thread below.
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")

import argparse                                                   # noqa: E402
import platform                                                   # noqa: E402
import statistics                                                 # noqa: E402
import time                                                       # noqa: E402

import numpy as np                                                # noqa: E402
from threadpoolctl import threadpool_info                         # noqa: E402

import rnn_helpers as rh                                          # noqa: E402  (one BLAS thread)
from rnn_helpers import gru, lstm                                 # noqa: E402

LR, CLIP, H = 1e-4, 10.0, 100
TRUNCATIONS = {"trunc. 5": 5, "full BPTT": None}
TARGET_FLOOR = 1.4        # full batch float64: at most 1.4 x the products floor
TARGET_CALLS = 1.3        # one record at a time float64: at most 1.3 x the calls floor
TARGET_TORCH = 0.8        # full batch float64: at most 0.8 x PyTorch's time


# ---------------------------------------------------------------------------------------------
# The package
# ---------------------------------------------------------------------------------------------

def package(params, data, epochs, batch_size, truncate, dtype="float64"):
    X, Y, X_val, Y_val = data
    kwargs = {"activation": "sigmoid"} if "U" in params else {}
    model, _ = rh.train(params, X, Y, X_val, Y_val, epochs=epochs, learning_rate=LR,
                        batch_size=batch_size, truncate=truncate, clip_value=CLIP, dtype=dtype, **kwargs)
    return dict(model)


# ---------------------------------------------------------------------------------------------
# Floors
# ---------------------------------------------------------------------------------------------

class ProductsFloor:
    """Full batch: the products of training (and, with activations=True, its tanh and elementwise
    passes) on the package's shapes and memory layout, nothing else."""

    def __init__(self, N, N_val, T, D, k, dtype, activations):
        rng = np.random.default_rng(1)
        self.T, self.k, self.activations = T, k, activations
        self.A = rng.uniform(-1, 1, (T + 1, N, H + D + 1)).astype(dtype)
        self.A_val = rng.uniform(-1, 1, (T + 1, N_val, H + D + 1)).astype(dtype)
        self.M = rng.uniform(-0.1, 0.1, (H, H + D + 1)).astype(dtype)   # [W U b]
        self.dM = np.empty_like(self.M)
        self.z, self.z_val = np.empty((N, H), dtype), np.empty((N_val, H), dtype)
        self.dZ = rng.uniform(-1e-3, 1e-3, (T, N, H)).astype(dtype)
        self.ds = np.empty((N, H), dtype)

    def flops(self):
        T, k = self.T, self.k
        (N, C), N_val = self.A.shape[1:], self.A_val.shape[1]
        forward = 2 * T * (N + N_val) * C * H                       # training and validation
        backward = 2 * (k - 1) * N * H * H + 2 * H * k * N * C       # dz W per step, [dW dU db]
        return forward + backward

    def _forward(self, A, z):
        # M^T in a contiguous array, as the package keeps it (faster in OpenBLAS than M.T, a view)
        M_T, dot, tanh = np.ascontiguousarray(self.M.T), np.dot, np.tanh
        for t in range(self.T):
            dot(A[t], M_T, out=z)
            if self.activations:
                tanh(z, out=A[t + 1, :, :H])

    def __call__(self, epochs):
        T, k, W = self.T, self.k, self.M[:, :H]
        A, dZ, ds = self.A, self.dZ[T - k:], self.ds
        N = A.shape[1]
        for _ in range(epochs):
            self._forward(A, self.z)
            if self.activations:
                S = A[T - k + 1:, :, :H]
                S *= 0.5                                              # sigmoid from tanh space
                S += 0.5
                np.subtract(1.0, S, out=dZ)                           # s (1 - s)
                dZ *= S
            ds.fill(1e-2)                                             # ds_T = dy_hat V
            for j in range(k - 1, -1, -1):
                if self.activations:
                    np.multiply(ds, dZ[j], out=dZ[j])
                if j:
                    np.dot(dZ[j], W, out=ds)
            np.dot(dZ.reshape(k * N, H).T, A[T - k:T].reshape(k * N, -1), out=self.dM)
            self._forward(self.A_val, self.z_val)


class CallsFloor:
    """One record at a time: per record, T steps of one dot and one tanh (and with bptt, k steps
    back of one multiply and one dot), on (1, H + D + 1) rows; nothing else."""

    def __init__(self, T, D, k=None, dtype=np.float64):
        rng = np.random.default_rng(0)
        M = rng.uniform(-0.1, 0.1, (H, H + D + 1)).astype(dtype)
        self.M_T, self.W = np.ascontiguousarray(M.T), M[:, :H]
        self.A = np.ones((T + 1, 1, H + D + 1), dtype)
        self.rows, self.heads = list(self.A)[:-1], [a[:, :H] for a in self.A][1:]
        self.z = np.empty((1, H), dtype)
        self.k = k
        self.act = np.full((T, 1, H), 0.2, dtype)           # act'(z_t), as forward leaves it
        self.dZ = np.empty((T, 1, H), dtype)
        self.ds = np.empty((1, H), dtype)

    def __call__(self, records):
        dot, tanh, multiply = np.dot, np.tanh, np.multiply
        M_T, z, W, ds = self.M_T, self.z, self.W, self.ds
        steps = list(zip(self.rows, self.heads))
        back = [] if self.k is None else list(zip(self.act[-self.k:], self.dZ[-self.k:]))[::-1]
        for _ in range(records):
            for row, head in steps:
                dot(row, M_T, out=z)
                tanh(z, out=head)
            if back:
                ds.fill(1e-2)                               # ds_T = dy_hat V
                for act, dz in back:
                    multiply(ds, act, out=dz)               # dz_t = ds_t * act'(z_t)
                    dot(dz, W, out=ds)                      # ds_{t-1} = dz_t W


PEAK_N, PEAK_REPEATS = 1000, 2
PEAK_FLOPS = 2 * PEAK_N ** 3 * PEAK_REPEATS


def peak_gemm():
    """PEAK_REPEATS float64 products of PEAK_N x PEAK_N matrices (for the large-size GEMM rate)."""
    rng = np.random.default_rng(2)
    a, b = rng.uniform(-1, 1, (PEAK_N, PEAK_N)), rng.uniform(-1, 1, (PEAK_N, PEAK_N))
    out = np.empty((PEAK_N, PEAK_N))
    for _ in range(PEAK_REPEATS):
        np.dot(a, b, out=out)


# ---------------------------------------------------------------------------------------------
# PyTorch and JAX, the same algorithm (optional)
# ---------------------------------------------------------------------------------------------

def load_torch():
    try:
        import torch
    except ImportError as err:
        return None, f"PyTorch lines skipped: torch is not importable here ({err})."
    torch.set_num_threads(1)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    return torch, None


def torch_rnn(torch, params, data, epochs, truncate):
    """Full batch, float64: the sigmoid RNN by autograd, h_{T-k} held constant (computed without
    a graph), elementwise clipping, plain SGD, the validation loss after every epoch."""
    X, Y, X_val, Y_val = data
    P = {n: torch.tensor(v, dtype=torch.float64, requires_grad=True) for n, v in params.items()}
    U, W, b, V, c = (P[n] for n in ("U", "W", "b", "V", "c"))
    Xt, Xv = (torch.from_numpy(np.ascontiguousarray(a.transpose(1, 0, 2))) for a in (X, X_val))
    Yt, Yv = torch.from_numpy(Y), torch.from_numpy(Y_val)
    T = X.shape[1]
    k = T if truncate is None else min(truncate, T)

    def run(Xs, h):
        XU = torch.matmul(Xs, U.t()) + b                      # all steps' input terms at once
        Wt = W.t()
        for xu in XU.unbind(0):         # (indexing XU[t] would cost a (T, N, H) gradient per step)
            h = torch.sigmoid(torch.addmm(xu, h, Wt))
        return h

    def predict(Xs, k):
        h = torch.zeros(Xs.shape[1], H, dtype=torch.float64)
        if k < Xs.shape[0]:
            with torch.no_grad():
                h = run(Xs[:-k], h)
        return torch.addmm(c, run(Xs[-k:], h), V.t())

    for _ in range(epochs):
        d = predict(Xt, k) - Yt
        loss = 0.5 * (d * d).sum() / Yt.shape[0]
        loss.item()
        loss.backward()
        with torch.no_grad():
            for p in P.values():
                p.grad.clamp_(-CLIP, CLIP)
                p.sub_(p.grad, alpha=LR)
                p.grad = None
            d = predict(Xv, T) - Yv
            (0.5 * (d * d).sum() / Yv.shape[0]).item()
    return {n: p.detach().numpy() for n, p in P.items()}


def torch_cell(torch, cell, params, data, epochs, batch_size, truncate):
    """nn.LSTM / nn.GRU (float64, one thread) with the package's weights and output layer,
    the same truncation, clipping and SGD. batch_size None is full batch."""
    X, Y, X_val, Y_val = data
    D = params["W_x"].shape[1]
    mod = (torch.nn.LSTM if cell == "lstm" else torch.nn.GRU)(D, H, batch_first=True,
                                                               dtype=torch.float64)
    with torch.no_grad():
        mod.weight_ih_l0.copy_(torch.from_numpy(params["W_x"]))
        mod.weight_hh_l0.copy_(torch.from_numpy(params["W_h"]))
        if cell == "lstm":      # the package has one bias b: keep bias_hh at zero, untrained
            mod.bias_ih_l0.copy_(torch.from_numpy(params["b"]))
            mod.bias_hh_l0.zero_()
            mod.bias_hh_l0.requires_grad_(False)
        else:
            mod.bias_ih_l0.copy_(torch.from_numpy(params["b_x"]))
            mod.bias_hh_l0.copy_(torch.from_numpy(params["b_h"]))
    V = torch.tensor(params["V"], requires_grad=True)
    c = torch.tensor(params["c"], requires_grad=True)
    trained = [p for p in mod.parameters() if p.requires_grad] + [V, c]
    Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)
    Xv, Yv = torch.from_numpy(X_val), torch.from_numpy(Y_val)
    T = X.shape[1]
    k = T if truncate is None else min(truncate, T)
    N = X.shape[0]
    bs = N if batch_size is None else batch_size

    def predict(Xb, k):
        state = None
        if k < T:
            with torch.no_grad():
                _, state = mod(Xb[:, :T - k])
        _, state = mod(Xb[:, T - k:], state)
        h_T = (state[0] if cell == "lstm" else state)[0]
        return torch.addmm(c, h_T, V.t())

    for _ in range(epochs):
        for start in range(0, N, bs):
            d = predict(Xt[start:start + bs], k) - Yt[start:start + bs]
            loss = 0.5 * (d * d).sum() / d.shape[0]
            loss.item()
            loss.backward()
            with torch.no_grad():
                for p in trained:
                    p.grad.clamp_(-CLIP, CLIP)
                    p.sub_(p.grad, alpha=LR)
                    p.grad = None
        with torch.no_grad():
            d = predict(Xv, T) - Yv
            (0.5 * (d * d).sum() / Yv.shape[0]).item()
    out = {"W_x": mod.weight_ih_l0, "W_h": mod.weight_hh_l0, "V": V, "c": c}
    if cell == "lstm":
        out["b"] = mod.bias_ih_l0 + mod.bias_hh_l0
    else:
        out.update(b_x=mod.bias_ih_l0, b_h=mod.bias_hh_l0)
    return {n: p.detach().numpy().copy() for n, p in out.items()}


def load_jax():
    try:
        import jax
    except ImportError as err:
        return None, f"JAX lines skipped: jax is not importable here ({err})."
    jax.config.update("jax_enable_x64", True)
    jax.config.update("jax_platforms", "cpu")
    return jax, None


class JaxRNN:
    """Full batch, float64: one jitted update (lax.scan forward, autodiff, clipping, SGD) and one
    jitted validation loss per epoch; compiled by the first call (the warm-up round)."""

    def __init__(self, jax, data, truncate):
        import jax.numpy as jnp
        self.jax = jax
        X, Y, X_val, Y_val = data
        self.X, self.Xv = (jnp.asarray(a.transpose(1, 0, 2)) for a in (X, X_val))
        self.Y, self.Yv = jnp.asarray(Y), jnp.asarray(Y_val)
        T = X.shape[1]
        k = T if truncate is None else min(truncate, T)

        def run(p, Xs, h):
            def step(h, x):
                return jax.nn.sigmoid(x @ p["U"].T + h @ p["W"].T + p["b"]), None
            return jax.lax.scan(step, h, Xs)[0]

        def loss(p, Xs, Ys, k):
            h = jnp.zeros((Xs.shape[1], H))
            if k < T:
                h = jax.lax.stop_gradient(run(p, Xs[:T - k], h))
            d = run(p, Xs[T - k:], h) @ p["V"].T + p["c"] - Ys
            return 0.5 * jnp.sum(d * d) / Ys.shape[0]

        def update(p, Xs, Ys):
            value, g = jax.value_and_grad(loss)(p, Xs, Ys, k)
            return {n: p[n] - LR * jnp.clip(g[n], -CLIP, CLIP) for n in p}, value

        self.update = jax.jit(update)
        self.val_loss = jax.jit(lambda p, Xs, Ys: loss(p, Xs, Ys, T))

    def __call__(self, params, epochs):
        p = {n: self.jax.numpy.asarray(v) for n, v in params.items()}
        for _ in range(epochs):
            p, value = self.update(p, self.X, self.Y)
            float(value)
            float(self.val_loss(p, self.Xv, self.Yv))
        return {n: np.asarray(v) for n, v in p.items()}


# ---------------------------------------------------------------------------------------------
# Running and printing
# ---------------------------------------------------------------------------------------------

def environment(torch, jax):
    lines = [f"python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} cores, "
             f"load average at start {' '.join(f'{x:.2f}' for x in os.getloadavg())}"]
    for info in threadpool_info():
        lines.append(f"  {info['user_api']}: {info['internal_api']} {info.get('version') or ''} "
                     f"({os.path.basename(info['filepath'])}), {info['num_threads']} thread(s)")
    if torch is not None:
        lines.append(f"  torch {torch.__version__}, {torch.get_num_threads()} thread(s)")
    if jax is not None:
        lines.append(f"  jax {jax.__version__} ({jax.default_backend()}), XLA_FLAGS={os.environ['XLA_FLAGS']}")
    return "\n".join(lines)


def measure(ways, runs, seed=0):
    """Run every way once untimed (warm-up), then `runs` rounds, each way once per round in a
    shuffled order. Returns {name: (wall times, cpu times)} and the last result of each way."""
    results = {name: fn(True) for name, fn in ways.items()}
    times = {name: ([], []) for name in ways}
    order, rng = list(ways), np.random.default_rng(seed)
    for _ in range(runs):
        rng.shuffle(order)
        for name in order:
            w0, c0 = time.perf_counter(), time.process_time()
            results[name] = ways[name](False)
            times[name][1].append(time.process_time() - c0)
            times[name][0].append(time.perf_counter() - w0)
    return times, results


def med(times, name, cpu=False):
    return statistics.median(times[name][1 if cpu else 0])


def table(title, rows, times):
    """rows: (name, [(reference name, target or None), ...], note). Each way is printed once, with
    its ratio to each reference (a ratio of medians measured in this run) and the target's verdict."""
    print(f"\n{title}")
    head = (f"{'way':44s} {'median':>7s} {'min':>7s} {'max':>7s} {'cpu':>7s}  "
            f"{'ratio':>6s} {'(cpu)':>6s}  vs / target")
    print(head)
    print("-" * len(head))
    for name, comparisons, note in rows:
        if name not in times:
            continue
        wall, cpu = times[name]
        line = (f"{name:44s} {statistics.median(wall):7.3f} {min(wall):7.3f} {max(wall):7.3f} "
                f"{statistics.median(cpu):7.3f}")
        lines = []
        for ref, target in comparisons:
            if ref not in times:
                continue
            ratio = med(times, name) / med(times, ref)
            ratio_cpu = med(times, name, True) / med(times, ref, True)
            text = f"  {ratio:5.2f}x {ratio_cpu:5.2f}x  vs {ref}"
            if target is not None:
                text += (f": <= {target}x {'met' if ratio <= target else 'MISSED'} "
                         f"(cpu: {'met' if ratio_cpu <= target else 'MISSED'})")
            lines.append(text)
        if note:
            lines.append(f"  {note}")
        print(line + (lines[0] if lines else ""))
        for text in lines[1:]:
            print(" " * len(line) + text)


def max_difference(a, b):
    """The largest |a - b| over the params, relative to the largest |a|."""
    diff = max(float(np.max(np.abs(np.asarray(a[n]) - np.asarray(b[n])))) for n in a)
    return diff / max(float(np.max(np.abs(a[n]))) for n in a)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed rounds (at least 7); default 7")
    parser.add_argument("--epochs", type=int, default=25, help="full-batch epochs of the vanilla RNN; default 25")
    parser.add_argument("--record-epochs", type=int, default=5,
                        help="epochs of the vanilla RNN one record at a time (and of its calls floors); "
                             "default 5 (25 is the tutorial's: 5 times as long, the same ratios)")
    parser.add_argument("--cell-epochs", type=int, default=3,
                        help="full-batch epochs of the LSTM and GRU (one record at a time: 1); default 3")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 3 rounds, 2 epochs, 1 cell epoch (full batch only), no PyTorch or JAX")
    parser.add_argument("--no-torch", action="store_true", help="skip PyTorch even if installed")
    parser.add_argument("--no-jax", action="store_true", help="skip JAX even if installed")
    parser.add_argument("--no-cells", action="store_true", help="skip the LSTM and GRU")
    args = parser.parse_args(argv)
    if args.quick:
        args.runs, args.epochs, args.record_epochs, args.cell_epochs = 3, 2, 1, 1
        args.no_torch = args.no_jax = True
    elif args.runs < 7:
        parser.error("--runs must be at least 7, so that the median means something (--quick for a smoke run)")
    if min(args.epochs, args.record_epochs, args.cell_epochs) < 1:
        parser.error("--epochs, --record-epochs and --cell-epochs must be at least 1")
    start = time.perf_counter()

    why = "--quick" if args.quick else None
    torch, torch_note = ((None, f"PyTorch lines skipped ({why or '--no-torch'}).") if args.no_torch
                         else load_torch())
    jax, jax_note = (None, f"JAX lines skipped ({why or '--no-jax'}).") if args.no_jax else load_jax()
    print(environment(torch, jax))

    data = rh.sine_windows()
    X, X_val = data[0], data[2]
    N, T, D = X.shape
    E, RE = args.epochs, args.record_epochs
    params = rh.init_params(H, D, data[1].shape[1], seed=0)
    print(f"\nsetting: hidden {H}, T {T}, {N} training + {X_val.shape[0]} validation windows, sigmoid, "
          f"clip_value {CLIP:g}, lr {LR:g}; {E} epochs full batch, {RE} one record at a time; "
          f"{args.runs} rounds after a warm-up round")

    def epochs(warm, n):
        return 1 if warm else n

    ways, flops, jax_compile = {}, {}, {}
    for label, tr in TRUNCATIONS.items():
        k = T if tr is None else tr
        for dt, short in (("float64", "f64"), ("float32", "f32")):
            ways[f"package full batch {short}, {label}"] = (
                lambda w, tr=tr, dt=dt: package(params, data, epochs(w, E), None, tr, dt))
            ways[f"package one record {short}, {label}"] = (
                lambda w, tr=tr, dt=dt: package(params, data, epochs(w, RE), 1, tr, dt))
            floor = ProductsFloor(N, X_val.shape[0], T, D, k, dt, activations=False)
            ways[f"floor: products {short}, {label}"] = lambda w, f=floor: f(epochs(w, E))
            flops[label] = floor.flops() * E
        floor = ProductsFloor(N, X_val.shape[0], T, D, k, "float64", activations=True)
        ways[f"floor: products + activations f64, {label}"] = lambda w, f=floor: f(epochs(w, E))
        calls = CallsFloor(T, D, k)
        ways[f"floor: calls + BPTT, {label}"] = lambda w, f=calls: f(epochs(w, RE) * N)
        if torch is not None:
            ways[f"PyTorch full batch f64, {label}"] = (
                lambda w, tr=tr: torch_rnn(torch, params, data, epochs(w, E), tr))
        if jax is not None:
            run = JaxRNN(jax, data, tr)
            t0 = time.perf_counter()
            run(params, 1)
            jax_compile[label] = time.perf_counter() - t0
            ways[f"JAX full batch f64, {label}"] = lambda w, r=run: r(params, epochs(w, E))
    calls = CallsFloor(T, D)
    ways[f"floor: calls ({N * RE:,} x {T} dot + tanh)"] = lambda w: calls(epochs(w, RE) * N)
    calls_name = [n for n in ways if n.startswith("floor: calls (")][0]
    ways[f"GEMM peak: {PEAK_REPEATS} x ({PEAK_N} x {PEAK_N}) products"] = lambda w: peak_gemm()

    CE = args.cell_epochs
    cell_params = {"LSTM": lstm.init_params(H, D, 1, seed=0), "GRU": gru.init_params(H, D, 1, seed=0)}
    if not args.no_cells:
        for cell, p in cell_params.items():
            ways[f"{cell} package full batch, trunc. 5"] = (
                lambda w, p=p: package(p, data, epochs(w, CE), None, 5))
            ways[f"{cell} package full batch, full BPTT"] = (
                lambda w, p=p: package(p, data, epochs(w, CE), None, None))
            if not args.quick:
                ways[f"{cell} package one record, trunc. 5"] = lambda w, p=p: package(p, data, 1, 1, 5)
            if torch is not None:
                c = cell.lower()
                ways[f"{cell} PyTorch full batch, trunc. 5"] = (
                    lambda w, p=p, c=c: torch_cell(torch, c, p, data, epochs(w, CE), None, 5))
                ways[f"{cell} PyTorch full batch, full BPTT"] = (
                    lambda w, p=p, c=c: torch_cell(torch, c, p, data, epochs(w, CE), None, None))
                ways[f"{cell} PyTorch one record, trunc. 5"] = (
                    lambda w, p=p, c=c: torch_cell(torch, c, p, data, 1, 1, 5))

    times, results = measure(ways, args.runs)

    # -- the vanilla RNN ---------------------------------------------------------------------
    for label in TRUNCATIONS:
        floor = f"floor: products f64, {label}"
        full, full32 = f"package full batch f64, {label}", f"package full batch f32, {label}"
        one, one32 = f"package one record f64, {label}", f"package one record f32, {label}"
        floor_act, calls_bptt = f"floor: products + activations f64, {label}", f"floor: calls + BPTT, {label}"
        torch_name, jax_name = f"PyTorch full batch f64, {label}", f"JAX full batch f64, {label}"
        rows = [(floor, [], f"{flops[label] / 1e9:.2f} GFLOP: {flops[label] / med(times, floor) / 1e9:.1f} "
                 f"GFLOP/s ({flops[label] / med(times, floor, True) / 1e9:.1f} by cpu)"),
                (floor_act, [(floor, None)], ""),
                (full, [(floor, TARGET_FLOOR), (floor_act, None), (torch_name, TARGET_TORCH),
                        (jax_name, None)], ""),
                (f"floor: products f32, {label}", [(floor, None)], ""),
                (full32, [(f"floor: products f32, {label}", TARGET_FLOOR), (full, None)], ""),
                (torch_name, [], ""),
                (jax_name, [], f"compile {jax_compile[label]:.1f} s, not counted" if jax_compile else ""),
                (calls_name, [], ""),
                (calls_bptt, [(calls_name, None)], ""),
                (one, [(calls_name, TARGET_CALLS), (calls_bptt, None)], ""),
                (one32, [(calls_name, TARGET_CALLS), (one, None)], "")]
        table(f"vanilla RNN, {label} (full batch {E} epochs, one record at a time {RE}; seconds)", rows, times)
        act, pkg = med(times, floor_act) / med(times, floor), med(times, full) / med(times, floor_act)
        print(f"=> full batch f64, {label}: the tanh and elementwise passes alone put the floor at {act:.2f}x "
              f"the products' ({'already past' if act > TARGET_FLOOR else 'within'} the {TARGET_FLOOR}x "
              f"target); the package is {pkg:.2f}x that floor.")
    peak = f"GEMM peak: {PEAK_REPEATS} x ({PEAK_N} x {PEAK_N}) products"
    rate, rate_cpu = PEAK_FLOPS / med(times, peak), PEAK_FLOPS / med(times, peak, True)
    print(f"\nfloat64 GEMM, one thread, at {PEAK_N} x {PEAK_N}: {rate / 1e9:.1f} GFLOP/s "
          f"({rate_cpu / 1e9:.1f} by cpu); at that rate the full-batch products would take "
          + ", ".join(f"{flops[label] / rate:.3f} s ({flops[label] / rate_cpu:.3f} cpu) for {label}"
                      for label in TRUNCATIONS))
    if torch_note:
        print(torch_note)
    if jax_note:
        print(jax_note)
    checks = []
    for label in TRUNCATIONS:
        ref = results[f"package full batch f64, {label}"]
        for other in ("PyTorch", "JAX"):
            name = f"{other} full batch f64, {label}"
            if name in results:
                checks.append(f"{other} {label} {max_difference(ref, results[name]):.1e}")
    if checks:
        print("same algorithm: final weights' largest difference from the package's (relative): "
              + "; ".join(checks))

    # -- LSTM and GRU -------------------------------------------------------------------------
    if not args.no_cells:
        rows = []
        for cell in cell_params:
            for way in ("full batch, trunc. 5", "full batch, full BPTT", "one record, trunc. 5"):
                rows += [(f"{cell} package {way}", [(f"{cell} PyTorch {way}", None)], ""),
                         (f"{cell} PyTorch {way}", [], "")]
        table(f"LSTM and GRU, hidden {H}, float64 ({CE} epochs full batch, 1 epoch one record at a "
              "time; seconds)", rows, times)
        checks = []
        for cell in cell_params:
            for way in ("full batch, trunc. 5", "full batch, full BPTT", "one record, trunc. 5"):
                name = f"{cell} PyTorch {way}"
                if name in results:
                    checks.append(f"{cell} {way} {max_difference(results[f'{cell} package {way}'], results[name]):.1e}")
        if checks:
            print("same algorithm: largest relative weight difference from the package's: " + "; ".join(checks))

    print("\n(median, min, max: wall seconds; cpu: the median CPU seconds of this process; ratio: "
          "this way's median over the other's, wall and cpu; a verdict is on the wall ratio, "
          "the cpu ratio's in brackets)")
    print(f"load average at end {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"this run took {time.perf_counter() - start:.0f} s ({time.process_time():.0f} s cpu)")


if __name__ == "__main__":
    main()
