"""The update the dict-based trainers share (deep.train, free_running.train, seq2seq.train): the
gradient rescaled to a global norm, then one Adam step on every weight, in place.

    factor, norm = clip_factor(grads, clip_norm)    norm = sqrt(sum of every squared entry);
                                                    factor = clip_norm / norm when norm > clip_norm,
                                                    else 1
    adam = Adam(params); adam.step(params, grads, learning_rate, factor)
        m = 0.9 m + 0.1 g,  v = 0.999 v + 0.001 g^2   (g = factor * grad)
        p -= learning_rate * m_hat / (sqrt(v_hat) + 1e-8),  m_hat = m / (1 - 0.9^t), v_hat = v / (1 - 0.999^t)

Private: the callers check every argument first (their public functions name what is wrong).
"""

import math

import numpy as np

__all__ = ["clip_factor", "Adam"]


def clip_factor(grads, clip_norm):
    """(factor, norm): the global norm of grads (a dict of arrays) and the factor that rescales it
    to at most clip_norm (None: no clipping, factor 1)."""
    norm = math.sqrt(sum(float(np.vdot(g, g)) for g in grads.values()))
    return (clip_norm / norm if clip_norm is not None and norm > clip_norm else 1.0), norm


class Adam:
    """Adam's running means m and v for a params dict (zeros at the start), and its step count t."""

    def __init__(self, params):
        self.m = {k: np.zeros_like(v) for k, v in params.items()}
        self.v = {k: np.zeros_like(v) for k, v in params.items()}
        self.t = 0

    def step(self, params, grads, learning_rate, factor=1.0):
        """One update of every array of params, in place, from grads (same keys) times factor."""
        self.t += 1
        for k, p in params.items():
            g = grads[k] * factor
            self.m[k] = 0.9 * self.m[k] + 0.1 * g
            self.v[k] = 0.999 * self.v[k] + 0.001 * g * g
            # the bias corrections undo the zero start of m and v in the first updates
            p -= learning_rate * (self.m[k] / (1 - 0.9 ** self.t)) / \
                (np.sqrt(self.v[k] / (1 - 0.999 ** self.t)) + 1e-8)
