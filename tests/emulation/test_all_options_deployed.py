"""tests/data/all_options/org.yaml, deployed into moto once and read back through boto3: every
option the emulator can show has the value the spec sets (never its default). Rollout percentages
and retain_stacks_on_account_removal leave no trace in one deploy: tests/templates/test_all_options.py
covers them."""

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from orgboot.aws.identity_center import ROLE_PATH_PREFIX, permission_set_of_role
from orgboot.emulator import Engine, deploy_assembly, emulated_aws, management
from orgboot.emulator.assembly import AssemblyStack, read_assembly
from orgboot.emulator.aws import assume
from orgboot.policy.guardrails.packing import pack_key
from orgboot.spec import OrgSpec
from orgboot.spec.identity_center import MANAGEMENT
from orgboot.state.baseline import Baseline, read_baseline
from orgboot.state.organization import Organization, read_organization
from tests.conftest import ALL_OPTIONS_PARAMETERS
from tests.conftest import all_options_document as document
from tests.emulation.expected import actual_attachments, actual_placement, attachments, placement

MEMBER_ROLES = {"Operator", "Vendor"}


@pytest.fixture(scope="module")
def deployed(all_options_assembly: Path, all_options_spec: OrgSpec):
    """Every stack, in the order of `cdk deploy --all`. Before the Identity Center stacks, what
    docs/identity-center.md has a person do first: the customer managed policies (and boundary) the
    permission sets name, in each account they are assigned in (IAM Identity Center fails the
    assignment otherwise: "Use IAM policies in permission sets", IAM Identity Center User Guide)."""
    stacks = read_assembly(all_options_assembly)
    first = next(index for index, stack in enumerate(stacks) if stack.name.startswith("IdentityCenter"))
    with emulated_aws():
        engine = Engine()
        deploy_assembly(engine, stacks[:first], parameters_of(stacks[:first]))
        ids = key_ids(all_options_spec)
        create_referenced_policies(all_options_spec, ids)
        rest = [as_adopted(stack, all_options_spec, ids) for stack in stacks[first:]]
        deploy_assembly(engine, rest, parameters_of(rest))
        yield engine, read_baseline(management()), read_organization(management().client("organizations"))


def parameters_of(stacks: list[AssemblyStack]) -> dict[str, str]:
    names = {stack.name for stack in stacks}
    return {key: value for key, value in ALL_OPTIONS_PARAMETERS.items() if key.split(":", 1)[0] in names}


def key_ids(spec: OrgSpec) -> dict[str, str]:
    """Account key (and `management`) -> its ID in the emulated organization."""
    listed = management().client("organizations").list_accounts()["Accounts"]
    by_email = {account["Email"].lower(): account["Id"] for account in listed}
    return {key: by_email[account.email.lower()] for key, account in spec.accounts.items()} | {MANAGEMENT: management().account_id}


def create_referenced_policies(spec: OrgSpec, ids: dict[str, str]) -> None:
    center = spec.identity_center
    assert center is not None
    for key, pairs in spec.identity_center_assignments().items():
        references: set[tuple[str, str]] = set()
        for _, name in pairs:
            permission_set = center.permission_sets[name]
            references |= {(policy.name, policy.path) for policy in permission_set.customer_managed_policies}
            if permission_set.permissions_boundary and (boundary := permission_set.permissions_boundary.customer_managed_policy):
                references.add((boundary.name, boundary.path))
        iam = management().client("iam") if key == MANAGEMENT else assume(ids[key]).client("iam")
        for policy, path in sorted(references):
            iam.create_policy(PolicyName=policy, Path=path, PolicyDocument=READ_ONLY)


def as_adopted(stack: AssemblyStack, spec: OrgSpec, ids: dict[str, str]) -> AssemblyStack:
    """The stack with the account_id the spec gives (an adopted account's, 555566667777) as the ID
    the emulator gave that account: it creates every account anew, where AWS would have imported it."""
    replaced = {account.account_id: ids[key] for key, account in spec.accounts.items() if account.account_id}
    body = json.dumps(stack.template)
    for given, emulated in replaced.items():
        body = body.replace(f'"TargetId": "{given}"', f'"TargetId": "{emulated}"')
    return dataclasses.replace(stack, template=json.loads(body))


