"""The learner edition (notebooks/learner/) is what tests/make_learner_edition.py makes, and it works.

- The committed learner edition (git's HEAD, so a learner's saved work in the folder never matters)
  is exactly what the command generates from the instructor notebooks.
- It holds no outputs, no solution cells or text, and no checker that shows its answer; every
  implement-it exercise is a stub with the package function's signature that raises
  NotImplementedError.
- The generator never overwrites a learner notebook that holds work, unless forced.
- Each learner notebook runs top to bottom in a fresh kernel with no error, first with the stubs as
  they are (every check says "not implemented yet" and the package's function is used), then with
  the reference solutions filled in (every check passes and the learner's function is used).
- No answer before the try: run with the stubs as they are (Run All), no output holds a line of the
  source of any exercise's reference implementation (gate.ANSWERS), and no "predict, then run"
  cell shows anything but the request for a guess; with the solutions filled in, the package's
  answers are shown for comparison.
- nbval (the README's test command) does not collect the learner edition.
"""

import concurrent.futures
import importlib.util
import inspect
import json
import os
import pathlib
import re
import subprocess
import sys

import nbformat
import pytest

from rnn_helpers.exercises import EXERCISES
from rnn_helpers.exercises.verdict import _qualified

ROOT = pathlib.Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("make_learner_edition",
                                               ROOT / "tests" / "make_learner_edition.py")
mle = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mle)

INSTRUCTOR = mle.instructor_notebooks()
#: Where each implement-it exercise lives.
WHERE = {"step_forward": "02_forward", "forward": "02_forward", "step_backward": "03_bptt",
         "backward": "03_bptt", "clip_elementwise": "04_clipping", "clip_global_norm": "04_clipping",
         "sgd_momentum_update": "05_training", "lstm_step_forward": "08_lstm_gru",
         "lstm_step_backward": "08_lstm_gru", "softmax_xent_backward": "10_text",
         "bidirectional_forward": "11_deeper", "attention": "12_attention"}


def _generated(path):
    return nbformat.reads(mle.make(path), as_version=4)


def _stubs(nb):
    """name -> stub cell, for the cells that define a function of EXERCISES that only raises
    NotImplementedError (other notebooks may have exercises of their own, checked elsewhere)."""
    found = {}
    for cell in nb.cells:
        if cell.cell_type == "code" and "raise NotImplementedError" in cell.source:
            match = re.search(r"^def (\w+)\(", cell.source, flags=re.M)
            if match and match.group(1) in EXERCISES:
                found[match.group(1)] = cell
    return found


def test_there_are_instructor_notebooks():
    assert len(INSTRUCTOR) >= 7


def test_committed_learner_edition_is_what_the_command_generates():
    if mle.committed(ROOT / "pyproject.toml") is None:
        pytest.skip("not a git checkout: there is no committed learner edition to compare")
    stale = mle.stale()
    assert not stale, (f"notebooks/learner/ in git's HEAD is not what the command makes for {stale}: "
                       "run python tests/make_learner_edition.py and commit notebooks/learner/")


@pytest.mark.parametrize("path", INSTRUCTOR, ids=lambda p: p.name)
def test_learner_notebook_has_no_outputs_no_solutions_no_answers(path):
    nb = _generated(path)
    nbformat.validate(nb)
    assert set(nb.metadata) == {"kernelspec", "language_info"}, "no jupytext pairing, no widget state"
    for cell in nb.cells:
        assert mle.SOLUTION_TAG not in cell.metadata.get("tags", []), cell.source[:80]
        assert "<summary>Solution" not in cell.source, f"solution text left in {path.name}"
        assert not cell.source.startswith("# Solution"), f"solution cell left in {path.name}"
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
            assert not re.search(r"^def check_\w+\(", cell.source, flags=re.M), \
                f"{path.name} defines a checker in a cell: its answer would be on screen"
        if cell.cell_type == "markdown":
            learner_files = {p.name for p in INSTRUCTOR} | set(mle.COPIED)
            for target in re.findall(r"\]\(([^)\s#]+)", cell.source):
                if not re.match(r"https?:|mailto:", target):
                    assert target in learner_files, f"{path.name}: link to {target}, not in the edition"


