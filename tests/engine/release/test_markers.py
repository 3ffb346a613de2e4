"""Contract 1: stripping START/END regions from .py files."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

import gradekit
from gradekit import markers
from gradekit.errors import UserError
from gradekit.markers import inside_regions, strip_magics
from gradekit.release.markers import END, START, MarkerError, find_regions, strip_python, strip_regions
from tests.support.paths import ENGINE_FIXTURES

FIXTURE_MODULE = ENGINE_FIXTURES / "release/reference/vecops/norms.py"

SOLVED = f"""\
def area(width, height):
    ###########################################################################
    # TODO: Multiply.                                                         #
    ###########################################################################
    {START}
    result = width * height
    result = float(result)
    {END}
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return result
"""


def test_body_becomes_pass_at_start_indentation_and_banners_stay() -> None:
    stripped = strip_python(SOLVED, "area.py")
    assert stripped == SOLVED.replace(
        "    result = width * height\n    result = float(result)\n", "    pass\n"
    )
    assert "TODO: Multiply." in stripped and "END OF YOUR CODE" in stripped


def test_file_without_markers_is_unchanged() -> None:
    text = "x = 1\n# a comment\n\n\n"
    assert strip_python(text, "plain.py") == text


def test_empty_region_gets_a_pass() -> None:
    text = f"def f():\n    {START}\n    {END}\n"
    assert strip_python(text, "f.py") == f"def f():\n    {START}\n    pass\n    {END}\n"


def test_windows_line_endings_are_kept() -> None:
    text = SOLVED.replace("\n", "\r\n")
    assert strip_python(text, "area.py") == strip_python(SOLVED, "area.py").replace("\n", "\r\n")


def test_regions_are_found_with_their_marker_lines() -> None:
    regions = find_regions(SOLVED, "area.py")
    assert [(region.start, region.end) for region in regions] == [(5, 8)]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (f"x = 1\n{END}\n", 2, "END marker without a START"),
        (f"{START}\nx = 1\n{START}\n{END}\n", 3, "nested START"),
        (f"x = 1\n{START}\nx = 2\n", 2, "never closed"),
        ("# *****START OF YOUR CODE (DO NOT DELETE THIS LINE)*****\n", 1, "altered marker"),
        (f"{START}\n# *****END OF YOUR CODE*****\n", 2, "altered marker"),
        (f"{START} extra\n", 1, "altered marker"),
        ("#  start of your code\n", 1, "altered marker"),
    ],
    ids=["unbalanced", "nested", "unterminated", "altered", "altered-end", "trailing", "case"],
)
def test_bad_markers_name_file_and_line(text: str, line: int, words: str) -> None:
    with pytest.raises(MarkerError) as caught:
        strip_regions(text, "pkg/mod.py")
    error = caught.value
    assert isinstance(error, UserError)
    assert (error.path, error.line) == ("pkg/mod.py", line)
    assert str(error).startswith(f"pkg/mod.py:{line}: ") and words in str(error)


def test_marker_with_trailing_whitespace_counts() -> None:
    text = f"def f():\n    {START}   \n    return 1\n    {END}\t\n"
    assert "return 1" not in strip_python(text, "f.py")


def test_unparsable_student_copy_names_the_file() -> None:
    # The region cuts a statement in half, so the student copy cannot parse.
    text = f"value = (1 +\n{START}\n 2)\n{END}\n"
    with pytest.raises(MarkerError, match=r"^broken\.py:\d+: student copy does not parse"):
        strip_python(text, "broken.py")


def test_stripped_module_imports_and_returns_placeholders(tmp_path: Path) -> None:
    target = tmp_path / "norms_student.py"
    target.write_text(strip_python(FIXTURE_MODULE.read_text(), FIXTURE_MODULE))
    spec = importlib.util.spec_from_file_location("norms_student", target)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.l2_norm([3.0, 4.0]) is None
    assert module.l1_norm([3.0, -4.0]) is None
    assert module.Scaler(2).scale([1, 2]) is None


@pytest.mark.parametrize("lines, inside", [
    (["a", START, "b", "c", END, "d"], [0, 0, 1, 1, 0, 0]),
    ([f"  {START}  ", "b", f"\t{END}"], [0, 1, 0]),
    ([START, "b", START, "c", END, "d"], [0, 1, 0, 1, 0, 0]),      # a second START
    (["a", END, "b"], [0, 0, 0]),                                  # END without START
    ([START, "b", "# START OF YOUR CODE here", "c"], [0, 1, 1, 1]),  # altered, never closed
    (["a", "# START OF YOUR CODE here", "b"], [0, 0, 0]),
])
def test_a_students_copy_is_read_leniently(lines, inside) -> None:
    assert inside_regions(lines) == [bool(flag) for flag in inside]


def test_strict_and_lenient_readers_agree_on_good_markers() -> None:
    lines = SOLVED.split("\n")
    inside = [i + 1 for i, flag in enumerate(inside_regions(lines)) if flag]
    (region,) = find_regions(SOLVED, "area.py")
    assert inside == list(range(region.start + 1, region.end))


def test_the_marker_lines_are_written_once_in_the_engine() -> None:
    """Grading, class work and the release read markers through gradekit.markers only."""
    engine = Path(gradekit.__file__).parent
    holders = sorted(p.relative_to(engine).as_posix() for p in engine.rglob("*.py")
                     if "OF YOUR CODE (DO NOT DELETE" in p.read_text(encoding="utf-8"))
    assert holders == ["markers.py"]
    assert (START, END) == (markers.START, markers.END)


def test_magics_count_as_pass_wherever_a_cell_is_read() -> None:
    cell = "%matplotlib inline\nfor i in range(2):\n    !ls\n    x = '%d' % i\n"
    assert strip_magics(cell) == "pass\nfor i in range(2):\n    pass\n    x = '%d' % i\n"
    # A line that starts with the operator % (or !=) continues an expression: it stays.
    cell = "print('%d'\n      % 3)\nok = (1\n      != 2)\n%%time\n!echo hi\n"
    assert strip_magics(cell) == "print('%d'\n      % 3)\nok = (1\n      != 2)\npass\npass\n"
