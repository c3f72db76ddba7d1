"""Argument checks shared by every public function.

Each check raises a ValueError or TypeError whose message names the argument, says what was wrong
and what to do, so that a learner who passes the wrong thing learns something from the error.

Beyond types and shapes, the checks refuse what numpy would silently get wrong: masked arrays
with masked entries (the mask would be ignored), model weights and data beyond MAX_MAGNITUDE
(their squares overflow), requests that would allocate more than MAX_ARRAY_BYTES (a mix-up of
sizes), and dates as text (calendar_days: pandas would guess the order of day and month).
"""

import numbers

import numpy as np

__all__ = ["ACTIVATIONS", "PARAM_NAMES", "NO_TARGETS", "MAX_MAGNITUDE", "MAX_ARRAY_BYTES",
           "as_float_array", "unmasked", "check_magnitude", "check_size", "check_weights_size",
           "check_int", "check_real", "check_flag", "check_text", "check_positive_float",
           "check_columns", "check_instance", "check_sequence", "check_activation", "check_params",
           "check_weights", "check_inputs", "check_windows", "check_truncate", "calendar_days"]


ACTIVATIONS = ("sigmoid", "tanh")
PARAM_NAMES = ("U", "W", "V", "b", "c")

#: The largest |entry| a model's weights, inputs and targets may have. Squares and products of a
#: few such numbers stay far below the largest float (1.8e308), so the readable and the fast
#: version of a computation both give finite numbers, or both refuse the same input here, instead
#: of one returning inf (with numpy's RuntimeWarnings) and the other failing somewhere inside.
#: Real data and weights are many orders of magnitude smaller (init_params allows scale <= 1e6).
MAX_MAGNITUDE = 1e50

#: The largest array a helper allocates (2 GiB): a larger request is a mix-up of sizes (a text's
#: length passed as a vocabulary size, a sample length with extra zeros), refused with the size it
#: would need instead of a MemoryError. Raise it here for a deliberately large experiment.
MAX_ARRAY_BYTES = 2 * 1024 ** 3


def as_float_array(name, value, ndim=None, what=None, finite=True):
    """Return `value` as a float64 array, checking its number of dimensions and that it is finite.

    `what` describes the expected shape in words, e.g. "(N, T, input_dim)". finite=False lets NaN
    and inf through (for plots, which draw them as gaps). Complex, boolean, text and object data
    are refused by their kind before any conversion, with a TypeError naming `name`.
    """
    if isinstance(value, (str, bytes, dict, set)) or value is None:
        raise TypeError(f"{name} must be a numpy array{_shape_words(what)}, got {type(value).__name__}.")
    value = unmasked(name, value)
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError) as err:
        raise TypeError(
            f"{name} must be an array of numbers{_shape_words(what)}; it could not be converted ({err})."
        ) from None
    # Check the kind before converting: numpy would drop an imaginary part (with only a warning)
    # and parse strings such as '0.5' as numbers, hiding the learner's mistake.
    kind = raw.dtype.kind
    if kind == "O":
        if any(isinstance(v, (str, bytes, complex, np.complexfloating, bool, np.bool_, type(None)))
               for v in raw.ravel()):
            kind = "U"
    if kind not in "iuf":
        what_kind = {"c": "complex numbers", "b": "booleans", "U": "text", "S": "text",
                     "M": "dates", "m": "time differences"}.get(kind, f"{raw.dtype} values")
        raise TypeError(f"{name} must hold real numbers{_shape_words(what)}, but it holds "
                        f"{what_kind}; convert it with np.asarray(..., dtype=float) from real data.")
    try:
        arr = np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError, OverflowError) as err:
        raise TypeError(
            f"{name} must be an array of numbers{_shape_words(what)}; it could not be converted ({err})."
        ) from None
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(
            f"{name} must have {ndim} dimensions{_shape_words(what)}, but has shape {arr.shape}. "
            f"{_reshape_hint(name, arr.ndim, ndim)}"
        )
    if finite and arr.size and not np.isfinite(arr).all():
        bad = "NaN" if np.isnan(arr).any() else "infinite"
        raise ValueError(f"{name} contains {bad} values; remove or fill them before passing {name}.")
    return arr


def unmasked(name, value):
    """value itself, or for a numpy masked array with no masked entry, its data.

    The package's computations ignore masks (numpy's functions on .data see every entry), so a
    masked array with masked entries is refused with a ValueError naming `name`: its masked values
    would silently count.
    """
    if not isinstance(value, np.ma.MaskedArray):
        return value
    mask = np.ma.getmaskarray(value)
    if mask.any():
        raise ValueError(f"{name} is a masked array with {int(mask.sum())} masked entr"
                         f"{'y' if mask.sum() == 1 else 'ies'}, but the computation would use the "
                         f"values under the mask; fill them ({name}.filled(value)) or drop those "
                         f"rows, then pass a plain array ({name}.data or np.asarray).")
    return np.ma.getdata(value)


