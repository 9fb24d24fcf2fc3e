"""A management baseline with IAM groups and users (orgboot 0.10's example, tests/data/iam_groups),
deployed into moto and read back through boto3. Today's example gives its people IAM Identity
Center and keeps only the break-glass group: tests/emulation/test_identity_center_deployed.py."""

from pathlib import Path
from typing import Any

import pytest

from orgboot.aws.cis_monitoring import BREAK_GLASS_NAMESPACE
from orgboot.aws.cis_monitoring import NAMESPACE as CIS_NAMESPACE
from orgboot.emulator import Engine, deploy_assembly, emulated_aws, management
from orgboot.state.baseline import Baseline, read_baseline
from orgboot.state.organization import read_organization
from tests.conftest import EXAMPLE_PARAMETERS


@pytest.fixture(scope="module")
def deployed(iam_groups_assembly: Path):
    with emulated_aws():
        deploy_assembly(Engine(), iam_groups_assembly, EXAMPLE_PARAMETERS)
        yield read_baseline(management()), read_organization(management().client("organizations"))


@pytest.fixture(scope="module")
def baseline(deployed) -> Baseline:
    return deployed[0]


def test_password_policy(baseline, iam_groups_spec):
    wanted = iam_groups_spec.management_baseline.password_policy
    assert baseline.password_policy == {
        "MinimumPasswordLength": wanted.minimum_length,
        "RequireUppercaseCharacters": True,
        "RequireLowercaseCharacters": True,
        "RequireNumbers": True,
        "RequireSymbols": True,
        "AllowUsersToChangePassword": True,
        "ExpirePasswords": True,
        "MaxPasswordAge": wanted.max_age_days,
        "PasswordReusePrevention": wanted.reuse_prevention,
        "HardExpiry": False,
    }


def test_account_alias(baseline):
    assert baseline.alias == "acme-management"


def test_billing_alarm_notifies_the_topic_and_its_subscribers(baseline):
    # The one alarm outside CIS monitoring's namespaces (the example turns CIS monitoring on too, and
    # with its break-glass group, the break-glass alarm).
    (alarm,) = [a for a in baseline.alarms if a["Namespace"] not in (CIS_NAMESPACE, BREAK_GLASS_NAMESPACE)]
    assert (alarm["Namespace"], alarm["MetricName"], alarm["Dimensions"]) == (
        "AWS/Billing",
        "EstimatedCharges",
        [{"Name": "Currency", "Value": "USD"}],
    )
    assert alarm["Threshold"] == 1000
    assert alarm["ComparisonOperator"] == "GreaterThanThreshold"
    (topic,) = alarm["AlarmActions"]
    assert sorted(baseline.subscriptions[topic]) == ["finance@example.com", "platform@example.com"]


def test_budget_and_its_notifications(baseline):
    (budget,) = baseline.budgets
    assert budget["BudgetName"].startswith("monthly-cost-")
    assert budget["TimeUnit"] == "MONTHLY"
    assert float(budget["BudgetLimit"]["Amount"]) == 800
    kinds = {n["NotificationType"]: n["Threshold"] for n, _ in budget["Notifications"]}
    assert kinds == {"ACTUAL": 80, "FORECASTED": 100}


def test_budget_subscribers(deployed):
    # moto 5.2 keeps subscribers but does not serve DescribeSubscribersForNotification: read its store.
    from moto.budgets.models import budgets_backends

    backend: Any = budgets_backends["123456789012"]["aws"]
    (budget,) = backend.budgets["123456789012"].values()
    for notification in budget.notifications:
        assert sorted(s["Address"] for s in notification.subscribers) == ["finance@example.com", "platform@example.com"]


def test_groups_policies_and_members(baseline):
    assert {name: (g.managed_policies, g.members) for name, g in baseline.groups.items()} == {
        "Admins": (["RequireMFA"], ["alice"]),  # no AdministratorAccess of their own (CIS 1.15): the admin role
        "BreakGlass": (["RequireMFA"], []),  # nobody until an incident
        "Billing": (["Billing", "RequireMFA"], ["bob"]),
        "Auditors": (["RequireMFA", "SecurityAudit", "ViewOnlyAccess"], ["bob"]),
    }
    inline = baseline.groups["Billing"].inline_policies["Billing-billing-read-cost-explorer"]
    assert sorted(inline["Statement"][0]["Action"]) == ["ce:Describe*", "ce:Get*", "ce:List*"]


