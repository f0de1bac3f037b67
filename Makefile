# Two commands do all the set-up:
#   make up    installs everything and runs `pulumi up` of the repository's stack (Pulumi.yaml)
#              against the local Bedrock emulator; TARGET=aws make up deploys to your AWS
#              account instead, with an interactive `pulumi up` that asks before changing anything
#   make test  installs everything and runs the test suite
#   make bench installs everything and runs every benchmark (benchmarks/*.py), printing their tables
#   make cli   finds `pulumi` (3.221 or newer) on PATH, or builds the pinned CLI from Go modules into a
#              cache outside the clone (tools/pulumi-cli/); `make up` and `make test` do this first
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
INSTALL_LOG := $(VENV)/install.log

.PHONY: up test bench install cli cli-if-possible

install: $(VENV)/.installed

# pip's output goes to a log; on failure its last lines are shown, with the log's path.
$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing pulumi-bedrock-inference and its test dependencies into $(VENV) (log: $(INSTALL_LOG))"
	@{ $(BIN)/python -m pip install --upgrade pip && $(BIN)/python -m pip install -e ".[test]"; } > $(INSTALL_LOG) 2>&1 \
		|| { grep -v "is ignored: it is neither a file nor a directory" $(INSTALL_LOG) | tail -n 30; echo "pip install failed; full log: $(INSTALL_LOG)"; exit 1; }
	@touch $@

cli:
	@$(PYTHON) tools/pulumi-cli/build.py >/dev/null

# Without Go and without a `pulumi` on PATH, `make test` skips the real-engine tier (one line says so).
cli-if-possible:
	@$(PYTHON) tools/pulumi-cli/build.py --if-possible >/dev/null

up: install cli
	@PATH="$$($(PYTHON) tools/pulumi-cli/build.py --locate):$$PATH" $(BIN)/python examples/up.py

test: install cli-if-possible
	$(BIN)/python -m pytest

bench: install cli
	@export PATH="$$($(PYTHON) tools/pulumi-cli/build.py --locate):$$PATH"; \
	for script in benchmarks/[!_]*.py; do $(BIN)/python $$script || exit 1; done
