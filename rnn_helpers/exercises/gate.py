"""No answer before the try: the package's own answer to an exercise is shown only once the learner's
version has passed its check, or when the learner asks for it by name.

    ANSWERS                 exercise name -> the package functions whose source is its answer
    passed(name)            True once a check of that exercise has passed in this session
    withheld(fn)            the exercise whose answer fn's source is, if it has not passed yet, else None
    reveal(name)            print that answer now, on purpose, with what it costs
    guessed(guess)          whether a "predict, then run" cell may run: only once the guess is written

show_source (source.py) prints a function's source only when withheld(fn) is None; otherwise it
prints one paragraph saying why not, and how to see it anyway. The instructor edition runs every
solution, so every check passes there and every source is shown.
"""

from .. import clipping as _clipping
from .. import lstm as _lstm
from .. import rnn as _rnn
from .. import training as _training
from ..speed import backward_into as _backward_into
from ..speed import recurrence_matrix as _recurrence_matrix
from ..speed import run_states as _run_states
from ..seq2seq import attention as _attention
from ..text import model as _text_model

__all__ = ["ANSWERS", "passed", "withheld", "reveal", "record", "guessed", "NO_GUESS"]

#: exercise name -> the package functions that hold its answer (the function the learner mirrors,
#: the private one it calls, and the plain loops that spell out the same lines).
ANSWERS = {
    "step_forward": (_rnn.step_forward, _rnn._step_forward),
    "forward": (_rnn.forward, _rnn._forward, _run_states, _recurrence_matrix),
    "step_backward": (_rnn.step_backward, _rnn._step_backward),
    "backward": (_rnn.backward, _rnn.walk_back, _rnn.loss_and_grads_loop, _backward_into),
    "clip_elementwise": (_clipping.clip_elementwise,),
    "clip_global_norm": (_clipping.clip_global_norm,),
    "sgd_momentum_update": (_training.sgd_momentum_update, _training._sgd_momentum_update,
                            _training.train_reference),
    "lstm_step_forward": (_lstm.step_forward, _lstm._step_forward),
    "lstm_step_backward": (_lstm.step_backward, _lstm._step_backward),
    "softmax_xent_backward": (_text_model.softmax_xent_backward, _text_model.loss_and_grads_loop),
    "attention": (_attention.attention, _attention.masked_softmax, _attention.attend,
                  _attention.attend_loop),
}

_PASSED = set()


def record(name, passed_now):
    """Note that a check of exercise `name` passed (passed_now True); a failure changes nothing, so
    an answer once earned stays visible for the rest of the session."""
    if passed_now:
        _PASSED.add(name)


def passed(name):
    """True once a check of exercise `name` has passed in this session (this kernel)."""
    return name in _PASSED


def withheld(fn):
    """The name of the exercise whose answer fn's source is and that has not passed yet, or None."""
    for name, fns in ANSWERS.items():
        if any(fn is f or getattr(fn, "__wrapped__", None) is f for f in fns) and not passed(name):
            return name
    return None


_COST = ("Reading it before your own version works saves you the search, and the search is where "
         "this exercise teaches: finding which line is wrong, with the check's messages, is the skill "
         "you will need when no check exists.")


def notice(fn, name):
    """The paragraph show_source prints in place of a withheld function's source."""
    return (f"({fn.__module__}.{fn.__name__} is not shown yet: it holds the package's answer to the "
            f"exercise {name}, and it appears here once your {name} has passed its check; run this "
            f"cell again then. To read it now anyway, type rh.exercises.reveal({name!r}).)")


def reveal(name):
    """Print the package's answer to exercise `name` now, whether or not yours has passed.

    Returns None. Raises ValueError naming the exercises when name is not one of them.
    """
    from .source import teaching_source
    if not isinstance(name, str) or name not in ANSWERS:
        raise ValueError(f"name must be one of the exercises {', '.join(map(repr, ANSWERS))}; "
                         f"got {name!r}.")
    if not passed(name):
        print(f"You asked for the package's answer to {name} before yours has passed its check. "
              f"{_COST}\n")
    print("\n".join(teaching_source(fn) for fn in ANSWERS[name]))


#: What a "predict, then run" cell's guess holds before the learner writes one.
NO_GUESS = ""


def guessed(guess):
    """True when guess holds a prediction (a non-blank string, or a number); else print what to do
    and return False, so that a "predict, then run" cell reveals nothing before the guess.

        my_guess = ""          # your prediction, in words
        if guessed(my_guess):
            ...                # the measurement
    """
    if isinstance(guess, str):
        if guess.strip():
            return True
    elif guess is not None and not isinstance(guess, bool):
        return True
    print("Write your prediction in my_guess first (in words, between the quotes), then run this "
          "cell again: it runs the measurement only once a guess is there.")
    return False
