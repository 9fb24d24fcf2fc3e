"""Custom::PolicyTypeEnabled, one per policy type on the root. On Create and Update it enables the
type, retrying what Organizations asks to retry, and completes once ListRoots shows it ENABLED. On
Delete it completes once the type is no longer changing (neither PENDING_ENABLE nor
PENDING_DISABLE).

EnablePolicyType and DisablePolicyType are each "an asynchronous request that AWS performs in the
background. AWS recommends that you first use ListRoots to see the status of policy types"
(Organizations API Reference), and a change while another is in progress is refused
(ConcurrentModificationException, PolicyChangesInProgressException). So each type is enabled, or
disabled, and waited for before the next one starts, as Terraform's provider does
(terraform-provider-aws, internal/service/organizations/organization.go: enablePolicyType waits
until ENABLED, disablePolicyType until the type is gone). constructs/organization_root.py orders
the chain; a policy is attached only after this resource saw its type ENABLED ("to attach a policy
of the specified type ... it must be ... enabled for that root", PolicyTypeSummary).

Delete never disables: CloudFormation also deletes this resource when it rolls back the update that
created it, and disabling a type detaches every policy of it, organization-wide. The type's enabler
(Custom::AWS, deleted just before this resource when the type leaves org.yaml) disables it; this
resource waits until that is done, so that the next type's change finds none in progress.

Deployed inline (the template's ZipFile), where Lambda provides `cfnresponse` (CloudFormation
User Guide, "cfn-response module": "Use this exact import statement")."""

import time
from collections.abc import Callable
from typing import Any

import boto3
import cfnresponse
from botocore.exceptions import ClientError

from constructs.functions.retries import retrying, time_left

POLL_SECONDS = 5
ENABLED, NOT_ENABLED, GONE = "ENABLED", "not enabled", "gone (no such root)"
PENDING = ("PENDING_ENABLE", "PENDING_DISABLE")


def handler(event: dict[str, Any], context: Any) -> None:
    properties = event["ResourceProperties"]
    status, reason = cfnresponse.SUCCESS, None
    try:
        root = Root(properties["RootId"], context)
        if event["RequestType"] == "Delete":
            root.wait_until(properties["PolicyType"], lambda state: state not in PENDING, "no longer changing")
        else:
            root.enable(properties["PolicyType"])
    except Exception as error:  # any failure must still be answered
        status, reason = cfnresponse.FAILED, f"{type(error).__name__}: {error}"[:1000]
    physical_id = event.get("PhysicalResourceId", f"policy-type-{properties['PolicyType']}")
    cfnresponse.send(event, context, status, {}, physicalResourceId=physical_id, reason=reason)


class Root:
    def __init__(self, root_id: str, context: Any) -> None:
        self.root_id, self.context = root_id, context
        self.organizations: Any = boto3.client("organizations")  # PolicyType is a str here, not the stubs' Literal

    def state(self, policy_type: str) -> str:
        """The type's status on the root (ListRoots): ENABLED, PENDING_ENABLE, PENDING_DISABLE, or
        NOT_ENABLED; GONE when there is no such root (nor organization) any more."""
        try:
            roots = {root["Id"]: root for root in retrying(lambda: self.organizations.list_roots()["Roots"], self.context)}
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "AWSOrganizationsNotInUseException":
                return GONE
            raise
        if self.root_id not in roots:
            return GONE
        summaries = roots[self.root_id].get("PolicyTypes", [])
        return next((summary["Status"] for summary in summaries if summary["Type"] == policy_type), NOT_ENABLED)

    def enable(self, policy_type: str) -> None:
        state = self.state(policy_type)
        if state == GONE:
            raise LookupError(f"no root {self.root_id} in this organization: cannot enable {policy_type} on it")
        if state not in (ENABLED, "PENDING_ENABLE"):
            try:
                retrying(lambda: self.organizations.enable_policy_type(RootId=self.root_id, PolicyType=policy_type), self.context)
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") != "PolicyTypeAlreadyEnabledException":
                    raise
        self.wait_until(policy_type, lambda state: state == ENABLED, ENABLED)

    def wait_until(self, policy_type: str, done: Callable[[str], bool], goal: str) -> None:
        """Poll ListRoots until `done(state)`; fail, naming the state, when time runs out."""
        while not done(state := self.state(policy_type)):
            if not time_left(self.context, POLL_SECONDS):
                raise TimeoutError(f"{policy_type} on {self.root_id} is {state}, not {goal} in time")
            time.sleep(POLL_SECONDS)
