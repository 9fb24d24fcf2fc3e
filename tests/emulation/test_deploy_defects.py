"""Templates a real `cdk deploy` would refuse or that would misbehave in AWS, found by reviewing the
example's templates against the AWS documentation and the resource providers: for each, the
example's template with the defect put back, and the emulator refusing it as AWS would."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from orgboot.emulator import EmulationError, Engine, deploy_assembly, emulated_aws
from orgboot.policy.guardrails.packing import pack_key
from orgboot.spec import logical_ids
from tests.conftest import EXAMPLE_PARAMETERS, edited

Template = dict[str, Any]


def resources(template: Template, resource_type: str) -> dict[str, dict[str, Any]]:
    return {lid: r for lid, r in template["Resources"].items() if r["Type"] == resource_type}


def in_log_archive(edit: Callable[[Template], None]) -> Callable[[Template], None]:
    """An edit of the template the trail's log archive StackSet deploys, as an edit of ManagementBaselineStack."""

    def edit_stack_set(template: Template) -> None:
        properties = template["Resources"][logical_ids.LOG_ARCHIVE_STACK_SET]["Properties"]
        body = json.loads(properties["TemplateBody"])
        edit(body)
        properties["TemplateBody"] = json.dumps(body)

    return edit_stack_set


def deploy(*assemblies: Path) -> Engine:
    with emulated_aws():
        engine = Engine()
        for assembly in assemblies:
            deploy_assembly(engine, assembly, EXAMPLE_PARAMETERS)
        return engine


def test_the_example_deploys(example_assembly):
    deploy(example_assembly)


def test_stacksets_trusted_access_granted_only_its_own_action(example_assembly, tmp_path):
    """Issue 9, defect 1: ActivateOrganizationsAccess also needs organizations:EnableAWSServiceAccess,
    iam:CreateServiceLinkedRole and iam:GetRole."""

    def grant_only_the_named_action(template: Template) -> None:
        for policy in resources(template, "AWS::IAM::Policy").values():
            statements = policy["Properties"]["PolicyDocument"]["Statement"]
            if any("cloudformation:ActivateOrganizationsAccess" in s["Action"] for s in statements):
                policy["Properties"]["PolicyDocument"]["Statement"] = [
                    {"Effect": "Allow", "Action": "cloudformation:ActivateOrganizationsAccess", "Resource": "*"}
                ]

    broken = edited(example_assembly, tmp_path, "MemberRolesStack", grant_only_the_named_action)
    with pytest.raises(
        EmulationError,
        match=r"MemberRolesStack/StackSetsTrustedAccess \(Custom::AWS\): AccessDenied: .* organizations:EnableAWSServiceAccess",
    ):
        deploy(broken)


def test_budget_with_a_fixed_name_cannot_change_its_notifications(example_assembly, tmp_path):
    """Issue 9, defect 2: NotificationsWithSubscribers is create-only; a replacement under the
    same BudgetName is refused."""

    def fixed_name(threshold: int) -> Callable[[Template], None]:
        def edit(template: Template) -> None:
            (budget,) = resources(template, "AWS::Budgets::Budget").values()
            budget["Properties"]["Budget"]["BudgetName"] = "monthly-cost"
            budget["Properties"]["NotificationsWithSubscribers"][0]["Notification"]["Threshold"] = threshold

        return edit

    before = edited(example_assembly, tmp_path / "before", "ManagementBaselineStack", fixed_name(80))
    after = edited(example_assembly, tmp_path / "after", "ManagementBaselineStack", fixed_name(90))
    with pytest.raises(EmulationError, match="custom-named resource requires replacing .*Rename monthly-cost"):
        deploy(before, after)


@pytest.mark.parametrize(
    ("key", "value"),
    [("AccountName", "Security Audit"), ("Email", "aws+audit2@example.com"), ("RoleName", "OrganizationAccountAccessRole")],
)
def test_account_name_email_and_role_name_cannot_change(example_assembly, tmp_path, key, value):
    """Issue 9, defect 3: the AWS::Organizations::Account provider fails these updates (a
    RoleName given later counts as a change: the account was created without one)."""

    def change(template: Template) -> None:
        template["Resources"]["AccountAudit"]["Properties"][key] = value

    changed = edited(example_assembly, tmp_path, "OrganizationStack", change)
    with pytest.raises(EmulationError, match=f"{key} of account .* cannot be changed by CloudFormation"):
        deploy(example_assembly, changed)


def test_stack_set_named_outside_the_pattern(example_assembly, tmp_path):
    """Issue 9, defect 6: a member role named with _ . + = , @ gives a StackSetName AWS refuses."""

    def rename(template: Template) -> None:
        template["Resources"]["RoleStackSetExternalAudit"]["Properties"]["StackSetName"] = "orgboot-role-External_Audit"

    broken = edited(example_assembly, tmp_path, "MemberRolesStack", rename)
    with pytest.raises(
        EmulationError, match=r"RoleStackSetExternalAudit .*#/StackSetName: failed validation constraint for keyword \[pattern\]"
    ):
        deploy(broken)


