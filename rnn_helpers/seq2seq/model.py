"""The encoder-decoder with attention: weights, the teacher-forced loss and its exact gradient.

Letters used in shapes: N records, S source positions, T target positions (decoder steps), K_src and
K_tgt the vocabularies' sizes (rnn_helpers.seq2seq.vocab), H the encoder's hidden size, E its state
size (H, or 2H bidirectional), Hd the decoder's hidden size, A the attention size.

The encoder is rnn_helpers.deep's recurrent layer (any registered cell, optionally bidirectional,
with padded sources): it reads the one-hot source x_1 .. x_S and gives its states h_1 .. h_S (N, S,
E), zero at padded positions, and its last state (N, E). The decoder is any registered cell (the
vanilla RNN runs with tanh, in the encoder and the decoder alike: see activation()):

    s_0 = tanh(W_s last + b_s)   (N, Hd)    the decoder starts from the encoder's summary (other
                                            states of the cell, such as the LSTM's c, start at 0)
    for t = 1 .. T:
        ctx_t = attention(q = s_{t-1}, the encoder's states h_1 .. h_S)   (N, E)   (attention.py)
        x_t = [onehot(y_{t-1}), ctx_t]                 (N, K_tgt + E)   y_0 = START
        s_t = cell step(x_t, s_{t-1})                  (N, Hd)
        o_t = [s_t, ctx_t] V^T + c                     (N, K_tgt)       the logits
    loss = the mean over the valid target positions of -log softmax(o_t)[y_t]

With attention="none" (the plain encoder-decoder of Sutskever et al. 2014 and Cho et al. 2014) there
is no context: x_t = onehot(y_{t-1}) and o_t = s_t V^T + c, so everything the decoder knows of the
source passes through s_0: the bottleneck notebook 12 measures.

The decoder is fed its previous token as a one-hot row, not through an embedding table: onehot(y)
times the cell's input weights is a column of those weights, which already is a learned embedding
of y; a separate table would add a matrix and a product and change nothing the course needs to show
with vocabularies of about 40 characters.

Teacher forcing: in training the decoder is fed the true previous character y_{t-1}, not its own
guess (decode.py feeds its guesses). The params are one flat dict of float64 arrays, so the gradient
check, clipping and Adam take them unchanged:

    "enc_" + the encoder's keys from deep.init_params (e.g. enc_W_x_l0, enc_W_x_l0_reverse)
    "W_s" (Hd, E), "b_s" (Hd,)                  the bridge from the encoder's last state to s_0
    "dec_" + the decoder cell's keys (e.g. dec_W_x (3Hd, K_tgt + E), dec_W_h, dec_b_x, dec_b_h)
    additive attention "W_q" (A, Hd), "W_k" (A, E), "v" (A,);  dot attention "W_k" (Hd, E)
    "V" (K_tgt, Hd + E) or (K_tgt, Hd) without attention, "c" (K_tgt,)

describe(params) reads the configuration back from the keys and shapes.
"""

import functools
from typing import NamedTuple

import numpy as np

from .._checks import check_int, check_weight_arrays
from ..cells import _key_sets, get_cell, names as cell_names
from . import attention as att
from .vocab import check_vocab, source_batch, target_batch

__all__ = ["ATTENTION", "Spec", "Batch", "Seq2Seq", "init_params", "init_model", "describe",
           "make_batch", "loss", "loss_and_grads", "loss_and_grads_loop"]

#: The attention options: "additive" (Bahdanau), "dot" (Luong), "none" (the plain encoder-decoder).
ATTENTION = ("additive", "dot", "none")


class Spec(NamedTuple):
    """A model's configuration, read from its params by describe()."""
    cell: str               # the encoder's cell
    bidirectional: bool
    num_layers: int
    decoder_cell: str
    attention: str          # one of ATTENTION
    K_src: int
    K_tgt: int
    E: int                  # the encoder's state size: H, or 2H bidirectional
    Hd: int                 # the decoder's hidden size


