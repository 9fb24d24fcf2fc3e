"""A custom resource that answers what IAM Identity Center names by ID: its organization instance
(InstanceArn, IdentityStoreId), Identity Center groups by display name, and accounts by email.

org.yaml names an Identity Center group by its display name and an account by its key; an
AWS::SSO::Assignment needs the group's ID (PrincipalId) and the account's ID (TargetId), and an
AWS::SSO::PermissionSet the instance's ARN (AWS::SSO::Assignment and AWS::SSO::PermissionSet,
CloudFormation Template Reference). None of them is known before the deploy, so each stack reads
them while it deploys:
- the instance: sso-admin ListInstances ("Lists the details of the organization and account
  instances of IAM Identity Center that were created in or visible to the account calling this
  API", IAM Identity Center API Reference). An account instance can never be in the management
  account (CreateInstance: "The CreateInstance request is rejected if ... The instance is created
  within the organization management account"), so the instance the management account owns is
  the organization instance. None in the function's region: Identity Center is not enabled there.
- `Groups` (attribute name -> display name): identitystore GetGroupId with the AlternateIdentifier
  UniqueAttribute displayName ("For the unique attribute, the only valid path is displayName",
  Identity Store API Reference, GetGroupId; ResourceNotFoundException when no group has it).
- `Accounts` (attribute name -> {Key, Email}): organizations ListAccounts, paginated, matched by
  email (the only way to find an account by its email: DescribeAccount takes an ID).

The answer's Data gives InstanceArn, IdentityStoreId and each attribute name its ID; its body must
stay within 4,096 bytes ("The total size of the response body can't exceed 4096 bytes",
CloudFormation User Guide, "Custom resource response objects"): constructs/identity_center_lookup.py
sizes each lookup so. A failure is answered FAILED with a reason a person can act on: CloudFormation
shows it as the resource's status reason ("Received response status [FAILED] from custom resource.
Message returned: ...").

Every call is retried while AWS may yet accept it (constructs/functions/retries.py). Deployed
inline (the template's ZipFile), where Lambda provides `cfnresponse` (CloudFormation User Guide,
"cfn-response module")."""

import json
import time
from typing import Any

import boto3
import cfnresponse
from botocore.config import Config
from botocore.exceptions import ClientError

from constructs.functions.retries import retrying

PHYSICAL_ID = "identity-center-lookup"
# A reason longer than this is cut: the whole answer must stay within 4,096 bytes. Bytes as
# cfnresponse sends them (json.dumps: a character beyond ASCII takes up to 12, as \\uXXXX pairs).
REASON_MAX = 2000
# A name in a message is cut to this many characters (display names run to 1,024), and a list of
# names to this many.
NAME_SHOWN_MAX, NAMES_SHOWN_MAX = 80, 10
# ListAccounts answers are kept for the lookups that follow in the same stack (each waits for the
# one before: constructs/identity_center_lookup.py), while fresh; an email not in them reads again.
ACCOUNTS_FRESH_SECONDS = 300
_accounts: dict[str, Any] = {}

# A stack's lookups and AWS's other callers share the services' rates: botocore's adaptive mode
# limits the rate client-side and retries throttling (identitystore and sso-admin answer
# ThrottlingException); `retrying` owns the longer backoff and IAM's propagation.
_CONFIG = Config(retries={"mode": "adaptive", "max_attempts": 5})


class LookupFailed(Exception):
    """What the person deploying must do, said as the reason of the FAILED answer."""


def handler(event: dict[str, Any], context: Any) -> None:
    status, data, reason = cfnresponse.SUCCESS, {}, None
    try:
        if event["RequestType"] != "Delete":
            properties = event["ResourceProperties"]
            data = look_up(properties.get("Groups") or {}, properties.get("Accounts") or {}, context)
    except LookupFailed as failure:
        status, reason = cfnresponse.FAILED, fitted(str(failure))
    except Exception as error:  # any failure must still be answered
        status, reason = cfnresponse.FAILED, fitted(f"{type(error).__name__}: {error}")
    cfnresponse.send(event, context, status, data, physicalResourceId=PHYSICAL_ID, reason=reason)


def look_up(groups: dict[str, str], accounts: dict[str, dict[str, str]], context: Any) -> dict[str, str]:
    """InstanceArn, IdentityStoreId, and each attribute name of `groups` and `accounts` its ID."""
    instance = organization_instance(context)
    data = {"InstanceArn": instance["InstanceArn"], "IdentityStoreId": instance["IdentityStoreId"]}
    if groups:
        data.update(group_ids(instance, groups, context))
    if accounts:
        data.update(account_ids(accounts, context))
    return data


