"""Sphinx configuration of the course's static site. docs/build.py copies this file into the build's
source folder next to the prepared notebooks; build with `python docs/build.py site`, not directly."""

import os

project = "A recurrent neural network from scratch"
author = "the course's authors"
copyright = "the course's authors; code MIT, text CC BY 4.0 (see LICENSE)"

extensions = ["myst_nb"]
exclude_patterns = ["_assets", ".doctrees", "**/.ipynb_checkpoints"]

# The notebooks are shown with the outputs stored in them: nothing is executed here.
nb_execution_mode = "off"
nb_merge_streams = True
# No widget renderer from a CDN: docs/build.py replaces widget outputs by their stored picture.
nb_ipywidgets_js = {}
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3
suppress_warnings = ["myst.header", "mystnb.unknown_mime_type"]

# Maths rendered offline: MathJax from npm, copied by docs/build.py into _assets/ (served as _static/).
html_static_path = ["_assets"]
mathjax_path = "mathjax/tex-chtml-full.js"
# Contrast, underlined links, legible figures and the theme's search button (docs/site/course.css, .js).
html_css_files = ["course.css"]
html_js_files = ["course.js"]

html_theme = "sphinx_book_theme"
html_title = project
html_copy_source = False
html_show_sourcelink = False
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": True,
    "home_page_in_toc": True,
}
BINDER = os.environ.get("COURSE_BINDER")      # empty when docs/build.py found no repository
EDITION = os.environ.get("COURSE_EDITION", "learner")
html_theme_options["extra_footer"] = (
    (f'<p>Every notebook runs on <a href="{BINDER}?urlpath=lab/tree/notebooks/01_data.ipynb">Binder'
     '</a>; this site shows the outputs stored in them.</p>' if BINDER else
     '<p>This site shows the outputs stored in the notebooks; run them in JupyterLab.</p>')
    + ('<p>Learner edition: no answers, and no output of a "predict, then run" task.</p>'
       if EDITION == "learner" else '<p>Instructor edition: with the answers.</p>'))
