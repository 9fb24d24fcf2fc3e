"""IAM Identity Center in the emulator: AWS::SSO::PermissionSet and AWS::SSO::Assignment on small
hand-written templates, what IAM Identity Center refuses, the roles it provisions into accounts,
and the organization instance only where it was enabled; then the example's own stacks."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from orgboot.aws.identity_center import ROLE_PATH_PREFIX, permission_set_of_role
from orgboot.emulator import EmulationError, Engine, deploy_assembly, emulated_aws, identity_center, management
from orgboot.emulator.apis.identity_center import INLINE_POLICY_NAME, Instance
from orgboot.emulator.assembly import read_assembly, with_placeholders
from orgboot.emulator.aws import AwsAccount
from orgboot.emulator.server import EmulatorServer

REGION = "eu-west-1"
STACK = "IdentityCenter"
INLINE = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}


@dataclass
class Org:
    engine: Engine
    instance: Instance
    accounts: dict[str, str]  # name -> ID
    group: str  # the Platform group's ID

    def deploy(self, template: dict[str, Any]) -> Any:
        return self.engine.deploy(STACK, template, management(REGION))


@pytest.fixture
def org() -> Iterator[Org]:
    with emulated_aws():
        organizations = management().client("organizations")
        organizations.create_organization(FeatureSet="ALL")
        accounts = {
            name: organizations.create_account(AccountName=name, Email=f"{name}@example.com")["CreateAccountStatus"]["AccountId"]
            for name in ("shop", "data")
        }
        instance = identity_center.enable(REGION)
        store = management(REGION).client("identitystore")
        group = store.create_group(IdentityStoreId=instance.identity_store_id, DisplayName="Platform")["GroupId"]
        yield Org(Engine(), instance, accounts, group)


def permission_set(org: Org, **properties: Any) -> dict[str, Any]:
    return {"Type": "AWS::SSO::PermissionSet", "Properties": {"InstanceArn": org.instance.arn, "Name": "Admin", **properties}}


def assignment(org: Org, account: str, permission_set: str = "Set", principal: str | None = None) -> dict[str, Any]:
    return {
        "Type": "AWS::SSO::Assignment",
        "Properties": {
            "InstanceArn": org.instance.arn,
            "PermissionSetArn": {"Fn::GetAtt": [permission_set, "PermissionSetArn"]},
            "PrincipalType": "GROUP",
            "PrincipalId": principal or org.group,
            "TargetType": "AWS_ACCOUNT",
            "TargetId": org.accounts[account],
        },
    }


def iam(account_id: str) -> Any:
    return AwsAccount(account_id, "us-east-1").client("iam")


def provisioned_roles(account_id: str) -> dict[str, dict[str, Any]]:
    """The account's roles IAM Identity Center made, by name, each with its policies."""
    client = iam(account_id)
    roles = {}
    for role in client.list_roles(PathPrefix=ROLE_PATH_PREFIX)["Roles"]:
        name = role["RoleName"]
        roles[name] = {
            "path": role["Path"],
            "role": client.get_role(RoleName=name)["Role"],
            "managed": sorted(p["PolicyArn"] for p in client.list_attached_role_policies(RoleName=name)["AttachedPolicies"]),
            "inline": {
                p: client.get_role_policy(RoleName=name, PolicyName=p)["PolicyDocument"]
                for p in client.list_role_policies(RoleName=name)["PolicyNames"]
            },
        }
    return roles


def test_the_organization_instance_is_only_where_it_was_enabled():
    with emulated_aws():
        management().client("organizations").create_organization(FeatureSet="ALL")
        # moto answers every account a random instance in every region; AWS none before it is enabled.
        assert management(REGION).client("sso-admin").list_instances()["Instances"] == []
        instance = identity_center.enable(REGION)
        (listed,) = management(REGION).client("sso-admin").list_instances()["Instances"]
        assert (listed["InstanceArn"], listed["IdentityStoreId"], listed["OwnerAccountId"], listed["Status"]) == (
            instance.arn,
            instance.identity_store_id,
            "123456789012",
            "ACTIVE",
        )
        assert management("us-east-1").client("sso-admin").list_instances()["Instances"] == []
        with pytest.raises(ValueError, match="one organization instance"):
            identity_center.enable("us-east-1")
        assert identity_center.enable(REGION) == instance
        enabled = management().client("organizations").list_aws_service_access_for_organization()["EnabledServicePrincipals"]
        assert "sso.amazonaws.com" in {service["ServicePrincipal"] for service in enabled}


