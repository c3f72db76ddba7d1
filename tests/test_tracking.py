"""A learner's progress (rnn_helpers.exercises.tracking): each check records its verdict, progress()
shows every exercise of the course, and no state of the progress file can break a check.
"""

import json
import os
import stat

import pytest

import rnn_helpers as rh
from rnn_helpers import exercises
from rnn_helpers.exercises import EXERCISES, tracking


@pytest.fixture
def progress_file(tmp_path, monkeypatch):
    path = tmp_path / tracking.FILENAME
    monkeypatch.setenv(tracking.ENV, str(path))
    monkeypatch.setattr(tracking, "_said", set())
    return path


def transposed_step_forward(x_t, s_prev, params, activation="sigmoid"):
    z = x_t @ params["U"].T + s_prev @ params["W"] + params.get("b", 0.0)
    return rh.activate(z, activation)


def raising_step_backward(ds_t, x_t, s_prev, s_t, params, activation="sigmoid"):
    return x_t[99]


def stub(*args, **kwargs):
    raise NotImplementedError("Exercise A")


def _entries(path):
    data = json.loads(path.read_text())
    assert data["format"] == tracking.FORMAT
    return data["exercises"]


def test_each_check_records_its_outcome_with_the_time(progress_file):
    exercises.check_step_forward(transposed_step_forward)
    exercises.check_forward(rh.forward)
    exercises.check_backward(stub)
    exercises.check_step_backward(raising_step_backward)
    exercises.check_clip_elementwise(lambda: None)          # cannot be called as the package's
    entries = _entries(progress_file)
    assert entries["step_forward"]["status"] == "wrong"
    assert entries["step_forward"]["mistake"] == "transposed_W"
    assert "transposed" in entries["step_forward"]["message"]
    assert entries["forward"]["status"] == "passed" and entries["forward"]["first_passed"]
    assert entries["backward"]["status"] == "not attempted"
    assert entries["step_backward"]["status"] == "error"
    assert entries["clip_elementwise"]["status"] == "error"
    assert all(e["time"].endswith("+00:00") for e in entries.values())
    exercises.check_forward(stub)                       # a later try replaces the state ...
    entries = _entries(progress_file)
    assert entries["forward"]["status"] == "not attempted"
    assert entries["forward"]["first_passed"], "... but remembers that it passed before"


def test_a_wrong_answer_without_a_known_mistake_is_wrong_with_no_mistake(progress_file):
    exercises.check_step_forward(lambda x_t, s_prev, params, activation="sigmoid":
                                 rh.step_forward(x_t, s_prev, params, activation) + 1e-3)
    entry = _entries(progress_file)["step_forward"]
    assert entry["status"] == "wrong" and entry["mistake"] is None


def test_classify_names_every_registered_mistake():
    """Each deliberately wrong variant, checked as if a learner wrote it, is classified as itself
    (or as a mistake that gives the very same outputs, whose hint the check shows at level 2)."""
    from rnn_helpers.exercises import implement
    from rnn_helpers.exercises.engine import run_check
    for ex in (implement._STEP_FORWARD, implement._BACKWARD, implement._CLIP_GLOBAL_NORM):
        for name, variant in ex.mistakes.items():
            for level in (1, 2):
                verdict = run_check(ex, variant, hint=level)
                outcome = tracking.classify(ex, verdict)
                assert outcome.status == "wrong", (ex.name, name, verdict.message)
                assert outcome.mistake is not None, (ex.name, name, verdict.message)
                if level == 2:
                    assert ex.hints[outcome.mistake] in verdict.message


def test_progress_lists_every_exercise_of_the_registry_with_its_notebook(progress_file):
    for nb in ("02_forward", "04_clipping"):
        (progress_file.parent / f"{nb}.ipynb").write_text(
            (rh_root() / "notebooks" / "learner" / f"{nb}.ipynb").read_text())
    exercises.check_forward(rh.forward)
    exercises.check_step_forward(transposed_step_forward)
    table = exercises.progress()
    rows = {r["exercise"]: r for r in table.rows}
    assert list(rows) == [r["exercise"] for r in table.rows]
    assert set(rows) == set(EXERCISES), "every registered exercise has a row"
    assert rows["forward"]["state"] == "passed" and rows["forward"]["notebook"] == "02_forward.ipynb"
    assert rows["step_forward"]["state"] == "not yet: transposed W"
    assert rows["clip_global_norm"]["notebook"] == "04_clipping.ipynb"
    assert rows["clip_global_norm"]["state"] == "not started"
    assert rows["backward"]["notebook"] == "-", "its notebook is not in the folder"
    text = repr(table)
    assert text.startswith(f"Progress: 1 of {len(EXERCISES)} implement-it exercises passed")
    assert "step_forward" in table._repr_html_() and "<th scope=\"col\"" in table._repr_html_()


