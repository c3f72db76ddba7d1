"""Cut a notebook into slides that fit a 1280 x 720 screen, from the notebook's own structure.

docs/build.py calls `layout(cells)` on the cells a deck shows (after the edition's filtering). It
returns new cells with `slideshow.slide_type` set; nothing in the notebooks is changed. The rule:

1. Markdown cells are first cut before each heading inside them. `#` and `##` headings start a
   slide (a new column of the deck), `###` headings a subslide (one step down in that column);
   so do the cells tagged `course-new-slide` (answers, added by the build).
2. Within a section, cells are packed onto subslides in order while their estimated height fits
   `BUDGET_PX` (the slide is 720 px high; the estimate is deliberately generous). A figure stays with
   the text just before it when both fit; otherwise it gets its own subslide.
3. A cell too tall for any slide is cut: markdown between paragraphs (never inside a formula, a list
   item or a fenced block), code between lines (at a blank line when there is one), a long printed
   output between lines, and a code cell's outputs go onto the next subslide when code and outputs do
   not fit together.
4. Speaker notes (`notes`) and skipped cells keep their type.

The estimate is checked in chromium: docs/measure.py measures every slide of every deck (the tests
run it; the build runs it when chromium is available) and fails naming the deck and slide that
overflows, so a wrong estimate cannot pass unseen. The sizes below follow the slide style in
docs/templates/course_slides/index.html.j2; change both together.
"""

import copy
import math
import re

import nbformat

SLIDE_W, SLIDE_H = 1280, 720
BUDGET_PX = 640                # of the 720: room for the slide's padding and the estimate's error
TEXT_W = 1180                  # width of the slide's text column, px
BODY_PX, BODY_LINE = 24, 1.4   # markdown text
CODE_PX, CODE_LINE = 21, 1.3   # code and printed output (wrapped, never scrolled)
BODY_CHARS = int((TEXT_W - 60) / (BODY_PX * 0.56))      # characters per line of body text
CODE_CHARS = int((TEXT_W - 30) / (CODE_PX * 0.6))  # monospace: 0.6 em per character
HEADING_PX = {1: 76, 2: 66, 3: 52, 4: 44}
FIGURE_MAX_H = 500             # CSS max-height of a figure on a slide
BLOCK_GAP = 14                 # margin between paragraphs, cells


# ---------------------------------------------------------------- estimates, px

def _text(cell):
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def _wrapped_lines(line, width):
    return max(1, math.ceil(len(line) / width))


def markdown_blocks(text):
    """Paragraph-level blocks: split at blank lines, but never inside $$...$$, ``` fences or HTML."""
    blocks, current, in_math, in_fence, in_html = [], [], False, False, 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.startswith("```"):
            in_fence = not in_fence
        if not in_fence:
            in_math ^= stripped.count("$$") % 2 == 1
            in_html += len(re.findall(r"<details\b", line)) - len(re.findall(r"</details>", line))
        if not stripped and not (in_math or in_fence or in_html > 0) and current:
            blocks.append("\n".join(current))
            current = []
        elif stripped or current:
            current.append(line)
    if current:
        blocks.append("\n".join(current))
    return blocks


