"""How long the grader takes for a class: python benchmarks/grading_speed.py [10 30] [--runs 1]

Makes N small submissions (the made-up notebooks of tests/grade_kit.py, cycling through the kinds a
class hands in: passed, a recognised mistake, not attempted, an error, an older edition, the
package's own function, a fake verdict, patched checks; no endless loop, which would only measure
the time limit), grades them with the default limits on every core (rnn_helpers.grade.grade), and
prints the wall-clock time, the grader's CPU time and its children's (the kernels), per class size.
The machines are shared and noisy: compare wall with CPU time, and read medians over --runs.
"""

import argparse
import os
import pathlib
import statistics
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import grade_kit  # noqa: E402

from rnn_helpers.grade import Limits, grade  # noqa: E402

KINDS = ["passed", "mistake", "not_attempted", "error", "older_edition", "package_own",
         "fake_verdict", "patched_checks"]


def one_class(n, folder):
    paths = []
    for i in range(n):
        kind = KINDS[i % len(KINDS)]
        path = grade_kit.make(kind, folder / "made", outside=folder)
        learner = folder / "class" / f"learner{i:02d}_{kind}"
        learner.mkdir(parents=True)
        path.rename(learner / path.name)
        paths.append(str(learner))
    before = os.times()
    started = time.perf_counter()
    grade(paths, folder / "out", limits=Limits(), say=lambda line: None)
    wall = time.perf_counter() - started
    after = os.times()
    return wall, after.user - before.user, after.children_user - before.children_user


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10, 30])
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores; load average before: {os.getloadavg()[0]:.1f}")
    for n in args.sizes:
        walls, cpus, kernels = [], [], []
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory() as tmp:
                wall, cpu, kernel_cpu = one_class(n, pathlib.Path(tmp))
            walls.append(wall)
            cpus.append(cpu)
            kernels.append(kernel_cpu)
        print(f"{n:3d} submissions: wall {statistics.median(walls):.1f} s (runs: "
              f"{', '.join(f'{w:.1f}' for w in walls)}), grader CPU {statistics.median(cpus):.1f} s, "
              f"workers and kernels CPU {statistics.median(kernels):.1f} s; load average now "
              f"{os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
