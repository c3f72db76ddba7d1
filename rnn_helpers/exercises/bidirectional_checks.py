"""The implement-it exercise of notebook 11: a bidirectional layer's forward pass.

    check_bidirectional_forward(fn)   notebook 11   mirrors rnn_helpers.deep.bidirectional_forward

The learner writes bidirectional_forward(step, params_fwd, params_bwd, X, h0) -> H_seq, given one
step of a cell whose state is h alone, step(x_t, h_prev, params) -> h_t:

    forward cell    h^f_t = step(x_t, h^f_{t-1}, params_fwd)      t = 0 .. T-1,   h^f_{-1} = h0
    reverse cell    h^b_t = step(x_t, h^b_{t+1}, params_bwd)      t = T-1 .. 0,   h^b_T = h0
    H_seq[:, t] = [h^f_t, h^b_t]                                   (N, T, 2H)

The check runs it on seeded cases (several N, T, D and H; a tanh RNN step and a GRU step; h0 not
zero in most cases, so that where each direction starts matters; different weights for the two
directions) and compares H_seq with the package's, as every check of rnn_helpers.exercises does
(engine.run_check). A wrong result that equals a deliberately wrong variant, run on the same case,
gets that mistake's hint:

    not_reversed_back        the reverse cell's outputs left in the order it made them (its h of
                             x_{T-1} at position 0), not put back at their time steps
    reverse_reads_forward    the reverse cell reads x_0, x_1, ... like the forward one
    records_reversed         X reversed along axis 0 (the records), not axis 1 (the steps), and the
                             outputs flipped back along the steps
    shared_weights           both directions run with params_fwd
    shared_weights_bwd       both directions run with params_bwd
    swapped_halves           [h^b_t, h^f_t]: the concatenation order swapped
    reverse_starts_from_forward   the reverse cell starts from the forward cell's last h, not h0

and a result of the wrong shape is read for what it most likely is: (N, 2T, H), the halves joined
along the time axis; (2, N, T, H), stacked; (N, T, H), one direction only or the two added.

EXERCISES maps the name to (check function, reference function), like implement.EXERCISES.
"""

import numpy as np

from ..cells import gru as _gru
from ..deep import bidirectional as _bidirectional
from .engine import Case, Exercise, Wrong, run_check

__all__ = ["check_bidirectional_forward", "HINTS", "FIRST", "MISTAKES", "EXERCISES", "rnn_tanh_step",
           "gru_step"]


def rnn_tanh_step(x_t, h_prev, params):
    """One step of the vanilla RNN with tanh: h_t = tanh(x_t U^T + h_prev W^T + b). (N, H)"""
    return np.tanh(x_t @ params["U"].T + h_prev @ params["W"].T + params["b"])


def gru_step(x_t, h_prev, params):
    """One step of the GRU (rnn_helpers.gru), its new h only. (N, H)"""
    return _gru._step_forward(x_t, h_prev, params)[0]


FIRST = {
    "not_reversed_back": "the backward direction's outputs are not put back into time order",
    "reverse_reads_forward": "the backward direction reads the sequence forwards",
    "records_reversed": "X is reversed along the records, not along the time steps",
    "shared_weights": "the two directions share one set of weights (params_fwd)",
    "shared_weights_bwd": "the two directions share one set of weights (params_bwd)",
    "swapped_halves": "the two halves are concatenated in the wrong order",
    "reverse_starts_from_forward": "the backward direction starts from the forward direction's last state",
}
_SHARED = ("each direction has its own cell: run the forward loop with params_fwd and the backward "
           "loop with params_bwd. With one set of weights the layer cannot learn different things "
           "from the past and from the future.")
