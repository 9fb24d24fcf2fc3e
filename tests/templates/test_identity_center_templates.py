"""The synthesized IAM Identity Center stacks (identity_center): IdentityCenterStack's permission sets
as AWS::SSO::PermissionSet takes them, the assignment stacks' AWS::SSO::Assignment per (account,
group, permission set) as identity_center.assignments reaches them, the lookups that give them
their IDs (within CloudFormation's 4,096-byte answers), their place in the deploy order, and the
stacks' size at 2,000 accounts."""

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam

from orgboot.aws.quotas import CUSTOM_RESOURCE_RESPONSE_MAX, STACK_RESOURCES_MAX, TEMPLATE_SIZE_MAX
from orgboot.rules import load_spec
from orgboot.spec import OrgSpec, layout, logical_ids
from stacks.identity_center_assignments_stack import IdentityCenterAssignmentsStack
from stacks.identity_center_stack import identity_center_stacks
from tests.conftest import CDK_CONTEXT, synth, template
from tests.templates.test_cfn_lint import findings

from constructs.identity_center_lookup import GROUP_ID_MAX, IdentityCenterLookup, chunks

SPEC = """\
emulator_only: true
organization:
  policy_types: [SERVICE_CONTROL_POLICY]
organizational_units: [Security, Workloads/Prod, Workloads/Dev]
accounts:
  audit: {name: Audit, email: aws+audit@example.com, ou: Security}
  shop-prod: {name: Shop Prod, email: aws+shop-prod@example.com, ou: Workloads/Prod}
  shop-dev: {name: Shop Dev, email: aws+shop-dev@example.com, ou: Workloads/Dev, account_id: "111122223333"}
identity_center:
  region: eu-west-1
  permission_sets:
    PlatformAdmin:
      description: Full administration, for the platform team.
      managed_policies: [AdministratorAccess]
      session_hours: 2
      relay_state: https://console.aws.amazon.com/console/home
    Developer:
      managed_policies: [PowerUserAccess, arn:aws:iam::aws:policy/job-function/ViewOnlyAccess]
      customer_managed_policies: [{name: workload-boundary, path: /boundaries/}, {name: shop-data}]
      inline_policy: policies/developer.json
      permissions_boundary: {customer_managed_policy: {name: workload-boundary, path: /boundaries/}}
    ReadOnly:
      managed_policies: [ReadOnlyAccess]
      permissions_boundary: {managed_policy: PowerUserAccess}
  assignments:
    - {group: Platform, permission_set: PlatformAdmin, targets: [Root, management]}
    - {group: Developers, permission_set: Developer, targets: [Workloads]}
    - {group: Auditors, permission_set: ReadOnly, targets: [audit, Workloads/Prod]}
"""
DEVELOPER_POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "iam:CreateUser", "Resource": "*"}]}

IC_STACK, ASSIGNMENTS = layout.IDENTITY_CENTER_STACK, layout.ASSIGNMENTS_STACK
LOOKUP = {"Fn::GetAtt": [logical_ids.IDENTITY_CENTER_LOOKUP, "InstanceArn"]}


def write_spec(directory: Path, text: str = SPEC) -> OrgSpec:
    (directory / "policies").mkdir(parents=True, exist_ok=True)
    (directory / "policies" / "developer.json").write_text(json.dumps(DEVELOPER_POLICY, indent=2))
    (directory / "org.yaml").write_text(text)
    return load_spec(directory / "org.yaml")


