# orgboot: every step a newcomer needs, from a fresh clone.
#   make demo   set up, synthesize org.yaml with the real CDK CLI, deploy it into the emulator
#   make test   set up and run the tests

VENV := .venv
PYTHON := $(VENV)/bin/python
CDK := node_modules/.bin/cdk
SPEC ?= org.yaml

# Node 20 is end-of-life for jsii: silence its banner. No version checks or telemetry from the CLI.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export CDK_DISABLE_VERSION_CHECK := 1
export CDK_DISABLE_CLI_TELEMETRY := true
export PATH := $(CURDIR)/$(VENV)/bin:$(CURDIR)/node_modules/.bin:$(PATH)

.PHONY: setup synth demo validate test bench clean

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

validate: setup
	$(PYTHON) -m orgboot validate $(SPEC)

# Validation first, so a bad org.yaml is reported plainly and leaves no cdk.out behind.
synth: validate
	rm -rf cdk.out
	$(CDK) synth --quiet --no-notices --context spec=$(SPEC)
	@echo "Synthesized into cdk.out/"

demo: synth
	$(PYTHON) -m orgboot emulate cdk.out

test: setup
	$(PYTHON) -m pytest

bench: setup
	$(PYTHON) bench/emulate_example.py

clean:
	rm -rf cdk.out .pytest_cache
