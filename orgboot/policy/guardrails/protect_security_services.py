"""The security services' recorders and detectors cannot be stopped, deleted or detached from their
administrator from inside a member account: CloudTrail, AWS Config, GuardDuty, Security Hub, IAM Access Analyzer.

Written from the AWS Organizations SCP examples "Prevent users from disabling AWS CloudTrail",
"... AWS Config or changing its rules", "... Amazon GuardDuty or modifying its configuration" and
AWS Control Tower's AWS-GR_CLOUDTRAIL_CHANGE_PROHIBITED and AWS-GR_CONFIG_CHANGE_PROHIBITED; the
Security Hub and Access Analyzer actions are those that turn them off (Service Authorization
Reference).

Exempt: the StackSets execution roles, through which orgboot's StackSets run these services in
member accounts (security_baseline: GuardDuty, Security Hub and Access Analyzer in the delegated
administrator, Config in every account) and turn them off when org.yaml does: nobody inside an
account can use them (only StackSets in the management account deploy through them: CloudFormation
User Guide, "Activate trusted access for StackSets with AWS Organizations"), and protect-orgboot-roles
keeps their name from being taken; and the account-settings function, which stops Config's
recorder before its delivery channel is deleted (constructs/functions/account_settings.py), its
name protected as well. Otherwise nobody but `exempt_roles` (the security team's own
roles, say): break-glass must not be able to stop the recorders that watch it, which is the point
of the guardrail.
"""

from typing import Literal, get_args

from orgboot.policy.guardrails.guardrail import Exemptable, Guardrail, OrgbootRoles, Statement, deny

Service = Literal["cloudtrail", "config", "guardduty", "securityhub", "access-analyzer"]

PROTECTED_ACTIONS: dict[Service, tuple[str, ...]] = {
    "cloudtrail": ("cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "cloudtrail:UpdateTrail", "cloudtrail:PutEventSelectors"),
    "config": (
        "config:StopConfigurationRecorder",
        "config:DeleteConfigurationRecorder",
        "config:DeleteDeliveryChannel",
        "config:DeleteConfigRule",
        "config:DeleteRetentionConfiguration",
    ),
    "guardduty": (
        "guardduty:DeleteDetector",
        "guardduty:UpdateDetector",
        "guardduty:DisassociateFromAdministratorAccount",
        "guardduty:DisassociateFromMasterAccount",
        "guardduty:DeleteMembers",
        "guardduty:DisassociateMembers",
        "guardduty:StopMonitoringMembers",
        "guardduty:DeletePublishingDestination",
        "guardduty:UpdatePublishingDestination",
    ),
    "securityhub": (
        "securityhub:DisableSecurityHub",
        "securityhub:DisassociateFromAdministratorAccount",
        "securityhub:DisassociateFromMasterAccount",
        "securityhub:DeleteMembers",
        "securityhub:DisassociateMembers",
        "securityhub:BatchDisableStandards",
    ),
    "access-analyzer": ("access-analyzer:DeleteAnalyzer",),
}


class ProtectSecurityServices(Exemptable):
    services: tuple[Service, ...] = get_args(Service)


SID = "ProtectSecurityServices"


def _statements(parameters: ProtectSecurityServices, roles: OrgbootRoles) -> list[Statement]:
    actions = [action for service in dict.fromkeys(parameters.services) for action in PROTECTED_ACTIONS[service]]
    stack_sets = (*roles.stacksets_execution, *roles.account_settings) if roles.security_services else ()
    return [deny(SID, actions, unless=(*stack_sets, *parameters.exempt_principals))]


GUARDRAIL = Guardrail(
    "protect-security-services",
    "SERVICE_CONTROL_POLICY",
    "CloudTrail, Config, GuardDuty, Security Hub and Access Analyzer cannot be turned off from inside an account",
    "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html",
    _statements,
    ProtectSecurityServices,
    (SID,),
)
