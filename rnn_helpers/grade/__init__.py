"""Grade a class's learner notebooks: run each learner's exercise cells, then the course's checks.

    python -m rnn_helpers.grade SUBMISSIONS... --out DIR [--time-limit 60] [--memory-mb 1024]
                                [--workers N] [--edition notebooks/learner]

SUBMISSIONS are notebooks or folders, one per learner (submissions.py says how notebooks are
recognised and which of their cells run). Each notebook runs in a fresh kernel of its own, in a
temporary folder of its own, with a time limit, a memory limit and a guard against writing outside
that folder, the network and starting processes (kernel.py); the grader then runs the checks itself
in that kernel, with the package imported afresh (judge.py), and reads nothing the notebook stored
or printed. Notebooks are graded in parallel (one process per core by default) and every result is
printed as it arrives. DIR receives grades.csv, gradebook.csv, summary.md and feedback/ (report.py).

grade(paths, out, ...) is the same from Python; it returns the rows of grades.csv.
This is not a security sandbox: see the README ("Grading a class") for what it does not stop.
"""

import concurrent.futures
import multiprocessing
import os
import pathlib
import threading
import time

from . import report, runner, submissions

__all__ = ["grade", "Limits"]

Limits = runner.Limits


def _job(learner, path, course, limits):
    started = time.monotonic()
    try:
        rows = runner.grade_notebook(learner, path, course, limits)
    except Exception as err:                    # noqa: BLE001 - one notebook never stops the class
        rows = [runner._row(learner, path, None, "", "error", "",
                            f"the grader failed on this file: {type(err).__name__}: {err}")]
    return rows, time.monotonic() - started


def _snapshot(paths, exclude):
    """{path: (kind, size, mtime_ns)} of every file and folder under the submissions and in the
    folders that hold them (not recursively), except under exclude."""
    exclude = os.path.realpath(exclude)
    seen = {}

    def note(p):
        real = os.path.realpath(p)
        if real == exclude or real.startswith(exclude + os.sep):
            return
        try:
            st = os.lstat(p)
        except OSError:
            return
        seen[real] = ("dir" if os.path.isdir(p) else "file", st.st_size if not os.path.isdir(p) else 0,
                      st.st_mtime_ns if not os.path.isdir(p) else 0)

    for raw in paths:
        path = pathlib.Path(raw)
        parent = path.resolve().parent
        try:
            for entry in os.scandir(parent):
                note(entry.path)
        except OSError:
            pass
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                for name in dirs + files:
                    note(os.path.join(root, name))
    return seen


def _changes(before, after):
    changed = [p for p in before if p not in after or after[p] != before[p]]
    changed += [p for p in after if p not in before]
    return sorted(changed)


def grade(paths, out, *, limits=None, workers=None, edition=None, say=print):
    """Grade the submissions at paths into the folder out; return the rows of grades.csv.

    paths: notebooks or folders, one per learner. limits: runner.Limits. workers: processes
    (default: the number of cores). edition: the learner edition's folder (default: the course's).
    say: where progress lines go. Raises FileNotFoundError naming a path that does not exist,
    TypeError when paths is a single path or limits is not a Limits.
    """
    if isinstance(paths, (str, bytes, os.PathLike)):
        raise TypeError(f"paths must be a list of notebooks or folders, got one path {paths!r}: "
                        "write grade([path], out).")
    if limits is not None and not isinstance(limits, Limits):
        raise TypeError(f"limits must be a rnn_helpers.grade.Limits, got {type(limits).__name__}.")
    limits = limits or Limits()
    course = submissions.course_map(edition)
    learners = submissions.find_submissions(paths)
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    jobs = [(learner, path) for learner, notebooks in learners for path in notebooks]
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs) or 1))
    say(f"Grading {len(jobs)} notebooks of {len(learners)} learners, {workers} at a time "
        f"(time limit {limits.seconds:g} s, memory {limits.memory_mb} MB each).")
    before = _snapshot(paths, out)
    started = time.monotonic()
    results = {}
    # fork is fast and needs no importable __main__, but is unsafe in a process that runs threads
    # (a test run after a browser test, a notebook): spawn then.
    fork = "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1
    context = multiprocessing.get_context("fork" if fork else "spawn")
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
        futures = {pool.submit(_job, learner, str(path), course, limits): (learner, path)
                   for learner, path in jobs}
        for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
            learner, path = futures[future]
            try:
                rows, seconds = future.result()
            except Exception as err:            # noqa: BLE001 - a worker process died
                rows, seconds = [runner._row(learner, path, None, "", "error", "",
                                             f"the grader's worker failed: {err}")], 0.0
            results[learner, str(path)] = rows
            counts = ", ".join(f"{n} {s}" for s in report.STATUSES + ("unreadable", "not a course notebook")
                               if (n := sum(r["status"] == s for r in rows)))
            say(f"[{done:{len(str(len(jobs)))}}/{len(jobs)}] {learner}: {path.name}: "
                f"{counts or 'no exercises'} ({seconds:.1f} s)")
    elapsed = time.monotonic() - started
    after = _snapshot(paths, out)
    outside = _changes(before, after)
    rows = [row for learner, path in jobs for row in results[learner, str(path)]]
    names = [learner for learner, _ in learners]
    report.write_grades(rows, out / "grades.csv")
    report.write_gradebook(rows, names, course, out / "gradebook.csv")
    feedback = out / "feedback"
    feedback.mkdir(exist_ok=True)
    for learner in names:
        report.write_feedback(rows, learner, feedback)
    text = report.summary_text(rows, names, course, outside, len(before), elapsed)
    report.write_summary(text, out / "summary.md")
    say(f"Done in {elapsed:.1f} s: {out / 'grades.csv'}, {out / 'gradebook.csv'}, "
        f"{out / 'summary.md'}, {feedback}/")
    if outside:
        say(f"WARNING: files outside the run folders changed during grading: {outside[:5]}")
    return rows
