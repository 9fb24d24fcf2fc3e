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
