# One target per habit. Every target sets itself up: a fresh clone needs nothing but Python 3.11.
SHELL := /bin/bash
PYTHON_BOOT ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
# sam build needs python3.11 on PATH; the virtual environment provides it.
export PATH := $(BIN):$(PATH)
INSTALLED := $(VENV)/.installed
BUILT := .aws-sam/build/template.yaml
SOURCES := template.yaml $(shell find functions layers statemachines config -type f -not -path '*/__pycache__/*' 2>/dev/null)

.PHONY: help venv build browser lint test scenarios demo local bench langbench deploy clean messages

help:
	@echo "make demo    replay a crisis through the embedded AWS runtime (sets everything up first)"
	@echo "make test    lint, validate the template and run every test"
	@echo "make local   keep the embedded runtime running for a browser or the AWS CLI"
	@echo "make bench   print the benchmarks"
	@echo "make scenarios  replay every scenario of scenarios/expected.toml as a loop test (known gaps too)"
	@echo "make deploy  sam build && sam deploy (to a real AWS account)"

$(INSTALLED): requirements/dev.lock pyproject.toml
	$(PYTHON_BOOT) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

venv: $(INSTALLED)

# Validators with dependencies of their own: checkov pins a boto3 that dev.lock cannot hold (its own
# virtual environment, requirements/checkov.lock); asl-validator comes from npm (tools/package-lock.json).
CHECKOV_VENV := .venv-checkov
CHECKOV := $(CHECKOV_VENV)/bin/checkov --quiet --compact --skip-download --framework cloudformation
CHECKOV_INSTALLED := $(CHECKOV_VENV)/.installed
NODE_TOOLS := tools/node_modules/.installed
ASL_VALIDATOR := tools/node_modules/.bin/asl-validator
TRANSFORMED := .aws-sam/transformed/template.json

$(CHECKOV_INSTALLED): requirements/checkov.lock
	$(PYTHON_BOOT) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet -r requirements/checkov.lock
	touch $@

# The language-identification candidates that `python -m bench.language` compares (requirements/
# bench-language.txt), apart from the project's own environment: about 170 MB that nothing else needs.
LANGBENCH_VENV := .venv-langbench
LANGBENCH_INSTALLED := $(LANGBENCH_VENV)/.installed

$(LANGBENCH_INSTALLED): requirements/bench-language.txt
	$(PYTHON_BOOT) -m venv $(LANGBENCH_VENV)
	$(LANGBENCH_VENV)/bin/python -m pip install --quiet -r requirements/bench-language.txt
	touch $@

langbench: $(LANGBENCH_INSTALLED)

$(NODE_TOOLS): tools/package.json tools/package-lock.json
	cd tools && npm ci --no-audit --no-fund --silent
	touch $@

# The page tests drive Debian's Chromium through Playwright (which cannot fetch browsers of its own here).
CHROMIUM := /usr/bin/chromium

$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then apt-get install -y -qq --no-install-recommends chromium >/dev/null \
	  || { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium >/dev/null; }; \
	else sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null; fi

browser: $(CHROMIUM)

$(BUILT): $(INSTALLED) $(SOURCES)
	$(BIN)/sam build --cached --parallel
	touch $@

build: $(BUILT)

# The gettext catalogues (babel.cfg): extract every message of the code and templates into messages.pot,
# then merge it into each language's messages.po (new messages arrive untranslated, changed ones fuzzy).
# Translate them in the .po; the core layer's build compiles and checks them (layers/core/Makefile).
LOCALE := layers/core/crisiswatch/locale
messages: $(INSTALLED)
	$(BIN)/pybabel extract -F babel.cfg -o $(LOCALE)/messages.pot --no-wrap --sort-by-file \
	  --project=CrisisWatch --version=0.1.0 --copyright-holder=CrisisWatch \
	  --msgid-bugs-address=crisis-team@example.com -c "Translators:" .
	$(BIN)/pybabel update -i $(LOCALE)/messages.pot -d $(LOCALE) --no-wrap --ignore-obsolete
	$(BIN)/python layers/core/compile_catalogues.py layers/core/crisiswatch /tmp/crisiswatch-catalogues

# cfn-lint with its informational checks too; checkov on template.yaml and on what SAM makes of it
# (generated roles, permissions, API stage), every accepted finding suppressed in template.yaml.
lint: $(INSTALLED) $(CHECKOV_INSTALLED) $(NODE_TOOLS)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy layers/core/crisiswatch layers/sources/crisiswatch_sources ops/crisiswatch_ops functions tests/fakes.py
	$(BIN)/sam validate --lint
	$(BIN)/cfn-lint --include-checks I -- template.yaml
	$(ASL_VALIDATOR) --json-path statemachines/crisis_plan.asl.json
	$(CHECKOV) --file template.yaml
	$(BIN)/python -m crisiswatch_ops.sam_transform template.yaml $(TRANSFORMED)
	$(CHECKOV) --file $(TRANSFORMED)

test: lint $(BUILT) $(CHROMIUM)
	$(BIN)/python -m pytest -m "not scenario and not scenario_gap"

# Every replay scenario of scenarios/expected.toml, the known gaps too (about 70 minutes; `make test`
# replays the two recalls only).
scenarios: $(BUILT)
	$(BIN)/python -m pytest tests/loop/test_scenarios.py

demo: $(BUILT)
	$(BIN)/crisiswatch demo

local: $(BUILT)
	$(BIN)/crisiswatch local

bench: $(BUILT) $(LANGBENCH_INSTALLED)
	$(BIN)/python -m bench

deploy: $(BUILT)
	$(BIN)/sam deploy

clean:
	rm -rf .aws-sam .crisiswatch .pytest_cache .mypy_cache .ruff_cache
