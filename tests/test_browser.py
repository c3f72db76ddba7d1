"""The explorer in a real browser: Voila serves notebook 6, headless Chromium moves its sliders.

Voila is started on 127.0.0.1 with a token on a free port; Debian's chromium (/usr/bin/chromium),
driven by Playwright, opens the page, moves the hidden size and truncation sliders, and checks
that the text line and the picture change to the new settings, with the RMSE that the same
settings give when trained here directly. A burst of key presses on a slider must end with the
last value shown.

Without chromium (or without the playwright package) the test is skipped with a reason that says
how to install it; in CI (the environment variable CI set, as .ci/run's host does) it fails
instead, so that the browser test can never silently stop running. Never run `playwright install`:
it downloads a browser of its own, which these machines cannot do; the system's chromium is used.
"""

import base64
import io
import os
import pathlib
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import numpy as np
import pytest
from PIL import Image

from rnn_helpers import widgets

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOK = "notebooks/06_explorer.ipynb"
CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
HOW_TO_INSTALL = ("install Debian's chromium with `sudo apt-get install -y chromium` (.ci/run does "
                  "this) and the Python package with `pip install -r requirements.txt`; never run "
                  "`playwright install`")
PAGE_TIMEOUT_MS = 180_000     # Voila runs the whole notebook before the explorer appears
UPDATE_TIMEOUT_MS = 60_000


def in_ci():
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def unavailable(what):
    """Skip loudly on a developer's machine; fail in CI, where the browser test must run."""
    if in_ci():
        pytest.fail(f"{what}, but CI must run the browser test: {HOW_TO_INSTALL}.")
    pytest.skip(f"{what}: the browser test needs it; to run it, {HOW_TO_INSTALL}.")


@pytest.fixture(scope="module")
def chromium():
    path = next((p for p in CHROMIUM if os.access(p, os.X_OK)), None) or shutil.which("chromium")
    if path is None:
        unavailable(f"Chromium was not found (looked for {', '.join(CHROMIUM)} and `chromium` on PATH)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        unavailable("The Python package playwright is not installed")
    return path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def voila_url(chromium):
    """Serve notebook 6 with Voila on 127.0.0.1 with a token; stop the server afterwards."""
    port, token = free_port(), secrets.token_urlsafe(24)
    log = tempfile.TemporaryFile()
    server = subprocess.Popen(
        [sys.executable, "-m", "voila", NOTEBOOK, "--no-browser", f"--port={port}",
         "--Voila.ip=127.0.0.1", f"--token={token}"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
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
        yield f"http://127.0.0.1:{port}/?token={token}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


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


def expected_pixels(settings):
    """The explorer's picture for `settings`, drawn here: (height, width, 3) integers."""
    figure, _ = widgets.explorer_figure(widgets.retrain(settings))
    return decode(widgets.png_bytes(figure))


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


def type_into_readout(page, control, value):
    """Type a value into a slider's readout (what a learner does to set an exact number)."""
    readout = page.locator(f".rnn-{control} .widget-readout")
    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(str(value))
    page.keyboard.press("Enter")


def test_sliders_retrain_and_redraw_in_a_real_browser(chromium, voila_url):
    from playwright.sync_api import sync_playwright

    defaults = widgets.DEFAULTS
    with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        browser = p.chromium.launch_persistent_context(
            profile, executable_path=chromium, headless=True, args=FLAGS,
            viewport={"width": 1300, "height": 1000})
        try:
            page = browser.new_page()
            page_errors = []
            page.on("pageerror", lambda err: page_errors.append(str(err)))
            page.goto(voila_url, wait_until="commit")
            picture = page.locator(".rnn-explorer-picture")
            picture.wait_for(timeout=PAGE_TIMEOUT_MS)

            # the default state: its RMSE, and the picture the explorer draws for it
            text = wait_for_settings(page, defaults)
            assert expected_line() in text, text
            shown = shown_pixels(page)
            assert differing(shown, expected_pixels(defaults)) < 0.01, "not the default picture"

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
            assert differing(shown_pixels(page), expected_pixels(last)) < 0.01, "stale picture"

            assert not re.search(r"Traceback|Error", page.locator("body").inner_text()), \
                "the page shows an error"
            assert not page_errors, page_errors
        finally:
            browser.close()
