"""The explorer page in a real browser: Voila serves notebooks/explorer.ipynb, headless Chromium
moves its controls. Then the same page for screen readers and the keyboard alone (axe-core from
npm, pinned in tests/package.json, installed with `npm ci` when missing), and notebook 6 run in
JupyterLab, checked the same way. Last, notebook 12's date box on its model (trained as there) in
Voila: reached with Tab, dates and bad input typed, checked against the same box built here.

Voila is started on 127.0.0.1 with a token on a free port, as README says to run it (no flags: the
course's template and settings come from <env>/etc/jupyter/voila.py, installed with the package);
Debian's chromium (/usr/bin/chromium), driven by Playwright, opens the page at a projector's
1280 x 720, checks that it shows no code and that the whole picture is on screen, moves the hidden
size and truncation sliders, and checks that the text line and the picture change to the new
settings, with the RMSE that the same settings give when trained here directly. A burst of key
presses on a slider must end with the last value shown. The cell selector then switches to the
GRU (at hidden size 8 and 2 epochs, to keep it quick). No request may leave 127.0.0.1: the page
must work offline (Voila's default template fetches an icon font from a CDN; the course's does
not).

Without chromium (or without the playwright package) the test is skipped with a reason that says
how to install it; in CI (the environment variable CI set, as .ci/run's host does) it fails
instead, so that the browser test can never silently stop running. Never run `playwright install`:
it downloads a browser of its own, which these machines cannot do; the system's chromium is used.
"""

import base64
import contextlib
import dataclasses
import io
import pathlib
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

import numpy as np
import pytest

import conftest
from PIL import Image

from rnn_helpers import widgets

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOK = "notebooks/explorer.ipynb"
HOW_TO_INSTALL = ("install Debian's chromium with `sudo apt-get install -y chromium` (.ci/run does "
                  "this) and the Python package with `pip install -r requirements.txt`; never run "
                  "`playwright install`")
PAGE_TIMEOUT_MS = 60_000      # Voila runs the notebook (a kernel, an import, one training run) first
UPDATE_TIMEOUT_MS = 60_000


def unavailable(what):
    """Skip loudly on a developer's machine; fail in CI, where this test must run."""
    conftest.unavailable(what, "run the browser test", HOW_TO_INSTALL)


@pytest.fixture(scope="module")
def chromium():
    return conftest.find_chromium("run the browser test", HOW_TO_INSTALL)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_server(server):
    """Stop a server process started by a fixture: terminate, then kill if it has not ended in 20 s."""
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


@contextlib.contextmanager
def serve_voila(notebook, root=ROOT):
    """Serve `notebook` (a path from the directory `root`) with Voila on 127.0.0.1 with a token;
    stop the server afterwards. Yields (url, origin): the page's address and the server's host:port."""
    port, token = free_port(), secrets.token_urlsafe(24)
    log = tempfile.TemporaryFile()
    server = subprocess.Popen(
        [sys.executable, "-m", "voila", notebook, "--no-browser", f"--port={port}",
         "--Voila.ip=127.0.0.1", f"--token={token}"],
        cwd=root, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                log.seek(0)
                pytest.fail(f"Voila exited with code {server.returncode}:\n{log.read().decode()[-3000:]}")
            try:    # not the page itself: each request for the page starts a kernel and runs the notebook
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}",
                                       timeout=5).close()
                break
            except urllib.error.HTTPError:      # it answers (Voila refuses this path): it is up
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("Voila did not answer within 60 s")
                time.sleep(0.3)
        yield f"http://127.0.0.1:{port}/?token={token}", f"127.0.0.1:{port}"
    finally:
        stop_server(server)
        log.close()


@pytest.fixture(scope="module")
def voila_url(chromium):
    """The explorer page served by Voila: (url, origin), see serve_voila."""
    with serve_voila(NOTEBOOK) as served:
        yield served


def expected_line(**changes):
    """The RMSE text the explorer must print for these settings (trained here, same seed)."""
    result = widgets.retrain(widgets.Settings(**changes))
    return f"validation RMSE {result.rmse:.2g}"


