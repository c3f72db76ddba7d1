"""A learner's progress: every implement-it check records its verdict; progress() shows them all.

    import rnn_helpers as rh
    rh.exercises.progress()        # a table: every exercise of the course, its notebook and state

Each check of an implement-it exercise (engine.run_check, decorated with `recorded`) writes its
outcome, with the time, into the file rnn_progress.json beside the learner's notebooks (the
kernel's working folder, which Jupyter sets to the notebook's folder). The file is JSON:

    {"format": "rnn_helpers progress 1",
     "exercises": {"step_forward": {"status": "wrong", "mistake": "transposed_W",
                                    "message": "...", "time": "2026-12-07T17:02:03+00:00",
                                    "first_passed": null, "notebook": "02_forward.ipynb"}, ...}}

status is one of STATUSES: passed, wrong (mistake names the recognised classic mistake, or is
None), error (the function raised, was not a function, or cannot be called with the package
function's arguments), not attempted (the stub still raises
NotImplementedError). The file is written atomically (a temporary file in the same folder, then
os.replace), so a crash never leaves half a file.

Where and when: the environment variable RNN_HELPERS_PROGRESS names the file to use, or is "off"
(record nothing; the grader sets this). Unset, a check records only inside a Jupyter kernel, so the
package's tests and scripts leave no file behind.

Nothing here may break a check or a notebook: a missing file is simply started; a file that cannot
be read or was written by another format is set aside (renamed *.unreadable) and a new one started;
a folder that cannot be written leaves the progress unrecorded. The last two say so once per
session (one printed line); every other failure is silent.

The list of exercises is the registry rnn_helpers.exercises.EXERCISES, so a new exercise appears in
the table as soon as it is registered. Its notebook is found by reading the notebooks beside the
file (the one that defines the exercise's function or calls its check), else the notebook the last
check ran in.
"""

import datetime
import functools
import html
import json
import os
import pathlib
import re
import sys
import tempfile

__all__ = ["FILENAME", "FORMAT", "ENV", "STATUSES", "Outcome", "classify", "recorded", "progress",
           "last_outcome", "locate_exercises", "progress_path", "read_progress", "Progress"]

FILENAME = "rnn_progress.json"
FORMAT = "rnn_helpers progress 1"
ENV = "RNN_HELPERS_PROGRESS"
STATUSES = ("passed", "wrong", "error", "not attempted")

_said = set()          # the notes already printed in this session (each is said once)
_last = {}             # exercise name -> Outcome of its latest check in this process


class Outcome:
    """What a check found, in the grader's and the progress file's terms.

    name: the exercise; status: one of STATUSES; mistake: the recognised mistake's name or None;
    message: the verdict's message (what the learner saw).
    """

    __slots__ = ("name", "status", "mistake", "message")

    def __init__(self, name, status, mistake, message):
        self.name, self.status, self.mistake, self.message = name, status, mistake, message

    def as_dict(self):
        return {"name": self.name, "status": self.status, "mistake": self.mistake,
                "message": self.message}

    def __repr__(self):
        return f"Outcome({self.name!r}, {self.status!r}, {self.mistake!r})"


def classify(ex, verdict):
    """The Outcome of a Verdict that run_check returned for the Exercise ex.

    The mistake is the one run_check recognised (verdict.mistake), whichever message it chose.
    """
    message = verdict.message
    if verdict.passed:
        return Outcome(ex.name, "passed", None, message)
    if message.startswith("not implemented yet"):
        return Outcome(ex.name, "not attempted", None, message)
    if re.match(rf"{re.escape(ex.name)} raised \w+ in ", message) or \
            message.startswith((f"check_{ex.name} needs your function",
                                f"{ex.name} cannot be called the way")):
        return Outcome(ex.name, "error", None, message)
    return Outcome(ex.name, "wrong", getattr(verdict, "mistake", None), message)


def last_outcome(name):
    """The Outcome of the latest check of exercise `name` in this process, or None."""
    return _last.get(name)


