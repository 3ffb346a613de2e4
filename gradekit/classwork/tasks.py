"""``--emit-tasks``: one self-contained ``gradekit grade`` command per submission.

For any scheduler that runs shell lines (GNU parallel, a Slurm job array, a Kubernetes
indexed job): line *i* grades submission *i* into ``OUT/<key>/`` (``results.json``,
``feedback.txt``, ``submission/``), the layout ``gradekit report OUT`` reads. Paths are
absolute and shell-quoted (``shlex.quote``: quotes, ``$(...)``, ``;`` stay literal), and
every line is exactly one submission: a submission whose command would hold a character
that is not printable (a newline, a carriage return, a Unicode line separator, any other
control character) is refused with a warning instead, since line-based schedulers (``sed -n
Np``, GNU parallel) would split it. Submissions inside a zipped export are unpacked first
into ``OUT/.inbox/<key>/``, so every command reads plain files.
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

from gradekit.classwork.gradeclass import private_folder
from gradekit.classwork.inbox import read_inbox, unpack
from gradekit.config import Assignment
from gradekit.errors import UserError
from gradekit.grading.outputs import FEEDBACK_NAME, RESULTS_NAME, SUBMISSION_DIR
from gradekit.zips import write_atomically

INBOX_DIR = ".inbox"


def emit_tasks(submissions: Path, out_dir: Path, assignment: Assignment, tasks_file: Path, *,
               seed: int | None = None, public_only: bool = False,
               program: list[str] | None = None) -> tuple[int, list[str]]:
    """Write the commands to ``tasks_file``; (how many, warnings).

    Each command starts with ``program``: by default this very gradekit, by the absolute
    path of the Python running it, so a task runs from any folder and any ``PATH``.
    """
    program = program or running_gradekit()
    inbox = read_inbox(Path(submissions))
    out_dir = Path(out_dir).resolve()
    private_folder(out_dir)  # each task writes OUT/<key>/ inside it: the grader's alone
    warnings = list(inbox.warnings)
    lines = []
    for submission in inbox.submissions:
        problem = unprintable(submission.key) or unprintable(str(submission.path))
        if problem:
            warnings.append(f"{submission.key!r}: not emitted: its name or path holds "
                            f"{problem}, which would split its task line; rename it")
            continue
        source = submission.path
        if submission.packed:
            source, left_out = unpack(submission, out_dir / INBOX_DIR / submission.key)
            warnings += [f"{submission.key}: {note}" for note in left_out]
        target = out_dir / submission.key
        command = [*program, "grade", str(Path(source).resolve()),
                   "--assignment", str(Path(assignment.path).resolve()),
                   "--results", str(target / RESULTS_NAME),
                   "--feedback", str(target / FEEDBACK_NAME),
                   "--keep-files", str(target / SUBMISSION_DIR)]
        if seed is not None:
            command += ["--seed", str(seed)]
        if public_only:
            command.append("--public-only")
        line = shlex.join(command)
        problem = unprintable(line)
        if problem:  # the assignment's or OUT's own path
            raise UserError(f"cannot emit one task per line: a path holds {problem}: {line!r}")
        lines.append(line)
    write_atomically(Path(tasks_file), "".join(line + "\n" for line in lines))
    return len(lines), warnings


def running_gradekit() -> list[str]:
    """The command that runs this gradekit again: its Python's absolute path (not resolved:
    a virtual environment's python is a link that must stay inside the environment)."""
    return [os.path.abspath(sys.executable), "-m", "gradekit"]


def unprintable(text: str) -> str:
    """The first character of ``text`` a task line cannot hold, described ('' if none)."""
    for char in text:
        if not char.isprintable():
            return f"the unprintable character U+{ord(char):04X}"
    return ""
