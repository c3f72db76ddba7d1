"""Characters to ids and back, the shipped text, and the checks every text function shares.

Letters used in shapes: L characters in a text, K characters in the vocabulary.
"""

from importlib import resources
from typing import NamedTuple

import numpy as np

from .._checks import unmasked

__all__ = ["Vocab", "char_vocab", "encode", "decode", "load_text", "available_texts"]

DEFAULT_TEXT = "hamlet"


class Vocab(NamedTuple):
    """A character vocabulary: chars (a str of K distinct characters, sorted) and char_to_id.

    char_to_id maps chars[i] to i. A plain tuple (chars, char_to_id) is accepted wherever a Vocab is.
    """
    chars: str
    char_to_id: dict


def char_vocab(text):
    """The sorted distinct characters of text and their ids.

    text: a non-empty str. Returns Vocab(chars, char_to_id): chars a str of length K, sorted by code
    point (so the ids do not depend on where a character first appears), char_to_id a dict char -> id.
    Raises TypeError if text is not a str, ValueError if it is empty.
    """
    _check_text("text", text)
    chars = "".join(sorted(set(text)))
    return Vocab(chars, {ch: i for i, ch in enumerate(chars)})


def encode(text, vocab):
    """The ids of text's characters. Returns an int64 array (L,).

    vocab: from char_vocab. Raises TypeError if text is not a str or vocab is not a vocabulary;
    ValueError if text is empty or holds a character that is not in the vocabulary (named).
    """
    _check_text("text", text)
    chars, char_to_id = _check_vocab(vocab)
    unknown = set(text).difference(char_to_id)
    if unknown:
        first = min(text.index(ch) for ch in unknown)
        raise ValueError(
            f"text contains {text[first]!r} (first at position {first}), which is not in the vocabulary"
            f"{_others(unknown, text[first])}; build the vocabulary with char_vocab from a text that "
            "contains every character you will encode, or remove it from text.")
    return np.fromiter((char_to_id[ch] for ch in text), dtype=np.int64, count=len(text))


def decode(ids, vocab):
    """The text whose characters have these ids. ids: integer array (L,) in [0, K). Returns a str.

    Raises TypeError if ids are not integers or vocab is not a vocabulary; ValueError if ids are not
    1-D or hold a value outside [0, K).
    """
    chars, _ = _check_vocab(vocab)
    ids = check_ids("ids", ids, ndim=1, K=len(chars), what="(L,)", allow_empty=True)
    return "".join([chars[i] for i in ids.tolist()])


def available_texts():
    """The names load_text accepts: the .txt files shipped in rnn_helpers/datasets, sorted."""
    folder = resources.files("rnn_helpers").joinpath("datasets")
    return sorted(p.name[:-4] for p in folder.iterdir() if p.name.endswith(".txt"))


def load_text(name=None):
    """A text shipped with the package, as a str (read with importlib.resources; nothing downloaded).

    name: None for the default, "hamlet" (Shakespeare's Hamlet, 176,350 characters, K = 64; its
    provenance is in rnn_helpers/datasets/TEXT_README.md). Raises TypeError if name is not a str,
    ValueError if there is no text of that name.
    """
    name = DEFAULT_TEXT if name is None else name
    if not isinstance(name, str):
        raise TypeError(f"name must be a str such as {DEFAULT_TEXT!r}, got {type(name).__name__}.")
    names = available_texts()
    if name not in names:
        raise ValueError(f"name {name!r} is not a shipped text; choose one of {names} (or None).")
    path = resources.files("rnn_helpers").joinpath("datasets", f"{name}.txt")
    # newline="" keeps the file's characters exactly, whatever the platform's convention
    with path.open("r", encoding="utf-8", newline="") as f:
        return f.read()


def check_ids(name, ids, ndim, K, what, allow_empty=False):
    """Return ids as an int64 array after checking type, ndim, emptiness and range [0, K).

    K None checks only that the ids are >= 0 (for chunks, which does not know the vocabulary).
    """
    if isinstance(ids, (str, bytes, dict, set)) or ids is None:
        raise TypeError(f"{name} must be an integer array of character ids of shape {what} (from "
                        f"encode), got {type(ids).__name__}.")
    ids = unmasked(name, ids)
    try:
        arr = np.asarray(ids)
    except (TypeError, ValueError) as err:                 # e.g. ragged nested lists
        raise TypeError(f"{name} must be a rectangular integer array of character ids of shape "
                        f"{what}; it could not be converted ({err}).") from None
    if arr.size == 0 and arr.dtype.kind == "f":
        arr = arr.astype(np.int64)                         # np.asarray([]) is float: no values to judge
    if arr.dtype.kind not in "iu":
        kind = {"b": "booleans", "f": "floats", "c": "complex numbers", "U": "text", "S": "text",
                "O": "Python objects"}.get(arr.dtype.kind, f"{arr.dtype} values")
        hint = " convert whole-number floats with .astype(int), or" if arr.dtype.kind == "f" else ""
        raise TypeError(f"{name} must hold integer character ids of shape {what}, but it holds "
                        f"{kind} (dtype {arr.dtype});{hint} build ids with encode(text, vocab).")
    if arr.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimension{'s' if ndim > 1 else ''} {what}, but has "
                         f"shape {arr.shape}.")
    if arr.size == 0 and not allow_empty:
        raise ValueError(f"{name} is empty (shape {arr.shape}); it needs at least one id.")
    if arr.size and (arr.min() < 0 or (K is not None and arr.max() >= K)):
        bad = arr.min() if arr.min() < 0 else arr.max()
        where = tuple(int(i) for i in np.argwhere(arr == bad)[0])
        allowed = "ids are >= 0" if K is None else f"outside [0, K) = [0, {K})"
        raise ValueError(f"{name} holds {int(bad)} at index {where[0] if ndim == 1 else where}, "
                         f"{'but ' if K is None else ''}{allowed}; ids must come from encode"
                         f"{'' if K is None else f' with the vocabulary of this model (K = {K})'}.")
    return arr.astype(np.int64, copy=False)


def _check_text(name, text):
    if not isinstance(text, str):
        raise TypeError(f"{name} must be a str, got {type(text).__name__}; read a file with "
                        "open(path, encoding='utf-8').read() or use load_text().")
    if not text:
        raise ValueError(f"{name} is empty; a vocabulary and ids need at least one character.")


def _check_vocab(vocab):
    if not (isinstance(vocab, tuple) and len(vocab) == 2 and isinstance(vocab[0], (str, tuple))
            and isinstance(vocab[1], dict)):
        raise TypeError("vocab must be the (chars, char_to_id) pair that char_vocab returns, got "
                        f"{type(vocab).__name__}.")
    chars, char_to_id = vocab
    if not chars or any(char_to_id.get(ch) != i for i, ch in enumerate(chars)) \
            or len(char_to_id) != len(chars):
        raise ValueError("vocab is inconsistent: char_to_id must map chars[i] to i for every i and "
                         "nothing else; build it with char_vocab(text).")
    return chars, char_to_id


def _others(unknown, first):
    rest = sorted(unknown - {first})
    if not rest:
        return ""
    shown = ", ".join(map(repr, rest[:5]))
    return f" (nor {'are' if len(rest) > 1 else 'is'} {shown}{', ...' if len(rest) > 5 else ''})"
