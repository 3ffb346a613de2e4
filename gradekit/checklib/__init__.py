"""The check library: what check authors import (``from gradekit.checklib import ...``).

Checks are pytest tests in ``autograder/<assignment>/`` (hidden) and its ``public/``
folder (shipped to students); docs/WRITING_CHECKS.md shows how to write one. Each
module here does one thing:

- :mod:`.parts`: a check in parts with partial credit (:class:`Parts`, :func:`fail`);
- :mod:`.measures`: error measures with floors scaled to the values;
- :mod:`.compare`: :func:`compare`, a measure against a tolerance with a good message;
- :mod:`.differences`: the largest differences with their indices;
- :mod:`.hints`: bug models (:func:`diagnose`, :func:`verdict`, :class:`Elsewhere`);
- :mod:`.shapes`: validating arrays, charging a wrong shape once (:class:`Shapes`);
- :mod:`.callstudent`: calling student code in the sandbox, validating what it returned;
- :mod:`.gradients`: numeric gradients;
- :mod:`.source`: reading a student function's source with ``ast``;
- :mod:`.speed`: "A is clearly faster than B", decided so noise cannot flip it;
- :mod:`.numbers`: :func:`check_number`, a check's number read from its grade mark;
- :mod:`.sandboxed`: a check's helper functions defined in the worker (:func:`worker_code`),
  and :func:`require_module` for packages the grader's environment may lack.
- :mod:`.cells`: student code in notebook cells: :func:`find_cell` (by id, else by
  content), :class:`CellRunner` (a namespace in the worker).

Nothing here knows an assignment. Import rule: the check library may import the grading
flow's check-author API (``gradekit.grading``), the sandbox's controller side
(``gradekit.sandbox``) and the shared modules; nothing else of the engine, and no engine
flow imports it (it serves check files only). The student zip carries it, with grading
and sandbox, so the public checks run from a student's folder.
"""

from gradekit.checklib.cells import CellQuery, CellRunner, find_cell, pick_cell
from gradekit.checklib.callstudent import TIMEOUT, call, outputs, remote_constant, scalar
from gradekit.checklib.compare import compare
from gradekit.checklib.differences import largest_differences, show
from gradekit.checklib.gradients import directional_errors, numeric_gradient
from gradekit.checklib.hints import (ChargedElsewhere, Elsewhere, charged_elsewhere, diagnose,
                                     verdict)
from gradekit.checklib.measures import (ERROR_NAMES, FLOOR_RATIO, max_abs_error,
                                        relative_error, scale_of, scaled_error)
from gradekit.checklib.sandboxed import (ENVIRONMENT_LIMIT, WorkerCode, require_module,
                                        worker_code)
from gradekit.checklib.numbers import check_number
from gradekit.checklib.parts import Parts, fail
from gradekit.checklib.shapes import Shapes, array, implemented, keepdims_hint
from gradekit.checklib.source import calls, has_loops, read_source, same_code
from gradekit.checklib.speed import (PairedTimes, Race, SpeedRule, SpeedVerdict, clearly_faster,
                                     pair_order, race_functions, split_pairs, timed_call)
from gradekit.grading.checks import CheckFailed

__all__ = [
    "TIMEOUT", "call", "outputs", "remote_constant", "scalar", "compare",
    "largest_differences", "show", "directional_errors", "numeric_gradient",
    "ChargedElsewhere", "Elsewhere", "charged_elsewhere", "diagnose", "verdict",
    "ERROR_NAMES", "FLOOR_RATIO", "max_abs_error", "relative_error", "scale_of",
    "scaled_error", "check_number", "Parts", "fail", "Shapes", "array", "implemented",
    "keepdims_hint", "calls", "has_loops", "read_source", "same_code", "PairedTimes", "Race",
    "SpeedRule", "SpeedVerdict", "clearly_faster", "pair_order", "race_functions",
    "split_pairs", "timed_call", "CheckFailed", "ENVIRONMENT_LIMIT", "WorkerCode",
    "require_module", "worker_code", "CellQuery", "CellRunner", "find_cell", "pick_cell",
]
