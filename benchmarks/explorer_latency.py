"""Latency of the live explorer: python benchmarks/explorer_latency.py [--runs 7]

Measures, without a browser, what a learner waits for after moving a slider of notebook 6's
explorer: from the change of a control to the redrawn picture, that is retraining from the seed,
drawing the figure (matplotlib, Agg) and encoding the PNG that the picture's widget receives.

First, as in a kernel: a control is moved inside an asyncio event loop, so the explorer trains
in its background thread and shows pictures of the training so far. For each cell at its
defaults and at its largest setting it prints the time from the change to the first new picture
and to the final one (medians, with the largest), how many pictures of the work so far came
between, and the matrix-product floor: the floating-point operations of the matrix products
that training needs (forward steps, twice as many for the steps walked back, the validation
forward pass each epoch) divided by the rate this machine reaches on products of the same shape
in the explorer's dtype (measured here).

Six settings are measured: each cell's defaults (widgets.CELL_DEFAULTS: the RNN's hidden size
100, truncation 5; the LSTM's and the GRU's hidden size 30 with their own learning rate and epochs)
and each cell's largest (hidden size 200, truncation 50 = full BPTT, the rest at the cell's
defaults). Each run first moves the explorer to a neighbouring setting (hidden size one less, not
timed) and then to the measured one, so that every timed change really retrains. Every round also
times rh.train alone at each setting in float64 and in the explorer's widgets.DTYPE. All of these
take turns, round by round, so that they see the same machine load. Prints the median, min and max
of each change, split into compute (of which rh.train) and drawing (explorer.timing), next to the
targets (widgets.LATENCY_TARGETS: a median of at most 0.15 s at the defaults, 0.5 s at the
largest), and the validation RMSE of training in widgets.DTYPE against float64 at the same
settings. Inside a kernel the explorer also waits LiveFigure.delay (0.02 s) for a burst of changes
to end before it starts.

These machines are shared and noisy: read medians, compare wall with CPU time (a CPU time far
below the wall time means the process waited for a core), and run it again when numbers look odd.
--all-blas-threads measures without rnn_helpers' limit of one BLAS thread, for comparison.
"""

import argparse
import asyncio
import os
import platform
import statistics
import time
from dataclasses import replace

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

import rnn_helpers as rh
from rnn_helpers import widgets

TARGETS = widgets.LATENCY_TARGETS


def measured_settings():
    """name -> (Settings, the key of its target): each cell's defaults and largest setting."""
    settings = {}
    for cell, defaults in widgets.CELL_DEFAULTS.items():
        label = cell.upper()
        settings[f"{label} defaults"] = (defaults, "defaults")
        settings[f"{label} largest"] = (replace(defaults, hidden_size=200, truncation=50), "largest")
    return settings


SETTINGS = measured_settings()


def measure(explorer, name):
    """Move to the neighbour of setting `name`, then time the change to `name`.

    Returns (total, cpu, compute, of which rh.train, draw, full draw) in seconds: the timed
    change, then (not part of it) a full redraw of the same picture, as a change that moves an
    axis limit needs (the usual redraw paints only the lines and texts over a saved background).
    """
    settings = SETTINGS[name][0]
    explorer.set(**vars(replace(settings, hidden_size=settings.hidden_size - 1)))
    t0, c0 = time.perf_counter(), time.process_time()
    explorer.set(**vars(settings))
    total, cpu = time.perf_counter() - t0, time.process_time() - c0
    assert explorer.result.settings == settings
    assert explorer.updates and explorer.result.error is None, explorer.result.error
    compute, draw = explorer.timing
    explorer._redraw = None                    # as for the first picture: everything is drawn
    t0 = time.perf_counter()
    explorer.picture()
    full_draw = time.perf_counter() - t0
    return total, cpu, compute, explorer.result.seconds, draw, full_draw


def measure_live(explorer, name):
    """Move to the neighbour of setting `name` (at once, not timed), then change the hidden size
    to `name`'s inside an event loop, as a kernel does with a slider's message, and wait for the
    final picture. Returns (first picture, final picture) in seconds from the change, and how
    many pictures of the work so far were shown."""
    settings = SETTINGS[name][0]
    explorer.set(**vars(replace(settings, hidden_size=settings.hidden_size - 1)))
    times = []

    def seen(change):
        times.append((time.perf_counter() - t0, explorer._partial))

    async def change():
        nonlocal t0
        t0 = time.perf_counter()
        explorer.hidden_size.value = settings.hidden_size
        while not times or times[-1][1]:
            await asyncio.sleep(0.001)

    t0 = 0.0
    pictures = explorer.progress_pictures
    explorer.image.observe(seen, names="value")
    try:
        asyncio.run(change())
    finally:
        explorer.image.unobserve(seen, names="value")
    assert explorer.result.settings == settings and explorer.result.error is None
    return times[0][0], times[-1][0], explorer.progress_pictures - pictures


