"""A custom resource that completes only once every policy type it names is ENABLED on the root.

EnablePolicyType "is an asynchronous request that AWS performs in the background" (Organizations
API Reference, EnablePolicyType): the type reads PENDING_ENABLE until then, and no policy of it can
be attached before ("it must be available in the organization and enabled for that root",
PolicyTypeSummary), and ListRoots is where that page says the status shows. CDK's
AwsCustomResource makes one call and returns, so this function stands between the enablers and
the first attachment, polling ListRoots.

Deployed inline (the template's ZipFile), where Lambda provides `cfnresponse` (CloudFormation
User Guide, "cfn-response module": "Use this exact import statement")."""

import time
from typing import Any

import boto3
import cfnresponse

POLL_SECONDS = 5
# Stop polling while there is still time to answer: a function that times out without answering
# leaves CloudFormation waiting for the custom resource's ServiceTimeout.
MARGIN_MILLIS = 20_000


def handler(event: dict[str, Any], context: Any) -> None:
    status, reason = cfnresponse.SUCCESS, None
    try:
        if event["RequestType"] != "Delete":  # nothing to undo: the enablers disable their types
            properties = event["ResourceProperties"]
            wait(properties["RootId"], properties["PolicyTypes"], context)
    except Exception as error:  # any failure must still be answered
        status, reason = cfnresponse.FAILED, f"{type(error).__name__}: {error}"[:1000]
    cfnresponse.send(event, context, status, {}, physicalResourceId="policy-types-enabled", reason=reason)


def wait(root_id: str, policy_types: list[str], context: Any) -> None:
    organizations = boto3.client("organizations")
    while True:
        roots = {root["Id"]: root for root in organizations.list_roots()["Roots"]}
        if root_id not in roots:
            raise LookupError(f"no root {root_id} in this organization")
        status: dict[str, str] = {summary["Type"]: summary["Status"] for summary in roots[root_id].get("PolicyTypes", [])}
        waiting = {name: status.get(name, "not enabled") for name in policy_types if status.get(name) != "ENABLED"}
        if not waiting:
            return
        if context.get_remaining_time_in_millis() < MARGIN_MILLIS + POLL_SECONDS * 1000:
            states = ", ".join(f"{name} is {state}" for name, state in sorted(waiting.items()))
            raise TimeoutError(f"policy types not ENABLED on {root_id} in time: {states}")
        time.sleep(POLL_SECONDS)
