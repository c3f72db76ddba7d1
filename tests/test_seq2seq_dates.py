"""The dates task (rnn_helpers.seq2seq.dates): every written date reads back, with Python's own
datetime, as the date its target names; the held-out days are never used for training."""

import datetime
import re

import numpy as np
import pytest

from rnn_helpers.seq2seq import dates

# How Python's strptime reads each format (written independently of the package's own tables):
# an ordinal suffix (25th) has no strptime directive, so it is removed first.
STRPTIME = {
    "{d} {Month} {yyyy}": "%d %B %Y",
    "{Weekday}, {Month} {d}, {yyyy}": "%A, %B %d, %Y",
    "{m}/{d}/{yy}": "%m/%d/%y",
    "{dd}.{mm}.{yyyy}": "%d.%m.%Y",
    "{Month} {d}{th}, {yyyy}": "%B %d, %Y",
    "{d}{th} of {Month}, {yyyy}": "%d of %B, %Y",
    "{Mon} {d}, {yyyy}": "%b %d, %Y",
    "{d} {Mon} {yyyy}": "%d %b %Y",
    "{Wkd} {d} {Mon} {yyyy}": "%a %d %b %Y",
    "{dd}-{Mon}-{yyyy}": "%d-%b-%Y",
    "{Weekday} {d} {Month} {yyyy}": "%A %d %B %Y",
    "{m}/{d}/{yyyy}": "%m/%d/%Y",
}
ORDINAL = re.compile(r"(?<=\d)(st|nd|rd|th)\b", re.IGNORECASE)


def read_back(text, fmt):
    """The date strptime reads from text written in fmt."""
    return datetime.datetime.strptime(ORDINAL.sub("", text), STRPTIME[fmt]).date()


def some_days(n=400, seed=0):
    """n days drawn over the whole range, and the range's two ends."""
    span = (dates.LAST - dates.FIRST).days
    offsets = np.random.default_rng(seed).integers(0, span + 1, size=n)
    return [dates.FIRST, dates.LAST] + [dates.FIRST + datetime.timedelta(days=int(o)) for o in offsets]


def test_every_format_has_a_way_to_read_it_back():
    assert set(STRPTIME) == set(dates.FORMATS)


@pytest.mark.parametrize("fmt", dates.FORMATS)
@pytest.mark.parametrize("case", dates.CASES)
def test_every_format_reads_back_to_its_date(fmt, case):
    for day in some_days(150):
        text = dates.format_date(day, fmt, case)
        assert read_back(text, fmt) == day, f"{text!r} ({fmt}, {case}) should be {day}"


def test_the_examples_of_25_june_2009():
    day = datetime.date(2009, 6, 25)
    written = [dates.format_date(day, fmt) for fmt in dates.FORMATS]
    assert written == ["25 June 2009", "Thursday, June 25, 2009", "6/25/09", "25.06.2009", "June 25th, 2009",
                       "25th of June, 2009", "Jun 25, 2009", "25 Jun 2009", "Thu 25 Jun 2009", "25-Jun-2009",
                       "Thursday 25 June 2009", "6/25/2009"]
    assert dates.format_date(day, "{d}{th} of {Month}, {yyyy}", "upper") == "25TH OF JUNE, 2009"
    assert dates.format_date(day, "{Month} {d}{th}, {yyyy}", "lower") == "june 25th, 2009"


@pytest.mark.parametrize("fmt", [f for f in dates.FORMATS if "{Weekday}" in f or "{Wkd}" in f])
def test_weekday_names_are_the_calendars(fmt):
    """strptime does not check a weekday against the date: compare with datetime's own names."""
    for day in some_days(300, seed=1):
        text = dates.format_date(day, fmt)
        expected = day.strftime("%A") if "{Weekday}" in fmt else day.strftime("%a")
        assert text.startswith(expected), f"{text!r}: {day} is a {day.strftime('%A')}"


@pytest.mark.parametrize("day, suffix", [(1, "st"), (2, "nd"), (3, "rd"), (4, "th"), (11, "th"), (12, "th"),
                                         (13, "th"), (21, "st"), (22, "nd"), (23, "rd"), (24, "th"),
                                         (30, "th"), (31, "st")])
def test_ordinal_suffixes(day, suffix):
    assert dates.ordinal_suffix(day) == suffix


def test_two_digit_years_name_one_date_at_both_ends_of_the_range():
    for day in (dates.FIRST, datetime.date(1999, 12, 31), datetime.date(2000, 1, 1), dates.LAST):
        assert read_back(dates.format_date(day, "{m}/{d}/{yy}"), "{m}/{d}/{yy}") == day


def test_the_alphabets_and_the_longest_source():
    pairs = dates.date_pairs(dates.split_dates(seed=3)[0], 20_000, seed=3)
    used = set("".join(s for s, _ in pairs))
    assert used <= set(dates.SOURCE_CHARS)
    assert set("".join(t for _, t in pairs)) == set(dates.TARGET_CHARS)
    assert max(len(s) for s, _ in pairs) <= dates.MAX_SOURCE_LEN
    assert all(len(t) == dates.TARGET_LEN for _, t in pairs)
    longest = dates.format_date(datetime.date(2009, 9, 30), "{Weekday}, {Month} {d}, {yyyy}")
    assert longest == "Wednesday, September 30, 2009" and len(longest) == dates.MAX_SOURCE_LEN == 29


