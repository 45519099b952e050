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

.PHONY: help install networks compile demo test test-python test-contracts test-ganache test-anvil \
        test-anvil-then-python test-ganache-then-python bench \
        lint deploy devnet-up devnet-down clean

help:
	@echo "make demo     the whole chain city on a devnet of its own: stories, summary, reports/demo.html"
	@echo "make test     install everything, compile, run every test (contracts on Ganache and Anvil)"
	@echo "make deploy   start a local Ganache devnet if none runs, deploy, print the addresses"
	@echo "make bench    every benchmark figure in one table, bench/results/<date>.json (BENCHMARKS.md)"
	@echo "make lint     Slither on every contract (fails on untriaged high/medium findings)"

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

# Brownie keeps networks in ~/.brownie, outside the project and the venv: (re)register ours
# every time, so a machine whose ~/.brownie is new or stale still finds them.
networks: $(PY_STAMP)
	$(BIN)/python tools/register_brownie_networks.py

compile: install networks
	$(BIN)/brownie compile

# SCALE=loudi: Loudi's whole register (150,000 households), on Anvil unless CHAIN=ganache;
# CHAIN=anvil for the faster devnet at any scale (the demo's default is Ganache, as users run it).
SCALE ?= default
CHAIN ?=
demo: compile
	$(BIN)/python -m chaincity.demo --scale $(SCALE) $(if $(CHAIN),--chain $(CHAIN))

# Four runs in two lanes (two cores), so both end together: Ganache's contract suite, the
# longest, then the longest Python tests; Anvil's contract suite, then the other Python tests.
# -O prints each lane's output whole when it ends.
PYTEST := $(BIN)/python -m pytest -p no:pytest-brownie -p no:cacheprovider
PYTHON_TESTS_AFTER_GANACHE := tests/python/test_faults_kill.py tests/python/test_demo.py tests/python/test_portal.py
test: compile
	$(MAKE) --no-print-directory -j2 -O test-ganache-then-python test-anvil-then-python

test-ganache-then-python: compile
	$(MAKE) --no-print-directory test-ganache
	$(PYTEST) $(PYTHON_TESTS_AFTER_GANACHE)

test-anvil-then-python: compile
	$(MAKE) --no-print-directory test-anvil
	$(PYTEST) tests/python $(addprefix --ignore=,$(PYTHON_TESTS_AFTER_GANACHE))

# The deployment tests deploy the compiled contracts on a devnet of their own.
test-python: compile
	$(PYTEST) tests/python

# Both devnets at once (two cores); -O prints each suite's output whole when it ends.
test-contracts: compile
	$(MAKE) --no-print-directory -j2 -O test-ganache test-anvil

# Brownie kills its chain with SIGKILL, so Ganache never removes its database from $$TMPDIR:
# each suite gets a folder of the project's own, emptied before the run.
test-ganache: compile
	@echo "=== contract tests on Ganache ==="
	rm -rf build/tmp/ganache && mkdir -p build/tmp/ganache
	TMPDIR=$(CURDIR)/build/tmp/ganache $(BIN)/brownie test tests/contracts --network city-ganache

test-anvil: compile
	@echo "=== contract tests on Anvil ==="
	rm -rf build/tmp/anvil && mkdir -p build/tmp/anvil
	TMPDIR=$(CURDIR)/build/tmp/anvil $(BIN)/brownie test tests/contracts --network city-anvil

# Every figure of BENCHMARKS.md, one table, bench/results/<date>.json (not part of `make test`:
# it takes a while and its figures are measurements, not pass/fail). BENCH_ARGS=--quick: a small run.
BENCH_ARGS ?=
bench: compile
	$(BIN)/python -m bench $(BENCH_ARGS)

lint: install
	$(BIN)/python tools/lint.py

devnet-up: install
	$(BIN)/chaincity devnet up --chain ganache

devnet-down: install
	$(BIN)/chaincity devnet down --chain ganache

deploy: compile devnet-up
	$(BIN)/chaincity deploy --rpc-url http://127.0.0.1:8545

clean:
	rm -rf build reports .devnet .demo