def check_magnitude(name, arr, limit=MAX_MAGNITUDE, hint="squares of such numbers overflow to "
                    "inf; standardise the data first (weather.fit_standardizer) or rescale it"):
    """Refuse an array with an entry beyond +-limit; returns arr. hint: why, and what to do."""
    if arr.size:
        big = max(float(np.max(arr)), -float(np.min(arr)))     # |entry|, without a copy of arr
        if big > limit:
            raise ValueError(f"{name} holds {big:.3g}, beyond the +-{limit:.0e} this computation "
                             f"accepts: {hint}.")
    return arr


def check_size(name, n_values, what, itemsize=8):
    """Refuse a request that would allocate more than MAX_ARRAY_BYTES.

    name: the argument whose value makes the size (e.g. "n"); n_values: how many entries it would
    need (a Python int, exact even beyond 2**63); what: the array in words, for the message.
    Raises ValueError naming the argument and the size it would need.
    """
    n_bytes = int(n_values) * itemsize
    if n_bytes > MAX_ARRAY_BYTES:
        raise ValueError(f"{name} is too large: {what} would need {int(n_values):,} values "
                         f"({_bytes_words(n_bytes)}), more than the "
                         f"{_bytes_words(MAX_ARRAY_BYTES)} the helpers allocate; check that "
                         f"{name} is the size you meant.")


def check_weights_size(H, D, O, blocks=1):
    """Refuse weights too large to allocate (blocks * H (H + D) + O H values), naming the largest
    of the three sizes."""
    name = max((("hidden_dim", H), ("input_dim", D), ("output_dim", O)), key=lambda p: p[1])[0]
    check_size(name, blocks * H * (H + D) + O * H,
               f"the weights for hidden_dim={H}, input_dim={D}, output_dim={O}")


def _bytes_words(n):
    for unit, size in (("EiB", 1024 ** 6), ("PiB", 1024 ** 5), ("TiB", 1024 ** 4),
                       ("GiB", 1024 ** 3), ("MiB", 1024 ** 2)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n} bytes"


def calendar_days(name, dates):
    """The calendar day of each date, as a datetime64[D] array (N,).

    dates: a pandas DatetimeIndex or Series of dates, or a numpy datetime64 array, 1-D. A
    time-zone-aware index gives its local days (2012-03-26 00:00 in Berlin is 2012-03-26, not the
    23:00 UTC of the day before), so a daily record stays one entry per day across a daylight-
    saving change. Text is refused, not guessed at ('01/02/2013' is 1 February in some countries
    and 2 January in others).
    Raises TypeError if dates are not dates, ValueError if not 1-D or a date is missing (NaT).
    """
    import pandas as pd                     # only the date functions need pandas

    if isinstance(dates, (pd.Series, pd.Index)) and isinstance(dates.dtype, pd.DatetimeTZDtype):
        dates = pd.DatetimeIndex(dates).tz_localize(None)
    if isinstance(dates, (pd.Series, pd.Index)):
        dates = dates.to_numpy()
    dates = unmasked(name, dates)
    if isinstance(dates, (str, bytes, dict, set)) or dates is None:
        raise TypeError(f"{name} must hold dates (a DatetimeIndex or a datetime64 array), got "
                        f"{type(dates).__name__}.")
    try:
        arr = np.asarray(dates)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name} must hold dates (a DatetimeIndex or a datetime64 array); it could "
                        f"not be converted ({err}).") from None
    if arr.dtype.kind != "M":
        hint = ""
        if arr.dtype.kind in "USO" and arr.size and isinstance(arr.flat[0], str):
            hint = (f" (text such as {arr.flat[0]!r}: convert it with pd.to_datetime({name}, "
                    "format='%Y-%m-%d'), saying the format, so that no day and month are swapped)")
        raise TypeError(f"{name} must hold dates (a DatetimeIndex or a datetime64 array), got "
                        f"{arr.dtype}{hint}.")
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, one date per row, got shape {arr.shape}.")
    if np.isnat(arr).any():
        raise ValueError(f"{name} contains NaT (a missing date) at position "
                         f"{int(np.flatnonzero(np.isnat(arr))[0])}.")
    return arr.astype("datetime64[D]")