def test_a_new_exercise_in_the_registry_joins_the_table(progress_file, monkeypatch):
    monkeypatch.setitem(EXERCISES, "new_exercise", EXERCISES["forward"])
    names = [r["exercise"] for r in exercises.progress().rows]
    assert "new_exercise" in names


def rh_root():
    import pathlib
    return pathlib.Path(rh.__file__).resolve().parent.parent


# ---- the file's bad states -----------------------------------------------------------------------

def test_missing_file_is_started_silently(progress_file, capsys):
    assert not progress_file.exists()
    exercises.check_forward(rh.forward)
    assert capsys.readouterr().out == ""
    assert _entries(progress_file)["forward"]["status"] == "passed"
    assert "No check has been recorded" not in repr(exercises.progress())


@pytest.mark.parametrize("content, why", [
    (b"{not json", "is not valid JSON"),
    (b"\xff\xfe\x00garbage", "could not be read"),
    (json.dumps({"format": "rnn_helpers progress 0", "exercises": {}}).encode(),
     "another format ('rnn_helpers progress 0')"),
    (json.dumps([1, 2, 3]).encode(), "is not a progress file"),
    (json.dumps({"format": tracking.FORMAT, "exercises": [1]}).encode(), "is not a progress file"),
])
def test_unreadable_or_foreign_file_is_set_aside_and_said_once(progress_file, capsys, content, why):
    progress_file.write_bytes(content)
    verdict = exercises.check_forward(rh.forward)
    assert verdict.passed
    out = capsys.readouterr().out
    assert out.count("progress starts afresh") == 1 and why in out, out
    assert (progress_file.parent / (progress_file.name + ".unreadable")).read_bytes() == content
    assert _entries(progress_file)["forward"]["status"] == "passed"
    progress_file.write_bytes(content)                      # the same trouble again: said once only
    exercises.check_forward(rh.forward)
    assert capsys.readouterr().out == ""


def test_progress_of_an_unreadable_file_says_so_instead_of_raising(progress_file):
    progress_file.write_text("{broken")
    table = exercises.progress()
    assert all(r["state"] == "not started" for r in table.rows)
    assert any("is not valid JSON" in note for note in table.notes)
    assert "is not valid JSON" in repr(table)


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
def test_read_only_folder_leaves_progress_unrecorded_and_says_so_once(progress_file, capsys):
    folder = progress_file.parent
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        assert exercises.check_forward(rh.forward).passed
        assert exercises.check_forward(rh.forward).passed
        out = capsys.readouterr().out
        assert out.count("not being recorded") == 1, out
    finally:
        folder.chmod(stat.S_IRWXU)
    assert not progress_file.exists()


def test_write_failure_leaves_progress_unrecorded_and_says_so_once(progress_file, capsys, monkeypatch):
    """The read-only case for any user (root ignores a folder's permissions): the write fails."""
    def refuse(path, data):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(tracking, "_write_atomically", refuse)
    assert exercises.check_forward(rh.forward).passed
    assert exercises.check_forward(rh.forward).passed
    out = capsys.readouterr().out
    assert out.count("Your progress is not being recorded") == 1, out
    assert not progress_file.exists()


def test_recording_never_breaks_a_check(progress_file, monkeypatch):
    def broken(path):
        raise RuntimeError("disk on fire")
    monkeypatch.setattr(tracking, "read_progress", broken)
    assert exercises.check_forward(rh.forward).passed


def test_write_is_atomic_and_leaves_no_temporary_file(progress_file):
    for _ in range(3):
        exercises.check_forward(rh.forward)
    assert sorted(p.name for p in progress_file.parent.iterdir()) == [tracking.FILENAME]


def test_off_and_outside_a_kernel_nothing_is_recorded(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(tracking.ENV, "off")
    exercises.check_forward(rh.forward)
    monkeypatch.delenv(tracking.ENV)
    exercises.check_forward(rh.forward)                  # pytest is not a Jupyter kernel
    assert list(tmp_path.iterdir()) == []
    assert tracking.last_outcome("forward").status == "passed", "the outcome is kept in memory"


def test_the_learner_edition_ends_with_the_progress_cell():
    import nbformat
    for path in sorted((rh_root() / "notebooks" / "learner").glob("*.ipynb")):
        last = nbformat.read(path, as_version=4).cells[-1]
        assert last.cell_type == "code" and "exercises.progress()" in last.source, path.name


def test_the_file_holds_one_entry_per_exercise(progress_file):
    for name, (check, reference) in EXERCISES.items():
        check(reference)
        check(reference)
    entries = _entries(progress_file)
    assert set(entries) == set(EXERCISES)
    assert all(e["status"] == "passed" for e in entries.values())
