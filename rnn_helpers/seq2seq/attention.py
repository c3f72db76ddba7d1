"""Attention over the encoder's states: scores, a masked softmax, the context; forward and backward.

Letters used in shapes: N records, S source positions, E encoder state size (H, or 2H for a
bidirectional encoder), Hd decoder hidden size, A attention size.

At decoder step t the query is the decoder's previous state q = s_{t-1} (N, Hd); the keys and the
values are the encoder's states h_1 .. h_S (N, S, E). Two scores (one number per source position):

    additive (Bahdanau et al. 2014)  e_j = v . tanh(W_q q + W_k h_j)     W_q (A, Hd), W_k (A, E), v (A,)
    dot      (Luong et al. 2015)     e_j = q . (W_k h_j)                 W_k (Hd, E)

(Luong et al. call the second "general": the dot product of the query with the projected state
W_k h_j, which lets the encoder's and the decoder's sizes differ.) Then, over the source positions
of each record, padded positions j >= length masked out:

    alpha_j = exp(e_j) / sum_{i valid} exp(e_i)    for valid j,   alpha_j = 0 for padded j   (N, S)
    context = sum_j alpha_j h_j                                                                (N, E)

W_k h_j does not depend on t, so project_keys computes it once per sequence (K = H_enc W_k^T,
(N, S, A) or (N, S, Hd)) and the steps share it. Backward, given dcontext (N, E):

    dalpha_j = dcontext . h_j,    dh_j += alpha_j dcontext                (values: values_backward)
    de_j = alpha_j (dalpha_j - sum_i alpha_i dalpha_i)                      (the softmax's Jacobian)
    additive: u_j = tanh(W_q q + K_j);  dv += sum_j de_j u_j;  du_j = de_j v (1 - u_j^2)
              dK_j += du_j;  dW_q += (sum_j du_j) q^T;  dq = W_q^T sum_j du_j
    dot:      dK_j += de_j q;  dq = sum_j de_j K_j
    after all steps: dW_k += sum_j dK_j^T h_j;  dh_j += W_k^T dK_j

A padded position has alpha_j = 0 exactly (exp(-inf) = 0), so de_j = 0, dK_j = 0 and dh_j = 0: it
receives no gradient at all. The masked softmax subtracts each row's largest valid score before exp,
so scores of 1e4 give exact weights instead of inf / inf.
"""

import math

import numpy as np

from .._checks import as_float_array

__all__ = ["KINDS", "attention", "masked_softmax", "masked_softmax_backward", "project_keys", "attend",
           "attend_backward", "values_backward", "project_keys_backward", "length_mask", "attend_loop",
           "attend_backward_loop"]

#: The attention kinds: name -> the keys its params hold.
KINDS = {"additive": ("W_q", "W_k", "v"), "dot": ("W_k",)}


def length_mask(lengths, S):
    """mask (N, S) bool: True at the valid positions j < lengths[n]. lengths: int array (N,)."""
    return np.arange(S)[None, :] < np.asarray(lengths)[:, None]


def attention(scores, mask, values):
    """The attention weights and the context vector, from the scores: what notebook 12 derives.

    scores: (N, S) real numbers, one per source position of each record (padded positions may hold
    anything). mask: (N, S) bool, True at the valid positions, at least one per record.
    values: (N, S, E), the encoder's states.
    Returns (weights (N, S), context (N, E)):
        weights[n] = the softmax of scores[n] over its valid positions, exactly 0 at padded ones
        context[n] = sum_j weights[n, j] values[n, j]
    Raises TypeError/ValueError naming the argument for arrays of the wrong kind or shape, NaN or
    inf, or a record without a valid position.
    """
    scores = as_float_array("scores", scores, ndim=2, what="(N, S)")
    values = as_float_array("values", values, ndim=3, what="(N, S, E)")
    if isinstance(mask, (str, bytes, dict)) or np.asarray(mask).dtype != bool:
        raise TypeError("mask must be a bool array (N, S), True at the valid positions (build it "
                        "with length_mask(lengths, S)).")
    mask = np.asarray(mask)
    if mask.shape != scores.shape:
        raise ValueError(f"mask must have scores' shape (N, S) = {scores.shape}, got {mask.shape}.")
    if values.shape[:2] != scores.shape:
        raise ValueError(f"values must have shape (N, S, E) with scores' (N, S) = {scores.shape}, "
                         f"got {values.shape}.")
    if not mask.any(axis=1).all():
        n = int(np.flatnonzero(~mask.any(axis=1))[0])
        raise ValueError(f"mask has no valid position for record {n}: every record needs at least "
                         "one (a source of at least one character).")
    weights = masked_softmax(scores, mask)
    return weights, np.einsum("ns,nse->ne", weights, values)


def masked_softmax(scores, mask):
    """The softmax of each row of scores over its valid positions; exactly 0 at the masked ones.

    scores: (N, S) floats. mask: (N, S) bool, True where valid, at least one True per row.
    Returns weights (N, S): each row sums to 1 over its valid positions.
    """
    shifted = np.where(mask, scores, -np.inf)
    shifted = shifted - shifted.max(axis=1, keepdims=True)   # the largest valid exp is exactly 1
    e = np.exp(shifted)                                      # exp(-inf) = 0 at masked positions
    return e / e.sum(axis=1, keepdims=True)


def masked_softmax_backward(dweights, weights):
    """de = alpha * (dalpha - sum_i alpha_i dalpha_i), row by row: (N, S). Zero where alpha is 0."""
    return weights * (dweights - np.sum(weights * dweights, axis=1, keepdims=True))


def project_keys(H_enc, params):
    """K = H_enc W_k^T, each source state projected once per sequence: (N, S, A) or (N, S, Hd)."""
    return H_enc @ params["W_k"].T


