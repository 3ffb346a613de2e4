# Every target sets up its own virtualenv in .venv from pyproject.toml.
#
# The interpreter: a system Python (readable by every user) is preferred, because when
# the grader runs as root it starts student code as an unprivileged user, who must be
# able to run the same interpreter. Override with `make PYTHON=/path/to/python3.x`.
PYTHON ?= $(shell for p in /usr/bin/python3 /usr/local/bin/python3 python3; do \
	$$p -c 'import sys; assert sys.version_info >= (3, 10)' 2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: help test release notebook-check template bench clean

help:
	@echo "make release         build student zips, autograder zip and solutions zip into dist/"
	@echo "make test            run the project's tests (sets up .venv first)"
	@echo "make notebook-check  execute the master notebook against the reference solution"
	@echo "make template        regenerate student_template/ from solutions/ and assignment/"
	@echo "make bench           run the benchmarks in bench/"
	@echo "make clean           remove .venv, dist/ and caches"

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.10 or newer is needed"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[notebook,pdf,class,dask,dev]'
	@touch $(STAMP)

test: $(STAMP)
	$(PY) -m pytest -q

release: $(STAMP)
	$(PY) -m gradekit release assignment/assignment.toml

notebook-check: $(STAMP)
	$(PY) -m gradekit release assignment/assignment.toml --check-notebooks

template: $(STAMP)
	$(PY) -m gradekit release assignment/assignment.toml --template-only

bench: $(STAMP)
	@for script in bench/*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) dist build *.egg-info
	find . -name __pycache__ -prune -exec rm -rf {} +
