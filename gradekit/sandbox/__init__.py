"""The trust boundary: student code runs only in a worker process started from here.

The controller side (``controller`` and the pieces it is built from) starts and talks to
the worker; ``worker`` and ``protocol`` are what runs beside student code. The controller
side never imports ``worker``; ``worker`` imports only ``protocol`` and ``allocator``.
Nothing here knows about checks, grades or assignments; it may import ``gradekit.errors``.
"""