def test_every_exercise_is_a_stub_with_the_package_signature_in_its_notebook():
    found = {}
    for path in INSTRUCTOR:
        for name, cell in _stubs(_generated(path)).items():
            found[name] = path.stem
            namespace = {}
            exec(cell.source, {"np": None, "rh": None}, namespace)       # defines the stub only
            stub = namespace[name]
            reference = EXERCISES[name][1]
            assert inspect.signature(stub) == inspect.signature(reference), name
            with pytest.raises(NotImplementedError, match="above"):     # points to the derivation
                stub(*[None] * len([p for p in inspect.signature(stub).parameters.values()
                                    if p.default is p.empty]))
    assert found == WHERE


def test_instructor_notebooks_solve_each_stub_in_the_next_cell():
    for path in INSTRUCTOR:
        cells = nbformat.read(path, as_version=4).cells
        for i, cell in enumerate(cells):
            if cell.cell_type == "code" and "raise NotImplementedError" in cell.source:
                name = re.search(r"^def (\w+)\(", cell.source, flags=re.M).group(1)
                if name not in EXERCISES:
                    continue
                solution = cells[i + 1]
                assert mle.SOLUTION_TAG in solution.metadata.get("tags", []), (path.name, name)
                assert re.search(rf"^def {name}\(", solution.source, flags=re.M), (path.name, name)


# ---- the generator keeps a learner's work ------------------------------------------------------

def test_generator_refuses_to_overwrite_work_and_says_how_to_keep_it(tmp_path):
    instructor = ROOT / "notebooks" / "02_forward.ipynb"
    dest = tmp_path / "02_forward.ipynb"
    fresh = mle.make(instructor)
    said = []
    dest.write_text(fresh.replace("raise NotImplementedError", "return 0  # my work", 1))
    work = dest.read_text()
    assert mle.write(instructor, dest, committed=lambda p: fresh, out=said.append) is False
    assert dest.read_text() == work, "a learner's work was overwritten"
    assert "NOT WRITTEN" in said[-1] and "cp " in said[-1] and "--force" in said[-1]
    assert str(dest) in said[-1]
    assert mle.write(instructor, dest, force=True, committed=lambda p: fresh, out=said.append)
    assert dest.read_text() == fresh


def test_generator_updates_an_untouched_learner_notebook(tmp_path):
    instructor = ROOT / "notebooks" / "02_forward.ipynb"
    dest = tmp_path / "02_forward.ipynb"
    old = mle.make(instructor).replace("Exercise A", "Exercise A (old)")
    dest.write_text(old)
    assert mle.write(instructor, dest, committed=lambda p: old, out=lambda m: None)
    assert dest.read_text() == mle.make(instructor)
    assert mle.write(instructor, dest, committed=lambda p: None, out=lambda m: None), "unchanged is fine"


def test_generator_command_line_refuses_with_status_1(tmp_path, monkeypatch):
    monkeypatch.setattr(mle, "LEARNER", tmp_path)
    target = tmp_path / "01_data.ipynb"
    target.write_text("my own notes\n")
    assert mle.main(["notebooks/01_data.ipynb"]) == 1
    assert target.read_text() == "my own notes\n"


# ---- the learner notebooks run -----------------------------------------------------------------

def _filled(nb):
    """The notebook with each stub replaced by the package's reference function."""
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    for name, cell in _stubs(nb).items():
        cell.source = (f"from rnn_helpers.exercises import EXERCISES\n\n"
                       f"{name} = EXERCISES[{name!r}][1]      # the reference solution")
    return nb


_KINDS = {"test_learner_notebook_runs_with_the_stubs_unfilled": "stubs",
          "test_no_output_shows_an_answer_before_the_try": "stubs",
          "test_learner_notebook_runs_with_the_reference_solutions_filled_in": "filled",
          "test_answers_are_shown_once_the_learners_version_passes": "filled"}


