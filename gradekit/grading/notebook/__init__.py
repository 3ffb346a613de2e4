"""Notebook scoring: the submitted notebook read as hostile data and scored in parts.

``reading`` (bounded, validated parsing), ``matching`` (cells paired with the released
copy), ``findings`` (complete, answered, untampered, figures), ``rerun`` (deterministic
cells re-run in the sandbox worker, printed numbers compared) and ``scoring`` (the parts
as :class:`~gradekit.grading.results.CheckResult`, and the staff data). Configured by
``[grading.notebook]`` in assignment.toml; nothing here knows any assignment.
"""

from gradekit.grading.notebook.scoring import NotebookReport, part_results, score_notebook

__all__ = ["NotebookReport", "part_results", "score_notebook"]
