# Two commands do all the set-up:
#   make up    installs everything and runs `pulumi up` of the repository's stack (Pulumi.yaml)
#              against the local Bedrock emulator; TARGET=aws make up deploys to your AWS
#              account instead, with an interactive `pulumi up` that asks before changing anything
#   make test  installs everything and runs the test suite
#   make bench installs everything and runs every benchmark (benchmarks/*.py), printing their tables
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
INSTALL_LOG := $(VENV)/install.log

.PHONY: up test bench install

install: $(VENV)/.installed

# pip's output goes to a log; on failure its last lines are shown, with the log's path.
$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing pulumi-bedrock-inference and its test dependencies into $(VENV) (log: $(INSTALL_LOG))"
	@{ $(BIN)/python -m pip install --upgrade pip && $(BIN)/python -m pip install -e ".[test]"; } > $(INSTALL_LOG) 2>&1 \
		|| { grep -v "is ignored: it is neither a file nor a directory" $(INSTALL_LOG) | tail -n 30; echo "pip install failed; full log: $(INSTALL_LOG)"; exit 1; }
	@touch $@

up: install
	@$(BIN)/python examples/up.py

test: install
	$(BIN)/python -m pytest

bench: install
	@for script in benchmarks/[!_]*.py; do $(BIN)/python $$script || exit 1; done
