"""The autograder image's pins (gradekit/release/gradescope/constraints.txt, written by
scripts/lock_autograder.py) agree with pyproject.toml, and setup.sh installs with them."""

from __future__ import annotations

import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[3]
GRADESCOPE = ROOT / "gradekit" / "release" / "gradescope"
PYTHONS = ("3.10", "3.11", "3.12")


def pins() -> dict[str, dict[str, str]]:
    """python version -> package name -> pinned version."""
    found: dict[str, dict[str, str]] = {}
    for line in (GRADESCOPE / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        requirement = Requirement(line)
        python = str(requirement.marker).split('"')[1]
        (version,) = [s.version for s in requirement.specifier]
        found.setdefault(python, {})[canonical(requirement.name)] = version
    return found


def canonical(name: str) -> str:
    return name.lower().replace("_", "-")


def test_every_pin_of_pyproject_is_in_the_constraints_for_every_python():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = set()
    for config in (ROOT / "assignment").glob("*/assignment.toml"):
        extras.update(tomllib.loads(config.read_text(encoding="utf-8"))
                      .get("grading", {}).get("extras", []))
    wanted = list(project["dependencies"])
    for extra in sorted(extras):
        wanted += project["optional-dependencies"][extra]
    locked = pins()
    assert sorted(locked) == list(PYTHONS), "run scripts/lock_autograder.py"
    for python in PYTHONS:
        environment = {"python_version": python, "extra": ""}
        for requirement in map(Requirement, wanted):
            if requirement.marker is not None and not requirement.marker.evaluate(environment):
                continue
            (version,) = [s.version for s in requirement.specifier]
            assert locked[python].get(canonical(requirement.name)) == version, (
                f"{requirement} for Python {python}: constraints.txt is stale, run "
                "scripts/lock_autograder.py")


def test_the_transitive_dependencies_are_pinned_too():
    for python, packages in pins().items():
        assert {"pluggy", "iniconfig", "traitlets", "jsonschema", "sympy"} <= set(packages)
    assert "exceptiongroup" in pins()["3.10"]  # pytest's, on 3.10 only


def test_setup_sh_installs_with_the_constraints():
    setup = (GRADESCOPE / "setup.sh").read_text(encoding="utf-8")
    assert '--constraint "$SOURCE/constraints.txt"' in setup
