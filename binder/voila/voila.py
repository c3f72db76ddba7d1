# Voila's configuration for the course, installed by pyproject.toml as <env>/etc/jupyter/voila.py.
# Both ways of running Voila read voila.py (and voila.json) from every Jupyter config directory:
# `voila notebooks/explorer.ipynb` (standalone) and Voila's Jupyter server extension, which serves
# Binder's .../voila/render/notebooks/explorer.ipynb. So both use these settings, with no flags.
# Everything here keeps the page from loading anything from outside the server it runs on.

# The course's template (binder/voila/templates/course/): Voila's "lab" template without its two
# Font Awesome <link>s to cdn.jsdelivr.net, laid out for a projector.
c.VoilaConfiguration.template = "course"

# Only the front-end extensions a page of widgets needs. The others installed with JupyterLab
# (jupytext's, Notebook 7's) only log module-federation errors on a Voila page.
c.VoilaConfiguration.extension_allowlist = [
    "@jupyter-widgets/jupyterlab-manager",
    "@voila-dashboards/widgets-manager8",
]


def use_bundled_mathjax(page_config, **_):
    """Typeset maths with the MathJax 3 that Voila's own bundle carries, not MathJax from cdnjs.

    Voila's page loads MathJax from fullMathjaxUrl (cdnjs.cloudflare.com by default) unless that
    and mathjaxConfig are both unset. Standalone Voila leaves them unset; as a Jupyter server
    extension (Binder) it sets them, so the page would fetch MathJax from cdnjs on every load.
    """
    page_config["fullMathjaxUrl"] = None
    page_config["mathjaxConfig"] = None
    return page_config


c.VoilaConfiguration.page_config_hook = use_bundled_mathjax