def wait_for_settings(page, settings):
    """Wait until the text line reports a finished run with `settings` (a Settings)."""
    described = settings.describe()
    page.wait_for_function(
        """(described) => {
            const line = document.querySelector('.rnn-explorer-text');
            return line && line.innerText.includes('(' + described + ')')
                        && line.innerText.includes('validation RMSE');
        }""", arg=described, timeout=UPDATE_TIMEOUT_MS)
    return page.locator(".rnn-explorer-text").inner_text()


_LOCAL = []


def expected_pixels(settings):
    """The explorer's picture for `settings`, drawn here by an explorer of our own, the way the page's
    explorer redraws after a change: (height, width, 3) integers."""
    if not _LOCAL:
        _LOCAL.append(widgets.explorer())
    local = _LOCAL[0]
    local.set(**dataclasses.asdict(settings))
    return decode(local.png)


def decode(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def shown_pixels(page):
    """The picture the browser shows now, read back through a canvas: (height, width, 3)."""
    page.wait_for_function("""() => {
        const img = document.querySelector('.rnn-explorer-picture');
        return img && img.complete && img.naturalWidth > 0; }""", timeout=UPDATE_TIMEOUT_MS)
    data_url = page.evaluate("""() => {
        const img = document.querySelector('.rnn-explorer-picture');
        const canvas = document.createElement('canvas');
        canvas.width = img.naturalWidth;
        canvas.height = img.naturalHeight;
        canvas.getContext('2d').drawImage(img, 0, 0);
        return canvas.toDataURL('image/png'); }""")
    return decode(base64.b64decode(data_url.split(",", 1)[1]))


def differing(a, b):
    """The fraction of pixels that differ between two pictures (1 if their sizes differ)."""
    return 1.0 if a.shape != b.shape else float(np.mean(np.any(a != b, axis=-1)))


#: True when a slider's label and readout are each the topmost element at their centre (seen)
IN_VIEW = """(slider) => [slider.querySelector('label'), slider.querySelector('.widget-readout')]
    .every((part) => {
        const box = part.getBoundingClientRect();
        const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
        return box.width > 0 && (top === part || part.contains(top));
    })"""


def type_into_readout(page, control, value):
    """Type a value into a slider's readout (what a learner does to set an exact number)."""
    readout = page.locator(f".rnn-{control} .widget-readout")
    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(str(value))
    page.keyboard.press("Enter")


def outside(urls, origin):
    """The URLs among `urls` that go anywhere but `origin` (host:port); blob: and data: stay local."""
    return sorted({u for u in urls if not u.startswith(("blob:", "data:"))
                   and urllib.parse.urlsplit(u).netloc != origin})


def test_sliders_retrain_and_redraw_in_a_real_browser(chromium, voila_url):
    from playwright.sync_api import sync_playwright

    url, origin = voila_url
    defaults = widgets.DEFAULTS
    with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        browser = p.chromium.launch_persistent_context(
            profile, executable_path=chromium, headless=True, args=conftest.CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 720})      # a projector's
        try:
            page, page_errors, requested = watched_page(browser)
            page.goto(url, wait_until="commit")
            picture = page.locator(".rnn-explorer-picture")
            picture.wait_for(timeout=PAGE_TIMEOUT_MS)

            # the page: the explorer without code, all of its picture on a 1280 x 720 screen
            assert "rnn_helpers" not in page.locator("body").inner_text(), "the page shows code"
            assert page.locator(".jp-InputArea-editor, .jp-CodeMirrorEditor").count() == 0, "code"

            # the default state: its RMSE, and the picture the explorer draws for it
            text = wait_for_settings(page, defaults)
            assert expected_line() in text, text
            shown = shown_pixels(page)
            assert differing(shown, expected_pixels(defaults)) < 0.01, "not the default picture"
            box = picture.bounding_box()
            assert box["y"] >= 0 and box["y"] + box["height"] <= 720, f"picture off screen: {box}"
            assert not outside(requested, origin), f"requests left {origin}: {outside(requested, origin)}"
            # every slider's label and number in view, not under the other column of controls
            for control in ("hidden-size", "truncation", "learning-rate", "epochs"):
                assert page.locator(f".rnn-{control}").evaluate(IN_VIEW), f"{control} is covered"

            # hidden size 100 -> 20: retrained; the RMSE and the picture change to the new setting
            type_into_readout(page, "hidden-size", 20)
            small = widgets.Settings(hidden_size=20)
            text = wait_for_settings(page, small)
            assert expected_line(hidden_size=20) != expected_line(), "pick a setting that changes the RMSE"
            assert expected_line(hidden_size=20) in text, text
            before, shown = shown, shown_pixels(page)
            assert differing(shown, before) > 0.02, "the picture was not redrawn"
            assert differing(shown, expected_pixels(small)) < 0.01, "the picture is not hidden 20's"

            # truncation 5 -> 50, full BPTT
            type_into_readout(page, "truncation", 50)
            full = widgets.Settings(hidden_size=20, truncation=50)
            text = wait_for_settings(page, full)
            assert "truncation 50 (full BPTT)" in text
            assert expected_line(hidden_size=20, truncation=50) in text, text
            before, shown = shown, shown_pixels(page)
            assert differing(shown, before) > 0.02, "the picture was not redrawn"
            assert differing(shown, expected_pixels(full)) < 0.01, "the picture is not truncation 50's"

            # a burst of ten key presses on the hidden size slider: the last value wins
            page.locator(".rnn-hidden-size .noUi-handle").click()
            for _ in range(10):
                page.keyboard.press("ArrowRight")
            page.wait_for_timeout(500)
            final = int(page.locator(".rnn-hidden-size .widget-readout").inner_text())
            assert final == 30, f"the key presses moved the slider to {final}, not 30"
            last = widgets.Settings(hidden_size=final, truncation=50)
            text = wait_for_settings(page, last)
            assert expected_line(hidden_size=final, truncation=50) in text, text
            page.wait_for_timeout(1500)       # nothing stale may arrive after the last update
            assert f"({last.describe()})" in page.locator(".rnn-explorer-text").inner_text()
            shown = shown_pixels(page)
            assert differing(shown, expected_pixels(last)) < 0.01, "stale picture"

            # the cell selector: choosing the GRU brings its own hidden size, learning rate and
            # epochs (widgets.CELL_DEFAULTS), in one update; the truncation stays
            before = shown_pixels(page)
            page.get_by_role("radio", name="GRU", exact=True).check()
            gru = dataclasses.replace(widgets.CELL_DEFAULTS["gru"], truncation=50)
            text = wait_for_settings(page, gru)
            assert f"(GRU, hidden {gru.hidden_size}," in text, text
            assert expected_line(**vars(gru)) in text, text
            for name in widgets.PER_CELL:     # the sliders show the values the run used
                shown_value = page.locator(f".rnn-{name.replace('_', '-')} .widget-readout")
                assert shown_value.inner_text().strip() in (str(getattr(gru, name)),
                                                             f"{getattr(gru, name):g}"), name
            shown = shown_pixels(page)
            assert differing(shown, before) > 0.02, "the picture was not redrawn for the GRU"
            assert differing(shown, expected_pixels(gru)) < 0.01, "the picture is not the GRU's"

            assert not re.search(r"Traceback|Error", page.locator("body").inner_text()), \
                "the page shows an error"
            assert not page_errors, page_errors
            assert not outside(requested, origin), f"requests left {origin}: {outside(requested, origin)}"
        finally:
            browser.close()


