"""Open built slide decks in chromium: measure every slide, print handouts.

    python docs/measure.py docs/_build/slides        # every deck in the folder: which slides overflow

Used by docs/build.py (after building slides, and for `handouts`) and by tests/test_docs.py. The
decks are served on 127.0.0.1 (a free port) and opened in Debian's chromium through Playwright,
never Playwright's own browser download. A slide overflows when its content is taller or wider than
the 1280 x 720 slide, or when a formula or a code box inside it is wider than its box.
"""

import contextlib
import functools
import http.server
import pathlib
import shutil
import sys
import tempfile
import threading

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 720}


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def served(folder):
    """folder on http://127.0.0.1:<free port>/ while the block runs."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def browser(chromium=None):
    """A Playwright browser context in headless chromium, 1280 x 720."""
    from playwright.sync_api import sync_playwright

    chromium = chromium or find_chromium()
    if chromium is None:
        raise RuntimeError("chromium was not found (Debian: apt-get install -y chromium)")
    with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=chromium, headless=True, args=CHROMIUM_FLAGS, viewport=VIEWPORT)
        try:
            yield context
        finally:
            context.close()


def open_deck(context, url):
    """A page with the deck at url loaded, reveal.js ready and MathJax done."""
    page = context.new_page()
    page.goto(url, wait_until="load")
    page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=30_000)
    page.wait_for_function("() => !window.MathJax || (MathJax.startup && MathJax.startup.promise)",
                           timeout=30_000)
    page.evaluate("() => window.MathJax ? MathJax.startup.promise : null")
    return page


# Every slide in turn: its content's size against the slide's, and boxes inside it that are cut.
MEASURE_SLIDES = """async () => {
  const found = [];
  const horizontal = Reveal.getHorizontalSlides();
  for (let h = 0; h < horizontal.length; h++) {
    const stack = horizontal[h].querySelectorAll(':scope > section');
    const count = stack.length || 1;
    for (let v = 0; v < count; v++) {
      Reveal.slide(h, v);          // shows the slide at once; reading sizes below forces its layout
      const slide = Reveal.getCurrentSlide();
      if (typeof courseFitMaths === 'function') { courseFitMaths(slide); }
      const title = (slide.querySelector('h1, h2, h3, h4') || slide).textContent.trim()
        .replace(/\\s+/g, ' ').replace(/¶$/, '').slice(0, 60);
      const why = [];
      if (slide.scrollHeight > slide.clientHeight + 1) {
        why.push(`content ${slide.scrollHeight} px high in ${slide.clientHeight}`); }
      if (slide.scrollWidth > slide.clientWidth + 1) {
        why.push(`content ${slide.scrollWidth} px wide in ${slide.clientWidth}`); }
      slide.querySelectorAll('mjx-container, pre, table, .jp-OutputArea-output').forEach(e => {
        if (e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0) {
          why.push(`${e.tagName.toLowerCase()} ${e.scrollWidth} px wide in ${e.clientWidth}`); }
      });
      found.push({where: `${h + 1}.${v + 1}`, title: title, why: why.join('; ')});
    }
  }
  Reveal.slide(0, 0);
  return found;
}"""


def measure_deck(page):
    """[{where: "h.v", title, why}] for every slide of the open deck; why is "" when it fits."""
    return page.evaluate(MEASURE_SLIDES)


def measure_folder(folder, context=None):
    """{deck file name: [(slide "h.v 'title'", why)]} for every *.slides.html in folder."""
    folder = pathlib.Path(folder)
    decks = sorted(folder.glob("*.slides.html"))
    report = {}
    with contextlib.ExitStack() as stack:
        base = stack.enter_context(served(folder))
        context = context or stack.enter_context(browser())
        for deck in decks:
            page = open_deck(context, base + deck.name)
            try:
                rows = measure_deck(page)
            finally:
                page.close()
            report[deck.name] = [(f"{r['where']} '{r['title']}'", r["why"]) for r in rows if r["why"]]
            report[deck.name + " slides"] = len(rows)
    return {k: v for k, v in report.items() if not k.endswith(" slides")}, \
        {k[:-len(" slides")]: v for k, v in report.items() if k.endswith(" slides")}


def print_decks(decks, out, context=None):
    """One PDF per deck (reveal.js's ?print-pdf, one slide a page); {pdf name: pages}.

    Raises RuntimeError when a slide would need more than one page."""
    out = pathlib.Path(out)
    pages = {}
    folder = pathlib.Path(decks[0]).parent
    with contextlib.ExitStack() as stack:
        base = stack.enter_context(served(folder))
        context = context or stack.enter_context(browser())
        for deck in decks:
            deck = pathlib.Path(deck)
            page = context.new_page()
            try:
                page.goto(base + deck.name + "?print-pdf", wait_until="load")
                page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=30_000)
                page.evaluate("() => window.MathJax ? MathJax.startup.promise : null")
                page.wait_for_function("() => document.querySelectorAll('.pdf-page').length > 0",
                                       timeout=30_000)
                size = page.evaluate("""() => { const p = document.querySelector('.pdf-page');
                    return [p.offsetWidth, p.offsetHeight]; }""")
                counts = page.evaluate("""() => [document.querySelectorAll('.pdf-page').length,
                    document.querySelectorAll('.slides section:not(.stack)').length]""")
                if counts[0] != counts[1]:
                    raise RuntimeError(f"{deck.name}: {counts[1]} slides need {counts[0]} pages "
                                       "(a slide taller than a page)")
                target = out / deck.name.replace(".slides.html", ".pdf")
                page.pdf(path=str(target), width=f"{size[0]}px", height=f"{size[1]}px",
                         print_background=True, margin={"top": "0", "bottom": "0", "left": "0", "right": "0"})
                pages[target.name] = pdf_pages(target)
                if pages[target.name] != counts[1]:
                    raise RuntimeError(f"{target.name}: {pages[target.name]} pages for {counts[1]} slides")
            finally:
                page.close()
    return pages


def pdf_pages(path):
    """Pages in a PDF written by chromium (counts its /Type /Page objects)."""
    import re

    return len(re.findall(rb"/Type\s*/Page(?![a-z])", pathlib.Path(path).read_bytes()))


def main(argv=None):
    folder = pathlib.Path((argv or sys.argv[1:] or ["docs/_build/slides"])[0])
    overflowing, counts = measure_folder(folder)
    for deck, count in counts.items():
        print(f"{deck}: {count} slides, {len(overflowing.get(deck, []))} overflow")
        for where, why in overflowing.get(deck, []):
            print(f"    {where}: {why}")
    sys.exit(1 if any(overflowing.values()) else 0)


if __name__ == "__main__":
    main()
