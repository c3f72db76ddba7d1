"""The grader (python -m rnn_helpers.grade) on made-up submissions of every kind (tests/grade_kit.py):
each gets its row and status; hostile ones are stopped, blocked or seen through; the outputs
(grades.csv, gradebook.csv, feedback, summary) say what the rows say.

The quick lane grades ten small submissions at once; the hostile ones (an endless loop that must
time out, a memory bomb, file vandals, network calls, patched numpy) are marked slow.
"""

import csv
import os
import pathlib
import sys

import nbformat
import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import grade_kit  # noqa: E402

from rnn_helpers.exercises import EXERCISES  # noqa: E402
from rnn_helpers.grade import Limits, grade, judge, kernel, report, submissions  # noqa: E402
from rnn_helpers.grade.__main__ import main  # noqa: E402

QUICK = ["passed", "mistake", "not_attempted", "error", "empty", "corrupt", "foreign",
         "older_edition", "package_own", "fake_verdict"]
HOSTILE = ["passed", "endless_loop", "memory_bomb", "file_writer", "network", "patched_checks",
           "numpy_patched", "uses_package_step", "patched_display", "forged_result"]


def _submit(kinds, folder, outside=None):
    """Write the submissions; a learner's folder for each (a bare file for the unreadable ones)."""
    paths = []
    for kind in kinds:
        path = grade_kit.make(kind, folder, outside=outside)
        paths.append(str(path.parent))
    return paths


def _by_learner(rows):
    found = {}
    for row in rows:
        found.setdefault(row["learner"], {})[row["exercise"]] = (row["status"], row["mistake"])
    return found


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    paths = _submit(QUICK, folder / "submissions")
    out = folder / "out"
    said = []
    rows = grade(paths, out, limits=Limits(seconds=30, memory_mb=768), workers=2, say=said.append)
    return rows, out, said, folder


@pytest.mark.parametrize("kind", QUICK)
def test_each_quick_submission_gets_its_rows(quick, kind):
    rows, _, _, _ = quick
    assert _by_learner(rows)[kind] == grade_kit.KINDS[kind], [r for r in rows if r["learner"] == kind]


def test_messages_say_what_the_learner_would_see_and_why(quick):
    rows, _, _, _ = quick
    by = {(r["learner"], r["exercise"]): r["message"] for r in rows}
    assert "It looks like W is used transposed" in by["mistake", "step_forward"]
    assert by["not_attempted", "forward"].startswith("not implemented yet")
    assert "IndexError" in by["error", "step_forward"]
    assert "SyntaxError" in by["error", "forward"] and "never defined" in by["error", "forward"]
    assert "empty" in by["empty", ""]
    assert "not a Jupyter notebook" in by["corrupt", ""]
    assert "older learner edition" in by["older_edition", "forward"]
    assert "package's own rnn_helpers.cells.rnn.step_forward" in by["package_own", "step_forward"]


def test_the_grader_says_its_progress_per_notebook(quick):
    _, _, said, _ = quick
    assert said[0].startswith("Grading 10 notebooks of 10 learners, 2 at a time")
    progress = [line for line in said if line.startswith("[")]
    assert len(progress) == 10 and progress[-1].startswith("[10/10]")
    assert said[-1].startswith("Done in")


def test_grades_csv_has_the_columns_and_one_row_per_learner_and_exercise(quick):
    rows, out, _, _ = quick
    with open(out / "grades.csv", newline="", encoding="utf-8") as f:
        table = list(csv.DictReader(f))
    assert tuple(table[0]) == report.COLUMNS
    assert len(table) == len(rows) == sum(len(grade_kit.KINDS[k]) for k in QUICK)
    assert {r["status"] for r in table} <= set(report.STATUSES) | {"unreadable", "not a course notebook"}
    assert {(r["learner"], r["exercise"]) for r in table} == {(r["learner"], r["exercise"]) for r in rows}


