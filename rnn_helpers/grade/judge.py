"""What the grader runs inside a learner's kernel, after the learner's exercise cells.

    judge = rnn_helpers.grade.judge.Judge(names, nonce)   # first: takes the learner's functions,
                                                         # then imports the package afresh
    judge.run("step_forward")                            # one check; displays its result

Judge takes the learner's functions from the kernel's namespace, then drops every rnn_helpers module
from sys.modules and imports the package again from disk, so checks or verdicts that the notebook
redefined or patched are not the ones that judge. It refuses to judge when the notebook replaced a
function of numpy or of Python's own modules with one of its own (the checks use them). A function
that is the package's own (the reference itself, one made from its code, or one that calls it or the
module functions it delegates to, seen by a profiler while the learner's function runs) is reported
as the package's implementation and not passed.

Each result is written as one line of JSON, carrying the nonce the grader chose for this run (the
learner's cells ran before it existed), to a file that only the kernel's audit hook can write
(kernel.py), not through the kernel's messages: printed or displayed fakes, and a notebook that
patches the display functions, do not change it. Exactly one line per exercise is expected.
"""

import functools
import importlib
import os
import sys

__all__ = ["Judge", "package_code_keys"]

PACKAGE_MISTAKE = "package_implementation"
TAMPER_MISTAKE = "changed_numpy_or_python"
_WATCHED = ("numpy", "numpy.linalg", "numpy.random", "math", "builtins", "copy", "inspect", "json",
            "functools", "operator", "dataclasses", "html", "re", "types", "sys", "os", "io",
            "importlib", "IPython", "IPython.display", "IPython.core.display_functions",
            "IPython.core.displaypub", "ipykernel.zmqshell", "ipykernel.jsonutil", "jupyter_client.session")


def _key(code):
    return (os.path.realpath(code.co_filename), code.co_firstlineno, code.co_name)


def package_code_keys(reference, references):
    """The code of reference and of the functions of its module that it calls by name (not the
    argument checks, not the other exercises' references, not the package's top-level tools such as
    rh.global_norm, which learners may use), as (file, first line, name) keys, which stay the same
    when the package is imported again."""
    module = sys.modules.get(reference.__module__)
    top = sys.modules.get("rnn_helpers")
    keys = {_key(reference.__code__)}
    others = {id(r) for r in references if r is not reference}
    for name in reference.__code__.co_names:
        value = getattr(module, name, None)
        code = getattr(value, "__code__", None)
        if code is None or getattr(value, "__module__", None) != reference.__module__:
            continue
        if id(value) in others or name.startswith(("_check", "check_")) or \
                getattr(top, name, None) is value:          # rh.global_norm and the like: tools
            continue
        keys.add(_key(code))
    return keys


def _unwrapped(fn):
    seen = 0
    while seen < 20:
        seen += 1
        if isinstance(fn, functools.partial):
            fn = fn.func
        elif hasattr(fn, "__wrapped__"):
            fn = fn.__wrapped__
        else:
            return fn
    return fn


class _Watch:
    """Runs the learner's function with a profiler that notes calls of the package's own code made
    directly from code outside the package."""

    def __init__(self, fn, keys, package_dir):
        self.fn, self.keys, self.package_dir, self.used = fn, keys, package_dir, None
        functools.update_wrapper(self, fn)

    def _profile(self, frame, event, arg):
        if event == "call" and self.used is None and _key(frame.f_code) in self.keys:
            caller = frame.f_back
            if caller is None or not os.path.realpath(caller.f_code.co_filename).startswith(self.package_dir):
                self.used = frame.f_code.co_name

    def __call__(self, *args, **kwargs):
        previous = sys.getprofile()
        sys.setprofile(self._profile)
        try:
            return self.fn(*args, **kwargs)
        finally:
            sys.setprofile(previous)