def test_an_assignment_provisions_the_permission_set_as_a_role(org):
    iam(org.accounts["shop"]).create_policy(PolicyName="workload-boundary", Path="/org/", PolicyDocument=json.dumps(INLINE))
    template = {
        "Resources": {
            "Set": permission_set(
                org,
                SessionDuration="PT8H",
                ManagedPolicies=["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"],
                CustomerManagedPolicyReferences=[{"Name": "workload-boundary", "Path": "/org/"}],
                InlinePolicy=INLINE,
                PermissionsBoundary={"ManagedPolicyArn": "arn:aws:iam::aws:policy/PowerUserAccess"},
            ),
            "Assignment": assignment(org, "shop"),
        },
        "Outputs": {"Arn": {"Value": {"Fn::GetAtt": ["Set", "PermissionSetArn"]}}, "Ref": {"Value": {"Ref": "Set"}}},
    }
    state = org.deploy(template)
    arn = state.outputs["Arn"]
    assert arn.startswith(f"arn:aws:sso:::permissionSet/{org.instance.arn.rsplit('/', 1)[1]}/ps-")
    # Composite primary identifiers: the values joined by "|".
    assert state.outputs["Ref"] == f"{org.instance.arn}|{arn}"
    assert state.resources["Assignment"].physical_id == "|".join(
        [org.instance.arn, org.accounts["shop"], "AWS_ACCOUNT", arn, "GROUP", org.group]
    )
    (name, role), *others = provisioned_roles(org.accounts["shop"]).items()
    assert not others
    assert permission_set_of_role(name) == "Admin"
    assert role["path"] == f"{ROLE_PATH_PREFIX}{REGION}/"  # the instance is not in us-east-1
    assert role["managed"] == sorted(
        [
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
            "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
            f"arn:aws:iam::{org.accounts['shop']}:policy/org/workload-boundary",
        ]
    )
    assert role["inline"] == {INLINE_POLICY_NAME: INLINE}
    assert role["role"]["PermissionsBoundary"]["PermissionsBoundaryArn"] == "arn:aws:iam::aws:policy/PowerUserAccess"
    assert role["role"]["MaxSessionDuration"] == 12 * 3600
    (statement,) = role["role"]["AssumeRolePolicyDocument"]["Statement"]
    provider = statement["Principal"]["Federated"]
    assert provider.startswith(f"arn:aws:iam::{org.accounts['shop']}:saml-provider/AWSSSO_")
    assert provider.endswith("_DO_NOT_DELETE")
    assert statement["Action"] == ["sts:AssumeRoleWithSAML", "sts:TagSession"]
    assert provider in {p["Arn"] for p in iam(org.accounts["shop"]).list_saml_providers()["SAMLProviderList"]}
    assert provisioned_roles(org.accounts["data"]) == {}  # not assigned there
    sso = management(REGION).client("sso-admin")
    assert sso.list_accounts_for_provisioned_permission_set(InstanceArn=org.instance.arn, PermissionSetArn=arn)["AccountIds"] == [
        org.accounts["shop"]
    ]
    described = sso.describe_permission_set(InstanceArn=org.instance.arn, PermissionSetArn=arn)["PermissionSet"]
    assert (described["Name"], described["SessionDuration"]) == ("Admin", "PT8H")


def test_an_instance_in_us_east_1_provisions_without_a_region_in_the_path():
    with emulated_aws():
        organizations = management().client("organizations")
        organizations.create_organization(FeatureSet="ALL")
        account = organizations.create_account(AccountName="a", Email="a@example.com")["CreateAccountStatus"]["AccountId"]
        instance = identity_center.enable("us-east-1")
        group = management().client("identitystore").create_group(IdentityStoreId=instance.identity_store_id, DisplayName="G")["GroupId"]
        org = Org(Engine(), instance, {"a": account}, group)
        Engine().deploy(STACK, {"Resources": {"Set": permission_set(org), "Assignment": assignment(org, "a")}}, management())
        assert [role["path"] for role in provisioned_roles(account).values()] == [ROLE_PATH_PREFIX]


def test_a_changed_permission_set_is_provisioned_again(org):
    template: dict[str, Any] = {
        "Resources": {
            "Set": permission_set(
                org,
                ManagedPolicies=["arn:aws:iam::aws:policy/ReadOnlyAccess"],
                InlinePolicy=INLINE,
                PermissionsBoundary={"ManagedPolicyArn": "arn:aws:iam::aws:policy/PowerUserAccess"},
            ),
            "Assignment": assignment(org, "shop"),
        }
    }
    org.deploy(template)
    (name,) = provisioned_roles(org.accounts["shop"])
    template["Resources"]["Set"]["Properties"] = permission_set(org, ManagedPolicies=["arn:aws:iam::aws:policy/SecurityAudit"])[
        "Properties"
    ]
    org.deploy(template)
    role = provisioned_roles(org.accounts["shop"])[name]  # the same role, updated in place
    assert role["managed"] == ["arn:aws:iam::aws:policy/SecurityAudit"]
    assert role["inline"] == {}
    assert "PermissionsBoundary" not in role["role"]


