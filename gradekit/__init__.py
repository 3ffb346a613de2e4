"""gradekit: build course-assignment releases and grade submissions safely.

The engine knows markers, notebooks, zips, sandboxes, checks and reports; it knows
nothing about any particular assignment. Assignments are described by an
``assignment.toml`` and their own files.
"""

__version__ = "0.1.0"
