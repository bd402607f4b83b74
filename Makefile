# The commands a newcomer needs. Everything installs into ./.venv from this repo's files.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: run test demo lint bench install install-dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

## make install: the runtime only (what deploy/monitor.service runs)
install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## make run: install, migrate ./monitor.db (or $MONITOR_DATABASE_URL) and start the daemon
run: install
	$(BIN)/monitor --config config.yaml db upgrade
	$(BIN)/monitor --config config.yaml run

## make demo: offline tour on a bundled feed served on 127.0.0.1
demo: install
	$(BIN)/monitor demo

## make test: lint, type-check and run the test suite
test: install-dev
	$(BIN)/ruff check monitor tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2

lint: install-dev
	$(BIN)/ruff check monitor tests bench
	$(BIN)/mypy

## make bench: benchmarks, each figure printed beside a baseline measured in the same run
bench: install-dev
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