def test_gradebook_has_one_row_per_learner_with_passes(quick):
    _, out, _, _ = quick
    with open(out / "gradebook.csv", newline="", encoding="utf-8") as f:
        book = {r["learner"]: r for r in csv.DictReader(f)}
    assert set(book) == set(QUICK)
    assert book["passed"]["step_forward"] == "1" and book["passed"]["passed"] == "2"
    assert book["mistake"]["step_forward"] == "0" and book["older_edition"]["passed"] == "1"
    assert book["empty"]["passed"] == "0"


def test_feedback_file_per_learner(quick):
    _, out, _, _ = quick
    files = {p.stem for p in (out / "feedback").glob("*.md")}
    assert files == set(QUICK)
    text = (out / "feedback" / "mistake.md").read_text()
    assert "`step_forward`: **wrong**" in text and "transposed" in text


def test_summary_counts_passes_and_mistakes(quick):
    rows, out, _, _ = quick
    text = (out / "summary.md").read_text()
    passes = sum(r["status"] == "passed" for r in rows if r["exercise"] == "step_forward")
    graded = sum(1 for r in rows if r["exercise"] == "step_forward")
    assert f"| step_forward | {passes} of {graded} |" in text
    mistakes = sum(r["mistake"] == "transposed_W" for r in rows if r["exercise"] == "step_forward")
    assert f"- step_forward: transposed_W ({mistakes})" in text or \
        f"transposed_W ({mistakes})" in text.split("- step_forward:")[1].splitlines()[0]
    assert "Unchanged" in text


def test_a_learners_result_does_not_depend_on_the_others(quick, tmp_path):
    rows, _, _, folder = quick
    alone = grade([str(folder / "submissions" / "passed")], tmp_path / "out",
                  limits=Limits(seconds=30, memory_mb=768), workers=1, say=lambda line: None)
    assert _by_learner(alone) == {"passed": _by_learner(rows)["passed"]}


# ---- hostile submissions ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    outside = folder / "outside"
    outside.mkdir()
    (outside / "canary.txt").write_text("still here")
    paths = _submit(HOSTILE, folder / "submissions", outside=outside)
    out = folder / "out"
    rows = grade(paths, out, limits=Limits(seconds=10, memory_mb=512), workers=2, say=lambda line: None)
    return rows, out, folder


@pytest.mark.slow
@pytest.mark.parametrize("kind", HOSTILE)
def test_each_hostile_submission_gets_its_rows(hostile, kind):
    rows, _, _ = hostile
    assert _by_learner(rows)[kind] == grade_kit.KINDS[kind], [r for r in rows if r["learner"] == kind]


@pytest.mark.slow
def test_file_vandal_changed_nothing_outside_its_folder(hostile):
    rows, out, folder = hostile
    outside = folder / "outside"
    assert sorted(p.name for p in outside.iterdir()) == ["canary.txt"]
    assert (outside / "canary.txt").read_text() == "still here"
    assert not list(folder.rglob("escaped.txt")) and not list(folder.rglob("mine.txt"))
    vandal = [r for r in rows if r["learner"] == "file_writer"][0]
    assert "The grader blocked changing files outside its folder" in vandal["message"]
    assert "Unchanged" in (out / "summary.md").read_text()


@pytest.mark.slow
def test_network_calls_are_blocked_not_hung(hostile):
    rows, out, _ = hostile
    net = [r for r in rows if r["learner"] == "network"]
    assert all(r["status"] == "passed" for r in net), "it finished within its time limit"
    assert all("The grader blocked network access" in r["message"] for r in net)
    blocked = (out / "summary.md").read_text().split("## What the grader blocked")[1]
    assert "- network, 02_forward: " in blocked and "network access" in blocked


@pytest.mark.slow
def test_endless_loop_and_memory_bomb_say_what_stopped_them(hostile):
    rows, _, _ = hostile
    by = {(r["learner"], r["exercise"]): r["message"] for r in rows}
    assert "did not finish within 10 s" in by["endless_loop", "step_forward"]
    assert "MemoryError" in by["memory_bomb", "step_forward"]
    assert "numpy.any" in by["numpy_patched", "step_forward"]


