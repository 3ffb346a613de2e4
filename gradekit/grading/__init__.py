"""The grading flow: a submission in, one result model (and results.json) out.

Intake of the submitted files, the check-author API and the pytest plugin behind it, the
grade itself, and the result model with its renderers. May import the sandbox's
controller side and the shared modules; never the release, student or class-work packages.
"""
