"""Train the dates model that notebook 12 ships, and load it back.

    python -m rnn_helpers.seq2seq.pretrain --out rnn_helpers/datasets/dates_attention.npz

trains an encoder-decoder with attention (rnn_helpers.seq2seq) on written dates -> ISO dates
(rnn_helpers.seq2seq.dates), seeded, and saves its weights with everything needed to check them: the
command, the seed, every setting, both vocabularies, the training loss per epoch, the training time,
and the exact-match accuracy it measured on held-out pairs whose dates it never saw. Notebook 12
trains live only briefly (its budget is 40 s); it loads this file for the heat maps and the widget,
and measures the stored accuracy again.

load_dates_model(path) -> (model, info): the Seq2Seq and the metadata (a dict).
"""

import argparse
import json
import pathlib
import shlex
import sys
import time

import numpy as np

from .._checks import check_int

__all__ = ["DEFAULTS", "DEFAULT_PATH", "train_dates_model", "save_model", "load_dates_model", "main"]

#: Where the shipped weights live.
DEFAULT_PATH = pathlib.Path(__file__).resolve().parent.parent / "datasets" / "dates_attention.npz"

#: The settings of the shipped model (each one a command-line option of the same name, - for _).
DEFAULTS = dict(n_train=10_000, n_held_out=1_000, held_out=0.1, seed=0, cell="gru", bidirectional=True,
                hidden_dim=32, attention="additive", epochs=4, batch_size=32, learning_rate=1e-2,
                clip_norm=5.0)

FORMAT_VERSION = 1


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


def save_model(model, info, path):
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
    path = DEFAULT_PATH if path is None else pathlib.Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"path {str(path)!r}: no such file; make it with "
                                f"python -m rnn_helpers.seq2seq.pretrain --out {path}")
    with np.load(path, allow_pickle=False) as data:
        if "__info__" not in data.files:
            raise ValueError(f"path {str(path)!r} holds no metadata (__info__): not a file saved by "
                             "rnn_helpers.seq2seq.pretrain.")
        info = json.loads(str(data["__info__"]))
        params = {name[len("param_"):]: data[name] for name in data.files if name.startswith("param_")}
    if info.get("format_version") != FORMAT_VERSION:
        raise ValueError(f"path {str(path)!r} has format version {info.get('format_version')!r}, this "
                         f"package reads {FORMAT_VERSION}; train it again with the command in its README.")
    model = Seq2Seq(params, Vocab(info["src_chars"], info["src_max_len"]),
                    Vocab(info["tgt_chars"], info["tgt_max_len"]))
    return model, info


def main(argv=None):
    """The command line: every DEFAULTS setting as --name-with-dashes, and --out PATH."""
    parser = argparse.ArgumentParser(prog="python -m rnn_helpers.seq2seq.pretrain", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(DEFAULT_PATH), help="where to write the .npz (default: the shipped file)")
    for name, value in DEFAULTS.items():
        flag = "--" + name.replace("_", "-")
        if isinstance(value, bool):
            parser.add_argument(flag, type=lambda text: {"true": True, "false": False}[text.lower()],
                                default=value, metavar="true|false")
        else:
            parser.add_argument(flag, type=type(value), default=value)
    args = parser.parse_args(argv)
    settings = {name: getattr(args, name) for name in DEFAULTS}
    for name in ("n_train", "n_held_out", "epochs", "batch_size", "hidden_dim", "seed"):
        check_int(name, settings[name], minimum=0 if name == "seed" else 1)
    argv = sys.argv[1:] if argv is None else list(argv)
    model, info = train_dates_model(**settings)
    info["command"] = "python -m rnn_helpers.seq2seq.pretrain " + shlex.join(argv)
    save_model(model, info, args.out)
    size = pathlib.Path(args.out).stat().st_size
    print(f"trained in {info['train_seconds']} s; loss per epoch "
          + ", ".join(f"{x:.4f}" for x in info["epoch_loss"])
          + f"; held-out exact match {info['held_out_exact_match']:.3f} ({settings['n_held_out']} pairs, "
          f"dates never seen in training); wrote {args.out} ({size / 1024:.0f} KB)")
    return model, info


if __name__ == "__main__":
    main()