# ---- the parts --------------------------------------------------------------------------------

def test_course_map_comes_from_the_registry_and_the_learner_edition():
    course = submissions.course_map()
    assert course["02_forward"] == ["step_forward", "forward"]
    found = [name for names in course.values() for name in names]
    assert sorted(found) == sorted(EXERCISES), "every registered exercise is in a notebook"


def test_course_map_without_an_edition_names_the_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="edition"):
        submissions.course_map(tmp_path)


def test_only_exercise_and_definition_cells_run(tmp_path):
    nb = grade_kit.notebook(grade_kit.RIGHT_STEP, grade_kit.RIGHT_FORWARD,
                            extra_cells=["def helper(x):\n    return x", "train_for_an_hour()",
                                         "%timeit step_forward\ndef forward(params, X):\n    pass"])
    path = tmp_path / "02_forward.ipynb"
    nbformat.write(nb, path)
    notebook = submissions.read_notebook(path, submissions.course_map())
    sources = [source for _, source in submissions.runnable_cells(notebook)]
    assert [s.split("\n")[0] for s in sources] == [
        "def step_forward(x_t, s_prev, params, activation=\"sigmoid\"):",
        "def forward(params, X, activation=\"sigmoid\", s0=None):", "def helper(x):", "%timeit step_forward"]
    assert not any("exercises.check_" in s or "print" in s for s in sources)


@pytest.mark.parametrize("name, expected", [("alice_02_forward.ipynb", "02_forward"),
                                            ("02_forward (1).ipynb", "02_forward"),
                                            ("homework.ipynb", "02_forward")])
def test_notebooks_are_recognised_by_banner_name_or_exercises(tmp_path, name, expected):
    nb = grade_kit.notebook(grade_kit.RIGHT_STEP, banner=False)
    path = tmp_path / name
    nbformat.write(nb, path)
    assert submissions.read_notebook(path, submissions.course_map()).stem == expected


def test_find_submissions_one_learner_per_file_or_folder(tmp_path):
    (tmp_path / "bob" / ".ipynb_checkpoints").mkdir(parents=True)
    (tmp_path / "bob" / "02_forward.ipynb").write_text("{}")
    (tmp_path / "bob" / ".ipynb_checkpoints" / "02_forward-checkpoint.ipynb").write_text("{}")
    (tmp_path / "carol_02_forward.ipynb").write_text("{}")
    found = submissions.find_submissions([tmp_path / "bob", tmp_path / "carol_02_forward.ipynb"])
    assert [(learner, [p.name for p in nbs]) for learner, nbs in found] == [
        ("bob", ["02_forward.ipynb"]), ("carol_02_forward", ["carol_02_forward.ipynb"])]
    with pytest.raises(FileNotFoundError, match="nobody"):
        submissions.find_submissions([tmp_path / "nobody"])


def test_package_code_keys_cover_the_reference_and_its_core_not_other_exercises():
    import rnn_helpers as rh
    import rnn_helpers.rnn as rnn
    references = [ref for _, ref in EXERCISES.values()]
    keys = judge.package_code_keys(rnn.step_forward, references)
    names = {key[2] for key in keys}
    assert names == {"step_forward", "_step_forward"}
    forward_names = {key[2] for key in judge.package_code_keys(rnn.forward, references)}
    assert "forward" in forward_names and "step_forward" not in forward_names
    norm_names = {key[2] for key in judge.package_code_keys(rh.clip_global_norm, references)}
    assert "clip_global_norm" in norm_names and "global_norm" not in norm_names, "a tool learners use"


