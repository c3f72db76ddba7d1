"""The stored notebooks are what nbval can trust: executed top to bottom, paired, listed.

nbval (run on notebooks/ by the README's test command) compares only cells that have an execution
count, so a notebook saved without running would pass while checking nothing. These tests make
that impossible, and check that each .ipynb and its jupytext py:percent file say the same thing.
"""

import json
import pathlib
import re

import jupytext
import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found in notebooks/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_executed_in_order_without_errors(path):
    nb = json.loads(path.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]
    counts = [c.get("execution_count") for c in code]
    assert None not in counts, f"{path.name}: {counts.count(None)} code cells were never executed"
    assert counts == list(range(1, len(code) + 1)), f"{path.name}: not executed top to bottom in one run"
    errors = [o for c in code for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, f"{path.name}: stored error output {errors[0].get('ename')}"
    assert nb["metadata"].get("kernelspec", {}).get("name") == "python3", f"{path.name}: kernelspec"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_paired_with_jupytext_file_that_agrees(path):
    """What `jupytext --sync` would write from the .ipynb is exactly the tracked .py file."""
    py = path.with_suffix(".py")
    assert py.exists(), f"{path.name} has no paired {py.name}"
    nb = jupytext.read(path)
    assert nb.metadata.get("jupytext", {}).get("formats") == "ipynb,py:percent", path.name
    expected = jupytext.writes(nb, fmt="py:percent")
    assert py.read_text() == expected, (
        f"{py.name} and {path.name} disagree: edit the .py, then run "
        f"python tests/refresh_notebooks.py {py.relative_to(ROOT)}")


def test_every_py_file_in_notebooks_is_paired():
    for py in (ROOT / "notebooks").glob("*.py"):
        assert py.with_suffix(".ipynb").exists(), f"{py.name} has no .ipynb"


def readme_commands():
    text = (ROOT / "README.md").read_text()
    return re.findall(r"```(?:bash|sh)\n(.*?)\n```", text, flags=re.S)


def test_readme_lists_every_notebook():
    text = (ROOT / "README.md").read_text()
    for path in NOTEBOOKS:
        assert f"notebooks/{path.name}" in text, f"README does not list {path.name}"


def test_ci_runs_the_readme_test_command():
    commands = readme_commands()
    assert len(commands) >= 2, "README must start with the open command and the test command"
    test_command = commands[1].strip()
    assert "pytest" in test_command
    assert test_command in (ROOT / ".ci" / "run").read_text(), ".ci/run must run README's test command"
