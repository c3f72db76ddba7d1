"""Speed benchmark for training: python benchmarks/training_speed.py [--runs 7] [--epochs 25]

Trains the tutorial's setting (hidden 100, T = 50, 100 training and 50 validation windows,
truncation 5, sigmoid, elementwise clipping at 10, learning rate 1e-4, 25 epochs) in four ways,
interleaved round by round so that every way sees the same machine load, and prints the median,
min and max wall time of each and its speed-up over the plain per-record loop measured in the same
run. The machines this course runs on are shared and noisy: read medians, and trust ratios more
than absolute times. Also prints the floor that numpy's per-call overhead sets for one record at a
time: 2,500 records x 50 steps of one product and one tanh, with nothing else.
"""

import argparse
import platform
import statistics
import time

import numpy as np

from rnn_helpers import forward, init_params, mse_loss, sine_windows, train, train_reference

SETTING = dict(hidden_dim=100, truncate=5, activation="sigmoid", learning_rate=1e-4, clip_value=10.0)


def reference_loop(params, X, Y, X_val, Y_val, epochs):
    """train_reference (one record at a time, straight from the maths), plus the validation loss."""
    for _ in range(epochs):
        params = train_reference(params, X, Y, epochs=1, learning_rate=SETTING["learning_rate"],
                                 truncate=SETTING["truncate"], activation=SETTING["activation"],
                                 clip_value=SETTING["clip_value"])
        mse_loss(forward(params, X_val, SETTING["activation"])[0], Y_val)
    return params


def bare_floor(X):
    """The per-step work one record at a time cannot avoid: one product and one tanh per step."""
    H = SETTING["hidden_dim"]
    M_T = np.random.default_rng(0).uniform(-0.1, 0.1, (H + 2, H))
    rows = list(np.ones((X.shape[1] + 1, 1, H + 2)))
    z = np.empty((1, H))
    for _ in range(X.shape[0] * 25):
        for row, head in zip(rows[:-1], rows[1:]):
            np.dot(row, M_T, out=z)
            np.tanh(z, out=head[:, :H])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="rounds (at least 5); default 7")
    parser.add_argument("--epochs", type=int, default=25)
    args = parser.parse_args(argv)
    if args.runs < 5:
        parser.error("--runs must be at least 5, so that the median means something")
    X, Y, X_val, Y_val = sine_windows()
    params = init_params(SETTING["hidden_dim"], seed=0)
    common = dict(epochs=args.epochs, truncate=SETTING["truncate"], activation=SETTING["activation"],
                  learning_rate=SETTING["learning_rate"], clip_value=SETTING["clip_value"])
    ways = {
        "one record at a time (trunc. 5)": lambda: train(params, X, Y, X_val, Y_val, batch_size=1, **common),
        "full batch (trunc. 5)": lambda: train(params, X, Y, X_val, Y_val, batch_size=None, **common),
        "full batch (full BPTT)": lambda: train(params, X, Y, X_val, Y_val, batch_size=None,
                                                **{**common, "truncate": None}),
        "plain per-record loop (reference)": lambda: reference_loop(params, X, Y, X_val, Y_val, args.epochs),
        "floor: 2,500 x 50 bare dot+tanh": lambda: bare_floor(X),
    }
    targets = {"one record at a time (trunc. 5)": 0.35, "full batch (trunc. 5)": 0.060,
               "full batch (full BPTT)": 0.150}
    times = {name: [] for name in ways}
    for _ in range(args.runs):
        for name, run in ways.items():
            t0 = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - t0)
    ref = statistics.median(times["plain per-record loop (reference)"])
    print(f"python {platform.python_version()}, numpy {np.__version__}, {args.runs} rounds, "
          f"{args.epochs} epochs, hidden {SETTING['hidden_dim']}, T {X.shape[1]}, "
          f"{X.shape[0]} records + {X_val.shape[0]} validation")
    print(f"{'way':36s} {'median':>9s} {'min':>9s} {'max':>9s} {'vs loop':>8s} {'target':>8s}")
    for name, ts in times.items():
        med = statistics.median(ts)
        target = f"{targets[name]:.3f}" if name in targets else ""
        print(f"{name:36s} {med:9.3f} {min(ts):9.3f} {max(ts):9.3f} {ref / med:7.1f}x {target:>8s}")
    print("(seconds; 'vs loop' is the reference loop's median divided by this way's median)")


if __name__ == "__main__":
    main()
