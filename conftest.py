"""The quick lane: `pytest -m "not slow"` leaves out what executes notebooks or drives a browser.

Marked slow here (so that the test files need no marker of their own): every notebook that nbval
runs, the test files below, which execute notebooks (the learner edition), build the docs or
start a browser, and the single tests elsewhere that execute a notebook or start a kernel.
"""

import pytest

SLOW_FILES = {"test_learner_edition.py", "test_docs.py", "test_browser.py"}
# single tests elsewhere that execute a notebook or start a kernel
SLOW_TESTS = {"test_notebook_figures_survive_mplbackend_agg",
              "test_a_burst_of_widget_messages_in_a_real_kernel_retrains_once"}


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.suffix == ".ipynb" or item.path.name in SLOW_FILES or \
                item.originalname in SLOW_TESTS:
            item.add_marker(pytest.mark.slow)
