"""A custom resource that answers the IDs of organizational units, by path.

Accounts spread over several stacks (orgboot/spec/layout.py) need the IDs of OUs that another
stack creates, and CloudFormation passes values between stacks only through outputs, at most 200
per template (CloudFormation quotas): fewer than a large organization's OUs. So each accounts stack
reads them while it deploys: `Paths` maps an attribute name to an OU path ("Workloads/Prod", or
"Root"), and the answer's Data gives each name its ID. OU names are unique under one parent
(CreateOrganizationalUnit: DuplicateOrganizationalUnitException), so a path names one OU.

Every call is retried while AWS may yet accept it (constructs/functions/retries.py): throttling, and
the AccessDenied of a role whose new policy IAM has not propagated yet.

Deployed inline (the template's ZipFile), where Lambda provides `cfnresponse` (CloudFormation
User Guide, "cfn-response module")."""

from typing import Any

import boto3
import cfnresponse
from botocore.config import Config

from constructs.functions.retries import retrying

ROOT = "Root"


def handler(event: dict[str, Any], context: Any) -> None:
    status, data, reason = cfnresponse.SUCCESS, {}, None
    try:
        if event["RequestType"] != "Delete":
            data = look_up(event["ResourceProperties"]["Paths"], context)
    except Exception as error:  # any failure must still be answered
        status, reason = cfnresponse.FAILED, f"{type(error).__name__}: {error}"[:1000]
    cfnresponse.send(event, context, status, data, physicalResourceId="organizational-unit-ids", reason=reason)


def look_up(paths: dict[str, str], context: Any) -> dict[str, str]:
    # A stack's lookups run at once, and Organizations throttles (TooManyRequestsException):
    # botocore's adaptive mode limits the rate client-side and retries a little; `retrying` owns the
    # longer backoff, within the function's remaining time (botocore's own sleeps are not counted).
    organizations = boto3.client("organizations", config=Config(retries={"mode": "adaptive", "max_attempts": 3}))
    (root,) = retrying(lambda: organizations.list_roots()["Roots"], context)
    children: dict[str, dict[str, str]] = {}

    def list_children(parent: str) -> dict[str, str]:
        pages = organizations.get_paginator("list_organizational_units_for_parent").paginate(ParentId=parent)
        return {ou["Name"]: ou["Id"] for page in pages for ou in page["OrganizationalUnits"]}

    def child_ids(parent: str) -> dict[str, str]:
        if parent not in children:
            children[parent] = retrying(lambda: list_children(parent), context)
        return children[parent]

    ids = {}
    for name, path in paths.items():
        current = root["Id"]
        for part in [] if path == ROOT else path.split("/"):
            if part not in child_ids(current):
                raise LookupError(f"no OU named {part!r} under {current} (looking up {path})")
            current = child_ids(current)[part]
        ids[name] = current
    return ids
