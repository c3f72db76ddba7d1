"""rnn_helpers.text: a character-level language model on any registered cell (its params say which,
see rnn_helpers.cells; the vanilla RNN has a fast path).

Letters used in shapes: N records (parallel streams), T time steps, H hidden size, K vocabulary size,
L characters in a text.

    vocab      char_vocab, encode, decode, load_text (the shipped text)
    model      softmax_xent(_backward), loss_and_grads(_loop), sample, bits_per_char
    training   chunks, train_text, bigram_bits_per_char, uniform_bits_per_char
    ngram      fit_ngram, ngram_probs, ngram_bits_per_char: Witten-Bell n-grams, the counted baselines

Typical use:
    text = load_text(); vocab = char_vocab(text); ids = encode(text, vocab)
    params = init_params(64, len(vocab.chars), len(vocab.chars))
    params, history = train_text(params, ids[:split], steps=500, val_ids=ids[split:])
    print(decode(sample(params, encode("\\n", vocab), 200, temperature=0.5), vocab))
"""

from .model import (bits_per_char, loss_and_grads, loss_and_grads_loop, sample, softmax_xent,
                    softmax_xent_backward)
from .ngram import NGram, fit_ngram, ngram_bits_per_char, ngram_probs
from .training import TextHistory, bigram_bits_per_char, chunks, train_text, uniform_bits_per_char
from .vocab import Vocab, available_texts, char_vocab, decode, encode, load_text

__all__ = ["Vocab", "char_vocab", "encode", "decode", "load_text", "available_texts",
           "softmax_xent", "softmax_xent_backward", "loss_and_grads", "loss_and_grads_loop",
           "sample", "bits_per_char",
           "chunks", "train_text", "TextHistory", "bigram_bits_per_char", "uniform_bits_per_char"]
__all__ += ["NGram", "fit_ngram", "ngram_probs", "ngram_bits_per_char"]