class Batch(NamedTuple):
    """A padded batch of pairs, as ids (see vocab.py).

    src (N, S) and src_len (N,): the sources; tgt_in (N, T), tgt_out (N, T) and tgt_len (N,): the
    decoder's inputs (START, then the target) and outputs (the target, then END).
    """
    src: np.ndarray
    src_len: np.ndarray
    tgt_in: np.ndarray
    tgt_out: np.ndarray
    tgt_len: np.ndarray


class Seq2Seq(dict):
    """A model: its params (this dict, name -> float64 array) and its two vocabularies.

    src_vocab, tgt_vocab: Vocab (vocab.make_vocab). The string-level functions (greedy_decode,
    exact_match, attention_map, train) read them; loss_and_grads and the gradient check take the
    dict alone.
    """

    def __init__(self, params, src_vocab, tgt_vocab):
        super().__init__(params)
        self.src_vocab = check_vocab(src_vocab, "src_vocab")
        self.tgt_vocab = check_vocab(tgt_vocab, "tgt_vocab")

    def __repr__(self):
        spec = describe(self)
        return (f"Seq2Seq({spec.cell}{' bidirectional' if spec.bidirectional else ''} encoder, "
                f"{spec.decoder_cell} decoder, attention={spec.attention!r}, E={spec.E}, Hd={spec.Hd}, "
                f"K_src={spec.K_src}, K_tgt={spec.K_tgt}; {sum(v.size for v in self.values()):,} weights)")

    def __reduce__(self):
        return (Seq2Seq, (dict(self), self.src_vocab, self.tgt_vocab))


def init_params(K_src, K_tgt, hidden_dim, *, cell="gru", decoder_cell=None, bidirectional=False,
                num_layers=1, attention="additive", decoder_dim=None, attention_dim=None, seed=0):
    """Seeded weights of an encoder-decoder (the keys are listed in the module's docstring).

    K_src, K_tgt: the vocabularies' sizes (Vocab.K). hidden_dim: the encoder's H. cell: the
    encoder's registered cell; decoder_cell: the decoder's (None: the same). bidirectional,
    num_layers: the encoder's (rnn_helpers.deep). attention: "additive", "dot" or "none".
    decoder_dim: Hd (None: H). attention_dim: A for additive attention (None: Hd).
    Weights outside the cells from uniform(-a, a), a = 1 / sqrt(their input size); biases 0.
    Returns a dict of float64 arrays. Raises TypeError/ValueError naming a bad argument.
    """
    from .. import deep
    K_src = check_int("K_src", K_src, minimum=4, maximum=100_000)
    K_tgt = check_int("K_tgt", K_tgt, minimum=4, maximum=100_000)
    H = check_int("hidden_dim", hidden_dim, minimum=1, maximum=10_000)
    Hd = H if decoder_dim is None else check_int("decoder_dim", decoder_dim, minimum=1, maximum=10_000)
    A = Hd if attention_dim is None else check_int("attention_dim", attention_dim, minimum=1,
                                                   maximum=10_000)
    decoder_cell = cell if decoder_cell is None else decoder_cell
    if not isinstance(decoder_cell, str) or decoder_cell not in cell_names():
        raise (ValueError if isinstance(decoder_cell, str) else TypeError)(
            f"decoder_cell must be the name of a registered cell ({', '.join(map(repr, cell_names()))}) "
            f"or None, got {decoder_cell!r}.")
    dec_model = get_cell(decoder_cell)
    if attention not in ATTENTION:
        raise ValueError(f"attention must be one of {', '.join(map(repr, ATTENTION))}, got {attention!r}.")
    seed = check_int("seed", seed, minimum=0)
    seeds = np.random.SeedSequence(seed).generate_state(3)          # one seed per part
    enc = deep.init_params(cell, H, K_src, num_layers=num_layers, bidirectional=bidirectional,
                           seed=int(seeds[0]))
    params = {f"enc_{k}": v for k, v in enc.items()}
    E = H * (2 if bidirectional else 1)
    D_dec = K_tgt + (E if attention != "none" else 0)
    params.update({f"dec_{k}": v for k, v in dec_model.cell.init_params(Hd, D_dec,
                                                                         seed=int(seeds[1])).items()})
    rng = np.random.default_rng(int(seeds[2]))

    def uniform(rows, cols):
        return rng.uniform(-1.0, 1.0, (rows, cols)) / np.sqrt(cols)

    params["W_s"], params["b_s"] = uniform(Hd, E), np.zeros(Hd)
    if attention == "additive":
        params["W_q"], params["W_k"], params["v"] = uniform(A, Hd), uniform(A, E), uniform(1, A)[0]
    elif attention == "dot":
        params["W_k"] = uniform(Hd, E)
    top = Hd + (E if attention != "none" else 0)
    params["V"], params["c"] = uniform(K_tgt, top), np.zeros(K_tgt)
    return params


