"""The quick lane: `pytest -m "not slow"` leaves out what executes notebooks or drives a browser.

Marked slow here (so that the test files need no marker of their own): every notebook that nbval
runs, and the test files below, which execute notebooks (the learner edition), build the docs or
start a browser.
"""

import pytest

SLOW_FILES = {"test_learner_edition.py", "test_docs.py", "test_browser.py"}


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.suffix == ".ipynb" or item.path.name in SLOW_FILES:
            item.add_marker(pytest.mark.slow)
