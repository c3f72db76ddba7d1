"""Print a package function's source the way the notebooks teach it: the maths first.

A function that holds the answer to an exercise the learner has not passed yet is not printed
(see gate.py).

Most public functions open with a few lines that check their arguments (so that a learner who
passes the wrong thing gets a clear message). Those lines are not what the prose around a printed
function is about, so show_source folds the leading ones into a single comment.
"""

import ast
import inspect
import textwrap

__all__ = ["show_source", "teaching_source"]

_CHECK_CALLS = ("check_", "_check", "as_float_array")


def teaching_source(fn):
    """The source of fn (a function) with its leading argument checks folded into one comment line.

    A leading statement counts as a check when it calls a function named check_*, _check* or
    as_float_array (alone or in an assignment), or is an `if` whose branches only do that or raise.
    Returns a str. Raises TypeError if fn is not a Python function.
    """
    if not inspect.isfunction(fn):
        raise TypeError(f"fn must be a Python function, got {type(fn).__name__}.")
    source = textwrap.dedent(inspect.getsource(fn))
    lines = source.splitlines()
    func = ast.parse(source).body[0]
    body = func.body
    start = 1 if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
        and isinstance(body[0].value.value, str) else 0
    checks = []
    for stmt in body[start:]:
        if not _is_check(stmt):
            break
        checks.append(stmt)
    if not checks or len(checks) == len(body) - start:
        return source
    first, last = checks[0].lineno - 1, checks[-1].end_lineno
    indent = lines[first][:len(lines[first]) - len(lines[first].lstrip())]
    n = last - first
    names = [name for stmt in checks for name in _assigned(stmt)]
    sets = f"; they set {', '.join(dict.fromkeys(names))}" if names else ""
    note = f"{indent}# (argument checks omitted: {n} line{'s' if n > 1 else ''}{sets})"
    return "\n".join(lines[:first] + [note] + lines[last:]) + "\n"


def show_source(*fns):
    """Print teaching_source(fn) of each function, separated by a blank line. Returns None.

    A function that holds the package's answer to an exercise the learner has not passed yet in this
    session (gate.withheld) is not printed: a short paragraph says why, and how to see it anyway.
    Raises TypeError naming fns if one of them is not a Python function."""
    from .gate import notice, withheld
    for i, fn in enumerate(fns):
        if not inspect.isfunction(fn):
            raise TypeError(f"fns[{i}] must be a Python function, got {type(fn).__name__}.")
    parts = []
    for fn in fns:
        name = withheld(fn)
        parts.append(teaching_source(fn) if name is None else notice(fn, name) + "\n")
    print("\n".join(parts))


def _assigned(stmt):
    """The names an assignment (or an if holding assignments) sets, in order."""
    if isinstance(stmt, ast.Assign):
        return [n.id for target in stmt.targets for n in ast.walk(target) if isinstance(n, ast.Name)]
    if isinstance(stmt, ast.If):
        return [name for s in stmt.body + stmt.orelse for name in _assigned(s)]
    return []


def _is_check(stmt):
    if isinstance(stmt, (ast.Expr, ast.Assign)) and isinstance(stmt.value, ast.Call):
        return _is_check_call(stmt.value)
    if isinstance(stmt, ast.Raise):
        return True
    if isinstance(stmt, ast.If):
        return all(_is_check(s) for s in stmt.body + stmt.orelse)
    return False


def _is_check_call(call):
    func = call.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    return name.startswith(_CHECK_CALLS)