@pytest.fixture(scope="module")
def executed(request, tmp_path_factory):
    """Run every learner notebook, as generated, in a fresh kernel; and again with the stubs filled
    in where it has any (only those the selected tests need, two at a time on two cores).
    Returns {(name, "stubs" or "filled"): executed notebook or error text}."""
    work = tmp_path_factory.mktemp("learner")
    wanted = {(item.callspec.params["path"].stem, _KINDS[item.originalname])
              for item in request.session.items          # nbval's cells have no originalname
              if getattr(item, "originalname", None) in _KINDS}
    jobs = {}
    for path in INSTRUCTOR:
        nb = _generated(path)
        if (path.stem, "stubs") in wanted:
            jobs[path.stem, "stubs"] = nb
        if (path.stem, "filled") in wanted:
            jobs[path.stem, "filled"] = _filled(nb)
    files = {}
    for (stem, kind), nb in jobs.items():
        files[stem, kind] = work / f"{stem}.{kind}.ipynb"
        nbformat.write(nb, files[stem, kind])
    env = dict(os.environ, PATH=f"{pathlib.Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    env.pop("MPLBACKEND", None)

    def run(key):
        cmd = [sys.executable, "-m", "nbconvert", "--to", "notebook", "--execute", "--inplace",
               "--ExecutePreprocessor.timeout=600", "--ExecutePreprocessor.kernel_name=python3",
               str(files[key])]
        done = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            return done.stderr[-3000:]
        return nbformat.read(files[key], as_version=4)

    workers = max(1, min(4, os.cpu_count() or 1))
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        return dict(zip(files, pool.map(run, files)))


def _outputs(nb):
    for cell in nb.cells:
        if cell.cell_type == "code":
            yield from cell.outputs


def _texts(nb):
    for out in _outputs(nb):
        yield out.get("text") or out.get("data", {}).get("text/plain", "")


@pytest.mark.parametrize("path", INSTRUCTOR, ids=lambda p: p.name)
def test_learner_notebook_runs_with_the_stubs_unfilled(executed, path):
    nb = executed[path.stem, "stubs"]
    assert not isinstance(nb, str), f"{path.name} failed to run:\n{nb}"
    errors = [o for o in _outputs(nb) if o.output_type == "error"]
    assert not errors, f"{path.name}: {errors[0].ename}: {errors[0].evalue}"
    texts = list(_texts(nb))
    stubs = [n for n, where in WHERE.items() if where == path.stem]
    for name in stubs:
        assert any(t.startswith(f"NOT YET {name}: not implemented yet") for t in texts), name
        shown = _qualified(EXERCISES[name][1], name)
        assert (f"The cells below use the package's {shown}: yours has not passed its check yet.\n"
                in texts), name


@pytest.mark.parametrize("path", [p for p in INSTRUCTOR if p.stem in WHERE.values()],
                         ids=lambda p: p.name)
def test_learner_notebook_runs_with_the_reference_solutions_filled_in(executed, path):
    nb = executed[path.stem, "filled"]
    assert not isinstance(nb, str), f"{path.name} failed to run:\n{nb}"
    errors = [o for o in _outputs(nb) if o.output_type == "error"]
    assert not errors, f"{path.name}: {errors[0].ename}: {errors[0].evalue}"
    texts = list(_texts(nb))
    verdicts = [t for t in texts if t.startswith(("PASSED ", "NOT YET "))]
    names = [n for n, where in WHERE.items() if where == path.stem]
    assert len(verdicts) == len(names) and all(v.startswith("PASSED ") for v in verdicts), verdicts
    for name in names:
        assert f"The cells below use your {name} (it passed its check).\n" in texts, name


def test_nbval_does_not_collect_the_learner_edition():
    """A learner's saved work in notebooks/learner/ must never fail the README's test command."""
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "notebooks"],
                          cwd=ROOT, capture_output=True, text=True)
    assert "notebooks/01_data.ipynb" in done.stdout, done.stdout[-2000:] + done.stderr[-2000:]
    assert "learner" not in done.stdout, "nbval collects notebooks/learner/: exclude it in pyproject"


# ---- no answer before the try ------------------------------------------------------------------

def _code_lines(text):
    """The stripped lines of code of a source text (no comments; at least 16 characters)."""
    found = set()
    for line in text.splitlines():
        code = line.split("#")[0].strip()
        if len(code) >= 16:
            found.add(code)
    return found