#: matrices per step of each cell: the vanilla RNN one (H x (H + D)), the GRU three, the LSTM four
GATES = {"rnn": 1, "gru": 3, "gru_before": 3, "lstm": 4}


def product_flop(settings, N=100, N_val=50, T=50, D=1):
    """Floating-point operations of the matrix products a retrain at `settings` needs."""
    s = settings
    per_step = 2 * (s.hidden_size + D) * GATES[s.cell] * s.hidden_size      # one record, one step
    k = min(s.truncation, T)
    return s.epochs * per_step * (N * (T + 2 * k) + N_val * T)


def product_rate(settings, dtype, D=1, repeats=15, calls=100):
    """FLOP/s of products (batch, H + D) @ (H + D, gates * H) in `dtype`, as training makes:
    the best of `repeats` timings of `calls` products (the best: what the arithmetic allows
    when nothing else runs; a shared machine only slows some of them down)."""
    H = settings.hidden_size
    rng = np.random.default_rng(0)
    a = rng.standard_normal((widgets.BATCH_SIZE, H + D)).astype(dtype)
    b = rng.standard_normal((H + D, GATES[settings.cell] * H)).astype(dtype)
    out = np.empty((a.shape[0], b.shape[1]), dtype)
    best = np.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(calls):
            np.dot(a, b, out=out)
        best = min(best, time.perf_counter() - t0)
    return calls * 2 * a.shape[0] * a.shape[1] * b.shape[1] / best


