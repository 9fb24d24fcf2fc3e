"""`orgboot schema` as an editor uses it (the YAML language server validates org.yaml against it
with a standard JSON Schema validator): every spec validate's schema accepts is valid under it, and
the mistakes people make in typical entries are not. The JSON Schema describes the model of
org.yaml (orgboot/spec), not the rules that relate entries (an account's OU is declared): those
stay validate's."""

import contextlib
import io
import json
from importlib import metadata
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from packaging.requirements import Requirement

from orgboot.cli import main
from orgboot.spec import SpecError
from orgboot.spec.fields import check_ou_path
from orgboot.spec.loading import read_spec
from orgboot.spec.yaml_source import parse_yaml
from tests.conftest import REPO

# The specs people start from and the ones the tests load; every other YAML file under tests/ and
# examples/ that the model accepts joins them, so a new example is checked without a new line here.
NAMED_SPECS = ("org.yaml", "orgboot/starter/org.yaml", "examples/whitepaper/org.yaml", "tests/data/all_options/org.yaml")


def _spec_files() -> list[Path]:
    named = [REPO / name for name in NAMED_SPECS]
    found = {path for folder in ("examples", "tests") for ext in ("yaml", "yml") for path in (REPO / folder).rglob(f"*.{ext}")}
    return named + sorted(found - set(named), key=str)


def _model_problems(path: Path) -> list[str]:
    """What validate's schema stage (the pydantic model the JSON Schema is made from) refuses."""
    try:
        return [str(problem) for problem in read_spec(path).located_problems()]
    except SpecError as error:
        return [str(error)]


SPECS = [path for path in _spec_files() if path.relative_to(REPO).as_posix() in NAMED_SPECS or not _model_problems(path)]


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main(["schema"]) == 0
    schema = json.loads(printed.getvalue())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)  # a schema the standard accepts, whatever it then says of a spec
    return cls(schema)


def _problems(validator: jsonschema.protocols.Validator, data: Any) -> list[str]:
    return [f"{'.'.join(str(p) for p in error.absolute_path)}: {error.message[:300]}" for error in validator.iter_errors(data)]


@pytest.mark.parametrize("path", SPECS, ids=[path.relative_to(REPO).as_posix() for path in SPECS])
def test_every_spec_the_model_accepts_is_valid_under_the_schema(validator, path):
    assert _model_problems(path) == []  # the named specs are valid; the others were picked because they are
    data = parse_yaml(path.read_text(encoding="utf-8"), str(path)).data  # read as validate reads it
    assert _problems(validator, data) == []


def test_the_named_specs_are_all_found():
    assert {path.relative_to(REPO).as_posix() for path in SPECS} >= set(NAMED_SPECS)


VALID = """
emulator_only: true
organization: {policy_types: [SERVICE_CONTROL_POLICY]}
organizational_units: [Workloads, Sandbox]
accounts:
  shop-prod: {name: Shop Prod, email: aws+shop-prod@example.com, ou: Workloads}
guardrails:
  deny-leave-organization: {targets: [Root]}
  region-deny: {allowed_regions: [eu-west-1], targets: [Workloads]}
  region-deny-sandbox: {guardrail: region-deny, allowed_regions: [us-east-1], targets: [Sandbox]}
  quarantine: {guardrail: quarantine, targets: [Sandbox]}
"""

