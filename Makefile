# Two commands do all the set-up:
#   make up    installs everything and runs `pulumi up` of the example stack (Pulumi.yaml),
#              against the local Bedrock emulator unless AWS credentials are at hand
#   make test  installs everything and runs the test suite
#   make bench installs everything and runs every benchmark (benchmarks/*.py), printing their tables
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: up test bench install

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

up: install
	$(BIN)/python examples/up.py

test: install
	$(BIN)/python -m pytest

bench: install
	@for script in benchmarks/[!_]*.py; do $(BIN)/python $$script || exit 1; done
