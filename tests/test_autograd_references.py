"""Every cell's gradient equals PyTorch's autograd on the same computation, on stored references.

tests/data/autograd_references.npz holds, for the vanilla RNN (tanh and sigmoid), the LSTM, the GRU,
the reset-before GRU ("gru_before") and the test's own minimal gated unit (tests/own_cell.py,
registered as "mgu"), weights, data, and the loss and gradient that autograd computed for them, in
full and truncated (torch is not a dependency: tests/make_autograd_references.py says how to make
the file again). Each cell's model is checked twice: its vectorised code, and the same functions
built from its two steps.
"""

import pathlib

import numpy as np
import pytest

from rnn_helpers import cells

REFERENCES = np.load(pathlib.Path(__file__).resolve().parent / "data" / "autograd_references.npz")
CASES = sorted({key.split("/")[0] for key in REFERENCES.files})
TRUNCATED = sorted({key.split("/")[2] for key in REFERENCES.files if "/loss/" in key} - {"full"})


def _case(case):
    name, _, activation = case.partition("-")
    params = {key.split("/")[-1]: REFERENCES[key] for key in REFERENCES.files
              if key.startswith(f"{case}/param/")}
    return name, activation or None, params, REFERENCES[f"{case}/X"], REFERENCES[f"{case}/Y"]


def test_the_references_cover_every_built_in_cell_and_the_tests_own():
    assert {case.split("-")[0] for case in CASES} >= set(cells.CELLS) | {"gru_before", "mgu"}
    assert TRUNCATED


@pytest.mark.parametrize("truncate", ["full"] + TRUNCATED)
@pytest.mark.parametrize("from_steps", [False, True], ids=["vectorised", "from-steps"])
@pytest.mark.parametrize("case", CASES)
def test_gradient_equals_autograds(case, from_steps, truncate):
    name, activation, params, X, Y = _case(case)
    model = cells.get_cell(name)
    model = model.from_steps() if from_steps else model
    k = None if truncate == "full" else int(truncate)
    loss, grads = model.loss_and_grads(params, X, Y, truncate=k, activation=activation)
    assert loss == pytest.approx(float(REFERENCES[f"{case}/loss/{truncate}"]), rel=1e-12)
    for key in params:
        expected = REFERENCES[f"{case}/grad/{truncate}/{key}"]
        np.testing.assert_allclose(grads[key], expected, rtol=1e-10, atol=1e-13, err_msg=key)


def test_a_wrong_gradient_fails_the_comparison():
    """The comparison is not vacuous: the truncated gradient does not pass for the full one."""
    name, activation, params, X, Y = _case("lstm")
    _, grads = cells.get_cell(name).loss_and_grads(params, X, Y, truncate=int(TRUNCATED[0]),
                                                   activation=activation)
    with pytest.raises(AssertionError):
        np.testing.assert_allclose(grads["W_h"], REFERENCES["lstm/grad/full/W_h"], rtol=1e-10,
                                   atol=1e-13)
