"""Shared fixtures. Synthesis is slow (a jsii round trip), so the example is synthesized once per
session and every layer reads that one assembly."""

import json
import os
import shutil
from pathlib import Path

import aws_cdk as cdk
import pytest

import stacks
from orgboot.rules import load_spec
from orgboot.spec import OrgSpec
from orgboot.spec.record import pack

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "org.yaml"
# Every option of org.yaml set to a non-default value: tests/templates/test_all_options.py and
# tests/emulation/test_all_options_deployed.py.
ALL_OPTIONS = REPO / "tests" / "data" / "all_options" / "org.yaml"
# orgboot 0.10's example, whose people are IAM users in groups of the management baseline: for the
# tests of what groups, users and their grants do, now that the example uses IAM Identity Center.
IAM_GROUPS = REPO / "tests" / "data" / "iam_groups" / "org.yaml"

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")


# The CDK CLI gives the app cdk.json's context (feature flags among it): tests synthesize with it too.
CDK_CONTEXT = stacks.cli_context(REPO / "cdk.json")


def synth(spec: OrgSpec, outdir: Path, source: Path | None = None) -> Path:
    """Synthesize every orgboot stack for `spec` into `outdir` (a cloud assembly), as `cdk synth` does;
    with the record of the deployed spec when its `source` (org.yaml) is given, as app.py does."""
    app = cdk.App(outdir=str(outdir), analytics_reporting=False, context=CDK_CONTEXT)
    stacks.build(app, spec, pack(source, spec) if source else None)
    app.synth()
    return outdir


def template(assembly: Path, stack: str) -> dict:
    return json.loads((assembly / f"{stack}.template.json").read_text())


@pytest.fixture(scope="session")
def example_spec() -> OrgSpec:
    return load_spec(EXAMPLE)


@pytest.fixture(scope="session")
def example_assembly(example_spec: OrgSpec, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synth(example_spec, tmp_path_factory.mktemp("example") / "cdk.out", EXAMPLE)


@pytest.fixture(scope="session")
def iam_groups_spec() -> OrgSpec:
    return load_spec(IAM_GROUPS)


@pytest.fixture(scope="session")
def iam_groups_assembly(iam_groups_spec: OrgSpec, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synth(iam_groups_spec, tmp_path_factory.mktemp("iam-groups") / "cdk.out", IAM_GROUPS)


@pytest.fixture(scope="session")
def all_options_spec() -> OrgSpec:
    return load_spec(ALL_OPTIONS)


@pytest.fixture(scope="session")
def all_options_assembly(all_options_spec: OrgSpec, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synth(all_options_spec, tmp_path_factory.mktemp("all-options") / "cdk.out", ALL_OPTIONS)


@pytest.fixture(scope="session")
def spread(tmp_path_factory: pytest.TempPathFactory) -> tuple[OrgSpec, Path]:
    """A generated organization of 45 accounts spread over 3 stacks, and its assembly."""
    from bench.generate import generate

    directory = tmp_path_factory.mktemp("spread")
    spec = load_spec(generate(45, directory / "org", account_stacks=3))
    return spec, synth(spec, directory / "cdk.out")


def example_variant(tmp_path: Path, change, source: Path = EXAMPLE) -> OrgSpec:
    """The example org.yaml (or `source`) after `change(data)` edits its parsed YAML in place."""
    import yaml

    data = yaml.safe_load(source.read_text())
    change(data)
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "org.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    shutil.copytree(source.parent / "policies", tmp_path / "policies")
    return load_spec(tmp_path / "org.yaml")


def iam_groups_variant(tmp_path: Path, change) -> OrgSpec:
    """IAM_GROUPS (orgboot 0.10's example) after `change(data)`, as example_variant."""
    return example_variant(tmp_path, change, IAM_GROUPS)


# What `cdk deploy --parameters` gives in real deploys: the third party's external ID.
EXAMPLE_PARAMETERS = {"MemberRolesStack:ExternalAuditExternalId": "test-external-id"}
ALL_OPTIONS_PARAMETERS = {"MemberRolesStack:VendorExternalId": "vendor-external-id"}


def edited(assembly: Path, tmp_path: Path, stack: str, edit) -> Path:
    """A copy of `assembly` with `edit(template)` applied to one stack's template."""
    import shutil

    copy = tmp_path / "cdk.out"
    shutil.copytree(assembly, copy)
    file = copy / f"{stack}.template.json"
    changed = json.loads(file.read_text())
    edit(changed)
    file.write_text(json.dumps(changed))
    return copy


def all_options_document(path: str) -> dict:
    """A policy file of the all-options spec, as written."""
    content: dict = json.loads((ALL_OPTIONS.parent / "policies" / path).read_text())
    return content