def test_topic_policy_without_cloudwatch(example_assembly, tmp_path):
    """Issue 9, defect 7: the topic policy replaces the default one; without a statement for
    CloudWatch the billing alarm can never notify anyone."""

    def tls_only(template: Template) -> None:
        # The billing topic's policy by its logical ID: the example's CIS monitoring has a topic policy too.
        policy = resources(template, "AWS::SNS::TopicPolicy")[logical_ids.BILLING_TOPIC_POLICY]
        statements = policy["Properties"]["PolicyDocument"]["Statement"]
        policy["Properties"]["PolicyDocument"]["Statement"] = [s for s in statements if s["Effect"] == "Deny"]

    broken = edited(example_assembly, tmp_path, "ManagementBaselineStack", tls_only)
    with pytest.raises(
        EmulationError, match="alarm .*BillingAlarm.* cannot notify .*CloudWatch may not sns:Publish: no resource policy allows the service"
    ):
        deploy(broken)


@pytest.mark.parametrize(
    ("sid", "change", "message"),
    [
        ("CloudTrailAclCheck", "drop-condition", "orgboot refuses: another account's trail may s3:GetBucketAcl"),
        (
            "CloudTrailWriteManagement",
            "drop-condition",
            "orgboot refuses: another account's trail may s3:PutObject on .*/AWSLogs/123456789012/",
        ),
        (
            "CloudTrailWriteManagement",
            "drop",
            "InsufficientS3BucketPolicyException: CloudTrail may not s3:PutObject on .*/AWSLogs/123456789012/.*no resource policy allows the service",
        ),
        (
            "CloudTrailWriteOrganization",
            "drop",
            "InsufficientS3BucketPolicyException: CloudTrail may not s3:PutObject on .*/AWSLogs/o-[a-z0-9]+/111122223333/",
        ),
        ("CloudTrailAclCheck", "drop", "InsufficientS3BucketPolicyException: CloudTrail may not s3:GetBucketAcl"),
    ],
)
def test_trail_bucket_policy(example_assembly, tmp_path, sid, change, message):
    """Issue 9, defect 8: every statement names the trail in aws:SourceArn, and the management
    account's own prefix is writable (CloudTrail User Guide, organization trail bucket policy)."""

    def edit(log_archive: Template) -> None:
        policy = log_archive["Resources"][logical_ids.TRAIL_BUCKET_POLICY]
        statements = policy["Properties"]["PolicyDocument"]["Statement"]
        (statement,) = [s for s in statements if s.get("Sid") == sid]
        if change == "drop":
            statements.remove(statement)
        else:
            del statement["Condition"]["StringEquals"]["aws:SourceArn"]

    # The example keeps the trail's logs in the log archive account: the policy is in its StackSet's template.
    broken = edited(example_assembly, tmp_path, "ManagementBaselineStack", in_log_archive(edit))
    with pytest.raises(EmulationError, match=f"OrganizationTrail .*{message}"):
        deploy(broken)


def test_account_alias_with_a_double_hyphen(example_assembly, tmp_path):
    """Issue 9, defect 10 (alias): IAM refuses an alias with "--" (CreateAccountAlias pattern)."""

    def alias(template: Template) -> None:
        create = json.loads(template["Resources"]["AccountAlias0E02C47E"]["Properties"]["Create"])
        create["parameters"]["AccountAlias"] = "acme--prod"
        template["Resources"]["AccountAlias0E02C47E"]["Properties"]["Create"] = json.dumps(create)

    broken = edited(example_assembly, tmp_path, "ManagementBaselineStack", alias)
    with pytest.raises(EmulationError, match="ValidationError: Value 'acme--prod' at 'AccountAlias' failed to satisfy constraint"):
        deploy(broken)


def test_organization_changes_nothing_orders(example_assembly, tmp_path):
    """Issue 9, defect 5: Organizations refuses concurrent changes; CloudFormation runs whatever is
    ready at once. A policy that waits only for its policy type, as before, may run alongside the
    OUs and accounts."""

    def wait_only_for_the_enabler(template: Template) -> None:
        for policy in resources(template, "AWS::Organizations::Policy").values():
            policy["DependsOn"] = [d for d in policy.get("DependsOn", []) if "Enable" in d]

    broken = edited(example_assembly, tmp_path, "OrganizationStack", wait_only_for_the_enabler)
    with pytest.raises(EmulationError, match="OrganizationStack: .* both change the organization and nothing orders them"):
        deploy(broken)