READ_ONLY = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:Get*", "Resource": "*"}]})


@pytest.fixture(scope="module")
def baseline(deployed) -> Baseline:
    return deployed[1]


@pytest.fixture(scope="module")
def organization(deployed) -> Organization:
    return deployed[2]


@pytest.fixture(scope="module")
def account_ids(organization) -> dict[str, str]:
    """Account name -> ID."""
    return {node.name: account_id for account_id, node in organization.accounts().items()}


@pytest.fixture(scope="module")
def member_iam(deployed, account_ids) -> dict[str, Any]:
    """Account name -> an IAM client in that member account."""
    return {name: assume(account_id).client("iam") for name, account_id in account_ids.items() if name != "master"}


# The organization


def test_policy_types(organization):
    assert sorted(organization.enabled_policy_types) == [
        "AISERVICES_OPT_OUT_POLICY",
        "BACKUP_POLICY",
        "RESOURCE_CONTROL_POLICY",
        "SERVICE_CONTROL_POLICY",
        "TAG_POLICY",
    ]


def test_organizational_units(organization):
    assert sorted(organization.ous()) == ["Sandbox", "Security", "Workloads", "Workloads/Prod", "Workloads/Prod/Payments"]


def test_accounts_names_emails_and_ous(organization, all_options_spec):
    assert actual_placement(organization) == placement(all_options_spec)
    assert actual_placement(organization)["aws+shared-services@all-options.example.com"] == "Root"
    names = {node.email: node.name for node in organization.accounts().values()}
    assert {account.email: names[account.email] for account in all_options_spec.accounts.values()} == {
        "aws+secops-tools@all-options.example.com": "SecOps Tools",
        "aws+payments-prod@all-options.example.com": "Payments Prod",
        "aws+sandbox-carol@all-options.example.com": "Sandbox Carol",
        "aws+shared-services@all-options.example.com": "Shared Services",
    }


def test_account_tags(organization):
    assert {node.name: node.tags for node in organization.accounts().values() if node.name != "master"} == {
        "SecOps Tools": {"owner": "secops", "data-class": "restricted"},
        "Payments Prod": {"cost-center": "4242"},
        "Sandbox Carol": {},
        "Shared Services": {},
    }


def test_account_role_name(member_iam):
    # CreateAccount made the access role under the name given; AWS's default elsewhere. Beside it,
    # the security baseline's functions: account settings in every account, GuardDuty's in secops-tools.
    # IAM Identity Center's provisioned roles (AWSReservedSSO_*): test_identity_center_provisions_its_roles.
    functions = ("orgboot-account-settings-", "StackSet-orgboot-guardduty-", "AWSReservedSSO_")
    roles = {name: {r["RoleName"] for r in iam.list_roles()["Roles"]} - MEMBER_ROLES for name, iam in member_iam.items()}
    assert all("orgboot-account-settings-eu-west-1" in names for names in roles.values())
    access_roles = {name: {r for r in names if not r.startswith(functions)} for name, names in roles.items()}
    assert access_roles == {
        "SecOps Tools": {"OrgBreakGlass"},
        "Payments Prod": {"OrganizationAccountAccessRole"},
        "Sandbox Carol": {"OrganizationAccountAccessRole"},
        "Shared Services": {"OrganizationAccountAccessRole"},
    }


