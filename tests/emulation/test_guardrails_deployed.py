"""Every guardrail of the library on one OU at once, deployed: orgboot packs them into few enough
documents for AWS's per-target limits, the account under them still gets its member roles (the
StackSets' execution role is exempt where it must be), and the documents hold every guardrail."""

from typing import Any

import pytest

from orgboot.aws.policy_types import POLICY_TYPES
from orgboot.emulator import Engine, deploy_assembly, emulated_aws, management
from orgboot.policy.guardrails import REGISTRY
from orgboot.state.organization import read_organization
from tests.conftest import EXAMPLE_PARAMETERS, example_variant, synth
from tests.emulation.expected import roles_by_account_name

PARAMETERS: dict[str, dict[str, Any]] = {"region-deny": {"allowed_regions": ["eu-west-1"]}}


def every_guardrail_on_sandbox(data: dict) -> None:
    data["guardrails"] = {name: {**PARAMETERS.get(name, {}), "targets": ["Sandbox"]} for name in REGISTRY}


@pytest.fixture(scope="module")
def deployed(tmp_path_factory):
    directory = tmp_path_factory.mktemp("every-guardrail")
    spec = example_variant(directory, every_guardrail_on_sandbox)
    assembly = synth(spec, directory / "cdk.out")
    with emulated_aws():
        deploy_assembly(Engine(), assembly, EXAMPLE_PARAMETERS)
        organization = read_organization(management().client("organizations"))
        yield spec, organization, roles_by_account_name()


def test_every_guardrail_fits_on_one_ou(deployed):
    spec, organization, _ = deployed
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
    spec, organization, _ = deployed
    stored = {name: organization.documents[name] for name in organization.ous()["Sandbox"].policies["SERVICE_CONTROL_POLICY"][1:]}
    sids = {statement["Sid"] for document in stored.values() for statement in document["Statement"]}
    assert {"DenyLeavingAndClosing", "DenyRootUser", "DenyOutsideAllowedRegions", "Quarantine", "ProtectOrgbootRoles"} <= sids


def test_the_account_under_them_still_gets_its_roles(deployed):
    _, _, roles = deployed
    assert roles["Sandbox Alice"] == {"Admin", "ReadOnly"}
