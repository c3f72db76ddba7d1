"""Build the course's slides and static site from the notebooks' stored outputs, offline.

    python docs/build.py slides [--out DIR] [NOTEBOOK ...]   # DIR/NN_name.slides.html, one per notebook
    python docs/build.py site [--out DIR]                     # DIR/index.html and a page per notebook
    python docs/build.py all                                  # both, into docs/_build/slides and /site

Run it with the dev environment (requirements-dev.txt: nbconvert, sphinx, myst-nb, the book theme).
Nothing is executed: both read the outputs stored in notebooks/[0-9][0-9]_*.ipynb (the instructor
edition). Nothing is loaded from the internet when the pages are shown: reveal.js and MathJax come
from npm at build time (docs/package.json, pinned by docs/package-lock.json; `npm ci` runs here when
docs/node_modules is missing or stale; Debian: apt-get install nodejs npm) and are copied next to the
pages (_assets/ beside the slides, _static/ in the site). Each build fails if a page still refers to
an http(s) asset (a script, a style sheet, a font, an image).

Slides follow each cell's `slideshow.slide_type` metadata; a notebook without any gets the rule of
docs/tag_slides.py applied in memory. Widget outputs (sliders) show their stored picture, with a
one-line note that moving the sliders needs a running kernel, and a Binder link. Set the repository
that the Binder links open with the environment variable COURSE_REPOSITORY ("owner/name") and
COURSE_BRANCH, or edit the defaults below.
"""

import argparse
import copy
import html.parser
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import time

DOCS = pathlib.Path(__file__).resolve().parent
ROOT = DOCS.parent
NOTEBOOKS = ROOT / "notebooks"
INSTRUCTOR = "[0-9][0-9]_*.ipynb"
BUILD = DOCS / "_build"
NODE_MODULES = DOCS / "node_modules"

REPOSITORY = os.environ.get("COURSE_REPOSITORY", "OWNER/REPOSITORY")
BRANCH = os.environ.get("COURSE_BRANCH", "main")
BINDER = f"https://mybinder.org/v2/gh/{REPOSITORY}/{BRANCH}"

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# What the pages load, copied from docs/node_modules: source -> destination under the assets folder.
ASSETS = {
    "mathjax/es5/tex-chtml-full.js": "mathjax/tex-chtml-full.js",
    "mathjax/es5/output/chtml/fonts/woff-v2": "mathjax/output/chtml/fonts/woff-v2",
    "mathjax/LICENSE": "mathjax/LICENSE",
    "reveal.js/dist/reveal.css": "reveal.js/dist/reveal.css",
    "reveal.js/dist/reveal.js": "reveal.js/dist/reveal.js",
    "reveal.js/dist/theme/white.css": "reveal.js/dist/theme/white.css",
    "reveal.js/dist/theme/fonts/source-sans-pro": "reveal.js/dist/theme/fonts/source-sans-pro",
    "reveal.js/plugin/notes/notes.js": "reveal.js/plugin/notes/notes.js",
    "reveal.js/LICENSE": "reveal.js/LICENSE",
}
SITE_ASSETS = ("mathjax",)      # the site needs only MathJax (the theme ships its own files)

sys.path.insert(0, str(DOCS))
import tag_slides  # noqa: E402  (the slide rule, shared with docs/tag_slides.py)


def say(message):
    print(f"[docs] {message}", flush=True)


# ---------------------------------------------------------------- npm assets

def npm_packages_current():
    """True if docs/node_modules holds exactly the versions that docs/package.json pins."""
    wanted = json.loads((DOCS / "package.json").read_text())["dependencies"]
    for name, version in wanted.items():
        meta = NODE_MODULES / name / "package.json"
        if not meta.exists() or json.loads(meta.read_text()).get("version") != version:
            return False
    return True


def ensure_npm_packages():
    if npm_packages_current():
        return
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("docs/build.py needs npm to fetch reveal.js and MathJax (once): "
                 "install Debian's nodejs and npm (apt-get install -y nodejs npm)")
    say("npm ci (reveal.js and MathJax, pinned in docs/package-lock.json)")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=DOCS, check=True)
    if not npm_packages_current():
        sys.exit("npm ci did not install the versions pinned in docs/package.json")


