# The front door: `make run` and `make test` set everything up on first use.
#   .venv         Python 3.11: knowledge base, retrieval, API, actions
#   .venv-engine  Python 3.10: the Rasa engine (bot/, connectors/)
SHELL := /bin/bash
HOST ?= 127.0.0.1
PORT ?= 8000

PYTHON311 ?= $(firstword $(wildcard /root/.pyenv/versions/3.11.*/bin/python3.11) $(shell command -v python3.11))
PYTHON310 ?= $(firstword $(wildcard /root/.pyenv/versions/3.10.*/bin/python3.10) $(shell command -v python3.10))

APP_ENV := .venv/.installed
ENGINE_ENV := .venv-engine/.installed
# The Rasa model is retrained only when the training data, the config or the Vietnamese
# components change; otherwise the last one is reused.
MODEL := models/tthc.tar.gz
TRAINING_INPUTS := config.yml domain.yml $(wildcard data/*.yml) \
	bot/normalizer.py bot/tokenizer.py vntext/normalization.py
RASA := RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 .venv-engine/bin/rasa

.PHONY: run test setup app-setup train lint format bench audit clean

# Two jobs: `tthc setup` (model, index, adaptation) runs while the engine environment
# installs and the Rasa model trains, so a fresh machine waits for the slower of the two.
run:
	$(MAKE) --jobs=2 setup train
	.venv/bin/tthc serve --host $(HOST) --port $(PORT)

setup: $(ENGINE_ENV) app-setup

app-setup: $(APP_ENV)
	.venv/bin/tthc setup

train: $(MODEL)

$(MODEL): $(ENGINE_ENV) $(TRAINING_INPUTS)
	$(RASA) data validate --quiet
	$(RASA) train --fixed-model-name tthc --out models
	touch $@

test: $(APP_ENV) $(ENGINE_ENV) $(MODEL)
	.venv/bin/tthc model build
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports
	.venv-engine/bin/python -m pytest tests/shared tests/engine -q
	.venv/bin/python -m pytest tests -q --ignore=tests/engine

$(APP_ENV): pyproject.toml
	@if [ -z "$(PYTHON311)" ]; then \
	  echo "Python 3.11 is required for .venv. Install it (e.g. 'pyenv install 3.11' or 'apt-get install python3.11 python3.11-venv') or set PYTHON311=/path/to/python3.11."; exit 1; fi
	test -x .venv/bin/python || $(PYTHON311) -m venv .venv
	.venv/bin/python -m pip install --quiet --upgrade pip
	.venv/bin/python -m pip install --quiet -e '.[app,dev,browser-tests,audit]'
	touch $@

# After the application environment: both installs build this checkout's metadata in place
# (*.egg-info), which two at once could garble.
$(ENGINE_ENV): pyproject.toml | $(APP_ENV)
	@if [ -z "$(PYTHON310)" ]; then \
	  echo "Python 3.10 is required for .venv-engine (Rasa 3.6 needs Python <= 3.10). Install it (e.g. 'pyenv install 3.10' or 'apt-get install python3.10 python3.10-venv') or set PYTHON310=/path/to/python3.10."; exit 1; fi
	test -x .venv-engine/bin/python || $(PYTHON310) -m venv .venv-engine
	.venv-engine/bin/python -m pip install --quiet --upgrade pip
	.venv-engine/bin/python -m pip install --quiet -e '.[engine,dev]'
	touch $@

lint: $(APP_ENV)
	.venv/bin/ruff check .
	.venv/bin/lint-imports

format: $(APP_ENV)
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

bench: setup $(MODEL)
	.venv/bin/python benchmarks/kb_benchmark.py
	.venv-engine/bin/python benchmarks/nlu_eval.py
	.venv/bin/python benchmarks/conversation_latency.py

# Known vulnerabilities in both environments' packages, from OSV (.ci/dependency_audit.py):
# fails on any; a source that cannot be reached is printed as "NOT AUDITED", never as clean,
# and fails too with AUDIT_FLAGS=--require-source (where the source is reachable).
audit: $(APP_ENV) $(ENGINE_ENV)
	.venv/bin/python .ci/dependency_audit.py $(AUDIT_FLAGS) .venv/bin/python .venv-engine/bin/python

clean:
	rm -rf .venv .venv-engine .data models .rasa