def init_model(src_vocab, tgt_vocab, hidden_dim, **settings):
    """A Seq2Seq model: init_params(src_vocab.K, tgt_vocab.K, hidden_dim, **settings) with its vocabularies."""
    src_vocab = check_vocab(src_vocab, "src_vocab")
    tgt_vocab = check_vocab(tgt_vocab, "tgt_vocab")
    return Seq2Seq(init_params(src_vocab.K, tgt_vocab.K, hidden_dim, **settings), src_vocab, tgt_vocab)


def describe(params, name="params"):
    """The configuration (a Spec) of an encoder-decoder's params, read from its keys and shapes.

    Every entry is checked: a float64 numpy array, finite, within +-1e50, of the shape that the
    configuration read from the others implies. Raises TypeError if params is not a dict of such
    arrays, ValueError naming the key that does not fit.
    """
    from .. import deep
    build = "seq2seq.init_params or init_model"
    if not isinstance(params, dict) or not params:
        raise TypeError(f"{name} must be the dict of weights {build} returns, got "
                        f"{type(params).__name__}{' (empty)' if isinstance(params, dict) else ''}.")
    bad_keys = [k for k in params if not isinstance(k, str)]
    if bad_keys:
        raise ValueError(f"{name} has the key {bad_keys[0]!r}, which no encoder-decoder has; build "
                         f"it with {build}.")
    check_weight_arrays(params, name, build)
    keys = set(params)
    needed = {"W_s", "b_s", "V", "c"}
    if not needed <= keys:
        raise ValueError(f"{name} lacks {sorted(needed - keys)}: build it with {build}.")
    for k in ("W_s", "V") + (("W_k",) if "W_k" in keys else ()):
        if params[k].ndim != 2 or 0 in params[k].shape:
            raise ValueError(f"{name}[{k!r}] must be a non-empty 2-D array, got shape "
                             f"{params[k].shape}; build {name} with {build}.")
    enc = {k[4:]: v for k, v in params.items() if k.startswith("enc_")}
    dec = {k[4:]: v for k, v in params.items() if k.startswith("dec_")}
    if not enc or not dec:
        raise ValueError(f"{name} has no {'encoder (enc_' if not enc else 'decoder (dec_'}... keys); "
                         f"build it with {build}.")
    encoder = deep.describe(enc, name=f"{name}'s encoder (its 'enc_' keys)")
    decoder_cell = _cell_of(dec, name)
    attention = "additive" if "v" in keys else "dot" if "W_k" in keys else "none"
    Hd = params["W_s"].shape[0]
    A = params["W_k"].shape[0] if attention == "additive" and "W_k" in keys else None
    template = _shapes(encoder.cell, decoder_cell, encoder.bidirectional, encoder.num_layers, attention,
                       encoder.input_dim, params["V"].shape[0], encoder.hidden_dim, Hd, A)
    extra = sorted(keys - set(template))
    if extra:
        raise ValueError(f"{name} has keys no encoder-decoder with {attention!r} attention has: "
                         f"{extra}; build it with {build}.")
    missing = sorted(set(template) - keys)
    if missing:
        raise ValueError(f"{name} lacks {missing} (an encoder-decoder with {attention!r} attention "
                         f"has them); build it with {build}.")
    for k, shape in template.items():
        if params[k].shape != shape:
            raise ValueError(f"{name}[{k!r}] has shape {params[k].shape}, but the other weights imply "
                             f"{shape} (encoder H={encoder.hidden_dim}, decoder Hd={Hd}, K_src="
                             f"{encoder.input_dim}, K_tgt={params['V'].shape[0]}).")
    return Spec(encoder.cell, encoder.bidirectional, encoder.num_layers, decoder_cell, attention,
                encoder.input_dim, params["V"].shape[0], params["W_s"].shape[1], Hd)


