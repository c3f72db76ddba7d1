"""Write figures' alt text into the notebooks' jupytext files (cell metadata mystnb.image.alt).

    python docs/set_alt_text.py ALTS.py      # ALTS = {("NN_name", cell index): "text", ...}

myst-nb reads `mystnb: image: alt:` for the site; docs/build.py puts the same text into the slides.
The .py header's cell_metadata_filter is extended to keep `mystnb`; then run
tests/refresh_notebooks.py on the changed notebooks (the .ipynb takes the metadata from the .py).
"""

import pathlib
import runpy
import sys

import jupytext

ROOT = pathlib.Path(__file__).resolve().parent.parent


def keep_key(metadata_filter, key):
    parts = [p for p in (metadata_filter or "").split(",") if p]
    if metadata_filter is None or key in parts:
        return metadata_filter
    return ",".join([key] + parts)


def main(argv=None):
    alts = runpy.run_path((argv or sys.argv[1:])[0])["ALTS"]
    for stem in sorted({stem for stem, _ in alts}):
        py = ROOT / "notebooks" / f"{stem}.py"
        nb = jupytext.read(py)
        for (name, index), text in alts.items():
            if name == stem:
                cell = nb.cells[index]
                assert cell.cell_type == "code", (stem, index)
                cell.metadata["mystnb"] = {"image": {"alt": text}}
                cell.metadata = type(cell.metadata)(sorted(cell.metadata.items()))
        meta = nb.metadata.setdefault("jupytext", {})
        meta["cell_metadata_filter"] = keep_key(meta.get("cell_metadata_filter"), "mystnb")
        jupytext.write(nb, py, fmt="py:percent")
        print(f"{py.relative_to(ROOT)}: alt text for {sum(n == stem for n, _ in alts)} figures")


if __name__ == "__main__":
    main()