def test_policies_attached_while_their_type_may_be_pending(example_assembly, tmp_path):
    """Issue 9, defect 5: EnablePolicyType is asynchronous. Without the resource that waits until
    the last type is ENABLED (its settler), the first policy of it attaches while the type may be
    PENDING_ENABLE."""

    def without_the_last_settler(template: Template) -> None:
        logical_id, settler = list(resources(template, "Custom::PolicyTypeEnabled").items())[-1]
        del template["Resources"][logical_id]
        for other in template["Resources"].values():
            if logical_id in other.get("DependsOn", []):
                other["DependsOn"] = [d for d in other["DependsOn"] if d != logical_id] + settler["DependsOn"]

    broken = edited(example_assembly, tmp_path, "OrganizationStack", without_the_last_settler)
    with pytest.raises(
        EmulationError,
        match=r"OrganizationStack/Policy\w+ \(AWS::Organizations::Policy\): PolicyTypeNotEnabledException: \w+ was enabled in this"
        r" deploy and may still be PENDING_ENABLE",
    ):
        deploy(broken)


def test_the_settler_may_only_do_what_its_role_allows(example_assembly, tmp_path):
    def describe_instead_of_list_roots(template: Template) -> None:
        for policy in resources(template, "AWS::IAM::Policy").values():
            document = policy["Properties"]["PolicyDocument"]
            for statement in document["Statement"]:
                actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                if "organizations:ListRoots" in actions:
                    statement["Action"] = ["organizations:DescribeOrganization" if a == "organizations:ListRoots" else a for a in actions]

    broken = edited(example_assembly, tmp_path, "OrganizationStack", describe_instead_of_list_roots)
    with pytest.raises(
        EmulationError,
        match=r"\(Custom::PolicyTypeEnabled\): Received response status \[FAILED\] .* ClientError: An error occurred"
        r" \(AccessDeniedException\) when calling the ListRoots operation: AccessDenied: .* organizations:ListRoots",
    ):
        deploy(broken)


def test_custom_resource_that_does_not_wait_for_its_provider_log_group(example_assembly, tmp_path):
    """Issue 9, defect 10 (log group race): the provider function creates its own log group when it first runs, and
    the stack's LogGroup resource of the same name then fails."""

    def race(template: Template) -> None:
        for resource in template["Resources"].values():
            resource["DependsOn"] = [d for d in resource.get("DependsOn", []) if "LogGroup" not in d]

    broken = edited(example_assembly, tmp_path, "MemberRolesStack", race)
    with pytest.raises(EmulationError, match="StackSetsTrustedAccess may run its provider function before .*LogGroup.* exists"):
        deploy(broken)


QUARANTINE = pack_key("SERVICE_CONTROL_POLICY", ["Suspended"])  # the quarantine guardrail's document


def test_deny_all_without_the_stacksets_exemption(example_assembly, tmp_path):
    """Issue 9, defect 4: the stacksets-exec roles are subject to SCPs; a deny-all on an OU that a
    StackSet reaches makes every instance there fail."""

    def suspend_without_exemption(template: Template) -> None:
        policies = resources(template, "AWS::Organizations::Policy")
        (deny_all,) = [p for p in policies.values() if p["Properties"]["Name"] == QUARANTINE]
        content = deny_all["Properties"]["Content"]
        content = json.loads(content) if isinstance(content, str) else content
        del content["Statement"][0]["Condition"]
        deny_all["Properties"]["Content"] = content
        template["Resources"]["AccountSandboxAlice"]["Properties"]["ParentIds"] = [{"Fn::GetAtt": ["OuSuspended", "Id"]}]

    broken = edited(example_assembly, tmp_path, "OrganizationStack", suspend_without_exemption)
    with pytest.raises(
        EmulationError,
        # The account-settings StackSet (AccountSettingsStack, before MemberRolesStack) reaches Suspended first.
        match=r"StackSet orgboot-account-settings: the instance in account \d+ \(eu-west-1\) fails: the execution role may not"
        rf" cloudformation:CreateStack on \*: explicitly denied \({QUARANTINE} attached to OU Suspended: statement 'Quarantine'\)",
    ):
        deploy(broken)


def test_an_scp_denying_only_removals_lets_stack_sets_create(iam_groups_assembly, tmp_path):
    """Each StackSet operation needs its own actions: a deny on deleting roles does not stop an
    instance from being created. (orgboot 0.10's example, whose ReadOnly role targets Root.)"""

    def deny_deletes_only(template: Template) -> None:
        policies = resources(template, "AWS::Organizations::Policy")
        (deny_all,) = [p for p in policies.values() if p["Properties"]["Name"] == QUARANTINE]
        deny_all["Properties"]["Content"] = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Deny", "Action": ["iam:DeleteRole", "cloudformation:DeleteStack"], "Resource": "*"}],
        }
        template["Resources"]["AccountSandboxAlice"]["Properties"]["ParentIds"] = [{"Fn::GetAtt": ["OuSuspended", "Id"]}]

    engine = deploy(edited(iam_groups_assembly, tmp_path, "OrganizationStack", deny_deletes_only))
    (organization,) = [state for (_, name), state in engine.stacks.items() if name == "OrganizationStack"]
    alice = organization.resources["AccountSandboxAlice"].physical_id  # now in the Suspended OU
    assert (alice, "us-east-1") in engine.instances["orgboot-role-ReadOnly"]