def test_policies_descriptions(deployed, all_options_spec):
    client = management().client("organizations")
    described = {
        p["Name"]: (policy_type, p["Description"])
        for policy_type in ("SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY", "TAG_POLICY", "AISERVICES_OPT_OUT_POLICY")
        for p in client.list_policies(Filter=policy_type)["Policies"]
        if not p["AwsManaged"]
    }
    assert described == {
        "deny-outside-eu": ("SERVICE_CONTROL_POLICY", "Workloads and Carol's sandbox stay in the EU."),
        "require-tls": ("RESOURCE_CONTROL_POLICY", "Resources of the security tooling answer over TLS only."),
        "Owner Tag Spelling": ("TAG_POLICY", "The owner tag key is spelled one way."),
        "ai-opt-out-sandbox": ("AISERVICES_OPT_OUT_POLICY", "Sandboxes opt out of AI service data use."),
        **{pack.key: (pack.policy_type, f"orgboot guardrails: {', '.join(pack.members)}") for pack in all_options_spec.guardrail_packs},
    }


def test_policies_are_attached_to_their_targets(organization, all_options_spec):
    assert actual_attachments(organization) == attachments(all_options_spec)
    scp, rcp = "SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"
    assert actual_attachments(organization) == {
        "Root": {pack_key(scp, ["Root"])},
        "Workloads": {"deny-outside-eu", pack_key(scp, ["Workloads"]), pack_key(rcp, ["Workloads"])},
        "Security": {pack_key(scp, ["Security"])},
        "aws+sandbox-carol@all-options.example.com": {"deny-outside-eu", pack_key(scp, ["sandbox-carol"])},
        "aws+secops-tools@all-options.example.com": {"require-tls"},
        "Workloads/Prod/Payments": {"Owner Tag Spelling"},
        "aws+shared-services@all-options.example.com": {"Owner Tag Spelling"},
        "Sandbox": {"ai-opt-out-sandbox"},
    }


def test_policy_content_is_the_document(deployed, all_options_spec):
    client = management().client("organizations")
    stored = {
        p["Name"]: json.loads(client.describe_policy(PolicyId=p["Id"])["Policy"]["Content"])
        for policy_type in ("SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY", "TAG_POLICY", "AISERVICES_OPT_OUT_POLICY")
        for p in client.list_policies(Filter=policy_type)["Policies"]
        if not p["AwsManaged"]
    }
    assert stored == {
        **{
            name.replace("owner-tag", "Owner Tag Spelling"): document(f"{name}.json")
            for name in ("deny-outside-eu", "require-tls", "owner-tag", "ai-opt-out-sandbox")
        },
        **{pack.key: pack.content for pack in all_options_spec.guardrail_packs},
    }


# The management baseline


def test_password_policy(baseline):
    assert baseline.password_policy == {
        "MinimumPasswordLength": 21,
        "RequireUppercaseCharacters": False,
        "RequireLowercaseCharacters": False,
        "RequireNumbers": False,
        "RequireSymbols": False,
        "AllowUsersToChangePassword": False,
        "ExpirePasswords": True,
        "MaxPasswordAge": 45,
        "PasswordReusePrevention": 7,
        "HardExpiry": True,
    }


def test_account_alias(baseline):
    assert baseline.alias == "acme-all-options"


def test_billing_alarm_threshold_and_recipients(baseline):
    (alarm,) = [a for a in baseline.alarms if a["Namespace"] == "AWS/Billing"]  # the CIS alarms are in CISBenchmark
    assert alarm["Threshold"] == 2500.5
    (topic,) = alarm["AlarmActions"]
    assert baseline.subscriptions[topic] == ["cfo@all-options.example.com"]


def test_budget_amount_and_thresholds(baseline):
    (budget,) = baseline.budgets
    assert float(budget["BudgetLimit"]["Amount"]) == 1234.5
    assert {n["NotificationType"]: n["Threshold"] for n, _ in budget["Notifications"]} == {"ACTUAL": 65, "FORECASTED": 150}


def test_budget_recipients(deployed):
    # moto 5.2 keeps subscribers but does not serve DescribeSubscribersForNotification: read its store.
    from moto.budgets.models import budgets_backends

    backend: Any = budgets_backends["123456789012"]["aws"]
    (budget,) = backend.budgets["123456789012"].values()
    for notification in budget.notifications:
        assert [s["Address"] for s in notification.subscribers] == ["cfo@all-options.example.com"]


