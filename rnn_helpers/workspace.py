"""The learner's own folder, my-work/: a copy of the learner edition that git does not track.

    python -m rnn_helpers.workspace                # in the repository's folder: copy what is new
    python -m rnn_helpers.workspace --lab          # the same, then JupyterLab, serving my-work/ only
    python -m rnn_helpers.workspace --root DIR     # the repository is DIR (a hub's clone, say)

Every start copies into my-work/ each file of notebooks/learner/ that my-work/ does not have yet,
and never touches a file that is there: so the learner's work survives every update, and the
notebooks an update adds appear at the next start. my-work/ is listed in .gitignore, so `git pull`
(or nbgitpuller) never meets the learner's changes; and JupyterLab, started by --lab, serves
my-work/ alone, so it cannot rewrite the repository's notebooks (it adds metadata to every notebook
it opens and saves).
"""

import argparse
import os
import pathlib
import shutil
import sys

__all__ = ["LEARNER", "WORK", "FIRST", "copy_new", "lab_command", "main"]

LEARNER = pathlib.Path("notebooks", "learner")     # the learner edition, inside the repository
WORK = pathlib.Path("my-work")                      # the learner's folder, inside the repository
FIRST = "01_data.ipynb"                             # the notebook JupyterLab opens


def copy_new(source, dest):
    """Copy each file of the folder source that dest does not have yet into dest (made if needed).

    source, dest: folders (str or pathlib.Path). Never overwrites or deletes a file in dest; skips
    sub-folders and hidden files of source. Returns the sorted names copied.
    Raises FileNotFoundError naming source when it is not a folder.
    """
    source, dest = pathlib.Path(source), pathlib.Path(dest)
    if not source.is_dir():
        raise FileNotFoundError(f"source must be the learner edition's folder, but {source} is not a "
                                "folder: run this in the course repository's folder, or give --root.")
    dest.mkdir(parents=True, exist_ok=True)
    copied = []
    for path in sorted(source.iterdir()):
        if not path.is_file() or path.name.startswith("."):
            continue
        target = dest / path.name
        try:
            with open(target, "xb") as out:          # "x": fails if the file exists, never replaces it
                out.write(path.read_bytes())
        except FileExistsError:
            continue
        shutil.copystat(path, target)
        copied.append(path.name)
    return copied


def lab_command(work, extra=()):
    """The command that starts JupyterLab serving the folder work only, opening FIRST: (argv, cwd)."""
    work = pathlib.Path(work)
    argv = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={work.resolve()}", *extra]
    if (work / FIRST).exists():
        argv.append(FIRST)
    return argv, work


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m rnn_helpers.workspace",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=".", help="the course repository's folder (default: here)")
    parser.add_argument("--lab", action="store_true",
                        help="then start JupyterLab in my-work/ (any further arguments go to it, "
                             "e.g. --allow-root)")
    args, extra = parser.parse_known_args(argv)
    if extra and not args.lab:
        parser.error(f"unrecognised arguments: {' '.join(extra)} (they are for JupyterLab: add --lab)")
    root = pathlib.Path(args.root)
    work = root / WORK
    try:
        copied = copy_new(root / LEARNER, work)
    except FileNotFoundError as err:
        print(err, file=sys.stderr)
        return 2
    if copied:
        print(f"my-work/: copied {len(copied)} new file{'s' if len(copied) > 1 else ''} from the "
              f"learner edition ({', '.join(copied)}); files already there are never overwritten.")
    else:
        print("my-work/: up to date (files already there are never overwritten).")
    if args.lab:
        command, cwd = lab_command(work, extra)
        sys.stdout.flush()
        os.chdir(cwd)
        os.execv(command[0], command)
    return 0


if __name__ == "__main__":
    sys.exit(main())
