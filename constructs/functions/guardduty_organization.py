"""Custom::GuardDutyOrganization, in the delegated administrator, one per region: GuardDuty for
every account of the organization. CloudFormation has no type for a delegated administrator's
organization configuration or members (orgboot/aws/security_services.py).

On Create and Update:
- waits for the detector that designating the administrator gives it ("It also enables GuardDuty
  for the delegated GuardDuty administrator account", GuardDuty User Guide, "Permissions required to
  designate a delegated GuardDuty administrator account"; AWS's own solution waits for it:
  aws-security-reference-architecture-examples, guardduty_org, check_for_detectors);
- turns GuardDuty on in every account, those that join later included (UpdateOrganizationConfiguration,
  AutoEnableOrganizationMembers ALL: GuardDuty API Reference);
- adds the management account as a member, which auto-enable does not reach ("Before the
  management account gets added as a GuardDuty member, it must have GuardDuty enabled", GuardDuty
  User Guide, "Adding members to the organization": SecurityServicesStack enabled it before).
On Delete nothing: the management account then removes the administrator
(DisableOrganizationAdminAccount), which ends its organization configuration; the members keep
GuardDuty on, as AWS leaves them.

Deployed inline (the template's ZipFile), where Lambda provides `cfnresponse` (CloudFormation
User Guide, "cfn-response module")."""

import time
from typing import Any

import boto3
import cfnresponse

from constructs.functions.retries import retrying, time_left

POLL_SECONDS = 10


def handler(event: dict[str, Any], context: Any) -> None:
    status, reason, data = cfnresponse.SUCCESS, None, {}
    try:
        if event["RequestType"] != "Delete":
            data = {"DetectorId": administer(event["ResourceProperties"]["AutoEnable"], context)}
    except Exception as error:  # any failure must still be answered
        status, reason = cfnresponse.FAILED, f"{type(error).__name__}: {error}"[:1000]
    cfnresponse.send(event, context, status, data, physicalResourceId="guardduty-organization", reason=reason)


def administer(auto_enable: str, context: Any) -> str:
    guardduty: Any = boto3.client("guardduty")
    detector = wait_for_detector(guardduty, context)
    retrying(lambda: guardduty.update_organization_configuration(DetectorId=detector, AutoEnableOrganizationMembers=auto_enable), context)
    organization = boto3.client("organizations").describe_organization()["Organization"]
    management = {"AccountId": organization["MasterAccountId"], "Email": organization["MasterAccountEmail"]}
    answer = retrying(lambda: guardduty.create_members(DetectorId=detector, AccountDetails=[management]), context)
    if answer.get("UnprocessedAccounts"):
        raise RuntimeError(f"the management account could not be added as a member: {answer['UnprocessedAccounts']}")
    return str(detector)


def wait_for_detector(guardduty: Any, context: Any) -> str:
    while not (detectors := retrying(lambda: guardduty.list_detectors()["DetectorIds"], context)):
        if not time_left(context, POLL_SECONDS):
            raise TimeoutError("no GuardDuty detector in this account and region: is it the delegated administrator here?")
        time.sleep(POLL_SECONDS)
    return str(detectors[0])