def copy_assets(dest, only=None):
    """Copy the pinned browser assets into dest (a folder next to the pages)."""
    ensure_npm_packages()
    for source, target in ASSETS.items():
        if only and target.split("/")[0] not in only:
            continue
        src, dst = NODE_MODULES / source, dest / target
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            shutil.copy2(src, dst)


# ---------------------------------------------------------------- the offline check

class _AssetFinder(html.parser.HTMLParser):
    """Collects the addresses a page loads by itself: src of any element, href of <link>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.loads, self._in_style = [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("src", "data-src", "poster"):
            if attrs.get(name):
                self.loads.append((tag, attrs[name]))
        if tag == "link" and attrs.get("href"):
            self.loads.append((tag, attrs["href"]))
        if tag == "object" and attrs.get("data"):
            self.loads.append((tag, attrs["data"]))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.loads.extend(("style", url) for url in css_urls(data))


REMOTE = re.compile(r"^\s*(?:https?:)?//", re.I)


def css_urls(text):
    """The addresses a style sheet loads: url(...) and @import."""
    found = re.findall(r"url\(\s*['\"]?([^'\")\s]+)", text)
    found += re.findall(r"@import\s+['\"]([^'\"]+)", text)
    return found


def remote_assets(html_text):
    """Every (tag, address) in a page that would be fetched from another host."""
    finder = _AssetFinder()
    finder.feed(html_text)
    remote = [(tag, url) for tag, url in finder.loads if REMOTE.match(url)]
    # ES modules and scripts that fetch code themselves
    remote += [("script", url) for url in
               re.findall(r"""\bimport\s*(?:[\w{}\s,*]+from\s*)?\(?\s*['"]((?:https?:)?//[^'"]+)""",
                          html_text)]
    return remote


def check_offline(paths):
    """Fail the build if a page or style sheet in `paths` loads anything from another host."""
    problems = []
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace")
        found = ([("css", u) for u in css_urls(text) if REMOTE.match(u)] if path.suffix == ".css"
                 else remote_assets(text))
        problems += [f"{path}: <{tag}> {url}" for tag, url in found]
    if problems:
        sys.exit("these pages would load files from the internet (the build must work offline):\n  "
                 + "\n  ".join(problems[:30]))


# ---------------------------------------------------------------- notebooks

def instructor_notebooks(names=None):
    if names:
        return [pathlib.Path(n).resolve() for n in names]
    found = sorted(NOTEBOOKS.glob(INSTRUCTOR))
    if not found:
        sys.exit(f"no notebooks match notebooks/{INSTRUCTOR}")
    return found


def binder_link(notebook_name):
    return f"{BINDER}?urlpath=lab/tree/notebooks/{notebook_name}"


def static_note(notebook_name):
    return (f"*A static picture: moving the sliders needs a running kernel. "
            f"[Open this notebook on Binder]({binder_link(notebook_name)}) "
            f"or in JupyterLab to use them.*")