# ---------------------------------------------------------------------------------------------
# Accessibility: axe-core, names and values, the keyboard alone, progress while training
# ---------------------------------------------------------------------------------------------

TESTS = ROOT / "tests"
AXE = TESTS / "node_modules" / "axe-core" / "axe.min.js"
AXE_VERSION = "4.14.1"      # tests/package.json pins it; tests/package-lock.json its checksum

#: The explorer's controls in reading (and Tab) order: (ARIA role, accessible name). The name of
#: each is its visible label.
CONTROLS = [("slider", "hidden size"), ("slider", "truncation"), ("slider", "learning rate"),
            ("slider", "epochs"), ("radio", "RNN"), ("radio", "tanh"), ("combobox", "clipping"),
            ("spinbutton", "seed")]


def axe_script():
    """The path of axe.min.js, installing the pinned axe-core with `npm ci` when it is missing."""
    import json
    import shutil
    installed = TESTS / "node_modules" / "axe-core" / "package.json"
    if not installed.exists() or json.loads(installed.read_text())["version"] != AXE_VERSION:
        npm = shutil.which("npm")
        if npm is None:
            unavailable("npm was not found (it installs axe-core, pinned in tests/package.json)")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=TESTS,
                       check=True)
    return AXE


def axe_violations(page, context="document"):
    """axe-core's violations on the page: [(rule id, impact, [CSS selectors of the nodes])]."""
    page.add_script_tag(path=str(axe_script()))
    found = page.evaluate(f"""async () => (await axe.run({context})).violations.map(
        (v) => [v.id, v.impact, v.nodes.map((n) => n.target.join(' '))])""")
    return [tuple(v) for v in found]


