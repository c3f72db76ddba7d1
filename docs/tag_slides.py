"""Mark a notebook's slide boundaries (cell metadata `slideshow.slide_type`) by one fixed rule.

These tags are for presenting from JupyterLab (RISE, or View > Presentation Mode). The built slides
do not follow them: docs/build.py cuts each deck with docs/slide_layout.py, which also measures
heights so that every slide fits 1280 x 720 (and keeps only the "notes" and "skip" types set here).

    python docs/tag_slides.py notebooks/03_bptt.py [more .py files]      # write the tags
    python docs/tag_slides.py --check notebooks/03_bptt.py               # only say what would change

The rule, cell by cell, in order:

1. the first cell (the notebook's title) starts a slide;
2. a markdown cell whose first line starts with "# " or "## " starts a slide;
3. a markdown cell whose first line starts with "### " starts a subslide (reveal.js shows subslides
   below their slide: press the down arrow, or the space bar to go through everything in order);
4. a markdown cell that follows a code cell starts a subslide: each screen is some text and the
   code (with its output) that it introduces;
5. a code cell that draws a figure (its stored output in the paired .ipynb has an image) starts a
   subslide, so that the figure gets the screen, unless the cell just before it started a slide or
   subslide itself (a heading or a short text and its figure stay together);
6. a cell tagged "solution" (an exercise's answer, left out of the learner edition) starts a
   subslide, unless the cell before it is a solution too: an answer is never on the screen that
   sets the exercise;
7. every other cell continues the current slide (slide type "-").

A cell that already has the type "skip" (not shown) or "notes" (speaker notes, key S) keeps it, so
that hand-made choices survive a re-run; every other type is set by the rule.

The script edits the jupytext .py file (the file teachers edit): it writes each cell's
`slideshow` metadata and makes the header keep it (cell_metadata_filter "-all" becomes
"slideshow,-all", "tags,-all" becomes "slideshow,tags,-all"). Then
bring the .ipynb in line, keeping its outputs, and check:

    jupytext --sync notebooks/03_bptt.ipynb      (or: python tests/refresh_notebooks.py notebooks/03_bptt.py)
    python -m pytest tests/test_notebooks.py

"""

import argparse
import pathlib
import sys

KEEP = ("skip", "notes")          # hand-made types that the rule never overrides


def keep_slideshow(metadata_filter):
    """The jupytext cell_metadata_filter, changed (if needed) so that the .py keeps `slideshow`."""
    if metadata_filter is None:                  # jupytext's default keeps it
        return None
    parts = [p.strip() for p in metadata_filter.split(",") if p.strip() and p.strip() != "-slideshow"]
    if "slideshow" not in parts and ("-all" in parts or not parts):
        parts.insert(0, "slideshow")
    return ",".join(parts) or None


def first_line(cell):
    source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
    return source.lstrip("\n").split("\n", 1)[0]


def draws_figure(cell):
    return any(mime.startswith("image/") for out in cell.get("outputs", [])
               for mime in out.get("data", {}))


def slide_types(cells):
    """The slide type of each cell by the rule above (cells: nbformat cells, with outputs if any)."""
    types, previous_started, previous_type, previous_solution = [], False, None, False
    for index, cell in enumerate(cells):
        current = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
        solution = "solution" in cell.get("metadata", {}).get("tags", [])
        line = first_line(cell)
        if current in KEEP:
            kind = current
        elif index == 0:
            kind = "slide"
        elif cell["cell_type"] == "markdown" and (line.startswith("# ") or line.startswith("## ")):
            kind = "slide"
        elif cell["cell_type"] == "markdown" and line.startswith("### "):
            kind = "subslide"
        elif cell["cell_type"] == "markdown" and previous_type == "code":
            kind = "subslide"
        elif cell["cell_type"] == "code" and draws_figure(cell) and not previous_started:
            kind = "subslide"
        elif solution and not previous_solution:
            kind = "subslide"
        else:
            kind = "-"
        types.append(kind)
        if kind not in KEEP:
            previous_started = kind in ("slide", "subslide")
            previous_type = cell["cell_type"]
            previous_solution = solution
    return types


def tag(py_path, check=False):
    """Tag the cells of one jupytext py:percent file; return the number of cells whose type changed."""
    import jupytext

    py_path = pathlib.Path(py_path)
    if py_path.suffix == ".ipynb":
        py_path = py_path.with_suffix(".py")
    notebook = jupytext.read(py_path)
    ipynb = py_path.with_suffix(".ipynb")
    if ipynb.exists():          # the .py has no outputs: take them from the paired notebook
        stored = jupytext.read(ipynb)
        same = len(stored.cells) == len(notebook.cells) and all(
            a.cell_type == b.cell_type and a.source == b.source
            for a, b in zip(stored.cells, notebook.cells))
        if not same:
            raise ValueError(f"{py_path} and {ipynb.name} disagree: sync them first "
                             f"(python tests/refresh_notebooks.py {py_path}); nothing written")
        for cell, stored_cell in zip(notebook.cells, stored.cells):
            if cell.cell_type == "code":
                cell["outputs"] = stored_cell.get("outputs", [])
    changed = 0
    for cell, kind in zip(notebook.cells, slide_types(notebook.cells)):
        if cell.metadata.get("slideshow", {}).get("slide_type") != kind:
            changed += 1
            cell.metadata["slideshow"] = {"slide_type": kind}
            # keys in the order the .ipynb stores them (sorted), so that the pair stays identical
            cell.metadata = type(cell.metadata)(sorted(cell.metadata.items()))
    jupytext_meta = notebook.metadata.setdefault("jupytext", {})
    new_filter = keep_slideshow(jupytext_meta.get("cell_metadata_filter"))
    filter_changed = jupytext_meta.get("cell_metadata_filter") != new_filter
    starts = sum(cell.metadata["slideshow"]["slide_type"] in ("slide", "subslide")
                 for cell in notebook.cells)
    verb = "would change" if check else "changed"
    print(f"{py_path}: {len(notebook.cells)} cells, {starts} slides and subslides; "
          f"{verb} {changed} cell types" + (" and the header's metadata filter" if filter_changed else ""))
    if not check and (changed or filter_changed):
        if new_filter is not None:
            jupytext_meta["cell_metadata_filter"] = new_filter
        jupytext.write(notebook, py_path, fmt="py:percent")
    return changed + filter_changed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", help="notebooks/NN_name.py (or its .ipynb)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if a file's tags differ from the rule")
    args = parser.parse_args(argv)
    pending, failed, written = 0, [], []
    for path in args.files:
        try:
            changed = tag(path, check=args.check)
        except ValueError as error:
            print(error, file=sys.stderr)
            failed.append(path)
            continue
        pending += changed
        if changed:
            written.append(str(pathlib.Path(path).with_suffix(".ipynb")))
    if written and not args.check:
        print("now run: jupytext --sync " + " ".join(written))
    if failed or (args.check and pending):
        sys.exit(1)


if __name__ == "__main__":
    main()
