"""The next-marker tagging task (rnn_helpers.tagging): its tags against a plain reading of the rule."""

import numpy as np
import pytest

from rnn_helpers import tagging


def tags_by_rule(row, n_fillers):
    """The first marker at or after each position, looked for one position at a time."""
    out = []
    for t in range(len(row)):
        later = [s for s in row[t:] if s >= n_fillers]
        out.append(later[0] - n_fillers if later else 2)
    return out


@pytest.mark.parametrize("n_fillers, rate", [(4, 0.1), (1, 0.5), (7, 0.02)])
def test_task_is_one_hot_and_tagged_by_the_rule(n_fillers, rate):
    X, tags = tagging.next_marker_task(30, 17, n_fillers=n_fillers, marker_rate=rate, seed=3)
    assert X.shape == (30, 17, n_fillers + 2) and tags.shape == (30, 17)
    assert X.dtype == np.float64 and tags.dtype == np.int64
    assert np.array_equal(X.sum(axis=2), np.ones((30, 17)))
    symbols = X.argmax(axis=2)
    assert tags.tolist() == [tags_by_rule(row, n_fillers) for row in symbols]
    assert np.array_equal(tagging.next_marker_tags(symbols, n_fillers), tags)


def test_seeded_and_markers_at_the_rate():
    X0, t0 = tagging.next_marker_task(2000, 20, seed=1)
    X1, t1 = tagging.next_marker_task(2000, 20, seed=1)
    X2, _ = tagging.next_marker_task(2000, 20, seed=2)
    assert np.array_equal(X0, X1) and np.array_equal(t0, t1) and not np.array_equal(X0, X2)
    markers = X0[..., 4:].sum(axis=2)
    assert abs(markers.mean() - 0.1) < 0.01
    assert abs(X0[..., 4].sum() / markers.sum() - 0.5) < 0.05       # A and B equally likely
    assert set(np.unique(t0)) == {0, 1, 2}


def test_text_forms():
    symbols = np.array([[0, 4, 1, 5, 2], [3, 3, 3, 3, 3]])
    assert tagging.as_text(symbols) == ["aAbBc", "ddddd"]
    assert tagging.tags_as_text(tagging.next_marker_tags(symbols)) == ["AABB-", "-----"]
    assert tagging.TAG_NAMES[2] == "no marker after"


@pytest.mark.parametrize("call, error, message", [
    (lambda: tagging.next_marker_task(0, 5), ValueError, "n_records must be at least 1"),
    (lambda: tagging.next_marker_task(5, 2.0), TypeError, "length must be a whole number"),
    (lambda: tagging.next_marker_task(5, 5, marker_rate=1.0), ValueError, "marker_rate must be below 1"),
    (lambda: tagging.next_marker_task(5, 5, marker_rate=0), ValueError, "marker_rate must be a finite"),
    (lambda: tagging.next_marker_task(10**6, 10**4), ValueError, "ask for fewer records"),
    (lambda: tagging.next_marker_tags(np.array([[0, 6]])), ValueError, "symbols holds 6"),
    (lambda: tagging.next_marker_tags(np.array([0, 1])), ValueError, "symbols must have 2 dimensions"),
    (lambda: tagging.as_text(np.array([[0.0]])), TypeError, "symbols must hold integer"),
    (lambda: tagging.tags_as_text(np.array([[3]])), ValueError, "tags holds 3"),
])
def test_bad_arguments_are_named(call, error, message):
    with pytest.raises(error, match=message):
        call()
