"""Train what notebook 12 ships, and load it back: the dates model, and the bottleneck measurement.

    python -m rnn_helpers.seq2seq.pretrain --out rnn_helpers/datasets/dates_attention.npz
    python -m rnn_helpers.seq2seq.pretrain --bottleneck --out rnn_helpers/datasets/bottleneck_reverse.json

trains an encoder-decoder with attention (rnn_helpers.seq2seq) on written dates -> ISO dates
(rnn_helpers.seq2seq.dates), seeded, and saves its weights with everything needed to check them: the
command, the seed, every setting, both vocabularies, the training loss per epoch, the training time,
and the exact-match accuracy it measured on held-out pairs whose dates it never saw. Notebook 12
trains live only briefly (its budget is 40 s); it loads this file for the heat maps and the widget,
and measures the stored accuracy again.

load_dates_model(path) -> (model, info): the Seq2Seq and the metadata (a dict).

The second command measures the bottleneck of the plain encoder-decoder: on the reverse-digits task
(rnn_helpers.seq2seq.tasks), the exact-match accuracy for every source length, with and without
attention, for 5 seeds (bottleneck_run, BOTTLENECK). Ten trainings take minutes, more than notebook
12's budget: the notebook prints this file's table, and recomputes it with LONG_RUN = True.
load_bottleneck(path) -> the table and its metadata (a dict).
"""

import argparse
import json
import os
import pathlib
import shlex
import sys
import time

import numpy as np

from .._checks import check_int

__all__ = ["DEFAULTS", "DEFAULT_PATH", "BOTTLENECK", "BOTTLENECK_PATH", "dates_vocabularies", "train_dates_model",
           "load_dates_model", "bottleneck_run", "measure_bottleneck", "load_bottleneck", "main"]

#: Where the shipped weights live.
DEFAULT_PATH = pathlib.Path(__file__).resolve().parent.parent / "datasets" / "dates_attention.npz"

#: The settings of the shipped model (each one a command-line option of the same name, - for _).
DEFAULTS = dict(n_train=10_000, n_held_out=1_000, held_out=0.1, seed=0, cell="gru", bidirectional=True,
                hidden_dim=32, attention="additive", epochs=4, batch_size=32, learning_rate=1e-2,
                clip_norm=5.0)

FORMAT_VERSION = 1

#: Where the bottleneck measurement lives.
BOTTLENECK_PATH = DEFAULT_PATH.with_name("bottleneck_reverse.json")
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


def train_dates_model(**settings):
    """Train the dates model with DEFAULTS, updated by settings (same names).

    Returns (model, info): the trained Seq2Seq and a dict with the settings, the loss per epoch, the
    training time in seconds and the held-out exact match. Raises TypeError/ValueError for an
    unknown setting, and whatever the data and training functions raise for a bad value.
    """
    from . import dates
    from .decoding import exact_match
    from .model import init_model
    from .training import train
    unknown = set(settings) - set(DEFAULTS)
    if unknown:
        raise ValueError(f"unknown setting(s) {sorted(unknown)}; the settings are {sorted(DEFAULTS)}.")
    s = dict(DEFAULTS, **settings)
    train_pairs, held_pairs = dates.make_date_pairs(s["n_train"], s["n_held_out"], held_out=s["held_out"],
                                                    seed=s["seed"])
    src_vocab, tgt_vocab = dates_vocabularies()
    model = init_model(src_vocab, tgt_vocab, s["hidden_dim"], cell=s["cell"], bidirectional=s["bidirectional"],
                       attention=s["attention"], seed=s["seed"])
    t0 = time.perf_counter()
    trained, history = train(model, train_pairs, epochs=s["epochs"], batch_size=s["batch_size"],
                             learning_rate=s["learning_rate"], clip_norm=s["clip_norm"], seed=s["seed"])
    seconds = time.perf_counter() - t0
    info = dict(settings=s, epoch_loss=[float(x) for x in history.epoch_loss], train_seconds=round(seconds, 1),
                held_out_exact_match=float(exact_match(trained, held_pairs)),
                train_exact_match_first_1000=float(exact_match(trained, train_pairs[:1000])))
    return trained, info


def _save_model(model, info, path):
    """Save a Seq2Seq's weights (float64, one array per key) and info (JSON) to path (.npz, compressed)."""
    path = pathlib.Path(path)
    meta = dict(info, format_version=FORMAT_VERSION, numpy=np.__version__,
                src_chars=model.src_vocab.chars, src_max_len=model.src_vocab.max_len,
                tgt_chars=model.tgt_vocab.chars, tgt_max_len=model.tgt_vocab.max_len)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, __info__=np.array(json.dumps(meta, sort_keys=True)),
                        **{f"param_{key}": np.asarray(value, dtype=np.float64) for key, value in model.items()})


