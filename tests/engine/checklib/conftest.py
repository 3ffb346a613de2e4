"""The check library's tests: the ``grade`` mark is known here (a test file carries one
on a helper, to read check numbers from)."""


def pytest_configure(config):
    config.addinivalue_line("markers", "grade(number, points, ...): a check's grade mark")