HINTS = {
    "not_reversed_back": "the backward cell makes its h for x_{T-1} first, but that h belongs at time "
                         "step T-1 of H_seq, not at position 0. Store each h at the step t it read "
                         "(or reverse the list of its outputs before stacking), so that H_seq[:, t] "
                         "holds two summaries of the same step t.",
    "reverse_reads_forward": "the backward cell must read the steps from last to first: "
                             "t = T-1, T-2, ..., 0 (range(T - 1, -1, -1)), so that its h at step t "
                             "has seen x_t, ..., x_{T-1}, the future of step t. (X[::-1] reverses "
                             "the records, axis 0; the steps are axis 1: X[:, ::-1].)",
    "records_reversed": "X[::-1] reverses axis 0, the N records, so each record's backward half is "
                        "computed from another record. The steps are axis 1: X[:, ::-1], or walk t "
                        "from T-1 down to 0 and read X[:, t].",
    "shared_weights": _SHARED,
    "shared_weights_bwd": _SHARED,
    "swapped_halves": "H_seq[:, t] is [forward h, backward h]: the forward direction's H values "
                      "first, then the backward direction's (the order PyTorch's bidirectional layers "
                      "use too). Swap the two arrays in the concatenation.",
    "reverse_starts_from_forward": "both directions start from h0. The backward cell is a separate "
                                   "reader that starts at the end of the sequence: reset h to h0 before "
                                   "its loop instead of carrying on from the forward loop's last h.",
}


def _variant(step, params_fwd, params_bwd, X, h0, put_back=True, reverse=True, records=False,
             weights="both", swap=False, carry=False):
    """bidirectional_forward written with one deliberate mistake (the keywords say which).

    records: X[::-1] (the records reversed) read in time order, its outputs flipped back along the
    steps, as a learner who meant X[:, ::-1] would. (Flipping the outputs back along the records
    too undoes the mix-up of records: that is reverse_reads_forward.)
    """
    T = X.shape[1]
    w_f = params_bwd if weights == "bwd" else params_fwd
    w_b = params_fwd if weights == "fwd" else params_bwd
    forward_h, h = [], h0
    for t in range(T):
        h = step(X[:, t], h, w_f)
        forward_h.append(h)
    reverse_h = [None] * T
    if not carry:
        h = h0
    if records:
        for p in range(T):
            h = step(X[::-1][:, p], h, w_b)
            reverse_h[T - 1 - p] = h
    else:
        order = range(T - 1, -1, -1) if reverse else range(T)
        for p, t in enumerate(order):
            h = step(X[:, t], h, w_b)
            reverse_h[t if put_back else p] = h
    halves = [np.stack(forward_h, axis=1), np.stack(reverse_h, axis=1)]
    return np.concatenate(halves[::-1] if swap else halves, axis=2)


def _with(**flags):
    def variant(step, params_fwd, params_bwd, X, h0):
        return _variant(step, params_fwd, params_bwd, X, h0, **flags)
    return variant


MISTAKES = {
    "not_reversed_back": _with(put_back=False),
    "reverse_reads_forward": _with(reverse=False),
    "records_reversed": _with(records=True),
    "shared_weights": _with(weights="fwd"),
    "shared_weights_bwd": _with(weights="bwd"),
    "swapped_halves": _with(swap=True),
    "reverse_starts_from_forward": _with(carry=True),
}


def _rng(seed):
    return np.random.default_rng(40_000 + seed)


# (N, T, D, H, cell, h0 zero?): several records first (records_reversed shows only with N > 1),
# a one-step sequence (where both directions read the same single step), a GRU.
_SIZES = [(3, 4, 2, 3, "rnn", False), (2, 5, 1, 2, "gru", False), (4, 3, 3, 2, "rnn", True),
          (2, 6, 2, 4, "gru", False), (1, 1, 1, 1, "rnn", False), (1, 5, 2, 3, "rnn", False)]


def _rnn_params(rng, H, D):
    return {"U": rng.uniform(-0.9, 0.9, (H, D)), "W": rng.uniform(-0.9, 0.9, (H, H)) / np.sqrt(H),
            "b": rng.normal(0.0, 0.5, H)}


def _gru_params(rng, H, D):
    return {"W_x": rng.uniform(-0.9, 0.9, (3 * H, D)), "W_h": rng.uniform(-0.9, 0.9, (3 * H, H)) / np.sqrt(H),
            "b_x": rng.normal(0.0, 0.5, 3 * H), "b_h": rng.normal(0.0, 0.5, 3 * H)}


