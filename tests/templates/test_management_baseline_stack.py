"""The synthesized ManagementBaselineStack template."""

import json
from pathlib import Path

import pytest
from aws_cdk.assertions import Match, Template

from orgboot.analysis.grants import guarded_roles, switch_policy
from orgboot.analysis.offline import OfflineOrganization
from orgboot.policy import iam as iam_documents
from orgboot.spec import logical_ids
from tests.conftest import iam_groups_variant, template

STACK = "ManagementBaselineStack"
# The baseline of orgboot 0.10's example (tests/data/iam_groups): IAM users in groups with grants,
# which today's example leaves to IAM Identity Center (its baseline keeps only BreakGlass).


@pytest.fixture(scope="module")
def baseline(iam_groups_assembly: Path) -> Template:
    return Template.from_json(template(iam_groups_assembly, STACK))


@pytest.fixture(scope="module")
def resources(iam_groups_assembly: Path) -> dict:
    return template(iam_groups_assembly, STACK)["Resources"]


def sdk_call(resource: dict, key: str) -> dict:
    value = resource["Properties"][key]
    text = value if isinstance(value, str) else "".join(p if isinstance(p, str) else "TOKEN" for p in value["Fn::Join"][1])
    return json.loads(text)


def custom_calls(resources: dict) -> dict[str, dict]:
    return {sdk_call(r, "Create")["action"]: r for r in resources.values() if r["Type"] == "Custom::AWS"}


def test_mfa_policy_is_pinned(baseline):
    baseline.has_resource_properties(
        "AWS::IAM::ManagedPolicy",
        {"ManagedPolicyName": "RequireMFA", "PolicyDocument": iam_documents.require_mfa()},
    )
    document = iam_documents.require_mfa()
    deny = next(s for s in document["Statement"] if s["Sid"] == "DenyAllExceptListedIfNoMFA")
    assert deny == {
        "Sid": "DenyAllExceptListedIfNoMFA",
        "Effect": "Deny",
        "NotAction": [
            "iam:ChangePassword",
            "iam:CreateVirtualMFADevice",
            "iam:EnableMFADevice",
            "iam:GetAccountPasswordPolicy",
            "iam:GetMFADevice",
            "iam:GetUser",
            "iam:ListMFADevices",
            "iam:ListVirtualMFADevices",
            "iam:ResyncMFADevice",
            "sts:GetSessionToken",
        ],
        "Resource": "*",
        "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
    }


def test_every_group_requires_mfa(resources):
    mfa = next(lid for lid, r in resources.items() if r["Type"] == "AWS::IAM::ManagedPolicy")
    groups = {r["Properties"]["GroupName"]: r["Properties"] for r in resources.values() if r["Type"] == "AWS::IAM::Group"}
    assert set(groups) == {"Admins", "BreakGlass", "Billing", "Auditors"}
    for properties in groups.values():
        assert {"Ref": mfa} in properties["ManagedPolicyArns"]


