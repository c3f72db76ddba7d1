import os
import shutil

import numpy as np
import pytest

import rnn_helpers as rh

# The checks run by the tests (and by the notebooks' kernels, which inherit this) record no learner
# progress, so a test run leaves no rnn_progress.json in notebooks/ (tests/test_tracking.py sets it).
os.environ.setdefault("RNN_HELPERS_PROGRESS", "off")


def random_problem(N=3, T=6, D=1, H=4, O=1, biases=True, seed=0):
    """A small random problem whose gradients can be checked numerically.

    Biases are drawn non-zero so that their gradients, and their effect on the others, are tested.
    """
    rng = np.random.default_rng(seed)
    params = rh.init_params(H, D, O, seed=seed, biases=biases, scale=0.8)
    if biases:
        params["b"] = rng.normal(scale=0.5, size=H)
        params["c"] = rng.normal(scale=0.5, size=O)
    X = rng.normal(size=(N, T, D))
    Y = rng.normal(size=(N, O))
    return params, X, Y


@pytest.fixture
def sine():
    return rh.sine_windows()


# --- shared by the tests that drive a real browser (test_browser.py, test_docs.py) --------------

CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def in_ci():
    """True when the environment variable CI is set (as .ci/run sets it)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def unavailable(what, purpose, how_to_install):
    """Skip loudly on a developer's machine; fail in CI, where every test must run."""
    if in_ci():
        pytest.fail(f"{what}, but CI must {purpose}: {how_to_install}.")
    pytest.skip(f"{what}: needed to {purpose}; to have it, {how_to_install}.")


def find_chromium(purpose, how_to_install):
    """The path of Debian's chromium, with playwright importable; else skip (or fail in CI)."""
    path = next((p for p in CHROMIUM if os.access(p, os.X_OK)), None) or shutil.which("chromium")
    if path is None:
        unavailable(f"Chromium was not found (looked for {', '.join(CHROMIUM)} and `chromium` on "
                    "PATH)", purpose, how_to_install)
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        unavailable("The Python package playwright is not installed", purpose, how_to_install)
    return path


# --- a cell written outside the package (tests/own_cell.py), registered for every test ------------

import own_cell  # noqa: E402  (tests/ is on sys.path: pytest puts each test's folder there)

if "mgu" not in rh.cells.names():
    rh.cells.register("mgu", own_cell)