def serious(violations):
    return [v for v in violations if v[1] in ("serious", "critical")]


def focused(page):
    """The (role, accessible name) of CONTROLS that has the keyboard focus, or None."""
    for role, name in CONTROLS:
        control = page.get_by_role(role, name=name, exact=True)
        if control.count() == 1 and control.evaluate("(e) => e === document.activeElement"):
            return role, name
    return None


def alt_text(page):
    return page.locator(".rnn-explorer-picture").get_attribute("alt")


def test_the_explorer_page_for_screen_readers_and_the_keyboard(chromium, voila_url):
    from playwright.sync_api import sync_playwright

    url, _ = voila_url
    with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        browser = p.chromium.launch_persistent_context(
            profile, executable_path=chromium, headless=True, args=conftest.CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 720})
        try:
            page = browser.new_page()
            page.goto(url, wait_until="commit")
            page.locator(".rnn-explorer-picture").wait_for(timeout=PAGE_TIMEOUT_MS)
            wait_for_settings(page, widgets.DEFAULTS)

            # every control named by its visible label, in Chromium's own accessibility tree
            for role, name in CONTROLS:
                assert page.get_by_role(role, name=name, exact=True).count() == 1, (role, name)
            for label in ("hidden size", "truncation", "learning rate", "epochs", "seed"):
                shown = page.locator(f".rnn-{label.replace(' ', '-')} .widget-label").inner_text()
                assert shown.strip() == label
            for group in ("cell", "activation"):
                assert page.get_by_role("radiogroup", name=group, exact=True).count() == 1
            # a slider announces the value shown, not its position among the choices
            rate = page.get_by_role("slider", name="learning rate")
            assert rate.get_attribute("aria-valuetext") == "0.1"
            assert page.get_by_role("radio", name="RNN", exact=True).is_checked()
            line = page.locator(".rnn-explorer-text")
            assert line.get_attribute("aria-live") == "polite" and line.get_attribute("role") == "status"
            alt = alt_text(page)
            assert alt == widgets.describe_result(widgets.retrain(widgets.DEFAULTS)), alt

            # text a projector shows: labels, readouts, choices, result line and note >= 16 px
            sizes = page.evaluate("""() => [...document.querySelectorAll(
                '.rnn-explorer .widget-label, .rnn-explorer .widget-readout, .rnn-explorer label,'
                + ' .rnn-explorer select, .rnn-explorer input, .rnn-explorer-text,'
                + ' .rnn-explorer-note .widget-html-content')]
                .filter((e) => e.textContent.trim() || (e.tagName === 'INPUT' && e.type !== 'radio'))
                .map((e) => [e.className || e.tagName, parseFloat(getComputedStyle(e).fontSize)])""")
            assert sizes and all(size >= 16 for _, size in sizes), [s for s in sizes if s[1] < 16]
            picture = page.locator(".rnn-explorer-picture").bounding_box()
            assert picture["y"] + picture["height"] <= 720, f"picture off screen: {picture}"

            # the keyboard alone: Tab reaches every control in reading order
            page.locator("h1").first.click()
            order = []
            for _ in range(30):
                page.keyboard.press("Tab")
                now = focused(page)
                if now in CONTROLS and now not in order:
                    order.append(now)
                if len(order) == len(CONTROLS):
                    break
            assert order == CONTROLS, order
            # ... and arrow keys move a slider: retrained, picture and its description follow
            page.get_by_role("slider", name="truncation").focus()
            before_src, before_alt = page.locator(".rnn-explorer-picture").get_attribute("src"), alt
            page.keyboard.press("ArrowRight")
            moved = widgets.Settings(truncation=6)
            wait_for_settings(page, moved)
            page.wait_for_function("(alt) => document.querySelector('.rnn-explorer-picture').alt "
                                   "!== alt", arg=before_alt, timeout=UPDATE_TIMEOUT_MS)
            assert page.locator(".rnn-explorer-picture").get_attribute("src") != before_src
            assert "truncation 6" in alt_text(page)
            assert page.get_by_role("slider", name="truncation").get_attribute("aria-valuetext") == "6"
            page.get_by_role("slider", name="learning rate").focus()
            page.keyboard.press("ArrowLeft")
            wait_for_settings(page, dataclasses.replace(moved, learning_rate=0.05))
            assert rate.get_attribute("aria-valuetext") == "0.05"
            # the radio buttons: arrow keys choose; the LSTM brings its defaults
            page.get_by_role("radio", name="RNN", exact=True).focus()
            page.keyboard.press("ArrowRight")
            assert page.get_by_role("radio", name="LSTM", exact=True).is_checked()
            lstm = dataclasses.replace(widgets.CELL_DEFAULTS["lstm"], truncation=6)
            wait_for_settings(page, lstm)
            assert alt_text(page).startswith("LSTM, hidden 20, truncation 6")

            # live at the largest setting: pictures of the training so far arrive (count them),
            # then the final one; the first within a fraction of the whole wait
            page.evaluate("""() => {
                window.altSeen = [];
                const img = () => document.querySelector('.rnn-explorer-picture');
                new MutationObserver(() => {
                    const now = img() && img().alt;
                    if (now && now !== window.altSeen[window.altSeen.length - 1])
                        window.altSeen.push(now);
                }).observe(document.querySelector('.rnn-explorer'),
                           {subtree: true, childList: true, attributes: true});
            }""")
            type_into_readout(page, "hidden-size", 200)
            type_into_readout(page, "truncation", 50)
            largest = dataclasses.replace(widgets.CELL_DEFAULTS["lstm"], hidden_size=200,
                                          truncation=50)
            wait_for_settings(page, largest)
            seen = page.evaluate("window.altSeen")
            progress = [a for a in seen if "LSTM, hidden 200, full BPTT" in a
                        and "training in progress" in a]
            assert len(progress) >= 2, seen
            assert seen[-1].startswith("LSTM, hidden 200, full BPTT, learning rate 0.5, after 20 "
                                       "epochs"), seen[-1]
            assert expected_line(**vars(largest)) in line.inner_text()

            # axe after every control has moved (clipping and seed too): nothing serious
            page.get_by_role("combobox", name="clipping").select_option("global norm at most 1")
            page.get_by_role("radio", name="GRU", exact=True).check()
            seed = page.get_by_role("spinbutton", name="seed")
            seed.fill("1")
            seed.press("Enter")
            page.get_by_role("radio", name="RNN", exact=True).check()
            page.get_by_role("radio", name="sigmoid", exact=True).check()
            type_into_readout(page, "epochs", 3)
            final = widgets.Settings(hidden_size=widgets.DEFAULTS.hidden_size, truncation=50,
                                     learning_rate=widgets.DEFAULTS.learning_rate,
                                     activation="sigmoid", clipping="global norm at most 1",
                                     epochs=3, seed=1)
            wait_for_settings(page, final)
            found = axe_violations(page)
            assert not serious(found), serious(found)
        finally:
            browser.close()