class Judge:
    """See the module docstring. names: the exercises to judge; nonce: this run's secret."""

    def __init__(self, names, nonce):
        import IPython
        user_ns = IPython.get_ipython().user_ns
        missing = object()
        self.functions = {name: user_ns.get(name, missing) for name in names}
        self.missing = missing
        self.nonce = nonce
        for module in [m for m in sys.modules if m == "rnn_helpers" or m.startswith("rnn_helpers.")]:
            del sys.modules[module]
        importlib.invalidate_caches()
        self.exercises = importlib.import_module("rnn_helpers.exercises")
        self.tracking = importlib.import_module("rnn_helpers.exercises.tracking")
        self.package_dir = os.path.realpath(os.path.dirname(importlib.import_module("rnn_helpers").__file__))
        self.tampered = _tampering()

    def run(self, name):
        """Judge exercise name; write the result (see the module docstring) and return it as a dict."""
        result = {"exercise": name, "status": "error", "mistake": None, "message": ""}
        try:
            result.update(self._judge(name))
        except BaseException as err:          # noqa: BLE001 - the learner's code may raise anything
            result["message"] = f"the check could not run: {type(err).__name__}: {_first_line(err)}"
        self._show(result)
        return result

    def _judge(self, name):
        if self.tampered:
            return {"status": "error", "mistake": TAMPER_MISTAKE,
                    "message": "the notebook replaces " + ", ".join(self.tampered[:3]) + " with code of "
                               "its own; the checks and the grader rely on numpy's, Python's and the "
                               "kernel's own functions, so the grader cannot judge this notebook. "
                               "Remove those lines."}
        fn = self.functions.get(name, self.missing)
        if fn is self.missing:
            return {"status": "not attempted", "mistake": None,
                    "message": f"no cell of the notebook defines {name}."}
        check, reference = self.exercises.EXERCISES[name]
        references = [ref for _, ref in self.exercises.EXERCISES.values()]
        keys = package_code_keys(reference, references)
        inner = _unwrapped(fn)
        code = getattr(inner, "__code__", None)
        if code is not None and _key(code) in keys:
            return self._package(name, reference)
        if not callable(fn):
            learner = fn
        else:
            learner = _Watch(fn, keys, self.package_dir)
        verdict = check(learner)
        if callable(fn) and learner.used:
            return self._package(name, reference)
        outcome = self.tracking.last_outcome(name)
        if outcome is None or outcome.message != verdict.message:
            outcome = self.tracking.Outcome(name, "passed" if verdict.passed else "wrong", None,
                                            verdict.message)
        return {"status": outcome.status, "mistake": outcome.mistake, "message": verdict.message}

    def _package(self, name, reference):
        where = f"{reference.__module__}.{reference.__name__}"
        return {"status": "wrong", "mistake": PACKAGE_MISTAKE,
                "message": f"{name} is the package's own {where} (or calls it): the exercise is to "
                           "write it yourself. You may call the package's other functions."}

    def _show(self, result):
        import json
        if type(sys.audit).__name__ != "builtin_function_or_method":
            return                              # sys.audit was replaced: no result (the grader says so)
        sys.audit("rnn_helpers.grade.result", json.dumps(dict(result, nonce=self.nonce,
                                                              blocked=_blocked())))


def _blocked():
    found = []
    sys.audit("rnn_helpers.grade.report", found)
    return found


def _tampering():
    """Names like 'numpy.any' whose value was defined in the notebook (its module is __main__), in
    numpy, Python's modules and the kernel's display path (the way results reach the grader)."""
    found = []
    try:
        import IPython
        shell = IPython.get_ipython()
        for label, method in (("the kernel's display publisher", shell.display_pub.publish),
                              ("the kernel's session", shell.display_pub.session.send)):
            if getattr(getattr(method, "__func__", method), "__module__", None) == "__main__":
                found.append(label)
    except Exception:                          # noqa: BLE001 - no shell, or an odd one: say so
        found.append("the kernel's display publisher")
    for module_name in _WATCHED:
        module = sys.modules.get(module_name)
        if module is None:
            continue
        for attr, value in list(vars(module).items()):
            try:
                if getattr(value, "__module__", None) == "__main__":
                    found.append(f"{module_name}.{attr}")
            except Exception:                  # noqa: BLE001 - an object whose attribute raises
                found.append(f"{module_name}.{attr}")
    return found


def _first_line(err):
    lines = str(err).strip().splitlines()
    line = lines[0] if lines else "(no message)"
    return line if len(line) <= 200 else line[:197] + "..."