def train_as_explorer(name, dtype):
    """rh.train exactly as the explorer's retrain calls it at setting `name`, in `dtype`.

    Returns the validation RMSE of the trained model."""
    s = SETTINGS[name][0]
    X, Y, X_val, Y_val = rh.sine_windows()
    truncate = None if s.truncation >= X.shape[1] else s.truncation
    params = rh.get_cell(s.cell).init_params(s.hidden_size, X.shape[2], Y.shape[1], seed=s.seed)
    with np.errstate(all="ignore"):
        model, _ = rh.train(params, X, Y, X_val, Y_val, epochs=s.epochs, learning_rate=s.learning_rate,
                            batch_size=widgets.BATCH_SIZE, truncate=truncate,
                            activation=s.activation if s.cell == "rnn" else None,
                            seed=s.seed, dtype=dtype, **widgets.CLIPPING[s.clipping])
    return rh.rmse(rh.predict(model, X_val), Y_val)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed changes per setting (at least 7)")
    parser.add_argument("--live-only", action="store_true",
                        help="only the live table (first and final picture, with the floor)")
    parser.add_argument("--all-blas-threads", action="store_true",
                        help="do not limit OpenBLAS to one thread while training")
    args = parser.parse_args(argv)
    if args.runs < 7:
        parser.error("--runs must be at least 7, so that the median means something")
    if args.all_blas_threads:
        threadpool_limits(os.cpu_count(), user_api="blas")   # undo rnn_helpers' one-thread default
    start = time.perf_counter()

    print(f"python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} cores, "
          f"load average at start {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for info in threadpool_info():
        print(f"  {info['user_api']}: {info['internal_api']} {info.get('version') or ''} "
              f"({os.path.basename(info['filepath'])}), {info['num_threads']} thread(s)")
    print(f"explorer: mini-batches of {widgets.BATCH_SIZE}, training in {widgets.DTYPE}")
    for name, (settings, _) in SETTINGS.items():
        print(f"  {name:14s} {settings.describe()}")

    explorer = widgets.explorer()
    live = {name: [] for name in SETTINGS}
    for name in SETTINGS:                                      # warm-up, then take turns
        measure_live(explorer, name)
    for _ in range(args.runs):
        for name in SETTINGS:
            live[name].append(measure_live(explorer, name))
    print(f"\nlive, as in a kernel (background training): from a change to the first new picture "
          f"and to the final one, {args.runs} runs each (seconds: median, and max in brackets)")
    header = (f"{'setting':14s} {'first':>14s} {'final':>14s} {'pictures':>8s} "
              f"{'GFLOP':>7s} {'floor':>6s} {'final/floor':>11s}")
    print(header)
    print("-" * len(header))
    for name, (settings, _) in SETTINGS.items():
        first, final, pictures = zip(*live[name])
        flop = product_flop(settings)
        rate = product_rate(settings, widgets.DTYPE)
        floor = flop / rate
        print(f"{name:14s} {statistics.median(first):6.3f} ({max(first):5.3f}) "
              f"{statistics.median(final):6.3f} ({max(final):5.3f}) "
              f"{statistics.median(pictures):8.0f} {flop / 1e9:7.1f} {floor:6.2f} "
              f"{statistics.median(final) / floor:10.1f}x  ({rate / 1e9:.0f} GFLOP/s)")
    print("pictures: pictures of the training so far shown before the final one (median); "
          f"floor: the matrix products' FLOP at this machine's best {widgets.DTYPE} rate for "
          "products of the same shape (one thread); the final picture also needs the gradient "
          "panel and the drawing.")
    if args.live_only:
        return

    other = "float64" if widgets.DTYPE != "float64" else "float32"
    ways = {}
    for name in SETTINGS:
        ways[("change", name)] = lambda name=name: measure(explorer, name)
        for dtype in (widgets.DTYPE, other):
            ways[("train", name, dtype)] = lambda name=name, dtype=dtype: train_as_explorer(name, dtype)
    results = {key: way() for key, way in ways.items()}          # warm-up: allocate, fill caches
    times = {key: [] for key in ways}
    for _ in range(args.runs):
        for key, way in ways.items():
            t0, c0 = time.perf_counter(), time.process_time()
            results[key] = way()
            if key[0] == "change":
                times[key].append(results[key])
            else:
                times[key].append((time.perf_counter() - t0, time.process_time() - c0))

    print(f"\nset() (no pictures of the work so far, in this thread): from a change to the redrawn "
          f"picture, {args.runs} runs each (seconds; medians but for min and max)")
    header = (f"{'setting':14s} {'median':>7s} {'min':>7s} {'max':>7s} {'cpu':>7s} {'compute':>8s} "
              f"{'rh.train':>8s} {'draw':>7s} {'full':>7s} {'worst':>7s}  target")
    print(header)
    print("-" * len(header))
    for name in SETTINGS:
        runs = times[("change", name)]
        total = [r[0] for r in runs]
        target = TARGETS[SETTINGS[name][1]]
        median = statistics.median(total)
        verdict = "met" if median <= target else "MISSED"
        med = [statistics.median(r[i] for r in runs) for i in range(6)]
        worst = med[2] + med[5]
        cols = " ".join(f"{value:{w}.3f}" for value, w in zip(med[1:] + [worst], (7, 8, 8, 7, 7, 7)))
        print(f"{name:14s} {median:7.3f} {min(total):7.3f} {max(total):7.3f} {cols}  "
              f"<= {target:g} s: {verdict}")
    print("compute: retraining and the numbers drawn (predictions, gradient norms), of which rh.train's "
          "loop; draw: the figure and its PNG; cpu: this process's CPU time for the change; full: a "
          "full redraw, which a change of an axis limit needs; worst: compute + full.")

    print("\nrh.train alone, as the explorer calls it (seconds, wall and cpu medians)")
    for name in SETTINGS:
        med = {dt: [statistics.median(t[i] for t in times[("train", name, dt)]) for i in (0, 1)]
               for dt in (widgets.DTYPE, other)}
        a, b = med[widgets.DTYPE], med[other]
        print(f"{name:14s} {widgets.DTYPE} {a[0]:.3f} (cpu {a[1]:.3f}), {other} {b[0]:.3f} (cpu {b[1]:.3f}): "
              f"{widgets.DTYPE} / {other} = {a[0] / b[0]:.2f}x ({a[1] / b[1]:.2f}x cpu)")

    print(f"\naccuracy: validation RMSE of {widgets.DTYPE} against {other} training, the same settings and seed")
    for name in SETTINGS:
        r32, r64 = results[("train", name, widgets.DTYPE)], results[("train", name, other)]
        rel = abs(r32 - r64) / r64
        print(f"{name:14s} {widgets.DTYPE} {r32:.6g}, {other} {r64:.6g}: relative difference {rel:.1e}")
    explorer.set(**vars(SETTINGS["RNN defaults"][0]))
    same = explorer.result.rmse == results[("train", "RNN defaults", widgets.DTYPE)]
    print(f"(the explorer's own RMSE at the RNN's defaults is {explorer.result.rmse:.6g}: "
          f"{'the same number' if same else 'NOT the same number: this script no longer mirrors retrain'})")
    print(f"\nload average at end {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"this run took {time.perf_counter() - start:.0f} s ({time.process_time():.0f} s cpu)")


if __name__ == "__main__":
    main()