def load_dates_model(path=None):
    """The shipped dates model and its metadata: (Seq2Seq, info dict).

    path: a .npz file written by this module (None: DEFAULT_PATH). info holds "command", "settings",
    "held_out_exact_match", "train_seconds", "epoch_loss", the vocabularies' characters, ...
    Raises FileNotFoundError naming the path and the command that makes it; ValueError for a file
    that is not such weights.
    """
    from .model import Seq2Seq
    from .vocab import Vocab
    if path is not None and not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file name (str or pathlib.Path) or None for the shipped file, "
                        f"got {path!r} ({type(path).__name__}).")
    path = DEFAULT_PATH if path is None else pathlib.Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"path {str(path)!r}: no such file; make it with "
                                f"python -m rnn_helpers.seq2seq.pretrain --out {path}")
    try:
        with np.load(path, allow_pickle=False) as data:
            if "__info__" not in data.files:
                raise ValueError("no metadata (__info__)")
            info = json.loads(str(data["__info__"]))
            params = {name[len("param_"):]: data[name] for name in data.files if name.startswith("param_")}
    except (OSError, ValueError, EOFError) as err:
        raise ValueError(f"path {str(path)!r} is not a file of weights saved by rnn_helpers.seq2seq.pretrain "
                         f"({err}); make it with python -m rnn_helpers.seq2seq.pretrain --out {path}") from None
    if info.get("format_version") != FORMAT_VERSION:
        raise ValueError(f"path {str(path)!r} has format version {info.get('format_version')!r}, this "
                         f"package reads {FORMAT_VERSION}; train it again with the command in its README.")
    model = Seq2Seq(params, Vocab(info["src_chars"], info["src_max_len"]),
                    Vocab(info["tgt_chars"], info["tgt_max_len"]))
    return model, info


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
                                f"python -m rnn_helpers.seq2seq.pretrain --bottleneck --out {path}")
    try:
        table = json.loads(path.read_text())
        table["accuracy"], table["settings"], table["command"]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as err:
        raise ValueError(f"path {str(path)!r} is not a bottleneck table saved by rnn_helpers.seq2seq.pretrain "
                         f"({type(err).__name__}: {err}).") from None
    return table


def main(argv=None):
    """The command line: every DEFAULTS setting as --name-with-dashes, and --out PATH."""
    parser = argparse.ArgumentParser(prog="python -m rnn_helpers.seq2seq.pretrain",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=None, help="where to write the .npz or .json (default: the shipped file)")
    parser.add_argument("--bottleneck", action="store_true",
                        help="measure the bottleneck (BOTTLENECK's settings) instead of training the dates model")
    for name, value in DEFAULTS.items():
        flag = "--" + name.replace("_", "-")
        if isinstance(value, bool):
            parser.add_argument(flag, type=lambda text: {"true": True, "false": False}[text.lower()],
                                default=value, metavar="true|false")
        else:
            parser.add_argument(flag, type=type(value), default=value)
    args = parser.parse_args(argv)
    argv = sys.argv[1:] if argv is None else list(argv)
    command = "python -m rnn_helpers.seq2seq.pretrain " + shlex.join(argv)
    if args.bottleneck:
        out = pathlib.Path(args.out or BOTTLENECK_PATH)
        table = dict(measure_bottleneck(), command=command)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n")
        print(f"measured in {table['seconds']} s; wrote {out}")
        return table
    args.out = args.out or str(DEFAULT_PATH)
    settings = {name: getattr(args, name) for name in DEFAULTS}
    for name in ("n_train", "n_held_out", "epochs", "batch_size", "hidden_dim", "seed"):
        check_int(name, settings[name], minimum=0 if name == "seed" else 1)
    model, info = train_dates_model(**settings)
    info["command"] = command
    _save_model(model, info, args.out)
    size = pathlib.Path(args.out).stat().st_size
    print(f"trained in {info['train_seconds']} s; loss per epoch "
          + ", ".join(f"{x:.4f}" for x in info["epoch_loss"])
          + f"; held-out exact match {info['held_out_exact_match']:.3f} ({settings['n_held_out']} pairs, "
          f"dates never seen in training); wrote {args.out} ({size / 1024:.0f} KB)")
    return model, info


if __name__ == "__main__":
    main()