def test_permissions_live_on_groups_never_on_users(resources):
    users = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::IAM::User"]
    assert sorted(u["UserName"] for u in users) == ["alice", "bob"]
    for user in users:
        assert set(user) == {"UserName", "Groups"}  # no policies, no login profile
    assert not [r for r in resources.values() if r["Type"] in ("AWS::IAM::AccessKey", "AWS::IAM::UserPolicy")]
    for resource in resources.values():
        if resource["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            assert "Users" not in resource["Properties"]


def test_password_policy_sends_the_full_set_on_create_and_update(resources):
    resource = custom_calls(resources)["updateAccountPasswordPolicy"]
    expected = {
        "MinimumPasswordLength": 14,
        "RequireUppercaseCharacters": True,
        "RequireLowercaseCharacters": True,
        "RequireNumbers": True,
        "RequireSymbols": True,
        "AllowUsersToChangePassword": True,
        "HardExpiry": False,
        "MaxPasswordAge": 90,
        "PasswordReusePrevention": 24,
    }
    assert sdk_call(resource, "Create")["parameters"] == expected
    assert sdk_call(resource, "Update")["parameters"] == expected
    assert sdk_call(resource, "Delete")["action"] == "deleteAccountPasswordPolicy"
    # A custom resource whose physical ID changes is replaced: CloudFormation then deletes the old
    # one, whose Delete call would remove the password policy just set. The ID is a fixed literal.
    assert sdk_call(resource, "Create")["physicalResourceId"] == sdk_call(resource, "Update")["physicalResourceId"]
    assert sdk_call(resource, "Create")["physicalResourceId"] == {"id": "account-password-policy"}


def test_alias_is_created_and_deleted(resources):
    resource = custom_calls(resources)["createAccountAlias"]
    assert sdk_call(resource, "Create")["parameters"] == {"AccountAlias": "acme-management"}
    assert sdk_call(resource, "Create")["physicalResourceId"] == {"id": "account-alias"}  # fixed: see the password policy
    assert sdk_call(resource, "Delete") == {
        "service": "IAM",
        "action": "deleteAccountAlias",
        "parameters": {"AccountAlias": "acme-management"},
        "ignoreErrorCodesMatching": "NoSuchEntity",
    }


def test_billing_alarm_and_budget(baseline, resources):
    baseline.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "Namespace": "AWS/Billing",
            "MetricName": "EstimatedCharges",
            "Dimensions": [{"Name": "Currency", "Value": "USD"}],
            "Threshold": 1000,
            "ComparisonOperator": "GreaterThanThreshold",
            "AlarmActions": [{"Ref": Match.string_like_regexp("BillingTopic")}],
            # Until the root user enables billing alerts there is no data: not a healthy OK.
            "TreatMissingData": "missing",
        },
    )
    # The billing topic's subscriptions (the example's CIS monitoring subscribes security@ to its own topic).
    subscriptions = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::SNS::Subscription"]
    emails = sorted(p["Endpoint"] for p in subscriptions if p["TopicArn"] == {"Ref": "BillingTopic"})
    assert emails == ["finance@example.com", "platform@example.com"]
    (budget,) = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::Budgets::Budget"]
    assert budget["Budget"]["TimeUnit"] == "MONTHLY"
    assert budget["Budget"]["BudgetLimit"] == {"Amount": 800, "Unit": "USD"}
    kinds = {n["Notification"]["NotificationType"]: n for n in budget["NotificationsWithSubscribers"]}
    assert kinds["ACTUAL"]["Notification"]["Threshold"] == 80
    assert kinds["FORECASTED"]["Notification"]["Threshold"] == 100
    for notification in kinds.values():
        assert sorted(s["Address"] for s in notification["Subscribers"]) == emails


