"""Build the course's slides, static site and handouts from the notebooks' stored outputs, offline.

    python docs/build.py slides [--edition instructor] [--out DIR] [NOTEBOOK ...]
    python docs/build.py site [--edition instructor] [--out DIR]
    python docs/build.py handouts [--out DIR]         # one PDF per learner deck, through chromium
    python docs/build.py all [--edition instructor]   # slides and site into docs/_build/

Run it with the dev environment (requirements-dev.txt: nbconvert, sphinx, myst-nb, the book theme,
Playwright). Nothing is executed: everything reads the outputs stored in notebooks/NN_name.ipynb.

Editions. The learner edition (the default) leaves out every cell tagged "solution", every
`<details>` block, and the outputs of "predict, then run" tasks (the code cells after a text that
sets one, up to the next text, or cells tagged "predict"). The instructor edition keeps them; in
its slides every answer moves to its own slide after the exercises, and speaker notes from
docs/notes/NN_name.md (one "## <heading>" section per notebook heading) are added.

Slides fit 1280 x 720: docs/slide_layout.py cuts the cells into slides by the notebooks' structure,
and after building, every slide is measured in chromium (docs/measure.py; --no-measure skips it);
the build fails naming the deck and slide that overflows. Figures carry the alt text kept in their
cell's metadata (mystnb.image.alt, which myst-nb reads for the site). Links between notebooks point
at the sibling deck (slides) or page (site). nbval's comments (# NBVAL_...) are not shown.

Nothing is loaded from the internet when the pages are shown: reveal.js and MathJax come from npm at
build time (docs/package.json, pinned by docs/package-lock.json; `npm ci` runs here when
docs/node_modules is missing or stale; Debian: apt-get install nodejs npm) and are copied next to the
pages (_assets/ beside the slides, _static/ in the site). Each build fails if a page still refers to
an http(s) asset (a script, a style sheet, a font, an image).

Widget outputs (sliders) show their stored picture, with a one-line note that moving the sliders
needs a running kernel, and a Binder link. The Binder links open COURSE_REPOSITORY ("owner/name")
and COURSE_BRANCH (default main) if set, else the git remote's GitHub repository; with neither, the
build warns and leaves them out.
"""

import argparse
import copy
import html.parser
import importlib.util
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

EDITIONS = ("learner", "instructor")
SOLUTION_TAGS = {"solution"}                    # answers: left out of the learner edition
PREDICT_TAGS = {"predict", "predict-then-run"}  # a "predict, then run" task's cells, if tagged

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
import slide_layout  # noqa: E402  (how a notebook is cut into slides that fit)


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


def github_repository():
    """"owner/name" of the course on GitHub: COURSE_REPOSITORY, else the git remote's; None if neither."""
    if os.environ.get("COURSE_REPOSITORY"):
        return os.environ["COURSE_REPOSITORY"].strip("/")
    try:
        remotes = subprocess.run(["git", "remote", "-v"], cwd=ROOT, capture_output=True, text=True,
                                 timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"github\.com[:/]([\w.-]+/[\w.-]+?)(?:\.git)?\s", remotes)
    return found.group(1) if found else None


_warned = set()


def binder_base():
    """The Binder address of the course's repository, or None (with one warning) if it is unknown."""
    repository = github_repository()
    if repository is None:
        if "binder" not in _warned:
            _warned.add("binder")
            print("[docs] warning: no Binder links: set COURSE_REPOSITORY=<owner>/<repository> (and "
                  "COURSE_BRANCH) or add a GitHub remote (git remote add origin ...)", file=sys.stderr)
        return None
    return f"https://mybinder.org/v2/gh/{repository}/{os.environ.get('COURSE_BRANCH', 'main')}"


def binder_link(notebook_name):
    base = binder_base()
    return f"{base}?urlpath=lab/tree/notebooks/{notebook_name}" if base else None


def static_note(notebook_name):
    link = binder_link(notebook_name)
    where = (f"[Open this notebook on Binder]({link}) or in JupyterLab" if link
             else "Open this notebook in JupyterLab")
    return f"*A static picture: moving the sliders needs a running kernel. {where} to use them.*"