def test_the_role_goes_with_the_last_assignment_and_comes_back_with_a_new_suffix(org):
    store = management(REGION).client("identitystore")
    second = store.create_group(IdentityStoreId=org.instance.identity_store_id, DisplayName="Auditors")["GroupId"]
    both = {
        "Resources": {
            "Set": permission_set(org),
            "Platform": assignment(org, "shop"),
            "Auditors": assignment(org, "shop", principal=second),
        }
    }
    org.deploy(both)
    (first_role,) = provisioned_roles(org.accounts["shop"])
    del both["Resources"]["Auditors"]
    org.deploy(both)
    assert list(provisioned_roles(org.accounts["shop"])) == [first_role]  # another assignment still needs it
    del both["Resources"]["Platform"]
    org.deploy(both)
    assert provisioned_roles(org.accounts["shop"]) == {}
    both["Resources"]["Platform"] = assignment(org, "shop")
    org.deploy(both)
    (again,) = provisioned_roles(org.accounts["shop"])
    assert again != first_role
    assert permission_set_of_role(again) == "Admin"


def test_a_new_name_replaces_the_permission_set_and_its_assignments(org):
    template = {"Resources": {"Set": permission_set(org), "Assignment": assignment(org, "shop")}}
    org.deploy(template)
    template["Resources"]["Set"]["Properties"]["Name"] = "Administrator"
    org.deploy(template)
    actions = [(event.logical_id, event.action) for event in org.engine.events[2:]]
    assert actions == [("Set", "REPLACE"), ("Assignment", "REPLACE"), ("Assignment", "DELETE"), ("Set", "DELETE")]
    assert [permission_set_of_role(name) for name in provisioned_roles(org.accounts["shop"])] == ["Administrator"]
    sso = management(REGION).client("sso-admin")
    (arn,) = sso.list_permission_sets(InstanceArn=org.instance.arn)["PermissionSets"]
    assert sso.describe_permission_set(InstanceArn=org.instance.arn, PermissionSetArn=arn)["PermissionSet"]["Name"] == "Administrator"


