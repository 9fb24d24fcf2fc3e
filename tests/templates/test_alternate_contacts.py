"""Alternate contacts in the templates: one Custom::AlternateContacts per stack that holds accounts
(and one in ManagementBaselineStack for the management account), mapping each account's ID to a
shared contact set; Account Management's trusted access before any member is named."""

import json
from pathlib import Path

from aws_cdk import App, Environment

from orgboot.aws.quotas import STACK_RESOURCES_MAX, TEMPLATE_SIZE_MAX
from orgboot.aws.regions import HOME_REGION
from orgboot.spec import Account, logical_ids
from orgboot.spec.contacts import AlternateContacts
from stacks.accounts_stack import AccountsStack
from tests.conftest import CDK_CONTEXT, template


def contacts_of(resources: dict) -> dict:
    """Each account the stack's Custom::AlternateContacts names -> the names of its contacts, by type."""
    properties = resources[logical_ids.ALTERNATE_CONTACTS]["Properties"]
    sets = properties["ContactSets"]
    return {
        json.dumps(account): {kind: contact["Name"] for kind, contact in sets[name].items()}
        for name, accounts in properties["Accounts"].items()
        for account in accounts
    }


def account_id(key: str) -> str:
    return json.dumps({"Fn::GetAtt": [logical_ids.account(key), "AccountId"]})


DEFAULT = {"BILLING": "Finance Team", "OPERATIONS": "Platform Team", "SECURITY": "Security Team"}


def test_each_member_account_is_named_by_its_id_with_its_contacts(example_assembly: Path):
    resources = template(example_assembly, "OrganizationStack")["Resources"]
    assert contacts_of(resources) == {
        account_id("audit"): DEFAULT,
        account_id("log-archive"): DEFAULT,
        account_id("network"): DEFAULT | {"OPERATIONS": "Network Team"},  # its own override
        account_id("shop-dev"): DEFAULT,
        account_id("shop-prod"): DEFAULT | {"OPERATIONS": "Shop On-Call"},  # Workloads/Prod's override
        account_id("sandbox-alice"): DEFAULT,
    }
    contacts = resources[logical_ids.ALTERNATE_CONTACTS]
    assert len(contacts["Properties"]["ContactSets"]) == 3  # six accounts share three sets
    assert next(iter(contacts["Properties"]["ContactSets"].values()))["SECURITY"] == {
        "Name": "Security Team",
        "Title": "Security Operations",
        "EmailAddress": "aws-security@example.com",
        "PhoneNumber": "+1 206 555 0102",
    }
    assert contacts["Type"] == "Custom::AlternateContacts"
    # Its ServiceToken, which an update may not change, is the pinned function.
    assert contacts["Properties"]["ServiceToken"] == {"Fn::GetAtt": [logical_ids.ALTERNATE_CONTACTS_FUNCTION, "Arn"]}
    # Trusted access comes first: without it the management account may not name a member.
    assert logical_ids.ACCOUNT_MANAGEMENT_TRUSTED_ACCESS in contacts["DependsOn"]


def test_trusted_access_is_enabled_and_never_disabled(example_assembly: Path):
    resources = template(example_assembly, "OrganizationStack")["Resources"]
    trusted = resources[logical_ids.ACCOUNT_MANAGEMENT_TRUSTED_ACCESS]["Properties"]
    assert json.loads(trusted["Create"]) == {
        "action": "enableAWSServiceAccess",
        "service": "Organizations",
        "parameters": {"ServicePrincipal": "account.amazonaws.com"},
        "physicalResourceId": {"id": "account-management-trusted-access"},
    }
    assert "Delete" not in trusted  # the account stacks deployed after may still need it to delete contacts


def test_the_function_may_put_and_delete_contacts_only(example_assembly: Path):
    resources = template(example_assembly, "OrganizationStack")["Resources"]
    (policy,) = [
        r["Properties"]["PolicyDocument"]
        for r in resources.values()
        if r["Type"] == "AWS::IAM::Policy" and r["Properties"]["Roles"] == [{"Ref": "AlternateContactsFunctionServiceRole71338F7E"}]
    ]
    assert policy["Statement"] == [
        {"Action": ["account:DeleteAlternateContact", "account:PutAlternateContact"], "Effect": "Allow", "Resource": "*"}
    ]


def test_the_management_account_is_the_baseline_stacks_own(example_assembly: Path):
    resources = template(example_assembly, "ManagementBaselineStack")["Resources"]
    # Its own account: the function calls without AccountId, as AWS requires of the management account.
    assert contacts_of(resources) == {json.dumps({"Ref": "AWS::AccountId"}): DEFAULT}


def test_a_full_account_stack_holds_one_contacts_resource_and_a_set_per_combination():
    """400 accounts, the most an accounts stack holds (orgboot/spec/layout.py): one custom resource for
    all of them, sets shared, well within CloudFormation's 500 resources and 1 MB."""
    contacts = AlternateContacts.model_validate(
        {
            "default": {"security": {"name": "Sec", "title": "Officer", "email": "sec@example.com", "phone": "+1 206 555 0100"}},
            "ous": {"Sandbox": {"billing": {"name": "Owner", "title": "Owner", "email": "own@example.com", "phone": "+1 206 555 0101"}}},
        }
    )
    accounts = {
        f"account-{i:03d}": Account(name=f"Account {i}", email=f"aws+{i}@example.com", ou="Sandbox" if i % 2 else "Workloads/Prod")
        for i in range(400)
    }
    app = App(context=CDK_CONTEXT, analytics_reporting=False)
    AccountsStack(app, "OrganizationAccounts01", accounts=accounts, contacts=contacts, env=Environment(region=HOME_REGION))
    body = json.dumps(app.synth().get_stack_by_name("OrganizationAccounts01").template)
    resources = json.loads(body)["Resources"]
    assert [lid for lid, r in resources.items() if r["Type"] == "Custom::AlternateContacts"] == [logical_ids.ALTERNATE_CONTACTS]
    found = contacts_of(resources)
    assert found[account_id("account-001")] == {"BILLING": "Owner", "SECURITY": "Sec"}
    assert found[account_id("account-000")] == {"SECURITY": "Sec"}
    assert len(found) == 400
    assert len(resources) <= STACK_RESOURCES_MAX
    assert len(body) < TEMPLATE_SIZE_MAX
    properties = json.dumps(resources[logical_ids.ALTERNATE_CONTACTS]["Properties"])
    assert len(properties) < 400 * 60  # an account costs its ID's reference, not its contacts
