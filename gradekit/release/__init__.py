"""The release flow: the instructor's sources in, every release artefact out.

Markers, notebook variants, translations, reproducible zips, the builder, the Gradescope
scripts shipped in autograder.zip, and the proof a release gives before it writes
anything. May import the shared modules (``gradekit.config``, ``gradekit.errors``,
``gradekit.zips``), never the sandbox, student or class-work packages. Only
:mod:`gradekit.release.proof` imports the grading package: it grades the reference and
the template with the planned autograder, so the release runs the instructor's own code
(never a student's) in the grading sandbox. The rest of the flow runs no code at all.
"""
