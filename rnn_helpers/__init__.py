"""rnn_helpers: a small numpy recurrent neural network, built step by step in the course notebooks.

One module per idea, in the order the course teaches them:
    data        sine_windows, make_windows                      (notebook 1)
    forward     init_params, step_forward, forward              (notebook 2)
    bptt        loss_and_grads, backward, truncated BPTT        (notebook 3)
    gradcheck   numerical gradient checks                       (notebook 3)
    clipping    clip_elementwise, clip_global_norm              (notebook 4)
    training    train, predict, rmse, forecast                  (notebook 5)
    baselines   simple predictors to beat                       (notebook 5)
    plots       the figures the notebooks share (colour-blind-safe palette)
    widgets     the live explorer and the sliders of notebooks 3, 4 and 6  (import rnn_helpers.widgets)
    tutorial    the original tutorial's method as published: a flawed reference (notebook 7)

Speed benchmarks: python -m rnn_helpers.benchmark (training), python -m rnn_helpers.benchmark_explorer.
"""

from .baselines import predict_last, predict_linear, predict_mean, predict_sine_recurrence
from .bptt import (backward, loss_and_grads, loss_and_grads_loop, mse_loss, state_gradients,
                   truncated_loss)
from .clipping import clip_elementwise, clip_global_norm, global_norm
from .data import make_windows, sine_windows
from .forward import activate, activation_derivative, forward, init_params, sigmoid, step_forward
from .gradcheck import assert_gradients_match, check_gradients, numerical_gradient, relative_error
from .training import History, TrainingDiverged, forecast, predict, rmse, train, train_reference

__version__ = "0.1.0"

# One BLAS thread for the whole course. Its matrices are small (100 x 100, at most 200 x 200), where
# a second thread saves nothing; on a busy machine OpenBLAS's spinning threads made one forward pass
# about 50 times slower; and the thread count changes the order of sums, so the last digits of
# results (and stored notebook outputs) would depend on it. It must come after the imports above:
# threadpoolctl can only limit a BLAS library that numpy has already loaded.
from threadpoolctl import threadpool_limits as _threadpool_limits  # noqa: E402

_threadpool_limits(1, user_api="blas")