def test_support_role(baseline):
    baseline.has_resource_properties(
        "AWS::IAM::Role",
        {
            "RoleName": "AWSSupport",
            "ManagedPolicyArns": [{"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::aws:policy/AWSSupportAccess"]]}],
            "AssumeRolePolicyDocument": {"Statement": [Match.object_like({"Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}})]},
        },
    )


def test_switching_into_member_accounts_is_one_statement_per_grant(resources):
    def statements(group):
        policies = {p["PolicyName"]: p for p in resources[f"Group{group}"]["Properties"]["Policies"]}
        return {s["Sid"]: s for s in policies[f"{group}-switch-roles"]["PolicyDocument"]["Statement"]}

    grant = statements("BreakGlass")["BreakGlassOrganizationAccountAccessRole"]  # a break-glass grant, told apart by its Sid
    assert grant["Resource"] == "arn:aws:iam::*:role/OrganizationAccountAccessRole"
    assert list(grant["Condition"]) == ["ForAnyValue:StringLike"]
    assert len(grant["Condition"]["ForAnyValue:StringLike"]["aws:ResourceOrgPaths"]) == 1
    # Nobody is in BreakGlass until an incident; Admins are granted no break-glass. They hold no
    # AdministratorAccess (CIS 1.15), so nothing of their own allows sts:AssumeRole: no deny is
    # needed to hold them to their grants, and they assume the administrator role by name.
    assert not [u for u in resources.values() if u["Type"] == "AWS::IAM::User" and {"Ref": "GroupBreakGlass"} in u["Properties"]["Groups"]]
    admins = statements("Admins")
    assert not [sid for sid in admins if sid.startswith(("BreakGlass", "DenyAssumeOutsideGrants"))]
    assert admins["AssumeAdminRole"]["Resource"] == {"Fn::GetAtt": ["AdminRole", "Arn"]}


def test_admin_role(resources):
    """CIS 1.15: administration of the management account is a role, trusted by the account with
    MFA no older than an hour, one hour at a time, that may assume no role elsewhere; the groups
    assumable_by names assume it, and no group holds AdministratorAccess itself."""
    role = resources["AdminRole"]["Properties"]
    assert role["RoleName"] == "ManagementAdmin"
    assert role["MaxSessionDuration"] == 3600
    assert role["ManagedPolicyArns"] == [{"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::aws:policy/AdministratorAccess"]]}]
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"AWS": {"Fn::Join": ["", ["arn:aws:iam::", {"Ref": "AWS::AccountId"}, ":root"]]}}
    assert trust["Condition"] == {"Bool": {"aws:MultiFactorAuthPresent": "true"}, "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}
    (fence,) = role["Policies"]
    assert fence["PolicyName"] == "ManagementAdmin-stay-in-account"
    assert fence["PolicyDocument"]["Statement"] == [
        {
            "Sid": "DenyAssumeRoleOutsideThisAccount",
            "Effect": "Deny",
            "Action": "sts:AssumeRole",
            "NotResource": {"Fn::Join": ["", ["arn:aws:iam::", {"Ref": "AWS::AccountId"}, ":role/*"]]},
        }
    ]
    assumers = {
        name.removeprefix("Group")
        for name, group in resources.items()
        if group["Type"] == "AWS::IAM::Group"
        for policy in group["Properties"].get("Policies", [])
        for statement in policy["PolicyDocument"]["Statement"]
        if statement.get("Sid") == "AssumeAdminRole"
    }
    assert assumers == {"Admins", "BreakGlass"}
    held = [group["Properties"].get("ManagedPolicyArns", []) for group in resources.values() if group["Type"] == "AWS::IAM::Group"]
    assert not [arn for arns in held for arn in arns if "AdministratorAccess" in json.dumps(arn)]


def test_organization_trail(baseline, resources):
    """The trail, in the management account; the example keeps its logs in the log archive account
    (tests/templates/test_organization_trail.py has the log store)."""
    baseline.has_resource_properties(
        "AWS::CloudTrail::Trail",
        {
            "TrailName": "organization-trail",
            "IsOrganizationTrail": True,
            "IsMultiRegionTrail": True,
            "EnableLogFileValidation": True,
            "IncludeGlobalServiceEvents": True,
            "IsLogging": True,
        },
    )
    trusted_access = custom_calls(resources)["enableAWSServiceAccess"]
    assert sdk_call(trusted_access, "Create")["parameters"] == {"ServicePrincipal": "cloudtrail.amazonaws.com"}
    trusted_access_id = next(lid for lid, r in resources.items() if r is trusted_access)
    (trail,) = [r for r in resources.values() if r["Type"] == "AWS::CloudTrail::Trail"]
    assert trusted_access_id in trail["DependsOn"]


def test_logical_ids_of_account_wide_resources_are_pinned(resources):
    # A changed logical ID makes CloudFormation create a new resource and delete the old one: the
    # password policy or alias would be deleted, custom-named groups, users and roles would collide.
    by_type: dict[str, set[str]] = {}
    for logical_id, resource in resources.items():
        by_type.setdefault(resource["Type"], set()).add(logical_id)
    first_release = {"PasswordPolicyD0C37AC0", "AccountAlias0E02C47E", "CloudTrailTrustedAccess"}
    assert by_type["Custom::AWS"] == first_release | {"OrganizationTrailStackSetsTrustedAccess"}
    assert by_type["AWS::IAM::Group"] == {"GroupAdmins", "GroupBreakGlass", "GroupBilling", "GroupAuditors"}
    assert by_type["AWS::IAM::User"] == {"UserAlice", "UserBob"}
    assert by_type["AWS::IAM::ManagedPolicy"] == {"RequireMfaPolicy"}
    assert "SupportRole" in by_type["AWS::IAM::Role"]
    assert by_type["AWS::SNS::Topic"] == {"BillingTopic", "SecurityTopic"}
    assert by_type["AWS::SNS::TopicPolicy"] == {"BillingTopicPolicy", "SecurityTopicPolicy"}
    assert by_type["AWS::Budgets::Budget"] == {"MonthlyBudget"}
    assert by_type["AWS::CloudTrail::Trail"] == {"OrganizationTrail"}
    # The example keeps the trail's logs in the log archive account: its StackSet holds the buckets.
    assert "AWS::S3::Bucket" not in by_type
    assert by_type["AWS::CloudFormation::StackSet"] == {"OrganizationTrailLogArchiveStackSet"}
    # CIS monitoring (the example turns it on): a new log group would lose the trail's events so
    # far, new filters and alarms would be created before the old ones are deleted.
    assert "OrganizationTrailLogsRole" in by_type["AWS::IAM::Role"]
    custom_resource_log_group = "AWS679f53fac002430cb0da5b7982bd2287LogGroup449FB7C2"  # the AwsCustomResource provider's
    contacts_log_group = "AlternateContactsFunctionLogGroupF3F0E376"  # the alternate contacts function's
    assert by_type["AWS::Logs::LogGroup"] == {"OrganizationTrailLogGroup", custom_resource_log_group, contacts_log_group}
    cis_metrics = [
        "UnauthorizedApiCalls", "ConsoleSignInWithoutMfa", "RootUsage", "IamPolicyChanges", "CloudTrailChanges",
        "ConsoleAuthenticationFailures", "CmkDisableOrDeletion", "S3BucketPolicyChanges", "ConfigChanges",
        "SecurityGroupChanges", "NaclChanges", "NetworkGatewayChanges", "RouteTableChanges", "VpcChanges", "OrganizationsChanges",
        "BreakGlassUsed",  # the example's break-glass path, alarmed
    ]  # fmt: skip
    assert by_type["AWS::Logs::MetricFilter"] == {f"CisMetricFilter{metric}" for metric in cis_metrics}
    assert by_type["AWS::CloudWatch::Alarm"] == {"BillingAlarm"} | {f"CisAlarm{metric}" for metric in cis_metrics}
    # The management account's alternate contacts: a new ID would delete them; the function is its ServiceToken.
    assert by_type["Custom::AlternateContacts"] == {logical_ids.ALTERNATE_CONTACTS}
    assert logical_ids.ALTERNATE_CONTACTS_FUNCTION in by_type["AWS::Lambda::Function"]
    # Group policies are the groups' own property; the only AWS::IAM::Policy resources are those CDK
    # gives each custom resource's provider role (generated names: replacing them is harmless).
    contacts_policy = "AlternateContactsFunctionServiceRoleDefaultPolicy8AE94E42"
    assert all("CustomResourcePolicy" in logical_id or logical_id == contacts_policy for logical_id in by_type["AWS::IAM::Policy"])


def test_inline_group_policies_come_from_their_files(resources):
    policies = {p["PolicyName"]: p["PolicyDocument"] for p in resources["GroupBilling"]["Properties"]["Policies"]}
    assert set(policies) == {"Billing-billing-read-cost-explorer"}  # no grant, nothing to deny: no switch-roles policy
    assert policies["Billing-billing-read-cost-explorer"]["Statement"][0]["Action"] == ["ce:Get*", "ce:Describe*", "ce:List*"]


def test_only_groups_that_could_assume_roles_on_their_own_are_denied_outside_their_grants(resources, tmp_path):
    def switch_roles(group):
        return {p["PolicyName"]: p["PolicyDocument"] for p in resources[f"Group{group}"]["Properties"]["Policies"]}[f"{group}-switch-roles"]

    # Auditors cannot assume roles on their own: their grant alone, no deny, which would also hold
    # for bob, who is in Billing too. Nor can Admins, who hold no AdministratorAccess (CIS 1.15).
    assert [(s["Sid"], s["Effect"]) for s in switch_roles("Auditors")["Statement"]] == [("AssumeReadOnly", "Allow")]
    assert [s["Sid"] for s in switch_roles("Admins")["Statement"]] == [
        "AssumeReadOnly",
        "AssumeAdmin",
        "AssumeSupportRole",
        "AssumeAdminRole",
    ]
    # A group holding AdministratorAccess itself: every role orgboot deploys, and the access role,
    # is denied outside its grants (the stack writes what switch_policy builds).
    spec = iam_groups_variant(
        tmp_path, lambda data: data["management_baseline"]["groups"]["Admins"].update(managed_policies=["AdministratorAccess"])
    )
    offline = OfflineOrganization(spec)
    switch = switch_policy("Admins", spec.management_baseline, offline.org_paths, guarded_roles(spec), None)
    denied = [s["Resource"] for s in switch["Statement"] if s["Effect"] == "Deny"]
    assert denied == [f"arn:aws:iam::*:role/{role}" for role in ("Admin", "ExternalAudit", "OrganizationAccountAccessRole", "ReadOnly")]
    # Admin is allowed in Workloads and Sandbox, and denied wherever else.
    statements = {s["Sid"]: s for s in switch["Statement"]}
    allow, deny = statements["AssumeAdmin"], statements["DenyAssumeOutsideGrantsAdmin"]
    assert (
        allow["Condition"]["ForAnyValue:StringLike"]["aws:ResourceOrgPaths"]
        == deny["Condition"]["ForAllValues:StringNotLike"]["aws:ResourceOrgPaths"]
    )
    assert len(allow["Condition"]["ForAnyValue:StringLike"]["aws:ResourceOrgPaths"]) == 2