def test_split_is_by_date_disjoint_complete_and_seeded():
    train, held = dates.split_dates(0.1, seed=0)
    n_days = (dates.LAST - dates.FIRST).days + 1
    assert len(train) + len(held) == n_days and not set(train) & set(held)
    assert set(train) | set(held) == {dates.FIRST + datetime.timedelta(days=i) for i in range(n_days)}
    assert len(held) == round(0.1 * n_days)
    assert train == sorted(train) and held == sorted(held)
    assert dates.split_dates(0.1, seed=0) == (train, held)
    assert dates.split_dates(0.1, seed=1)[1] != held


def test_pairs_are_iso_targets_of_their_sources():
    train, _ = dates.split_dates(seed=0)
    for source, target in dates.date_pairs(train, 3000, seed=5):
        day = datetime.date.fromisoformat(target)
        assert day in set(train) and target == day.isoformat()
        # the source reads back to the target's date in at least one format
        readings = set()
        for fmt in dates.FORMATS:
            try:
                readings.add(read_back(source, fmt))
            except ValueError:
                pass
        assert readings == {day}, f"{source!r} reads as {readings}, its target is {target}"


def test_held_out_dates_never_appear_in_training_and_formats_mix_in_both():
    train_pairs, held_pairs = dates.make_date_pairs(5000, 1000, held_out=0.1, seed=0)
    assert len(train_pairs) == 5000 and len(held_pairs) == 1000
    train_targets = {t for _, t in train_pairs}
    held_targets = {t for _, t in held_pairs}
    assert not train_targets & held_targets
    train_days, held_days = dates.split_dates(0.1, seed=0)
    assert held_targets <= {d.isoformat() for d in held_days}
    for pairs in (train_pairs, held_pairs):
        fits = set()
        for source, _ in pairs:
            for fmt in dates.FORMATS:
                try:
                    read_back(source, fmt)
                    fits.add(fmt)
                except ValueError:
                    pass
        assert fits == set(dates.FORMATS), f"formats missing: {set(dates.FORMATS) - fits}"
        cases = {"upper" if s == s.upper() and s != s.lower() else "lower" if s == s.lower() and
                 s != s.upper() else "mixed" for s, _ in pairs}
        assert {"upper", "lower", "mixed"} <= cases


def test_pairs_are_deterministic_for_a_seed():
    assert dates.make_date_pairs(50, 20, seed=4) == dates.make_date_pairs(50, 20, seed=4)
    assert dates.make_date_pairs(50, 20, seed=4) != dates.make_date_pairs(50, 20, seed=5)


def test_one_format_one_case_and_a_format_of_your_own():
    days = [datetime.date(2009, 6, 25)]
    assert dates.date_pairs(days, 3, formats=["{dd}.{mm}.{yyyy}"], cases=["as written"]) == \
        [("25.06.2009", "2009-06-25")] * 3
    assert dates.format_date(days[0], "{yyyy}/{mm}/{dd} ({Wkd})") == "2009/06/25 (Thu)"


@pytest.mark.parametrize("call, words", [
    (lambda: dates.format_date("2009-06-25"), "day must be a datetime.date"),
    (lambda: dates.format_date(datetime.datetime(2009, 6, 25, 12)), "day must be a datetime.date"),
    (lambda: dates.format_date(datetime.date(1969, 12, 31)), "day must be from 1970-01-01"),
    (lambda: dates.format_date(datetime.date(2009, 6, 25), "{day}"), "fmt '{day}' has the field {day}"),
    (lambda: dates.format_date(datetime.date(2009, 6, 25), "June"), "fmt 'June' has no field"),
    (lambda: dates.format_date(datetime.date(2009, 6, 25), "{d:>3}"), "fmt '{d:>3}' has the field {d}"),
    (lambda: dates.format_date(datetime.date(2009, 6, 25), "{d"), "fmt '{d' is not a valid pattern"),
    (lambda: dates.format_date(datetime.date(2009, 6, 25), case="title"), "case must be one of"),
    (lambda: dates.split_dates(1.0), "held_out must be a fraction"),
    (lambda: dates.split_dates(1e-9), "both need at least one day"),
    (lambda: dates.split_dates(first=dates.LAST, last=dates.FIRST), "first (2049-12-31) must come before"),
    (lambda: dates.date_pairs([], 3), "days is empty"),
    (lambda: dates.date_pairs([datetime.date(2009, 1, 1), "2009-01-02"], 3), "days[1] must be a datetime.date"),
    (lambda: dates.date_pairs([datetime.date(2009, 1, 1)], 0), "n must be at least 1"),
    (lambda: dates.date_pairs([datetime.date(2009, 1, 1)], 3, formats="{d}"), "formats must be a list"),
    (lambda: dates.date_pairs([datetime.date(2009, 1, 1)], 3, cases=["lower", "Upper"]), "cases[1] must be one"),
    (lambda: dates.make_date_pairs(10, 0), "n_held_out must be at least 1"),
    (lambda: dates.ordinal_suffix(32), "day must be at most 31"),
])
def test_bad_input_is_named(call, words):
    with pytest.raises((TypeError, ValueError)) as err:
        call()
    assert words in str(err.value)
