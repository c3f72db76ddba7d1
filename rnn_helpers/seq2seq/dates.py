"""Dates written by people, to ISO 8601: the translation task of notebook 12. Generated, seeded.

    "25 June 2009", "Thursday, June 25, 2009", "6/25/09", "25.06.2009", "june 25th, 2009", ...
                                                                          ->  "2009-06-25"

Every pair is made here from a calendar date (datetime.date), nothing is downloaded. A date is
written in one of FORMATS, patterns whose fields are filled from the date:

    {d} 25   {dd} 25 (05 for the 5th)   {th} the day's ordinal suffix: st, nd, rd or th
    {m} 6    {mm} 06                    {Month} June      {Mon} Jun
    {yy} 09  {yyyy} 2009                {Weekday} Thursday   {Wkd} Thu

then in one of CASES (as written, lower case, upper case). The target is always the ISO date
"YYYY-MM-DD". Dates run from FIRST (1970-01-01) to LAST (2049-12-31), so that a two-digit year names
one date only (70-99: 1970s to 1990s, 00-49: 2000s to 2040s, as Python's strptime reads %y).

The held-out set is split by DATE, not by pair: split_dates puts a seeded fraction of the calendar
days aside, and no pair made for training is written from one of them, in any format. A model that
scores well on the held-out pairs has learnt to read dates, not remembered these.
"""

import datetime
import string

import numpy as np

from .._checks import check_int, check_real

__all__ = ["FORMATS", "CASES", "FIRST", "LAST", "MONTHS", "WEEKDAYS", "SOURCE_CHARS", "TARGET_CHARS",
           "MAX_SOURCE_LEN", "TARGET_LEN", "ordinal_suffix", "format_date", "split_dates", "date_pairs",
           "make_date_pairs"]

#: The ways a date is written here; each example is 25 June 2009, a Thursday.
FORMATS = (
    "{d} {Month} {yyyy}",              # 25 June 2009
    "{Weekday}, {Month} {d}, {yyyy}",  # Thursday, June 25, 2009
    "{m}/{d}/{yy}",                    # 6/25/09       (month first, as in the US)
    "{dd}.{mm}.{yyyy}",                # 25.06.2009    (day first, as in much of Europe)
    "{Month} {d}{th}, {yyyy}",         # June 25th, 2009
    "{d}{th} of {Month}, {yyyy}",      # 25th of June, 2009
    "{Mon} {d}, {yyyy}",               # Jun 25, 2009
    "{d} {Mon} {yyyy}",                # 25 Jun 2009
    "{Wkd} {d} {Mon} {yyyy}",          # Thu 25 Jun 2009
    "{dd}-{Mon}-{yyyy}",               # 25-Jun-2009
    "{Weekday} {d} {Month} {yyyy}",    # Thursday 25 June 2009
    "{m}/{d}/{yyyy}",                  # 6/25/2009
)
#: How the letters of a written date are cased.
CASES = ("as written", "lower", "upper")
FIRST = datetime.date(1970, 1, 1)
LAST = datetime.date(2049, 12, 31)

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")  # date.weekday()
FIELDS = ("d", "dd", "th", "m", "mm", "Month", "Mon", "yy", "yyyy", "Weekday", "Wkd")

#: The characters of an ISO date: the target side's alphabet.
TARGET_CHARS = "-0123456789"
#: Characters of every ISO date: "YYYY-MM-DD".
TARGET_LEN = 10


def ordinal_suffix(day):
    """The English ordinal suffix of a day of the month: 1 -> "st", 2 -> "nd", 3 -> "rd", 11 -> "th",
    22 -> "nd", ... day: a whole number from 1 to 31. Raises TypeError/ValueError naming day."""
    day = check_int("day", day, minimum=1, maximum=31)
    if day in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def _fields(day):
    """The values of FIELDS for a datetime.date."""
    return {"d": str(day.day), "dd": f"{day.day:02d}", "th": ordinal_suffix(day.day),
            "m": str(day.month), "mm": f"{day.month:02d}", "Month": MONTHS[day.month - 1],
            "Mon": MONTHS[day.month - 1][:3], "yy": f"{day.year % 100:02d}", "yyyy": f"{day.year:04d}",
            "Weekday": WEEKDAYS[day.weekday()], "Wkd": WEEKDAYS[day.weekday()][:3]}


