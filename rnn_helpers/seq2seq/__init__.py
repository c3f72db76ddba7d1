"""Sequence to sequence: an encoder-decoder with attention, from scratch, every gradient checked.

Letters used in shapes: N records, S source positions, T target positions, E the encoder's state
size, Hd the decoder's hidden size, K_src and K_tgt the vocabularies' sizes.

    vocab       characters <-> ids with PAD, START and END; padded batches with lengths
    tasks       toy tasks: reverse or sort a digit string (digit_pairs), seeded
    attention   additive (Bahdanau) and dot (Luong) scores, the masked softmax, the context
    model       init_params / init_model, the teacher-forced loss and its exact gradient
                (loss_and_grads), and its readable one-record-at-a-time version
    decoding    greedy_decode, beam_search (never below greedy), sequence_log_prob, exact_match,
                accuracy_by_length, attention_map (the heat map's weights)
    training    train: Adam with clipping, seeded minibatches, a clear error on divergence
    dates       the task of notebook 12: dates written by people -> ISO 8601, held out by date
    pretrain    what notebook 12 ships: python -m rnn_helpers.seq2seq.pretrain (not imported here)

masked=False (loss, loss_and_grads, train, greedy_decode, exact_match) lets attention see the
padded positions too: the mistake the notebook's break-it exercise measures. The checker of the
learner's attention weights and context is rnn_helpers.exercises.check_attention.
"""

from . import attention, dates
from .model import (ATTENTION, Batch, Seq2Seq, Spec, describe, init_model, init_params, loss,
                    loss_and_grads, loss_and_grads_loop, make_batch)
from .decoding import (accuracy_by_length, attention_map, beam_search, exact_match, greedy_decode,
                       sequence_log_prob)
from .training import Seq2SeqHistory, train
from .tasks import TASKS, digit_pairs
from .vocab import END, PAD, START, Vocab, decode, encode, make_vocab, source_batch, target_batch

__all__ = ["attention", "dates", "ATTENTION", "Batch", "Seq2Seq", "Spec", "describe", "init_model",
           "init_params", "loss", "loss_and_grads", "loss_and_grads_loop", "make_batch", "TASKS",
           "digit_pairs", "END", "PAD", "START", "Vocab", "decode", "encode", "make_vocab",
           "source_batch", "target_batch", "accuracy_by_length", "attention_map", "beam_search",
           "exact_match", "greedy_decode", "sequence_log_prob", "Seq2SeqHistory", "train"]
