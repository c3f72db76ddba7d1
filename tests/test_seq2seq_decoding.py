"""Decoding: greedy, beam search (never below greedy; exhaustive when wide enough), exact match and
the attention map."""

import itertools

import numpy as np
import pytest

from rnn_helpers.seq2seq import (Seq2Seq, accuracy_by_length, attention_map, beam_search,
                                 exact_match, greedy_decode, init_params, make_vocab,
                                 sequence_log_prob)

SRC = make_vocab(["abcd"], max_len=5)
TGT = make_vocab(["xy"], max_len=3)


def _model(attention="additive", seed=0, scale=1.5):
    """A random model with large weights: its outputs are varied and sure of themselves."""
    params = init_params(SRC.K, TGT.K, 3, cell="gru", attention=attention, bidirectional=True, seed=seed)
    rng = np.random.default_rng(seed)
    return Seq2Seq({k: rng.normal(0.0, scale, v.shape) for k, v in params.items()}, SRC, TGT)


def _all_outputs():
    return ["".join(p) for n in range(TGT.max_len + 1) for p in itertools.product(TGT.chars, repeat=n)]


@pytest.mark.parametrize("attention", ["additive", "dot", "none"])
def test_greedy_picks_the_most_likely_character_at_every_step(attention):
    model = _model(attention)
    sources = ["abcd", "d", "ca", "bbbbb"]
    outputs = greedy_decode(model, sources)
    for source, output in zip(sources, outputs):
        assert len(output) <= TGT.max_len and set(output) <= set(TGT.chars)
        prefix = ""                                 # rebuild it one step at a time, by scoring
        for _ in range(len(output)):
            best = max(TGT.chars, key=lambda ch: _prefix_log_prob(model, source, prefix + ch))
            assert output[len(prefix)] == best
            prefix += best
        assert greedy_decode(model, [source]) == [output]     # a batch of one gives the same


def _prefix_log_prob(model, source, prefix):
    """log p(prefix) without END: log p(prefix + END) - log p(END | prefix)."""
    import rnn_helpers.seq2seq.decoding as dec
    spec = dec.describe(model)
    src = np.array([[SRC.chars.index(c) + 3 for c in source]])
    H, state, mask, K, _ = dec.encode(model, spec, src, np.array([len(source)]))
    total, y = 0.0, 1
    for ch in prefix:
        logits, state, _, _ = dec.decoder_step(model, spec, np.array([y]), state, H, mask, K)
        y = TGT.chars.index(ch) + 3
        total += float(dec.log_softmax(logits)[0, y])
    return total


@pytest.mark.parametrize("seed", range(6))
def test_beam_search_is_never_below_greedy_and_exhaustive_when_wide(seed):
    model = _model("additive", seed)
    for source in ["abcd", "d", "cab"]:
        greedy = greedy_decode(model, [source])[0]
        greedy_score = sequence_log_prob(model, source, greedy)
        assert beam_search(model, source, beam=1) == (greedy, pytest.approx(greedy_score, abs=1e-12))
        for beam in (2, 3):
            output, score = beam_search(model, source, beam=beam)
            assert score >= greedy_score - 1e-12
            assert score == pytest.approx(sequence_log_prob(model, source, output), abs=1e-12)
        best = max(_all_outputs(), key=lambda out: sequence_log_prob(model, source, out))
        output, score = beam_search(model, source, beam=len(_all_outputs()))
        assert output == best
        assert score == pytest.approx(sequence_log_prob(model, source, best), abs=1e-12)


def test_beam_search_sometimes_beats_greedy():
    wins = 0
    for seed in range(6):
        model = _model("additive", seed)
        for source in ["abcd", "d", "cab", "dd"]:
            greedy_score = sequence_log_prob(model, source, greedy_decode(model, [source])[0])
            wins += beam_search(model, source, beam=3)[1] > greedy_score + 1e-9
    assert wins > 0


def test_exact_match_and_accuracy_by_length_count_right_outputs():
    model = _model()
    sources = ["abcd", "d", "ca", "bbb", "cc"]
    outputs = greedy_decode(model, sources)
    targets = [o if o else "x" for o in outputs]               # a target is never empty
    targets[1] = "y" if outputs[1] != "y" else "x"             # one certainly wrong
    right = [o == t for o, t in zip(outputs, targets)]
    pairs = list(zip(sources, targets))
    assert exact_match(model, pairs) == np.mean(right)
    assert exact_match(model, pairs, batch_size=1) == np.mean(right)
    assert accuracy_by_length(model, pairs) == {1: float(right[1]), 2: np.mean([right[2], right[4]]),
                                                3: float(right[3]), 4: float(right[0])}


def test_the_attention_map_has_a_row_per_output_character_summing_to_one():
    model = _model("dot")
    outputs, inputs, weights = attention_map(model, "cab")
    greedy = greedy_decode(model, ["cab"])[0]
    assert inputs == ["c", "a", "b"]
    assert "".join(c for c in outputs if c != "<end>") == greedy
    assert weights.shape == (len(outputs), 3)
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, rtol=0, atol=1e-14)
    with pytest.raises(ValueError, match="model has no attention"):
        attention_map(_model("none"), "cab")


@pytest.mark.parametrize("call, error, message", [
    (lambda m: greedy_decode(m, ["abz"]), ValueError, r"sources\[0\] holds 'z' at position 2"),
    (lambda m: greedy_decode(m, [""]), ValueError, r"sources\[0\] is empty"),
    (lambda m: greedy_decode(m, ["abcdab"]), ValueError, r"sources\[0\] has 6 characters, more than the 5"),
    (lambda m: greedy_decode(dict(m), ["ab"]), TypeError, "model must be a Seq2Seq"),
    (lambda m: beam_search(m, "ab", beam=0), ValueError, "beam must be at least 1"),
    (lambda m: beam_search(m, "a!"), ValueError, "source holds '!'"),
    (lambda m: sequence_log_prob(m, "ab", "xq"), ValueError, "target holds 'q'"),
    (lambda m: attention_map(m, ["ab"]), TypeError, "source must be a str"),
    (lambda m: attention_map(m, "ab?"), ValueError, "source holds '\\?' at position 2"),
    (lambda m: exact_match(m, [("ab",)]), TypeError, r"pairs\[0\] must be a \(source, target\) pair"),
])
def test_bad_input_is_named(call, error, message):
    with pytest.raises(error, match=message):
        call(_model())


def test_without_the_mask_a_source_decodes_differently_beside_a_longer_one():
    model = _model("additive")
    alone = greedy_decode(model, ["a"], return_weights=True)
    beside = greedy_decode(model, ["a", "abcda"], return_weights=True)
    assert beside[0][0] == alone[0][0]                             # masked: the batch changes nothing
    np.testing.assert_allclose(beside[1][0], alone[1][0], rtol=0, atol=1e-15)
    (_, (w_alone, _)), (_, (w_beside, _)) = (
        greedy_decode(model, ["a", "a"], return_weights=True, masked=False),
        greedy_decode(model, ["a", "abcda"], return_weights=True, masked=False))
    np.testing.assert_array_equal(w_alone, 1.0)                    # one position: all the weight
    assert np.all(w_beside[:, 0] < 1.0)                            # weight went to the padding