def block_height(block):
    """Estimated height of one markdown block on a slide, px."""
    lines = block.split("\n")
    first = lines[0].lstrip()
    heading = re.match(r"(#{1,6}) ", first)
    if heading:
        return HEADING_PX.get(len(heading.group(1)), 40) * math.ceil(len(first) / 50) + BLOCK_GAP
    if first.startswith("|"):                                  # a table: one row a line
        rows = [l for l in lines if l.strip().startswith("|") and not re.match(r"^\s*\|[\s:|-]+\|\s*$", l)]
        return len(rows) * (21 * 1.9) + BLOCK_GAP + 10
    if first.startswith("```"):
        return len(lines) * CODE_PX * CODE_LINE + 30
    height, in_math, math_lines = 0.0, False, 0
    for line in lines:
        s = line.strip()
        if s.startswith("$$") or in_math:
            # displayed maths: about 2 body lines per formula line (fractions, sums)
            math_lines += max(1, s.count("\\\\"))
            if s.count("$$") % 2 == 1:
                in_math = not in_math
            if not in_math:
                height += math_lines * BODY_PX * 2.3 + 10
                math_lines = 0
            continue
        chars = len(re.sub(r"\$[^$]*\$", "xxxxxx", s))                 # inline maths: short
        chars = len(re.sub(r"\]\([^)]*\)", "]", s)) if "](" in s else chars  # link targets hidden
        height += _wrapped_lines(" " * chars, BODY_CHARS) * BODY_PX * BODY_LINE
        if re.match(r"^([-*+]|\d+\.) ", s):
            height += 4                                                  # list item spacing
        if "\\frac" in s or "\\sum" in s or "\\prod" in s:
            height += BODY_PX * 0.6                                      # tall inline maths
    return height + BLOCK_GAP


def markdown_height(text):
    return sum(block_height(b) for b in markdown_blocks(text))


def code_lines_height(lines):
    return sum(_wrapped_lines(line, CODE_CHARS) for line in lines) * CODE_PX * CODE_LINE + 26


def output_height(output):
    data = output.get("data", {})
    for mime in ("image/png", "image/jpeg"):
        if mime in data:
            width, height = image_size(output, mime)
            return min(FIGURE_MAX_H, TEXT_W * height / width) + BLOCK_GAP
    if "text/html" in data:
        html = data["text/html"]
        html = html if isinstance(html, str) else "".join(html)
        blocks = html_blocks(html)
        if blocks:
            return sum(html_block_height(block) for block in blocks) + BLOCK_GAP
        return (html.count("<tr") + 1) * 21 * 1.9 + BLOCK_GAP
    if "text/markdown" in data:
        md = data["text/markdown"]
        return markdown_height(md if isinstance(md, str) else "".join(md))
    text = output.get("text", data.get("text/plain", ""))
    text = text if isinstance(text, str) else "".join(text)
    if output.get("output_type") == "error":
        return 200
    # printed text wraps at word breaks and its long lines run over the estimate: 15 % to spare
    return 1.15 * code_lines_height(text.rstrip("\n").split("\n")) if text.strip() else 0


_HTML_BLOCK = re.compile(r"<(p|pre)\b.*?</\1>", re.S)


def html_blocks(html):
    """An HTML output made only of <p> and <pre> blocks (a widget's text for views without a
    kernel), as its list of blocks; [] for any other HTML (tables: estimated by their rows)."""
    blocks = [m.group(0) for m in _HTML_BLOCK.finditer(html)]
    return blocks if blocks and not _HTML_BLOCK.sub("", html).strip() else []


def html_block_height(block):
    text = re.sub(r"<[^>]+>", "", block)
    if block.startswith("<pre"):
        return code_lines_height(text.strip("\n").split("\n"))
    return markdown_height(text)


def image_size(output, mime="image/png"):
    """Pixel size (width, height) of a stored PNG/JPEG output; (4, 3) shape if it cannot be read."""
    import base64
    import struct

    data = output.get("data", {}).get(mime, "")
    data = data if isinstance(data, str) else "".join(data)
    try:
        raw = base64.b64decode(data[:200] + "=" * (-len(data[:200]) % 4))
        if raw[:8] == b"\x89PNG\r\n\x1a\n":
            width, height = struct.unpack(">II", raw[16:24])
            return width, height
    except (ValueError, struct.error):
        pass
    return 4, 3


def cell_height(cell):
    if cell["cell_type"] == "markdown":
        return markdown_height(_text(cell))
    height = code_lines_height(_text(cell).split("\n")) if _text(cell).strip() and not \
        _is_output_only(cell) else 0
    return height + sum(output_height(o) for o in cell.get("outputs", []))


