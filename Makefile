# orgboot: every step a newcomer needs, from a fresh clone.
#   make demo   set up, synthesize org.yaml with the real CDK CLI, deploy it into the emulator
#   make test   set up, lint, and run the tests

VENV := .venv
PYTHON := $(VENV)/bin/python
SPEC ?= org.yaml
OUT ?= cdk.out

# Node 20 is end-of-life for jsii: silence its banner. No version checks or telemetry from the CLI.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export CDK_DISABLE_VERSION_CHECK := 1
export CDK_DISABLE_CLI_TELEMETRY := true
export PATH := $(CURDIR)/$(VENV)/bin:$(CURDIR)/node_modules/.bin:$(PATH)

comma := ,

.PHONY: setup synth demo deploy validate wheel lint test bench mutants clean

setup: $(VENV)/.installed node_modules/.installed

# The venv holds the pinned packages and orgboot itself (editable), which gives the `orgboot` command.
$(VENV)/.installed: requirements.txt requirements-dev.txt pyproject.toml
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

validate: setup
	$(VENV)/bin/orgboot validate $(SPEC)

# Validates, then `cdk synth` with the pinned CLI; never a stale or partial assembly (orgboot/cli/cdk.py).
synth: setup
	$(VENV)/bin/orgboot synth $(SPEC) --output $(OUT)

# The access assertions are the example organization's: checked when SPEC is the example.
demo: synth
	@if [ "$(SPEC)" = org.yaml ]; then $(VENV)/bin/orgboot simulate $(SPEC) --assertions access-assertions.yaml; fi
	$(VENV)/bin/orgboot emulate $(OUT)

# The real deploy, from the management account: `orgboot deploy` validates, checks the change against
# what is deployed, proves it in the emulated AWS, asks, then runs `cdk deploy --all --no-rollback`, so
# a failed create or update resumes on the next deploy instead of rolling back and leaving the
# retained organization and accounts outside the stack (docs/deploy.md). ARGS adds options:
# ARGS=--yes in CI, ARGS=--emulated for an emulator_only spec such as this repository's org.yaml.
deploy: setup
	$(VENV)/bin/orgboot deploy $(SPEC) $(ARGS)

# orgboot as a wheel (dist/), CDK app included: what an organization's repository installs.
wheel: setup
	$(PYTHON) -m pip wheel --quiet --disable-pip-version-check --no-deps --wheel-dir dist .

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/actionlint

test: lint
	$(PYTHON) -m pytest -n auto --dist loadfile

bench: setup
	$(PYTHON) bench/emulate_example.py
	$(PYTHON) bench/scale.py
	$(PYTHON) bench/adopt.py

# Deliberate bugs the tests should catch (slow: minutes to an hour). TARGETS as FILE=TESTS pairs.
mutants: setup
	$(PYTHON) tools/mutants.py $(or $(TARGETS),orgboot/rules/__init__.py=tests/spec$(comma)tests/rules)

clean:
	rm -rf $(OUT) $(OUT).partial build dist .pytest_cache .mypy_cache .import_linter_cache
