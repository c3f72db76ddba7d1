"""The environment files: pinned, consistent, and laid out the way Binder (repo2docker) reads them.

repo2docker reads only binder/ when that folder exists: it installs binder/requirements.txt before
copying the repository (a cached layer, as long as the file names no local path), skips its own
`pip install .` of the root pyproject.toml, and then runs binder/postBuild, which installs the course's
package editable, once. See README ("On Binder") for how this was checked.
"""

import importlib.metadata
import json
import os
import pathlib
import re
import sys
import tomllib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([0-9][0-9A-Za-z.+!-]*)$")


def normal(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_lines(path):
    lines = [line.split("#", 1)[0].strip() for line in path.read_text().splitlines()]
    return [line for line in lines if line]


def pins(path):
    found = {}
    for line in requirement_lines(path):
        if line.startswith("-r "):
            continue
        match = PIN.match(line)
        assert match, f"{path.name}: not an exact pin: {line!r}"
        assert normal(match[1]) not in found, f"{path.name}: {match[1]} pinned twice"
        found[normal(match[1])] = match[2]
    return found


def test_learner_requirements_are_exact_pins_without_local_paths():
    learner = pins(ROOT / "requirements.txt")      # fails on `-e .`, paths, ranges
    for name in ("numpy", "matplotlib", "ipywidgets", "ipykernel", "jupyterlab", "notebook", "voila",
                 "threadpoolctl", "pandas"):
        assert name in learner, f"requirements.txt does not pin {name}"
    for name in ("pytest", "nbval", "playwright", "sphinx", "hypothesis"):
        assert name not in learner, f"{name} is a test or build tool: it belongs in requirements-dev.txt"


def test_dev_requirements_add_to_the_learner_ones():
    dev_file = ROOT / "requirements-dev.txt"
    assert requirement_lines(dev_file)[0] == "-r requirements.txt"
    learner, dev = pins(ROOT / "requirements.txt"), pins(dev_file)
    assert not set(learner) & set(dev), f"pinned in both files: {sorted(set(learner) & set(dev))}"
    for name in ("pytest", "nbval", "jupytext", "playwright", "hypothesis", "sphinx", "myst-nb",
                 "sphinx-book-theme"):
        assert name in dev, f"requirements-dev.txt does not pin {name}"
    for name in ("nbclient", "nbconvert"):
        assert name in learner, f"{name} (Voila needs it) should be pinned in requirements.txt"


def test_the_package_dependencies_are_pinned():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    learner = pins(ROOT / "requirements.txt")
    for dependency in project["dependencies"]:
        name = normal(re.split(r"[<>=!~ \[;]", dependency, maxsplit=1)[0])
        assert name in learner, f"pyproject.toml depends on {name}, which requirements.txt does not pin"


def test_binder_folder():
    binder = ROOT / "binder"
    assert (binder / "runtime.txt").read_text().strip() == "python-3.11"
    assert (binder / "requirements.txt").read_text() == (ROOT / "requirements.txt").read_text(), \
        "binder/requirements.txt must be a copy of requirements.txt: cp requirements.txt binder/"
    for name in ("runtime.txt", "environment.yml", "apt.txt", "postBuild", "setup.py", "Project.toml"):
        assert not (ROOT / name).exists(), f"{name} at the root: repo2docker ignores it (binder/ exists)"
    post_build = binder / "postBuild"
    assert os.access(post_build, os.X_OK), "binder/postBuild must be executable (git: chmod +x)"
    commands = [line for line in post_build.read_text().splitlines()
                if line.strip() and not line.lstrip().startswith("#")]
    installs = [line for line in commands if "pip install" in line]
    assert installs == ["python -m pip install --no-cache-dir --no-deps -e ."], installs


def test_jupyterlab_news_setting_is_installed_with_the_package():
    source = ROOT / "binder" / "labconfig" / "default_setting_overrides.json"
    setting = json.loads(source.read_text())["@jupyterlab/apputils-extension:notification"]
    assert setting["fetchNews"] == "false" and setting["checkForUpdates"] is False
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    shared = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["shared-data"]
    assert shared[str(source.relative_to(ROOT))] == "etc/jupyter/labconfig/default_setting_overrides.json"
    # the setting's name and values exist in the installed JupyterLab's own schema
    schema = (pathlib.Path(sys.prefix) / "share/jupyter/lab/schemas/@jupyterlab/apputils-extension"
              / "notification.json")
    if not schema.exists():
        pytest.skip("JupyterLab is not installed in this environment")
    properties = json.loads(schema.read_text())["properties"]
    assert {"const": "false", "title": "Never"} in properties["fetchNews"]["oneOf"]
    assert properties["checkForUpdates"]["type"] == "boolean"
    # README's commands install the package with `-e .`, which puts the file where JupyterLab reads it
    try:
        importlib.metadata.distribution("rnn_helpers")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("rnn_helpers is not installed as a package here")
    installed = pathlib.Path(sys.prefix) / "etc/jupyter/labconfig/default_setting_overrides.json"
    assert installed.exists(), f"{installed} missing: reinstall with `pip install -e .`"


def test_installed_versions_are_the_pinned_ones():
    """The environment running the tests is the one the files describe (README's test command)."""
    wanted = {**pins(ROOT / "requirements.txt"), **pins(ROOT / "requirements-dev.txt")}
    wrong = []
    for name, version in sorted(wanted.items()):
        try:
            have = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            have = None
        if have != version:
            wrong.append(f"{name} {have} (pinned {version})")
    assert not wrong, ("this environment differs from the pins; run README's test command "
                       "(pip install -r requirements-dev.txt -e .): " + ", ".join(wrong))
