# Talenta — two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test lint browser screenshots bench clean

install: $(STAMP)

# Rebuilt whenever the dependencies change; a venv from nothing takes a few minutes.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,dask]'
	touch $@

demo: $(STAMP)
	$(BIN)/talenta demo

lint: $(STAMP)
	$(BIN)/ruff check ml tests bench scripts
	$(BIN)/ruff format --check ml tests bench scripts
	$(BIN)/mypy

# Debian's Chromium for the browser tests (tests/browser; Playwright drives it, no browser
# download). Installing needs root and the Debian repositories; where that fails the browser
# tests skip and say why, the rest of `make test` runs.
browser:
	@command -v chromium >/dev/null 2>&1 || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) || \
	  echo "chromium could not be installed: the browser tests will be skipped"

test: lint browser
	$(BIN)/python -m pytest

# The README's screenshots of the pages, from the home `make demo` built (TALENTA_HOME).
screenshots: $(STAMP) browser
	$(BIN)/python scripts/screenshots.py --out docs/screenshots

bench: $(STAMP)
	$(BIN)/python bench/generate.py
	$(BIN)/python bench/features.py
	$(BIN)/python bench/scoring.py
	$(BIN)/python bench/fairness.py
	$(BIN)/python bench/fairness_real.py
	$(BIN)/python bench/plan.py
	$(BIN)/python bench/api.py
	$(BIN)/python bench/pages.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
