"""The release flow: the instructor's sources in, every release artefact out.

Markers, notebook variants, translations, reproducible zips, the builder, and the
Gradescope scripts shipped in autograder.zip. May import the shared modules
(``gradekit.config``, ``gradekit.errors``, ``gradekit.zips``), never the sandbox, grading,
student or class-work packages: building a release runs no student code.
"""
