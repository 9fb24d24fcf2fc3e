"""The policy documents of an IAM group or role as IAM holds them: attached managed policies
(their default version), inline policies, a role's trust policy and permissions boundary."""

import json
from typing import Any
from urllib.parse import unquote

from orgboot.state.pages import all_items


def document(value: Any) -> dict[str, Any]:
    """IAM returns documents URL-encoded; moto sometimes already decoded."""
    parsed: dict[str, Any] = json.loads(unquote(value)) if isinstance(value, str) else value
    return parsed


def managed_document(iam: Any, arn: str) -> dict[str, Any]:
    version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
    return document(iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"])


def identity_documents(iam: Any, kind: str, name: str) -> list[tuple[str, dict[str, Any]]]:
    """(policy name, document) of every policy of the group or role `name` (`kind`: group, role)."""
    key = {"group": "GroupName", "role": "RoleName"}[kind]
    attached = all_items(iam, f"list_attached_{kind}_policies", "AttachedPolicies", **{key: name})
    documents = [(p["PolicyName"], managed_document(iam, p["PolicyArn"])) for p in attached]
    for policy in all_items(iam, f"list_{kind}_policies", "PolicyNames", **{key: name}):
        documents.append((policy, document(getattr(iam, f"get_{kind}_policy")(**{key: name}, PolicyName=policy)["PolicyDocument"])))
    return documents
