"""What the grader writes: grades.csv, gradebook.csv, a feedback file per learner, summary.md.

grades.csv (COLUMNS), one row per learner and exercise of each notebook handed in:
    learner    the submission's name (a folder's name, or a file's name without .ipynb)
    notebook   the course notebook (02_forward), or the file's name when it is none of them
    exercise   the implement-it exercise (step_forward); empty on a row about a whole file
    status     passed, wrong, not attempted, error, timed out; for a whole file: unreadable, or
               not a course notebook
    mistake    the classic mistake the check recognised (transposed_W, ...), package_implementation
               (the answer is the package's own function), changed_numpy_or_python, tampering, or empty
    message    what the learner's own check would have said (or why the grader could not judge)
gradebook.csv: one row per learner, one column per exercise (1 passed, 0 not), and their total.
feedback/<learner>.md: each notebook and exercise with its status and message.
summary.md: per exercise, how many passed and the statuses of the others; the most frequent
recognised mistakes with counts (what to go over next session); the answers that were the
package's own or could not be judged; files that could not be graded;
what the grader blocked; whether anything outside the run folders changed.
"""

import collections
import csv
import re

__all__ = ["COLUMNS", "STATUSES", "write_grades", "write_gradebook", "write_feedback",
           "write_summary"]

COLUMNS = ("learner", "notebook", "exercise", "status", "mistake", "message")
STATUSES = ("passed", "wrong", "not attempted", "error", "timed out")
#: Mistakes that are not the classic mistakes of an exercise: listed apart in the summary.
NOT_JUDGED = ("package_implementation", "changed_numpy_or_python", "tampering")


def write_grades(rows, path):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows({k: _cell(v) for k, v in row.items()} for row in rows)


def _cell(value):
    """A spreadsheet reads a cell starting with = + - @ as a formula: quote it as text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _exercises(rows, course):
    order = [name for names in course.values() for name in names]
    seen = {r["exercise"] for r in rows if r["exercise"]}
    return [name for name in order if name in seen] + sorted(seen - set(order))


def write_gradebook(rows, learners, course, path):
    exercises = _exercises(rows, course)
    passed = {(r["learner"], r["exercise"]) for r in rows if r["status"] == "passed"}
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["learner", *exercises, "passed"])
        for learner in learners:
            marks = [int((learner, name) in passed) for name in exercises]
            writer.writerow([_cell(learner), *marks, sum(marks)])


def safe_name(learner):
    """A file name for a learner: letters, digits, '.', '-' and '_' only."""
    name = re.sub(r"[^\w.-]+", "_", learner).strip("._") or "learner"
    return name[:100]


def write_feedback(rows, learner, folder):
    lines = [f"# Feedback for {learner}", ""]
    mine = [r for r in rows if r["learner"] == learner]
    if not mine:
        lines.append("No notebook with an implement-it exercise was found in what you handed in.")
    notebooks = list(dict.fromkeys(r["notebook"] for r in mine))
    for notebook in notebooks:
        lines += [f"## {notebook}", ""]
        for r in (r for r in mine if r["notebook"] == notebook):
            what = f"`{r['exercise']}`: " if r["exercise"] else ""
            lines.append(f"- {what}**{r['status']}**. {r['message']}")
        lines.append("")
    path = folder / f"{safe_name(learner)}.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def summary_text(rows, learners, course, outside_changes, watched, seconds=None):
    exercises = _exercises(rows, course)
    lines = ["# Class summary", "",
             f"{len(learners)} learners, {len({(r['learner'], r['file']) for r in rows})} notebooks "
             f"handed in, {len(rows)} rows in grades.csv"
             + (f", in {seconds:.0f} s." if seconds else "."), "",
             "## Passes per exercise", "",
             "| exercise | passed | wrong | not attempted | error | timed out |",
             "|---|---|---|---|---|---|"]
    for name in exercises:
        counts = collections.Counter(r["status"] for r in rows if r["exercise"] == name)
        handed = sum(counts.values())
        lines.append(f"| {name} | {counts['passed']} of {handed} | {counts['wrong']} | "
                     f"{counts['not attempted']} | {counts['error']} | {counts['timed out']} |")
    lines += ["", "## Most frequent mistakes (what to go over next session)", ""]
    any_mistake = False
    for name in exercises:
        mistakes = collections.Counter(r["mistake"] for r in rows if r["exercise"] == name and
                                       r["mistake"] and r["mistake"] not in NOT_JUDGED)
        if mistakes:
            any_mistake = True
            listed = ", ".join(f"{m} ({n})" for m, n in mistakes.most_common(5))
            lines.append(f"- {name}: {listed}")
    if not any_mistake:
        lines.append("- none recognised")
    lines += ["", "## Answers not judged as the learner's own work", ""]
    odd = [r for r in rows if r["mistake"] in NOT_JUDGED]
    lines += [f"- {r['learner']}, {r['notebook']}, {r['exercise']}: {r['mistake']}"
              for r in odd] or ["- none"]
    files = [r for r in rows if not r["exercise"]]
    lines += ["", "## Files that could not be graded", ""]
    lines += [f"- {r['learner']}: {r['file']}: {r['status']} ({r['message']})" for r in files] or ["- none"]
    blocked = [r for r in rows if r.get("blocked")]
    lines += ["", "## What the grader blocked", ""]
    seen = set()
    for r in blocked:
        key = (r["learner"], r["notebook"])
        if key not in seen:
            seen.add(key)
            lines.append(f"- {r['learner']}, {r['notebook']}: {r['blocked']}")
    if not blocked:
        lines.append("- nothing")
    lines += ["", "## Files outside the run folders", ""]
    if outside_changes:
        lines.append(f"CHANGED during grading ({len(outside_changes)}): " + ", ".join(outside_changes[:20]))
    else:
        lines.append(f"Unchanged: the {watched} files and folders of the submissions (and the folders "
                     "that hold them) are as they were before grading.")
    return "\n".join(lines) + "\n"


def write_summary(text, path):
    path.write_text(text, encoding="utf-8")
