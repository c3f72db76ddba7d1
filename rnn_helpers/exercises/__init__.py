"""Exercise checkers: the truth is computed here, so the notebook cells that call them reveal nothing.

    implement   check_<name>(learner_fn) for the implement-it exercises, one per package function the
                learner writes (step_forward, forward, step_backward, backward, clip_elementwise,
                clip_global_norm, sgd_momentum_update); EXERCISES maps each name to
                (check function, reference function)
    verdict     Verdict, what a check returns (green or red in a notebook), and choose(verdict),
                the learner's function once it passes, the package's until then
    mistakes    the classic mistakes, written on purpose so that the checks recognise them
    engine      how a check runs its cases and compares
    answers     replies to "answer with a number" questions (notebooks 1 to 7)
    source      show_source: a package function's source with its argument checks folded away
    lstm_checks check_lstm_step_forward, check_lstm_step_backward, lstm_step_gradient_check,
                check_forget_share (notebook 8)
    gate        no answer before the try: ANSWERS (the package functions that hold each
                exercise's answer), which show_source prints only once the learner's own version
                has passed; reveal(name) prints one on purpose; guessed(my_guess) lets a
                "predict, then run" cell run only once the guess is written
    text_checks check_softmax_xent_backward (notebook 10)
    attention_checks  check_attention: the attention weights and the context vector (notebook 12)
    tracking    progress(): every exercise's latest state, recorded by each check beside the notebooks
"""

from .answers import (check_clip_factor, check_detach_answer, check_fall_per_epoch,
                      check_max_val_answer, check_offset_rule, check_parameter_count,
                      check_truncation, check_window_count)
from .gate import guessed, reveal
from .implement import EXERCISES as _IMPLEMENT_EXERCISES
from .implement import (check_backward, check_clip_elementwise, check_clip_global_norm,
                        check_forward, check_sgd_momentum_update, check_step_backward,
                        check_step_forward)
from .lstm_checks import EXERCISES as _LSTM_EXERCISES
from .lstm_checks import (check_forget_share, check_lstm_step_backward, check_lstm_step_forward,
                          lstm_step_gradient_check)
from .tracking import progress
from .source import show_source, teaching_source
from .text_checks import EXERCISES as _TEXT_EXERCISES
from .text_checks import check_softmax_xent_backward
from .attention_checks import EXERCISES as _ATTENTION_EXERCISES
from .attention_checks import check_attention
from .verdict import Verdict, choose

#: Every implement-it exercise: its name -> (check function, reference function).
EXERCISES = {**_IMPLEMENT_EXERCISES, **_LSTM_EXERCISES, **_TEXT_EXERCISES, **_ATTENTION_EXERCISES}

__all__ = ["check_clip_factor", "check_detach_answer", "check_fall_per_epoch", "check_offset_rule",
           "check_parameter_count", "check_truncation", "check_window_count", "check_max_val_answer",
           "EXERCISES",
           "check_backward", "check_clip_elementwise", "check_clip_global_norm", "check_forward",
           "check_sgd_momentum_update", "check_step_backward", "check_step_forward", "show_source",
           "teaching_source", "reveal", "guessed", "Verdict", "choose", "check_forget_share",
           "check_lstm_step_forward",
           "check_lstm_step_backward", "lstm_step_gradient_check",
           "check_softmax_xent_backward", "check_attention", "progress"]
