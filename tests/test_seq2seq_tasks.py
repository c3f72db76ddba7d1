"""The toy tasks: reverse or sort a digit string, seeded, with the source lengths under control."""

import pytest

from rnn_helpers.seq2seq import digit_pairs


@pytest.mark.parametrize("task, rule", [("reverse", lambda s: s[::-1]),
                                        ("sort", lambda s: "".join(sorted(s)))])
def test_targets_follow_the_task(task, rule):
    pairs = digit_pairs(task, 200, min_len=2, max_len=9, seed=3)
    assert len(pairs) == 200
    for source, target in pairs:
        assert source.isdigit() and target == rule(source)
        assert 2 <= len(source) <= 9
    assert {len(s) for s, _ in pairs} == set(range(2, 10))    # every length drawn


def test_seeded_and_different_seeds_differ():
    assert digit_pairs("reverse", 50, seed=1) == digit_pairs("reverse", 50, seed=1)
    assert digit_pairs("reverse", 50, seed=1) != digit_pairs("reverse", 50, seed=2)


def test_one_length_for_every_pair():
    assert {len(s) for s, _ in digit_pairs("sort", 30, length=7, seed=0)} == {7}


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(task="shuffle", n=3), ValueError, "task must be one of 'reverse', 'sort'"),
    (dict(task="reverse", n=0), ValueError, "n must be at least 1"),
    (dict(task="reverse", n=3, min_len=5, max_len=4), ValueError, "min_len=5 is above max_len=4"),
    (dict(task="reverse", n=3, length=0), ValueError, "length must be at least 1"),
    (dict(task="reverse", n=3, max_len=2.5), TypeError, "max_len must be a whole number"),
    (dict(task="reverse", n=3, seed=-1), ValueError, "seed must be at least 0"),
])
def test_bad_input_is_named(kwargs, error, message):
    with pytest.raises(error, match=message):
        digit_pairs(**kwargs)
