"""The slides, the static site and the handouts: built offline by docs/build.py, then opened in chromium.

Without a browser: the editions' filtering (no answer, no output of a "predict, then run" task in the
learner edition; answers on their own slides in the instructor's), the slide cutting of
docs/slide_layout.py, links, Binder addresses, speaker notes, and alt text in every built page.

The module builds both editions of the slides and the site into a temporary folder (about a minute
on a quiet 2-core machine), serves it on 127.0.0.1, and opens it in Debian's chromium driven by
Playwright (tests marked `slow`): every slide of every deck fits 1280 x 720 (docs/measure.py), axe-core
(pinned in docs/package.json, injected from docs/node_modules) finds no serious or critical
violation on any slide or site page, the maths is typeset, every image loads, and no request leaves
127.0.0.1.

Without chromium or npm the browser tests are skipped with a message, except under CI (the
environment variable CI set), where they fail.
"""

import functools
import html.parser
import importlib.util
import json
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time

import nbformat
import pytest

import conftest

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
HOW_TO_INSTALL = ("install Debian's chromium, nodejs and npm with `sudo apt-get install -y chromium "
                  "nodejs npm` (.ci/run does this) and the Python packages with "
                  "`pip install -r requirements-dev.txt`; never run `playwright install`")
BUILD_LIMIT_S = 240
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
AXE = DOCS / "node_modules" / "axe-core" / "axe.min.js"
REPOSITORY = "example-owner/example-course"       # what the test builds' Binder links must open


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


docs_build = load("course_docs_build", DOCS / "build.py")
layout = docs_build.slide_layout
tag_slides = load("course_tag_slides", DOCS / "tag_slides.py")
measure = load("course_docs_measure", DOCS / "measure.py")
NOTEBOOKS = sorted((ROOT / "notebooks").glob(docs_build.INSTRUCTOR))


def unavailable(what):
    """Skip loudly on a developer's machine; fail in CI, where this test must run."""
    conftest.unavailable(what, "build and check the docs", HOW_TO_INSTALL)


def stored(path):
    return json.loads(path.read_text())


def image_outputs(nb):
    return sum(1 for cell in nb["cells"] if cell["cell_type"] == "code"
               for out in cell.get("outputs", []) if any(m.startswith("image/") for m in out.get("data", {})))


def has_widget(nb):
    return any(WIDGET_VIEW in out.get("data", {}) for cell in nb["cells"] if cell["cell_type"] == "code"
               for out in cell.get("outputs", []))


def solution_cells(nb):
    return [c for c in nb["cells"] if "solution" in c.get("metadata", {}).get("tags", [])]


def md(text, **metadata):
    return nbformat.v4.new_markdown_cell(text, metadata=metadata)


def code(text="x = 1", outputs=(), **metadata):
    cell = nbformat.v4.new_code_cell(text, metadata=metadata)
    cell.outputs = [nbformat.from_dict(o) for o in outputs]
    return cell


PRINTED = {"output_type": "stream", "name": "stdout", "text": "42\n"}


# ---------------------------------------------------------------- without a browser

def test_offline_check_finds_every_kind_of_remote_asset():
    remote = docs_build.remote_assets
    assert remote('<script src="https://unpkg.com/reveal.js@4.0.2/dist/reveal.js"></script>')
    assert remote('<link rel="stylesheet" href="//cdn.example.org/x.css">')
    assert remote('<style>@import url(https://fonts.googleapis.com/css?family=Lato:400);</style>')
    assert remote("<script type='module'>import mermaid from 'https://cdn.example.org/mermaid.mjs';</script>")
    assert remote('<img src="http://example.org/figure.png">')
    # a hyperlink is not an asset; local and data: addresses are fine
    assert not remote('<a href="https://mybinder.org/v2/gh/o/r/main">Binder</a>'
                      '<script src="_assets/mathjax/tex-chtml-full.js"></script>'
                      '<img src="data:image/png;base64,AAAA"><style>a { background: url(x.png) }</style>')


