"""The synthesized ManagementBaselineStack template."""

import json
from pathlib import Path

import pytest
from aws_cdk.assertions import Match, Template

from orgboot.policy import iam as iam_documents
from tests.conftest import template

STACK = "ManagementBaselineStack"


@pytest.fixture(scope="module")
def baseline(example_assembly: Path) -> Template:
    return Template.from_json(template(example_assembly, STACK))


@pytest.fixture(scope="module")
def resources(example_assembly: Path) -> dict:
    return template(example_assembly, STACK)["Resources"]


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
    # Nobody is in BreakGlass until an incident; Admins, for all their AdministratorAccess, are
    # granted no break-glass and denied the access role everywhere.
    assert not [u for u in resources.values() if u["Type"] == "AWS::IAM::User" and {"Ref": "GroupBreakGlass"} in u["Properties"]["Groups"]]
    admins = statements("Admins")
    assert not [sid for sid in admins if sid.startswith("BreakGlass")]
    assert admins["DenyAssumeOutsideGrantsOrganizationAccountAccessRole"] == {
        "Sid": "DenyAssumeOutsideGrantsOrganizationAccountAccessRole",
        "Effect": "Deny",
        "Action": "sts:AssumeRole",
        "Resource": "arn:aws:iam::*:role/OrganizationAccountAccessRole",
    }


def test_organization_trail_and_its_bucket(baseline, resources):
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
    baseline.has_resource(
        "AWS::S3::Bucket",
        {
            "DeletionPolicy": "Retain",
            "Properties": Match.object_like(
                {
                    "VersioningConfiguration": {"Status": "Enabled"},
                    "PublicAccessBlockConfiguration": {
                        "BlockPublicAcls": True,
                        "BlockPublicPolicy": True,
                        "IgnorePublicAcls": True,
                        "RestrictPublicBuckets": True,
                    },
                }
            ),
        },
    )
    (bucket_policy,) = [r["Properties"]["PolicyDocument"] for r in resources.values() if r["Type"] == "AWS::S3::BucketPolicy"]
    statements = bucket_policy["Statement"]
    assert any(s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}} for s in statements)
    actions = {s["Action"] for s in statements if s["Effect"] == "Allow"}
    assert {"s3:GetBucketAcl", "s3:PutObject"} <= actions
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
    assert by_type["Custom::AWS"] == {"PasswordPolicyD0C37AC0", "AccountAlias0E02C47E", "CloudTrailTrustedAccess"}  # first release's
    assert by_type["AWS::IAM::Group"] == {"GroupAdmins", "GroupBreakGlass", "GroupBilling", "GroupAuditors"}
    assert by_type["AWS::IAM::User"] == {"UserAlice", "UserBob"}
    assert by_type["AWS::IAM::ManagedPolicy"] == {"RequireMfaPolicy"}
    assert "SupportRole" in by_type["AWS::IAM::Role"]
    assert by_type["AWS::SNS::Topic"] == {"BillingTopic", "SecurityTopic"}
    assert by_type["AWS::SNS::TopicPolicy"] == {"BillingTopicPolicy", "SecurityTopicPolicy"}
    assert by_type["AWS::Budgets::Budget"] == {"MonthlyBudget"}
    assert by_type["AWS::CloudTrail::Trail"] == {"OrganizationTrail"}
    assert by_type["AWS::S3::Bucket"] == {"OrganizationTrailBucket"}
    assert by_type["AWS::S3::BucketPolicy"] == {"OrganizationTrailBucketPolicy"}
    # CIS monitoring (the example turns it on): a new log group would lose the trail's events so
    # far, new filters and alarms would be created before the old ones are deleted.
    assert "OrganizationTrailLogsRole" in by_type["AWS::IAM::Role"]
    custom_resource_log_group = "AWS679f53fac002430cb0da5b7982bd2287LogGroup449FB7C2"  # the AwsCustomResource provider's
    assert by_type["AWS::Logs::LogGroup"] == {"OrganizationTrailLogGroup", custom_resource_log_group}
    cis_metrics = [
        "UnauthorizedApiCalls", "ConsoleSignInWithoutMfa", "RootUsage", "IamPolicyChanges", "CloudTrailChanges",
        "ConsoleAuthenticationFailures", "CmkDisableOrDeletion", "S3BucketPolicyChanges", "ConfigChanges",
        "SecurityGroupChanges", "NaclChanges", "NetworkGatewayChanges", "RouteTableChanges", "VpcChanges", "OrganizationsChanges",
    ]  # fmt: skip
    assert by_type["AWS::Logs::MetricFilter"] == {f"CisMetricFilter{metric}" for metric in cis_metrics}
    assert by_type["AWS::CloudWatch::Alarm"] == {"BillingAlarm"} | {f"CisAlarm{metric}" for metric in cis_metrics}
    # Group policies are the groups' own property; the only AWS::IAM::Policy resources are those CDK
    # gives each custom resource's provider role (generated names: replacing them is harmless).
    assert all("CustomResourcePolicy" in logical_id for logical_id in by_type["AWS::IAM::Policy"])


def test_inline_group_policies_come_from_their_files(resources):
    policies = {p["PolicyName"]: p["PolicyDocument"] for p in resources["GroupBilling"]["Properties"]["Policies"]}
    assert set(policies) == {"Billing-billing-read-cost-explorer"}  # no grant, nothing to deny: no switch-roles policy
    assert policies["Billing-billing-read-cost-explorer"]["Statement"][0]["Action"] == ["ce:Get*", "ce:Describe*", "ce:List*"]


def test_only_groups_that_could_assume_roles_on_their_own_are_denied_outside_their_grants(resources):
    def switch_roles(group):
        return {p["PolicyName"]: p["PolicyDocument"] for p in resources[f"Group{group}"]["Properties"]["Policies"]}[f"{group}-switch-roles"]

    # Auditors cannot assume roles on their own: their grant alone, no deny, which would also hold
    # for bob, who is in Billing too.
    assert [(s["Sid"], s["Effect"]) for s in switch_roles("Auditors")["Statement"]] == [("AssumeReadOnly", "Allow")]
    # Admins hold AdministratorAccess: every role orgboot deploys, and the access role, is denied
    # outside their grants.
    denied = [s["Resource"] for s in switch_roles("Admins")["Statement"] if s["Effect"] == "Deny"]
    assert denied == [f"arn:aws:iam::*:role/{role}" for role in ("Admin", "ExternalAudit", "OrganizationAccountAccessRole", "ReadOnly")]
    # Admin is allowed in Workloads and Sandbox, and denied wherever else.
    statements = {s["Sid"]: s for s in switch_roles("Admins")["Statement"]}
    allow, deny = statements["AssumeAdmin"], statements["DenyAssumeOutsideGrantsAdmin"]
    assert (
        allow["Condition"]["ForAnyValue:StringLike"]["aws:ResourceOrgPaths"]
        == deny["Condition"]["ForAllValues:StringNotLike"]["aws:ResourceOrgPaths"]
    )
    assert len(allow["Condition"]["ForAnyValue:StringLike"]["aws:ResourceOrgPaths"]) == 2