def _answer_lines():
    """exercise name -> the distinctive lines of code of the functions whose source is that
    exercise's answer: not docstring, comment or blank, at least 16 characters, and found nowhere
    else in the package (outside its exercise checkers), so that a generic line such as
    `if "b" in params:` in another function's printed source is not taken for the answer."""
    import ast
    import textwrap

    import rnn_helpers
    from rnn_helpers.exercises.gate import ANSWERS
    answer_fns = {fn for fns in ANSWERS.values() for fn in fns} | {ref for _, ref in EXERCISES.values()}
    package = pathlib.Path(rnn_helpers.__file__).parent
    elsewhere = set()
    for path in package.rglob("*.py"):
        if "exercises" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for fn in answer_fns:
            text = text.replace(inspect.getsource(fn), "")
        elsewhere |= _code_lines(text)
    lines = {}
    for name, fns in ANSWERS.items():
        found = set()
        for fn in (*fns, EXERCISES[name][1]):
            source = textwrap.dedent(inspect.getsource(fn))
            body = ast.parse(source).body[0].body
            first = body[1] if isinstance(body[0], ast.Expr) and len(body) > 1 and \
                isinstance(body[0].value, ast.Constant) else body[0]
            found |= _code_lines("\n".join(source.splitlines()[first.lineno - 1:]))
        lines[name] = found - elsewhere
    return lines


def test_the_answer_lines_are_enough_to_recognise_each_answer():
    lines = _answer_lines()
    assert set(lines) == set(WHERE)
    for name, found in lines.items():
        assert len(found) >= 2, name
    a_t = 'a_t = x_t @ params["W_x"].T + h_prev @ params["W_h"].T + params["b"]'
    assert a_t in lines["lstm_step_forward"]
    assert 'df = dc * cache["c_prev"]' in lines["lstm_step_backward"]


@pytest.mark.parametrize("path", INSTRUCTOR, ids=lambda p: p.name)
def test_no_output_shows_an_answer_before_the_try(executed, path):
    """Run All on the learner notebook as generated: no output holds a line of any answer, and
    every "predict, then run" cell asks for the guess and shows nothing else."""
    nb = executed[path.stem, "stubs"]
    assert not isinstance(nb, str), f"{path.name} failed to run:\n{nb}"
    answers = _answer_lines()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        text = "\n".join(_texts(nbformat.from_dict({"cells": [cell]})))
        text += "\n".join(str(o.get("data", {}).get("text/html", "")) for o in cell.outputs)
        for name, lines in answers.items():
            shown = [line for line in lines if line in text]
            assert not shown, f"{path.name} shows the answer to {name}: {shown[0]!r}\n{cell.source[:300]}"
        if mle.NO_GUESS_LINE in cell.source:
            outputs = [o for o in cell.outputs if o.output_type != "display_data"]
            # one printed line; the kernel may deliver it in several stream messages
            assert all(o.output_type == "stream" for o in outputs), cell.source[:300]
            assert "".join(o.get("text", "") for o in outputs) == (
                "Write your prediction in my_guess first (in words, between the quotes), then run "
                "this cell again: it runs the measurement only once a guess is there.\n"), cell.source[:300]
            assert not any(o.output_type == "display_data" for o in cell.outputs), "no figure either"


PREDICT_CELLS = {"01_data": 1, "02_forward": 2, "03_bptt": 2, "04_clipping": 1, "05_training": 1,
                 "06_explorer": 1, "07_tutorial_mistakes": 1, "09_weather": 2, "10_text": 2,
                 "11_deeper": 1, "12_attention": 1}


def test_predict_cells_are_tagged_and_blanked():
    for path in INSTRUCTOR:
        tagged = [c for c in nbformat.read(path, as_version=4).cells
                  if mle.PREDICT_TAG in c.metadata.get("tags", [])]
        assert len(tagged) == PREDICT_CELLS.get(path.stem, 0), path.name
        for cell in tagged:
            assert "if guessed(my_guess):" in cell.source
        blanked = [c for c in _generated(path).cells if mle.NO_GUESS_LINE in c.source]
        assert len(blanked) == len(tagged), path.name


@pytest.mark.parametrize("path", [p for p in INSTRUCTOR if p.stem in WHERE.values()],
                         ids=lambda p: p.name)
def test_answers_are_shown_once_the_learners_version_passes(executed, path):
    """Not hidden for good: with the solutions in, the package's answer is printed for comparison
    wherever the notebook shows it (here the gate opens, so the test above is not vacuous)."""
    nb = executed[path.stem, "filled"]
    assert not isinstance(nb, str), f"{path.name} failed to run:\n{nb}"
    text = "\n".join(_texts(nb))
    answers = _answer_lines()
    names = [n for n, where in WHERE.items() if where == path.stem]
    for name in names:
        assert any(line in text for line in answers[name]), f"{path.name}: {name} is never shown"
    assert "is not shown yet" not in text
