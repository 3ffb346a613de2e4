"""What can go wrong in a sandboxed call: the student's doing, or the sandbox's own.

``str(error)`` of a :class:`StudentError` is what the student is shown.
"""

from __future__ import annotations

import signal

from gradekit.errors import UserError


class StudentError(Exception):
    """Something the student's code did; ``str(error)`` is what the student is shown."""


class StudentException(StudentError):
    """The student's code raised an exception (traceback limited to student files)."""

    def __init__(self, what: str, type_name: str, message: str, traceback: list[str]) -> None:
        self.type_name = type_name
        self.message = message
        self.traceback = traceback
        text = f"{what} raised {type_name}" + (f": {message}" if message else "")
        if traceback:
            text += "\n" + "\n".join(traceback)
        super().__init__(text)


class StudentTimeout(StudentError):
    """A call ran longer than its wall-clock timeout."""

    def __init__(self, what: str, seconds: float, earlier: bool = False) -> None:
        self.seconds = seconds
        self.earlier = earlier
        if earlier:
            super().__init__(f"{what} timed out earlier in this grade (after {seconds:g} s); "
                             "it is not run again")
        else:
            super().__init__(f"{what} timed out after {seconds:g} s")


class StudentCrash(StudentError):
    """The worker died during a call (exit code or signal)."""

    def __init__(self, what: str, returncode: int | None, detail: str = "") -> None:
        self.returncode = returncode
        if returncode is None:
            how = "stopped answering"
        elif returncode < 0:
            try:
                name = signal.Signals(-returncode).name
            except ValueError:
                name = f"signal {-returncode}"
            how = f"was killed by {name}" + _SIGNAL_NOTES.get(-returncode, "")
        else:
            how = f"exited with code {returncode}"
        super().__init__(f"{what} crashed: the process running your code {how}"
                         + (f" ({detail})" if detail else ""))


class StudentMemoryError(StudentError):
    """The student's code ran out of its memory allowance."""

    def __init__(self, what: str, megabytes: int) -> None:
        self.megabytes = megabytes
        super().__init__(f"{what} used more than {megabytes} MB of memory")


class ProtocolViolation(StudentError):
    """The worker sent something that breaks the protocol (student code tampered with it)."""

    def __init__(self, what: str, detail: str) -> None:
        if "too large" in detail:
            super().__init__(f"{what} returned more data than the grader accepts ({detail}), "
                             "or your code wrote to file descriptors it does not own")
            return
        super().__init__(f"{what}: the grader could not understand the answer from your "
                         f"code's process ({detail}); does your code write to file "
                         "descriptors it does not own?")


class SandboxError(UserError):
    """The sandbox itself cannot work here (a setup problem, not the student's)."""


_SIGNAL_NOTES = {  # by name: Windows has no SIGXCPU nor SIGKILL
    getattr(signal, name): note for name, note in (
        ("SIGXCPU", ", it used up its CPU time"), ("SIGSEGV", ", a segmentation fault"),
        ("SIGKILL", "")) if hasattr(signal, name)
}


class BudgetExhausted(StudentError):
    """The whole grade's time budget ran out before or during this call."""

    def __init__(self, what: str, budget: float | None) -> None:
        self.budget = budget
        limit = f" of {budget:g} s" if budget else ""
        super().__init__(f"{what} was not run to the end: the grade's time budget{limit} ran "
                         "out (your code is slow overall; every call counts toward it)")
