"""Decoding: the model writes its own output, one character at a time, fed back as its next input.

Letters used in shapes: N records, S source positions, T output positions, B beams, K_tgt the
target vocabulary's size.

    greedy_decode(model, sources)      the most likely next character at every step, all records
                                       at once: a list of str
    beam_search(model, source, beam)   keeps the `beam` best prefixes by their log-probability
    sequence_log_prob(model, source, target)   log p(target | source), END included
    exact_match(model, pairs)          the share of pairs whose greedy output equals the target
    accuracy_by_length(model, pairs)   exact_match for each source length
    attention_map(model, source)       (output characters, input characters, weights (T, S))

An output is at most tgt_vocab.max_len characters (the longest target the model's vocabulary
accepts) and then END: decoding stops at END, and after max_len characters END is forced, its log p
counted in the output's score like any other step's.
"""

import numpy as np

from .._checks import check_int
from .model import _check_model, _flag, decoder_step, describe, encode, log_softmax
from .vocab import END, PAD, START, decode as decode_ids, encode as encode_text, source_batch

__all__ = ["greedy_decode", "beam_search", "sequence_log_prob", "exact_match", "accuracy_by_length",
           "attention_map"]

MAX_BEAM = 1000


def greedy_decode(model, sources, *, return_weights=False, masked=True):
    """The model's output for each source, choosing the most likely character at every step.

    model: a Seq2Seq (init_model, train). sources: a list of str (each in the model's source
    vocabulary, at most its max_len characters). return_weights: also return each output's
    attention weights.
    Returns a list of str (without END); with return_weights, (outputs, weights), weights a list of
    arrays (T_n, S_n): the weights of output position t (END included when produced) over the
    source's characters (None for a model without attention). Raises TypeError/ValueError naming
    the source for an unknown character, an empty str or one too long.
    """
    _check_model(model)
    spec = describe(model, "model")
    return_weights = _flag("return_weights", return_weights)
    src, src_len = source_batch(sources, model.src_vocab, "sources")
    ids, weights, _ = _greedy(model, spec, src, src_len, _flag("masked", masked))
    outputs, maps = [], []
    for n in range(len(sources)):
        row = ids[n].tolist()
        T = row.index(END) + 1 if END in row else len(row)
        outputs.append(decode_ids(ids[n], model.tgt_vocab))
        maps.append(None if weights is None else weights[n, :T, :src_len[n]])
    return (outputs, maps) if return_weights else outputs


def _greedy(params, spec, src, src_len, masked=True):
    """ids (N, T), weights (N, T, S) or None, and the sum of log p of the chosen ids (N,).

    T = max_len + 1: after max_len characters END is forced (its log p counted).
    """
    N = src.shape[0]
    T = params.tgt_vocab.max_len + 1
    H_enc, state, mask, K, _ = encode(params, spec, src, src_len, masked=masked)
    y = np.full(N, START)
    ids = np.full((N, T), END)
    weights = None if spec.attention == "none" else np.zeros((N, T, src.shape[1]))
    score = np.zeros(N)
    done = np.zeros(N, dtype=bool)
    for t in range(T):
        logits, state, w, _ = decoder_step(params, spec, y, state, H_enc, mask, K)
        logp = _never_special(log_softmax(logits))
        y = logp.argmax(axis=1) if t < T - 1 else np.full(N, END)
        score += np.where(done, 0.0, logp[np.arange(N), y])
        ids[:, t] = np.where(done, END, y)
        if weights is not None:
            weights[:, t] = w
        done |= y == END
        if done.all():
            break
    return ids, weights, score


def _one_source(model, source):
    """One source as a batch of one: (ids (1, S), lengths (1,)); errors name it "source"."""
    ids = encode_text(source, model.src_vocab, "source")
    return ids[None, :], np.array([ids.size])


def _never_special(logp):
    """logp with PAD and START at -inf: the model is never trained to output them, so a decoder
    never chooses them (their log p still counts in the softmax's normalisation)."""
    logp[:, [PAD, START]] = -np.inf
    return logp


def sequence_log_prob(model, source, target):
    """log p(target + END | source): the sum of log p over target's characters and END, teacher-forced.

    source: a str; target: a str, possibly empty (the output that is END at once). Returns a float
    (<= 0). Raises as greedy_decode does for a bad source or target.
    """
    _check_model(model)
    spec = describe(model, "model")
    src, src_len = _one_source(model, source)
    if not isinstance(target, str):
        raise TypeError(f"target must be a str, got {type(target).__name__}.")
    ids = encode_text(target, model.tgt_vocab, "target").tolist() if target else []
    H_enc, state, mask, K, _ = encode(model, spec, src, src_len)
    total = 0.0
    for y_prev, y in zip([START] + ids, ids + [END]):
        logits, state, _, _ = decoder_step(model, spec, np.array([y_prev]), state, H_enc, mask, K)
        total += float(log_softmax(logits)[0, y])
    return total