# Each a typical mistake in one line of VALID: (what is wrong, the line, what replaces it).
INVALID = {
    "unknown top-level key": ("organizational_units: [Workloads, Sandbox]", "organisational_units: [Workloads, Sandbox]"),
    "misspelt guardrail parameter": (
        "region-deny: {allowed_regions: [eu-west-1], targets: [Workloads]}",
        "region-deny: {allowed_region: [eu-west-1], targets: [Workloads]}",
    ),
    "parameter of another guardrail": (
        "deny-leave-organization: {targets: [Root]}",
        "deny-leave-organization: {allowed_regions: [eu-west-1], targets: [Root]}",
    ),
    "required parameter missing": (
        "region-deny: {allowed_regions: [eu-west-1], targets: [Workloads]}",
        "region-deny: {targets: [Workloads]}",
    ),
    "guardrail without targets": ("deny-leave-organization: {targets: [Root]}", "deny-leave-organization: {targets: []}"),
    "own key without guardrail:": (
        "region-deny-sandbox: {guardrail: region-deny, allowed_regions: [us-east-1], targets: [Sandbox]}",
        "region-deny-sandbox: {allowed_regions: [us-east-1], targets: [Sandbox]}",
    ),
    "guardrail: names no guardrail": (
        "region-deny-sandbox: {guardrail: region-deny, allowed_regions: [us-east-1], targets: [Sandbox]}",
        "region-deny-sandbox: {guardrail: region-denied, allowed_regions: [us-east-1], targets: [Sandbox]}",
    ),
    "own key with another guardrail's parameters": (
        "region-deny-sandbox: {guardrail: region-deny, allowed_regions: [us-east-1], targets: [Sandbox]}",
        "region-deny-sandbox: {guardrail: quarantine, allowed_regions: [us-east-1], targets: [Sandbox]}",
    ),
    "library key naming another guardrail": (
        "quarantine: {guardrail: quarantine, targets: [Sandbox]}",
        "quarantine: {guardrail: deny-root-user, targets: [Sandbox]}",
    ),
    "guardrail key in capitals": (
        "deny-leave-organization: {targets: [Root]}",
        "Deny-Leave: {guardrail: deny-leave-organization, targets: [Root]}",
    ),
    "account key in capitals": ("shop-prod: {name: Shop Prod", "Shop_Prod: {name: Shop Prod"),
    "account without email": (
        "shop-prod: {name: Shop Prod, email: aws+shop-prod@example.com, ou: Workloads}",
        "shop-prod: {name: Shop Prod, ou: Workloads}",
    ),
    # OU paths: what validate refuses of a path, wherever one is written.
    "OU path starting with '/'": ("organizational_units: [Workloads, Sandbox]", "organizational_units: [/Workloads, Sandbox]"),
    "OU path with slashes around it": ("organizational_units: [Workloads, Sandbox]", "organizational_units: [Workloads, /Sandbox/]"),
    "OU path with an empty name": ("organizational_units: [Workloads, Sandbox]", "organizational_units: [Workloads, Sandbox//Dev]"),
    "OU name with a space around it": ("organizational_units: [Workloads, Sandbox]", "organizational_units: [Workloads, 'Sandbox ']"),
    "OU nested 6 levels": ("organizational_units: [Workloads, Sandbox]", "organizational_units: [Workloads, Sandbox, A/B/C/D/E/F]"),
    "Root declared as an OU": ("organizational_units: [Workloads, Sandbox]", "organizational_units: [Workloads, Sandbox, Root]"),
    "OU name too long": ("organizational_units: [Workloads, Sandbox]", f"organizational_units: [Workloads, Sandbox, {'S' * 129}]"),
    "keyed OU path with slashes around it": (
        "organizational_units: [Workloads, Sandbox]",
        "organizational_units: [Workloads, {/Sandbox/: {key: Sb}}]",
    ),
    "account's OU with slashes around it": ("ou: Workloads}", "ou: /Workloads/}"),
    "target with a trailing '/'": (
        "region-deny: {allowed_regions: [eu-west-1], targets: [Workloads]}",
        "region-deny: {allowed_regions: [eu-west-1], targets: [Workloads/]}",
    ),
}


def test_the_valid_sample_is_valid_for_both(validator, tmp_path):
    spec = tmp_path / "org.yaml"
    spec.write_text(VALID)
    assert _model_problems(spec) == []
    assert _problems(validator, parse_yaml(VALID, str(spec)).data) == []


@pytest.mark.parametrize("mistake", INVALID)
def test_typical_mistakes_are_invalid_under_the_schema(validator, tmp_path, mistake):
    before, after = INVALID[mistake]
    assert VALID.count(before) == 1
    text = VALID.replace(before, after)
    spec = tmp_path / "org.yaml"
    spec.write_text(text)
    assert _model_problems(spec) != []  # validate refuses it: the schema must not be stricter than orgboot
    assert _problems(validator, parse_yaml(text, str(spec)).data) != []


# Paths validate accepts and refuses, each as an OU entry: the schema's pattern agrees on every one.
OU_PATHS = [
    "Workloads", "Workloads/Prod", "A/B/C/D/E", "Sand box", "Ünïcode/Ω", "x" * 128, "a/" + "y" * 128, "Root/Child", "Rooted",
    "/Workloads", "Workloads/", "/", "", "A//B", " A", "A ", "A/ B", "A\tB/C ", "A/B/C/D/E/F", "Root", "x" * 129,
    "A\n", "A\u3000", "A\x1f", "\u2028A",
]  # fmt: skip


def _valid_ou_path(path: str) -> bool:
    try:
        check_ou_path(path)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("path", OU_PATHS, ids=[repr(path)[:30] for path in OU_PATHS])
def test_the_schema_takes_an_ou_path_exactly_when_validate_does(validator, path):
    accepted = _valid_ou_path(path)
    for entry in (path, {path: {"key": "K"}}):
        assert (_problems(validator, {"organizational_units": [entry]}) == []) == accepted, entry
    # A reference (an account's OU, a target) is a declared path or Root: the same form, Root allowed.
    account = {"name": "A", "email": "a@example.com", "ou": path}
    assert (_problems(validator, {"accounts": {"a": account}}) == []) == (accepted or path == "Root")


def test_jsonschema_and_what_it_needs_are_pinned_at_the_installed_versions():
    """The validator this file relies on, pinned like every test tool (requirements-dev.txt)."""
    pinned = {}
    for line in (REPO / "requirements-dev.txt").read_text().splitlines():
        name, _, version = line.split("#")[0].strip().partition("==")
        pinned[name.lower()] = version
    needed = ["jsonschema", *(Requirement(r).name.lower() for r in metadata.requires("jsonschema") or () if ";" not in r)]
    assert {name: pinned.get(name) for name in needed} == {name: metadata.version(name) for name in needed}
