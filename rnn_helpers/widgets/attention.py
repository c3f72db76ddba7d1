"""Notebook 12's widget: type a date, see its translation and the attention heat map behind it.

    attention_widget(translate)      a text box (with example dates to choose from), a line with the
                                     translation, and the heat map: one row per output character, one
                                     column per input character, each cell the weight the decoder gave
                                     that input character when it wrote that output character.
    plot_attention(ax, ...)          the same heat map on any matplotlib Axes (the notebook's figures).

translate(text) -> (output characters, input characters, weights (T_out, T_in)) is the model's work,
e.g. `lambda text: seq2seq.attention_map(params, text)`: this module only shows what it returns, so it
runs the same for any model. What the box holds is stripped of spaces at both ends first (no training
date has them). Bad input (an unknown character, an empty box, a date longer than the model takes)
shows translate's message in the widget; nothing is raised into the kernel.

For screen readers: the text box is named by its label ("date"); the translation line is a polite
live region (a11y.js); the heat map's alt text says, for every output character, which input
character took the most weight. Without a kernel (GitHub, the course's site) the stored output is a
picture of the last input with its description, and the translations of the examples as text.
"""

import html
import textwrap
import types
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

from .._checks import as_float_array, check_flag, check_instance, check_text
from ..plots import COLORS
from .drawing import png_bytes
from .live import STYLE, LiveFigure, accessibility_script

__all__ = ["EXAMPLES", "STATIC_NOTE", "AttentionWidget", "attention_widget", "plot_attention",
           "describe_attention", "shown_char"]

#: Dates the widget offers in its list (any text can be typed).
EXAMPLES = ("Thursday, June 25, 2009", "25th of June, 2009", "6/25/09", "25.06.2009", "Jun 25, 2009",
            "tue 3 mar 1981", "SATURDAY 31 DECEMBER 2044")
STATIC_NOTE = ("Static picture of the date above: typing a date needs a running kernel "
               "(run the notebook, or serve it with Voila).")
#: The longest text the box takes (a model refuses longer ones itself, with its own limit)
MAX_TYPED = 200


def shown_char(ch):
    """A character as a tick label: a space as '␣' (visible), the end token as 'END'."""
    return {" ": "\u2423", "<end>": "END", "<start>": "START", "<pad>": "PAD"}.get(ch, ch)


def plot_attention(ax, weights, out_chars, in_chars, title=None, colorbar=True):
    """Draw attention weights as a heat map on ax: rows out_chars (top to bottom), columns in_chars.

    weights: (T_out, T_in) numbers in [0, 1], each row summing to 1. out_chars: T_out str (an
    output character each, or "<end>"); in_chars: T_in str. Returns the AxesImage.
    title: a str or None; colorbar: True to draw the colour scale beside it.
    Raises TypeError/ValueError naming the argument: not an Axes, weights not a finite 2-D array or
    not of shape (len(out_chars), len(in_chars)), characters not a list of str.
    """
    from matplotlib.axes import Axes
    check_instance("ax", ax, Axes, "draw on an Axes, e.g. fig, ax = plt.subplots()")
    weights = as_float_array("weights", weights, ndim=2, what="(T_out, T_in)")
    for name, chars in (("out_chars", out_chars), ("in_chars", in_chars)):
        if not isinstance(chars, (list, tuple)) or not chars or not all(isinstance(c, str) for c in chars):
            raise TypeError(f"{name} must be a non-empty list of characters (str), got {chars!r}.")
    check_text("title", title, allow_none=True)
    check_flag("colorbar", colorbar)
    if weights.shape != (len(out_chars), len(in_chars)):
        raise ValueError(f"weights must be (T_out, T_in) = ({len(out_chars)}, {len(in_chars)}) for "
                         f"these characters, got shape {weights.shape}.")
    image = ax.imshow(weights, cmap="Blues", vmin=0.0, vmax=1.0, aspect="auto", interpolation="nearest")
    ax.set_xticks(range(len(in_chars)), [shown_char(c) for c in in_chars], fontsize=10)
    ax.set_yticks(range(len(out_chars)), [shown_char(c) for c in out_chars], fontsize=10)
    ax.tick_params(length=0)
    ax.grid(False)
    ax.set_xlabel("input character (what the encoder read)")
    ax.set_ylabel("output character")
    if title:
        ax.set_title(title)
    if colorbar:
        ax.figure.colorbar(image, ax=ax, fraction=0.04, pad=0.02, label="attention weight")
    return image


