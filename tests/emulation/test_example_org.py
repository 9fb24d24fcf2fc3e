"""Deploy the synthesized example into moto with the emulator, then read it back through boto3:
the organization must be what org.yaml says."""

from pathlib import Path

import pytest

from orgboot.emulator import Engine, deploy_assembly, emulated_aws, management
from orgboot.emulator.aws import MANAGEMENT_ACCOUNT_ID, assume
from orgboot.state.organization import Organization, read_organization
from orgboot.state.security_services import read_security_services
from tests.conftest import EXAMPLE_PARAMETERS, template
from tests.emulation.expected import actual_attachments, actual_placement, attachments, placement


@pytest.fixture(scope="module")
def deployed(example_assembly: Path):
    with emulated_aws():
        engine = Engine()
        deploy_assembly(engine, example_assembly, EXAMPLE_PARAMETERS)
        yield engine, read_organization(management().client("organizations"))


@pytest.fixture(scope="module")
def organization(deployed) -> Organization:
    return deployed[1]


def test_policy_types_enabled_on_the_root(organization, example_spec):
    assert sorted(organization.enabled_policy_types) == sorted(example_spec.organization.policy_types)


def test_ou_tree_equals_the_spec(organization, example_spec):
    assert set(organization.ous()) == set(example_spec.ou_paths)


def test_every_account_is_in_its_ou(organization, example_spec):
    assert actual_placement(organization) == placement(example_spec)


def test_account_names_and_tags(organization, example_spec):
    by_email = {node.email: node for node in organization.accounts().values()}
    for account in example_spec.accounts.values():
        assert by_email[account.email].name == account.name
        assert by_email[account.email].tags == account.tags


def test_policies_are_attached_where_the_spec_says(organization, example_spec):
    assert actual_attachments(organization) == attachments(example_spec)


def test_policy_content_is_the_minified_document(organization, example_spec):
    client = management().client("organizations")  # the module fixture keeps moto running
    policies = client.list_policies(Filter="SERVICE_CONTROL_POLICY")["Policies"]
    stored = {p["Name"]: client.describe_policy(PolicyId=p["Id"])["Policy"]["Content"] for p in policies}
    assert stored["require-imdsv2"] == example_spec.policies["require-imdsv2"].document.minified
    for pack in example_spec.guardrail_packs:  # the guardrails' documents, as orgboot packed them
        if pack.policy_type == "SERVICE_CONTROL_POLICY":
            assert stored[pack.key] == example_spec.organization_policies[pack.key].document.minified


def test_nothing_was_deleted_or_replaced(deployed):
    engine, _ = deployed
    assert {event.action for event in engine.events} == {"CREATE"}


def test_the_deployed_spec_is_recorded_last(deployed, example_assembly):
    """The record the next `orgboot deploy` reads back (docs/deploy.md): the parameter holds the
    version and digest, its Metadata the packed spec, and it is the last resource created."""
    engine, _ = deployed
    definition = template(example_assembly, "MemberRolesStack")["Resources"]["DeployedSpec"]
    stored = management().client("ssm").get_parameter(Name="/orgboot/deployed-spec")["Parameter"]
    assert stored["Value"] == definition["Properties"]["Value"]
    record = engine.stack_resource(MANAGEMENT_ACCOUNT_ID, "MemberRolesStack", "DeployedSpec")
    assert record is not None
    assert record.metadata == definition["Metadata"]
    last = next(event for event in reversed(engine.events) if event.account_id == MANAGEMENT_ACCOUNT_ID)
    assert (last.stack, last.logical_id, last.action) == ("MemberRolesStack", "DeployedSpec", "CREATE")


def test_the_security_services_run_for_every_account(deployed, organization, example_spec):
    """security_baseline: audit analyzes the organization, administers GuardDuty for every account
    (the management account too) and runs Security Hub's central configuration, in every region."""
    services = read_security_services(organization, management(), assume)
    audit = next(account_id for account_id, node in organization.accounts().items() if node.name == "Audit")
    assert set(services.administrators.values()) == {audit}
    assert services.regions == example_spec.security_regions
    every = dict.fromkeys(services.regions, audit)
    for account_id, found in services.accounts.items():
        assert found.analyzers == (services.regions if account_id == audit else ()), account_id
        assert found.guardduty == (every if account_id != audit else dict.fromkeys(services.regions, "")), account_id
        standards = ("cis-aws-foundations-benchmark/v/5.0.0", "aws-foundational-security-best-practices/v/1.0.0")
        assert found.security_hub == dict.fromkeys(services.regions, standards), account_id
    assert MANAGEMENT_ACCOUNT_ID in services.accounts