@pytest.fixture(scope="module")
def assembly(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every stack of the spec, as `cdk synth` makes them (cdk-nag runs on this synth: a finding
    nobody acknowledged would fail it)."""
    directory = tmp_path_factory.mktemp("identity-center")
    return synth(write_spec(directory), directory / "cdk.out")


def of_type(stack: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {lid: r for lid, r in stack["Resources"].items() if r["Type"] == resource_type}


def role_actions(stack: dict[str, Any]) -> list[str]:
    (policy,) = of_type(stack, "AWS::IAM::Policy").values()
    (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
    actions = statement["Action"]
    return sorted([actions] if isinstance(actions, str) else actions)


def test_permission_sets_as_aws_takes_them(assembly):
    """AWS managed policies by ARN, customer managed ones by name and path (Path defaults to /),
    the inline policy as the document, a boundary of either kind, the session in ISO-8601, the
    relay state; the instance from the lookup (AWS::SSO::PermissionSet, CloudFormation Template Reference)."""
    sets = of_type(template(assembly, IC_STACK), "AWS::SSO::PermissionSet")
    assert {lid: r["Properties"] for lid, r in sets.items()} == {
        "PermissionSetPlatformAdmin": {
            "InstanceArn": LOOKUP,
            "Name": "PlatformAdmin",
            "Description": "Full administration, for the platform team.",
            "ManagedPolicies": ["arn:aws:iam::aws:policy/AdministratorAccess"],
            "RelayStateType": "https://console.aws.amazon.com/console/home",
            "SessionDuration": "PT2H",
        },
        "PermissionSetDeveloper": {
            "InstanceArn": LOOKUP,
            "Name": "Developer",
            "ManagedPolicies": ["arn:aws:iam::aws:policy/PowerUserAccess", "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"],
            "CustomerManagedPolicyReferences": [{"Name": "workload-boundary", "Path": "/boundaries/"}, {"Name": "shop-data", "Path": "/"}],
            "InlinePolicy": DEVELOPER_POLICY,
            "PermissionsBoundary": {"CustomerManagedPolicyReference": {"Name": "workload-boundary", "Path": "/boundaries/"}},
            "SessionDuration": "PT1H",
        },
        "PermissionSetReadOnly": {
            "InstanceArn": LOOKUP,
            "Name": "ReadOnly",
            "ManagedPolicies": ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
            "PermissionsBoundary": {"ManagedPolicyArn": "arn:aws:iam::aws:policy/PowerUserAccess"},
            "SessionDuration": "PT1H",
        },
    }
    # Retained or not, a permission set is deleted with its key: no DeletionPolicy keeps it.
    assert all("DeletionPolicy" not in r for r in sets.values())


def test_the_instance_is_found_with_list_instances_alone(assembly):
    stack = template(assembly, IC_STACK)
    (lookup,) = of_type(stack, "Custom::IdentityCenterLookup").items()
    assert lookup[0] == logical_ids.IDENTITY_CENTER_LOOKUP
    # Its ServiceToken, which an update may not change, is the pinned function.
    assert lookup[1]["Properties"] == {"ServiceToken": {"Fn::GetAtt": ["IdentityCenterLookupFunction", "Arn"]}, "ServiceTimeout": "360"}
    assert role_actions(stack) == ["sso:ListInstances"]


def assignments_of(stack: dict[str, Any]) -> dict[str, tuple[str, str, str]]:
    """Each assignment's logical ID -> (its account, as written; its group's lookup attribute; its
    permission set's logical ID)."""
    found = {}
    for lid, resource in of_type(stack, "AWS::SSO::Assignment").items():
        p = resource["Properties"]
        assert (p["PrincipalType"], p["TargetType"], p["InstanceArn"]) == ("GROUP", "AWS_ACCOUNT", LOOKUP)
        target = p["TargetId"]
        account = target if isinstance(target, str) else target.get("Ref") or target["Fn::GetAtt"][1]
        output = p["PermissionSetArn"]["Fn::GetStackOutput"]
        found[lid] = (account, p["PrincipalId"]["Fn::GetAtt"][1], output["OutputName"])
    return found


def test_assignments_expand_over_root_ous_accounts_and_the_management_account(assembly):
    """Root: every member account; Workloads: the accounts below it; audit and Workloads/Prod
    (Auditors): both, once each; management: the stack's own account. An account whose ID the
    spec gives is written as it is; the others' IDs are looked up by email."""
    stack = template(assembly, ASSIGNMENTS)
    found = {(account, group) for account, group, _ in assignments_of(stack).values()}
    platform, developers, auditors = (f"Group{name}" for name in ("PlatformC78FFE19", "DevelopersFC799DA2", "Auditors40607F44"))
    assert found == {
        ("AccountAudit", platform),
        ("AccountAudit", auditors),
        ("AccountShopProd", platform),
        ("AccountShopProd", developers),
        ("AccountShopProd", auditors),
        ("111122223333", platform),
        ("111122223333", developers),
        ("AWS::AccountId", platform),
    }
    assert len(assignments_of(stack)) == 8


def test_logical_ids_are_pinned(assembly):
    """A logical ID is the resource: these are literals, so that a change of how they are made
    shows here before it replaces a permission set (whose name is create-only) or an assignment."""
    assert sorted(of_type(template(assembly, IC_STACK), "AWS::SSO::PermissionSet")) == [
        "PermissionSetDeveloper",
        "PermissionSetPlatformAdmin",
        "PermissionSetReadOnly",
    ]
    assert sorted(assignments_of(template(assembly, ASSIGNMENTS))) == [
        "AssignmentAuditPlatformAdminPlatform5DA15E9B",
        "AssignmentAuditReadOnlyAuditors175000BF",
        "AssignmentManagementPlatformAdminPlatformDDA37021",
        "AssignmentShopDevDeveloperDevelopersFB1AA687",
        "AssignmentShopDevPlatformAdminPlatform9DBC385F",
        "AssignmentShopProdDeveloperDevelopersF44BD2EE",
        "AssignmentShopProdPlatformAdminPlatform2098CD5E",
        "AssignmentShopProdReadOnlyAuditors1132190C",
    ]
    assert logical_ids.assignment("management", "Platform", "PlatformAdmin") == "AssignmentManagementPlatformAdminPlatformDDA37021"


def test_each_assignment_reads_its_permission_set_arn_from_identity_center_stack(assembly):
    outputs = template(assembly, IC_STACK)["Outputs"]
    stack = template(assembly, ASSIGNMENTS)
    for lid, resource in of_type(stack, "AWS::SSO::Assignment").items():
        reference = resource["Properties"]["PermissionSetArn"]["Fn::GetStackOutput"]
        assert (reference["StackName"], reference["Region"]) == (IC_STACK, "eu-west-1")
        produced = outputs[reference["OutputName"]]["Value"]["Fn::GetAtt"]
        assert produced[1] == "PermissionSetArn"
        assert lid.startswith("Assignment")
        assert produced[0].removeprefix("PermissionSet") in lid


def test_the_lookups_of_an_assignment_stack(assembly):
    """The instance, then groups and accounts by ID, one lookup after the other (the function
    keeps the organization's accounts for the next lookup), each allowed exactly its calls."""
    stack = template(assembly, ASSIGNMENTS)
    lookups = of_type(stack, "Custom::IdentityCenterLookup")
    groups = {name: display for r in lookups.values() for name, display in r["Properties"].get("Groups", {}).items()}
    accounts = {name: entry for r in lookups.values() for name, entry in r["Properties"].get("Accounts", {}).items()}
    assert sorted(groups.values()) == ["Auditors", "Developers", "Platform"]
    # shop-dev's ID is in the spec, the management account is the stack's own: neither is looked up.
    assert accounts == {
        "AccountAudit": {"Key": "audit", "Email": "aws+audit@example.com"},
        "AccountShopProd": {"Key": "shop-prod", "Email": "aws+shop-prod@example.com"},
    }
    chain = [lid for lid in lookups if lid != logical_ids.IDENTITY_CENTER_LOOKUP]
    previous = logical_ids.IDENTITY_CENTER_LOOKUP
    for lid in chain:
        assert previous in lookups[lid]["DependsOn"], lid
        previous = lid
    assert role_actions(stack) == ["identitystore:GetGroupId", "organizations:ListAccounts", "sso:ListInstances"]


def test_a_lookup_without_accounts_is_not_allowed_to_list_them():
    stack = cdk.Stack(cdk.App(context=CDK_CONTEXT), "Bare")
    lookup = IdentityCenterLookup(stack, "Lookup", groups=["Platform"])
    statements = lookup.function.role.node.find_child("DefaultPolicy").document.to_json()["Statement"]  # type: ignore[union-attr]
    assert [s["Action"] for s in statements] == [["identitystore:GetGroupId", "sso:ListInstances"]]
    assert isinstance(lookup.function.role, iam.Role)


def test_permission_sets_right_after_the_organization_assignments_after_the_security_services(assembly):
    artifacts = json.loads((assembly / "manifest.json").read_text())["artifacts"]
    stacks = [name for name, a in artifacts.items() if a["type"] == "aws:cloudformation:stack"]
    dependencies = {name: {d for d in artifacts[name].get("dependencies", []) if d in stacks} for name in stacks}
    # The permission sets, which every assignment refers to, early (stacks/__init__.py, one_after_another says why)
    assert dependencies[IC_STACK] == {layout.ORGANIZATION_STACK}
    assert dependencies[ASSIGNMENTS] == set(stacks) - {ASSIGNMENTS, layout.MEMBER_ROLES_STACK}
    assert dependencies[layout.MEMBER_ROLES_STACK] == set(stacks) - {layout.MEMBER_ROLES_STACK}  # last: it keeps the record
    assert artifacts[IC_STACK]["environment"] == artifacts[ASSIGNMENTS]["environment"] == "aws://unknown-account/eu-west-1"


def test_cfn_lint_accepts(assembly):
    assert findings(assembly) == []


def test_no_identity_center_no_stacks(example_spec):
    assert identity_center_stacks(cdk.App(context=CDK_CONTEXT), example_spec.model_copy(update={"identity_center": None})) == []


def spread(spec: OrgSpec, outdir: Path) -> dict[str, dict[str, Any]]:
    """The Identity Center stacks alone, synthesized: each template by stack name."""
    app = cdk.App(outdir=str(outdir), analytics_reporting=False, context=CDK_CONTEXT)
    built = identity_center_stacks(app, spec)
    app.synth()
    return {stack.stack_name: template(outdir, stack.stack_name) for stack in built}


def test_an_assignment_stack_per_shard(tmp_path):
    """With identity_center.assignment_stacks, every assignment of an account in the stack its key
    picks (orgboot/spec/layout.py), a shard without any keeping its place."""
    spec = write_spec(tmp_path, SPEC.replace("  region: eu-west-1\n", "  region: eu-west-1\n  assignment_stacks: 5\n"))
    templates = spread(spec, tmp_path / "cdk.out")
    names = layout.assignment_stack_names(5)
    assert sorted(templates) == sorted([IC_STACK, *names])
    placed = {}
    for name in names:
        for lid in of_type(templates[name], "AWS::SSO::Assignment"):
            placed[lid] = name
    expected = {
        logical_ids.assignment(key, group, permission_set): layout.assignment_stack(key, 5)
        for key, pairs in spec.identity_center_assignments().items()
        for group, permission_set in pairs
    }
    assert placed == expected
    empty = [name for name in names if name not in set(placed.values())]
    assert empty  # 4 accounts over 5 stacks
    for name in empty:
        assert [r["Type"] for r in templates[name]["Resources"].values()] == ["AWS::CloudFormation::WaitConditionHandle"]


# What CloudFormation's answer holds besides Data at the longest (CloudFormation User Guide, "Custom
# resource response objects"; cfnresponse's body): a stack ARN of the longest partition, region and
# stack name, the request and log stream IDs, the physical ID, the logical ID.
def longest_answer(stack_name: str, logical_id: str, data: dict[str, str]) -> int:
    body = {
        "Status": "SUCCESS",
        "Reason": "See the details in CloudWatch Log Stream: 2026/12/31/[$LATEST]0123456789abcdef0123456789abcdef",
        "PhysicalResourceId": "identity-center-lookup",
        "StackId": f"arn:aws-us-gov:cloudformation:ap-southeast-5:123456789012:stack/{stack_name}/{'0' * 36}",
        "RequestId": "0" * 36,
        "LogicalResourceId": logical_id,
        "NoEcho": False,
        "Data": {"InstanceArn": "arn:aws-us-gov:sso:::instance/ssoins-" + "x" * 16, "IdentityStoreId": "x" * 36, **data},
    }
    return len(json.dumps(body).encode())


def test_at_2000_accounts_every_stack_stays_within_cloudformations_limits(tmp_path):
    """2,000 accounts, each given three permission sets by Root and OU assignments, over the
    assignment stacks validate suggests: every stack under 500 resources and 1 MB, every lookup's
    answer within 4,096 bytes with every ID at its longest. Account keys at 48 characters."""
    ous = [f"Workloads/Team{t:02d}" for t in range(20)]
    accounts = "".join(
        f"  account-{i:04d}-{'x' * 34}: {{name: A{i:04d}, email: aws+a{i:04d}@example.com, ou: {ous[i % 20]}}}\n" for i in range(2000)
    )
    assignments = 3 * 2000 + 100 + 1
    text = (
        "emulator_only: true\norganization:\n  policy_types: [SERVICE_CONTROL_POLICY]\n  account_stacks: 10\n"
        f"organizational_units: [{', '.join(ous)}]\naccounts:\n{accounts}"
        f"identity_center:\n  region: eu-west-1\n  assignment_stacks: {layout.suggested_assignment_stacks(assignments)}\n"
        "  permission_sets:\n    Admin: {managed_policies: [AdministratorAccess]}\n"
        "    ReadOnly: {managed_policies: [ReadOnlyAccess]}\n    Developer: {managed_policies: [PowerUserAccess]}\n"
        "  assignments:\n"
        "    - {group: Platform, permission_set: Admin, targets: [Root, management]}\n"
        "    - {group: Auditors, permission_set: ReadOnly, targets: [Root]}\n"
        "    - {group: Developers, permission_set: Developer, targets: [Workloads]}\n"
        "    - {group: Team 00 Leads, permission_set: Admin, targets: [Workloads/Team00]}\n"
    )
    spec = write_spec(tmp_path, text)
    templates = spread(spec, tmp_path / "cdk.out")
    total = sum(len(of_type(t, "AWS::SSO::Assignment")) for t in templates.values())
    assert total == assignments
    largest, longest = 0, 0
    for name, stack in templates.items():
        assert len(stack["Resources"]) < STACK_RESOURCES_MAX, name
        assert len(json.dumps(stack)) < TEMPLATE_SIZE_MAX, name
        largest = max(largest, len(stack["Resources"]))
        for lid, lookup in of_type(stack, "Custom::IdentityCenterLookup").items():
            data = dict.fromkeys(lookup["Properties"].get("Accounts", {}), "1" * 12)
            data |= dict.fromkeys(lookup["Properties"].get("Groups", {}), "f" * GROUP_ID_MAX)
            size = longest_answer(name, lid, data)
            assert size <= CUSTOM_RESOURCE_RESPONSE_MAX, (name, lid, size)
            longest = max(longest, size)
    # Measured: the largest stack and the longest answer, with room to spare.
    assert largest <= 450, largest
    assert longest <= 3000, longest


def test_a_lookup_is_halved_until_its_answer_fits():
    entries = {f"key-{n:03d}": 100 for n in range(100)}  # 10,000 bytes in one bucket
    found = chunks(entries, 1, budget=3_000)
    assert sorted(m for members in found.values() for m in members) == sorted(entries)
    assert all(100 * len(members) <= 3_000 for members in found.values())
    assert all(name.startswith("01") and len(name) > 2 for name in found)
    # Adding one entry changes its own lookup only.
    grown = chunks({**entries, "key-new": 100}, 1, budget=3_000)
    assert sum(found.get(name) != members for name, members in grown.items()) == 1


def test_a_full_assignment_stack_stays_within_500_resources():
    """The fullest stack orgboot allows (layout.ASSIGNMENTS_PER_STACK_MAX assignments), at its most
    lookups: one account per assignment, every key at its 64 characters, every group apart."""
    keys = [f"{n:03d}-" + "k" * 60 for n in range(layout.ASSIGNMENTS_PER_STACK_MAX)]
    groups = [f"Group number {n} with a display name" for n in range(30)]
    app = cdk.App(context=CDK_CONTEXT)
    stack = IdentityCenterAssignmentsStack(
        app,
        "Full",
        assignments={key: ((groups[n % len(groups)], "Admin"),) for n, key in enumerate(keys)},
        emails={key: f"aws+{key[:3]}@example.com" for key in keys},
        account_ids={},
        permission_set_arns={"Admin": "arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0123456789abcdef"},
    )
    resources = app.synth().get_stack_by_name(stack.stack_name).template["Resources"]
    lookups = of_type({"Resources": resources}, "Custom::IdentityCenterLookup")
    assert len(resources) < STACK_RESOURCES_MAX
    assert len(resources) - layout.ASSIGNMENTS_PER_STACK_MAX - len(lookups) == 4  # the function, its role, policy and log group
    for lid, lookup in lookups.items():
        data = dict.fromkeys(lookup["Properties"].get("Accounts", {}), "1" * 12)
        data |= dict.fromkeys(lookup["Properties"].get("Groups", {}), "f" * GROUP_ID_MAX)
        assert longest_answer("IdentityCenterAssignments99", lid, data) <= CUSTOM_RESOURCE_RESPONSE_MAX, lid