def prepare(path, for_slides):
    """The notebook as the pages show it: widget outputs reduced to their stored picture + a note."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    nb = copy.deepcopy(nb)
    nb.metadata.pop("widgets", None)       # no widget state: nothing asks for a widget renderer
    cells = []
    for cell in nb.cells:
        cells.append(cell)
        if cell.cell_type != "code":
            continue
        had_widget = False
        for output in cell.get("outputs", []):
            if WIDGET_VIEW in output.get("data", {}):
                del output["data"][WIDGET_VIEW]
                had_widget = True
        if had_widget:
            note = nbformat.v4.new_markdown_cell(static_note(path.name))
            note.metadata["slideshow"] = {"slide_type": "-"}
            note.metadata["tags"] = ["course-static-note"]
            cells.append(note)
    nb.cells = cells
    if for_slides:
        tagged = any(c.metadata.get("slideshow", {}).get("slide_type") not in (None, "-", "")
                     for c in nb.cells)
        if not tagged:
            say(f"{path.name}: no slide tags yet, using the rule of docs/tag_slides.py")
            for cell, kind in zip(nb.cells, tag_slides.slide_types(nb.cells)):
                if "course-static-note" in cell.metadata.get("tags", []):
                    kind = "-"
                cell.metadata["slideshow"] = {"slide_type": kind}
    return nb


# ---------------------------------------------------------------- slides

def build_slides(out, names=None):
    from nbconvert import SlidesExporter

    start = time.monotonic()
    out.mkdir(parents=True, exist_ok=True)
    copy_assets(out / "_assets")
    exporter = SlidesExporter(
        extra_template_basedirs=[str(DOCS / "templates")], template_name="course_slides",
        reveal_url_prefix="_assets/reveal.js", reveal_theme="white", reveal_transition="none",
        reveal_number="c/t", reveal_width="1280", reveal_height="800",
        exclude_input_prompt=True, exclude_output_prompt=True)
    written = []
    for path in instructor_notebooks(names):
        nb = prepare(path, for_slides=True)
        body, _ = exporter.from_notebook_node(
            nb, resources={"metadata": {"name": path.stem}, "course": {"assets": "_assets"}})
        target = out / f"{path.stem}.slides.html"
        target.write_text(body, encoding="utf-8")
        written.append(target)
        say(f"wrote {target.relative_to(out.parent) if out.parent in target.parents else target}")
    check_offline(written + sorted((out / "_assets").rglob("*.css")))
    say(f"slides: {len(written)} decks in {time.monotonic() - start:.1f} s, no internet address loaded")
    return written


# ---------------------------------------------------------------- site

def build_site(out, names=None):
    import nbformat

    start = time.monotonic()
    source = BUILD / "site-src" if out == BUILD / "site" else out.parent / (out.name + "-src")
    if source.exists():
        shutil.rmtree(source)
    (source / "notebooks").mkdir(parents=True)
    for name in ("conf.py", "index.md"):
        shutil.copy2(DOCS / "site" / name, source / name)
    copy_assets(source / "_assets", only=SITE_ASSETS)
    notebooks = instructor_notebooks(names)
    for path in notebooks:
        nbformat.write(prepare(path, for_slides=False), source / "notebooks" / path.name)
    for extra in sorted(NOTEBOOKS.glob("*.md")):       # notation.md and any other page they link to
        shutil.copy2(extra, source / "notebooks" / extra.name)
    env = dict(os.environ, COURSE_BINDER=BINDER, COURSE_REPOSITORY=REPOSITORY)
    if out.exists():
        shutil.rmtree(out)
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-j", "auto",
               "-d", str(source / ".doctrees"), str(source), str(out)]
    result = subprocess.run(command, env=env, text=True, capture_output=True)
    warnings = [line for line in (result.stderr or "").splitlines() if line.strip()]
    for line in warnings:
        print(line, file=sys.stderr)
    if result.returncode != 0:
        sys.exit(f"sphinx-build failed ({result.returncode})")
    pages = sorted(out.rglob("*.html"))
    check_offline(pages + sorted((out / "_static").rglob("*.css")))
    say(f"site: {len(pages)} pages in {time.monotonic() - start:.1f} s ({len(warnings)} warning lines), "
        f"no internet address loaded; open {out / 'index.html'}")
    return out / "index.html"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=("slides", "site", "all"))
    parser.add_argument("notebooks", nargs="*",
                        help=f"notebooks to build (default: every notebooks/{INSTRUCTOR})")
    parser.add_argument("--out", type=pathlib.Path,
                        help="output folder (default docs/_build/slides or docs/_build/site)")
    args = parser.parse_args(argv)
    if args.what == "all" and args.out:
        parser.error("--out works with slides or site, not all")
    if args.what in ("slides", "all"):
        build_slides((args.out or BUILD / "slides").resolve(), args.notebooks)
    if args.what in ("site", "all"):
        build_site((args.out or BUILD / "site").resolve(), args.notebooks)


if __name__ == "__main__":
    main()
