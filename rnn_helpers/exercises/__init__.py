"""Exercise checkers: the truth is computed here, so the notebook cells that call them reveal nothing.

    answers     replies to "answer with a number" questions (notebooks 3 and 6)
"""

from .answers import check_detach_answer, check_truncation

__all__ = ["check_detach_answer", "check_truncation"]
