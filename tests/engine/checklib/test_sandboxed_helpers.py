"""A check's helper code defined in the worker, and packages the worker may lack."""

from pathlib import Path

import pytest

from gradekit.checklib import CheckFailed, ENVIRONMENT_LIMIT, require_module, worker_code
from gradekit.config import Limits
from gradekit.sandbox.controller import Sandbox

pytestmark = pytest.mark.confined

HELPER = '''
import json

def double(values):
    return [2 * v for v in values]

def loaded(name):
    import sys
    return name in sys.modules

def has(name):
    import importlib.util
    return importlib.util.find_spec(name) is not None
'''


@pytest.fixture
def folders(tmp_path):
    code = tmp_path / "code"
    code.mkdir()
    helper = tmp_path / "helper.py"
    helper.write_text(HELPER)
    return code, helper


def test_helper_functions_run_in_the_worker(folders):
    code, helper = folders
    with Sandbox(code, limits=Limits(timeout=20.0)) as sandbox:
        helpers = worker_code(sandbox, helper)
        assert helpers.call("double", [1, 2.5]) == [2, 5.0]
        assert worker_code(sandbox, helper) is helpers  # defined once per worker


def test_a_missing_package_is_an_environment_limit(folders):
    code, helper = folders
    with Sandbox(code, limits=Limits(timeout=20.0)) as sandbox:
        with pytest.raises(CheckFailed, match=ENVIRONMENT_LIMIT):
            require_module(sandbox, "no_such_package_here", "the check")
        require_module(sandbox, "numpy", "the check")  # present: nothing happens


def test_packages_are_given_to_a_confined_worker_only_when_listed(folders):
    code, helper = folders
    for listed, expected in (((), False), (("iniconfig",), True)):
        limits = Limits(timeout=20.0, packages=listed + ("not_installed_anywhere",))
        with Sandbox(code, limits=limits) as sandbox:
            if sandbox.mode == "none":
                pytest.skip("an unconfined worker sees every installed package")
            assert worker_code(sandbox, helper).call("has", "iniconfig") is expected


def test_listed_packages_are_imported_before_any_call(folders):
    """Imported as the worker starts, before the student's folder is on its path, so no
    student file can stand in for them."""
    code, helper = folders
    with Sandbox(code, limits=Limits(timeout=20.0, packages=("iniconfig",))) as sandbox:
        assert worker_code(sandbox, helper).call("loaded", "iniconfig") is True
    with Sandbox(code, limits=Limits(timeout=20.0)) as sandbox:
        assert worker_code(sandbox, helper).call("loaded", "iniconfig") is False