def source_of(cell):
    return cell.source if isinstance(cell.source, str) else "".join(cell.source)


def tags_of(cell):
    return cell.get("metadata", {}).get("tags", [])


# Lines addressed to the test tools, not to the reader (nbval's markers).
TOOL_COMMENT = re.compile(r"^\s*# *NBVAL_[A-Z_]+.*\n?", re.M)
# An answer folded away in the text: <details><summary>Solution</summary> ... </details> (hints stay).
DETAILS = re.compile(r"<details\b[^>]*>\s*<summary>\s*(?:solution|answer)[^<]*</summary>.*?</details>\s*",
                     re.S | re.I)
PREDICT = re.compile(r"predict,? then run", re.I)
EXERCISE = re.compile(r"^\s*(?:\*\*|#+ )(?:Exercise )?([A-Z]|\d+)[.:]", re.M)


def learner_cells(cells):
    """The learner edition's cells: no answers (cells tagged solution, <details> blocks) and no
    output of a "predict, then run" cell (the code cells after such a task, up to the next text)."""
    kept, predicting = [], False
    for cell in cells:
        if set(tags_of(cell)) & SOLUTION_TAGS:
            continue
        if cell.cell_type == "markdown":
            text = source_of(cell)
            predicting = bool(PREDICT.search(text)) or bool(set(tags_of(cell)) & PREDICT_TAGS)
            stripped = DETAILS.sub("", text)
            if stripped != text:
                if not stripped.strip():
                    continue
                cell.source = stripped
        elif cell.cell_type == "code" and (predicting or set(tags_of(cell)) & PREDICT_TAGS):
            cell.outputs = []
            cell.execution_count = None
        kept.append(cell)
    return kept


def answers_at_the_end(cells):
    """Instructor slides: every answer (a run of cells tagged solution) moved after the exercises,
    on its own slide headed "Answer to exercise N" (or the heading of the part it answers)."""
    import nbformat

    kept, answers, label, run = [], [], None, None
    for cell in cells:
        if set(tags_of(cell)) & SOLUTION_TAGS:
            if run is None:
                run = []
                answers.append((label, run))
            run.append(cell)
            continue
        run = None
        if cell.cell_type == "markdown":
            text = source_of(cell)
            number = EXERCISE.search(text)
            heading = re.match(r"\s*#+ (.+)", text)
            if number:
                label = f"Answer to exercise {number.group(1)}"
            elif heading:
                label = f"Answer: {heading.group(1).strip()}"
        kept.append(cell)
    if not answers:
        return kept
    heading = nbformat.v4.new_markdown_cell("## Answers\n\nFor the teacher: one answer a slide, "
                                            "after the exercises, so that none is projected by accident.")
    kept.append(heading)
    seen = {}
    for label, run in answers:
        label = label or "Answer"
        seen[label] = seen.get(label, 0) + 1
        title = label if seen[label] == 1 else f"{label} (continued)"
        head = nbformat.v4.new_markdown_cell(f"### {title}")
        head.metadata["tags"] = ["course-new-slide", "course-answer"]
        kept.append(head)
        for cell in run:
            cell.source = DETAILS_OPEN.sub("", source_of(cell)) if cell.cell_type == "markdown" \
                else cell.source
            kept.append(cell)
    return kept


DETAILS_OPEN = re.compile(r"</?details>|<summary>.*?</summary>", re.I | re.S)


def relink(text, for_slides):
    """Links between notebooks point at the sibling deck (slides) or page (site)."""
    if for_slides:
        text = re.sub(r"\]\((\d\d_[\w-]+)\.ipynb(?:#[^)]*)?\)", r"](\1.slides.html)", text)
        return re.sub(r"\]\(notation\.md(?:#[^)]*)?\)", "](notation.slides.html)", text)
    return text


def notes_for(path):
    """Speaker notes of a deck: docs/notes/NN_name.md, "## <heading>" then the note's text."""
    notes_file = DOCS / "notes" / f"{path.stem}.md"
    if not notes_file.exists():
        return {}
    notes, current = {}, None
    for line in notes_file.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
            notes[current] = []
        elif current is not None:
            notes[current].append(line)
    return {heading: "\n".join(lines).strip() for heading, lines in notes.items()}


