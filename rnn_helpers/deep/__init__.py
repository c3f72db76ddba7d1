"""Deeper networks: stacks of recurrent layers, read in one direction or both (notebook 11).

Built only from the cell protocol (rnn_helpers.cells), so every registered cell works. Letters:
N records, T steps, D input size, H hidden size, L = num_layers, dirs = 2 if bidirectional else 1,
O outputs (K classes for tagging).

Weights (params):
    init_params(cell, hidden_dim, input_dim, output_dim=None, *, num_layers=1, bidirectional=False,
                seed=0)        one flat dict of float64 arrays: each cell's keys with PyTorch's
                               suffixes _l{k} and _l{k}_reverse (W_x_l0, W_x_l0_reverse, U_l1, ...);
                               layer 0 reads D inputs, layer k > 0 reads H * dirs; plus the head
                               V (O, H * dirs), c (O,) when output_dim is given
    describe(params)           Spec(cell, num_layers, bidirectional, hidden_dim, input_dim,
                               output_dim), read off the keys and shapes (clear errors)

The stack (rnn_helpers.deep.stack, one layer in rnn_helpers.deep.bidirectional):
    layers_forward(params, X, *, lengths=None, state0=None, activation=None)
                               -> (H_seq (N, T, H * dirs), last (N, H * dirs), cache)
    layers_backward(dH_seq, dlast, cache, truncate=None) -> (dX (N, T, D), grads)
    layers_forward_loop, layers_backward_loop   the same, one record and one step at a time

    H_seq: the top layer's h at every step, forward h then reverse h, each in time order, 0 past a
    record's end. last: the top layer's final h per direction, the forward cell's at step
    lengths[n] - 1, the reverse cell's at step 0. lengths (N,): each record's steps, 1..T, padding
    at the end; a padded step keeps the state, outputs 0 and gets no gradient, and the reverse cell
    of record n starts at its step lengths[n] - 1. state0: a list of L * dirs state tuples (layer 0
    forward, layer 0 reverse, layer 1 forward, ...). activation: the vanilla RNN's ("sigmoid", its
    default, or "tanh", PyTorch's); None for the other cells. truncate=k: every cell differentiates
    its own last k steps; the states it made before them are constants (see stack's docstring).

Heads (rnn_helpers.deep.heads):
    loss_and_grads(params, X, Y, truncate=None, *, lengths=None)       y_hat = last V^T + c, (N, O)
    tagging_loss_and_grads(params, X, labels, lengths=None, truncate=None)
                               a softmax at every step; labels (N, T) ints, padded steps ignored
    predict(params, X), predict_tags(params, X)   (N, O); (N, T) ints, -1 at padded steps
    state_gradients(params, X, Y)  -> (L, dirs, T): mean over records of ||dloss/dh_t|| per cell
    loss_and_grads_loop, tagging_loss_and_grads_loop, truncated_loss, tagging_truncated_loss
    check_gradients(params, X, targets, *, head="regression", truncate=None, lengths=None)
                               relative error per key against 4th-order finite differences

Training (rnn_helpers.deep.training):
    train(params, X, targets, *, head="regression" | "tagging", lengths=None, X_val=None,
          targets_val=None, lengths_val=None, epochs=50, learning_rate=1e-2, optimizer="adam" | "sgd",
          batch_size=None, truncate=None, clip_norm=5.0, seed=0, activation=None)
                               -> (trained params, DeepHistory); stops with rh.TrainingDiverged
"""

from .bidirectional import reverse_index
from .heads import (check_gradients, loss_and_grads, loss_and_grads_loop, predict, predict_tags, state_gradients,
                    tagging_loss_and_grads, tagging_loss_and_grads_loop, tagging_truncated_loss,
                    truncated_loss)
from .params import Spec, describe, init_params
from .training import DeepHistory, train
from .stack import layers_backward, layers_backward_loop, layers_forward, layers_forward_loop

__all__ = ["Spec", "init_params", "describe", "layers_forward", "layers_backward", "layers_forward_loop",
           "layers_backward_loop", "loss_and_grads", "loss_and_grads_loop", "truncated_loss", "predict",
           "tagging_loss_and_grads", "tagging_loss_and_grads_loop", "tagging_truncated_loss",
           "predict_tags", "state_gradients", "check_gradients", "reverse_index",
           "train", "DeepHistory"]
