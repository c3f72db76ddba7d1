"""Characters <-> ids for the encoder-decoder: special tokens, padding, teacher forcing's shift."""

import numpy as np
import pytest

from rnn_helpers.seq2seq import vocab as V


def test_ids_start_after_the_three_special_tokens_and_round_trip():
    v = V.make_vocab(["cab", "ba"])
    assert v.chars == "abc" and v.max_len == 3 and v.K == 6
    assert [v.token(i) for i in range(6)] == ["<pad>", "<start>", "<end>", "a", "b", "c"]
    ids = V.encode("cab", v)
    assert ids.tolist() == [5, 3, 4] and ids.dtype == np.int64
    assert V.decode(ids, v) == "cab"


def test_decode_stops_at_end_and_skips_pad_and_start():
    v = V.make_vocab(["ab"])
    assert V.decode([V.START, 3, 4, V.END, 3], v) == "ab"
    assert V.decode([3, V.PAD, 4], v) == "ab"
    with pytest.raises(ValueError, match=r"ids holds 9 at index 0, outside \[0, K\) = \[0, 5\)"):
        V.decode([9], v)


def test_source_batch_pads_after_each_record_and_gives_lengths():
    v = V.make_vocab(["abc"])
    ids, lengths = V.source_batch(["a", "cab"], v)
    assert ids.tolist() == [[3, 0, 0], [5, 3, 4]]
    assert lengths.tolist() == [1, 3]


def test_target_batch_shifts_by_one_step_for_teacher_forcing():
    v = V.make_vocab(["abc"])
    inputs, outputs, lengths = V.target_batch(["ab", "c"], v)
    assert inputs.tolist() == [[V.START, 3, 4], [V.START, 5, V.PAD]]
    assert outputs.tolist() == [[3, 4, V.END], [5, V.END, V.PAD]]
    assert lengths.tolist() == [3, 2]


@pytest.mark.parametrize("call, error, message", [
    (lambda v: V.encode("abx", v), ValueError, r"text holds 'x' at position 2, a character this vocabulary lacks"),
    (lambda v: V.encode("", v), ValueError, "text is empty"),
    (lambda v: V.encode("abcabc", v), ValueError, r"text has 6 characters, more than the 4 this vocabulary accepts"),
    (lambda v: V.encode(12, v), TypeError, "text must be a str"),
    (lambda v: V.source_batch(["ab", "a?"], v), ValueError, r"texts\[1\] holds '\?' at position 1"),
    (lambda v: V.source_batch(["ab", ""], v), ValueError, r"texts\[1\] is empty"),
    (lambda v: V.source_batch("ab", v), TypeError, r"wrap a single text as \[text\]"),
    (lambda v: V.target_batch([], v), ValueError, "texts is empty"),
    (lambda v: V.encode("ab", ("ab", 3)), TypeError, "vocab must be a Vocab"),
    (lambda v: V.encode("ab", V.Vocab("ba", 3)), ValueError, "vocab.chars must be"),
    (lambda v: V.make_vocab(["abc"], max_len=2), ValueError, "max_len=2 is below the longest text"),
    (lambda v: V.make_vocab([""]), ValueError, r"texts\[0\] is empty"),
])
def test_bad_input_is_named(call, error, message):
    v = V.make_vocab(["abc"], max_len=4)
    with pytest.raises(error, match=message):
        call(v)
