"""Grade one handed-in notebook: its exercise cells, then the checks, in a fresh kernel of its own.

grade_notebook(learner, path, course, limits) -> list of row dicts (see report.COLUMNS). It
- reads and recognises the notebook (submissions.read_notebook); a file that cannot be graded gets
  one row saying why;
- makes a temporary folder for the run (the kernel's working folder, home, temporary files and
  caches all inside it; deleted afterwards) and starts a kernel there with rnn_helpers.grade.kernel
  (memory, CPU and file-size limits; the guard against writes outside the folder, network and
  processes);
- runs the grader's preamble, locks the guard, runs the learner's exercise cells
  (submissions.runnable_cells), then one grader cell per exercise (judge.Judge), all within one
  wall-clock limit for the notebook; when it runs out, the kernel is killed and the exercises not
  yet judged are "timed out";
- reads only the grader's results (one line per exercise with this run's nonce, written by the
  kernel's audit hook to a file outside the run's folder: judge.py, kernel.py), never the
  notebook's outputs.
"""

import json
import math
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time

from . import submissions as _subs
from .kernel import LOCK_EVENT

__all__ = ["Limits", "grade_notebook"]

KERNEL_NAME = "rnn-helpers-grader"


class Limits:
    """seconds: wall-clock time for one notebook's cells and checks (the kernel's start and the
    preamble's imports excluded);
    memory_mb: the kernel's address space (above 255: a kernel needs about 150 MB);
    startup_seconds: time allowed for the kernel to start and the preamble to run.
    Raises ValueError naming an argument that is not a positive number (or memory_mb below 256)."""

    def __init__(self, seconds=60, memory_mb=1024, startup_seconds=60):
        for name, value, low in (("seconds", seconds, 0), ("memory_mb", memory_mb, 255),
                                 ("startup_seconds", startup_seconds, 0)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > low:
                raise ValueError(f"{name} must be a number above {low}, got {value!r}.")
        memory_mb = int(memory_mb)
        self.seconds, self.memory_mb, self.startup_seconds = seconds, memory_mb, startup_seconds


def _row(learner, path, stem, exercise, status, mistake="", message=""):
    return {"learner": learner, "notebook": stem or os.path.basename(str(path)), "exercise": exercise,
            "status": status, "mistake": mistake or "", "message": message, "file": str(path)}


def grade_notebook(learner, path, course, limits):
    """Rows for one handed-in notebook (never raises for anything the notebook holds)."""
    notebook = _subs.read_notebook(path, course)
    if notebook.problem:
        status, _, why = notebook.problem.partition(": ")
        return [_row(learner, path, None, "", status, "", why)]
    if not notebook.expected:
        return []
    rows = []
    older_note = ("this exercise is not in your copy of the notebook, an older learner edition: "
                  "copy your work into the current one")
    todo = [name for name in notebook.expected if name not in notebook.missing]
    for name in notebook.missing:
        rows.append(_row(learner, path, notebook.stem, name, "not attempted", "", older_note))
    if todo:
        rows += _run(learner, path, notebook, todo, limits)
    order = {name: i for i, name in enumerate(notebook.expected)}
    rows.sort(key=lambda r: order.get(r["exercise"], 0))
    if notebook.older:
        for row in rows:
            row["message"] = (row["message"] + " (Graded from an older learner edition of "
                              f"{notebook.stem}.)").strip()
    return rows


def _kernel_spec_dir(folder, limits, run_dir):
    spec_dir = os.path.join(folder, "kernels", KERNEL_NAME)
    os.makedirs(spec_dir)
    argv = [sys.executable, "-m", "rnn_helpers.grade.kernel", "--memory-mb", str(limits.memory_mb),
            "--cpu-seconds", str(int(limits.seconds * 2 + 60)), "--folder", run_dir,
            "--results", os.path.join(folder, "results.jsonl"), "--",
            "-f", "{connection_file}"]
    with open(os.path.join(spec_dir, "kernel.json"), "w", encoding="utf-8") as f:
        json.dump({"argv": argv, "display_name": "rnn_helpers grader", "language": "python"}, f)
    return os.path.join(folder, "kernels")


def _environment(run_dir):
    keep = ("PATH", "LANG", "LC_ALL", "PYTHONPATH", "VIRTUAL_ENV", "SYSTEMROOT")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env.update({"HOME": run_dir, "TMPDIR": os.path.join(run_dir, "tmp"),
                "IPYTHONDIR": os.path.join(run_dir, ".ipython"),
                "MPLCONFIGDIR": os.path.join(run_dir, ".matplotlib"), "MPLBACKEND": "Agg",
                "JUPYTER_RUNTIME_DIR": os.path.join(run_dir, ".runtime"),
                "RNN_HELPERS_PROGRESS": "off", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
                "MKL_NUM_THREADS": "1", "MALLOC_ARENA_MAX": "2", "PYTHONDONTWRITEBYTECODE": "1"})
    return env


def _run(learner, path, notebook, names, limits):
    import nbformat
    from jupyter_client import AsyncKernelManager
    from jupyter_core.utils import run_sync
    from jupyter_client.kernelspec import KernelSpecManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    private = tempfile.mkdtemp(prefix="rnn-grade-spec-")     # the kernel spec: the learner's code
    run_dir = tempfile.mkdtemp(prefix="rnn-grade-run-")      # never needs to reach it
    run_dir = os.path.realpath(run_dir)
    for sub in ("tmp", ".ipython", ".matplotlib", ".runtime"):
        os.makedirs(os.path.join(run_dir, sub))
    nonce = secrets.token_hex(16)
    learner_cells = _subs.runnable_cells(notebook)
    cells = [nbformat.v4.new_code_cell(_subs.PREAMBLE + f"import sys\nsys.audit({LOCK_EVENT!r})\n")]
    cells += [nbformat.v4.new_code_cell(source) for _, source in learner_cells]
    first_judge = len(cells)
    judge_var = f"_rnn_grade_{nonce[:8]}"
    cells.append(nbformat.v4.new_code_cell(
        f"import importlib as _il\n{judge_var} = _il.import_module('rnn_helpers.grade.judge')"
        f".Judge({names!r}, {nonce!r})"))
    cells += [nbformat.v4.new_code_cell(f"{judge_var}.run({name!r});") for name in names]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "grader", "language": "python"}
    failure = None
    ksm = KernelSpecManager(kernel_dirs=[_kernel_spec_dir(private, limits, run_dir)],
                            ensure_native_kernel=False)
    km = AsyncKernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=ksm, transport="ipc",
                            ip=os.path.join(private, "kernel-ipc"),
                            connection_file=os.path.join(private, "connection.json"))
    client = NotebookClient(nb, km=km, kernel_name=KERNEL_NAME, allow_errors=True,
                            startup_timeout=limits.startup_seconds, record_timing=False,
                            iopub_timeout=5, shutdown_kernel="immediate",
                            resources={"metadata": {"path": run_dir}})
    try:
        with client.setup_kernel(env=_environment(run_dir), cwd=run_dir,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
            deadline = None                  # the clock starts once the preamble has run
            for index, cell in enumerate(cells):
                if deadline is None:
                    client.timeout = limits.startup_seconds
                    client.execute_cell(cell, index)
                    deadline = time.monotonic() + limits.seconds
                    continue
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    failure = "timed out"
                    break
                client.timeout = max(1, math.ceil(remaining))
                try:
                    client.execute_cell(cell, index)
                except CellTimeoutError:
                    failure = "timed out"
                    break
    except DeadKernelError:
        failure = failure or "died"
    except Exception as err:                   # noqa: BLE001 - the kernel failed to start, etc.
        failure = failure or f"grader: {type(err).__name__}: {err}"
    finally:
        try:
            if km.has_kernel:
                run_sync(km.shutdown_kernel)(now=True)
        except Exception:                      # noqa: BLE001
            pass
        results, blocked, tampered = _results(os.path.join(private, "results.jsonl"), nonce, names)
        if failure is None and (tampered or any(name not in results for name in names)):
            failure = "tampered"
        shutil.rmtree(run_dir, ignore_errors=True)
        shutil.rmtree(private, ignore_errors=True)
    rows = []
    cell_errors = _cell_errors(cells[1:first_judge], learner_cells)
    for name in names:
        if name in results:
            r = results[name]
            message = r.get("message", "")
            if r.get("status") == "not attempted" and cell_errors.get(name) and \
                    message.startswith("no cell"):
                message = f"{cell_errors[name]}, so {name} was never defined."
                r["status"] = "error"
            rows.append(_row(learner, path, notebook.stem, name, r.get("status", "error"),
                             r.get("mistake"), message))
        elif failure == "timed out":
            rows.append(_row(learner, path, notebook.stem, name, "timed out", "",
                             f"the notebook's cells and checks did not finish within {limits.seconds:g} s "
                             "(an endless loop?); the grader stopped it."))
        elif failure == "died":
            rows.append(_row(learner, path, notebook.stem, name, "error", "",
                             f"the kernel stopped while running the notebook (out of memory? the limit "
                             f"is {limits.memory_mb} MB), before this check."))
        elif failure == "tampered":
            rows.append(_row(learner, path, notebook.stem, name, "error", "tampering",
                             "the grader's results were missing, duplicated or forged: the notebook "
                             "interferes with the grader."))
        else:
            rows.append(_row(learner, path, notebook.stem, name, "error", "",
                             f"the grader could not run this notebook ({failure})."))
    if blocked:
        what = "; ".join(sorted({f"{b.get('kind')}: {b.get('what')}" for b in blocked})[:3])
        for row in rows:
            row["message"] = (row["message"] + f" (The grader blocked {what}.)").strip()
            row["blocked"] = what
    return rows


def _results(path, nonce, names):
    """({exercise: result}, blocked attempts, whether anything was wrong with the results file).

    Each line the judge wrote is a JSON object with this run's nonce; a line without it, or a second
    line for the same exercise, means the notebook interfered: its results are not used."""
    results, blocked, tampered = {}, [], False
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        lines = []
    for line in lines:
        try:
            result = json.loads(line)
        except ValueError:
            tampered = True
            continue
        if not isinstance(result, dict) or result.get("nonce") != nonce or \
                result.get("exercise") not in names or result.get("exercise") in results:
            tampered = True
            continue
        results[result["exercise"]] = result
        blocked = result.get("blocked") or blocked
    if tampered:
        results = {}
    return results, blocked, tampered


def _cell_errors(executed, learner_cells):
    """{exercise name: 'the cell defining it raised X: ...'} for the learner cells that raised."""
    errors = {}
    for cell, (index, source) in zip(executed, learner_cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                text = f"{output.get('ename', 'Error')}: {str(output.get('evalue', ''))[:200]}"
                for name in _names_in(source):
                    errors.setdefault(name, f"the notebook's cell {index + 1} raised {text}")
    return errors


def _names_in(source):
    import re
    return set(re.findall(r"^\s*def (\w+)\(", source, flags=re.M)) | \
        set(re.findall(r"^(\w+)\s*=", source, flags=re.M))
