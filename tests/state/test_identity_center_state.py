"""The Identity Center reader (orgboot/state/identity_center.py) on moto seeded with public boto3
calls, as an administrator would have set Identity Center up: permission sets with every kind of
policy, assignments to groups and to a user, a region where Identity Center is not enabled."""

import json

import pytest

from orgboot.emulator.aws import MANAGEMENT_ACCOUNT_ID, assume, emulated_aws, management
from orgboot.emulator.identity_center import enable
from orgboot.state.identity_center import GROUP, USER, Boundary, PolicyReference, Principal, read_identity_center

REGION = "eu-west-1"
CONSOLE = "https://console.aws.amazon.com/"
ADMINISTRATOR, READ_ONLY = "arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::aws:policy/ReadOnlyAccess"
POWER_USER = "arn:aws:iam::aws:policy/PowerUserAccess"
INLINE = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "organizations:*", "Resource": "*"}]}


def seed(aws, accounts: list[str]) -> dict[str, str]:
    """Identity Center enabled in REGION; two permission sets and three assignments; the IDs of the principals."""
    instance = enable(REGION)
    sso, store = aws.client("sso-admin", REGION), aws.client("identitystore", REGION)
    arn, store_id = instance.arn, instance.identity_store_id
    platform = store.create_group(IdentityStoreId=store_id, DisplayName="Platform")["GroupId"]
    auditors = store.create_group(IdentityStoreId=store_id, DisplayName="Auditors")["GroupId"]
    alice = store.create_user(
        IdentityStoreId=store_id, UserName="alice", DisplayName="Alice", Name={"GivenName": "Alice", "FamilyName": "A"}
    )["UserId"]
    admin = sso.create_permission_set(
        InstanceArn=arn, Name="PlatformAdmin", Description="Full administration", SessionDuration="PT4H", RelayState=CONSOLE
    )["PermissionSet"]["PermissionSetArn"]
    sso.attach_managed_policy_to_permission_set(InstanceArn=arn, PermissionSetArn=admin, ManagedPolicyArn=ADMINISTRATOR)
    sso.attach_customer_managed_policy_reference_to_permission_set(
        InstanceArn=arn, PermissionSetArn=admin, CustomerManagedPolicyReference={"Name": "workload-boundary", "Path": "/"}
    )
    sso.put_inline_policy_to_permission_set(InstanceArn=arn, PermissionSetArn=admin, InlinePolicy=json.dumps(INLINE))
    sso.put_permissions_boundary_to_permission_set(
        InstanceArn=arn, PermissionSetArn=admin, PermissionsBoundary={"CustomerManagedPolicyReference": {"Name": "workload-boundary"}}
    )
    view = sso.create_permission_set(InstanceArn=arn, Name="ReadOnly")["PermissionSet"]["PermissionSetArn"]
    sso.attach_managed_policy_to_permission_set(InstanceArn=arn, PermissionSetArn=view, ManagedPolicyArn=READ_ONLY)
    sso.put_permissions_boundary_to_permission_set(
        InstanceArn=arn, PermissionSetArn=view, PermissionsBoundary={"ManagedPolicyArn": POWER_USER}
    )
    for account in accounts:  # the customer managed policy PlatformAdmin references, in each account it is assigned in
        assume(account).client("iam").create_policy(PolicyName="workload-boundary", PolicyDocument=json.dumps(INLINE))
    grants = [(platform, "GROUP", admin, accounts), (auditors, "GROUP", view, accounts[:1]), (alice, "USER", view, accounts[1:])]
    for principal, kind, permission_set, targets in grants:
        for account in targets:
            status = sso.create_account_assignment(
                InstanceArn=arn,
                TargetId=account,
                TargetType="AWS_ACCOUNT",
                PermissionSetArn=permission_set,
                PrincipalType=kind,
                PrincipalId=principal,
            )["AccountAssignmentCreationStatus"]
            assert status["Status"] == "SUCCEEDED", status
    return {"Platform": platform, "Auditors": auditors, "alice": alice}


@pytest.fixture
def aws():
    """An organization of the management account and two members."""
    with emulated_aws():
        aws = management()
        organizations = aws.client("organizations")
        organizations.create_organization(FeatureSet="ALL")
        for name in ("Shop Prod", "Shop Dev"):
            organizations.create_account(AccountName=name, Email=f"aws+{name.replace(' ', '-').lower()}@acme-corp.io")
        yield aws