# ---------------------------------------------------------------------------------------------
# JupyterLab with notebook 6 run
# ---------------------------------------------------------------------------------------------

#: axe-core's serious and critical findings that belong to JupyterLab 4.6 (and Voila's JupyterLab
#: extension), not to the course: (rule, a piece of each node's selector). README's accessibility
#: statement lists them. image-alt: JupyterLab's image renderer gives no output image an alt text
#: (it ignores the output's metadata), so an ordinary matplotlib figure fails; the course's live
#: widgets show their pictures as <img> with alt text instead.
JUPYTERLAB_OWN = [("aria-allowed-attr", "jp-button"), ("aria-allowed-attr", ".voilaRender"),
                  ("aria-allowed-attr", ".jp-DebuggerBugButton"),
                  ("aria-input-field-name", ".cm-content"),
                  ("aria-required-children", ".jp-WindowedPanel-viewport"),
                  ("image-alt", ".jp-RenderedImage > img")]


def assert_only_their_own_serious_findings(page, course_selector, whose):
    """axe on the page: no serious or critical finding inside the course's widget (course_selector);
    elsewhere only findings JUPYTERLAB_OWN lists as JupyterLab's or Voila's own, which are printed
    (whose: "JupyterLab's own", "Voila's own")."""
    assert not serious(axe_violations(page, f"{{include: [['{course_selector}']]}}"))
    found = serious(axe_violations(page))
    theirs = [(rule, impact, nodes) for rule, impact, nodes in found
              if all(any(rule == r and part in node for r, part in JUPYTERLAB_OWN) for node in nodes)]
    print(f"{whose} serious and critical axe findings:",
          [(rule, impact, len(nodes)) for rule, impact, nodes in theirs])
    assert found == theirs, [v for v in found if v not in theirs]


