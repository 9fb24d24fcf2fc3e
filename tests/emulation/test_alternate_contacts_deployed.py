"""Alternate contacts deployed into the emulator and read back through the Account Management API:
every account's, the management account's too; an update that changes a contact, adds an account and
removes a contact type; and what AWS refuses (orgboot/emulator/account_management.py)."""

from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from orgboot.aws.organizations import ACCOUNT_MANAGEMENT_SERVICE_PRINCIPAL
from orgboot.emulator import EmulationError, Engine, deploy_assembly, emulated_aws, management
from orgboot.emulator.account_management import refuse
from orgboot.emulator.assembly import AssemblyStack, read_assembly
from orgboot.emulator.aws import AwsAccount
from orgboot.spec import logical_ids
from tests.conftest import edited, example_variant, synth

TYPES = ("BILLING", "OPERATIONS", "SECURITY")
NEW_SECURITY_EMAIL = "aws-security-team@example.com"


def contacts_by_account() -> dict[str, dict[str, dict[str, str]]]:
    """Account name -> its alternate contacts by type, as GetAlternateContact gives them from the
    management account (members by AccountId, itself without)."""
    aws = management()
    account = aws.client("account")
    found: dict[str, dict[str, dict[str, str]]] = {}
    for member in aws.client("organizations").list_accounts()["Accounts"]:
        named = {} if member["Id"] == aws.account_id else {"AccountId": member["Id"]}
        found[member["Name"]] = {}
        for kind in TYPES:
            try:
                contact = account.get_alternate_contact(AlternateContactType=kind, **named)["AlternateContact"]
            except account.exceptions.ResourceNotFoundException:
                continue
            found[member["Name"]][kind] = {key: contact[key] for key in ("Name", "Title", "EmailAddress", "PhoneNumber")}
    return found


def change(data: dict[str, Any]) -> None:
    contacts = data["security_baseline"]["alternate_contacts"]
    contacts["default"]["security"]["email"] = NEW_SECURITY_EMAIL  # a contact changed
    del contacts["default"]["billing"]  # a type no longer declared
    data["accounts"]["shop-qa"] = {"name": "Shop QA", "email": "aws+shop-qa@example.com", "ou": "Workloads/Prod"}  # added later
    del data["accounts"]["sandbox-alice"]  # released: orgboot no longer manages it
    data["released_accounts"] = ["sandbox-alice"]


def holding_contacts(assembly: Path) -> list[AssemblyStack]:
    """The stacks that set alternate contacts (the example has no account stacks): the others take
    most of a deploy's time and set none."""
    return [stack for stack in read_assembly(assembly) if stack.name in ("OrganizationStack", "ManagementBaselineStack")]


@pytest.fixture(scope="module")
def deployed(example_assembly: Path, tmp_path_factory: pytest.TempPathFactory):
    """The contacts after the example's deploy, after the changed spec's, and the update's events."""
    directory = tmp_path_factory.mktemp("contacts")
    changed = synth(example_variant(directory / "org", change), directory / "cdk.out")
    with emulated_aws():
        engine = Engine()
        deploy_assembly(engine, holding_contacts(example_assembly))
        before = contacts_by_account()
        first = len(engine.events)
        deploy_assembly(engine, holding_contacts(changed))
        return before, contacts_by_account(), {(e.stack, e.logical_id, e.action) for e in engine.events[first:]}


def contact(name: str, title: str, email: str, phone: str) -> dict[str, str]:
    return {"Name": name, "Title": title, "EmailAddress": email, "PhoneNumber": phone}


BILLING = contact("Finance Team", "Accounts Payable", "aws-billing@example.com", "+1 206 555 0100")
OPERATIONS = contact("Platform Team", "Cloud Operations", "aws-operations@example.com", "+1 206 555 0101")
SECURITY = contact("Security Team", "Security Operations", "aws-security@example.com", "+1 206 555 0102")
SHOP_ON_CALL = contact("Shop On-Call", "Site Reliability", "shop-oncall@example.com", "+1 206 555 0110")
NETWORK_TEAM = contact("Network Team", "Network Engineering", "aws-network@example.com", "+1 206 555 0120")
DEFAULT = {"BILLING": BILLING, "OPERATIONS": OPERATIONS, "SECURITY": SECURITY}


def test_every_account_has_its_contacts_the_management_account_too(deployed):
    before, _, _ = deployed
    assert before == {
        "master": DEFAULT,  # moto's name for the management account: set without AccountId
        "Log Archive": DEFAULT,
        "Audit": DEFAULT,
        "Network": DEFAULT | {"OPERATIONS": NETWORK_TEAM},
        "Shop Prod": DEFAULT | {"OPERATIONS": SHOP_ON_CALL},
        "Shop Dev": DEFAULT,
        "Sandbox Alice": DEFAULT,
    }


def test_an_update_puts_what_changed_and_deletes_a_type_no_longer_declared(deployed):
    _, after, events = deployed
    security = SECURITY | {"EmailAddress": NEW_SECURITY_EMAIL}
    for name in ("master", "Log Archive", "Audit", "Shop Dev"):
        assert after[name] == {"OPERATIONS": OPERATIONS, "SECURITY": security}, name
    assert after["Shop Prod"] == {"OPERATIONS": SHOP_ON_CALL, "SECURITY": security}
    assert ("OrganizationStack", logical_ids.ALTERNATE_CONTACTS, "UPDATE") in events
    assert ("ManagementBaselineStack", logical_ids.ALTERNATE_CONTACTS, "UPDATE") in events