def test_slide_rule_of_tag_slides():
    code_ = lambda figure=False: {"cell_type": "code", "source": "x", "metadata": {},  # noqa: E731
                                  "outputs": [{"data": {"image/png": "A"}}] if figure else []}
    solution = {**code_(), "metadata": {"tags": ["solution"]}}
    cells = [md("# Title"), code_(), md("## Part"), code_(True), md("text"), code_(), code_(True),
             md("### Detail"), md("more"), md("aside", slideshow={"slide_type": "notes"}),
             code_(), solution, solution]
    assert tag_slides.slide_types(cells) == [
        "slide", "-", "slide", "-", "subslide", "-", "subslide", "subslide", "-", "notes",
        "-", "subslide", "-"]


def test_learner_edition_drops_answers_and_predict_outputs():
    cells = [md("## Exercises"),
             md("**1. Predict, then run.** What happens?"), code("run_it()", [PRINTED]),
             md("<details><summary>Solution</summary>\n\nIt fails.\n</details>"),
             md("**2. Write it.** Text before.\n\n<details><summary>Hint</summary>\nhint\n</details>"
                "\n<details><summary>Answer</summary>\nsecret\n</details>"),
             code("def f(): raise NotImplementedError", [PRINTED]),
             code("def f(): return 1", [PRINTED], tags=["solution"]),
             md("Prose after."), code("shown()", [PRINTED])]
    kept = docs_build.learner_cells(cells)
    text = "\n".join(c.source for c in kept)
    assert "return 1" not in text and "It fails" not in text and "secret" not in text
    assert "Text before." in text and "hint" in text and text.count("<details") == 1
    outputs = {c.source: c.outputs for c in kept if c.cell_type == "code"}
    assert outputs["run_it()"] == []                       # a predict-then-run task's output
    assert outputs["shown()"] and outputs["def f(): raise NotImplementedError"]


def test_instructor_answers_sit_on_their_own_slides_after_the_exercises():
    cells = [md("# Title"), md("## Part"), md("### Exercise A: write f"), code("stub()"),
             code("answer_a()", tags=["solution"]), md("## Exercises"), md("**1. Predict, then run.**"),
             md("<details><summary>Solution</summary>\n\nanswer one\n</details>", tags=["solution"]),
             md("**2. Try.**"), code("answer_two()", tags=["solution"])]
    moved = docs_build.answers_at_the_end(cells)
    sources = [c.source for c in moved]
    assert sources.index("**2. Try.**") < sources.index("### Answer to exercise 1")
    assert "### Answer to exercise A" in sources
    laid_out = layout.layout(moved)
    for title in ("### Answer to exercise 1", "### Answer to exercise 2", "### Answer to exercise A"):
        cell = next(c for c in laid_out if c.source == title)
        assert cell.metadata.slideshow.slide_type == "slide", title
    assert not any("<details" in c.source for c in moved)


def test_layout_keeps_every_estimated_slide_within_the_budget():
    long_code = "\n".join(f"line_{i} = {i}" for i in range(80))
    long_text = "\n\n".join(f"Paragraph {i} " + "word " * 60 for i in range(12))
    long_list = "\n".join(f"- item {i} " + "word " * 30 for i in range(30))
    cells = [md("# Title"), md(long_text), md(long_list),
             code(long_code, [{"output_type": "stream", "name": "stdout",
                               "text": "".join(f"row {i}\n" for i in range(90))}])]
    result = layout.layout(cells)
    heights, current = [], 0.0
    for cell in result:
        if cell.metadata.slideshow.slide_type in ("slide", "subslide"):
            heights.append(current)
            current = 0.0
        current += layout.cell_height(cell)
    heights.append(current)
    assert max(heights) <= layout.BUDGET_PX
    joined = lambda kind: "".join(c.source for c in result if c.cell_type == kind)  # noqa: E731
    assert re.sub(r"\s", "", joined("code")) == re.sub(r"\s", "", long_code)
    assert re.sub(r"\s", "", joined("markdown")) == re.sub(r"\s", "", "# Title" + long_text + long_list)
    printed = "".join(o.text for c in result if c.cell_type == "code" for o in c.outputs)
    assert printed.count("row ") == 90


