"""The vanilla RNN's maths arranged for speed: what rh.train runs, shown "under the hood" in
notebooks 2 and 3.

    run_states         the forward loop: one product and one activation per step, into arrays
                       allocated once (sigmoid computed in "tanh space")
    recurrence_matrix  the matrix each row [s_{t-1}, x_t, 1] is multiplied by
    backward_into      the backward loop: dz_t and ds_{t-1} per step, then one product for
                       [dW dU db] over every step and record

The package's tests hold each to the readable loop of rnn_helpers.rnn (step_forward, step_backward).
"""

from ._engines.rnn import backward_into, recurrence_matrix, run_states

__all__ = ["run_states", "recurrence_matrix", "backward_into"]