@functools.lru_cache(maxsize=64)
def _shapes(cell, decoder_cell, bidirectional, num_layers, attention, K_src, K_tgt, H, Hd, A):
    """key -> shape of the params of this configuration (init_params' own, so they cannot differ)."""
    params = init_params(K_src, K_tgt, H, cell=cell, decoder_cell=decoder_cell,
                         bidirectional=bidirectional, num_layers=num_layers, attention=attention,
                         decoder_dim=Hd, attention_dim=A, seed=0)
    return {k: v.shape for k, v in params.items()}


def make_batch(model, pairs, name="pairs"):
    """The padded Batch of (source, target) pairs of str, with the model's vocabularies.

    Raises TypeError/ValueError naming the pair for an unknown character, an empty str or a text
    longer than the vocabulary's max_len.
    """
    _check_model(model)
    sources, targets = _split_pairs(pairs, name)
    src, src_len = source_batch(sources, model.src_vocab, f"the sources of {name}")
    tgt_in, tgt_out, tgt_len = target_batch(targets, model.tgt_vocab, f"the targets of {name}")
    return Batch(src, src_len, tgt_in, tgt_out, tgt_len)


def loss(params, batch, *, masked=True):
    """The teacher-forced loss: the mean over the valid target positions of -log p(y_t). A float.

    masked=False: attention over every source position of the batch, padded ones too (the mistake
    notebook 12's break-it exercise measures: a record's loss then depends on its batch).
    """
    spec = describe(params)
    return _forward(params, spec, _check_batch(batch, spec), masked=_flag("masked", masked))[0]


def loss_and_grads(params, batch, *, masked=True):
    """The teacher-forced loss and its exact gradient, all records at once.

    params: from init_params. batch: a Batch (make_batch). masked: as for loss. Returns (loss, grads): a float, and a
    dict with the keys and shapes of params. Padded source positions get no attention and no
    gradient; padded target positions are not in the loss.
    """
    spec = describe(params)
    batch = _check_batch(batch, spec)
    value, cache = _forward(params, spec, batch, keep=True, masked=_flag("masked", masked))
    return value, _backward(params, spec, batch, cache)


# --- the vectorised forward and backward passes ----------------------------------------------------

def onehot(ids, K):
    """(..., K) float64 rows: 1 at each id."""
    out = np.zeros(ids.shape + (K,))
    np.put_along_axis(out, ids[..., None], 1.0, axis=-1)
    return out


def split_params(params):
    """(encoder's params, decoder cell's params): the "enc_" and "dec_" keys without their prefix."""
    return ({k[4:]: v for k, v in params.items() if k.startswith("enc_")},
            {k[4:]: v for k, v in params.items() if k.startswith("dec_")})


def encode(params, spec, src, src_len, keep=False, masked=True):
    """The encoder and the bridge: (H_enc (N, S, E), s_0 state tuple, mask (N, S), K, cache)."""
    from .. import deep
    enc, _ = split_params(params)
    X = onehot(src, spec.K_src)
    H_enc, last, enc_cache = deep.layers_forward(enc, X, lengths=src_len,
                                                 activation=activation(spec.cell))
    h0 = np.tanh(last @ params["W_s"].T + params["b_s"])
    n_states = len(get_cell(spec.decoder_cell).states)
    state0 = (h0,) + tuple(np.zeros_like(h0) for _ in range(n_states - 1))
    mask = att.length_mask(src_len, src.shape[1]) if masked else np.ones(src.shape, dtype=bool)
    K = att.project_keys(H_enc, params) if spec.attention != "none" else None
    return H_enc, state0, mask, K, (enc_cache, last, h0) if keep else None