# ---------------------------------------------------------------- cutting cells

def _tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def _is_output_only(cell):
    return "course-output-only" in _tags(cell)


def _has_figure(cell):
    return any(m.startswith("image/") for o in cell.get("outputs", []) for m in o.get("data", {}))


def _clone(cell, **changes):
    new = copy.deepcopy(cell)
    new.update(changes)
    new["id"] = None
    return new


def _list_items(block):
    """A long list block cut before each item: [(text, separator before it)]."""
    items, current = [], []
    for line in block.split("\n"):
        if re.match(r"^\s*([-*+]|\d+\.) ", line) and current:
            items.append("\n".join(current))
            current = []
        current.append(line)
    items.append("\n".join(current))
    return [(item, "\n\n" if i == 0 else "\n") for i, item in enumerate(items)]


def _split_markdown(cell):
    """A markdown cell too tall for one slide, as several cells each within the budget."""
    pieces, current, height = [], [], 0.0
    blocks = [item for block in markdown_blocks(_text(cell))
              for item in (_list_items(block) if block_height(block) > BUDGET_PX else [(block, "\n\n")])]
    for block, separator in blocks:
        h = block_height(block)
        if current and height + h > BUDGET_PX:
            pieces.append(current)
            current, height = [], 0.0
        current.append((block, separator))
        height += h
    if current:
        pieces.append(current)
    return [_clone(cell, source=current[0][0] + "".join(sep + text for text, sep in current[1:]))
            for current in pieces]


def _line_chunks(lines, budget):
    """Lines cut into runs whose height fits `budget`, preferring to cut at a blank line."""
    chunks, start = [], 0
    while start < len(lines):
        end = start
        while end < len(lines) and code_lines_height(lines[start:end + 1]) <= budget:
            end += 1
        end = max(end, start + 1)
        if end < len(lines):
            blanks = [i for i in range(start + 1, end) if not lines[i].strip()]
            if blanks and blanks[-1] - start >= (end - start) // 2:
                end = blanks[-1]
        chunks.append(lines[start:end])
        start = end
        while start < len(lines) and not lines[start].strip():
            start += 1
    return chunks


def _joined(value):
    return value if isinstance(value, str) else "".join(value)


def _block_chunks(blocks, budget):
    """HTML blocks in runs whose estimated height fits `budget` (a block taller than that alone)."""
    chunks, current, height = [], [], 0.0
    for block in blocks:
        h = html_block_height(block)
        if current and height + h > budget:
            chunks.append(current)
            current, height = [], 0.0
        current.append(block)
        height += h
    return chunks + [current] if current else chunks


def _output_only(cell, outputs):
    new = _clone(cell, source="", outputs=outputs)
    new["metadata"] = copy.deepcopy(cell.get("metadata", {}))
    new["metadata"]["tags"] = list(_tags(cell)) + ["course-output-only"]
    return new


def _split_outputs(cell, outputs):
    """Output-only cells, each within the budget; a long printed text cut between lines."""
    pieces, current, height = [], [], 0.0
    for output in outputs:
        h = output_height(output)
        text = output.get("text")
        if h > BUDGET_PX and output.get("output_type") == "stream":
            text = text if isinstance(text, str) else "".join(text)
            if current:
                pieces.append(current)
                current, height = [], 0.0
            # a long printed text wraps more than the estimate says: cut it with room to spare
            for chunk in _line_chunks(text.rstrip("\n").split("\n"), 0.8 * BUDGET_PX):
                pieces.append([{**output, "text": "\n".join(chunk) + "\n"}])
            continue
        blocks = html_blocks(_joined(output.get("data", {}).get("text/html", "")))
        if h > BUDGET_PX and blocks:
            if current:
                pieces.append(current)
                current, height = [], 0.0
            for chunk in _block_chunks(blocks, BUDGET_PX):
                pieces.append([{**output, "data": {"text/html": "".join(chunk), "text/plain": ""}}])
            continue
        if current and height + h > BUDGET_PX:
            pieces.append(current)
            current, height = [], 0.0
        current.append(output)
        height += h
    if current:
        pieces.append(current)
    return [_output_only(cell, p) for p in pieces]