def test_break_glass_may_switch_into_every_member_account_and_admins_into_the_support_role(deployed):
    baseline, organization = deployed
    root_path = f"{organization.id}/{organization.root.id}/*"
    assert dict(baseline.groups["BreakGlass"].assumable_roles) == {
        "arn:aws:iam::*:role/OrganizationAccountAccessRole": [root_path],
        "arn:aws:iam::123456789012:role/ManagementAdmin": [],  # admin_role.assumable_by
    }
    # Admins keep their everyday roles and the support role, and no longer the access role.
    grants = dict(baseline.groups["Admins"].assumable_roles)
    assert "arn:aws:iam::*:role/OrganizationAccountAccessRole" not in grants
    assert grants["arn:aws:iam::*:role/ReadOnly"] == [root_path]
    assert grants["arn:aws:iam::123456789012:role/AWSSupport"] == []
    assert grants["arn:aws:iam::123456789012:role/ManagementAdmin"] == []
    support = baseline.roles["AWSSupport"]
    assert support["managed_policies"] == ["AWSSupportAccess"]
    assert support["trust"]["Statement"][0]["Condition"] == {"Bool": {"aws:MultiFactorAuthPresent": "true"}}


def test_administrators_assume_the_admin_role_with_recent_mfa(deployed):
    """CIS 1.15, as deployed: ManagementAdmin holds AdministratorAccess and may assume no role in
    another account; Admins and BreakGlass may assume it, signed in with MFA within the hour, and
    nobody else. moto's STS does not evaluate trust or identity policies, so the deployed documents,
    read back from IAM, are put to the policy evaluator (IAM User Guide, "Policy evaluation logic":
    a role in the same account is assumed when the identity policy or the trust allows it, and
    nothing denies)."""
    from orgboot.policy.evaluation import Applicable, Request, evaluate
    from orgboot.policy.matching import Caller
    from orgboot.policy.statements import PolicyRef, parse
    from orgboot.state.iam_policies import identity_documents

    baseline, _ = deployed
    iam = management().client("iam")
    role = iam.get_role(RoleName="ManagementAdmin")["Role"]
    assert role["MaxSessionDuration"] == 3600
    assert baseline.roles["ManagementAdmin"]["managed_policies"] == ["AdministratorAccess"]
    (fence,) = [document for name, document in identity_documents(iam, "role", "ManagementAdmin") if name != "AdministratorAccess"]
    assert fence["Statement"][0]["NotResource"] == "arn:aws:iam::123456789012:role/*"
    trust = parse(baseline.roles["ManagementAdmin"]["trust"], PolicyRef("trust policy of ManagementAdmin", "resource"))
    arn = role["Arn"]

    def may_assume(group: str, **context: str) -> bool:
        policies = tuple(parse(d, PolicyRef(n, "identity")) for n, d in identity_documents(iam, "group", group))
        caller = Caller(f"arn:aws:iam::123456789012:user/member-of-{group}", "123456789012", "user")
        request = Request(caller, "sts:AssumeRole", arn, "123456789012", context)
        return evaluate(request, Applicable(identity=policies, trust=trust)).allowed

    signed_in = {"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "300"}
    assert [group for group in ("Admins", "BreakGlass", "Billing", "Auditors") if may_assume(group, **signed_in)] == [
        "Admins",
        "BreakGlass",
    ]
    assert not may_assume("Admins", **{**signed_in, "aws:MultiFactorAuthAge": "3600"})  # mfa_max_age_seconds
    assert not may_assume("Admins", **{**signed_in, "aws:MultiFactorAuthPresent": "false"})
    # Its session assumes no member account's role, not even the access role, which trusts the
    # management account without a condition: break-glass stays BreakGlass's own grant.
    fenced = (parse(fence, PolicyRef("fence", "identity")),)
    as_role = Caller("arn:aws:iam::123456789012:role/ManagementAdmin", "123456789012", "role")
    elsewhere = Request(as_role, "sts:AssumeRole", "arn:aws:iam::210987654321:role/OrganizationAccountAccessRole", "210987654321")
    assert evaluate(elsewhere, Applicable(identity=fenced)).decision == "explicit_deny"


def test_organization_trail(baseline):
    (trail,) = baseline.trails
    assert trail["Name"] == "organization-trail"
    assert trail["IsOrganizationTrail"]
    assert trail["IsMultiRegionTrail"]
    assert trail["LogFileValidationEnabled"]
    assert trail["IsLogging"]


def test_trail_bucket(baseline):
    import json

    s3 = management().client("s3")
    bucket = baseline.trails[0]["S3BucketName"]
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    assert all(s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"].values())
    policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    assert any(s["Effect"] == "Deny" and s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}} for s in policy["Statement"])


def test_cloudtrail_has_trusted_access(deployed):
    services = management().client("organizations").list_aws_service_access_for_organization()["EnabledServicePrincipals"]
    assert "cloudtrail.amazonaws.com" in [s["ServicePrincipal"] for s in services]