def _shape_words(what):
    return f" of shape {what}" if what else ""


def _reshape_hint(name, got, want):
    if got == want - 1:
        return f"If it holds a single feature, add one with {name}[..., None]."
    if got == want + 1:
        return "Remove the extra axis (for example with .squeeze(-1) if it has size 1)."
    return "Check how it was built."


def check_int(name, value, minimum=None, maximum=None, allow_none=False):
    """Return `value` as an int, checking its type and range."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number, got {value!r} ({type(value).__name__}).")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}.")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {value}.")
    return value


def check_real(name, value, allow_none=False):
    """Return `value` as a float, checking that it is a finite real number (not a bool)."""
    if value is None and allow_none:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {value!r} ({type(value).__name__}).")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value}.")
    return value


def check_flag(name, value):
    """Return `value` as a bool; only True and False (numpy's too) are accepted, so that a string
    such as 'no' (which Python counts as true) is an error instead of a silent True."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r} ({type(value).__name__}).")
    return bool(value)


def check_text(name, value, allow_none=False):
    """Return `value`, checking that it is a str (or None when allowed)."""
    if value is None and allow_none:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str{' or None' if allow_none else ''}, got {value!r} "
                        f"({type(value).__name__}).")
    return value


def check_positive_float(name, value, allow_zero=False, allow_none=False):
    """Return `value` as a float, checking it is a finite number > 0 (or >= 0)."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {value!r} ({type(value).__name__}).")
    value = float(value)
    if not np.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be a finite number {bound}, got {value}.")
    return value


def check_columns(name, value, n, what):
    """value, a position (int) or positions (list, tuple or array of ints) among n, as a list of ints.

    what: the thing the positions index, in words (e.g. "series has only 3 column(s)"), for the
    message. Raises TypeError for a non-integer position, ValueError for none or one out of range.
    """
    if isinstance(value, np.ndarray):
        positions = list(np.ravel(value))
    elif isinstance(value, (list, tuple)):
        positions = list(value)
    else:
        positions = [value]
    if not positions:
        raise ValueError(f"{name} must name at least one position, got {value!r}.")
    positions = [check_int(name, p, minimum=0) for p in positions]
    for p in positions:
        if p >= n:
            raise ValueError(f"{name} names position {p}, but {what}, positions 0 to {n - 1}.")
    return positions


def check_instance(name, value, cls, hint):
    """Return value if it is a cls; else a TypeError naming `name`, the type found and `hint`."""
    if not isinstance(value, cls):
        raise TypeError(f"{name} must be a {cls.__name__}, got {value!r} ({type(value).__name__}); "
                        f"{hint}.")
    return value


def check_sequence(name, value, n, hint):
    """Return value if it is a tuple or list of n items; else a TypeError naming `name`."""
    if not isinstance(value, (tuple, list)) or len(value) != n:
        raise TypeError(f"{name} must be a tuple of {n} items, got {type(value).__name__}"
                        f"{f' of {len(value)}' if isinstance(value, (tuple, list)) else ''}; "
                        f"{hint}.")
    return value


def check_activation(activation):
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"activation must be one of {', '.join(map(repr, ACTIVATIONS))}, got {activation!r}."
        )
    return activation


def check_weight_arrays(params, name, build):
    """Every entry of the dict params (called `name`) a finite float64 numpy array; build: how to
    make a good one, for the message. Raises TypeError or ValueError naming the key."""
    for k, v in params.items():
        if not isinstance(v, np.ndarray) or v.dtype != np.float64:
            raise TypeError(f"{name}[{k!r}] must be a float64 numpy array, got {type(v).__name__} "
                            f"{getattr(v, 'dtype', '')}.")
        unmasked(f"{name}[{k!r}]", v)
        if not np.isfinite(v).all():
            raise ValueError(f"{name}[{k!r}] contains NaN or infinite values: training probably "
                             f"diverged; start again from {build} with a smaller learning rate.")
        check_weights(f"{name}[{k!r}]", v)


def check_params(params, name="params"):
    """Check a parameter dict; return (hidden_dim, input_dim, output_dim, has_biases).

    name: what the caller's user calls the dict (e.g. "state_params"), for messages.
    """
    if not isinstance(params, dict):
        raise TypeError(f"{name} must be a dict like init_params returns, got {type(params).__name__}.")
    missing = [k for k in ("U", "W", "V") if k not in params]
    if missing:
        raise ValueError(f"{name} is missing {missing}; build it with init_params(hidden_dim, ...).")
    extra = [k for k in params if k not in PARAM_NAMES]
    if extra:
        raise ValueError(f"{name} has unknown keys {extra}; the keys are {list(PARAM_NAMES)}.")
    if ("b" in params) != ("c" in params):
        raise ValueError(f"{name} must have both biases 'b' and 'c', or neither.")
    check_weight_arrays(params, name, "init_params")
    U, W, V = params["U"], params["W"], params["V"]
    if U.ndim != 2 or W.ndim != 2 or V.ndim != 2:
        raise ValueError(f"{name} 'U', 'W', 'V' must be 2-D: U (hidden_dim, input_dim), "
                         f"W (hidden_dim, hidden_dim), V (output_dim, hidden_dim); got {U.shape}, "
                         f"{W.shape}, {V.shape}.")
    H, D = U.shape
    O = V.shape[0]
    if 0 in U.shape or O == 0:
        raise ValueError(f"{name} has an empty weight matrix (U {U.shape}, V {V.shape}); build it "
                         "with init_params(hidden_dim, ...).")
    expected = {"W": (H, H), "V": (O, H), "b": (H,), "c": (O,)}
    for k, shape in expected.items():
        if k in params and params[k].shape != shape:
            raise ValueError(f"{name}[{k!r}] has shape {params[k].shape}, but U {U.shape} implies "
                             f"{shape} (hidden_dim={H}, output_dim={O}).")
    return H, D, O, "b" in params


def check_weights(name, v):
    """Refuse weights beyond +-MAX_MAGNITUDE (name: e.g. "params['W']"), for every cell alike."""
    return check_magnitude(name, v, hint="products of such weights overflow the gradients; start "
                           "again from init_params (with a smaller learning rate)")


#: check_inputs' default for Y: "no targets", as forward and predict need. Y=None passed on purpose
#: is a mistake to report (the learner forgot the targets), not a silent "no targets".
NO_TARGETS = object()


def check_inputs(params, X, Y=NO_TARGETS, *, x_name="X", y_name="Y"):
    """Check params with X (N, T, input_dim) and, if given, Y (N, output_dim); return X, or (X, Y),
    as float64 arrays.

    Leave Y out when there are no targets; Y=None is refused with a TypeError naming Y, because a
    caller that unpacks X, Y = check_inputs(...) would otherwise split X in two. (Y=None together
    with y_name=None still means "no targets", for callers that pass both on.)
    x_name, y_name: the names the caller's user knows the arrays by (e.g. "X_val"), for messages.
    """
    if Y is NO_TARGETS or (Y is None and y_name is None):
        Y = None
    elif Y is None:
        raise TypeError(f"{y_name} must be an array of targets of shape (N, output_dim), got None.")
    H, D, O, _ = check_params(params)
    return check_windows(X, Y, D, O, f"params['U'] has shape {params['U'].shape}",
                         f"params['V'] has shape {params['V'].shape}", x_name, y_name, state_size=H)


def check_windows(X, Y, D, O, d_source, o_source, x_name="X", y_name="Y", state_size=None):
    """X (N, T, D) and optionally Y (N, O) as float arrays, for a model with input size D and
    output size O (d_source, o_source say where those come from, for messages).

    state_size: the values the model keeps per record and step (H, or the gates' 4 H), to refuse
    windows whose states would not fit in memory (see check_size), naming x_name.
    """
    X = check_magnitude(x_name, as_float_array(x_name, X, ndim=3, what="(N, T, input_dim)"))
    if X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(f"{x_name} has shape {X.shape}: it needs at least one record and one time step.")
    if X.shape[2] != D:
        raise ValueError(f"{x_name} has {X.shape[2]} input features (shape {X.shape}), but "
                         f"{d_source}, so it expects input_dim={D}.")
    if state_size is not None:
        N, T = X.shape[:2]
        check_size(x_name, N * (T + 1) * state_size,
                   f"the states of {N} windows of {T} steps, {state_size} values each")
    if Y is None:
        return X
    Y = check_magnitude(y_name, as_float_array(y_name, Y, ndim=2, what="(N, output_dim)"))
    if Y.shape[0] != X.shape[0]:
        raise ValueError(f"{x_name} has {X.shape[0]} records but {y_name} has {Y.shape[0]}: they "
                         "must match, one target row per input window.")
    if Y.shape[1] != O:
        raise ValueError(f"{y_name} has {Y.shape[1]} outputs (shape {Y.shape}), but {o_source}, "
                         f"so it predicts output_dim={O}.")
    return X, Y


def check_truncate(truncate):
    """None means full BPTT; otherwise an int >= 1."""
    return check_int("truncate", truncate, minimum=1, allow_none=True)
