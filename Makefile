# Chain City: every target installs what it needs from PyPI and npm first, so a bare
# machine runs `make test` and `make deploy` with nothing set up by hand.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
# Brownie finds solc by version in this folder: compiler/solc-v<version> runs npm `solc`.
export SOLCX_BINARY_PATH := $(CURDIR)/compiler
# Brownie starts devnets by bare name (`ganache`, `anvil`): put the project's ones first.
export PATH := $(CURDIR)/node_modules/.bin:$(BIN):$(PATH)

PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
NETWORKS_STAMP := $(VENV)/.networks

.PHONY: help install networks compile test test-python test-contracts test-ganache test-anvil \
        lint deploy devnet-up devnet-down clean

help:
	@echo "make test     install everything, compile, run every test (contracts on Ganache and Anvil)"
	@echo "make deploy   start a local Ganache devnet if none runs, deploy, print the addresses"
	@echo "make lint     Slither on the compiled contracts"

$(PY_STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

install: $(PY_STAMP) $(NODE_STAMP)

# Brownie keeps networks in ~/.brownie, outside the project: register ours on each machine.
$(NETWORKS_STAMP): $(PY_STAMP) chaincity/devnet.py tools/register_brownie_networks.py
	$(BIN)/python tools/register_brownie_networks.py
	touch $@

networks: $(NETWORKS_STAMP)

compile: install networks
	$(BIN)/brownie compile

test: test-python test-contracts

test-python: install
	$(BIN)/python -m pytest -p no:pytest-brownie -p no:cacheprovider tests/python

test-contracts: test-ganache test-anvil

test-ganache: compile
	@echo "=== contract tests on Ganache ==="
	$(BIN)/brownie test tests/contracts --network city-ganache

test-anvil: compile
	@echo "=== contract tests on Anvil ==="
	$(BIN)/brownie test tests/contracts --network city-anvil

lint: compile
	$(BIN)/slither . --compile-force-framework brownie --ignore-compile \
		--config-file slither.config.json

devnet-up: install
	$(BIN)/chaincity devnet up --chain ganache

devnet-down: install
	$(BIN)/chaincity devnet down --chain ganache

deploy: compile devnet-up
	$(BIN)/brownie run scripts/deploy.py --network city-ganache

clean:
	rm -rf build reports .devnet
