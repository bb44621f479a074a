# Two entry points for a fresh machine: `make run` (install + serve the chat UI) and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The UI tests drive Debian's headless Chromium (never a downloaded browser build).
CHROMIUM ?= /usr/bin/chromium
# The accessibility test injects axe-core, pinned (version and hash) in tests/package-lock.json.
AXE := tests/node_modules/axe-core/axe.min.js

.PHONY: run test install chromium

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
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

test: $(STAMP) chromium $(AXE)
	$(VENV)/bin/pytest -q
