import numpy as np
import pytest

import rnn_helpers as rh


def grads():
    return {"U": np.array([[30.0], [-0.5]]), "W": np.array([[-12.0, 3.0], [4.0, 0.0]])}


def test_clip_elementwise_bounds_entries_and_keeps_input():
    g = grads()
    before = {k: v.copy() for k, v in g.items()}
    clipped = rh.clip_elementwise(g, 10.0)
    assert np.array_equal(clipped["U"], [[10.0], [-0.5]])
    assert np.array_equal(clipped["W"], [[-10.0, 3.0], [4.0, 0.0]])
    assert all(np.array_equal(g[k], before[k]) for k in g)


def test_clip_global_norm_rescales_together_and_keeps_direction():
    g = grads()
    norm = rh.global_norm(g)
    assert norm == pytest.approx(np.sqrt(30**2 + 0.5**2 + 12**2 + 3**2 + 4**2))
    clipped, before = rh.clip_global_norm(g, 1.0)
    assert before == norm
    assert rh.global_norm(clipped) == pytest.approx(1.0)
    np.testing.assert_allclose(clipped["W"] * norm, g["W"])
    small, _ = rh.clip_global_norm(g, 1e6)
    assert all(np.array_equal(small[k], g[k]) for k in g)
    assert np.array_equal(g["U"], grads()["U"])


@pytest.mark.parametrize("call, exc, message", [
    (lambda: rh.clip_elementwise(grads(), 0), ValueError, "clip_value must be"),
    (lambda: rh.clip_global_norm(grads(), -1.0), ValueError, "clip_norm must be"),
    (lambda: rh.clip_global_norm([1.0], 1.0), TypeError, "grads must be a non-empty dict"),
    (lambda: rh.clip_elementwise({"U": [1.0]}, 1.0), TypeError, r"grads\['U'\] must be a numpy array"),
])
def test_clipping_rejects_bad_input(call, exc, message):
    with pytest.raises(exc, match=message):
        call()