def _check_pattern(name, fmt):
    """fmt itself if it is a str pattern of FIELDS with at least one field; else a clear error."""
    if not isinstance(fmt, str):
        raise TypeError(f"{name} must be a str pattern such as {FORMATS[0]!r}, got {fmt!r} "
                        f"({type(fmt).__name__}).")
    try:
        used = [field for _, field, spec, conv in string.Formatter().parse(fmt) if field is not None]
        specs = [(spec, conv) for _, field, spec, conv in string.Formatter().parse(fmt) if field is not None]
    except ValueError as err:
        raise ValueError(f"{name} {fmt!r} is not a valid pattern ({err}); write fields as {{d}}, "
                         f"{{Month}}, ... and a brace as {{{{ or }}}}.") from None
    if not used:
        raise ValueError(f"{name} {fmt!r} has no field; use some of {', '.join('{' + f + '}' for f in FIELDS)}.")
    for field, (spec, conv) in zip(used, specs):
        if field not in FIELDS or spec or conv:
            raise ValueError(f"{name} {fmt!r} has the field {{{field}}}, which is not one of "
                             f"{', '.join('{' + f + '}' for f in FIELDS)} (no format spec or conversion).")
    return fmt


def _check_day(name, day):
    if isinstance(day, datetime.datetime) or not isinstance(day, datetime.date):
        raise TypeError(f"{name} must be a datetime.date (a calendar day, no time), got {day!r} "
                        f"({type(day).__name__}); e.g. datetime.date(2009, 6, 25).")
    if not FIRST <= day <= LAST:
        raise ValueError(f"{name} must be from {FIRST} to {LAST} (a two-digit year must name one "
                         f"date), got {day}.")
    return day


def _check_case(name, case):
    if not isinstance(case, str) or case not in CASES:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, CASES))}, got {case!r}.")
    return case


def format_date(day, fmt=FORMATS[0], case="as written"):
    """day written in the pattern fmt, in a case. Returns a str.

    day: a datetime.date from FIRST to LAST. fmt: a pattern of FIELDS, e.g. "{Month} {d}{th}, {yyyy}"
    (any of FORMATS, or one of your own). case: one of CASES.
    format_date(datetime.date(2009, 6, 25), "{Weekday}, {Month} {d}, {yyyy}") -> "Thursday, June 25, 2009".
    Raises TypeError/ValueError naming the argument: not a date (a datetime, with its time, is refused),
    a date out of range, a pattern with an unknown field or none, an unknown case.
    """
    day = _check_day("day", day)
    text = _check_pattern("fmt", fmt).format(**_fields(day))
    case = _check_case("case", case)
    return text.lower() if case == "lower" else text.upper() if case == "upper" else text


def _all_source_chars():
    chars = set(string.digits) | set(" ,./-")
    for word in MONTHS + WEEKDAYS + ("of", "st", "nd", "rd", "th"):
        chars |= set(word) | set(word.lower()) | set(word.upper())
    return "".join(sorted(chars))


#: Every character a written date may hold (of any of FORMATS, in any of CASES), sorted.
SOURCE_CHARS = _all_source_chars()


def _longest(fmt):
    """The most characters fmt can take: every field at its longest (each such combination
    occurs, e.g. Wednesday, 30 September 2009)."""
    longest = {"d": "30", "dd": "30", "th": "th", "m": "12", "mm": "12", "Month": "September",
               "Mon": "Sep", "yy": "09", "yyyy": "2009", "Weekday": "Wednesday", "Wkd": "Wed"}
    return len(fmt.format(**longest))


#: The longest written date of FORMATS: "Wednesday, September 30, 2009" (29 characters).
MAX_SOURCE_LEN = max(_longest(fmt) for fmt in FORMATS)