def add_notes(cells, path):
    """Insert each speaker note (a cell of slide type notes) after the heading it belongs to."""
    import nbformat

    notes = notes_for(path)
    placed, result = set(), []
    for cell in cells:
        result.append(cell)
        if cell.cell_type != "markdown":
            continue
        heading = re.match(r"\s*#{1,3} (.+)", source_of(cell))
        if not heading:
            continue
        for key, text in notes.items():
            if key not in placed and heading.group(1).strip().lower().startswith(key.lower()):
                note = nbformat.v4.new_markdown_cell(text)
                note.metadata["slideshow"] = {"slide_type": "notes"}
                result.append(note)
                placed.add(key)
    missing = set(notes) - placed
    if missing:
        sys.exit(f"docs/notes/{path.stem}.md: no heading in {path.name} starts with "
                 + ", ".join(sorted(missing)))
    return result


def prepare(path, for_slides, edition="learner"):
    """The notebook as an edition's slides or site page show it (nothing in notebooks/ changes)."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    nb = copy.deepcopy(nb)
    nb.metadata.pop("widgets", None)       # no widget state: nothing asks for a widget renderer
    cells = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = relink(source_of(cell), for_slides)
        cells.append(cell)
        if cell.cell_type != "code":
            continue
        cell.source = TOOL_COMMENT.sub("", source_of(cell))
        had_widget = False
        for output in cell.get("outputs", []):
            if WIDGET_VIEW in output.get("data", {}):
                del output["data"][WIDGET_VIEW]
                had_widget = True
        if had_widget:
            note = nbformat.v4.new_markdown_cell(static_note(path.name))
            note.metadata["tags"] = ["course-static-note"]
            cells.append(note)
    if for_slides:
        cells = slide_layout.split_at_headings(cells)
    if edition == "learner":
        cells = learner_cells(cells)
    elif for_slides:
        cells = answers_at_the_end(cells)
        cells = add_notes(cells, path)
    if for_slides:
        cells = slide_layout.layout(cells)
    for index, cell in enumerate(cells):       # unique ids for the cells the build made or cut
        cell["id"] = f"c{index:04d}"
    nb.cells = cells
    return nb


def notation_notebook():
    """notation.md as a notebook (a markdown cell per section), so that it gets a deck too."""
    import nbformat

    text = (NOTEBOOKS / "notation.md").read_text(encoding="utf-8")
    parts = re.split(r"\n(?=## )", text)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(part.strip()) for part in parts]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


# ---------------------------------------------------------------- slides

def slide_exporter():
    from nbconvert import SlidesExporter

    return SlidesExporter(
        extra_template_basedirs=[str(DOCS / "templates")], template_name="course_slides",
        reveal_url_prefix="_assets/reveal.js", reveal_theme="white", reveal_transition="none",
        reveal_number="c/t", reveal_width=str(slide_layout.SLIDE_W),
        reveal_height=str(slide_layout.SLIDE_H),
        exclude_input_prompt=True, exclude_output_prompt=True)


def build_slides(out, names=None, edition="learner"):
    start = time.monotonic()
    out.mkdir(parents=True, exist_ok=True)
    copy_assets(out / "_assets")
    exporter = slide_exporter()
    resources = {"course": {"assets": "_assets", "edition": edition}}
    written = []
    decks = [(path.stem, prepare(path, for_slides=True, edition=edition))
             for path in instructor_notebooks(names)]
    decks.append(("notation", slide_layout_notation()))
    for stem, nb in decks:
        body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": stem}, **resources})
        target = out / f"{stem}.slides.html"
        target.write_text(body, encoding="utf-8")
        written.append(target)
    check_offline(written + sorted((out / "_assets").rglob("*.css")))
    say(f"slides ({edition} edition): {len(written)} decks in {out} in "
        f"{time.monotonic() - start:.1f} s, no internet address loaded")
    return written


def slide_layout_notation():
    nb = notation_notebook()
    nb.cells = slide_layout.layout(nb.cells)
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"n{index:04d}"
    return nb


# ---------------------------------------------------------------- site

def build_site(out, names=None, edition="learner"):
    import nbformat

    start = time.monotonic()
    source = out.parent / (out.name + "-src")
    if source.exists():
        shutil.rmtree(source)
    (source / "notebooks").mkdir(parents=True)
    for name in ("conf.py", "index.md"):
        shutil.copy2(DOCS / "site" / name, source / name)
    copy_assets(source / "_assets", only=SITE_ASSETS)
    for name in ("course.css", "course.js"):
        shutil.copy2(DOCS / "site" / name, source / "_assets" / name)
    notebooks = instructor_notebooks(names)
    for path in notebooks:
        nbformat.write(prepare(path, for_slides=False, edition=edition), source / "notebooks" / path.name)
    for extra in sorted(NOTEBOOKS.glob("*.md")):       # notation.md and any other page they link to
        shutil.copy2(extra, source / "notebooks" / extra.name)
    binder = binder_base()
    env = dict(os.environ, COURSE_BINDER=binder or "", COURSE_EDITION=edition)
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
    say(f"site ({edition} edition): {len(pages)} pages in {time.monotonic() - start:.1f} s "
        f"({len(warnings)} warning lines), no internet address loaded; open {out / 'index.html'}")
    return out / "index.html"


# ---------------------------------------------------------------- measuring and handouts

def measure(folder):
    """Measure every deck in folder in chromium; exit naming each slide that overflows."""
    import measure as measuring

    if measuring.find_chromium() is None or importlib.util.find_spec("playwright") is None:
        print("[docs] warning: slides not measured: needs chromium (apt-get install chromium) and "
              "Playwright (requirements-dev.txt); tests/test_docs.py measures them too", file=sys.stderr)
        return
    start = time.monotonic()
    report, counts = measuring.measure_folder(folder)
    overflowing = [f"{deck}: slide {where} ({why})" for deck, rows in report.items()
                   for where, why in rows]
    if overflowing:
        sys.exit("these slides do not fit 1280 x 720 (docs/slide_layout.py cuts notebooks into "
                 "slides):\n  " + "\n  ".join(overflowing))
    say(f"measured {sum(counts.values())} slides of {len(counts)} decks in chromium in "
        f"{time.monotonic() - start:.1f} s: every slide fits")


def build_handouts(out, names=None):
    import measure as measuring

    start = time.monotonic()
    slides = out.parent / (out.name + "-slides")
    decks = build_slides(slides, names, edition="learner")
    out.mkdir(parents=True, exist_ok=True)
    pages = measuring.print_decks(decks, out)
    for deck, count in pages.items():
        say(f"wrote {out / deck} ({count} pages)")
    say(f"handouts: {len(pages)} PDFs in {time.monotonic() - start:.1f} s")
    return pages


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=("slides", "site", "handouts", "all"))
    parser.add_argument("notebooks", nargs="*",
                        help=f"notebooks to build (default: every notebooks/{INSTRUCTOR})")
    parser.add_argument("--edition", choices=EDITIONS, default="learner",
                        help="learner (default: no answers, no outputs of predict-then-run tasks) "
                             "or instructor (answers on their own slides after the exercises, "
                             "speaker notes)")
    parser.add_argument("--out", type=pathlib.Path,
                        help="output folder (default docs/_build/<what>, or <what>-instructor)")
    parser.add_argument("--no-measure", action="store_true",
                        help="slides: skip measuring every slide in chromium")
    args = parser.parse_args(argv)
    if args.what == "all" and args.out:
        parser.error("--out works with slides, site or handouts, not all")
    suffix = "" if args.edition == "learner" else "-" + args.edition
    if args.what in ("slides", "all"):
        out = (args.out or BUILD / f"slides{suffix}").resolve()
        build_slides(out, args.notebooks, args.edition)
        if not args.no_measure:
            measure(out)
    if args.what in ("site", "all"):
        build_site((args.out or BUILD / f"site{suffix}").resolve(), args.notebooks, args.edition)
    if args.what == "handouts":
        if args.edition != "learner":
            parser.error("handouts are made of the learner edition")
        build_handouts((args.out or BUILD / "handouts").resolve(), args.notebooks)


if __name__ == "__main__":
    main()
