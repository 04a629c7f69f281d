# The two commands a new machine needs: `make run` and `make test`.
# Both create .venv if missing and install everything themselves.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
ARTICLES ?= articles

.PHONY: run test bench index clean snapshot-update

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[en]"
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev,en]"
	touch $(VENV)/.installed $@

run: $(VENV)/.installed
	$(BIN)/reader --articles $(ARTICLES)

index: $(VENV)/.installed
	$(BIN)/reader --articles $(ARTICLES) index

test: $(VENV)/.installed-dev
	$(BIN)/lint-imports --no-logo
	$(BIN)/python -m pytest $(PYTEST_ARGS)

snapshot-update: $(VENV)/.installed-dev
	$(BIN)/python -m pytest tests/snapshots --snapshot-update

bench: $(VENV)/.installed-dev
	$(BIN)/python tests/bench/bench.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build dist *.egg-info