def organization_instance(context: Any) -> dict[str, Any]:
    sso_admin = boto3.client("sso-admin", config=_CONFIG)
    region = sso_admin.meta.region_name
    management = context.invoked_function_arn.split(":")[4]

    def list_instances() -> list[dict[str, Any]]:
        pages = sso_admin.get_paginator("list_instances").paginate()
        return [instance for page in pages for instance in page["Instances"]]

    found = retrying(list_instances, context)
    # Status is ACTIVE once the instance is usable (CREATE_IN_PROGRESS, CREATE_FAILED,
    # DELETE_IN_PROGRESS otherwise: InstanceMetadata); older SDKs answer without it.
    owned = [i for i in found if i.get("OwnerAccountId", management) == management and i.get("Status", "ACTIVE") == "ACTIVE"]
    if not owned:
        others = "".join(f" ({i['InstanceArn']}: {i.get('Status', 'ACTIVE')}, owned by {i.get('OwnerAccountId', '?')})" for i in found)
        raise LookupFailed(
            f"IAM Identity Center has no active organization instance in {region}{others}: enable it there (IAM Identity"
            f" Center console, Enable, in the management account {management}), or set identity_center.region in org.yaml"
            " to the region it is enabled in (its home region), then deploy again"
        )
    if len(owned) > 1:
        arns = ", ".join(i["InstanceArn"] for i in owned)
        raise LookupFailed(
            f"IAM Identity Center has {len(owned)} instances in {region} ({arns}); orgboot expects one organization instance"
        )
    return owned[0]


def group_ids(instance: dict[str, Any], groups: dict[str, str], context: Any) -> dict[str, str]:
    """Each attribute name of `groups` the ID of the group of that display name; every missing
    group named at once."""
    identity_store = boto3.client("identitystore", config=_CONFIG)
    store = instance["IdentityStoreId"]
    ids, missing = {}, []
    for name, display_name in groups.items():

        def get_group_id(display_name: str = display_name) -> str | None:
            try:
                answer = identity_store.get_group_id(
                    IdentityStoreId=store,
                    AlternateIdentifier={"UniqueAttribute": {"AttributePath": "displayName", "AttributeValue": display_name}},
                )
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
                    return None
                raise
            return str(answer["GroupId"])

        group_id = retrying(get_group_id, context)
        if group_id is None:
            missing.append(display_name)
        else:
            ids[name] = group_id
    if missing:
        raise LookupFailed(
            f"IAM Identity Center has no group named {_listed(missing, quoted=True)} in identity store {store} (instance"
            f" {instance['InstanceArn']}): create {'it' if len(missing) == 1 else 'them'} there, or have your identity provider"
            " sync it (SCIM provisioning: the group must be assigned to the AWS application), or correct the group's display"
            " name in identity_center.assignments of org.yaml (display names are matched exactly), then deploy again"
        )
    return ids


def account_ids(accounts: dict[str, dict[str, str]], context: Any) -> dict[str, str]:
    """Each attribute name of `accounts` the ID of the account with that email (AWS compares
    emails without regard to case: an account's email is its root user's sign-in)."""
    wanted = {entry["Email"].lower() for entry in accounts.values()}
    by_email = _organization_accounts(context, fresh=False)
    if not wanted <= by_email.keys():
        by_email = _organization_accounts(context, fresh=True)
    ids, missing, inactive = {}, [], []
    for name, entry in accounts.items():
        account = by_email.get(entry["Email"].lower())
        if account is None:
            missing.append(f"{entry['Key']} ({entry['Email']})")
            continue
        # State replaces Status (ACTIVE, SUSPENDED, PENDING_CLOSURE, ...: Organizations API
        # Reference, Account); older SDKs answer Status only.
        state = account.get("State") or account.get("Status") or "ACTIVE"
        if state not in ("ACTIVE", "PENDING_ACTIVATION"):
            inactive.append(f"{entry['Key']} ({account['Id']}: {state})")
            continue
        ids[name] = str(account["Id"])
    problems = []
    if missing:
        problems.append(
            f"no account of the organization has the email of {_listed(missing)}: each must exist (its accounts stack"
            " deploys before this one) with the email org.yaml gives it; give account_id in org.yaml for an account whose"
            " email was changed outside orgboot"
        )
    if inactive:
        problems.append(f"{_listed(inactive)} cannot be assigned permission sets: only active accounts can")
    if problems:
        raise LookupFailed("IAM Identity Center assignments: " + "; ".join(problems))
    return ids


def _organization_accounts(context: Any, fresh: bool) -> dict[str, dict[str, Any]]:
    """Every account of the organization by lower-case email, read once for the lookups that follow."""
    if not fresh and _accounts and time.monotonic() - _accounts["at"] < ACCOUNTS_FRESH_SECONDS:
        return dict(_accounts["by_email"])
    organizations = boto3.client("organizations", config=_CONFIG)

    def list_accounts() -> dict[str, dict[str, Any]]:
        pages = organizations.get_paginator("list_accounts").paginate()
        return {account["Email"].lower(): dict(account) for page in pages for account in page["Accounts"]}

    by_email = retrying(list_accounts, context)
    _accounts.update(at=time.monotonic(), by_email=by_email)
    return by_email


def _listed(items: list[str], quoted: bool = False) -> str:
    cut = [item if len(item) <= NAME_SHOWN_MAX else item[: NAME_SHOWN_MAX - 1] + "…" for item in items[:NAMES_SHOWN_MAX]]
    shown = ", ".join(f"'{item}'" if quoted else item for item in cut)
    return shown + (f" and {len(items) - NAMES_SHOWN_MAX} more" if len(items) > NAMES_SHOWN_MAX else "")


def fitted(reason: str) -> str:
    """`reason`, cut to REASON_MAX bytes as the answer's JSON holds it."""
    while len(json.dumps(reason)) > REASON_MAX:
        reason = reason[: max(0, len(reason) - (len(json.dumps(reason)) - REASON_MAX) // 6 - 1)]
    return reason
