# Two entry points for a fresh machine: `make run` (install + serve the chat UI) and `make test`.
# Both install exactly requirements.lock (every version and hash), with the pip that Python 3.11 brings.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
LOCK := requirements.lock
LOCKED := $(VENV)/.locked
STAMP := $(VENV)/.installed
# `make lock` runs pip-tools from a venv of its own; its pip resolves with this machine's pip configuration,
# as the installs do (the CPU build of torch 2.13.0 lies in pip's find-links folder).
LOCK_VENV := .venv-lock
PIP_TOOLS := pip-tools==7.6.2
LOCK_ARGS ?=
# e.g. make test PYTEST_ARGS="-m unit" for the fast tests only
PYTEST_ARGS ?=
# The UI tests drive Debian's headless Chromium (never a downloaded browser build).
CHROMIUM ?= /usr/bin/chromium
# The accessibility test injects axe-core, pinned (version and hash) in tests/package-lock.json.
AXE := tests/node_modules/axe-core/axe.min.js

.PHONY: run test install check-lock lock wheel-test chromium

# Stops at once, saying how to fix it, when pyproject.toml and the lock disagree.
check-lock:
	@$(PYTHON) tools/requirements_lock.py

# A new lock gets a new venv, so that the venv holds the lock's packages and nothing else.
$(LOCKED): $(LOCK)
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --require-hashes -r $(LOCK)
	touch $@

# carbonqa itself, editable, built with the lock's setuptools: nothing is resolved or downloaded here.
$(STAMP): $(LOCKED) pyproject.toml
	$(PY) -m pip install -q --no-deps --no-build-isolation -e .
	touch $@

install: check-lock $(STAMP)

run: install
	$(VENV)/bin/carbonqa serve

# Installs Debian's chromium when it is missing and this user can (root + apt-get); else says how.
chromium:
	@if [ -x "$(CHROMIUM)" ]; then \
	    true; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian's chromium for the UI tests (apt-get) ..."; \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	else \
	    echo "错误 / error: the UI tests need Debian's chromium at $(CHROMIUM), and this user cannot install it." >&2; \
	    echo "修复 / fix: sudo apt-get install -y chromium   (then run make test again)" >&2; \
	    exit 2; \
	fi

# npm ci installs exactly the locked axe-core; npm comes from Debian when missing (root + apt-get).
$(AXE): tests/package.json tests/package-lock.json
	@if ! command -v npm >/dev/null 2>&1; then \
	    if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	        apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q npm; \
	    else \
	        echo "错误 / error: the accessibility test needs npm to install axe-core (tests/package.json)." >&2; \
	        echo "修复 / fix: sudo apt-get install -y npm   (then run make test again)" >&2; \
	        exit 2; \
	    fi; \
	fi
	npm ci --prefix tests --no-audit --no-fund
	touch $(AXE)

test: install chromium $(AXE)
	$(VENV)/bin/pytest -q $(PYTEST_ARGS)

# Re-resolves requirements.lock for pyproject.toml, keeping the pins that still fit;
# `make lock LOCK_ARGS=--upgrade` moves every package to its newest release.
lock:
	test -x $(LOCK_VENV)/bin/pip-compile || \
	    { $(PYTHON) -m venv $(LOCK_VENV) && $(LOCK_VENV)/bin/python -m pip install -q $(PIP_TOOLS); }
	CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_VENV)/bin/pip-compile -q --generate-hashes --allow-unsafe \
	    --strip-extras --all-extras --all-build-deps --no-emit-index-url --no-emit-find-links \
	    $(LOCK_ARGS) -o $(LOCK) pyproject.toml

# Builds the wheel, installs it with the lock into a new venv outside the checkout, serves from an empty folder.
wheel-test: check-lock
	$(PYTHON) tools/wheel_test.py