def _split_code(cell):
    """A code cell too tall for one slide: its code in runs of lines, then its outputs."""
    lines = _text(cell).split("\n")
    outputs = cell.get("outputs", [])
    code_h = code_lines_height(lines)
    out_h = sum(output_height(o) for o in outputs)
    if code_h <= BUDGET_PX and (not outputs or code_h + out_h > BUDGET_PX):
        parts = [_clone(cell, outputs=[])]
    else:
        chunks = _line_chunks(lines, BUDGET_PX)
        parts = [_clone(cell, source="\n".join(c), outputs=[]) for c in chunks]
    if outputs:
        last_h = cell_height(parts[-1])
        if last_h + out_h <= BUDGET_PX:
            parts[-1]["outputs"] = outputs
        else:
            parts += _split_outputs(cell, outputs)
    return parts


def fitted_cells(cell):
    """The cell itself when it fits one slide, else the pieces it is cut into."""
    if cell["cell_type"] == "markdown":
        return _split_markdown(cell) if markdown_height(_text(cell)) > BUDGET_PX else [cell]
    if cell["cell_type"] == "code" and cell_height(cell) > BUDGET_PX:
        return _split_code(cell)
    return [cell]


def split_at_headings(cells):
    """Markdown cells cut before every heading (#, ##, ###) that is not their first line, so that
    each heading can start a slide. Headings inside fenced code or displayed maths are not cut."""
    result = []
    for cell in cells:
        if cell["cell_type"] != "markdown":
            result.append(cell)
            continue
        pieces, current, in_fence, in_math = [], [], False, False
        for line in _text(cell).split("\n"):
            stripped = line.strip()
            if stripped.startswith("```"):
                in_fence = not in_fence
            elif not in_fence and stripped.count("$$") % 2 == 1:
                in_math = not in_math
            if re.match(r"#{1,3} ", line) and not (in_fence or in_math) and "".join(current).strip():
                pieces.append(current)
                current = []
            current.append(line)
        pieces.append(current)
        if len(pieces) == 1:
            result.append(cell)
            continue
        result += [_clone(cell, source="\n".join(p).strip("\n")) for p in pieces]
    return result


# ---------------------------------------------------------------- packing

def _first_line(cell):
    return _text(cell).lstrip("\n").split("\n", 1)[0]


def layout(cells):
    """New cells (pieces of the given ones) with slide_type set so that every slide fits."""
    result, used = [], None        # used: estimated height of the current (sub)slide, None = none yet
    previous_started = False
    for original in cells:
        kind = original.get("metadata", {}).get("slideshow", {}).get("slide_type")
        if kind in ("notes", "skip"):
            result.append(original)
            continue
        for index, cell in enumerate(fitted_cells(original)):
            cell = copy.deepcopy(cell)
            height = cell_height(cell)
            line = _first_line(cell) if cell["cell_type"] == "markdown" else ""
            if used is None or (index == 0 and (re.match(r"#{1,2} ", line)
                                                or "course-new-slide" in _tags(cell))):
                new = "slide"
            elif index == 0 and line.startswith("### "):
                new = "subslide"
            elif used + height > BUDGET_PX:
                new = "subslide"
            else:
                new = "-"
            cell.setdefault("metadata", {})["slideshow"] = {"slide_type": new}
            if new == "-" and _has_figure(cell) and not previous_started and used + height > BUDGET_PX:
                cell["metadata"]["slideshow"]["slide_type"] = "subslide"
            used = height if cell["metadata"]["slideshow"]["slide_type"] != "-" else used + height
            previous_started = cell["metadata"]["slideshow"]["slide_type"] != "-"
            result.append(nbformat.from_dict(cell))
    return result
