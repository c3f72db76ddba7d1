"""python -m rnn_helpers.grade SUBMISSIONS... --out DIR: see rnn_helpers.grade (and the README)."""

import argparse
import sys

from . import Limits, grade


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m rnn_helpers.grade",
        description="Grade learner notebooks: each in a fresh kernel of its own, checked by the course's "
                    "own checks. Writes grades.csv, gradebook.csv, summary.md and feedback/ to --out.")
    parser.add_argument("submissions", nargs="+",
                        help="learner notebooks or folders, one per learner (a folder's name, or a "
                             "file's name without .ipynb, names the learner)")
    parser.add_argument("--out", required=True, help="folder for the results (created if missing)")
    parser.add_argument("--time-limit", type=float, default=60.0,
                        help="seconds for one notebook's cells and checks (default 60)")
    parser.add_argument("--memory-mb", type=int, default=1024,
                        help="memory (address space) of one notebook's kernel, in MB (default 1024)")
    parser.add_argument("--workers", type=int, default=None,
                        help="notebooks graded at once (default: the number of cores)")
    parser.add_argument("--edition", default=None,
                        help="the learner edition's folder, which says which exercises each notebook "
                             "has (default: the course's notebooks/learner)")
    args = parser.parse_args(argv)
    if args.time_limit <= 0:
        parser.error(f"--time-limit must be a positive number of seconds, got {args.time_limit:g}")
    if args.memory_mb < 256:
        parser.error(f"--memory-mb must be at least 256 (a kernel needs about 150 MB), got {args.memory_mb}")
    if args.workers is not None and args.workers < 1:
        parser.error(f"--workers must be at least 1, got {args.workers}")
    try:
        grade(args.submissions, args.out, limits=Limits(args.time_limit, args.memory_mb),
              workers=args.workers, edition=args.edition, say=lambda line: print(line, flush=True))
    except FileNotFoundError as err:
        parser.error(str(err))
    return 0


if __name__ == "__main__":
    sys.exit(main())
