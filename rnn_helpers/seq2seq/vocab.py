"""Characters to ids and back for sequence-to-sequence models: padding, start and end tokens, batches.

Letters used in shapes: N records, S source positions (the longest source of a batch), T target
positions (the longest target plus one), K tokens in a vocabulary.

A vocabulary holds three special tokens before its characters:

    id 0  PAD     fills a batch's rows after each record's end (never read: masked)
    id 1  START   the decoder's first input, before it has produced anything
    id 2  END     the last target of every record: the decoder learns to say it is done

and then one id per character, in sorted order (3 .. K-1). A source is its characters' ids alone; a
target is fed to the decoder shifted by one step (teacher forcing):

    target "4-1"    decoder inputs   START "4" "-" "1"        (T = 4 positions)
                    decoder targets  "4"   "-" "1" END
"""

from typing import NamedTuple

import numpy as np

from .._checks import check_int
from ..text.vocab import check_ids

__all__ = ["PAD", "START", "END", "SPECIALS", "Vocab", "make_vocab", "encode", "decode",
           "source_batch", "target_batch"]

PAD, START, END = 0, 1, 2
SPECIALS = ("<pad>", "<start>", "<end>")


class Vocab(NamedTuple):
    """A vocabulary: chars, a str of distinct characters in sorted order, and max_len, the longest
    text it accepts (longer texts are refused with a clear error, as the model was not trained on
    them). Character chars[i] has the id i + 3; K = len(chars) + 3 ids in all.
    """
    chars: str
    max_len: int

    @property
    def K(self):
        """The number of ids: the three special tokens and the characters."""
        return len(self.chars) + len(SPECIALS)

    def token(self, i):
        """The text of id i: its character, or "<pad>", "<start>", "<end>"."""
        return SPECIALS[i] if i < len(SPECIALS) else self.chars[i - len(SPECIALS)]


def make_vocab(texts, max_len=None):
    """The vocabulary of the characters in texts.

    texts: a non-empty list (or tuple) of non-empty str. max_len: the longest text the vocabulary
    accepts; None for the longest of texts.
    Returns a Vocab. Raises TypeError if texts is not a list of str, ValueError if it is empty, holds
    an empty str, or max_len is below the longest text.
    """
    texts = _check_texts("texts", texts)
    longest = max(len(t) for t in texts)
    max_len = longest if max_len is None else check_int("max_len", max_len, minimum=1)
    if max_len < longest:
        raise ValueError(f"max_len={max_len} is below the longest text ({longest} characters); "
                         "give at least that, or None.")
    return Vocab("".join(sorted(set("".join(texts)))), max_len)


def encode(text, vocab, name="text"):
    """The ids of text's characters, without special tokens. Returns an int64 array (L,).

    Raises TypeError if text is not a str or vocab not a Vocab; ValueError if text is empty, longer
    than vocab.max_len, or holds a character the vocabulary lacks (named, with its position).
    name: what the caller's user calls text, for the messages.
    """
    vocab = check_vocab(vocab)
    if not isinstance(text, str):
        raise TypeError(f"{name} must be a str, got {text!r} ({type(text).__name__}).")
    if not text:
        raise ValueError(f"{name} is empty; it needs at least one character.")
    if len(text) > vocab.max_len:
        raise ValueError(f"{name} has {len(text)} characters, more than the {vocab.max_len} this "
                         f"vocabulary accepts (max_len, the longest text the model was made for); "
                         f"shorten it: {text[:40]!r}{'...' if len(text) > 40 else ''}.")
    lookup = {ch: i + len(SPECIALS) for i, ch in enumerate(vocab.chars)}
    for position, ch in enumerate(text):
        if ch not in lookup:
            raise ValueError(f"{name} holds {ch!r} at position {position}, a character this "
                             f"vocabulary lacks (it knows {vocab.chars!r}); remove or replace it.")
    return np.fromiter((lookup[ch] for ch in text), dtype=np.int64, count=len(text))


def decode(ids, vocab):
    """The text of ids: characters up to the first END; PAD and START are skipped. Returns a str.

    ids: integers in [0, K), 1-D. Raises TypeError if vocab is not a Vocab or ids are not integers,
    ValueError for an id outside [0, K) or ids not 1-D.
    """
    vocab = check_vocab(vocab)
    out = []
    for i in check_ids("ids", ids, 1, vocab.K, "(L,)", allow_empty=True).tolist():
        if i == END:
            break
        if i >= len(SPECIALS):
            out.append(vocab.chars[i - len(SPECIALS)])
    return "".join(out)


def source_batch(texts, vocab, name="texts"):
    """Sources as one padded batch: ids (N, S) with PAD after each record's end, and lengths (N,).

    S is the longest text's length. Raises as encode does, naming the record (texts[3]; name: what
    the caller's user calls texts).
    """
    texts = _check_texts(name, texts)
    rows = [encode(t, vocab, f"{name}[{n}]") for n, t in enumerate(texts)]
    lengths = np.array([len(r) for r in rows], dtype=np.int64)
    ids = np.full((len(rows), lengths.max()), PAD, dtype=np.int64)
    for n, r in enumerate(rows):
        ids[n, :len(r)] = r
    return ids, lengths


def target_batch(texts, vocab, name="texts"):
    """Targets for teacher forcing: (inputs (N, T), outputs (N, T), lengths (N,)), T = longest + 1.

    inputs[n] = START then the characters; outputs[n] = the characters then END; both padded with PAD
    after lengths[n] = len(texts[n]) + 1 positions. Raises as encode does, naming the record.
    """
    texts = _check_texts(name, texts)
    rows = [encode(t, vocab, f"{name}[{n}]") for n, t in enumerate(texts)]
    lengths = np.array([len(r) + 1 for r in rows], dtype=np.int64)
    inputs = np.full((len(rows), lengths.max()), PAD, dtype=np.int64)
    outputs = inputs.copy()
    for n, r in enumerate(rows):
        inputs[n, 0] = START
        inputs[n, 1:len(r) + 1] = r
        outputs[n, :len(r)] = r
        outputs[n, len(r)] = END
    return inputs, outputs, lengths


def check_vocab(vocab, name="vocab"):
    """vocab itself if it is a Vocab (chars distinct and sorted, max_len >= 1); else TypeError or
    ValueError naming it."""
    if not isinstance(vocab, Vocab):
        raise TypeError(f"{name} must be a Vocab from make_vocab, got {type(vocab).__name__}.")
    if not isinstance(vocab.chars, str) or not vocab.chars or \
            "".join(sorted(set(vocab.chars))) != vocab.chars:
        raise ValueError(f"{name}.chars must be a non-empty str of distinct characters in sorted "
                         "order; build the vocabulary with make_vocab(texts).")
    check_int(f"{name}.max_len", vocab.max_len, minimum=1)
    return vocab


def _check_texts(name, texts):
    if isinstance(texts, str) or not isinstance(texts, (list, tuple)):
        raise TypeError(f"{name} must be a list of str (one text per record), got "
                        f"{type(texts).__name__}{'; wrap a single text as [text]' if isinstance(texts, str) else ''}.")
    if not texts:
        raise ValueError(f"{name} is empty; it needs at least one text.")
    for n, t in enumerate(texts):
        if not isinstance(t, str):
            raise TypeError(f"{name}[{n}] must be a str, got {t!r} ({type(t).__name__}).")
        if not t:
            raise ValueError(f"{name}[{n}] is empty; every text needs at least one character.")
    return list(texts)
