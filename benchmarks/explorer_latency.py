"""Latency of the live explorer: python benchmarks/explorer_latency.py [--runs 7]

Measures, without a browser, what a learner waits for after moving a slider of notebook 6's
explorer: from the change of a control to the redrawn picture, that is retraining from the seed,
drawing the figure (matplotlib, Agg) and encoding the PNG that the Image widget receives.

Two settings are measured: the defaults (hidden size 100, truncation 5) and the largest (hidden
size 200, truncation 50 = full BPTT), every other control at its default. Each run first moves
the explorer to a neighbouring setting (not timed) and then to the measured one, so that every
timed change really retrains; the two settings take turns, so both see the same machine load.
Prints the median, min and max of each, split into training and drawing, next to the targets
(widgets.LATENCY_TARGETS: median at most 0.15 s at the defaults, 0.5 s at the largest). Inside a kernel the explorer also
waits LiveFigure.delay (0.02 s) for a burst of changes to end before it starts.

These machines are shared and noisy: read medians, and run it again when the numbers look odd.
--all-blas-threads measures without rnn_helpers' limit of one BLAS thread, for comparison.
"""

import argparse
import os
import platform
import statistics
import time

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

from rnn_helpers import widgets

TARGETS = widgets.LATENCY_TARGETS
SETTINGS = {
    "defaults": dict(hidden_size=100, truncation=5),
    "largest": dict(hidden_size=200, truncation=50),
}
NEIGHBOURS = {
    "defaults": dict(hidden_size=99, truncation=5),
    "largest": dict(hidden_size=199, truncation=50),
}


def measure(explorer, name):
    """Move to the neighbour of setting `name`, then time the change to `name`.

    Returns (total, training, drawing) in seconds for the timed change.
    """
    explorer.set(**NEIGHBOURS[name])
    t0 = time.perf_counter()
    explorer.set(**SETTINGS[name])
    total = time.perf_counter() - t0
    assert explorer.result.settings.hidden_size == SETTINGS[name]["hidden_size"]
    assert explorer.updates and explorer.result.error is None, explorer.result.error
    compute, draw = explorer.timing
    return total, compute, draw


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed changes per setting (at least 5)")
    parser.add_argument("--all-blas-threads", action="store_true",
                        help="do not limit OpenBLAS to one thread while training")
    args = parser.parse_args(argv)
    if args.runs < 5:
        parser.error("--runs must be at least 5, so that the median means something")
    if args.all_blas_threads:
        threadpool_limits(os.cpu_count(), user_api="blas")   # undo rnn_helpers' one-thread default

    print(f"python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "")
    blas_threads = max(info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas")
    blas = f"{blas_threads} BLAS thread(s)"
    print(f"explorer: mini-batches of {widgets.BATCH_SIZE}, {widgets.DEFAULTS.epochs} epochs, "
          f"learning rate {widgets.DEFAULTS.learning_rate:g}, {widgets.DEFAULTS.activation}; {blas}")
    explorer = widgets.explorer()
    for name in SETTINGS:                      # warm-up: first calls allocate and fill caches
        measure(explorer, name)
    times = {name: [] for name in SETTINGS}
    for _ in range(args.runs):
        for name in SETTINGS:
            times[name].append(measure(explorer, name))

    print(f"\nfrom a change to the redrawn picture, {args.runs} runs each (seconds)")
    header = f"{'setting':34s} {'median':>7s} {'min':>7s} {'max':>7s} {'train':>7s} {'draw':>7s}  target"
    print(header)
    print("-" * len(header))
    for name, runs in times.items():
        total = [r[0] for r in runs]
        label = f"{name} ({SETTINGS[name]['hidden_size']} hidden, truncation {SETTINGS[name]['truncation']})"
        median = statistics.median(total)
        verdict = "met" if median <= TARGETS[name] else "MISSED"
        print(f"{label:34s} {median:7.3f} {min(total):7.3f} {max(total):7.3f} "
              f"{statistics.median(r[1] for r in runs):7.3f} "
              f"{statistics.median(r[2] for r in runs):7.3f}  <= {TARGETS[name]:g} s: {verdict}")
    print("\ntrain: retraining and the numbers drawn (predictions, gradient norms); "
          "draw: the figure and its PNG.")


if __name__ == "__main__":
    main()
