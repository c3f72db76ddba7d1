"""Re-execute notebooks top to bottom and re-sync their jupytext pairs. For maintainers.

    python tests/refresh_notebooks.py                      # every notebook
    python tests/refresh_notebooks.py notebooks/03_bptt.py # one (name the .py or the .ipynb)

Edit the py:percent file (readable diffs), then run this: it copies the code and text into the
.ipynb (creating it if needed), executes it in a fresh kernel with no timing metadata, and writes
the pair back, so the stored outputs are exactly what a top-to-bottom run produces. nbval then
checks them in CI. Needs the course's environment (requirements.txt).
"""

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def refresh(path):
    py = path.with_suffix(".py")
    ipynb = path.with_suffix(".ipynb")
    run = lambda *cmd: subprocess.run(cmd, check=True, cwd=py.parent)  # noqa: E731
    if ipynb.exists():
        run("jupytext", "--to", "ipynb", "--update", py.name)
    else:
        run("jupytext", "--set-formats", "ipynb,py:percent", py.name)
    run("jupytext", "--set-kernel", "python3", ipynb.name)
    run("jupyter", "nbconvert", "--to", "notebook", "--execute", "--inplace",
        "--ExecutePreprocessor.record_timing=False", "--ExecutePreprocessor.timeout=600", ipynb.name)
    run("jupytext", "--sync", ipynb.name)


def main(names):
    paths = [pathlib.Path(n).resolve() for n in names] or sorted((ROOT / "notebooks").glob("*.py"))
    for path in paths:
        print(f"refreshing {path.relative_to(ROOT)}", flush=True)
        refresh(path)


if __name__ == "__main__":
    main(sys.argv[1:])
