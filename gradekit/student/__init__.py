"""What students run on their own machines: collecting the hand-in, the answers PDF.

Light on purpose: it ships in the student zip with ``gradekit.grading`` and
``gradekit.sandbox`` (which ``gradekit check`` uses) and the shared modules. May import
those; never the release or class-work packages.
"""