@pytest.fixture
def members(aws) -> list[str]:
    return sorted(a["Id"] for a in aws.client("organizations").list_accounts()["Accounts"] if a["Id"] != MANAGEMENT_ACCOUNT_ID)


def test_permission_sets_and_assignments_are_read(aws, members):
    prod, dev = members
    ids = seed(aws, members)
    view = read_identity_center(aws.client, REGION, [MANAGEMENT_ACCOUNT_ID, *members], MANAGEMENT_ACCOUNT_ID)
    assert view.enabled
    assert view.region == REGION
    admin, read_only = view.permission_sets["PlatformAdmin"], view.permission_sets["ReadOnly"]
    assert (admin.description, admin.session_duration, admin.relay_state) == ("Full administration", "PT4H", CONSOLE)
    assert admin.managed_policies == (ADMINISTRATOR,)
    assert admin.customer_managed_policies == (PolicyReference("workload-boundary", "/"),)
    assert admin.inline_policy == INLINE
    assert admin.boundary == Boundary(customer_managed_policy=PolicyReference("workload-boundary", "/"))
    assert (read_only.description, read_only.session_duration, read_only.inline_policy) == ("", "PT1H", None)
    assert read_only.managed_policies == (READ_ONLY,)
    assert read_only.boundary == Boundary(POWER_USER)
    platform, auditors, alice = (
        Principal(GROUP, ids["Platform"], "Platform"),
        Principal(GROUP, ids["Auditors"], "Auditors"),
        Principal(USER, ids["alice"], "alice"),
    )
    assert view.grants() == {(auditors, "ReadOnly"): (prod,), (platform, "PlatformAdmin"): (prod, dev), (alice, "ReadOnly"): (dev,)}
    assert view.group_grants() == {("Auditors", "ReadOnly"): (prod,), ("Platform", "PlatformAdmin"): (prod, dev)}
    assert view.unread == {}


def test_only_the_accounts_asked_about_are_read(aws, members):
    seed(aws, members)
    view = read_identity_center(aws.client, REGION, members[1:], MANAGEMENT_ACCOUNT_ID)
    assert {assignment.account_id for assignment in view.assignments} == {members[1]}


def test_a_group_deleted_from_the_identity_store_keeps_its_assignments_by_id(aws, members):
    ids = seed(aws, members)
    store_id = aws.client("sso-admin", REGION).list_instances()["Instances"][0]["IdentityStoreId"]
    aws.client("identitystore", REGION).delete_group(IdentityStoreId=store_id, GroupId=ids["Auditors"])
    view = read_identity_center(aws.client, REGION, members, MANAGEMENT_ACCOUNT_ID)
    assert (Principal(GROUP, ids["Auditors"], ""), "ReadOnly") in view.grants()
    assert (ids["Auditors"], "ReadOnly") in view.group_grants()


def test_identity_center_not_enabled_in_the_region_is_an_empty_view(aws, members):
    seed(aws, members)
    view = read_identity_center(aws.client, "us-east-1", members, MANAGEMENT_ACCOUNT_ID)
    assert not view.enabled
    assert view.status == "IAM Identity Center is not enabled in us-east-1: no organization instance there"
    assert view.permission_sets == {}
    assert view.assignments == ()


def test_an_instance_another_account_owns_is_not_the_organizations(aws, members):
    seed(aws, members)
    assert not read_identity_center(aws.client, REGION, members, "999999999999").enabled


def test_what_cannot_be_read_is_said(aws, members):
    seed(aws, members)

    class NoBoundaries:
        """sso-admin where GetPermissionsBoundaryForPermissionSet is not served."""

        def __init__(self, client):
            self.client = client

        def __getattr__(self, name):
            if name == "get_permissions_boundary_for_permission_set":
                raise NotImplementedError("not served")
            return getattr(self.client, name)

    def clients(service, region):
        client = aws.client(service, region)
        return NoBoundaries(client) if service == "sso-admin" else client

    view = read_identity_center(clients, REGION, members, MANAGEMENT_ACCOUNT_ID)
    assert view.unread == {
        "permissions boundary of PlatformAdmin": "the emulator does not serve this API",
        "permissions boundary of ReadOnly": "the emulator does not serve this API",
    }
    assert view.permission_sets["ReadOnly"].boundary is None