def test_groups_managed_policies_require_mfa_and_members(baseline):
    # Operators has require_mfa: false, so no RequireMFA; users.*.groups gives the members.
    assert {name: (g.managed_policies, g.members) for name, g in baseline.groups.items()} == {
        "Operators": (["NetworkAdministrator", "ReadOnlyAccess"], ["carol"]),
        "SecOps": (["RequireMFA", "SecurityAudit"], ["carol", "dave"]),
    }


def test_group_inline_policies(baseline):
    assert set(baseline.groups["Operators"].inline_policies) == {"Operators-operators-manage-own-keys", "Operators-switch-roles"}
    assert baseline.groups["Operators"].inline_policies["Operators-operators-manage-own-keys"] == document(
        "iam/operators-manage-own-keys.json"
    )
    assert set(baseline.groups["SecOps"].inline_policies) == {"SecOps-switch-roles"}


def test_groups_may_assume_roles_in_their_ous(baseline, organization):
    paths = organization.org_paths()
    ou = organization.ous()

    def under(*ous: str) -> list[str]:
        return [paths[ou[path].id] + "*" for path in ous]

    assert dict(baseline.groups["Operators"].assumable_roles) == {
        "arn:aws:iam::*:role/Operator": under("Workloads/Prod"),
        "arn:aws:iam::*:role/OrganizationAccountAccessRole": under("Sandbox", "Security"),
        "arn:aws:iam::123456789012:role/OrgAdministrator": [],  # admin_role.assumable_by
    }
    assert dict(baseline.groups["SecOps"].assumable_roles) == {
        "arn:aws:iam::*:role/Operator": under("Sandbox"),
        "arn:aws:iam::123456789012:role/IncidentSupport": [],  # support_role.assumable_by
    }


