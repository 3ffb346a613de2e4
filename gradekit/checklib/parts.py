"""Checks in parts: each passing part earns its share of the points."""

from __future__ import annotations

from gradekit.checklib.hints import ChargedElsewhere
from gradekit.grading.checks import CheckFailed
from gradekit.sandbox.controller import StudentException


def fail(message: str):
    """End the check (or the part) with ``message``, all the student sees."""
    raise CheckFailed(message)


class Parts:
    """Run a check in parts: each passing part earns its share of the points.

    ``credit`` is the check's ``credit`` fixture. Failures of student code in one part
    (wrong values, exceptions) are collected and the check fails at :meth:`finish` with
    all messages; a timeout or crash stops it. A part run with ``needs=False`` (what it
    builds on is missing) is not run; ``why`` says what is missing. A part whose value is
    wrong only because of a bug another check charges (:class:`ChargedElsewhere`) earns
    its credit, with the note.
    """

    def __init__(self, credit):
        self.credit = credit
        self.failures: list[str] = []

    def run(self, weight: float, label: str, part, needs: bool = True,
            why: str = "an earlier part failed") -> bool:
        """Run ``part()`` for ``weight`` (a fraction of the points); True if it passed."""
        if not needs:
            self.failures.append(f"{label}: not checked, {why}.")
            return False
        try:
            part()
        except ChargedElsewhere as error:
            self.credit.earn(weight, f"Passed: {label}, but note:\n{error}")
            return True
        except (CheckFailed, AssertionError) as error:
            self.failures.append(str(error))
            return False
        except StudentException as error:
            self.failures.append(f"{label}: {error}")
            return False
        self.credit.earn(weight, f"Passed: {label}.")
        return True

    def advise(self, label: str, part) -> None:
        """Run ``part`` for advice only: a failure is reported and costs nothing."""
        try:
            part()
        except (CheckFailed, AssertionError, StudentException) as error:
            self.credit.earn(0.0, f"Advice ({label}, no points): {error}")

    def shapes(self, weight: float, label: str, shapes, needs: bool = True,
               why: str = "an earlier part failed") -> bool:
        """The part that charges the wrong shapes a :class:`gradekit.checklib.Shapes`
        collected (once)."""
        return self.run(weight, label, shapes.check, needs, why)

    def finish(self) -> None:
        """Fail with every part's message, if any part failed."""
        if self.failures:
            fail("\n".join(dict.fromkeys(self.failures)))
