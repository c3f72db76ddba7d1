"""Encoder-decoder speed and the bottleneck: python benchmarks/seq2seq_speed.py [--runs 3] [--seeds 5] [--quick]

Part 1, speed: one epoch of rnn_helpers.seq2seq.train on 2,000 pairs whose sources have 25 characters
and targets 10 (the size of the dates task), batch 64, GRU encoder (bidirectional) and decoder,
additive attention, for H = 32 and 64; the median of --runs epochs (each timed alone), with the
process's CPU time beside the wall clock.

Part 2, the bottleneck: the reverse-digits task (4,000 training pairs, sources of 4 to 16 digits,
500 held-out pairs), GRU bidirectional encoder H = 32, batch 64, learning rate 1e-2, trained for
--epochs epochs (a fixed number, not a time limit, so that the result does not depend on the load)
with additive attention and without attention (--epochs-none epochs), for --seeds seeds; prints the held-out exact match
(mean and range over the seeds), the accuracy by source length, and the training time.

The machines are shared and noisy: read medians, and say what the load was (printed).
"""

import argparse
import os
import time

import numpy as np

from rnn_helpers import seq2seq as s2s
from rnn_helpers.seeds import mean_range


def _epoch_seconds(hidden_dim, runs):
    sources = s2s.digit_pairs("reverse", 2000, length=25, seed=0)
    pairs = [(s, s[::-1][:10]) for s, _ in sources]
    vocab = s2s.Vocab("0123456789", 25)
    model = s2s.init_model(vocab, vocab, hidden_dim, cell="gru", bidirectional=True, attention="additive",
                           seed=0)
    wall, cpu = [], []
    for run in range(runs):
        w, c = time.perf_counter(), time.process_time()
        s2s.train(model, pairs, epochs=1, batch_size=64, seed=run)
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    return float(np.median(wall)), float(np.median(cpu))


def _bottleneck(attention, seed, epochs, n_train):
    pairs = s2s.digit_pairs("reverse", n_train, min_len=4, max_len=16, seed=100 + seed)
    held_out = s2s.digit_pairs("reverse", 500, min_len=4, max_len=16, seed=999)
    vocab = s2s.Vocab("0123456789", 16)
    model = s2s.init_model(vocab, vocab, 32, cell="gru", attention=attention, bidirectional=True, seed=seed)
    cpu = time.process_time()
    trained, history = s2s.train(model, pairs, epochs=epochs, batch_size=64, learning_rate=1e-2, seed=seed)
    cpu = time.process_time() - cpu
    return (s2s.exact_match(trained, held_out), s2s.accuracy_by_length(trained, held_out), history.seconds,
            cpu)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--epochs-none", type=int, default=None,
                        help="epochs without attention (default: --epochs); an epoch without attention "
                             "costs about half as much, so twice as many compare equal training time")
    parser.add_argument("--skip-speed", action="store_true", help="only part 2")
    parser.add_argument("--quick", action="store_true", help="a smoke run: it says nothing about speed")
    args = parser.parse_args()
    runs, seeds, epochs, n_train = (1, 1, 1, 200) if args.quick else (args.runs, args.seeds, args.epochs, 4000)
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    for H in () if args.skip_speed else (32, 64):
        wall, cpu = _epoch_seconds(H, runs)
        print(f"one epoch, 2,000 pairs 25 -> 10, H = {H}: {wall:.2f} s wall, {cpu:.2f} s CPU (median of {runs})")
    for attention in ("additive", "none"):
        if attention == "none" and args.epochs_none and not args.quick:
            epochs = args.epochs_none
        results = [_bottleneck(attention, seed, epochs, n_train) for seed in range(seeds)]
        accuracy = [r[0] for r in results]
        lengths = sorted(results[0][1])
        by_length = {L: np.mean([r[1][L] for r in results]) for L in lengths}
        print(f"reverse digits, attention={attention!r}, {epochs} epochs: held-out exact match "
              f"{mean_range(accuracy)} over {seeds} seeds; training {np.median([r[2] for r in results]):.1f} s "
              f"wall, {np.median([r[3] for r in results]):.1f} s CPU (medians)")
        print("  by source length (mean over seeds): " +
              ", ".join(f"{L}: {a:.2f}" for L, a in by_length.items()))
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