def test_support_role(baseline):
    assert "AWSSupport" not in baseline.roles
    support = baseline.roles["IncidentSupport"]
    assert support["managed_policies"] == ["AWSSupportAccess"]
    (statement,) = support["trust"]["Statement"]
    assert statement["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
    assert statement["Condition"] == {"Bool": {"aws:MultiFactorAuthPresent": "true"}}


def test_admin_role(baseline):
    assert "ManagementAdmin" not in baseline.roles
    admin = baseline.roles["OrgAdministrator"]
    assert admin["managed_policies"] == ["AdministratorAccess"]
    (statement,) = admin["trust"]["Statement"]
    assert statement["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
    assert statement["Condition"] == {"Bool": {"aws:MultiFactorAuthPresent": "true"}, "NumericLessThan": {"aws:MultiFactorAuthAge": "900"}}
    assert management().client("iam").get_role(RoleName="OrgAdministrator")["Role"]["MaxSessionDuration"] == 2 * 3600


def test_organization_trail_name(baseline):
    assert [trail["Name"] for trail in baseline.trails] == ["acme-all-options-trail"]


def test_cis_alarms_notify_cis_monitoring_recipients(baseline):
    cis = [a for a in baseline.alarms if a["Namespace"] == "CISBenchmark"]
    assert len(cis) == 15
    (topic,) = {arn for alarm in cis for arn in alarm["AlarmActions"]}
    assert sorted(baseline.subscriptions[topic]) == ["secops@all-options.example.com", "soc@all-options.example.com"]
    (trail,) = baseline.trails
    assert trail["CloudWatchLogsLogGroupArn"].startswith("arn:aws:logs:")


# Member roles


def test_roles_land_in_the_accounts_of_their_target_ous(member_iam):
    assert {name: {r["RoleName"] for r in iam.list_roles()["Roles"]} & MEMBER_ROLES for name, iam in member_iam.items()} == {
        "SecOps Tools": set(),
        "Payments Prod": {"Operator", "Vendor"},  # Workloads/Prod/Payments, under both roles' targets
        "Sandbox Carol": {"Operator"},
        "Shared Services": set(),
    }


def test_rollout_region(deployed, account_ids):
    engine = deployed[0]
    roles = {name: instances for name, instances in engine.instances.items() if name.startswith("orgboot-role-")}
    assert roles == {
        "orgboot-role-Operator": {(account_ids["Payments Prod"], "eu-west-1"), (account_ids["Sandbox Carol"], "eu-west-1")},
        "orgboot-role-Vendor": {(account_ids["Payments Prod"], "eu-west-1")},
    }


def test_trail_logs_in_the_log_archive_account_and_region(deployed, baseline, account_ids):
    """organization_trail.log_archive: secops-tools, eu-central-1; the trail delivers there."""
    engine = deployed[0]
    assert engine.instances["orgboot-organization-trail-logs"] == {(account_ids["SecOps Tools"], "eu-central-1")}
    (trail,) = baseline.trails
    assert trail["S3BucketName"] == f"orgboot-trail-{account_ids['SecOps Tools']}-eu-central-1"
    assert trail["KmsKeyId"] == f"arn:aws:kms:eu-central-1:{account_ids['SecOps Tools']}:alias/orgboot-organization-trail"


def test_role_with_boundary_inline_policy_and_recent_mfa(member_iam):
    for account in ("Payments Prod", "Sandbox Carol"):
        iam = member_iam[account]
        role = iam.get_role(RoleName="Operator")["Role"]
        assert role["Description"] == "Day-to-day operations, within a boundary."
        assert role["PermissionsBoundary"]["PermissionsBoundaryArn"] == "arn:aws:iam::aws:policy/job-function/SystemAdministrator"
        assert role["MaxSessionDuration"] == 8 * 3600
        (statement,) = role["AssumeRolePolicyDocument"]["Statement"]
        assert statement["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
        assert statement["Condition"] == {
            "Bool": {"aws:MultiFactorAuthPresent": "true"},
            "NumericLessThan": {"aws:MultiFactorAuthAge": "900"},
        }
        attached = iam.list_attached_role_policies(RoleName="Operator")["AttachedPolicies"]
        assert [p["PolicyArn"] for p in attached] == ["arn:aws:iam::aws:policy/PowerUserAccess"]
        assert iam.list_role_policies(RoleName="Operator")["PolicyNames"] == ["operator-no-iam-users"]
        inline = iam.get_role_policy(RoleName="Operator", PolicyName="operator-no-iam-users")["PolicyDocument"]
        assert inline == document("iam/operator-no-iam-users.json")


def test_third_party_role(member_iam):
    iam = member_iam["Payments Prod"]
    role = iam.get_role(RoleName="Vendor")["Role"]
    assert role["Description"] == "The vendor's read-only access."
    assert "PermissionsBoundary" not in role
    assert role["MaxSessionDuration"] == 2 * 3600
    (statement,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Principal"] == {"AWS": "arn:aws:iam::111122223333:root"}
    assert statement["Condition"] == {"StringEquals": {"sts:ExternalId": "vendor-external-id"}}
    attached = iam.list_attached_role_policies(RoleName="Vendor")["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
    assert iam.list_role_policies(RoleName="Vendor")["PolicyNames"] == []


# IAM Identity Center, in eu-central-1


@pytest.fixture(scope="module")
def sso(deployed) -> Any:
    return management("eu-central-1").client("sso-admin")


@pytest.fixture(scope="module")
def instance_arn(sso) -> str:
    (instance,) = sso.list_instances()["Instances"]
    arn: str = instance["InstanceArn"]
    return arn


@pytest.fixture(scope="module")
def permission_sets(sso, instance_arn) -> dict[str, str]:
    """Permission set name -> ARN."""
    arns = sso.list_permission_sets(InstanceArn=instance_arn)["PermissionSets"]
    return {sso.describe_permission_set(InstanceArn=instance_arn, PermissionSetArn=arn)["PermissionSet"]["Name"]: arn for arn in arns}


def test_identity_center_permission_sets(sso, instance_arn, permission_sets):
    assert sorted(permission_sets) == ["Auditor", "Operations"]
    ids = {"InstanceArn": instance_arn, "PermissionSetArn": permission_sets["Operations"]}
    described = sso.describe_permission_set(**ids)["PermissionSet"]
    assert described["Description"] == "Operate the workloads, within a boundary; never stop the logs."
    assert described["SessionDuration"] == "PT2H"
    assert described["RelayState"] == "https://eu-central-1.console.aws.amazon.com/cloudwatch/home?region=eu-central-1"
    assert sorted(p["Arn"] for p in sso.list_managed_policies_in_permission_set(**ids)["AttachedManagedPolicies"]) == [
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
        "arn:aws:iam::aws:policy/job-function/SupportUser",
    ]
    assert sorted(
        (r["Name"], r["Path"])
        for r in sso.list_customer_managed_policy_references_in_permission_set(**ids)["CustomerManagedPolicyReferences"]
    ) == [("ticketing", "/"), ("workload-operations", "/orgboot/")]
    assert json.loads(sso.get_inline_policy_for_permission_set(**ids)["InlinePolicy"]) == document("identity-center/operations.json")
    assert sso.get_permissions_boundary_for_permission_set(**ids)["PermissionsBoundary"] == {
        "ManagedPolicyArn": "arn:aws:iam::aws:policy/PowerUserAccess"
    }
    auditor = {"InstanceArn": instance_arn, "PermissionSetArn": permission_sets["Auditor"]}
    assert sso.describe_permission_set(**auditor)["PermissionSet"]["SessionDuration"] == "PT1H"
    assert sso.get_permissions_boundary_for_permission_set(**auditor)["PermissionsBoundary"] == {
        "CustomerManagedPolicyReference": {"Name": "audit-boundary", "Path": "/boundaries/"}
    }


def test_identity_center_assignments(deployed, sso, instance_arn, permission_sets, all_options_spec):
    """Workloads/Prod and sandbox-carol for the operators; Root (every member account) and management for the auditors."""
    store = management("eu-central-1").client("identitystore")
    (instance,) = sso.list_instances()["Instances"]
    groups = {g["GroupId"]: g["DisplayName"] for g in store.list_groups(IdentityStoreId=instance["IdentityStoreId"])["Groups"]}
    keys = {account_id: key for key, account_id in key_ids(all_options_spec).items()}
    found = set()
    for name, arn in permission_sets.items():
        for account_id in sso.list_accounts_for_provisioned_permission_set(InstanceArn=instance_arn, PermissionSetArn=arn)["AccountIds"]:
            listed = sso.list_account_assignments(InstanceArn=instance_arn, AccountId=account_id, PermissionSetArn=arn)[
                "AccountAssignments"
            ]
            found |= {(keys[account_id], groups[a["PrincipalId"]], name) for a in listed}
    assert found == {
        ("payments-prod", "Platform Operators", "Operations"),
        ("sandbox-carol", "Platform Operators", "Operations"),
        ("secops-tools", "Security Auditors", "Auditor"),
        ("payments-prod", "Security Auditors", "Auditor"),
        ("sandbox-carol", "Security Auditors", "Auditor"),
        ("shared-services", "Security Auditors", "Auditor"),
        ("management", "Security Auditors", "Auditor"),
    }


def test_identity_center_provisions_its_roles(deployed, member_iam):
    """Each permission set is a role in each account it is assigned in, under the path of eu-central-1."""
    iam = {**member_iam, "master": management().client("iam")}
    roles = {
        name: {permission_set_of_role(r["RoleName"]): r["Path"] for r in client.list_roles(PathPrefix=ROLE_PATH_PREFIX)["Roles"]}
        for name, client in iam.items()
    }
    path = f"{ROLE_PATH_PREFIX}eu-central-1/"
    assert roles == {
        "SecOps Tools": {"Auditor": path},
        "Payments Prod": {"Auditor": path, "Operations": path},
        "Sandbox Carol": {"Auditor": path, "Operations": path},
        "Shared Services": {"Auditor": path},
        "master": {"Auditor": path},
    }


def test_nothing_was_deleted_or_replaced(deployed):
    assert {event.action for event in deployed[0].events} == {"CREATE"}
