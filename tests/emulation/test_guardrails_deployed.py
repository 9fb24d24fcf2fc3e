"""Every guardrail of the library on one OU at once, deployed: orgboot packs them into few enough
documents for AWS's per-target limits, the account under them still gets its member roles (the
StackSets' execution role is exempt where it must be: region-deny leaves it the StackSets' region,
us-east-1, which it does not allow to anyone else), the documents hold every guardrail, and the
access matrix read back from AWS names what exempts each role, as the spec says."""

from typing import Any

import pytest

from orgboot.analysis.access import spec_access, state_access
from orgboot.aws.policy_types import POLICY_TYPES
from orgboot.emulator import Engine, deploy_assembly, emulated_aws, management
from orgboot.emulator.aws import assume
from orgboot.policy.guardrails import REGISTRY
from orgboot.state.baseline import read_baseline
from orgboot.state.member_roles import read_member_roles
from orgboot.state.organization import read_organization
from tests.conftest import EXAMPLE_PARAMETERS, iam_groups_variant, synth
from tests.emulation.expected import roles_by_account_name

PARAMETERS: dict[str, dict[str, Any]] = {"region-deny": {"allowed_regions": ["eu-west-1"]}}


def every_guardrail_on_sandbox(data: dict) -> None:
    data["guardrails"] = {name: {**PARAMETERS.get(name, {}), "targets": ["Sandbox"]} for name in REGISTRY}
    # The security services run in region-deny's one allowed region, where Security Hub's central
    # configuration has no region to link to its home region (rules/security_services.py): not here.
    del data["security_baseline"]["security_hub"]


@pytest.fixture(scope="module")
def deployed(tmp_path_factory):
    directory = tmp_path_factory.mktemp("every-guardrail")
    spec = iam_groups_variant(directory, every_guardrail_on_sandbox)
    assembly = synth(spec, directory / "cdk.out")
    with emulated_aws():
        deploy_assembly(Engine(), assembly, EXAMPLE_PARAMETERS)
        organization = read_organization(management().client("organizations"))
        matrix = state_access(read_baseline(management()), organization, read_member_roles(organization, assume))
        yield spec, organization, roles_by_account_name(), matrix


def test_every_guardrail_fits_on_one_ou(deployed):
    spec, organization, _, _ = deployed
    sandbox = organization.ous()["Sandbox"]
    for policy_type, names in sandbox.policies.items():
        assert len(names) <= POLICY_TYPES[policy_type].max_per_target
    # The SCPs in one document, the RCPs in another, beside AWS's default policies.
    assert sandbox.policies == {
        "SERVICE_CONTROL_POLICY": sorted(
            ["FullAWSAccess", *(p.key for p in spec.guardrail_packs if p.policy_type == "SERVICE_CONTROL_POLICY")]
        ),
        "RESOURCE_CONTROL_POLICY": sorted(
            ["RCPFullAWSAccess", *(p.key for p in spec.guardrail_packs if p.policy_type == "RESOURCE_CONTROL_POLICY")]
        ),
    }
    assert len(spec.guardrail_packs) == 2
    packed = {member for pack in spec.guardrail_packs for member in pack.members}
    assert packed == set(REGISTRY)


def test_the_documents_hold_every_guardrail(deployed):
    spec, organization, _, _ = deployed
    stored = {name: organization.documents[name] for name in organization.ous()["Sandbox"].policies["SERVICE_CONTROL_POLICY"][1:]}
    sids = {statement["Sid"] for document in stored.values() for statement in document["Statement"]}
    assert {"DenyLeavingAndClosing", "DenyRootUser", "DenyOutsideAllowedRegions", "Quarantine", "ProtectOrgbootRoles"} <= sids
    assert {"DenyStackSetsRegionToOthers", "ProtectMemberRoles"} <= sids  # the StackSets' region; the member roles
    (rcps,) = organization.ous()["Sandbox"].policies["RESOURCE_CONTROL_POLICY"][1:]
    rcp_sids = [statement["Sid"] for statement in organization.documents[rcps]["Statement"]]
    assert rcp_sids == ["EnforceSecureTransport", "EnforceOrganizationIdentities", "EnforceConfusedDeputyProtection"]


def test_the_deployed_access_matrix_names_the_guardrails_that_exempt_break_glass(deployed):
    """Read back from the documents AWS holds (every guardrail packed into one SCP on Sandbox):
    break-glass (the access role) is exempt from quarantine and protect-orgboot-roles in the
    account under them, the everyday roles from nothing; the offline matrix says the same."""
    spec, _, _, matrix = deployed
    rows = {(row.group, row.role): row for row in matrix}
    break_glass = rows[("BreakGlass", "OrganizationAccountAccessRole")]
    assert ("Admins", "OrganizationAccountAccessRole") not in rows  # break-glass is a group of its own
    assert break_glass.break_glass
    assert [(e.label, e.accounts) for e in break_glass.exempt_from] == [
        ("guardrail protect-orgboot-roles", ("Sandbox Alice",)),
        ("guardrail quarantine", ("Sandbox Alice",)),
    ]
    assert rows[("Admins", "Admin")].exempt_from == ()
    assert matrix == spec_access(spec)


def test_the_account_under_them_still_gets_its_roles(deployed):
    _, _, roles, _ = deployed
    assert roles["Sandbox Alice"] == {"Admin", "ReadOnly"}
