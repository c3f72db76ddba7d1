"""Which learner handed in which notebooks, which course notebook each one is, and which cells run.

A submission is a file (one learner: the file's name without .ipynb) or a folder (one learner: the
folder's name; every .ipynb inside it, at any depth, except Jupyter's .ipynb_checkpoints).

The course's exercises come from the learner edition (COURSE: notebooks/learner beside the package
in a clone of the course; another folder with --edition): an exercise belongs to the notebook whose
code cells define its function (`def step_forward(`) or call its check (`check_step_forward(`);
the names are those of the registry rnn_helpers.exercises.EXERCISES.

A handed-in notebook is recognised as the course notebook NN_name.ipynb by, in this order: the
learner edition's first cell, which names `notebooks/NN_name.ipynb`; a file name containing
NN_name (an LMS adds the learner's name around it); the exercises its cells define. Else it is not a
course notebook. One whose banner is there but lacks exercises the current edition of that notebook
has is an older learner edition: the exercises it has are graded, the others are "not attempted"
with a message that says so.

Cells that run (the rest of the notebook never runs, and no stored output is read):
- every code cell that defines an exercise of the notebook at its top level (def, assignment or
  import of the name), or that starts with `def name(` but does not parse;
- every code cell that only imports or defines functions and classes (a learner's helpers).
They run in the notebook's order, after the grader's preamble (PREAMBLE: numpy as np, math,
rnn_helpers as rh, exercises), which stands in for the notebook's set-up cell.
"""

import ast
import json
import pathlib
import re

import nbformat

__all__ = ["COURSE", "PREAMBLE", "Notebook", "course_map", "find_submissions", "read_notebook",
           "runnable_cells"]

COURSE = pathlib.Path(__file__).resolve().parent.parent.parent / "notebooks" / "learner"
PREAMBLE = ("import math\n\nimport numpy as np\n\nimport rnn_helpers as rh\n"
            "from rnn_helpers import exercises\n")
_BANNER = re.compile(r"`notebooks/(\d\d_\w+)\.ipynb`")
MAX_BYTES = 50 * 2**20          # a learner notebook is a few hundred kB; a larger file is not read


def course_map(edition=None):
    """{notebook stem: [exercise names in registry order]} from the learner edition's notebooks.

    edition: the folder (default COURSE). Raises FileNotFoundError naming it if it holds no notebook.
    """
    from ..exercises import EXERCISES
    from ..exercises.tracking import locate_exercises
    folder = pathlib.Path(edition) if edition else COURSE
    if not sorted(folder.glob("*.ipynb")):
        raise FileNotFoundError(f"edition: no learner notebooks (*.ipynb) in {folder}; pass the "
                                "course's notebooks/learner folder with --edition")
    where = locate_exercises(folder, set(EXERCISES))
    course = {path.stem: [] for path in sorted(folder.glob("*.ipynb"))}
    for name in EXERCISES:
        if name in where:
            course[pathlib.Path(where[name]).stem].append(name)
    return course


def find_submissions(paths):
    """[(learner, [notebook paths])] for the given files and folders, in the order given.

    Raises FileNotFoundError naming a path that does not exist."""
    found = []
    for raw in paths:
        path = pathlib.Path(raw)
        if not path.exists():
            raise FileNotFoundError(f"submissions: {raw} does not exist")
        if path.is_dir():
            notebooks = sorted(p for p in path.rglob("*.ipynb")
                               if ".ipynb_checkpoints" not in p.parts and p.is_file())
            found.append((path.resolve().name, notebooks))
        else:
            found.append((path.stem, [path]))
    return found


class Notebook:
    """A handed-in notebook as read: nb (or None), the course notebook it is (stem or None), the
    exercises expected of it, problem (why it cannot be graded, or None), older (True for an
    older learner edition), missing (expected exercises it does not contain)."""

    def __init__(self, path, nb=None, stem=None, expected=(), problem=None, older=False, missing=()):
        self.path, self.nb, self.stem, self.expected = path, nb, stem, list(expected)
        self.problem, self.older, self.missing = problem, older, list(missing)


