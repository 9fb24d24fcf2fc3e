"""The existing organization that tests of `orgboot import` and `orgboot drift` read
(tests/support/existing_organization.py) is what it claims to be, read back through the
Organizations, IAM, CloudTrail, Budgets and Account APIs as any reader would, every list paged."""

from collections.abc import Iterator

import pytest
from botocore.exceptions import ClientError

from orgboot.aws.organizations import ACCESS_ROLE, ROOT
from orgboot.emulator.aws import AwsAccount, emulated_aws, management
from orgboot.state.pages import all_items
from tests.support.existing_organization import (
    ALLOW_LISTED_OU,
    CORE,
    FULL_AWS_ACCESS,
    INVITED,
    SUSPENDED,
    TWELVE_TAGS,
    ExistingOrganization,
    build_existing_organization,
    endpoint_clients,
    planned_accounts,
)

ACCOUNTS = 120


def test_the_same_builder_fills_a_served_emulator():
    """Through HTTP clients at the served emulator's URL (`orgboot emulate --serve`). First in this
    module: its emulated AWS must not nest in the module fixtures' (they start with later tests)."""
    from orgboot.emulator.server import EmulatorServer

    with EmulatorServer() as server:
        served = build_existing_organization(endpoint_clients(server.url), accounts=len(CORE))
        organizations = endpoint_clients(server.url)("organizations")
        invited = organizations.describe_account(AccountId=served.invited_account_id)["Account"]
        assert invited["JoinedMethod"] == "INVITED"
        assert len(all_items(organizations, "list_accounts", "Accounts")) == len(CORE) + 1
        with pytest.raises(ClientError, match="NoSuchEntity"):
            AwsAccount(served.invited_account_id, "us-east-1", endpoint_url=server.url).client("iam").get_role(RoleName=ACCESS_ROLE)


@pytest.fixture(scope="module")
def earlier() -> ExistingOrganization:
    """A build in an emulated AWS of its own, made (and gone) before `built`'s: emulated AWSes
    do not nest (moto resets its state only when the outermost mock starts)."""
    with emulated_aws():
        return build_existing_organization(accounts=ACCOUNTS)


@pytest.fixture(scope="module")
def built(earlier: ExistingOrganization) -> Iterator[ExistingOrganization]:
    with emulated_aws():
        yield build_existing_organization(accounts=ACCOUNTS)


@pytest.fixture(scope="module")
def organizations(built):
    return management().client("organizations")


def ou_tree(organizations, root_id: str) -> dict[str, str]:
    """OU path -> ID, read level by level with ListOrganizationalUnitsForParent."""
    found: dict[str, str] = {}
    level = [("", root_id)]
    while level:
        below = []
        for path, parent in level:
            for ou in all_items(organizations, "list_organizational_units_for_parent", "OrganizationalUnits", ParentId=parent):
                child = f"{path}/{ou['Name']}" if path else ou["Name"]
                assert child not in found, f"two OUs at {child}"
                found[child] = ou["Id"]
                below.append((child, ou["Id"]))
        level = below
    return found


def test_organization_root_and_policy_types(built, organizations):
    described = organizations.describe_organization()["Organization"]
    assert (described["Id"], described["FeatureSet"], described["MasterAccountId"]) == (
        built.organization_id,
        "ALL",
        built.management_account_id,
    )
    (root,) = organizations.list_roots()["Roots"]
    assert root["Id"] == built.root_id
    assert {(t["Type"], t["Status"]) for t in root["PolicyTypes"]} == {(t, "ENABLED") for t in built.policy_types}
    assert set(built.policy_types) == {"SERVICE_CONTROL_POLICY", "TAG_POLICY", "RESOURCE_CONTROL_POLICY", "AISERVICES_OPT_OUT_POLICY"}


def test_ous_nest_five_deep_and_share_names_under_different_parents(built, organizations):
    assert ou_tree(organizations, built.root_id) == dict(built.ous)
    # the deepest OU's parents, up to the root: five OU levels
    chain, child = [], built.ous[built.deepest_ou]
    while child != built.root_id:
        chain.append(organizations.describe_organizational_unit(OrganizationalUnitId=child)["OrganizationalUnit"]["Name"])
        (parent,) = organizations.list_parents(ChildId=child)["Parents"]
        child = parent["Id"]
    assert chain[::-1] == built.deepest_ou.split("/") == ["Workloads", "Prod", "Payments", "Card Processing", "PCI Scope"]
    names = [path.rsplit("/", 1)[-1] for path in built.ous]
    assert names.count("Shared") == 2
    assert {"Workloads/Prod/Shared", "Workloads/Dev/Shared", "Workloads/Prod/Data Platform", "legacy-Apps"} <= set(built.ous)


