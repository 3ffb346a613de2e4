"""Class-wide work for course staff: grading many submissions, exports, reports.

Built on ``gradekit.grading``; may import it, the sandbox's controller side and the shared
modules; never the release or student packages.
"""