def describe_attention(weights, out_chars, in_chars):
    """The heat map in words: for each output character, the input character (and its position,
    from 1) with the most weight, and that weight. Returns a str."""
    weights = np.asarray(weights, dtype=float)
    parts = []
    for i, out in enumerate(out_chars):
        j = int(np.argmax(weights[i]))
        parts.append(f"{shown_char(out)} from {shown_char(in_chars[j])!r} at {j + 1} ({weights[i, j]:.2f})")
    return "; ".join(parts)


@dataclass(frozen=True)
class _Typed:
    text: str

    def describe(self):
        return f"input {self.text!r}"


@dataclass
class AttentionState:
    """What the widget shows for one input: its translation and weights, or why there are none."""
    settings: _Typed
    out_chars: tuple = ()
    in_chars: tuple = ()
    weights: np.ndarray = None
    message: str = ""

    @property
    def translation(self):
        """The output characters up to the end token, as a str ('' when there is none)."""
        out = []
        for ch in self.out_chars:
            if ch == "<end>":
                break
            out.append(ch)
        return "".join(out)

    @property
    def text(self):
        if self.message:
            return f"no translation: {self.message}"
        return f"{self.settings.text} \u2192 {self.translation}"


class AttentionWidget(LiveFigure):
    """The widget of notebook 12; build it with attention_widget(translate).

    .box the text box, .text the translation line, .image the heat map, .state the AttentionState
    on display. Set the box from code with .set(date="...") or box.value = "...".
    """

    figsize = (9.5, 4.2)

    def __init__(self, translate, text, examples):
        self.translate, self.examples = translate, tuple(examples)
        self.box = widgets.Combobox(value=text, options=list(self.examples), ensure_option=False,
                                    description="date", placeholder="type a date, then press Enter",
                                    continuous_update=False, style=STYLE,
                                    layout=widgets.Layout(width="520px"))
        self.named = {"date": self.box}
        super().__init__([self.box], self.compute(self.settings()))
        self.add_class("rnn-attention")     # the whole widget, for the browser test and page styles

    # -- LiveFigure's parts -------------------------------------------------------------------
    def settings(self):
        return _Typed(str(self.box.value).strip())

    def checked(self, values):
        unknown = set(values) - set(self.named)
        if unknown:
            raise ValueError(f"unknown control(s) {sorted(unknown)}; the control is 'date'.")
        if "date" in values:
            check_text("date", values["date"])
        return values

    def compute(self, settings):
        text = settings.text
        if not text:
            return AttentionState(settings, message="the box is empty; type a date, e.g. "
                                                    f"{self.examples[0]!r}.")
        if len(text) > MAX_TYPED:
            return AttentionState(settings, message=f"{len(text)} characters is far longer than any "
                                                    "date; type one date.")
        try:
            out_chars, in_chars, weights = self.translate(text)
        except (ValueError, TypeError) as err:     # the model's own message: unknown character, ...
            return AttentionState(settings, message=str(err))
        except Exception as err:  # noqa: BLE001  a widget never raises into the kernel
            return AttentionState(settings, message=f"{type(err).__name__}: {err}")
        weights = np.asarray(weights, dtype=float)
        return AttentionState(settings, tuple(out_chars), tuple(in_chars), weights)

    def failed(self, settings, message):
        return AttentionState(settings, message=message)

    def build(self, fig, bottom):
        ax = fig.subplots()
        fig.subplots_adjust(left=0.09, right=0.97, bottom=bottom + 0.2 * (1 - bottom), top=0.88)
        return types.SimpleNamespace(ax=ax, colorbar=None)

    def draw_on(self, artists, state):
        ax = artists.ax
        if artists.colorbar is not None:
            artists.colorbar.remove()
            artists.colorbar = None
        ax.clear()
        if state.weights is None:
            ax.set_axis_off()
            # black: text in a picture needs 4.5:1 (WCAG 1.4.3), the vermillion of lines has 3.9:1.
            # parse_math off: a message may quote typed text, and "$" pairs in it are not mathtext;
            # wrapped here, as matplotlib's wrap=True measures the lines as mathtext all the same
            ax.text(0.5, 0.5, textwrap.fill(state.text, 90), ha="center", va="center", fontsize=12,
                    color=COLORS["black"], transform=ax.transAxes, parse_math=False)
            return
        ax.set_axis_on()
        image = plot_attention(ax, state.weights, state.out_chars, state.in_chars, colorbar=False)
        artists.colorbar = ax.figure.colorbar(image, ax=ax, fraction=0.03, pad=0.01)
        ax.set_title(f"{state.settings.text!r} \u2192 {state.translation!r}: where each output "
                     "character looked", fontsize=12, parse_math=False)

    def describe(self, state):
        """The picture in words (its alt text)."""
        if state.weights is None:
            return f"No heat map: {state.text}"
        where = describe_attention(state.weights, state.out_chars, state.in_chars)
        return (f"Heat map of attention weights for {state.settings.describe()}, translated as "
                f"{state.translation!r}: {len(state.out_chars)} output characters (rows) against "
                f"{len(state.in_chars)} input characters (columns), darker for more weight. Each "
                f"output character, where it looked most: {where}.")

    @staticmethod
    def _text_html(state):
        return f"<b>{html.escape(state.text, quote=False)}</b>"

    # -- without a kernel ---------------------------------------------------------------------
    def static_png(self):
        fig, _ = self._new_picture(self.state, STATIC_NOTE)
        return png_bytes(fig)

    def static_text(self):
        """The translations of the box's date and of the examples, as lines of text."""
        lines = [STATIC_NOTE, f"{self.state.text}"]
        for example in self.examples:
            if example != self.state.settings.text:
                lines.append(self.compute(_Typed(example)).text)
        return "\n".join(lines)

    def _ipython_display_(self):
        from IPython.display import display
        display(accessibility_script())
        display(self._repr_mimebundle_(), raw=True,
                metadata={"image/png": {"alt": self.describe(self.state) + " " + STATIC_NOTE}})

    def _repr_mimebundle_(self, **kwargs):
        data = super()._repr_mimebundle_(**kwargs)
        data["text/plain"] = self.static_text()
        return data


def attention_widget(translate, text=EXAMPLES[0], examples=EXAMPLES):
    """A text box for a date, its translation, and the attention heat map behind it (notebook 12).

    translate: a function text -> (out_chars, in_chars, weights) with out_chars the T_out output
    characters ("<end>" for the end token), in_chars the T_in input characters and weights
    (T_out, T_in); it raises ValueError for a text the model cannot take (shown in the widget).
    text: the date shown first; examples: the dates offered in the box's list (a non-empty tuple or
    list of str). Raises TypeError/ValueError naming a bad argument.
    """
    if not callable(translate):
        raise TypeError(f"translate must be a function text -> (out_chars, in_chars, weights), got "
                        f"{translate!r} ({type(translate).__name__}).")
    check_text("text", text)
    if isinstance(examples, str) or not isinstance(examples, (list, tuple)) or not examples or \
            not all(isinstance(e, str) and e.strip() for e in examples):
        raise TypeError(f"examples must be a non-empty list or tuple of dates as str, got {examples!r}.")
    return AttentionWidget(translate, text, examples)