def _cases():
    cases = []
    n = len(_SIZES)
    for k, (N, T, D, H, cell, zero) in enumerate(_SIZES):
        rng = _rng(k)
        step, draw = (rnn_tanh_step, _rnn_params) if cell == "rnn" else (gru_step, _gru_params)
        params_fwd, params_bwd = draw(rng, H, D), draw(rng, H, D)
        X = rng.normal(size=(N, T, D))
        h0 = np.zeros((N, H)) if zero else np.tanh(rng.normal(size=(N, H)))
        what = f"N={N}, T={T}, D={D}, H={H}, {'a tanh RNN' if cell == 'rnn' else 'a GRU'} step" + \
            (", h0 = 0" if zero else "")
        cases.append(Case(f"case {k + 1} of {n} ({what})", (step, params_fwd, params_bwd, X, h0)))
    return cases


def _outputs(ret, args, kwargs):
    _, _, _, X, h0 = args
    N, T, _ = X.shape
    H = h0.shape[1]
    if isinstance(ret, (tuple, list)):
        raise Wrong(f"bidirectional_forward should return one array H_seq (N, T, 2H), but returned a "
                    f"{type(ret).__name__} of {len(ret)}",
                    "join the two directions' outputs along the last axis: np.concatenate([forward, "
                    "backward], axis=2), each (N, T, H).")
    if not isinstance(ret, np.ndarray):
        raise Wrong(f"what bidirectional_forward returns (H_seq) should be a numpy array, but is a "
                    f"{type(ret).__name__}")
    shape = ret.shape
    if shape == (N, 2 * T, H) and T > 0:
        raise Wrong(f"H_seq has shape {shape}, (N, 2T, H): the two directions are joined along the time "
                    "axis", "each step t needs both directions' h side by side: concatenate along the "
                    "last axis (axis=2), which gives (N, T, 2H).")
    if shape == (2, N, T, H):
        raise Wrong(f"H_seq has shape {shape}, (2, N, T, H): the two directions are stacked, not "
                    "concatenated", "np.stack adds a new axis; np.concatenate([...], axis=2) puts the "
                    "two (N, T, H) arrays side by side at every step, (N, T, 2H).")
    if shape == (N, T, H):
        raise Wrong(f"H_seq has shape {shape}, (N, T, H): one direction only, or the two added together",
                    "a bidirectional layer keeps both directions' h, side by side: concatenate them "
                    "along the last axis, (N, T, 2H).")
    return {"H_seq": ret}


def _locate(key, idx, case):
    """Which direction, and which unit, entry (n, t, j) of H_seq belongs to."""
    _, t, j = idx
    H = case.args[4].shape[1]
    return (f", the forward direction's unit {j} at step {t}" if j < H else
            f", the backward direction's unit {j - H} at step {t}")


_BIDIRECTIONAL_FORWARD = Exercise(
    name="bidirectional_forward", reference=_bidirectional.bidirectional_forward,
    arg_names=("step", "params_fwd", "params_bwd", "X", "h0"), make_cases=_cases, outputs=_outputs,
    mistakes=MISTAKES, hints=HINTS, first_hints=FIRST, locate=_locate,
    coverage="N from 1 to 4, T from 1 to 6, D from 1 to 3, H from 1 to 4; tanh RNN and GRU steps; "
             "h0 zero and not",
    hint="Compare with: the forward cell reads t = 0 .. T-1 with params_fwd from h0; the backward cell "
         "reads t = T-1 .. 0 with params_bwd, also from h0, and its h of step t is stored at step t; "
         "H_seq[:, t] = [forward h_t, backward h_t], (N, T, 2H).",
    mutation_hint="the caller's arrays must stay as they were: build new arrays (X[:, ::-1] is a new "
                  "view, fine to read; do not write into X or h0).",
    shape_hint="X[:, t] is (N, D) and step returns (N, H); np.stack(list_of_T_arrays, axis=1) gives "
               "(N, T, H), and np.concatenate([...], axis=2) joins two of them into (N, T, 2H).")


def check_bidirectional_forward(learner_fn, hint=None):
    """Check the learner's bidirectional_forward(step, params_fwd, params_bwd, X, h0) against
    rnn_helpers.deep.bidirectional_forward.

    Returns a Verdict (.passed, .message): green when H_seq matches on every seeded case, else the
    first problem, naming the mistake when it is one of those in HINTS (the formula on a second
    failure of the same kind, or with hint=2).
    """
    return run_check(_BIDIRECTIONAL_FORWARD, learner_fn, hint)


EXERCISES = {
    "bidirectional_forward": (check_bidirectional_forward, _bidirectional.bidirectional_forward),
}
