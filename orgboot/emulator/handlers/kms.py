"""KMS: customer managed keys (their key policy and rotation) and their aliases."""

import json
from typing import Any

from orgboot.aws.regions import PARTITION
from orgboot.emulator.errors import EmulationError
from orgboot.emulator.handlers.base import Context, Handler, Result
from orgboot.policy.evaluation import Applicable, Request, evaluate
from orgboot.policy.matching import Caller
from orgboot.policy.statements import PolicyRef, parse

# What CloudFormation deploys with: the CDK deploy role, or a StackSet's execution role, each an
# administrator of its account (AdministratorAccess).
_DEPLOYER_POLICY = parse(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
    PolicyRef("AdministratorAccess", "identity", "the deploying role"),
)
# The default rotation period (KMS Developer Guide, "Rotate AWS KMS keys": 365 days unless given).
_DEFAULT_ROTATION_DAYS = 365


def _document(policy: Any) -> dict[str, Any]:
    """A key policy as CloudFormation takes it: a JSON object or its text."""
    document: dict[str, Any] = json.loads(policy) if isinstance(policy, str) else policy
    return document


def _check_lockout(ctx: Context, policy: dict[str, Any]) -> None:
    """KMS API Reference, CreateKey and PutKeyPolicy (BypassPolicyLockoutSafetyCheck): "the key
    policy must allow the principal making the ... request to make a subsequent PutKeyPolicy
    request on the KMS key", or KMS refuses it (MalformedPolicyDocumentException); CloudFormation
    never bypasses the check unless BypassPolicyLockoutSafetyCheck says so."""
    account = ctx.aws.account_id
    deployer = Caller(f"arn:{PARTITION}:iam::{account}:role/cloudformation-deploy", account, "role")
    key = f"arn:{PARTITION}:kms:{ctx.aws.region}:{account}:key/00000000-0000-0000-0000-000000000000"
    decision = evaluate(
        Request(deployer, "kms:PutKeyPolicy", key),
        Applicable(identity=(_DEPLOYER_POLICY,), resource=parse(policy, PolicyRef("the key policy", "resource"))),
    )
    if not decision.allowed:
        raise EmulationError(
            "MalformedPolicyDocumentException: The new key policy will not allow you to update the key policy in the future"
            f" ({decision.why})"
        )


class Key(Handler):
    # What the handler applies; the rest of AWS::KMS::Key (KeySpec, KeyUsage, MultiRegion, Origin)
    # replaces the key in AWS, which orgboot never does to a key that encrypts logs.
    UPDATABLE = {"KeyPolicy", "EnableKeyRotation", "RotationPeriodInDays", "Description", "Enabled", "PendingWindowInDays", "Tags"}

    def create(self, ctx: Context, props: dict[str, Any]) -> Result:
        kms = ctx.aws.client("kms")
        arguments: dict[str, Any] = {}
        if "KeyPolicy" in props:  # without one, KMS gives the key its default policy
            policy = _document(props["KeyPolicy"])
            if str(props.get("BypassPolicyLockoutSafetyCheck", "false")).lower() != "true":
                _check_lockout(ctx, policy)
            arguments["Policy"] = json.dumps(policy)
        for name in ("Description", "KeyUsage", "KeySpec"):
            if name in props:
                arguments[name] = props[name]
        if "Tags" in props:
            arguments["Tags"] = [{"TagKey": t["Key"], "TagValue": t["Value"]} for t in props["Tags"]]
        key = kms.create_key(**arguments)["KeyMetadata"]
        self._settings(kms, key["KeyId"], {}, props)
        return Result(key["KeyId"], {"Arn": key["Arn"], "KeyId": key["KeyId"]})

    def update(self, ctx: Context, physical_id: str, old: dict[str, Any], new: dict[str, Any]) -> Result:
        if changed := sorted(k for k in {*old, *new} - self.UPDATABLE if old.get(k) != new.get(k)):
            raise EmulationError(f"the emulator does not replace KMS keys; {', '.join(changed)} changed")
        kms = ctx.aws.client("kms")
        if old.get("KeyPolicy") != new.get("KeyPolicy") and "KeyPolicy" in new:
            policy = _document(new["KeyPolicy"])
            if str(new.get("BypassPolicyLockoutSafetyCheck", "false")).lower() != "true":
                _check_lockout(ctx, policy)
            kms.put_key_policy(KeyId=physical_id, PolicyName="default", Policy=json.dumps(policy))
        if old.get("Description") != new.get("Description"):
            kms.update_key_description(KeyId=physical_id, Description=new.get("Description", ""))
        self._settings(kms, physical_id, old, new)
        arn = kms.describe_key(KeyId=physical_id)["KeyMetadata"]["Arn"]
        return Result(physical_id, {"Arn": arn, "KeyId": physical_id})

    @staticmethod
    def _settings(kms: Any, key_id: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        """Rotation (EnableKeyRotation, RotationPeriodInDays) and whether the key is enabled."""
        rotating = str(new.get("EnableKeyRotation", "false")).lower() == "true"
        period = int(new.get("RotationPeriodInDays", _DEFAULT_ROTATION_DAYS))
        if rotating:
            kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=period)
        elif str(old.get("EnableKeyRotation", "false")).lower() == "true":
            kms.disable_key_rotation(KeyId=key_id)
        enabled = str(new.get("Enabled", "true")).lower() == "true"
        if enabled != (str(old.get("Enabled", "true")).lower() == "true"):
            (kms.enable_key if enabled else kms.disable_key)(KeyId=key_id)

    def delete(self, ctx: Context, physical_id: str, props: dict[str, Any]) -> None:
        # CloudFormation schedules the key's deletion, after PendingWindowInDays (7-30, 30 by
        # default: AWS::KMS::Key).
        ctx.aws.client("kms").schedule_key_deletion(KeyId=physical_id, PendingWindowInDays=int(props.get("PendingWindowInDays", 30)))


class Alias(Handler):
    """AliasName is create-only (a new name is a new alias: the engine replaces it); TargetKeyId
    updates in place (UpdateAlias)."""

    def create(self, ctx: Context, props: dict[str, Any]) -> Result:
        kms = ctx.aws.client("kms")
        kms.create_alias(AliasName=props["AliasName"], TargetKeyId=self._key_id(kms, props["TargetKeyId"]))
        return Result(props["AliasName"])

    def update(self, ctx: Context, physical_id: str, old: dict[str, Any], new: dict[str, Any]) -> Result:
        kms = ctx.aws.client("kms")
        kms.update_alias(AliasName=physical_id, TargetKeyId=self._key_id(kms, new["TargetKeyId"]))
        return Result(physical_id)

    def delete(self, ctx: Context, physical_id: str, props: dict[str, Any]) -> None:
        ctx.aws.client("kms").delete_alias(AliasName=physical_id)

    @staticmethod
    def _key_id(kms: Any, key: str) -> str:
        """The key's ID, given its ID or ARN (TargetKeyId takes either)."""
        key_id: str = kms.describe_key(KeyId=key)["KeyMetadata"]["KeyId"]
        return key_id


HANDLERS: dict[str, Handler] = {"AWS::KMS::Key": Key(), "AWS::KMS::Alias": Alias()}
