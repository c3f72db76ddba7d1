"""The quick lane: `pytest -m "not slow"` leaves out what executes notebooks or drives a browser.

Marked slow here (so that the test files need no marker of their own): every notebook that nbval
runs, the test files below, which execute notebooks (the learner edition), build the docs or
start a browser, and the single tests elsewhere that execute a notebook or start a kernel (or
retrain a stored run). The gradient checks of the stacked layers keep their rnn and gru cases of
one and two layers in the quick lane, those of the encoder-decoder their rnn cases; the others,
seconds each, run in the full suite only.
"""

import pytest

SLOW_FILES = {"test_learner_edition.py", "test_docs.py", "test_browser.py"}
# single tests elsewhere that execute a notebook or start a kernel
SLOW_TESTS = {"test_notebook_figures_survive_mplbackend_agg",
              "test_a_burst_of_widget_messages_in_a_real_kernel_retrains_once",
              "test_one_stored_bottleneck_run_is_reproduced"}
# gradient-check families whose heavier cases (those whose test id holds one of these) run in the
# full suite only
HEAVY_CASES = {"test_both_heads_pass_the_gradient_check": ("lstm", "mgu", "L3"),
               "test_layers_backward_is_the_gradient_of_its_outputs_with_dX": ("lstm", "mgu", "L3"),
               "test_gradients_match_fourth_order_differences_for_every_key": ("lstm", "gru", "mgu")}


def _heavy_case(item):
    params = item.name.partition("[")[2]
    return any(p in params for p in HEAVY_CASES.get(item.originalname, ()))


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.suffix == ".ipynb" or item.path.name in SLOW_FILES or \
                item.originalname in SLOW_TESTS or _heavy_case(item):
            item.add_marker(pytest.mark.slow)