def decoder_step(params, spec, y_prev, state, H_enc, mask, K, out=None):
    """One decoder step from the previous tokens y_prev (N,) ints and the state tuple.

    out: None, or an (N, S, A) array for additive attention's u (see attention.attend).
    Returns (logits (N, K_tgt), state_t, weights (N, S) or None, step cache).
    """
    dec_model = get_cell(spec.decoder_cell)
    x = onehot(y_prev, spec.K_tgt)
    if spec.attention != "none":
        context, weights, att_cache = att.attend(state[0], K, H_enc, mask, params, out)
        x = np.concatenate([x, context], axis=1)
    else:
        context = weights = att_cache = None
    _, dec = split_params(params)
    state_t, cell_cache = dec_model.cell.step_forward(x, state, dec, **options(spec.decoder_cell))
    top = state_t[0] if context is None else np.concatenate([state_t[0], context], axis=1)
    logits = top @ params["V"].T + params["c"]
    return logits, tuple(state_t), weights, (att_cache, cell_cache, top)


def activation(cell):
    """The hidden activation of a cell that has a choice (the vanilla RNN): tanh, as in PyTorch's
    nn.RNN, whose outputs are centred on 0 like the gated cells'; None for the other cells."""
    return "tanh" if "tanh" in get_cell(cell).activations else None


def options(cell):
    """The keyword arguments of the cell's step_forward: {"activation": "tanh"} or {}."""
    return get_cell(cell).options(activation(cell))


def log_softmax(logits):
    """log softmax over the last axis, shifted by each row's maximum (exact for large logits)."""
    z = logits - logits.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def _forward(params, spec, batch, keep=False, masked=True):
    H_enc, state, mask, K, enc_cache = encode(params, spec, batch.src, batch.src_len, keep, masked)
    N, T = batch.tgt_in.shape
    valid = np.arange(T)[None, :] < batch.tgt_len[:, None]              # (N, T)
    count = valid.sum()
    total, steps = 0.0, []
    # additive attention's u_t (N, S, A) for every step, in one array: the backward pass reads them
    U = np.empty((T,) + K.shape) if keep and spec.attention == "additive" else None
    for t in range(T):
        logits, state, _, step_cache = decoder_step(params, spec, batch.tgt_in[:, t], state, H_enc,
                                                    mask, K, None if U is None else U[t])
        logp = log_softmax(logits)
        total -= logp[np.arange(N), batch.tgt_out[:, t]][valid[:, t]].sum()
        if keep:
            steps.append((logp, step_cache))
    cache = (H_enc, mask, K, enc_cache, steps, valid, count) if keep else None
    return total / count, cache


def _backward(params, spec, batch, cache):
    from .. import deep
    H_enc, mask, K, (enc_cache, last, h0), steps, valid, count = cache
    dec_model = get_cell(spec.decoder_cell)
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    N, T = batch.tgt_in.shape
    dK = None if K is None else np.zeros_like(K)
    scratch = None if spec.attention != "additive" else np.empty_like(K)
    weights = None if K is None else np.empty((N, T, K.shape[1]))  # alpha_t, for values_backward
    dcontexts = None if K is None else np.empty((N, T, spec.E))
    dstate = None
    rows = np.arange(N)
    for t in range(T - 1, -1, -1):
        logp, (att_cache, cell_cache, top) = steps[t]
        do = np.exp(logp)                                   # softmax(o_t)
        do[rows, batch.tgt_out[:, t]] -= 1.0                # p - onehot(y_t)
        do *= valid[:, t, None] / count                     # padded positions are not in the loss
        grads["V"] += do.T @ top
        grads["c"] += do.sum(axis=0)
        dtop = do @ params["V"]
        dh = dtop[:, :spec.Hd]
        if dstate is None:
            dstate = (dh,) + tuple(np.zeros_like(dh) for _ in dec_model.states[1:])
        else:
            dstate = (dstate[0] + dh,) + tuple(dstate[1:])
        dx, dstate, dparams = dec_model.cell.step_backward(dstate, cell_cache)
        for k, g in dparams.items():
            grads[f"dec_{k}"] += g
        if att_cache is not None:
            dcontext = dtop[:, spec.Hd:] + dx[:, spec.K_tgt:]  # the context feeds o_t and x_t
            dq = att.attend_backward(dcontext, att_cache, params, grads, dK, scratch)
            weights[:, t], dcontexts[:, t] = att_cache[4], dcontext
            dstate = (dstate[0] + dq,) + tuple(dstate[1:])  # the query was s_{t-1}
    dpre = dstate[0] * (1.0 - h0 * h0)                      # s_0 = tanh(W_s last + b_s)
    grads["W_s"] += dpre.T @ last
    grads["b_s"] += dpre.sum(axis=0)
    dlast = dpre @ params["W_s"]
    if dK is None:
        dH_enc = np.zeros_like(H_enc)
    else:
        dH_enc = att.values_backward(weights, dcontexts)       # h_j as the values
        dH_enc += att.project_keys_backward(dK, H_enc, params, grads)   # and as the keys
    _, enc_grads = deep.layers_backward(dH_enc, dlast, enc_cache)
    for k, g in enc_grads.items():
        grads[f"enc_{k}"] += g
    return grads


