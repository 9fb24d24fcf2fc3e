"""CIS AWS Foundations Benchmark 5.0, section 4 (Monitoring), controls 4.1 to 4.15: a CloudWatch Logs
metric filter on the organization trail's log group and an alarm on its metric, one per control.

The filter patterns are the benchmark's own. CIS publishes them in its (registration-only) PDF; the
sources below reproduce them word for word, and Security Hub's CloudWatch.1-14 checks fail unless a
filter is exactly the CIS text ("This control fails if the exact metric filters prescribed by CIS
are not used", each control's page). SECURITY_HUB is the AWS Security Hub User Guide, "Amazon
CloudWatch controls" (awsdocs/aws-security-hub-user-guide, doc_source/cloudwatch-controls.md),
whose remediation steps quote the pattern. Security Hub has no control for 4.15: its pattern is the
CIS remediation text as the benchmark's audit tools reproduce it (turbot/steampipe-mod-aws-compliance,
cis_v140 section 4.15; prowler, cloudwatch_log_metric_filter_aws_organizations_changes)."""

from dataclasses import dataclass

SECURITY_HUB = "AWS Security Hub User Guide, Amazon CloudWatch controls"
# All CIS metrics share one namespace, as the remediation steps suggest ("If you use the same
# namespace for all of your CIS log metric filters, then all CIS Benchmark metrics are grouped together").
NAMESPACE = "CISBenchmark"


@dataclass(frozen=True)
class CisControl:
    number: str  # "4.1"
    title: str
    metric: str  # the metric's name in NAMESPACE, and the key of the logical IDs
    pattern: str
    source: str


CONTROLS: tuple[CisControl, ...] = (
    CisControl(
        "4.1",
        "Unauthorized API calls",
        "UnauthorizedApiCalls",
        '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}',
        f"{SECURITY_HUB}, CloudWatch.2",
    ),
    CisControl(
        "4.2",
        "Management Console sign-in without MFA",
        "ConsoleSignInWithoutMfa",
        '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser")'
        ' && ($.responseElements.ConsoleLogin = "Success") }',
        f"{SECURITY_HUB}, CloudWatch.3",
    ),
    CisControl(
        "4.3",
        "Usage of the root user",
        "RootUsage",
        '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}',
        f"{SECURITY_HUB}, CloudWatch.1",
    ),
    CisControl(
        "4.4",
        "IAM policy changes",
        "IamPolicyChanges",
        "{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy)"
        " || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy)"
        " || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion)"
        " || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy)"
        " || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy)"
        " || ($.eventName=DetachGroupPolicy)}",
        f"{SECURITY_HUB}, CloudWatch.4",
    ),
    CisControl(
        "4.5",
        "CloudTrail configuration changes",
        "CloudTrailChanges",
        "{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging)"
        " || ($.eventName=StopLogging)}",
        f"{SECURITY_HUB}, CloudWatch.5",
    ),
    CisControl(
        "4.6",
        "Management Console authentication failures",
        "ConsoleAuthenticationFailures",
        '{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}',
        f"{SECURITY_HUB}, CloudWatch.6",
    ),
    CisControl(
        "4.7",
        "Disabling or scheduled deletion of customer managed keys",
        "CmkDisableOrDeletion",
        "{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}",
        f"{SECURITY_HUB}, CloudWatch.7",
    ),
    CisControl(
        "4.8",
        "S3 bucket policy changes",
        "S3BucketPolicyChanges",
        "{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy)"
        " || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication)"
        " || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle)"
        " || ($.eventName=DeleteBucketReplication))}",
        f"{SECURITY_HUB}, CloudWatch.8",
    ),
    CisControl(
        "4.9",
        "AWS Config configuration changes",
        "ConfigChanges",
        "{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel)"
        " || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}",
        f"{SECURITY_HUB}, CloudWatch.9",
    ),
    CisControl(
        "4.10",
        "Security group changes",
        "SecurityGroupChanges",
        "{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress)"
        " || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress)"
        " || ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}",
        f"{SECURITY_HUB}, CloudWatch.10",
    ),
    CisControl(
        "4.11",
        "Network access control list (NACL) changes",
        "NaclChanges",
        "{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl)"
        " || ($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry)"
        " || ($.eventName=ReplaceNetworkAclAssociation)}",
        f"{SECURITY_HUB}, CloudWatch.11",
    ),
    CisControl(
        "4.12",
        "Network gateway changes",
        "NetworkGatewayChanges",
        "{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway)"
        " || ($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}",
        f"{SECURITY_HUB}, CloudWatch.12",
    ),
    CisControl(
        "4.13",
        "Route table changes",
        "RouteTableChanges",
        "{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute)"
        " || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute)"
        " || ($.eventName=DisassociateRouteTable)}",
        f"{SECURITY_HUB}, CloudWatch.13",
    ),
    CisControl(
        "4.14",
        "VPC changes",
        "VpcChanges",
        "{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute)"
        " || ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection)"
        " || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection)"
        " || ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink)"
        " || ($.eventName=EnableVpcClassicLink)}",
        f"{SECURITY_HUB}, CloudWatch.14",
    ),
    CisControl(
        "4.15",
        "AWS Organizations changes",
        "OrganizationsChanges",
        '{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy")'
        ' || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy")'
        ' || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit")'
        ' || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType")'
        ' || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization")'
        ' || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy")'
        ' || ($.eventName = "UpdateOrganizationalUnit")) }',
        "CIS 4.15 remediation text, as CIS audit tools reproduce it (no Security Hub control)",
    ),
)


