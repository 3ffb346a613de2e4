"""Pin every package the autograder image installs: `make lock` writes the constraints file.

``setup.sh`` installs the engine and the extras an assignment's ``[grading] extras`` names
with ``pip install -c constraints.txt``, so two builds of one ``autograder.zip`` install
the same versions of everything, direct and transitive. This script resolves, for each
Python the image may have (3.10 on Gradescope's Ubuntu 22.04, 3.11, 3.12 on 24.04) and
Linux x86_64 wheels, the engine's dependencies plus every extra any assignment's
autograder uses, and writes one pin per package and Python
(``name==version; python_version == "3.10"``) to
``gradekit/release/gradescope/constraints.txt``, which travels in the zip.

It needs PyPI (run it when a pin in pyproject.toml changes; a test checks the file agrees
with pyproject.toml). PyTorch's CPU build comes from its own index, so torch is resolved
without its dependencies and those are taken from the installed CPU torch's metadata.

    .venv/bin/python scripts/lock_autograder.py [--python 3.10 --python 3.11 ...]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "gradekit" / "release" / "gradescope" / "constraints.txt"
PYTHONS = ("3.10", "3.11", "3.12")
PLATFORMS = ("manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64",
             "linux_x86_64")
RESOLVED_APART = ("torch",)  # CPU builds from another index: dependencies from metadata


def autograder_extras() -> list[str]:
    """Every extra an assignment's ``[grading] extras`` names."""
    found: set[str] = set()
    for config in sorted((ROOT / "assignment").glob("*/assignment.toml")):
        grading = tomllib.loads(config.read_text(encoding="utf-8")).get("grading", {})
        found.update(grading.get("extras", []))
    return sorted(found)


def requirements(extras: list[str]) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    listed = list(project["dependencies"])
    for extra in extras:
        listed += project["optional-dependencies"][extra]
    return [Requirement(text) for text in listed]


def torch_dependencies(python: str) -> list[str]:
    """What the installed CPU torch requires (no extras), for ``python``."""
    environment = {"python_version": python, "extra": ""}
    found = []
    for text in importlib.metadata.requires("torch") or []:
        requirement = Requirement(text)
        if requirement.marker is None or requirement.marker.evaluate(environment):
            requirement.marker = None
            found.append(str(requirement))
    return found


def resolve(python: str, wanted: list[Requirement]) -> dict[str, str]:
    """name -> version pip would install for ``python`` on Linux x86_64."""
    environment = {"python_version": python, "python_full_version": f"{python}.0",
                   "sys_platform": "linux", "platform_system": "Linux",
                   "platform_machine": "x86_64", "implementation_name": "cpython",
                   "extra": ""}
    plain, apart = [], {}
    for requirement in wanted:
        if requirement.marker is not None and not requirement.marker.evaluate(environment):
            continue
        if requirement.name in RESOLVED_APART:
            apart[requirement.name] = str(requirement.specifier).lstrip("=")
            continue
        plain.append(str(_unmarked(requirement)))
    if "torch" in apart:
        plain += torch_dependencies(python)
    # pip evaluates dependencies' markers for the Python running it, not the target's:
    # what the target needs besides (exceptiongroup on 3.10, say) is added and resolved again.
    for _ in range(5):
        installed = _pip_resolve(python, plain)
        pins = {_name(item["metadata"]["name"]): item["metadata"]["version"]
                for item in installed}
        missing = sorted({str(_unmarked(requirement)) for item in installed
                          for requirement in map(Requirement,
                                                 item["metadata"].get("requires_dist") or [])
                          if _name(requirement.name) not in pins
                          and _name(requirement.name) not in apart
                          and (requirement.marker is None
                               or requirement.marker.evaluate(environment))})
        if not missing:
            break
        plain += missing
    pins.update(apart)
    return pins


def _network_options() -> list[str]:
    """The CA bundle and index pip's environment names (``--isolated`` ignores them)."""
    options = []
    cert = os.environ.get("PIP_CERT") or os.environ.get("REQUESTS_CA_BUNDLE")
    if cert:
        options += ["--cert", cert]
    if os.environ.get("PIP_INDEX_URL"):
        options += ["--index-url", os.environ["PIP_INDEX_URL"]]
    return options


def _name(name: str) -> str:
    return name.lower().replace("_", "-")


def _unmarked(requirement: Requirement) -> Requirement:
    copy = Requirement(str(requirement))
    copy.marker = None
    return copy


def _pip_resolve(python: str, plain: list[str]) -> list[dict]:
    """pip's install report for ``plain`` on ``python``, Linux x86_64, wheels only."""
    with tempfile.TemporaryDirectory(prefix="gradekit-lock-") as work:
        report = Path(work) / "report.json"
        # --isolated: PyPI's index alone (local wheel folders and mirrors may not state
        # Requires-Python, and then a wheel for a newer Python is taken); the machine's CA
        # certificates and index still apply, for machines behind a proxy.
        command = [sys.executable, "-m", "pip", "--isolated", "install", "--dry-run",
                   "--ignore-installed", *_network_options(),
                   "--quiet", "--report", str(report), "--target", str(Path(work) / "t"),
                   "--python-version", python, "--implementation", "cp",
                   "--only-binary=:all:", *[f"--platform={p}" for p in PLATFORMS], *plain]
        subprocess.run(command, check=True)
        return json.loads(report.read_text(encoding="utf-8"))["install"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", action="append", default=[],
                        help=f"a Python version to pin for (default: {', '.join(PYTHONS)})")
    options = parser.parse_args(argv)
    extras = autograder_extras()
    wanted = requirements(extras)
    lines = [
        "# Every package the autograder image installs, pinned per Python (scripts/",
        "# lock_autograder.py writes this file; setup.sh installs with -c constraints.txt).",
        f"# The engine and the extras assignments' autograders use: {', '.join(extras)}.",
    ]
    for python in options.python or PYTHONS:
        pins = resolve(python, wanted)
        lines += [f'{name}=={version}; python_version == "{python}"'
                  for name, version in sorted(pins.items())]
        print(f"Python {python}: {len(pins)} packages", flush=True)
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