def split_dates(held_out=0.1, seed=0, first=FIRST, last=LAST):
    """Split the calendar days from first to last into training days and held-out days.

    held_out: the fraction of days put aside (0 < held_out < 1); seed: a whole number >= 0.
    first, last: datetime.date, FIRST <= first < last <= LAST.
    Returns (train_days, held_out_days): two sorted lists of datetime.date, disjoint, together every
    day from first to last. Raises TypeError/ValueError naming the argument.
    """
    held_out = check_real("held_out", held_out)
    if not 0 < held_out < 1:
        raise ValueError(f"held_out must be a fraction strictly between 0 and 1, got {held_out}.")
    seed = check_int("seed", seed, minimum=0)
    first, last = _check_day("first", first), _check_day("last", last)
    if first >= last:
        raise ValueError(f"first ({first}) must come before last ({last}).")
    n_days = (last - first).days + 1
    n_held = int(round(held_out * n_days))
    if not 1 <= n_held < n_days:
        raise ValueError(f"held_out={held_out} of {n_days} days leaves {n_held} held out and "
                         f"{n_days - n_held} for training; both need at least one day.")
    held = np.zeros(n_days, dtype=bool)
    held[np.random.default_rng(seed).choice(n_days, size=n_held, replace=False)] = True
    days = [first + datetime.timedelta(days=i) for i in range(n_days)]
    return ([d for d, h in zip(days, held) if not h], [d for d, h in zip(days, held) if h])


def date_pairs(days, n, seed=0, formats=FORMATS, cases=CASES):
    """n (written date, ISO date) pairs, each from a day drawn from days, in a format and a case
    drawn from formats and cases (uniformly, with replacement).

    days: a non-empty list of datetime.date (from split_dates). n: how many pairs (1 .. 1,000,000).
    seed: a whole number >= 0. formats: a non-empty tuple or list of patterns (see format_date);
    cases: a non-empty tuple or list of CASES.
    Returns a list of n pairs of str, e.g. ("june 25th, 2009", "2009-06-25").
    Raises TypeError/ValueError naming the argument.
    """
    days = _check_list("days", days)
    for i, day in enumerate(days):
        _check_day(f"days[{i}]", day)
    n = check_int("n", n, minimum=1, maximum=1_000_000)
    seed = check_int("seed", seed, minimum=0)
    formats = [_check_pattern(f"formats[{i}]", f) for i, f in enumerate(_check_list("formats", formats))]
    cases = [_check_case(f"cases[{i}]", c) for i, c in enumerate(_check_list("cases", cases))]
    rng = np.random.default_rng(seed)
    which_day = rng.integers(0, len(days), size=n)
    which_format = rng.integers(0, len(formats), size=n)
    which_case = rng.integers(0, len(cases), size=n)
    return [(format_date(days[i], formats[f], cases[c]), days[i].isoformat())
            for i, f, c in zip(which_day.tolist(), which_format.tolist(), which_case.tolist())]


def make_date_pairs(n_train, n_held_out, held_out=0.1, seed=0, formats=FORMATS, cases=CASES):
    """Training and held-out pairs from disjoint sets of days: the data of notebook 12.

    n_train, n_held_out: how many pairs of each (1 .. 1,000,000). held_out: the fraction of the days
    from FIRST to LAST put aside (split_dates). seed: a whole number >= 0; the split, the training
    pairs and the held-out pairs use seed, seed + 1 and seed + 2. formats, cases: as date_pairs.
    Returns (train_pairs, held_out_pairs), lists of (written date, ISO date) pairs; no held-out pair's
    date is the date of any training pair. Raises TypeError/ValueError naming the argument.
    """
    n_train = check_int("n_train", n_train, minimum=1, maximum=1_000_000)
    n_held_out = check_int("n_held_out", n_held_out, minimum=1, maximum=1_000_000)
    seed = check_int("seed", seed, minimum=0)
    train_days, held_days = split_dates(held_out, seed)
    return (date_pairs(train_days, n_train, seed + 1, formats, cases),
            date_pairs(held_days, n_held_out, seed + 2, formats, cases))


def _check_list(name, value):
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise TypeError(f"{name} must be a list or tuple, got {type(value).__name__}"
                        f"{'; wrap a single one as [value]' if isinstance(value, str) else ''}.")
    if not value:
        raise ValueError(f"{name} is empty; it needs at least one entry.")
    return list(value)