def beam_search(model, source, beam=4):
    """The output of highest log-probability that a beam of `beam` prefixes finds, and its score.

    At every step each of the (at most) `beam` unfinished prefixes is extended by every character
    (and END), and the `beam` best extensions by their summed log p are kept; a prefix ending with
    END is finished. Beam search alone can lose the greedy output (its prefix can fall out of the
    beam) and end below it, so the greedy output is kept as a candidate too: the result's score is
    never below greedy's. With beam=1 it is the greedy output.
    source: a str. beam: a whole number in 1 .. 1000.
    Returns (output str, score float = log p(output + END | source), what sequence_log_prob gives).
    Raises TypeError/ValueError naming the argument.
    """
    _check_model(model)
    beam = check_int("beam", beam, minimum=1, maximum=MAX_BEAM)
    spec = describe(model, "model")
    src, src_len = _one_source(model, source)
    greedy_ids, _, greedy_score = _greedy(model, spec, src, src_len)
    T = model.tgt_vocab.max_len + 1
    H_1, state, mask_1, K_1, _ = encode(model, spec, src, src_len)       # the one record's
    prefixes = [[]]                                          # the live beams' ids
    scores = np.zeros(1)
    finished = [(float(greedy_score[0]), greedy_ids[0].tolist())]
    for t in range(T):
        B = len(prefixes)
        y = np.array([p[-1] if p else START for p in prefixes])
        logits, state, _, _ = decoder_step(model, spec, y, state, H_1.repeat(B, 0),
                                           mask_1.repeat(B, 0), None if K_1 is None else K_1.repeat(B, 0))
        total = scores[:, None] + _never_special(log_softmax(logits))   # (B, K_tgt): each extension's
        if t == T - 1:                                       # after max_len characters: END
            total[:, np.arange(total.shape[1]) != END] = -np.inf
        live, rows = [], []
        for flat in np.argsort(-total, axis=None, kind="stable")[:beam].tolist():
            b, k = divmod(flat, total.shape[1])
            if not np.isfinite(total[b, k]):
                continue
            if k == END:
                finished.append((float(total[b, k]), prefixes[b] + [k]))
            else:
                live.append(prefixes[b] + [k])
                rows.append(b)
        if not live:
            break
        scores = total[rows, [p[-1] for p in live]]
        if scores.max() < max(f[0] for f in finished):     # log p only falls: none can catch up
            break
        prefixes = live
        state = tuple(s[rows] for s in state)
    score, ids = max(finished, key=lambda f: f[0])
    return decode_ids(np.array(ids), model.tgt_vocab), score


def exact_match(model, pairs, *, batch_size=500, masked=True):
    """The share of pairs whose greedy output equals the target exactly: a float in [0, 1].

    pairs: a list of (source, target) str pairs, decoded batch_size at a time (masked: as for
    greedy_decode; with masked=False the result depends on batch_size). Raises TypeError/ValueError naming a bad pair.
    """
    from .model import _split_pairs, make_batch
    make_batch(model, pairs, "pairs")                   # every pair checked, named pairs[i]
    sources, targets = _split_pairs(pairs, "pairs")
    batch_size = check_int("batch_size", batch_size, minimum=1)
    outputs = []
    for i in range(0, len(sources), batch_size):
        outputs += greedy_decode(model, sources[i:i + batch_size], masked=masked)
    return float(np.mean([o == t for o, t in zip(outputs, targets)]))


def accuracy_by_length(model, pairs):
    """exact_match for each source length: a dict length -> share of exact outputs (sorted by length)."""
    from .model import make_batch
    make_batch(model, pairs, "pairs")
    by_length = {}
    for pair in pairs:
        by_length.setdefault(len(pair[0]), []).append(pair)
    return {L: exact_match(model, group) for L, group in sorted(by_length.items())}


def attention_map(model, source):
    """What the model attends to while it writes its output for one source.

    Returns (output characters: a list of str, the last "<end>" when the model produced END;
    input characters: list(source); weights (T_out, T_in), row t the attention of output position t
    over the source's characters, each row summing to 1). Raises ValueError for a model without
    attention, and as greedy_decode does for the source.
    """
    _check_model(model)
    if describe(model, "model").attention == "none":
        raise ValueError("model has no attention (attention='none'): there is no map to show; "
                         "build it with attention='additive' or 'dot'.")
    if not isinstance(source, str):
        raise TypeError(f"source must be a str, got {type(source).__name__}.")
    encode_text(source, model.src_vocab, "source")      # its messages name source, not sources[0]
    (output,), (weights,) = greedy_decode(model, [source], return_weights=True)
    chars = list(output) + (["<end>"] if weights.shape[0] > len(output) else [])
    return chars, list(source), weights