# Beyond CIS: an alarm when the break-glass path is used (management_baseline: a group with
# `break_glass` grants, docs/identity-center.md, "Break-glass"). Its own metric, in a namespace of
# its own, so the CIS namespace holds the benchmark's metrics only.
BREAK_GLASS_NAMESPACE = "Orgboot"
BREAK_GLASS_METRIC = "BreakGlassUsed"
BREAK_GLASS_TITLE = "Break-glass path used"
# PutMetricFilter, filterPattern: "Length Constraints: Minimum length of 0. Maximum length of 1024."
# (Amazon CloudWatch Logs API Reference, PutMetricFilter).
FILTER_PATTERN_MAX = 1024


@dataclass(frozen=True)
class BreakGlassWatch:
    """What using the break-glass path looks like in the organization trail.

    `groups`: the IAM groups of the management account with break-glass grants, which nobody is in
    day to day: someone being added is the glass breaking. `roles`: the roles those grants name (the
    access roles: OrganizationAccountAccessRole, an account's role_name), in any account.
    `management_roles`: the management account's roles only those groups may assume (its
    administrator and support roles, when no everyday group may), in that account only.

    The events, as CloudTrail records them (CloudTrail User Guide, "CloudTrail record contents":
    eventSource, eventName, and requestParameters as the service's API takes them; IAM User Guide,
    "Logging IAM and AWS STS API calls with AWS CloudTrail", whose examples show the keys in lower
    camel case):
    - iam:AddUserToGroup (IAM API Reference: GroupName, UserName): eventSource iam.amazonaws.com,
      requestParameters.groupName. IAM is global: its events reach a multi-region trail's log group
      as global service events (the organization trail includes them).
    - sts:AssumeRole (STS API Reference: RoleArn): eventSource sts.amazonaws.com,
      requestParameters.roleArn, e.g. "arn:aws:iam::111122223333:role/EC2-dev" (the IAM User Guide's
      cross-account example). A cross-account AssumeRole "is logged in the calling account and the
      account where the AWS STS operation is performed" (same page): an organization trail gets both
      records, which the alarm (a sum of at least 1) counts as one event or two alike.

    A role ARN is matched with a leading wildcard (the partition; for the access roles any account
    and path too), as CIS 4.1's own pattern does ("*UnauthorizedOperation"). No condition on the
    caller's account: the access role trusts only the management account (Organizations User
    Guide, "Accessing member accounts"), and an attempt from anywhere else is worth the alarm too."""

    groups: tuple[str, ...]
    roles: tuple[str, ...]
    management_roles: tuple[str, ...] = ()

    def pattern(self, management_account: str) -> str:
        """The metric filter pattern: an AddUserToGroup on a break-glass group, or an AssumeRole of
        a break-glass role. Raises ValueError past PutMetricFilter's 1,024 characters."""
        branches = []
        if self.groups:
            names = " || ".join(f'($.requestParameters.groupName = "{group}")' for group in self.groups)
            branches.append(f'(($.eventSource = "iam.amazonaws.com") && ($.eventName = "AddUserToGroup") && ({names}))')
        arns = [f"*:role/{role}" for role in self.roles] + [f"*:iam::{management_account}:role/{role}" for role in self.management_roles]
        if arns:
            roles = " || ".join(f'($.requestParameters.roleArn = "{arn}")' for arn in arns)
            branches.append(f'(($.eventSource = "sts.amazonaws.com") && ($.eventName = "AssumeRole") && ({roles}))')
        if not branches:
            raise ValueError("a break-glass watch needs a group or a role")
        pattern = "{ " + " || ".join(branches) + " }"
        if len(pattern) > FILTER_PATTERN_MAX:
            raise ValueError(
                f"the break-glass metric filter would be {len(pattern)} characters for groups {', '.join(self.groups)} and roles"
                f" {', '.join(self.roles + self.management_roles)}; CloudWatch Logs takes at most {FILTER_PATTERN_MAX}"
                " (PutMetricFilter): fewer break-glass groups or access role names"
            )
        return pattern
