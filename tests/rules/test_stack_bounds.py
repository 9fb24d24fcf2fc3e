"""validate and synth agree: the bounds validate holds each stack to (orgboot/rules/stacks.py) are
never below what the synthesized templates hold, on specs of many shapes and sizes, and never so
far above that they would refuse a spec CloudFormation accepts by much."""

import json
from pathlib import Path

import pytest

from bench.generate import generate
from orgboot.aws.quotas import ROLE_INLINE_POLICIES_MAX, ROLE_MANAGED_POLICIES_MAX, STACKSET_TEMPLATE_BODY_MAX
from orgboot.rules import load_spec
from orgboot.rules.stacks import (
    _MEMBER_ROLES_RESOURCES,
    accounts_read_by_other_stacks,
    baseline_resources,
    organization_template_bytes,
    ous_read_by_other_stacks,
)
from orgboot.spec import OrgSpec
from tests.conftest import synth


def template(assembly: Path, stack: str) -> tuple[dict, int]:
    text = (assembly / f"{stack}.template.json").read_text()
    return json.loads(text), len(text.encode())


@pytest.fixture(scope="module")
def three_hundred(tmp_path_factory) -> tuple[OrgSpec, Path]:
    """300 accounts in OrganizationStack itself, under 15 OUs: the largest shape one stack holds."""
    directory = tmp_path_factory.mktemp("three-hundred")
    spec = load_spec(generate(300, directory))
    return spec, synth(spec, directory / "cdk.out")


@pytest.fixture(params=["example", "all_options", "spread", "three_hundred"])
def synthesized(request, example_spec, example_assembly, all_options_spec, all_options_assembly, spread, three_hundred):
    return {
        "example": (example_spec, example_assembly),
        "all_options": (all_options_spec, all_options_assembly),
        "spread": spread,
        "three_hundred": three_hundred,
    }[request.param]


def test_the_organization_template_is_within_its_bound(synthesized):
    spec, assembly = synthesized
    _, size = template(assembly, "OrganizationStack")
    assert size <= organization_template_bytes(spec) <= 3 * size


def test_the_outputs_are_the_ous_other_stacks_read(synthesized):
    spec, assembly = synthesized
    organization, _ = template(assembly, "OrganizationStack")
    accounts = accounts_read_by_other_stacks(spec) if spec.organization.account_stacks is None else set()
    assert len(organization.get("Outputs", {})) == 2 + len(ous_read_by_other_stacks(spec)) + len(accounts)


def test_the_baseline_and_member_roles_stacks_are_within_their_bounds(synthesized):
    spec, assembly = synthesized
    baseline, _ = template(assembly, "ManagementBaselineStack")
    # The bound validate holds the stack to (with CIS monitoring's and the management account's contacts'
    # resources where the spec turns them on).
    assert len(baseline["Resources"]) <= baseline_resources(spec.management_baseline, spec.security_baseline.alternate_contacts)
    roles, _ = template(assembly, "MemberRolesStack")
    catalogue = spec.member_roles.catalogue
    assert len(roles["Resources"]) <= _MEMBER_ROLES_RESOURCES + len(catalogue)
    third_parties = [role for role in catalogue.values() if role.trust.third_party_account]
    # The CDK's BootstrapVersion, each third party's external ID, and an example's EmulatorOnly.
    assert len(roles["Parameters"]) == 1 + len(third_parties) + spec.emulator_only


def test_a_member_role_template_fits_a_stack_set_whatever_validate_lets_through(synthesized):
    """No rule of its own: IAM's limits on a role (10 managed policies, 10,240 characters of inline
    policies, both checked) keep a role's template far below StackSets' 51,200 bytes."""
    spec, assembly = synthesized
    roles, _ = template(assembly, "MemberRolesStack")
    bodies = {
        r["Properties"]["StackSetName"]: r["Properties"]["TemplateBody"]
        for r in roles["Resources"].values()
        if r["Type"] == "AWS::CloudFormation::StackSet"
    }
    for name, role in spec.member_roles.catalogue.items():
        body = bodies[f"orgboot-role-{name}"]
        inline = sum(len(document.minified) for document in role.inline_policies)
        assert len(body.encode()) <= 4_000 + 2 * inline + 150 * len(role.managed_policies)
    assert 4_000 + 2 * ROLE_INLINE_POLICIES_MAX + 150 * ROLE_MANAGED_POLICIES_MAX < STACKSET_TEMPLATE_BODY_MAX