def test_an_account_added_later_gets_its_contacts_in_the_deploy_that_creates_it(deployed):
    before, after, _ = deployed
    assert "Shop QA" not in before
    assert after["Shop QA"] == after["Shop Prod"]  # its OU's


def test_a_released_account_keeps_its_contacts(deployed):
    before, after, _ = deployed
    assert after["Sandbox Alice"] == before["Sandbox Alice"] == DEFAULT


def test_members_cannot_be_named_before_trusted_access(example_assembly: Path, tmp_path: Path):
    """Without Account Management's trusted access the management account may not name a member: the
    custom resource fails (after retrying the AccessDenied while IAM might still be propagating)."""

    def without_trusted_access(template: dict[str, Any]) -> None:
        resources = template["Resources"]
        gone = {lid for lid in resources if lid.startswith(logical_ids.ACCOUNT_MANAGEMENT_TRUSTED_ACCESS)}
        for lid in gone:
            del resources[lid]
        for resource in resources.values():
            if "DependsOn" in resource:
                resource["DependsOn"] = [lid for lid in resource["DependsOn"] if lid not in gone]

    broken = edited(example_assembly, tmp_path, "OrganizationStack", without_trusted_access)
    with (
        emulated_aws(),
        pytest.raises(EmulationError, match=r"AccessDeniedException.*trusted access for account\.amazonaws\.com is not enabled"),
    ):
        deploy_assembly(Engine(), holding_contacts(broken))


# The checks themselves, against a bare organization in moto.


@pytest.fixture
def organization():
    """An organization with two members; the management account's AwsAccount and the members' IDs."""
    with mock_aws():
        aws = AwsAccount("123456789012", "us-east-1")
        organizations = aws.client("organizations")
        organizations.create_organization(FeatureSet="ALL")
        members = [
            organizations.create_account(AccountName=name, Email=f"{name}@example.com")["CreateAccountStatus"]["AccountId"]
            for name in ("one", "two")
        ]
        yield aws, members


PUT = {"AlternateContactType": "SECURITY", "Name": "Sec", "Title": "Officer", "EmailAddress": "s@example.com", "PhoneNumber": "1"}


def refused(aws: AwsAccount, operation: str, **parameters: str) -> str:
    with pytest.raises(ClientError) as caught:
        refuse(aws, operation, parameters)
    return f"{caught.value.response['Error']['Code']}: {caught.value.response['Error']['Message']}"


def test_naming_a_member_needs_trusted_access(organization):
    aws, (member, _) = organization
    assert "trusted access for account.amazonaws.com is not enabled" in refused(aws, "PutAlternateContact", AccountId=member, **PUT)
    aws.client("organizations").enable_aws_service_access(ServicePrincipal=ACCOUNT_MANAGEMENT_SERVICE_PRINCIPAL)
    refuse(aws, "PutAlternateContact", {"AccountId": member, **PUT})  # no refusal


def test_the_management_account_may_not_name_itself_nor_an_outsider(organization):
    aws, _ = organization
    aws.client("organizations").enable_aws_service_access(ServicePrincipal=ACCOUNT_MANAGEMENT_SERVICE_PRINCIPAL)
    assert refused(aws, "PutAlternateContact", AccountId=aws.account_id, **PUT).startswith(
        "AccessDeniedException: User: arn:aws:iam::123456789012 is not authorized to perform: account:PutAlternateContact"
        " on account 123456789012: the management account can't specify its own AccountId"
    )
    assert "999999999999 is not a member account of the organization" in refused(
        aws, "PutAlternateContact", AccountId="999999999999", **PUT
    )
    refuse(aws, "PutAlternateContact", PUT)  # itself, without AccountId


def test_a_member_may_not_name_another_unless_account_managements_delegated_administrator(organization):
    aws, (first, second) = organization
    organizations = aws.client("organizations")
    organizations.enable_aws_service_access(ServicePrincipal=ACCOUNT_MANAGEMENT_SERVICE_PRINCIPAL)
    # Another service's delegated administrator is not Account Management's (moto cannot register
    # account.amazonaws.com itself).
    organizations.register_delegated_administrator(AccountId=first, ServicePrincipal="guardduty.amazonaws.com")
    for caller in (first, second):
        assert "only the management account or Account Management's delegated administrator" in refused(
            AwsAccount(caller, "us-east-1"), "DeleteAlternateContact", AccountId=second, AlternateContactType="SECURITY"
        )


def test_deleting_a_contact_that_is_not_there_is_not_found(organization):
    aws, (member, _) = organization
    aws.client("organizations").enable_aws_service_access(ServicePrincipal=ACCOUNT_MANAGEMENT_SERVICE_PRINCIPAL)
    assert refused(aws, "DeleteAlternateContact", AccountId=member, AlternateContactType="BILLING").startswith("ResourceNotFoundException")
    aws.client("account").put_alternate_contact(AccountId=member, **{**PUT, "AlternateContactType": "BILLING"})
    refuse(aws, "DeleteAlternateContact", {"AccountId": member, "AlternateContactType": "BILLING"})  # no refusal
