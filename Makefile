# Every target sets up its own virtualenv in .venv from pyproject.toml.
#
# The interpreter: a system Python (readable by every user) is preferred, because when
# the grader runs as root it starts student code as an unprivileged user, who must be
# able to run the same interpreter. Override with `make PYTHON=/path/to/python3.x`.
PYTHON ?= $(shell for p in /usr/bin/python3 /usr/local/bin/python3 python3; do \
	$$p -c 'import sys; assert sys.version_info >= (3, 10)' 2>/dev/null && { echo $$p; break; }; done)
# One assignment of the course (its folder name under assignment/), or all when empty.
ASSIGNMENT ?=
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: help test release notebook-check template bench clean system-check docs container-check lock

help:
	@echo "make release         build every assignment's student zips, autograder zip and solutions"
	@echo "                     zip into dist/NAME/ (make release ASSIGNMENT=NAME: one of them)"
	@echo "make test            run the project's tests (sets up .venv first)"
	@echo "make notebook-check  execute the master notebooks against the reference solutions"
	@echo "make template        regenerate student_template/NAME/ from solutions/ and assignment/"
	@echo "make docs            regenerate docs/CONFIGURATION.md from gradekit/config.py"
	@echo "make bench           run the benchmarks in bench/"
	@echo "make container-check build assignment1's autograder image with podman and grade the"
	@echo "                     reference, the skeleton and a hostile hand-in in it as Gradescope"
	@echo "                     runs it (root, 768 MB, half a CPU, no network)"
	@echo "make lock            pin every package the autograder image installs, per Python"
	@echo "                     (gradekit/release/gradescope/constraints.txt; needs PyPI)"
	@echo "make clean           remove .venv, dist/ and caches"

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.10 or newer is needed"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[notebook,pdf,class,dask,assignment1,assignment2,assignment3,dev]'
	@# The engine's, the checks' and the references' bytecode, as pip leaves installed
	@# packages': a grade then reads it even where PYTHONDONTWRITEBYTECODE is set (a file
	@# changed since is compiled in memory as before). The autograder image compiles its
	@# copy the same way (setup.sh).
	$(PY) -m compileall -q gradekit autograder solutions > /dev/null
	@touch $(STAMP)

test: $(STAMP) system-check
	$(PY) -m pytest -q

# One line when a system package the tests use is missing (the tests that need it skip).
system-check:
	@command -v bwrap >/dev/null 2>&1 || echo "make: bubblewrap is missing, so the tests" \
	    "that grade with confined workers are skipped; install it with" \
	    "'sudo bash scripts/install-system-packages.sh' (Debian: apt-get install bubblewrap)"

release: $(STAMP)
	$(PY) -m gradekit release $(ASSIGNMENT)

notebook-check: $(STAMP)
	$(PY) -m gradekit release $(ASSIGNMENT) --check-notebooks

template: $(STAMP)
	$(PY) -m gradekit release $(ASSIGNMENT) --template-only

bench: $(STAMP)
	@for script in bench/*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

# The autograder image in a real container (scripts/container_check.py), built from a fresh
# release of the assignment. Installs podman, runc and mmdebstrap when root; says so in one
# line and succeeds where podman cannot run.
CONTAINER_ASSIGNMENT ?= assignment1
container-check: $(STAMP)
	bash scripts/install-system-packages.sh --containers
	$(PY) -m gradekit release $(CONTAINER_ASSIGNMENT) --no-proof
	$(PY) scripts/container_check.py --assignment $(CONTAINER_ASSIGNMENT)

clean:
	rm -rf $(VENV) dist build *.egg-info
	find . -name __pycache__ -prune -exec rm -rf {} +

# The autograder image's pins (setup.sh installs with them); a test says when they are stale.
lock: $(STAMP)
	$(PY) scripts/lock_autograder.py

# docs/CONFIGURATION.md from gradekit/config.py's declarations (a test checks it is current).
docs: $(STAMP)
	$(PY) scripts/render_config_docs.py