def recorded(run_check):
    """Decorate engine.run_check(ex, learner_fn): classify each verdict and record it (see above).
    The verdict is returned unchanged; recording can never raise into the check."""
    @functools.wraps(run_check)
    def run_and_record(ex, learner_fn, *args, **kwargs):
        verdict = run_check(ex, learner_fn, *args, **kwargs)
        try:
            outcome = classify(ex, verdict)
            _last[ex.name] = outcome
            path = progress_path()
            if path is not None:
                _record(path, outcome)
        except Exception:           # noqa: BLE001 - progress is a convenience: never break a check
            pass
        return verdict
    return run_and_record


def progress_path():
    """The progress file to write, or None when nothing is to be recorded (see the docstring)."""
    value = os.environ.get(ENV, "").strip()
    if value.lower() in ("off", "0", "no", "false", "none"):
        return None
    if value:
        return pathlib.Path(value)
    if not _in_kernel():
        return None
    return pathlib.Path.cwd() / FILENAME


def _in_kernel():
    shell = sys.modules.get("IPython")
    if shell is None or "ipykernel" not in sys.modules:
        return False
    try:
        return shell.get_ipython() is not None
    except Exception:               # noqa: BLE001
        return False


def _notebook_name():
    """The notebook the kernel runs (JupyterLab and Notebook 7 tell the kernel its session's path)."""
    name = os.environ.get("JPY_SESSION_NAME") or ""
    if not name:
        try:
            shell = sys.modules["IPython"].get_ipython()
            name = shell.user_ns.get("__session__", "") or ""
        except Exception:           # noqa: BLE001
            name = ""
    return pathlib.Path(str(name)).name if str(name).endswith(".ipynb") else None


def read_progress(path):
    """(exercises dict, note or None) from the progress file at path.

    A missing file gives ({}, None). A file that cannot be read, is not this format's JSON, or
    comes from another version gives ({}, note), the note saying why and what happened to it
    (set aside as <name>.unreadable when that is possible).
    """
    path = pathlib.Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}, None
    except (OSError, UnicodeDecodeError) as err:
        return {}, _set_aside(path, f"could not be read ({type(err).__name__})")
    try:
        data = json.loads(text)
    except ValueError:
        return {}, _set_aside(path, "is not valid JSON")
    if not isinstance(data, dict) or data.get("format") != FORMAT or \
            not isinstance(data.get("exercises"), dict):
        found = data.get("format") if isinstance(data, dict) else None
        what = f"was written in another format ({found!r})" if found and found != FORMAT else \
            "is not a progress file"
        return {}, _set_aside(path, what)
    exercises = {name: entry for name, entry in data["exercises"].items()
                 if isinstance(name, str) and isinstance(entry, dict)}
    return exercises, None


def _set_aside(path, why):
    aside = path.with_name(path.name + ".unreadable")
    try:
        os.replace(path, aside)
        kept = f"it was kept as {aside.name}"
    except OSError:
        kept = "it was left as it is"
    return f"Your progress file {path.name} {why}: {kept}, and progress starts afresh."


def _say_once(note):
    if note and note not in _said:
        _said.add(note)
        print(note)


def _record(path, outcome):
    exercises, note = read_progress(path)
    _say_once(note)
    now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    previous = exercises.get(outcome.name, {})
    entry = {"status": outcome.status, "mistake": outcome.mistake, "message": outcome.message,
             "time": now,
             "first_passed": previous.get("first_passed") or (now if outcome.status == "passed" else None),
             "notebook": _notebook_name() or previous.get("notebook")}
    exercises[outcome.name] = entry
    try:
        _write_atomically(path, {"format": FORMAT, "exercises": exercises})
    except OSError as err:
        _say_once(f"Your progress is not being recorded: {path.parent} cannot be written "
                  f"({type(err).__name__}). Your checks work as before.")


def _write_atomically(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1, sort_keys=True)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


_DEFINES = re.compile(r"^def (\w+)\(|check_(\w+)\(", flags=re.M)


def locate_exercises(folder, names):
    """{exercise name: notebook file name} for the notebooks (*.ipynb) in folder.

    An exercise is where a code cell defines its function (def name(, or lstm_step_forward for the
    LSTM's) or calls its check (check_name(). Unreadable notebooks are skipped. names: the
    exercises to look for. Returns only those found.
    """
    found = {}
    for nb_path in sorted(pathlib.Path(folder).glob("*.ipynb")):
        try:
            cells = json.loads(nb_path.read_text(encoding="utf-8")).get("cells", [])
        except (OSError, ValueError, AttributeError):
            continue
        for cell in cells if isinstance(cells, list) else []:
            if not isinstance(cell, dict) or cell.get("cell_type") != "code":
                continue
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else str(source)
            for match in _DEFINES.finditer(source):
                name = match.group(1) or match.group(2)
                if name in names and name not in found:
                    found[name] = nb_path.name
    return found


