import numpy as np
import pytest

import rnn_helpers as rh


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