def read_notebook(path, course):
    """A Notebook for the file at path, given course = course_map(). Never raises for bad files."""
    path = pathlib.Path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            return Notebook(path, problem=f"unreadable: the file is larger than {MAX_BYTES // 2**20} MB")
        raw = path.read_bytes()
    except OSError as err:
        return Notebook(path, problem=f"unreadable: the file could not be read ({err.strerror})")
    if not raw.strip():
        return Notebook(path, problem="unreadable: the file is empty")
    try:
        data = json.loads(raw.decode("utf-8"))
        nb = nbformat.from_dict(data)
        if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
            raise ValueError("it has no list of cells")
        if nb.get("nbformat", 0) < 4:
            nb = nbformat.convert(nb, 4)
        for cell in nb.cells:
            if not isinstance(cell, dict) or "cell_type" not in cell:
                raise ValueError("a cell has no cell_type")
            if isinstance(cell.get("source"), list):
                cell["source"] = "".join(cell["source"])
            cell.setdefault("source", "")
            cell.setdefault("metadata", {})
    except (UnicodeDecodeError, ValueError, TypeError, AttributeError, KeyError) as err:
        return Notebook(path, problem=f"unreadable: not a Jupyter notebook ({_first_line(err)})")
    stem, banner = _identify(path, nb, course)
    if stem is None:
        return Notebook(path, nb, problem="not a course notebook: it is none of the learner edition's "
                                          "notebooks (no banner, no matching name, no exercise)")
    expected = course[stem]
    defined = _exercise_names(nb, expected)
    missing = [name for name in expected if name not in defined]
    older = bool(banner and missing)
    return Notebook(path, nb, stem, expected, older=older, missing=missing if older else [])


def _identify(path, nb, course):
    """(course notebook stem or None, whether the learner edition's banner names it)."""
    for cell in nb.cells[:3]:
        if cell.get("cell_type") == "markdown":
            match = _BANNER.search(str(cell.get("source", "")))
            if match and match.group(1) in course:
                return match.group(1), True
    for stem in sorted(course, key=len, reverse=True):
        if stem in path.name:
            return stem, False
    names = {name for stems in course.values() for name in stems}
    defined = _exercise_names(nb, names)
    if defined:
        best = max(course, key=lambda stem: len(defined & set(course[stem])))
        return best, False
    return None, False


def _exercise_names(nb, names):
    """The names in names that a code cell defines or checks (by text: the cell need not parse)."""
    found = set()
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        source = str(cell.get("source", ""))
        for name in names:
            if re.search(rf"^\s*def {name}\(|^{name}\s*=|check_{name}\(|import .*\b{name}\b", source,
                         flags=re.M):
                found.add(name)
    return found


def _python(source):
    """The cell as Python (IPython's magics turned into calls), or None when it does not parse."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
        source = TransformerManager().transform_cell(source)
    except Exception:                      # noqa: BLE001 - IPython is optional here
        pass
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError):
        return None


def _top_level_names(tree):
    names = set()
    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(stmt.name)
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for target in targets:
                names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
        elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in stmt.names)
    return names


def _definitions_only(tree):
    return bool(tree.body) and all(
        isinstance(s, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
        for s in tree.body)


def runnable_cells(notebook):
    """[(index in the notebook, source)] of the cells to run, in order (see the module docstring)."""
    chosen = []
    for index, cell in enumerate(notebook.nb.cells):
        if cell.get("cell_type") != "code":
            continue
        source = str(cell.get("source", ""))
        tree = _python(source)
        if tree is None:
            if any(re.search(rf"^\s*def {name}\(", source, flags=re.M) for name in notebook.expected):
                chosen.append((index, source))
            continue
        if _top_level_names(tree) & set(notebook.expected) or _definitions_only(tree):
            chosen.append((index, source))
    return chosen


def _first_line(err):
    lines = str(err).strip().splitlines()
    line = lines[0] if lines else type(err).__name__
    return line if len(line) <= 160 else line[:157] + "..."