@pytest.mark.parametrize(
    ("properties", "message"),
    [
        ({"SessionDuration": "PT13H"}, "SessionDuration PT13H is out of range: a permission set's session lasts 1 to 12 hours"),
        ({"SessionDuration": "PT30M"}, "SessionDuration PT30M is out of range"),
        # 32,768 characters of inline policy at most (PutInlinePolicyToPermissionSet, InlinePolicy).
        (
            {"InlinePolicy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "x" * 33_000}]}},
            "at 'InlinePolicy' failed to satisfy constraint: Member must have length between 1 and 32768",
        ),
        # 20 AWS managed and customer managed policies at most ("AWS IAM Identity Center quotas").
        (
            {
                "ManagedPolicies": [f"arn:aws:iam::aws:policy/{name}" for name in ("ReadOnlyAccess", "SecurityAudit")],
                "CustomerManagedPolicyReferences": [{"Name": f"policy-{n}"} for n in range(19)],
            },
            "ServiceQuotaExceededException",
        ),
        # 1 to 240 characters of relay state: the registry schema (and the API) refuse more.
        (
            {"RelayStateType": "https://console.aws.amazon.com/" + "a" * 240},
            "#/RelayStateType: failed validation constraint for keyword [maxLength]",
        ),
        # The API takes AWS managed policies only; customer managed ones are referenced by name.
        ({"ManagedPolicies": ["arn:aws:iam::111122223333:policy/mine"]}, "at 'ManagedPolicyArn' failed to satisfy constraint"),
        (
            {"ManagedPolicies": ["arn:aws:iam::aws:policy/NoSuchPolicy"]},
            "Policy does not exist with ARN: arn:aws:iam::aws:policy/NoSuchPolicy",
        ),
    ],
)
def test_what_iam_identity_center_refuses_of_a_permission_set(org, properties, message):
    with pytest.raises(EmulationError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[").replace("]", r"\]")):
        org.deploy({"Resources": {"Set": permission_set(org, **properties)}})
    # Nothing is left half made: the name can be used again.
    org.deploy({"Resources": {"Other": permission_set(org)}})


def test_a_permission_set_name_is_unique_in_its_instance(org):
    org.deploy({"Resources": {"Set": permission_set(org)}})
    with pytest.raises(EmulationError, match="ConflictException.*PermissionSet with name Admin already exists"):
        org.engine.deploy("Other", {"Resources": {"Set": permission_set(org)}}, management(REGION))


def test_a_permission_set_in_another_region_or_instance_is_refused(org):
    with pytest.raises(EmulationError, match="Instance .* does not exist in us-east-1"):
        org.engine.deploy(STACK, {"Resources": {"Set": permission_set(org)}}, management("us-east-1"))


def test_an_assignment_needs_an_active_account_of_the_organization(org):
    template = {"Resources": {"Set": permission_set(org), "Assignment": assignment(org, "shop")}}
    template["Resources"]["Assignment"]["Properties"]["TargetId"] = "999999999999"
    with pytest.raises(EmulationError, match=r"Request .* failed due to: AWS SSO is unable .* account '999999999999'"):
        org.deploy(template)
    management().client("organizations").close_account(AccountId=org.accounts["data"])
    with pytest.raises(EmulationError, match=f"account '{org.accounts['data']}'"):
        org.deploy({"Resources": {"Set": permission_set(org), "Assignment": assignment(org, "data")}})


def test_an_assignment_needs_its_group_in_the_identity_store(org):
    template = {
        "Resources": {"Set": permission_set(org), "Assignment": assignment(org, "shop", principal="0a1b2c3d-1111-2222-3333-444455556666")}
    }
    with pytest.raises(EmulationError, match="GROUP 0a1b2c3d-1111-2222-3333-444455556666 does not exist in identity store"):
        org.deploy(template)


def test_provisioning_needs_the_customer_managed_policies_in_the_account(org):
    template = {
        "Resources": {
            "Set": permission_set(org, PermissionsBoundary={"CustomerManagedPolicyReference": {"Name": "boundary"}}),
            "Assignment": assignment(org, "shop"),
        }
    }
    with pytest.raises(
        EmulationError, match=r"failed due to: Received a 404 status error: Policy arn:aws:iam::\d+:policy/boundary does not exist"
    ):
        org.deploy(template)
    assert provisioned_roles(org.accounts["shop"]) == {}  # a failed provisioning makes nothing
    iam(org.accounts["shop"]).create_policy(PolicyName="boundary", PolicyDocument=json.dumps(INLINE))
    org.deploy(template)  # resumed, as `--no-rollback` deploys resume
    (role,) = provisioned_roles(org.accounts["shop"]).values()
    assert role["role"]["PermissionsBoundary"]["PermissionsBoundaryArn"] == f"arn:aws:iam::{org.accounts['shop']}:policy/boundary"


def test_provisioning_holds_the_role_to_iam_quotas(org):
    eleven = ["ReadOnlyAccess", "SecurityAudit", "PowerUserAccess", "IAMReadOnlyAccess", "AmazonS3ReadOnlyAccess"]
    eleven += ["AmazonEC2ReadOnlyAccess", "AWSCloudTrail_ReadOnlyAccess", "AmazonVPCReadOnlyAccess", "CloudWatchReadOnlyAccess"]
    eleven += ["AWSLambda_ReadOnlyAccess", "AmazonRDSReadOnlyAccess"]
    template = {
        "Resources": {
            "Set": permission_set(org, ManagedPolicies=[f"arn:aws:iam::aws:policy/{name}" for name in eleven]),
            "Assignment": assignment(org, "shop"),
        }
    }
    with pytest.raises(EmulationError, match="Cannot exceed quota for PoliciesPerRole: 10"):
        org.deploy(template)
    # 10,240 characters of inline policy, whitespace aside, is what the role can hold.
    statements = [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::bucket-{n:04d}/*"} for n in range(200)]
    big = {
        "Resources": {
            "Set": permission_set(org, Name="Big", InlinePolicy={"Version": "2012-10-17", "Statement": statements}),
            "Assignment": assignment(org, "shop"),
        }
    }
    with pytest.raises(EmulationError, match="Maximum policy size of 10240 bytes exceeded"):
        org.engine.deploy("Big", big, management(REGION))


def test_an_assigned_permission_set_cannot_be_deleted(org):
    org.deploy({"Resources": {"Set": permission_set(org)}, "Outputs": {"Arn": {"Value": {"Fn::GetAtt": ["Set", "PermissionSetArn"]}}}})
    arn = org.engine.stacks[("123456789012", STACK)].outputs["Arn"]
    other = assignment(org, "shop")
    other["Properties"]["PermissionSetArn"] = arn
    org.engine.deploy("Assignments", {"Resources": {"Assignment": other}}, management(REGION))
    with pytest.raises(EmulationError, match="ConflictException.*assigned to accounts"):
        org.deploy({"Resources": {"Placeholder": {"Type": "AWS::CloudFormation::WaitConditionHandle"}}})


def test_an_existing_assignment_is_not_created_twice(org):
    org.deploy({"Resources": {"Set": permission_set(org)}, "Outputs": {"Arn": {"Value": {"Fn::GetAtt": ["Set", "PermissionSetArn"]}}}})
    again = assignment(org, "shop")
    again["Properties"]["PermissionSetArn"] = org.engine.stacks[("123456789012", STACK)].outputs["Arn"]
    org.engine.deploy("First", {"Resources": {"Assignment": again}}, management(REGION))
    with pytest.raises(EmulationError, match="Assignment already exists"):
        org.engine.deploy("Second", {"Resources": {"Assignment": again}}, management(REGION))


def test_sso_admin_and_identitystore_are_served():
    """The served emulated AWS routes both APIs, ours and moto's, by their signatures."""
    with EmulatorServer() as server:
        management().client("organizations").create_organization(FeatureSet="ALL")
        instance = identity_center.enable(REGION)
        session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)
        sso = session.client("sso-admin", endpoint_url=server.url)
        (listed,) = sso.list_instances()["Instances"]
        assert listed["InstanceArn"] == instance.arn
        assert session.client("sso-admin", endpoint_url=server.url, region_name="us-east-1").list_instances()["Instances"] == []
        store = session.client("identitystore", endpoint_url=server.url)
        store.create_group(IdentityStoreId=instance.identity_store_id, DisplayName="Platform")
        assert [g["DisplayName"] for g in store.list_groups(IdentityStoreId=instance.identity_store_id)["Groups"]] == ["Platform"]
        created = sso.create_permission_set(InstanceArn=instance.arn, Name="Admin", SessionDuration="PT2H")["PermissionSet"]
        with pytest.raises(sso.exceptions.ResourceNotFoundException):
            sso.get_permissions_boundary_for_permission_set(InstanceArn=instance.arn, PermissionSetArn=created["PermissionSetArn"])
        with pytest.raises(sso.exceptions.ValidationException, match="out of range"):
            sso.create_permission_set(InstanceArn=instance.arn, Name="Long", SessionDuration="PT24H")


# The example's own stacks (stacks/identity_center_stack.py): the organization, then Identity Center.


def example_stacks(example_assembly: Path) -> tuple[list[Any], dict[str, str]]:
    stacks = [s for s in read_assembly(example_assembly) if s.name == "OrganizationStack" or s.name.startswith("IdentityCenter")]
    parameters, _ = with_placeholders([stacks], {})
    return stacks, parameters


def test_the_example_deploys_its_people_s_access(example_assembly):
    stacks, parameters = example_stacks(example_assembly)
    with emulated_aws():
        engine = Engine()
        deploy_assembly(engine, stacks, parameters)
        # The emulator did the console's step and the identity provider's, and said so.
        assert any(note.startswith(f"IAM Identity Center enabled in {REGION} by the emulator") for note in engine.notes)
        assert any("created by the emulator in identity store" in note for note in engine.notes)
        accounts = {a["Name"]: a["Id"] for a in management().client("organizations").list_accounts()["Accounts"]}
        roles = {name: provisioned_roles(account_id) for name, account_id in accounts.items()}
        assert {permission_set_of_role(role) for found in roles.values() for role in found} >= {"PlatformAdmin", "ReadOnly"}
        for found in roles.values():
            assert all(role["path"] == f"{ROLE_PATH_PREFIX}{REGION}/" for role in found.values())


def test_the_example_fails_where_identity_center_is_not_enabled(example_assembly):
    stacks, parameters = example_stacks(example_assembly)
    with emulated_aws():
        engine = Engine()
        deploy_assembly(engine, stacks[:1], parameters)  # the organization
        identity_center.enable("us-east-1")  # enabled, but not where the spec says it is
        with pytest.raises(EmulationError, match=f"IAM Identity Center has no active organization instance in {REGION}"):
            deploy_assembly(engine, stacks[1:], parameters)


def test_the_example_fails_on_a_group_the_identity_store_lacks(example_assembly):
    stacks, parameters = example_stacks(example_assembly)
    with emulated_aws():
        engine = Engine()
        deploy_assembly(engine, stacks[:1], parameters)
        identity_center.enable(REGION)  # enabled by a person: the emulator creates no group in it
        with pytest.raises(EmulationError, match="IAM Identity Center has no group named '(Developers|Finance|Platform|Security)'"):
            deploy_assembly(engine, stacks[1:], parameters)
