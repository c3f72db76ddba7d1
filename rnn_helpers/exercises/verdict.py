"""What a check of an implement-it exercise returns: a short verdict, green or red, never a traceback.

    verdict = check_step_forward(step_forward)
    verdict.passed     # True or False
    verdict.message    # one or two sentences: what was wrong, and a hint
    verdict            # in a notebook: the message in green (passed) or red (not yet)

choose(verdict) then gives the function the rest of a notebook runs: the learner's once it
passes, the package's until then, and says which in one printed line.
"""

import html

__all__ = ["Verdict", "choose"]

# Okabe-Ito colours (the course's colour-blind-safe palette), darkened for text on white.
_GREEN = "#007a5a"
_RED = "#b54a00"


class Verdict:
    """The outcome of check_<name>(learner_fn).

    name: the exercise, e.g. "step_forward" (the package function it mirrors).
    passed: True when the learner's function matched the package's on every case.
    message: what the learner reads: why it passed, or the first thing that went wrong and a hint.
    function: the learner's function that was checked (None if what was passed was not callable).
    reference: the package's function with the same signature.
    mistake: the name of the classic mistake the check recognised (a key of the exercise's
        mistakes, e.g. "transposed_W"), or None.
    """

    __slots__ = ("name", "passed", "message", "function", "reference", "mistake")

    def __init__(self, name, passed, message, function=None, reference=None, mistake=None):
        self.mistake = mistake
        self.name = name
        self.passed = bool(passed)
        self.message = message
        self.function = function
        self.reference = reference

    @property
    def _mark(self):
        return "PASSED" if self.passed else "NOT YET"

    def __repr__(self):
        return f"{self._mark} {self.name}: {self.message}"

    __str__ = __repr__

    def _repr_html_(self):
        colour = _GREEN if self.passed else _RED
        sign = "&#10004;" if self.passed else "&#10008;"
        return (f'<div style="color: {colour}; font-family: sans-serif; line-height: 1.4;">'
                f"<b>{sign} {self._mark} {html.escape(self.name)}</b>: "
                f"{html.escape(self.message)}</div>")


def choose(verdict):
    """The function the cells after a check should run: the learner's if it passed, else the package's.

    verdict: what a check_<name> function returned. Prints one line saying which function is used.
    Raises TypeError if verdict is not a Verdict.
    """
    if not isinstance(verdict, Verdict):
        raise TypeError(f"verdict must be what a check returned, as in choose(check_forward(forward)); "
                        f"got {type(verdict).__name__}.")
    ref = f"the package's {_qualified(verdict.reference, verdict.name)}"
    if verdict.passed:
        print(f"The cells below use your {verdict.name} (it passed its check).")
        return verdict.function
    print(f"The cells below use {ref}: yours has not passed its check yet.")
    return verdict.reference


def _qualified(fn, name):
    """How a notebook reaches the package's function: rh.forward, rh.lstm.step_forward, ..."""
    import rnn_helpers
    module = getattr(fn, "__module__", "") or ""
    if not module.startswith("rnn_helpers"):
        return name
    if getattr(rnn_helpers, fn.__name__, None) is fn:
        return f"rh.{fn.__name__}"
    submodule = module.split(".")[1] if module.count(".") else ""
    return f"rh.{submodule}.{fn.__name__}"