def test_guard_refuses_writes_outside_network_and_processes_once_locked(tmp_path):
    hook = kernel.make_guard(str(tmp_path))
    hook("open", ("/etc/passwd-copy", "w", 0))            # not locked yet: the kernel starts
    hook(kernel.LOCK_EVENT, ())
    hook("open", (str(tmp_path / "mine.txt"), "w", 0))      # inside: fine
    hook("open", ("/etc/hosts", "r", os.O_RDONLY))          # reading: fine
    for event, args in [("open", ("/tmp/elsewhere.txt", "w", 0)),
                        ("open", (str(tmp_path / ".." / "x"), None, os.O_WRONLY | os.O_CREAT)),
                        ("os.remove", ("/tmp/canary", -1)),
                        ("os.rename", (str(tmp_path / "a"), "/tmp/b", -1, -1)),
                        ("socket.connect", (None, ("example.com", 80))),
                        ("socket.getaddrinfo", ("example.com", 80, 0, 0, 0)),
                        ("subprocess.Popen", ("curl", ["curl"], None, None)),
                        ("os.system", (b"rm -rf ~",))]:
        with pytest.raises(PermissionError, match="the grader blocks"):
            hook(event, args)
    log = []
    hook(kernel.REPORT_EVENT, (log,))
    assert [entry["kind"] for entry in log][:3] == ["writing files outside its folder"] * 2 + \
        ["changing files outside its folder"]
    assert any(entry["kind"] == "network access" for entry in log)


def test_command_line_rejects_bad_arguments_clearly(tmp_path, capsys):
    for argv, words in [([str(tmp_path / "nobody"), "--out", str(tmp_path / "o")], "does not exist"),
                        ([str(tmp_path), "--out", str(tmp_path / "o"), "--time-limit", "0"], "--time-limit"),
                        ([str(tmp_path), "--out", str(tmp_path / "o"), "--memory-mb", "10"], "--memory-mb")]:
        with pytest.raises(SystemExit) as stop:
            main(argv)
        assert stop.value.code == 2
        assert words in capsys.readouterr().err


def test_grade_and_limits_reject_bad_arguments_naming_them(tmp_path):
    with pytest.raises(TypeError, match="paths must be a list"):
        grade(str(tmp_path), tmp_path / "out")
    with pytest.raises(TypeError, match="limits must be"):
        grade([str(tmp_path)], tmp_path / "out", limits=10)
    for kwargs, name in [({"seconds": 0}, "seconds"), ({"seconds": "60"}, "seconds"),
                         ({"memory_mb": 100}, "memory_mb"), ({"memory_mb": True}, "memory_mb"),
                         ({"startup_seconds": -1}, "startup_seconds")]:
        with pytest.raises(ValueError, match=name):
            Limits(**kwargs)


def test_results_file_keeps_only_one_line_per_exercise_with_the_runs_nonce(tmp_path):
    from rnn_helpers.grade.runner import _results
    good = '{"exercise": "step_forward", "status": "passed", "nonce": "abc", "blocked": []}'
    path = tmp_path / "results.jsonl"
    path.write_text(good + "\n")
    results, _, tampered = _results(path, "abc", ["step_forward", "forward"])
    assert not tampered and results["step_forward"]["status"] == "passed"
    for extra in (good, good.replace("abc", "xyz"), "not json", '["a list"]',
                  good.replace("step_forward", "clip_elementwise")):
        path.write_text(good + "\n" + extra + "\n")
        results, _, tampered = _results(path, "abc", ["step_forward", "forward"])
        assert tampered and results == {}, extra
    assert _results(tmp_path / "missing.jsonl", "abc", ["forward"]) == ({}, [], False)


def test_guard_writes_results_only_to_its_own_descriptor(tmp_path):
    path = tmp_path / "results.jsonl"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    try:
        hook = kernel.make_guard(str(tmp_path / "run"), fd)
        hook(kernel.RESULT_EVENT, ('{"a": 1}\nsecond line',))
        hook(kernel.RESULT_EVENT, (b"not text",))
    finally:
        os.close(fd)
    assert path.read_text() == '{"a": 1} second line\n'
