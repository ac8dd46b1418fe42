# Talenta — two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test lint bench clean

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
	$(BIN)/ruff check ml tests bench
	$(BIN)/ruff format --check ml tests bench
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/generate.py
	$(BIN)/python bench/features.py
	$(BIN)/python bench/scoring.py
	$(BIN)/python bench/fairness.py
	$(BIN)/python bench/fairness_real.py
	$(BIN)/python bench/plan.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