# --- the readable version: one record and one step at a time --------------------------------------

def loss_and_grads_loop(params, batch):
    """loss_and_grads one record and one step at a time: the maths above, line by line.

    Each record runs alone, unpadded: its source is cut to its length and its target steps stop at
    its length. The readable reference that loss_and_grads is tested against. Same arguments and
    return value.
    """
    from .. import deep
    spec = describe(params)
    batch = _check_batch(batch, spec)
    enc, dec = split_params(params)
    dec_model = get_cell(spec.decoder_cell)
    dec_options = options(spec.decoder_cell)
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    count = int(batch.tgt_len.sum())
    total = 0.0
    for n in range(batch.src.shape[0]):
        S, T = int(batch.src_len[n]), int(batch.tgt_len[n])
        X = onehot(batch.src[n:n + 1, :S], spec.K_src)                 # (1, S, K_src)
        H_seq, last, enc_cache = deep.layers_forward(enc, X, activation=activation(spec.cell))
        h_enc = H_seq[0]                                               # (S, E): h_1 .. h_S
        h0 = np.tanh(params["W_s"] @ last[0] + params["b_s"])          # s_0
        state = [(h0[None, :],) + tuple(np.zeros((1, spec.Hd)) for _ in dec_model.states[1:])]
        queries, contexts, caches, probs = [], [], [], []
        for t in range(T):                                             # forward, step t + 1
            x = onehot(batch.tgt_in[n, t:t + 1], spec.K_tgt)[0]        # onehot(y_{t-1})
            q = state[t][0][0]                                         # s_{t-1}
            if spec.attention != "none":
                context = att.attend_loop(q, h_enc, S, params)[0]
                x = np.concatenate([x, context])
            s_t, cell_cache = dec_model.cell.step_forward(x[None, :], state[t], dec, **dec_options)
            state.append(tuple(s_t))
            top = s_t[0][0] if spec.attention == "none" else np.concatenate([s_t[0][0], context])
            o = params["V"] @ top + params["c"]                        # the logits o_t
            p = np.exp(o - o.max())
            p /= p.sum()
            total -= np.log(p[batch.tgt_out[n, t]])
            queries.append(q)
            contexts.append(None if spec.attention == "none" else context)
            caches.append((cell_cache, top))
            probs.append(p)
        dh_enc = np.zeros_like(h_enc)
        dstate = tuple(np.zeros((1, spec.Hd)) for _ in dec_model.states)
        for t in range(T - 1, -1, -1):                                 # backward, step t + 1
            cell_cache, top = caches[t]
            do = probs[t].copy()
            do[batch.tgt_out[n, t]] -= 1.0                             # do_t = (p_t - onehot(y_t)) / count
            do /= count
            grads["V"] += np.outer(do, top)
            grads["c"] += do
            dtop = params["V"].T @ do
            dstate = (dstate[0] + dtop[None, :spec.Hd],) + tuple(dstate[1:])
            dx, dstate, dparams = dec_model.cell.step_backward(dstate, cell_cache)
            for k, g in dparams.items():
                grads[f"dec_{k}"] += g
            if spec.attention != "none":
                dcontext = dtop[spec.Hd:] + dx[0, spec.K_tgt:]
                dq, dh = att.attend_backward_loop(dcontext, queries[t], h_enc, S, params, grads)
                dh_enc += dh
                dstate = (dstate[0] + dq[None, :],) + tuple(dstate[1:])
        dpre = dstate[0][0] * (1.0 - h0 * h0)
        grads["W_s"] += np.outer(dpre, last[0])
        grads["b_s"] += dpre
        dlast = params["W_s"].T @ dpre
        _, enc_grads = deep.layers_backward(dh_enc[None], dlast[None], enc_cache)
        for k, g in enc_grads.items():
            grads[f"enc_{k}"] += g
    return total / count, grads