_STATE_WORDS = {"passed": "passed", "wrong": "not yet", "error": "not yet (it raised an error)",
                "not attempted": "not started"}


class Progress:
    """What progress() returns: rows (exercise, notebook, state, time) and notes; shown as a table."""

    def __init__(self, rows, notes, path):
        self.rows, self.notes, self.path = rows, notes, path

    @property
    def passed(self):
        return sum(row["status"] == "passed" for row in self.rows)

    def _heading(self):
        return f"Progress: {self.passed} of {len(self.rows)} implement-it exercises passed"

    def __repr__(self):
        width = max([len(r["exercise"]) for r in self.rows] + [8])
        nb_width = max([len(r["notebook"]) for r in self.rows] + [8])
        lines = [self._heading(), "",
                 f"{'exercise':{width}}  {'notebook':{nb_width}}  state"]
        for r in self.rows:
            when = f"  ({r['time']})" if r["time"] else ""
            lines.append(f"{r['exercise']:{width}}  {r['notebook']:{nb_width}}  {r['state']}{when}")
        lines += [""] + self.notes if self.notes else []
        return "\n".join(lines)

    __str__ = __repr__

    def _repr_html_(self):
        head = "".join(f'<th scope="col" style="text-align: left;">{h}</th>'
                       for h in ("exercise", "notebook", "state", "last checked (UTC)"))
        body = "".join(
            "<tr>" + '<th scope="row" style="text-align: left;">'
            + f'<code>{html.escape(r["exercise"])}</code></th>'
            + "".join(f'<td style="text-align: left;">{html.escape(v)}</td>'
                      for v in (r["notebook"], r["state"], r["time"])) + "</tr>"
            for r in self.rows)
        notes = "".join(f"<p>{html.escape(n)}</p>" for n in self.notes)
        return (f'<div style="font-family: sans-serif;"><table><caption style="text-align: left;">'
                f"<b>{html.escape(self._heading())}</b></caption><thead><tr>{head}</tr></thead>"
                f"<tbody>{body}</tbody></table>{notes}</div>")


def progress(path=None):
    """A table of every implement-it exercise of the course: its notebook and its latest state.

    path: the progress file (default: as the checks choose it; rnn_progress.json in the current
    folder when they record nothing). Returns a Progress (a table in a notebook; print() gives
    text). Never raises for a missing or unreadable file: it says so below the table instead.
    Raises TypeError naming path if it is not a str or path.
    """
    from . import EXERCISES              # the registry; imported here: the package imports us first
    if path is not None and not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be the progress file's path (a str or pathlib.Path) or None for "
                        f"the default, got {type(path).__name__}.")
    if path is None:
        path = progress_path() or pathlib.Path.cwd() / FILENAME
    path = pathlib.Path(path)
    exercises, note = read_progress(path)
    notes = [note] if note else []
    if not exercises and not note:
        notes.append(f"No check has been recorded yet in {path.parent} (the file {path.name} "
                     "appears there after your first check).")
    where = locate_exercises(path.parent, set(EXERCISES))
    rows = []
    for name in EXERCISES:
        entry = exercises.get(name, {})
        status = entry.get("status") if entry.get("status") in STATUSES else None
        state = _STATE_WORDS.get(status, "not started")
        if status == "wrong" and entry.get("mistake"):
            state = f"not yet: {str(entry['mistake']).replace('_', ' ')}"
        if status != "passed" and entry.get("first_passed"):
            state += " (it passed before)"
        time = str(entry.get("time") or "").replace("T", " ").replace("+00:00", "")
        rows.append({"exercise": name, "notebook": where.get(name) or str(entry.get("notebook") or "-"),
                     "status": status or "not attempted", "state": state, "time": time})
    order = {nb: i for i, nb in enumerate(sorted({r["notebook"] for r in rows}))}
    rows.sort(key=lambda r: (r["notebook"] == "-", order[r["notebook"]]))
    return Progress(rows, notes, path)
