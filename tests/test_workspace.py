"""rnn_helpers.workspace: the learner's own folder, my-work/, survives every update.

A learner is simulated with real git: the README's first command's copy step in a clone, edits in
my-work/, an upstream change to that very notebook (and a new notebook), `git pull`, the next start.
The pull must succeed and the learner's work must be byte-identical; the new notebook must appear.
"""

import pathlib
import shutil
import subprocess
import sys

import pytest

from rnn_helpers import workspace

ROOT = pathlib.Path(__file__).resolve().parent.parent
GIT = shutil.which("git")
ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
       "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_CONFIG_NOSYSTEM": "1", "HOME": "/nonexistent",
       "PATH": "/usr/bin:/bin"}


def git(cwd, *args):
    return subprocess.run([GIT, "-c", "init.defaultBranch=main", "-c", "pull.rebase=false", *args],
                          cwd=cwd, env=ENV, capture_output=True, text=True)


def start(root):
    """The README's first command's copy step, as a learner runs it (a fresh process)."""
    done = subprocess.run([sys.executable, "-m", "rnn_helpers.workspace", "--root", str(root)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_copy_new_copies_only_what_is_missing_and_never_overwrites(tmp_path):
    source, dest = tmp_path / "learner", tmp_path / "work"
    source.mkdir()
    (source / "01_data.ipynb").write_bytes(b"one")
    (source / "notation.md").write_bytes(b"symbols")
    (source / ".ipynb_checkpoints").mkdir()
    assert workspace.copy_new(source, dest) == ["01_data.ipynb", "notation.md"]
    (dest / "01_data.ipynb").write_bytes(b"my work")
    (source / "01_data.ipynb").write_bytes(b"one, updated")
    (source / "02_forward.ipynb").write_bytes(b"two")
    assert workspace.copy_new(source, dest) == ["02_forward.ipynb"]
    assert (dest / "01_data.ipynb").read_bytes() == b"my work"
    assert sorted(p.name for p in dest.iterdir()) == ["01_data.ipynb", "02_forward.ipynb", "notation.md"]
    with pytest.raises(FileNotFoundError, match="source must be"):
        workspace.copy_new(tmp_path / "nowhere", dest)


def test_the_command_says_what_it_copied_and_fails_clearly_outside_the_repository(tmp_path):
    (tmp_path / "notebooks" / "learner").mkdir(parents=True)
    (tmp_path / "notebooks" / "learner" / "01_data.ipynb").write_text("{}")
    assert "copied 1 new file" in start(tmp_path)
    assert "up to date" in start(tmp_path)
    done = subprocess.run([sys.executable, "-m", "rnn_helpers.workspace", "--root", str(tmp_path / "x")],
                          capture_output=True, text=True)
    assert done.returncode == 2 and "--root" in done.stderr


def test_jupyterlab_serves_my_work_only(tmp_path):
    work = tmp_path / "my-work"
    work.mkdir()
    (work / workspace.FIRST).write_text("{}")
    argv, cwd = workspace.lab_command(work, ["--allow-root"])
    assert argv[:3] == [sys.executable, "-m", "jupyterlab"] and cwd == work
    assert f"--ServerApp.root_dir={work.resolve()}" in argv and "--allow-root" in argv
    assert argv[-1] == workspace.FIRST


def test_my_work_is_ignored_by_git_and_named_in_the_readme():
    assert "my-work/" in (ROOT / ".gitignore").read_text().splitlines()
    readme = (ROOT / "README.md").read_text()
    first_command = next(line for line in readme.splitlines() if line.startswith("python3.11 -m venv"))
    assert first_command.endswith("python -m rnn_helpers.workspace --lab")
    start_script = (ROOT / "binder" / "start").read_text()
    assert "python -m rnn_helpers.workspace" in start_script and 'exec "$@"' in start_script


@pytest.mark.skipif(GIT is None, reason="needs git")
def test_a_learners_work_survives_an_upstream_change_to_that_notebook(tmp_path):
    upstream, clone = tmp_path / "upstream", tmp_path / "learner"
    learner_edition = upstream / "notebooks" / "learner"
    learner_edition.mkdir(parents=True)
    for name in ("01_data.ipynb", "02_forward.ipynb", "notation.md"):
        shutil.copy(ROOT / "notebooks" / "learner" / name, learner_edition / name)
    shutil.copy(ROOT / ".gitignore", upstream / ".gitignore")
    assert git(upstream, "init", "-q").returncode == 0
    git(upstream, "add", "-A")
    assert git(upstream, "commit", "-qm", "course").returncode == 0
    assert git(tmp_path, "clone", "-q", str(upstream), str(clone)).returncode == 0

    start(clone)                                              # the first command's copy step
    mine = clone / "my-work" / "02_forward.ipynb"
    work = mine.read_bytes().replace(b"raise NotImplementedError", b"return 0  # my attempt", 1)
    mine.write_bytes(work)                                    # the learner's edits, saved
    (clone / "my-work" / "notes.txt").write_text("my own file")
    assert git(clone, "status", "--porcelain").stdout == "", "git sees the learner's folder"

    edited = learner_edition / "02_forward.ipynb"             # upstream changes that notebook
    edited.write_bytes(edited.read_bytes().replace(b"Exercise A", b"Exercise A (revised)"))
    shutil.copy(ROOT / "notebooks" / "learner" / "03_bptt.ipynb", learner_edition / "03_bptt.ipynb")
    git(upstream, "add", "-A")
    assert git(upstream, "commit", "-qm", "update").returncode == 0

    pulled = git(clone, "pull", "-q")
    assert pulled.returncode == 0, pulled.stderr
    assert (clone / "notebooks" / "learner" / "02_forward.ipynb").read_bytes() == edited.read_bytes()
    said = start(clone)                                        # the next start
    assert "03_bptt.ipynb" in said
    assert mine.read_bytes() == work, "the learner's work changed"
    assert (clone / "my-work" / "notes.txt").read_text() == "my own file"
    assert (clone / "my-work" / "03_bptt.ipynb").read_bytes() == \
        (learner_edition / "03_bptt.ipynb").read_bytes()
