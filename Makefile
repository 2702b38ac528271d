# One target per habit. `make demo` and `make test` set up everything they need.
PYTHON ?= python3
VENV := .venv
SAM_VENV := .venv-sam
BIN := $(VENV)/bin
# sam build needs a python3.13 on PATH; with pyenv this makes one visible beside the default.
SAM_PYENV_VERSION ?= 3.13.0:3.11.7
SAM_CLI_VERSION := 1.170.0
export SAM_CLI_TELEMETRY := 0
export AWS_DEFAULT_REGION ?= us-east-1

.PHONY: demo test unit integration lint format typecheck template bench clean

$(BIN)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

$(SAM_VENV)/.installed:
	$(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install --quiet "aws-sam-cli==$(SAM_CLI_VERSION)"
	touch $@

demo: $(BIN)/.installed  ## run the examples offline into out/
	$(BIN)/spec2listing run examples --out out

test: lint typecheck  ## lint, type-check and run every test
	$(BIN)/pytest

unit: $(BIN)/.installed
	$(BIN)/pytest tests/unit

integration: $(BIN)/.installed
	$(BIN)/pytest tests/integration

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: $(BIN)/.installed
	$(BIN)/mypy

template: $(BIN)/.installed $(SAM_VENV)/.installed  ## cfn-lint, sam validate --lint and sam build
	$(BIN)/cfn-lint template.yaml
	$(SAM_VENV)/bin/sam validate --lint
	PYENV_VERSION=$(SAM_PYENV_VERSION) $(SAM_VENV)/bin/sam build

bench: $(BIN)/.installed
	$(BIN)/python bench/catalog.py

clean:
	rm -rf $(VENV) $(SAM_VENV) .aws-sam out .pytest_cache .mypy_cache .ruff_cache