def test_lists_page(built, organizations):
    """More than a page of OUs under one parent, of accounts under one parent and in all, and of SCPs."""
    prod = organizations.list_organizational_units_for_parent(ParentId=built.ous["Workloads/Prod"])
    assert "NextToken" in prod
    assert (
        len(all_items(organizations, "list_organizational_units_for_parent", "OrganizationalUnits", ParentId=built.ous["Workloads/Prod"]))
        > 20
    )
    sandbox = organizations.list_accounts_for_parent(ParentId=built.ous[ALLOW_LISTED_OU])
    assert "NextToken" in sandbox
    assert len(all_items(organizations, "list_accounts_for_parent", "Accounts", ParentId=built.ous[ALLOW_LISTED_OU])) > 20
    assert "NextToken" in organizations.list_accounts()
    assert "NextToken" in organizations.list_policies(Filter="SERVICE_CONTROL_POLICY")


def test_every_account_is_where_the_facts_say(built, organizations):
    listed = {a["Id"]: a for a in all_items(organizations, "list_accounts", "Accounts")}
    assert len(listed) == ACCOUNTS + 1  # and the management account
    assert set(listed) == {built.management_account_id, *(a.id for a in built.accounts.values())}
    parents = {ROOT: built.root_id, **built.ous}
    for account in built.accounts.values():
        assert (listed[account.id]["Name"], listed[account.id]["Email"]) == (account.name, account.email)
        assert (listed[account.id]["State"], listed[account.id]["JoinedMethod"]) == (account.state, account.joined_method)
    for path, parent in parents.items():
        under = {a["Id"] for a in all_items(organizations, "list_accounts_for_parent", "Accounts", ParentId=parent)}
        expected = {a.id for a in built.accounts.values() if a.ou == path}
        if path == ROOT:
            expected.add(built.management_account_id)
        assert under == expected, path
    assert (listed[built.management_account_id]["Name"], listed[built.management_account_id]["Email"]) == (
        built.management_account.name,
        built.management_account.email,
    )
    assert len({a.email for a in built.accounts.values()}) == ACCOUNTS
    assert not [a.email for a in built.accounts.values() if a.email.endswith("@example.com")]
    # names differing only by case and punctuation, as an importer's keys could collide
    assert {"Payments Prod", "payments-prod", "payments-dev", "Sandbox - Alice"} <= set(built.accounts)


def test_suspended_and_invited_accounts(built, organizations):
    suspended = organizations.describe_account(AccountId=built.suspended_account_id)["Account"]
    assert (suspended["Name"], suspended["State"]) == (SUSPENDED, "SUSPENDED")
    (parent,) = organizations.list_parents(ChildId=built.suspended_account_id)["Parents"]
    assert parent["Id"] == built.ous["Suspended"]

    invited = organizations.describe_account(AccountId=built.invited_account_id)["Account"]
    assert (invited["Name"], invited["JoinedMethod"], invited["State"]) == (INVITED, "INVITED", "ACTIVE")
    others = {a["JoinedMethod"] for a in all_items(organizations, "list_accounts", "Accounts") if a["Id"] != built.invited_account_id}
    assert others == {"CREATED"}
    with pytest.raises(ClientError, match="NoSuchEntity"):
        AwsAccount(built.invited_account_id, "us-east-1").client("iam").get_role(RoleName=ACCESS_ROLE)
    created = built.accounts["Payments Prod"].id
    assert AwsAccount(created, "us-east-1").client("iam").get_role(RoleName=ACCESS_ROLE)["Role"]["RoleName"] == ACCESS_ROLE


def test_tags(built, organizations):
    for account in built.accounts.values():
        tags = {t["Key"]: t["Value"] for t in organizations.list_tags_for_resource(ResourceId=account.id)["Tags"]}
        assert tags == dict(account.tags), account.name
    assert len(built.accounts[TWELVE_TAGS].tags) >= 10
    tagged = [a for a in built.accounts.values() if {"cost-center", "owner", "environment"} <= set(a.tags)]
    assert len(tagged) > 0.8 * ACCOUNTS
    for policy in built.policies.values():
        tags = {t["Key"]: t["Value"] for t in organizations.list_tags_for_resource(ResourceId=policy.id)["Tags"]}
        assert tags == dict(policy.tags), policy.name