def watched_page(browser):
    """A new page of browser that records its errors and every URL it requests (HTTP and
    websocket). Returns (page, page_errors, requested): the two lists fill as the page runs."""
    page = browser.new_page()
    page_errors, requested = [], []
    page.on("pageerror", lambda err: page_errors.append(str(err)))
    page.on("request", lambda request: requested.append(request.url))
    page.on("websocket", lambda socket: requested.append(socket.url))
    return page, page_errors, requested



@pytest.fixture(scope="module")
def lab_url(chromium):
    """JupyterLab on 127.0.0.1 with a token, serving a scratch copy of notebook 6 (JupyterLab
    edits the notebook it runs). Yields the notebook's address."""
    import os
    import shutil
    port, token = free_port(), secrets.token_urlsafe(24)
    with tempfile.TemporaryDirectory() as work, tempfile.TemporaryFile() as log:
        shutil.copy(ROOT / "notebooks" / "06_explorer.ipynb", work)
        env = dict(os.environ, PATH=f"{pathlib.Path(sys.executable).parent}{os.pathsep}"
                                    f"{os.environ.get('PATH', '')}")
        server = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", f"--port={port}",
             "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
             f"--ServerApp.root_dir={work}"], cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 90
            while True:
                if server.poll() is not None:
                    log.seek(0)
                    pytest.fail(f"JupyterLab exited:\n{log.read().decode()[-3000:]}")
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}",
                                           timeout=5).close()
                    break
                except urllib.error.HTTPError:
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        pytest.fail("JupyterLab did not answer within 90 s")
                    time.sleep(0.3)
            yield f"http://127.0.0.1:{port}/lab/tree/06_explorer.ipynb?token={token}"
        finally:
            stop_server(server)


def test_the_explorer_in_jupyterlab_for_screen_readers(chromium, lab_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        browser = p.chromium.launch_persistent_context(
            profile, executable_path=chromium, headless=True, args=conftest.CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 900})
        try:
            page = browser.new_page()
            page.goto(lab_url)
            page.locator(".jp-Notebook").wait_for(timeout=PAGE_TIMEOUT_MS)
            dialog = page.get_by_role("button", name="Select", exact=True)
            try:        # JupyterLab may ask which kernel to start
                dialog.click(timeout=15_000)
            except Exception:  # noqa: BLE001  no dialog: the kernel starts by itself
                pass
            page.wait_for_function("""() => [...document.querySelectorAll('.jp-StatusBar-TextItem')]
                .some((e) => /Idle/.test(e.textContent))""", timeout=PAGE_TIMEOUT_MS)
            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.get_by_text("Run All Cells", exact=True).click()
            page.locator(".rnn-explorer-picture").wait_for(timeout=300_000, state="attached")
            page.wait_for_function("""() => {
                const prompts = [...document.querySelectorAll('.jp-InputArea-prompt')];
                return prompts.length > 0 && !prompts.some((e) => e.textContent.includes('*'));
            }""", timeout=600_000)
            explorer = page.locator(".rnn-explorer")
            explorer.scroll_into_view_if_needed()

            # the course's script ran (a trusted output of this session): names and values
            for role, name in CONTROLS[:4] + [("radio", "RNN"), ("radio", "LSTM"),
                                              ("combobox", "clipping"), ("spinbutton", "seed")]:
                assert explorer.get_by_role(role, name=name, exact=True).count() == 1, (role, name)
            rate = explorer.get_by_role("slider", name="learning rate")
            assert rate.get_attribute("aria-valuetext") == "0.1"
            assert page.locator(".rnn-explorer-text").get_attribute("aria-live") == "polite"
            alt = page.locator(".rnn-explorer-picture").get_attribute("alt")
            assert alt == widgets.describe_result(widgets.retrain(widgets.DEFAULTS)), alt

            # the keyboard: an arrow key on a slider retrains; picture and description follow
            handle = explorer.get_by_role("slider", name="truncation")
            handle.focus()
            page.keyboard.press("ArrowRight")
            page.wait_for_function("""(alt) => {
                const img = document.querySelector('.rnn-explorer-picture');
                return img && img.alt !== alt && img.alt.includes('truncation 6'); }""",
                                   arg=alt, timeout=UPDATE_TIMEOUT_MS)
            assert handle.get_attribute("aria-valuetext") == "6"

            # axe: nothing serious in the course's widget; elsewhere only JupyterLab's own
            assert_only_their_own_serious_findings(page, ".rnn-explorer", "JupyterLab's own")
        finally:
            browser.close()