def test_links_between_notebooks_go_to_the_sibling_deck():
    text = "See [notebook 3](03_bptt.ipynb), [its check](05_training.ipynb#one-update) and [notation](notation.md)."
    assert docs_build.relink(text, for_slides=True) == (
        "See [notebook 3](03_bptt.slides.html), [its check](05_training.slides.html) and "
        "[notation](notation.slides.html).")
    assert docs_build.relink(text, for_slides=False) == text       # myst-nb resolves them on the site


def test_binder_links_from_the_environment_or_none(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_REPOSITORY", "someone/course")
    assert docs_build.binder_link("01_data.ipynb") == (
        "https://mybinder.org/v2/gh/someone/course/main?urlpath=lab/tree/notebooks/01_data.ipynb")
    monkeypatch.delenv("COURSE_REPOSITORY")
    monkeypatch.setattr(docs_build, "github_repository", lambda: None)
    docs_build._warned.clear()
    assert docs_build.binder_link("01_data.ipynb") is None
    assert "OWNER" not in docs_build.static_note("01_data.ipynb")
    assert "mybinder" not in docs_build.static_note("01_data.ipynb")
    assert "no Binder links" in capsys.readouterr().err


def test_test_tool_comments_are_not_shown():
    for path in NOTEBOOKS:
        nb = docs_build.prepare(path, for_slides=False, edition="instructor")
        assert not any("NBVAL_" in c.source for c in nb.cells if c.cell_type == "code"), path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_instructor_deck_has_speaker_notes_and_every_note_lands(path):
    assert (DOCS / "notes" / f"{path.stem}.md").exists(), f"no speaker notes for {path.name}"
    nb = docs_build.prepare(path, for_slides=True, edition="instructor")     # exits if a note is lost
    notes = [c for c in nb.cells if c.metadata.get("slideshow", {}).get("slide_type") == "notes"]
    assert len(notes) == len(docs_build.notes_for(path)) >= 2
    learner = docs_build.prepare(path, for_slides=True, edition="learner")
    assert not any(c.metadata.get("slideshow", {}).get("slide_type") == "notes" for c in learner.cells)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_stored_figure_has_alt_text_in_its_cell(path):
    for cell in stored(path)["cells"]:
        if cell["cell_type"] == "code" and image_outputs({"cells": [cell]}):
            alt = cell["metadata"].get("mystnb", {}).get("image", {}).get("alt", "")
            assert real_alt(alt), f"{path.name}: {''.join(cell['source'])[:80]!r} has alt {alt!r}"


FILLER = "no description has been provided"


def real_alt(alt):
    """Alt text that describes something: 5 words or more, not a file name nor nbconvert's filler."""
    alt = (alt or "").strip()
    return (len(alt.split()) >= 5 and FILLER not in alt.lower()
            and not re.search(r"\.(png|jpe?g|svg|gif)\b|^[\w./-]+$|_images/", alt))


def test_alt_text_check_rejects_what_describes_nothing():
    for bad in ("", "  ", "a plot", "../_images/1a2b3c.png", "No description has been provided for this image",
                "_images/abc_def.png shows"):
        assert not real_alt(bad), bad
    assert real_alt("Loss per epoch falls by six orders of magnitude.")


# ---------------------------------------------------------------- the builds

BUILDS = [(what, edition) for what in ("slides", "site") for edition in docs_build.EDITIONS]


@pytest.fixture(scope="module")
def built():
    """Both editions of every deck and of the site, built into a temporary folder; (folder, seconds)."""
    if not docs_build.npm_packages_current() and shutil.which("npm") is None:
        unavailable("npm was not found (docs/build.py fetches reveal.js, MathJax and axe-core with it once)")
    env = dict(__import__("os").environ, COURSE_REPOSITORY=REPOSITORY)
    with tempfile.TemporaryDirectory() as tmp:
        out, seconds = pathlib.Path(tmp), {}
        for what, edition in BUILDS:
            start = time.monotonic()
            result = subprocess.run([sys.executable, str(DOCS / "build.py"), what, "--edition", edition,
                                     "--out", str(out / f"{what}-{edition}"), "--no-measure"],
                                    cwd=ROOT, capture_output=True, text=True, timeout=2 * BUILD_LIMIT_S,
                                    env=env)
            seconds[f"{what} {edition}"] = time.monotonic() - start
            assert result.returncode == 0, f"docs/build.py {what} failed:\n{result.stdout}\n{result.stderr}"
        yield out, seconds


def test_builds_are_quick(built):
    _, seconds = built
    print("build seconds:", {k: round(v, 1) for k, v in seconds.items()})
    assert max(seconds.values()) < BUILD_LIMIT_S, seconds


class _Page(html.parser.HTMLParser):
    """Images (src, alt), links (href), ids and visible text of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.images, self.links, self.ids, self.text, self._skip = [], [], set(), [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.images.append((attrs.get("src", ""), attrs.get("alt")))
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


@functools.lru_cache(maxsize=None)
def parse(path):
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.plain = re.sub(r"\s+", " ", "".join(page.text))
    return page


def pages_of(out, what, edition):
    folder = out / f"{what}-{edition}"
    if what == "slides":
        return sorted(folder.glob("*.slides.html"))
    return sorted(p for p in folder.rglob("*.html") if "_static" not in p.relative_to(folder).parts)


def test_a_deck_and_a_page_for_every_notebook(built):
    out, _ = built
    for edition in docs_build.EDITIONS:
        index = (out / f"site-{edition}" / "index.html").read_text()
        for path in NOTEBOOKS:
            deck = out / f"slides-{edition}" / f"{path.stem}.slides.html"
            assert deck.exists(), f"no {edition} slides for {path.name}"
            assert not docs_build.remote_assets(deck.read_text()), deck.name
            assert len(parse(deck).images) >= image_outputs(stored(path)), f"{deck.name}: figures missing"
            page = out / f"site-{edition}" / "notebooks" / f"{path.stem}.html"
            assert page.exists() and f"notebooks/{path.stem}.html" in index, path.name
            assert len(parse(page).images) >= image_outputs(stored(path)), f"{page.name}: figures missing"


@pytest.mark.parametrize("what,edition", BUILDS)
def test_every_image_has_real_alt_text(built, what, edition):
    out, _ = built
    bad = [(p.name, src[:60], alt) for p in pages_of(out, what, edition)
           for src, alt in parse(p).images if not real_alt(alt)]
    assert not bad, bad[:10]


def significant_lines(cell):
    """Lines of an answer that no other text would contain by chance (long, code or prose)."""
    text = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
    text = re.sub(r"</?details>|<summary>.*?</summary>", "", text)
    return [line.strip() for line in text.split("\n")
            if len(line.strip()) >= 40 and "$" not in line and "`" not in line and "*" not in line
            and "[" not in line]


def test_no_answer_in_the_learner_builds(built):
    out, _ = built
    checked = 0
    for path in NOTEBOOKS:
        nb = stored(path)
        # Lines also found in other cells (a stub's signature) or in their outputs (cells that print
        # the package's source) are not the answer cells' own: what the edition leaves out is checked.
        others = [c for c in nb["cells"] if c not in solution_cells(nb)]
        elsewhere = "\n".join("".join(c["source"]) for c in others) + "\n".join(
            "".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", ""))
            for c in others for o in c.get("outputs", []))
        answers = [line for cell in solution_cells(nb) for line in significant_lines(cell)
                   if line not in elsewhere]
        assert answers or not solution_cells(stored(path)), path.name
        instructor = parse(out / "slides-instructor" / f"{path.stem}.slides.html").plain
        for what, page in (("slides", f"{path.stem}.slides.html"), ("site", f"notebooks/{path.stem}.html")):
            learner = parse(out / f"{what}-learner" / page).plain
            for line in answers:
                found = re.sub(r"\s+", " ", line)
                assert found not in learner, f"{what} {path.stem}: answer shown: {line[:70]!r}"
                checked += 1
        assert all(re.sub(r"\s+", " ", line) in instructor for line in answers[:3]), \
            f"{path.stem}: the check would pass on any page (answers not in the instructor slides)"
    assert checked > 50


def test_instructor_decks_put_each_answer_on_its_own_slide(built):
    out, _ = built
    for path in NOTEBOOKS:
        if not solution_cells(stored(path)):
            continue
        deck = (out / "slides-instructor" / f"{path.stem}.slides.html").read_text()
        assert "Answer to exercise" in deck and '<aside class="notes">' in deck, path.name
        learner = (out / "slides-learner" / f"{path.stem}.slides.html").read_text()
        assert "Answer to exercise" not in learner and '<aside class="notes">' not in learner, path.name


def test_widget_cells_show_a_picture_and_a_binder_link(built):
    out, _ = built
    widget_notebooks = [p for p in NOTEBOOKS if has_widget(stored(p))]
    if not widget_notebooks:
        pytest.skip("no notebook stores a widget output")
    for path in widget_notebooks:
        text = (out / "site-learner" / "notebooks" / f"{path.stem}.html").read_text()
        assert "needs a running kernel" in text, path.name
        assert f"mybinder.org/v2/gh/{REPOSITORY}/main?urlpath=lab/tree/notebooks/{path.name}" in text
        assert WIDGET_VIEW not in text and "embed-amd" not in text, f"{path.name}: widget renderer loaded"


@pytest.mark.parametrize("what,edition", BUILDS)
def test_every_internal_link_resolves(built, what, edition):
    out, _ = built
    broken = []
    for page_path in pages_of(out, what, edition):
        page = parse(page_path)
        for href in page.links:
            if re.match(r"^[a-z]+:", href) or href.startswith("//"):
                continue
            target, _, fragment = href.partition("#")
            target = target.split("?")[0]
            file = (page_path.parent / target).resolve() if target else page_path
            if not file.exists():
                broken.append(f"{page_path.name}: {href}")
            elif fragment and not fragment.startswith("/") and file.suffix == ".html" \
                    and fragment not in parse(file).ids:
                broken.append(f"{page_path.name}: {href} (no id {fragment})")
    assert not broken, broken[:10]
    assert "OWNER" not in "".join(p.read_text() for p in pages_of(out, what, edition))


def test_the_site_hides_test_tool_comments(built):
    out, _ = built
    for edition in docs_build.EDITIONS:
        for page in pages_of(out, "site", edition):
            assert "NBVAL_" not in page.read_text(), page.name


# ---------------------------------------------------------------- in a browser

@pytest.fixture(scope="module")
def chromium():
    return conftest.find_chromium("build and check the docs", HOW_TO_INSTALL)


@pytest.fixture(scope="module")
def served(built):
    out, _ = built
    with measure.served(out) as base:
        yield base


@pytest.fixture(scope="module")
def browser(chromium):
    with measure.browser(chromium) as context:
        yield context


@pytest.mark.slow
@pytest.mark.parametrize("edition", docs_build.EDITIONS)
def test_every_slide_fits_1280_by_720(built, browser, edition):
    out, _ = built
    overflowing, counts = measure.measure_folder(out / f"slides-{edition}", context=browser)
    print(f"{edition} slides:", counts)
    assert len(counts) == len(NOTEBOOKS) + 1                     # and the notation deck
    assert not any(overflowing.values()), {k: v for k, v in overflowing.items() if v}


# The text of the page outside code, scripts and typeset maths: no TeX may be left in it.
TEXT_OUTSIDE_CODE = """() => {
    const copy = document.body.cloneNode(true);
    copy.querySelectorAll('pre, code, script, style, mjx-container, .highlight, textarea')
        .forEach(e => e.remove());
    return copy.textContent; }"""
RAW_TEX = re.compile(r"\$\$|\$[^$\s][^$\n]*\$|\\\(|\\\[|\\frac|\\partial")
AXE_RUN = """async () => {
    const result = await axe.run(document, {resultTypes: ['violations']});
    return result.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,
                                        first: v.nodes[0].target.join(' ')}));
}"""


def open_and_audit(browser, base, url, print_mode=False):
    """Open url (a slide deck with every slide laid out when print_mode), check maths, images and
    requests, and return axe-core's violations."""
    if not AXE.exists():
        unavailable("docs/node_modules/axe-core is missing (run `npm ci` in docs/)")
    page = browser.new_page()
    requests, failures, errors = [], [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("requestfailed", lambda r: failures.append(f"{r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400 and failures.append(f"{r.url} ({r.status})"))
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(url + ("?print-pdf" if print_mode else ""), wait_until="load")
        page.wait_for_function("() => !document.querySelector('mjx-container, .math') || "
                               "(window.MathJax && MathJax.startup && MathJax.startup.promise)",
                               timeout=30_000)
        page.evaluate("() => window.MathJax && MathJax.startup ? MathJax.startup.promise : null")
        if print_mode:
            page.wait_for_function("() => document.querySelectorAll('.pdf-page').length > 0",
                                   timeout=30_000)
        leftover = RAW_TEX.findall(page.evaluate(TEXT_OUTSIDE_CODE))
        assert not leftover, f"{url}: raw TeX left on the page: {leftover[:5]}"
        page.wait_for_function("() => Array.from(document.images).every(i => i.complete)", timeout=30_000)
        broken = page.evaluate("""() => Array.from(document.images)
            .filter(i => !(i.naturalWidth > 0)).map(i => i.src.slice(0, 80))""")
        assert not broken, f"{url}: images that did not load: {broken}"
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(AXE_RUN)
        page.wait_for_timeout(200)          # late requests (fonts) are recorded too
        foreign = [u for u in requests if not u.startswith((base, "data:", "blob:", "about:"))]
        assert not foreign, f"{url}: requests left 127.0.0.1: {foreign[:5]}"
        assert not failures, f"{url}: failed requests: {failures[:5]}"
        assert not errors, f"{url}: page errors: {errors[:3]}"
        return violations
    finally:
        page.close()


def serious(violations):
    return [v for v in violations if v["impact"] in ("serious", "critical")]


@pytest.mark.slow
@pytest.mark.parametrize("edition", docs_build.EDITIONS)
def test_axe_finds_nothing_serious_on_any_slide(built, browser, served, edition):
    """Each deck opened with ?print-pdf, where reveal.js lays every slide out at once, so one axe
    run covers all of its slides."""
    out, _ = built
    found = {}
    for deck in pages_of(out, "slides", edition):
        violations = open_and_audit(browser, served, f"{served}slides-{edition}/{deck.name}",
                                    print_mode=True)
        found[deck.name] = violations
    print(f"axe, {edition} slides:", json.dumps(found))
    bad = {deck: serious(v) for deck, v in found.items() if serious(v)}
    assert not bad, bad


@pytest.mark.slow
@pytest.mark.parametrize("edition", docs_build.EDITIONS)
def test_axe_finds_nothing_serious_on_any_site_page(built, browser, served, edition):
    out, _ = built
    found = {}
    for page in pages_of(out, "site", edition):
        relative = page.relative_to(out).as_posix()
        if relative.endswith(("search.html", "genindex.html")):
            continue                            # the theme's own pages, with no course content
        found[relative] = open_and_audit(browser, served, served + relative)
    print(f"axe, {edition} site:", json.dumps(found))
    bad = {page: serious(v) for page, v in found.items() if serious(v)}
    assert not bad, bad


@pytest.mark.slow
def test_handouts_one_page_per_slide(built, browser, tmp_path):
    out, _ = built
    decks = pages_of(out, "slides", "learner")[:2]
    pages = measure.print_decks(decks, tmp_path, context=browser)
    for deck in decks:                    # print_decks fails when a slide needs two pages
        pdf = deck.name.replace(".slides.html", ".pdf")
        assert pages[pdf] == measure.pdf_pages(tmp_path / pdf) > 5, (pdf, pages[pdf])
