"""What notebook 12 ships: its bottleneck measurement, made by a script because it takes minutes.

    python -m rnn_helpers.seq2seq.pretrain --out rnn_helpers/datasets/bottleneck_reverse.json

measures the bottleneck of the plain encoder-decoder: on the reverse-digits task
(rnn_helpers.seq2seq.tasks), the exact-match accuracy for every source length, with and without
attention, for 5 seeds (bottleneck_run, with the settings BOTTLENECK). Ten trainings take minutes,
more than notebook 12's budget of 40 s: the notebook prints this file's table, and measures it again
with LONG_RUN = True. The file keeps the command, the settings, the accuracies and the time taken.

    load_bottleneck(path)    the stored table and its metadata (a dict)
    dates_vocabularies()     the dates task's two vocabularies (notebook 12 trains its dates model live)
"""

import argparse
import json
import os
import pathlib
import shlex
import sys
import time


from .._checks import check_int

__all__ = ["BOTTLENECK", "BOTTLENECK_PATH", "dates_vocabularies", "bottleneck_run", "measure_bottleneck",
           "load_bottleneck", "main"]

#: Where the bottleneck measurement lives.
BOTTLENECK_PATH = pathlib.Path(__file__).resolve().parent.parent / "datasets" / "bottleneck_reverse.json"
#: The bottleneck measurement's settings: the task, the data, one model's size and training.
BOTTLENECK = dict(task="reverse", n_train=4_000, n_test=1_000, min_len=2, max_len=12, cell="gru",
                  bidirectional=True, hidden_dim=32, epochs=5, batch_size=32, learning_rate=1e-2,
                  clip_norm=5.0, seeds=[0, 1, 2, 3, 4], attentions=["none", "additive"])


def dates_vocabularies():
    """(source vocabulary, target vocabulary) of the dates task: every character a written date may
    hold (dates.SOURCE_CHARS, at most dates.MAX_SOURCE_LEN of them) and the ISO date's."""
    from . import dates
    from .vocab import make_vocab
    return (make_vocab(list(dates.SOURCE_CHARS), max_len=dates.MAX_SOURCE_LEN),
            make_vocab(list(dates.TARGET_CHARS), max_len=dates.TARGET_LEN))


def bottleneck_run(seed, attention, **settings):
    """Exact-match accuracy for each source length of one model: BOTTLENECK's task and budget
    (updated by settings, same names), trained from seed with attention ("none", "additive", "dot").

    The training pairs come from seed, the test pairs (fresh strings) from 1000 + seed.
    Returns a dict source length -> share of the test pairs of that length written exactly right.
    """
    from .decoding import accuracy_by_length
    from .model import init_model
    from .tasks import digit_pairs
    from .training import train
    from .vocab import make_vocab
    unknown = set(settings) - set(BOTTLENECK)
    if unknown:
        raise ValueError(f"unknown setting(s) {sorted(unknown)}; the settings are {sorted(BOTTLENECK)}.")
    b = dict(BOTTLENECK, **settings)
    for name in ("n_train", "n_test"):        # digit_pairs would call both of them n
        check_int(name, b[name], minimum=1, maximum=1_000_000)
    pairs = digit_pairs(b["task"], b["n_train"], min_len=b["min_len"], max_len=b["max_len"], seed=seed)
    test = digit_pairs(b["task"], b["n_test"], min_len=b["min_len"], max_len=b["max_len"], seed=1000 + seed)
    digits = make_vocab(list("0123456789"), max_len=b["max_len"])
    model = init_model(digits, digits, b["hidden_dim"], cell=b["cell"], bidirectional=b["bidirectional"],
                       attention=attention, seed=seed)
    trained, _ = train(model, pairs, epochs=b["epochs"], batch_size=b["batch_size"],
                       learning_rate=b["learning_rate"], clip_norm=b["clip_norm"], seed=seed)
    return {int(length): float(acc) for length, acc in accuracy_by_length(trained, test).items()}


def measure_bottleneck(**settings):
    """bottleneck_run for every seed and attention of BOTTLENECK (updated by settings).

    Returns a dict: "settings", "accuracy" (attention -> seed (str) -> length (str) -> accuracy, as
    JSON keeps it) and "seconds".
    """
    b = dict(BOTTLENECK, **settings)
    seeds, attentions = b["seeds"], b["attentions"]
    if not isinstance(seeds, (list, tuple)) or not seeds or len(set(seeds)) != len(seeds) or not all(
            isinstance(x, int) and not isinstance(x, bool) and x >= 0 for x in seeds):
        raise TypeError(f"seeds must be a non-empty list of distinct whole numbers >= 0, got {seeds!r}.")
    if not isinstance(attentions, (list, tuple)) or not attentions or not all(
            isinstance(a, str) and a in ("additive", "dot", "none") for a in attentions):
        raise ValueError(f"attentions must be a non-empty list of 'additive', 'dot', 'none', got {attentions!r}.")
    run_settings = {k: v for k, v in b.items() if k not in ("seeds", "attentions")}
    t0 = time.perf_counter()
    accuracy = {att: {str(seed): {str(L): a for L, a in bottleneck_run(seed, att, **run_settings).items()}
                      for seed in b["seeds"]} for att in b["attentions"]}
    return dict(settings=b, accuracy=accuracy, seconds=round(time.perf_counter() - t0, 1))


def load_bottleneck(path=None):
    """The stored bottleneck measurement (a dict, see measure_bottleneck, plus "command").

    path: a .json file written by this module (None: BOTTLENECK_PATH). Raises FileNotFoundError
    naming the path and the command that makes it; ValueError for a file that is not such a table.
    """
    if path is not None and not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file name (str or pathlib.Path) or None for the shipped file, "
                        f"got {path!r} ({type(path).__name__}).")
    path = BOTTLENECK_PATH if path is None else pathlib.Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"path {str(path)!r}: no such file; make it with "
                                f"python -m rnn_helpers.seq2seq.pretrain --out {path}")
    try:
        table = json.loads(path.read_text())
        table["accuracy"], table["settings"], table["command"]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as err:
        raise ValueError(f"path {str(path)!r} is not a bottleneck table saved by rnn_helpers.seq2seq.pretrain "
                         f"({type(err).__name__}: {err}).") from None
    return table


def main(argv=None):
    """The command line: --out PATH (default: the shipped file)."""
    parser = argparse.ArgumentParser(prog="python -m rnn_helpers.seq2seq.pretrain",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(BOTTLENECK_PATH), help="where to write the .json")
    args = parser.parse_args(argv)
    argv = sys.argv[1:] if argv is None else list(argv)
    table = dict(measure_bottleneck(), command="python -m rnn_helpers.seq2seq.pretrain " + shlex.join(argv))
    out = pathlib.Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n")
    print(f"measured in {table['seconds']} s; wrote {out}")
    return table


if __name__ == "__main__":
    main()
