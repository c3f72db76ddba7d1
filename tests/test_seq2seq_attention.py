"""Attention: the masked softmax, both scores, the context, and the backward pass, checked three ways
(against the one-record loops, against fourth-order finite differences, and on padded positions)."""

import numpy as np
import pytest

from rnn_helpers.gradcheck import assert_gradients_match, numerical_gradient, relative_error
from rnn_helpers.seq2seq import attention as att

N, S, E, HD, A = 3, 5, 4, 3, 2
LENGTHS = np.array([5, 2, 1])                     # a full record, a padded one, a single position


def _problem(kind, seed=0):
    rng = np.random.default_rng(seed)
    params = {"W_k": rng.normal(0, 0.8, (A if kind == "additive" else HD, E))}
    if kind == "additive":
        params["W_q"] = rng.normal(0, 0.8, (A, HD))
        params["v"] = rng.normal(0, 1.0, A)
    q = rng.normal(size=(N, HD))
    H_enc = rng.normal(size=(N, S, E))
    H_enc[att.length_mask(LENGTHS, S) == 0] = 0.0  # as the encoder leaves padded positions
    return params, q, H_enc, rng


def _run(params, q, H_enc):
    K = att.project_keys(H_enc, params)
    return att.attend(q, K, H_enc, att.length_mask(LENGTHS, S), params)


@pytest.mark.parametrize("kind", list(att.KINDS))
def test_padded_positions_get_exactly_zero_weight_and_rows_sum_to_one(kind):
    params, q, H_enc, _ = _problem(kind)
    _, weights, _ = _run(params, q, H_enc)
    mask = att.length_mask(LENGTHS, S)
    assert np.all(weights[~mask] == 0.0)
    assert np.all(weights[mask] > 0.0)
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, rtol=0, atol=1e-15)
    assert weights[2, 0] == 1.0                  # one valid position takes all the weight


@pytest.mark.parametrize("kind", list(att.KINDS))
def test_vectorised_attention_equals_the_loop(kind):
    params, q, H_enc, rng = _problem(kind)
    context, weights, cache = _run(params, q, H_enc)
    dcontext = rng.normal(size=(N, E))
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    dK = np.zeros_like(cache[1])
    dq = att.attend_backward(dcontext, cache, params, grads, dK)
    dH = att.values_backward(weights[:, None, :], dcontext[:, None, :])
    dH = dH + att.project_keys_backward(dK, H_enc, params, grads)
    loop_grads = {k: np.zeros_like(v) for k, v in params.items()}
    for n in range(N):
        c_n, w_n, _ = att.attend_loop(q[n], H_enc[n], LENGTHS[n], params)
        np.testing.assert_allclose(context[n], c_n, rtol=0, atol=1e-12)
        np.testing.assert_allclose(weights[n], w_n, rtol=0, atol=1e-12)
        dq_n, dH_n = att.attend_backward_loop(dcontext[n], q[n], H_enc[n], LENGTHS[n], params, loop_grads)
        np.testing.assert_allclose(dq[n], dq_n, rtol=0, atol=1e-12)
        np.testing.assert_allclose(dH[n], dH_n, rtol=0, atol=1e-12)
    for k in params:
        np.testing.assert_allclose(grads[k], loop_grads[k], rtol=0, atol=1e-12)


def _gradients(kind, seed=0):
    """(analytic, numerical) gradients of L = sum(dcontext * context) w.r.t. the weights, q and H_enc."""
    params, q, H_enc, rng = _problem(kind, seed)
    dcontext = rng.normal(size=(N, E))

    def objective(p):
        weights = {k: p[k] for k in params}
        return float(np.sum(dcontext * _run(weights, p["q"], p["H_enc"])[0]))

    everything = {**params, "q": q, "H_enc": H_enc}
    numeric = numerical_gradient(objective, everything)
    _, _, cache = _run(params, q, H_enc)
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    dK = np.zeros_like(cache[1])
    grads["q"] = att.attend_backward(dcontext, cache, params, grads, dK, np.empty_like(cache[1]))
    dH = att.values_backward(cache[4][:, None, :], dcontext[:, None, :])
    grads["H_enc"] = dH + att.project_keys_backward(dK, H_enc, params, grads)
    return grads, numeric


@pytest.mark.parametrize("kind", list(att.KINDS))
def test_backward_matches_fourth_order_differences(kind):
    analytic, numeric = _gradients(kind)
    errors = {k: relative_error(analytic[k], numeric[k]) for k in analytic}
    assert_gradients_match(errors)
    assert max(errors.values()) < 1e-8


@pytest.mark.parametrize("kind", list(att.KINDS))
def test_a_wrong_entry_fails_the_check(kind):
    analytic, numeric = _gradients(kind)
    for key in analytic:
        wrong = {k: v.copy() for k, v in analytic.items()}
        wrong[key].flat[0] += 1e-4 * (1.0 + abs(wrong[key].flat[0]))
        with pytest.raises(AssertionError, match=key):
            assert_gradients_match({k: relative_error(wrong[k], numeric[k]) for k in wrong})


@pytest.mark.parametrize("kind", list(att.KINDS))
def test_padded_encoder_states_get_exactly_zero_gradient(kind):
    analytic, numeric = _gradients(kind)
    padded = att.length_mask(LENGTHS, S) == 0
    assert np.all(analytic["H_enc"][padded] == 0.0)
    assert np.all(numeric["H_enc"][padded] == 0.0)   # they change nothing, so this is the truth too


def test_the_masked_softmax_is_exact_for_huge_scores():
    scores = np.array([[1e4, 1e4 - 1.0, -1e4], [0.0, 5.0, 1e300]])
    mask = np.array([[True, True, True], [True, True, False]])
    weights = att.masked_softmax(scores, mask)
    e = 1.0 / (1.0 + np.exp(-1.0))
    np.testing.assert_allclose(weights[0], [e, 1 - e, 0.0], rtol=1e-15, atol=0)
    np.testing.assert_allclose(weights[1], [1 / (1 + np.exp(5.0)), 1 / (1 + np.exp(-5.0)), 0.0],
                               rtol=1e-14, atol=0)
    assert weights[1, 2] == 0.0                      # masked: its huge score is never read