def test_policies_content_and_targets(built, organizations):
    for policy_type in built.policy_types:
        listed = {p["Name"]: p for p in all_items(organizations, "list_policies", "Policies", Filter=policy_type)}
        assert set(listed) == {name for name, p in built.policies.items() if p.type == policy_type}, policy_type
    assert len([p for p in built.policies.values() if p.type == "SERVICE_CONTROL_POLICY"]) > 20
    for policy in built.policies.values():
        described = organizations.describe_policy(PolicyId=policy.id)["Policy"]
        summary = described["PolicySummary"]
        assert (summary["Name"], summary["Type"], summary["AwsManaged"]) == (policy.name, policy.type, policy.aws_managed)
        assert described["Content"] == policy.content
        if not policy.aws_managed:
            assert summary["Description"] == policy.description
        targets = {t["TargetId"] for t in all_items(organizations, "list_targets_for_policy", "Targets", PolicyId=policy.id)}
        assert targets == policy.targets, policy.name
    assert built.targets("Region Deny") == {"Workloads", "Sandbox", "Infrastructure", "Policy Canary"}
    assert built.targets("DenyPublicS3") == {"Data Lake Prod"}
    assert built.targets("PCI Guardrails") == {built.deepest_ou}
    assert not built.policies["old-region-deny-v1"].targets
    kinds = {
        p.type
        for p in built.policies.values()
        if not p.aws_managed and any(t == built.root_id or t in built.ous.values() for t in p.targets)
    }
    assert kinds == set(built.policy_types)


def test_full_aws_access_detached_where_an_allow_list_governs(built, organizations):
    assert built.full_aws_access_detached == (ALLOW_LISTED_OU,)
    for path, ou_id in built.ous.items():
        names = {
            p["Name"]
            for p in all_items(organizations, "list_policies_for_target", "Policies", TargetId=ou_id, Filter="SERVICE_CONTROL_POLICY")
        }
        assert (FULL_AWS_ACCESS in names) == (path != ALLOW_LISTED_OU), path
        assert names, f"{path} has no SCP, which AWS refuses"
    sandbox = all_items(
        organizations, "list_policies_for_target", "Policies", TargetId=built.ous[ALLOW_LISTED_OU], Filter="SERVICE_CONTROL_POLICY"
    )
    assert "SandboxAllowList" in {p["Name"] for p in sandbox}


def test_trusted_services_and_delegated_administrators(built, organizations):
    enabled = {
        s["ServicePrincipal"] for s in all_items(organizations, "list_aws_service_access_for_organization", "EnabledServicePrincipals")
    }
    assert enabled == set(built.trusted_services)
    admins = all_items(organizations, "list_delegated_administrators", "DelegatedAdministrators")
    found = set()
    for admin in admins:
        for service in all_items(organizations, "list_delegated_services_for_account", "DelegatedServices", AccountId=admin["Id"]):
            found.add((admin["Name"], service["ServicePrincipal"]))
    assert found == set(built.delegated_administrators)
    assert {service for _, service in found} <= enabled


def test_management_account_baseline(built):
    iam = management().client("iam")
    assert iam.get_account_password_policy()["PasswordPolicy"]["MinimumPasswordLength"] == built.management.minimum_password_length
    assert iam.list_account_aliases()["AccountAliases"] == [built.management.alias]
    assert [g["GroupName"] for g in iam.list_groups()["Groups"]] == list(built.management.iam_groups)
    assert [u["UserName"] for u in iam.list_users()["Users"]] == list(built.management.iam_users)
    assert [u["UserName"] for u in iam.get_group(GroupName="Admins")["Users"]] == ["ci-deployer"]
    assert len(iam.list_access_keys(UserName="ci-deployer")["AccessKeyMetadata"]) == 1
    assert set(built.management.iam_roles) <= {r["RoleName"] for r in iam.list_roles()["Roles"]}
    trails = management().client("cloudtrail").describe_trails()["trailList"]
    assert [(t["Name"], t["IsOrganizationTrail"], t["S3BucketName"]) for t in trails] == [
        (name, True, built.management.trail_bucket) for name in built.management.trails
    ]
    budgets = management().client("budgets").describe_budgets(AccountId=built.management_account_id)["Budgets"]
    assert [b["BudgetName"] for b in budgets] == list(built.management.budgets)
    account = management().client("account")
    for contact_type in built.management.alternate_contacts:
        assert account.get_alternate_contact(AlternateContactType=contact_type)["AlternateContact"]["EmailAddress"].endswith(
            "@acme-corp.io"
        )
    for name, contact_types in built.alternate_contacts.items():
        for contact_type in contact_types:
            account.get_alternate_contact(AccountId=built.accounts[name].id, AlternateContactType=contact_type)


def test_same_call_same_shape(built, earlier):
    """Two builds: other IDs, the same organization."""

    def shape(org: ExistingOrganization) -> tuple:
        accounts = sorted((a.name, a.email, a.ou, tuple(a.tags.items()), a.state, a.joined_method) for a in org.accounts.values())
        policies = sorted(
            (p.name, p.type, p.content.replace(org.organization_id, "o-"), tuple(sorted(org.targets(p.name))))
            for p in org.policies.values()
        )
        return sorted(org.ous), accounts, policies, org.delegated_administrators, org.trusted_services, org.management

    assert earlier.organization_id != built.organization_id
    assert shape(earlier) == shape(built)


def test_too_few_accounts_for_the_shape():
    with pytest.raises(ValueError, match="at least 18 member accounts"):
        planned_accounts(5)