# ---------------------------------------------------------------------------------------------
# Notebook 12's date box, on its real model, in Voila: the keyboard, bad input, axe
# ---------------------------------------------------------------------------------------------

#: The page of the date box: notebook 12's model trained as there (2,000 pairs, 2 epochs; a few
#: seconds), then its date box. Written to a scratch folder by the test, not stored under tests/,
#: where the suite's nbval would run it as a notebook of its own.
DATES_MODEL_CELL = """\
from rnn_helpers import seq2seq as s2s
from rnn_helpers.seq2seq import dates, pretrain

train_pairs = dates.make_date_pairs(10_000, 1_000, held_out=0.1, seed=0)[0][:2_000]   # notebook 12's
src_vocab, tgt_vocab = pretrain.dates_vocabularies()
model = s2s.init_model(src_vocab, tgt_vocab, 32, cell="gru", bidirectional=True, attention="additive", seed=0)
model, _ = s2s.train(model, train_pairs, epochs=2, batch_size=32, learning_rate=2e-2, clip_norm=5.0, seed=0)"""
DATES_BOX_CELL = """\
from rnn_helpers.widgets import attention_widget

attention_widget(lambda text: s2s.attention_map(model, text))"""


@pytest.fixture(scope="module")
def dates_box():
    """The date box built here, on a model trained here by the page's own cell (same data, same
    seeds, the same model): what the page must show for any text."""
    from rnn_helpers.widgets import attention_widget
    namespace = {}
    exec(DATES_MODEL_CELL, namespace)     # noqa: S102  the page's cell, this file's own text
    s2s, model = namespace["s2s"], namespace["model"]
    return attention_widget(lambda text: s2s.attention_map(model, text))


@pytest.fixture(scope="module")
def dates_url(chromium):
    """The date box's page served by Voila: (url, origin), see serve_voila."""
    import nbformat
    with tempfile.TemporaryDirectory() as work:
        page = nbformat.v4.new_notebook(cells=[
            nbformat.v4.new_markdown_cell("# Notebook 12's date box"),
            nbformat.v4.new_code_cell(DATES_MODEL_CELL), nbformat.v4.new_code_cell(DATES_BOX_CELL)])
        page.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(page, pathlib.Path(work) / "dates.ipynb")
        with serve_voila("dates.ipynb", root=work) as served:
            yield served


#: How an element looks where a focus indicator would show (outline, border, shadow)
LOOK = """(e) => { const s = getComputedStyle(e);
    return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.borderColor, s.boxShadow].join(' | '); }"""


def line_text(page):
    return page.locator(".rnn-live-text").inner_text().strip()


def type_date(page, text):
    """Replace what the focused date box holds with `text` and press Enter (how the box takes it)."""
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    if text:
        page.keyboard.insert_text(text)    # as typed, without waiting a key press per character
    page.keyboard.press("Enter")


def wait_for_line(page, expected):
    """Wait until the translation line reads `expected`, then return the picture's alt text."""
    try:
        page.wait_for_function(
            "(want) => { const line = document.querySelector('.rnn-live-text');"
            "            return line && line.innerText.trim() === want; }",
            arg=expected, timeout=UPDATE_TIMEOUT_MS)
    except Exception:  # noqa: BLE001  say what the line showed instead
        pytest.fail(f"the line never read {expected!r}; it reads {line_text(page)!r}")
    return page.locator(".rnn-live-picture").get_attribute("alt")


