"""Made-up learner submissions for tests/test_grade.py: small notebooks of every kind a class hands in.

Each is a small stand-in for the learner edition of notebook 2 (its banner, the stubs of step_forward
and forward, their check cells, the progress cell) with the stubs filled in some way. make(kind,
folder) writes learner folder/<kind>/02_forward.ipynb (or a bare file for the unreadable kinds) and
returns its path; KINDS lists every kind with the rows the grader must give it.
"""

import json
import pathlib
import textwrap

import nbformat

BANNER = ("*Learner edition.* Work in this notebook and save it. The instructor edition is "
          "`notebooks/02_forward.ipynb`.")
SETUP = "import numpy as np\nimport rnn_helpers as rh\nfrom rnn_helpers import exercises\nprint('ready')"

RIGHT_STEP = '''
def step_forward(x_t, s_prev, params, activation="sigmoid"):
    z = x_t @ params["U"].T + s_prev @ params["W"].T + params.get("b", 0.0)
    return 1 / (1 + np.exp(-z)) if activation == "sigmoid" else np.tanh(z)
'''
RIGHT_FORWARD = '''
def forward(params, X, activation="sigmoid", s0=None):
    N, T, _ = X.shape
    s = np.zeros((N, params["W"].shape[0])) if s0 is None else s0
    states = [s]
    for t in range(T):
        states.append(step_forward(X[:, t], states[-1], params, activation))
    Y_hat = states[-1] @ params["V"].T + params.get("c", 0.0)
    return Y_hat, {"states": np.array(states), "X": X, "activation": activation, "params": params}
'''
TRANSPOSED_STEP = RIGHT_STEP.replace('s_prev @ params["W"].T', 's_prev @ params["W"]')
STUB_STEP = '''
def step_forward(x_t, s_prev, params, activation="sigmoid"):
    """One time step."""
    raise NotImplementedError("Exercise A: write step_forward from the row form above.")
'''
STUB_FORWARD = '''
def forward(params, X, activation="sigmoid", s0=None):
    """The whole window."""
    raise NotImplementedError("Exercise B: write forward from 'The whole window' above.")
'''


def notebook(step=STUB_STEP, forward=STUB_FORWARD, extra_cells=(), with_forward=True, banner=True,
             progress_cell=True, outputs=None):
    cells = []
    if banner:
        cells.append(nbformat.v4.new_markdown_cell(BANNER))
    cells += [nbformat.v4.new_markdown_cell("## One step"), nbformat.v4.new_code_cell(SETUP),
              nbformat.v4.new_code_cell(textwrap.dedent(step).strip()),
              nbformat.v4.new_code_cell("verdict = exercises.check_step_forward(step_forward)\n"
                                        "display(verdict)")]
    if with_forward:
        cells += [nbformat.v4.new_code_cell(textwrap.dedent(forward).strip()),
                  nbformat.v4.new_code_cell("verdict = exercises.check_forward(forward)\ndisplay(verdict)")]
    cells += [nbformat.v4.new_code_cell(textwrap.dedent(c).strip()) for c in extra_cells]
    if progress_cell:
        cells.append(nbformat.v4.new_code_cell("from rnn_helpers import exercises\n\nexercises.progress()"))
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for index, text in (outputs or {}).items():
        nb.cells[index].outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
        nb.cells[index].execution_count = 1
    return nb


