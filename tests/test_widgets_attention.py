"""Notebook 12's widget (rnn_helpers.widgets.attention), on a stand-in translator: what it
shows for a date, for bad input (a message, never an exception), its alt text and its static form."""

import base64
import datetime
import html

import numpy as np
import pytest
from matplotlib.figure import Figure

from rnn_helpers import widgets as w
from rnn_helpers.seq2seq import dates
from rnn_helpers.widgets import attention as aw


def stand_in(text):
    """A translator with the model's interface: reads the date with the dates module's own formats
    (no learning), and 'attends' from each output character to the input characters equal to it."""
    allowed = set(dates.SOURCE_CHARS)
    for position, ch in enumerate(text):
        if ch not in allowed:
            raise ValueError(f"text holds {ch!r} at position {position}, a character this vocabulary lacks.")
    if len(text) > dates.MAX_SOURCE_LEN:
        raise ValueError(f"text has {len(text)} characters, more than the {dates.MAX_SOURCE_LEN} this "
                         "vocabulary accepts.")
    day = datetime.date(2009, 6, 25) if "25" in text else datetime.date(1981, 3, 3)
    out = list(day.isoformat()) + ["<end>"]
    weights = np.full((len(out), len(text)), 1e-3)
    for i, ch in enumerate(out):
        weights[i, [j for j, c in enumerate(text) if c == ch] or [len(text) - 1]] = 1.0
    return out, list(text), weights / weights.sum(axis=1, keepdims=True)


@pytest.fixture
def widget():
    return w.attention_widget(stand_in, "Thursday, June 25, 2009")


def test_shows_the_translation_and_the_weights_of_the_box(widget):
    assert widget.state.translation == "2009-06-25"
    assert html.escape("Thursday, June 25, 2009 \u2192 2009-06-25") in widget.text.value
    out, ins, weights = stand_in("Thursday, June 25, 2009")
    assert np.array_equal(widget.state.weights, weights) and widget.state.in_chars == tuple(ins)
    assert widget.box.description == "date"          # the box's accessible name (its <label for>)
    assert "rnn-attention" in widget._dom_classes      # how a page (and the browser test) finds it
    png = widget.png
    widget.set(date="tue 3 mar 1981")
    assert widget.state.translation == "1981-03-03" and widget.png != png
    widget.box.value = "  25.06.2009 "               # typed by hand, spaces at the ends
    assert widget.state.settings.text == "25.06.2009" and widget.state.translation == "2009-06-25"


def test_the_alt_text_says_where_each_output_character_looked(widget):
    assert widget.alt == widget.describe(widget.state)
    assert "Heat map of attention weights for input 'Thursday, June 25, 2009'" in widget.alt
    assert "2 from '2' at 16 (0.49)" in widget.alt   # the first output character: the 2s of 25 and 2009
    assert "END from '9'" in widget.alt
    assert f'alt="{html.escape(widget.alt)}"' in widget.image.value


@pytest.mark.parametrize("typed, words", [
    ("", "the box is empty"),
    ("   ", "the box is empty"),
    ("25 June 2009 #1", "holds '#' at position 13"),
    ("Thursday, the twenty-fifth of June, 2009", "more than the 29"),
    ("9" * 500, "far longer than any date"),
    ("<script>alert(1)</script>", "holds '&lt;' at position 0"),
])
def test_bad_input_is_a_message_in_the_widget_never_an_exception(widget, typed, words):
    widget.box.value = typed
    assert widget.state.weights is None
    assert words in widget.text.value and "no translation" in widget.text.value
    assert "<script>" not in widget.text.value and "<script>" not in widget.image.value
    assert widget.alt.startswith("No heat map: no translation")
    widget.box.value = "6/25/09"                     # and it recovers
    assert widget.state.translation == "2009-06-25"


def test_an_unexpected_error_of_the_model_is_shown_not_raised():
    def broken(text):
        raise RuntimeError("the weights are gone")
    widget = w.attention_widget(broken, "6/25/09")
    assert "RuntimeError: the weights are gone" in widget.text.value and widget.state.weights is None


def test_static_form_for_a_view_without_a_kernel(widget):
    bundle = widget._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert base64.b64decode(bundle["image/png"]).startswith(b"\x89PNG")
    text = bundle["text/plain"]
    assert text.startswith(aw.STATIC_NOTE)
    for example in aw.EXAMPLES:
        assert f"{example} \u2192 " in text
    assert "6/25/09 \u2192 2009-06-25" in text


def test_brings_the_accessibility_script_and_an_alt_for_its_static_picture(widget):
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output
    InteractiveShell.instance()
    with capture_output() as shown:
        widget._ipython_display_()
    script, shown_widget = shown.outputs
    assert script.data["application/javascript"] == w.A11Y_JS
    assert shown_widget.metadata["image/png"]["alt"] == widget.alt + " " + aw.STATIC_NOTE


def test_plot_attention_draws_rows_against_columns_and_refuses_a_wrong_shape():
    out, ins, weights = stand_in("6/25/09")
    ax = Figure().subplots()
    image = aw.plot_attention(ax, weights, out, ins, title="t")
    assert np.array_equal(image.get_array(), weights)
    assert [t.get_text() for t in ax.get_xticklabels()] == list("6/25/09")
    assert [t.get_text() for t in ax.get_yticklabels()][-1] == "END"
    assert aw.shown_char(" ") == "\u2423"
    with pytest.raises(ValueError, match=r"weights must be \(T_out, T_in\) = \(11, 7\)"):
        aw.plot_attention(ax, weights.T, out, ins)


@pytest.mark.parametrize("kwargs, words", [
    (dict(translate=None), "translate must be a function"),
    (dict(translate=stand_in, text=3), "text must be a str"),
    (dict(translate=stand_in, examples="6/25/09"), "examples must be a non-empty list"),
    (dict(translate=stand_in, examples=[]), "examples must be a non-empty list"),
    (dict(translate=stand_in, examples=["6/25/09", ""]), "examples must be a non-empty list"),
])
def test_bad_arguments_are_named(kwargs, words):
    with pytest.raises((TypeError, ValueError), match=words):
        w.attention_widget(**kwargs)


def test_set_names_its_control(widget):
    with pytest.raises(ValueError, match="the control is 'date'"):
        widget.set(day="6/25/09")
    with pytest.raises(TypeError, match="date must be a str"):
        widget.set(date=20090625)


def test_a_message_in_the_picture_is_dark_enough_to_read(widget):
    from matplotlib.colors import to_hex
    from test_plots import contrast
    widget.box.value = "25 June 2009 #1"
    (message,) = widget.artists.ax.texts
    assert " ".join(message.get_text().split("\n")) == widget.state.text
    # WCAG 1.4.3: 4.5:1 for text, in a picture too
    assert contrast(to_hex(message.get_color())) >= 4.5, message.get_color()


@pytest.mark.parametrize("typed", ["$\\frac{$", "$\\sqrt$ and $^^$"])
def test_dollar_signs_in_a_message_are_not_read_as_mathtext(typed):
    def echoing(text):       # a model whose message quotes what was typed
        raise ValueError(f"cannot read {text}")
    widget = w.attention_widget(echoing, "6/25/09")
    widget.box.value = typed
    assert widget.state.message == f"cannot read {typed}" and widget.png.startswith(b"\x89PNG")
    assert html.escape(typed, quote=False) in widget.text.value