def test_the_date_box_from_the_keyboard_with_bad_input_and_axe(chromium, dates_url, dates_box):
    from playwright.sync_api import sync_playwright

    from rnn_helpers.seq2seq import dates
    from rnn_helpers.widgets.attention import MAX_TYPED

    url, origin = dates_url
    local = dates_box
    with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        browser = p.chromium.launch_persistent_context(
            profile, executable_path=chromium, headless=True, args=conftest.CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 720})
        try:
            page, page_errors, requested = watched_page(browser)
            page.goto(url, wait_until="commit")
            page.locator(".rnn-live-picture").wait_for(timeout=PAGE_TIMEOUT_MS)

            # the first date, as the model trained here translates it; a named box, a live line
            assert wait_for_line(page, local.state.text) == local.alt
            box = page.get_by_role("combobox", name="date", exact=True)
            assert box.count() == 1, "no combobox named 'date'"
            line = page.locator(".rnn-live-text")
            assert line.get_attribute("aria-live") == "polite" and line.get_attribute("role") == "status"
            assert "rnn_helpers" not in page.locator("body").inner_text(), "the page shows code"

            # the keyboard alone: Tab from the page's heading reaches the box, which shows its focus
            page.locator("h1").first.click()
            blurred = box.evaluate(LOOK)
            for _ in range(15):
                page.keyboard.press("Tab")
                if box.evaluate("(e) => e === document.activeElement"):
                    break
            else:
                pytest.fail("Tab never reached the date box")
            assert box.evaluate(LOOK) != blurred, f"no visible focus: {blurred}"

            def typed(text, expect_translation):
                """Type `text`; the line and the alt text must be the ones the local box gives."""
                local.set(date=text)
                before = page.locator(".rnn-live-picture").get_attribute("src")
                type_date(page, text)
                alt = wait_for_line(page, local.state.text)
                assert alt == local.alt, (alt, local.alt)
                assert (local.state.weights is not None) == expect_translation, local.state.text
                assert box.input_value() == text, "the box and the picture disagree"
                assert page.locator(".rnn-live-picture").get_attribute("src") != before, "not redrawn"
                return alt

            # a date in a format not among the examples, which this model reads right
            alt = typed("March 3, 1981", True)
            assert alt.startswith("Heat map of attention weights for input 'March 3, 1981', translated "
                                  "as '1981-03-03'"), alt

            # bad input: a message on the line and in the alt text, then the kernel still translates
            bad = ["25 June 2009 \u00a7",                              # a character the model lacks
                   "",                                                 # an empty box
                   "25 June 2009, " * 5,                               # longer than the model takes
                   "x" * (MAX_TYPED + 300)]                           # a paste far too long
            assert len(bad[2].strip()) > dates.MAX_SOURCE_LEN
            for text in bad:
                typed(text, False)
                assert line_text(page).startswith("no translation:"), line_text(page)
                assert page.locator(".rnn-live-picture").get_attribute("alt").startswith("No heat map")
                typed("6/25/09", True)
            assert "\u00a7" in local.compute(type(local.state.settings)(bad[0])).message

            # a burst: three dates, each with Enter, without waiting; the last one stays
            for text in ("25.06.2009", "SATURDAY 31 DECEMBER 2044", "Jun 25, 2009"):
                type_date(page, text)
            local.set(date="Jun 25, 2009")
            assert wait_for_line(page, local.state.text) == local.alt
            page.wait_for_timeout(1500)       # nothing stale may arrive after the last update
            assert line_text(page) == local.state.text and box.input_value() == "Jun 25, 2009"
            assert page.locator(".rnn-live-picture").get_attribute("alt") == local.alt

            # axe: nothing serious in the box; elsewhere on the page only JupyterLab's own
            assert page.locator(".rnn-attention").count() == 1
            assert_only_their_own_serious_findings(page, ".rnn-attention", "Voila's own")

            assert not re.search(r"Traceback|Error", page.locator("body").inner_text()), \
                "the page shows an error"
            assert not page_errors, page_errors
            assert not outside(requested, origin), f"requests left {origin}: {outside(requested, origin)}"
        finally:
            browser.close()