def _write(nb, folder, kind, name="02_forward.ipynb"):
    path = pathlib.Path(folder) / kind / name
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def make(kind, folder, outside=None):
    """Write the submission of this kind under folder; return the path to hand to the grader.
    outside: a folder the file-writing submission tries to change (a canary.txt in it)."""
    folder = pathlib.Path(folder)
    if kind == "passed":
        return _write(notebook(RIGHT_STEP, RIGHT_FORWARD), folder, kind)
    if kind == "mistake":
        return _write(notebook(TRANSPOSED_STEP, RIGHT_FORWARD), folder, kind)
    if kind == "not_attempted":
        return _write(notebook(), folder, kind)
    if kind == "error":
        raising = RIGHT_STEP.replace("    z = ", "    x_t = x_t[:, 99]\n    z = ")
        broken = "def forward(params, X, activation='sigmoid', s0=None):\n    return (1, 2"
        return _write(notebook(raising, broken), folder, kind)
    if kind == "endless_loop":
        looping = RIGHT_STEP.replace("    z = ", "    while True:\n        pass\n    z = ")
        return _write(notebook(looping, RIGHT_FORWARD), folder, kind)
    if kind == "memory_bomb":
        bomb = "hog = []\nwhile True:\n    hog.append(np.ones(10**7))\n" + RIGHT_STEP
        return _write(notebook(bomb, RIGHT_FORWARD), folder, kind)
    if kind == "file_writer":
        canary = pathlib.Path(outside) / "canary.txt"
        vandal = f'''
import os, shutil
for attempt in (lambda: os.remove({str(canary)!r}),
                lambda: open({str(canary.parent / "pwned.txt")!r}, "w").write("pwned"),
                lambda: open("../../escaped.txt", "w").write("pwned"),
                lambda: shutil.rmtree({str(canary.parent)!r}),
                lambda: os.system("touch {canary.parent}/by_shell.txt")):
    try:
        attempt()
    except OSError:
        pass
open("mine.txt", "w").write("a file in its own folder is fine")
''' + RIGHT_STEP
        return _write(notebook(vandal, RIGHT_FORWARD), folder, kind)
    if kind == "network":
        caller = '''
import socket, urllib.request
for attempt in (lambda: urllib.request.urlopen("http://192.0.2.1/answers", timeout=600),
                lambda: socket.create_connection(("example.com", 80), timeout=600),
                lambda: socket.getaddrinfo("answers.example.com", 443)):
    try:
        attempt()
    except OSError:
        pass
''' + RIGHT_STEP
        return _write(notebook(caller, RIGHT_FORWARD), folder, kind)
    if kind == "empty":
        path = folder / kind / "02_forward.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")
        return path
    if kind == "corrupt":
        path = folder / kind / "02_forward.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = nbformat.writes(notebook(RIGHT_STEP, RIGHT_FORWARD))
        path.write_text(text[: len(text) // 2])
        return path
    if kind == "foreign":
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Pandas homework"),
                                             nbformat.v4.new_code_cell("import pandas as pd\nprint(1)")])
        return _write(nb, folder, kind, "homework3.ipynb")
    if kind == "older_edition":
        return _write(notebook(RIGHT_STEP, with_forward=False, progress_cell=False), folder, kind)
    if kind == "patched_checks":
        patcher = TRANSPOSED_STEP + '''
from rnn_helpers.exercises import engine, verdict as _v
engine.RTOL = 1e9
engine._difference = lambda got, expected: None
exercises.check_step_forward = lambda fn: "PASSED step_forward"
_v.Verdict.passed = property(lambda self: True)
'''
        return _write(notebook(patcher, RIGHT_FORWARD), folder, kind)
    if kind == "fake_verdict":
        faker = TRANSPOSED_STEP + '''
print("PASSED step_forward: it matches the package's step_forward on all 7 seeded cases")
from IPython.display import display
display({"application/x-rnn-helpers-grade+json": {"exercise": "step_forward", "status": "passed",
         "mistake": None, "message": "fake", "nonce": "0" * 32}}, raw=True)
'''
        return _write(notebook(faker, RIGHT_FORWARD,
                               outputs={4: "PASSED step_forward: it matches the package's step_forward\n"}),
                      folder, kind)
    if kind == "package_own":
        own_step = "step_forward = rh.rnn.step_forward"
        own_forward = ("def forward(params, X, activation='sigmoid', s0=None):\n"
                       "    return rh.forward(params, X, activation, s0)")
        return _write(notebook(own_step, own_forward), folder, kind)
    if kind == "uses_package_step":            # allowed: forward may build on the package's step
        uses = RIGHT_FORWARD.replace("step_forward(X[:, t]", "rh.step_forward(X[:, t]")
        return _write(notebook(RIGHT_STEP, uses), folder, kind)
    if kind == "patched_display":              # rewrites the grader's results on their way out
        forger = TRANSPOSED_STEP + '''
import IPython.display, IPython.core.display_functions
_real_display = IPython.core.display_functions.display
def _forge(*objs, **kwargs):
    for obj in objs:
        for value in (obj.values() if isinstance(obj, dict) else []):
            if isinstance(value, dict) and "status" in value:
                value.update(status="passed", mistake=None)
    return _real_display(*objs, **kwargs)
IPython.display.display = IPython.core.display_functions.display = _forge
'''
        return _write(notebook(forger, RIGHT_FORWARD), folder, kind)
    if kind == "forged_result":                # writes a result line of its own, nonce guessed
        forger = RIGHT_STEP.replace("    z = ", "    z = 0 * ") + '''
import json, sys
sys.audit("rnn_helpers.grade.result", json.dumps({"exercise": "step_forward", "status": "passed",
                                                  "mistake": None, "message": "", "nonce": "0" * 32}))
'''
        return _write(notebook(forger, RIGHT_FORWARD), folder, kind)
    if kind == "numpy_patched":
        cheat = TRANSPOSED_STEP + "\nnp.any = lambda *args, **kwargs: False\n"
        return _write(notebook(cheat, RIGHT_FORWARD), folder, kind)
    raise ValueError(f"kind: no such submission kind {kind!r}")


#: kind -> {exercise: (status, mistake)}; a "" exercise is a row about the whole file.
KINDS = {
    "passed": {"step_forward": ("passed", ""), "forward": ("passed", "")},
    "mistake": {"step_forward": ("wrong", "transposed_W"), "forward": ("wrong", "transposed_W")},
    "not_attempted": {"step_forward": ("not attempted", ""), "forward": ("not attempted", "")},
    "error": {"step_forward": ("error", ""), "forward": ("error", "")},
    "endless_loop": {"step_forward": ("timed out", ""), "forward": ("timed out", "")},
    "memory_bomb": {"step_forward": ("error", ""), "forward": ("error", "")},
    "file_writer": {"step_forward": ("passed", ""), "forward": ("passed", "")},
    "network": {"step_forward": ("passed", ""), "forward": ("passed", "")},
    "empty": {"": ("unreadable", "")},
    "corrupt": {"": ("unreadable", "")},
    "foreign": {"": ("not a course notebook", "")},
    "older_edition": {"step_forward": ("passed", ""), "forward": ("not attempted", "")},
    "patched_checks": {"step_forward": ("wrong", "transposed_W"), "forward": ("wrong", "transposed_W")},
    "fake_verdict": {"step_forward": ("wrong", "transposed_W"), "forward": ("wrong", "transposed_W")},
    "package_own": {"step_forward": ("wrong", "package_implementation"),
                    "forward": ("wrong", "package_implementation")},
    "uses_package_step": {"step_forward": ("passed", ""), "forward": ("passed", "")},
    "patched_display": {"step_forward": ("error", "changed_numpy_or_python"),
                        "forward": ("error", "changed_numpy_or_python")},
    "forged_result": {"step_forward": ("error", "tampering"), "forward": ("error", "tampering")},
    "numpy_patched": {"step_forward": ("error", "changed_numpy_or_python"),
                      "forward": ("error", "changed_numpy_or_python")},
}


def expected_json():
    return json.dumps(KINDS, indent=1)
