"""The slides and the static site: built offline by docs/build.py, then opened in a real browser.

The module builds every instructor notebook's slides and the whole site into a temporary folder
(about 15 s), serves it on 127.0.0.1, and opens a slide deck and site pages in Debian's chromium
driven by Playwright (as tests/test_browser.py does). In the browser: the maths is typeset by the
bundled MathJax (mjx-container elements, no raw `$...$` left), every image has loaded
(naturalWidth > 0), and every request stays on 127.0.0.1 (or data:/blob:/file:) and succeeds.

Without chromium or npm (needed once, to fetch reveal.js and MathJax) the browser tests are skipped
with a message, except under CI (the environment variable CI set), where they fail.
"""

import functools
import html.parser
import http.server
import importlib.util
import json
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import pytest

import conftest

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
HOW_TO_INSTALL = ("install Debian's chromium, nodejs and npm with `sudo apt-get install -y chromium "
                  "nodejs npm` (.ci/run does this) and the Python packages with "
                  "`pip install -r requirements-dev.txt`; never run `playwright install`")
BUILD_LIMIT_S = 180
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def load_build_module():
    spec = importlib.util.spec_from_file_location("course_docs_build", DOCS / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


docs_build = load_build_module()
NOTEBOOKS = sorted((ROOT / "notebooks").glob(docs_build.INSTRUCTOR))


def unavailable(what):
    """Skip loudly on a developer's machine; fail in CI, where this test must run."""
    conftest.unavailable(what, "build and check the docs", HOW_TO_INSTALL)


def stored(path):
    return json.loads(path.read_text())


def image_outputs(nb):
    return sum(1 for cell in nb["cells"] if cell["cell_type"] == "code"
               for out in cell.get("outputs", []) if any(m.startswith("image/") for m in out.get("data", {})))


def has_maths(nb):
    return any(cell["cell_type"] == "markdown" and "$" in "".join(cell["source"]) for cell in nb["cells"])


def has_widget(nb):
    return any(WIDGET_VIEW in out.get("data", {}) for cell in nb["cells"] if cell["cell_type"] == "code"
               for out in cell.get("outputs", []))


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


def test_slide_rule():
    md = lambda text: {"cell_type": "markdown", "source": text, "metadata": {}}  # noqa: E731
    code = lambda figure=False: {"cell_type": "code", "source": "x", "metadata": {},  # noqa: E731
                                 "outputs": [{"data": {"image/png": "A"}}] if figure else []}
    solution = {**code(), "metadata": {"tags": ["solution"]}}
    cells = [md("# Title"), code(), md("## Part"), code(True), md("text"), code(), code(True),
             md("### Detail"), md("more"), {**md("aside"), "metadata": {"slideshow": {"slide_type": "notes"}}},
             code(), solution, solution]
    assert docs_build.tag_slides.slide_types(cells) == [
        "slide", "-", "slide", "-", "subslide", "-", "subslide", "subslide", "-", "notes",
        "-", "subslide", "-"]


# ---------------------------------------------------------------- the builds

@pytest.fixture(scope="module")
def built():
    """Every instructor deck and the whole site, built into a temporary folder; (folder, seconds)."""
    if not docs_build.npm_packages_current() and shutil.which("npm") is None:
        unavailable("npm was not found (docs/build.py fetches reveal.js and MathJax with it once)")
    with tempfile.TemporaryDirectory() as tmp:
        out, seconds = pathlib.Path(tmp), {}
        for what in ("slides", "site"):
            start = time.monotonic()
            result = subprocess.run([sys.executable, str(DOCS / "build.py"), what, "--out", str(out / what)],
                                    cwd=ROOT, capture_output=True, text=True, timeout=2 * BUILD_LIMIT_S)
            seconds[what] = time.monotonic() - start
            assert result.returncode == 0, f"docs/build.py {what} failed:\n{result.stdout}\n{result.stderr}"
        yield out, seconds


def test_builds_are_quick(built):
    _, seconds = built
    assert max(seconds.values()) < BUILD_LIMIT_S, seconds


def test_a_deck_for_every_instructor_notebook(built):
    out, _ = built
    assert NOTEBOOKS
    for path in NOTEBOOKS:
        deck = out / "slides" / f"{path.stem}.slides.html"
        assert deck.exists(), f"no slides for {path.name}"
        assert not docs_build.remote_assets(deck.read_text()), deck.name
        assert deck.read_text().count("<img") >= image_outputs(stored(path)), f"{deck.name}: figures missing"


class _Images(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.sources = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.sources.append(dict(attrs).get("src", ""))


def test_site_has_every_notebook_and_figure(built):
    out, _ = built
    index = (out / "site" / "index.html").read_text()
    for path in NOTEBOOKS:
        page = out / "site" / "notebooks" / f"{path.stem}.html"
        assert page.exists(), f"the site has no page for {path.name}"
        assert f"notebooks/{path.stem}.html" in index, f"the table of contents misses {path.name}"
        images = _Images()
        images.feed(page.read_text())
        assert len(images.sources) >= image_outputs(stored(path)), f"{page.name}: figures missing"
        for src in images.sources:
            assert src.startswith("data:") or (page.parent / src).resolve().exists(), f"{page.name}: {src}"


def test_widget_cells_show_a_picture_and_the_kernel_note(built):
    out, _ = built
    widget_notebooks = [p for p in NOTEBOOKS if has_widget(stored(p))]
    if not widget_notebooks:
        pytest.skip("no notebook stores a widget output")
    for path in widget_notebooks:
        text = (out / "site" / "notebooks" / f"{path.stem}.html").read_text()
        assert "needs a running kernel" in text and "mybinder.org/v2/" in text, path.name
        assert "urlpath=lab/tree/notebooks/" + path.name in text, path.name
        assert WIDGET_VIEW not in text and "embed-amd" not in text, f"{path.name}: widget renderer loaded"


# ---------------------------------------------------------------- in a browser

@pytest.fixture(scope="module")
def chromium():
    return conftest.find_chromium("build and check the docs", HOW_TO_INSTALL)


@pytest.fixture(scope="module")
def served(built):
    """The built folder on http://127.0.0.1:<free port>/, stopped afterwards."""
    out, _ = built
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=chromium, headless=True, args=conftest.CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 800})
        try:
            yield context
        finally:
            context.close()