def attend(q, K, H_enc, mask, params, out=None):
    """One decoder step of attention, all records at once.

    q: (N, Hd) the query (the decoder's previous state). K: (N, S, A or Hd) from project_keys.
    H_enc: (N, S, E) the values. mask: (N, S) bool. params: holds v (and W_q) for additive
    attention, only W_k for dot attention. out: None, or an (N, S, A) array that additive attention
    writes u into (a buffer reused over the steps: a fresh array of that size every step costs
    page faults worth as much as the arithmetic).
    Returns (context (N, E), weights (N, S), cache).
    """
    if "v" in params:                                               # additive
        u = np.add(K, (q @ params["W_q"].T)[:, None, :], out=out)   # W_q q + W_k h_j
        np.tanh(u, out=u)                                           # u_j, (N, S, A)
        scores = u @ params["v"]                                    # (N, S)
    else:                                                           # dot
        u = None
        scores = (K @ q[:, :, None])[:, :, 0]                       # q . K_j
    weights = masked_softmax(scores, mask)
    context = (weights[:, None, :] @ H_enc)[:, 0]                   # sum_j alpha_j h_j
    return context, weights, (q, K, H_enc, u, weights)


def attend_backward(dcontext, cache, params, grads, dK, scratch=None):
    """Back through attend, given dcontext (N, E).

    Adds dW_q and dv (additive attention) into grads (a dict of arrays of params' shapes) and this
    step's dK (N, S, A or Hd) into dK, in place: the keys' share of dH_enc and dW_k come from
    project_keys_backward once dK is summed over the steps. scratch: None, or an (N, S, A) array
    to reuse. The values' share of dH_enc, alpha_j dcontext, is values_backward's, for all steps at
    once. Returns dq (N, Hd).
    """
    q, K, H_enc, u, weights = cache
    dweights = (H_enc @ dcontext[:, :, None])[:, :, 0]              # dalpha_j = dcontext . h_j
    de = masked_softmax_backward(dweights, weights)                 # (N, S), 0 where masked
    if u is None:                                                   # dot: e_j = q . K_j
        dK += de[:, :, None] * q[:, None, :]
        return (de[:, None, :] @ K)[:, 0]
    grads["v"] += de.reshape(-1) @ u.reshape(-1, u.shape[2])        # sum_j de_j u_j
    g = np.multiply(u, u, out=scratch)                              # du_j = de_j v (1 - u_j^2)
    np.subtract(1.0, g, out=g)
    g *= de[:, :, None]
    g *= params["v"]
    dK += g
    dpre_q = g.sum(axis=1)                                          # (N, A): W_q q is in every u_j
    grads["W_q"] += dpre_q.T @ q
    return dpre_q @ params["W_q"]


def values_backward(weights, dcontext):
    """The values' share of dH_enc over all decoder steps: sum_t alpha_tj dcontext_t.

    weights: (N, T, S), dcontext: (N, T, E). Returns (N, S, E): one batched product.
    """
    return np.swapaxes(weights, 1, 2) @ dcontext


def project_keys_backward(dK, H_enc, params, grads):
    """Back through project_keys: adds dW_k into grads; returns the keys' share of dH_enc (N, S, E)."""
    N, S, _ = H_enc.shape
    grads["W_k"] += dK.reshape(N * S, -1).T @ H_enc.reshape(N * S, -1)
    return dK @ params["W_k"]


def attend_loop(q, H_enc, length, params):
    """Attention for one record, one source position at a time: the equations above, line by line.

    q: (Hd,). H_enc: (S, E), of which the first `length` rows are valid. Returns (context (E,),
    weights (S,), scores (length,)). The readable reference that attend is tested against.
    """
    scores = []
    for j in range(length):
        k_j = params["W_k"] @ H_enc[j]                              # W_k h_j
        if "v" in params:
            scores.append(float(params["v"] @ np.tanh(params["W_q"] @ q + k_j)))
        else:
            scores.append(float(q @ k_j))
    top = max(scores)
    exps = [math.exp(e - top) for e in scores]                      # shifted: the largest is 1
    weights = np.zeros(H_enc.shape[0])
    context = np.zeros(H_enc.shape[1])
    for j in range(length):
        weights[j] = exps[j] / sum(exps)
        context += weights[j] * H_enc[j]
    return context, weights, np.array(scores)


def attend_backward_loop(dcontext, q, H_enc, length, params, grads):
    """Back through attend_loop for one record, one source position at a time.

    Adds dW_q, dW_k, dv into grads. Returns (dq (Hd,), dH_enc (S, E)), dH_enc zero at padded rows.
    """
    _, weights, _ = attend_loop(q, H_enc, length, params)
    dq = np.zeros_like(q)
    dH_enc = np.zeros_like(H_enc)
    dweights = [float(dcontext @ H_enc[j]) for j in range(length)]
    mean = sum(weights[j] * dweights[j] for j in range(length))
    for j in range(length):
        dH_enc[j] += weights[j] * dcontext                          # context = sum_j alpha_j h_j
        de = weights[j] * (dweights[j] - mean)                      # through the softmax
        k_j = params["W_k"] @ H_enc[j]
        if "v" in params:
            u = np.tanh(params["W_q"] @ q + k_j)
            grads["v"] += de * u
            du = de * params["v"] * (1.0 - u * u)
            grads["W_q"] += np.outer(du, q)
            dq += params["W_q"].T @ du
            dk = du
        else:
            dq += de * k_j
            dk = de * q
        grads["W_k"] += np.outer(dk, H_enc[j])
        dH_enc[j] += params["W_k"].T @ dk
    return dq, dH_enc
