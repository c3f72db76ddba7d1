"""rnn_helpers: a small numpy recurrent neural network, built step by step in the course notebooks.

One module per idea, in the order the course teaches them:
    data            sine_windows, make_windows                                  (notebook 1)
    activations     sigmoid, tanh and their derivatives                         (notebook 2)
    rnn             the vanilla cell (cells/rnn.py): init_params, step_forward, step_backward,
                    forward, backward, loss_and_grads (truncated BPTT)          (notebooks 2-3)
    speed           the vanilla cell's loops arranged for speed, as training runs them (notebooks 2-3)
    losses          the mean squared error every model is trained on            (notebook 2)
    gradcheck       numerical gradient checks, for any cell                     (notebook 3)
    gradient_flow   the gradient per time step: vanishing, exploding, truncation (notebooks 3-4)
    clipping        clip_elementwise, clip_global_norm                          (notebook 4)
    training        train, predict, rmse, forecast; Model remembers its cell    (notebook 5)
    baselines       simple predictors to beat                                   (notebook 5)
    seeds           over_seeds: one comparison over several seeds, as a table (notebooks 8-10)
    plots           the figures the notebooks share (colour-blind-safe palette)
    widgets         the live explorer and the sliders of notebooks 3, 4 and 6   (import rnn_helpers.widgets)
    exercises       checkers for the notebooks' exercises                       (import rnn_helpers.exercises)
    grade           the grader for a class: python -m rnn_helpers.grade SUBMISSIONS... --out DIR
    tutorial        the original tutorial's method as published: a flawed reference (notebook 7)
    lstm, gru       the gated cells (cells/lstm.py, cells/gru.py), with the rnn module's names
                                                                                (notebook 8)
    gru_reset_before  the GRU with the reset gate before the recurrent product (Cho et al. 2014),
                    registered as the cell "gru_before", with the same names   (notebook 8)
    cells           the cell protocol and the registry: register your own cell; rnn, lstm, gru
                    and every registered cell work in training, prediction, gradient checks,
                    gradient flow, the text model and the explorer                (notebook 8)
    layer           the recurrent layer built from any cell's steps, and the heads on top of it
    sequence        a cell's sequence functions (forward, backward, loss_and_grads), from its steps
    weather         real data: a daily weather record, scaling, dated windows (notebook 9; pandas)
    text            a character-level language model on any cell            (notebook 10)
    deep            stacks of recurrent layers, one or both directions, for any cell, with
                    padding, truncated BPTT, two heads and PyTorch's layout  (notebook 11)
    seq2seq         an encoder-decoder with additive or dot attention on any cell: vocabularies,
                    toy tasks, exact gradients, greedy decoding, beam search, training (notebook 12)
    datasets/       the data files the package ships (README.md and TEXT_README.md: provenance)

The names below are the vanilla RNN's (rh.forward is rnn_helpers.rnn.forward, and so on); import
lstm, gru, weather, text, deep, seq2seq, widgets and exercises as submodules (from rnn_helpers import lstm).
Speed benchmarks live outside the package: python benchmarks/training_speed.py and
python benchmarks/explorer_latency.py.
"""

import sys as _sys

# The cells live in rnn_helpers.cells (rnn, lstm, gru beside the registry); they are also
# rnn_helpers.rnn, .lstm and .gru, as the notebooks import them (from rnn_helpers import lstm);
# so is the GRU variant with the reset gate before the recurrent product (notebook 8).
# First of all, so that every module below may import them by either name.
from .cells import gru, gru_reset_before, lstm, rnn

for _cell in (rnn, lstm, gru, gru_reset_before):
    _sys.modules[f"{__name__}.{_cell.__name__.rsplit('.', 1)[-1]}"] = _cell

from .activations import activate, activation_derivative, sigmoid
from .baselines import predict_last, predict_linear, predict_mean, predict_sine_recurrence
from . import cells
from .cells import CELLS, cell_of, get_cell
from .clipping import clip_elementwise, clip_global_norm, global_norm
from .data import make_windows, sine_windows
from .gradcheck import assert_gradients_match, check_gradients, numerical_gradient, relative_error
from .gradient_flow import spectral_radius, state_gradients, step_gradient_norms, truncation_profile
from .losses import mse_loss
from .cells.rnn import (backward, forward, init_params, loss_and_grads, loss_and_grads_loop,
                        step_backward, step_forward, truncated_loss)
from .seeds import over_seeds
from .training import (DIVERGENCE_FACTOR, History, Model, TrainingDiverged, forecast, predict, rmse,
                       sgd_momentum_update, train, train_reference)

__version__ = "0.2.0"

__all__ = ["cells", "activate", "activation_derivative", "sigmoid", "predict_last", "predict_linear",
           "predict_mean", "predict_sine_recurrence", "CELLS", "cell_of", "get_cell",
           "clip_elementwise", "clip_global_norm", "global_norm", "make_windows", "sine_windows",
           "assert_gradients_match", "check_gradients", "numerical_gradient", "relative_error",
           "spectral_radius", "state_gradients", "step_gradient_norms", "truncation_profile",
           "mse_loss", "backward", "forward", "init_params", "loss_and_grads", "loss_and_grads_loop",
           "step_backward", "step_forward", "truncated_loss", "DIVERGENCE_FACTOR", "History", "Model",
           "TrainingDiverged", "forecast", "predict", "rmse", "sgd_momentum_update", "train",
           "train_reference", "over_seeds"]

# One BLAS thread for the whole course. Its matrices are small (100 x 100, at most 200 x 200), where
# a second thread saves nothing; on a busy machine OpenBLAS's spinning threads made one forward pass
# about 50 times slower; and the thread count changes the order of sums, so the last digits of
# results (and stored notebook outputs) would depend on it. It must come after the imports above:
# threadpoolctl can only limit a BLAS library that numpy has already loaded.
from threadpoolctl import threadpool_limits as _threadpool_limits  # noqa: E402

_threadpool_limits(1, user_api="blas")