# The text of the page outside code, scripts and typeset maths: no TeX may be left in it.
TEXT_OUTSIDE_CODE = """() => {
    const copy = document.body.cloneNode(true);
    copy.querySelectorAll('pre, code, script, style, mjx-container, .highlight, textarea')
        .forEach(e => e.remove());
    return copy.textContent; }"""
RAW_TEX = re.compile(r"\$\$|\$[^$\s][^$\n]*\$|\\\(|\\\[|\\frac|\\partial")


def open_and_check(browser, url, expect_maths=True):
    """Open `url`, wait for MathJax and the images, and check maths, images and requests."""
    base = url.split("/", 3)
    base = "/".join(base[:3]) + "/"
    page = browser.new_page()
    requests, failures, errors = [], [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("requestfailed", lambda r: failures.append(f"{r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400 and not r.url.endswith("/favicon.ico")
            and failures.append(f"{r.url} ({r.status})"))
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(url, wait_until="load")
        if expect_maths:
            page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                                   timeout=30_000)
            page.evaluate("() => MathJax.startup.promise")
            assert page.evaluate("() => document.querySelectorAll('mjx-container').length") > 0, \
                f"{url}: no typeset maths"
            leftover = RAW_TEX.findall(page.evaluate(TEXT_OUTSIDE_CODE))
            assert not leftover, f"{url}: raw TeX left on the page: {leftover[:5]}"
        page.wait_for_function("() => Array.from(document.images).every(i => i.complete)", timeout=30_000)
        broken = page.evaluate("""() => Array.from(document.images)
            .filter(i => !(i.naturalWidth > 0)).map(i => i.src.slice(0, 80))""")
        count = page.evaluate("() => document.images.length")
        assert not broken, f"{url}: images that did not load: {broken}"
        page.wait_for_timeout(300)          # late requests (fonts) are recorded too
        foreign = [u for u in requests
                   if not u.startswith((base, "data:", "blob:", "about:", "file://"))]
        assert not foreign, f"{url}: requests left 127.0.0.1: {foreign[:5]}"
        assert not failures, f"{url}: failed requests: {failures[:5]}"
        assert not errors, f"{url}: page errors: {errors[:3]}"
        return count
    finally:
        page.close()


def notebook_with(predicate):
    found = [p for p in NOTEBOOKS if predicate(stored(p))]
    if not found:
        pytest.skip("no instructor notebook has what this test needs")
    return found[0]


def test_a_slide_deck_in_the_browser(browser, served):
    path = notebook_with(lambda nb: has_maths(nb) and image_outputs(nb))
    images = open_and_check(browser, f"{served}slides/{path.stem}.slides.html")
    assert images >= image_outputs(stored(path))


def test_a_site_page_in_the_browser(browser, served):
    path = notebook_with(lambda nb: has_maths(nb) and image_outputs(nb))
    images = open_and_check(browser, f"{served}site/notebooks/{path.stem}.html")
    assert images >= image_outputs(stored(path))


def test_the_site_index_and_a_widget_page_in_the_browser(browser, served):
    open_and_check(browser, f"{served}site/index.html", expect_maths=False)
    path = notebook_with(has_widget)
    open_and_check(browser, f"{served}site/notebooks/{path.stem}.html", expect_maths=has_maths(stored(path)))