# --- checks ----------------------------------------------------------------------------------------

def _flag(name, value):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r} ({type(value).__name__}).")
    return bool(value)


def _cell_of(cell_params, name):
    keys = frozenset(cell_params)
    for cell in cell_names():
        model = get_cell(cell)
        if keys in _key_sets(model.keys, model.optional_keys):
            return cell
    raise ValueError(f"{name}'s decoder keys {sorted('dec_' + k for k in keys)} fit no registered "
                     "cell; build params with seq2seq.init_params.")


def _check_model(model, name="model"):
    if not isinstance(model, Seq2Seq):
        raise TypeError(f"{name} must be a Seq2Seq model from init_model (params with their "
                        f"vocabularies), got {type(model).__name__}.")
    spec = describe(model, name)
    for vocab, K, which in ((model.src_vocab, spec.K_src, "src_vocab"), (model.tgt_vocab, spec.K_tgt, "tgt_vocab")):
        check_vocab(vocab, f"{name}.{which}")
        if vocab.K != K:
            raise ValueError(f"{name}.{which} has K = {vocab.K} ids but the weights expect {K}: the "
                             "vocabulary is not the one the model was built with.")
    return model


def _split_pairs(pairs, name):
    if not isinstance(pairs, (list, tuple)) or not pairs:
        raise (ValueError if isinstance(pairs, (list, tuple)) else TypeError)(
            f"{name} must be a non-empty list of (source, target) pairs of str, got "
            f"{type(pairs).__name__}{' (empty)' if isinstance(pairs, (list, tuple)) else ''}.")
    for i, pair in enumerate(pairs):
        if not (isinstance(pair, (list, tuple)) and len(pair) == 2):
            raise TypeError(f"{name}[{i}] must be a (source, target) pair of str, got {pair!r}.")
    return [p[0] for p in pairs], [p[1] for p in pairs]


def _check_batch(batch, spec):
    if not isinstance(batch, Batch):
        raise TypeError(f"batch must be a Batch (seq2seq.make_batch(model, pairs)), got "
                        f"{type(batch).__name__}.")
    N = batch.src.shape[0]
    for field, K in (("src", spec.K_src), ("tgt_in", spec.K_tgt), ("tgt_out", spec.K_tgt)):
        ids = getattr(batch, field)
        if ids.ndim != 2 or ids.shape[0] != N or ids.min() < 0 or ids.max() >= K:
            raise ValueError(f"batch.{field} must be ids (N, ...) in [0, {K}) for these params.")
    for field, width in (("src_len", batch.src.shape[1]), ("tgt_len", batch.tgt_in.shape[1])):
        lengths = getattr(batch, field)
        if lengths.shape != (N,) or lengths.min() < 1 or lengths.max() > width:
            raise ValueError(f"batch.{field} must hold N lengths in 1 .. {width}.")
    if batch.tgt_out.shape != batch.tgt_in.shape:
        raise ValueError("batch.tgt_out must have tgt_in's shape.")
    return batch

