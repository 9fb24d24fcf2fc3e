"""AWS::SSO::PermissionSet and AWS::SSO::Assignment, making the calls their CloudFormation providers
make (aws-cloudformation-resource-providers-sso: aws-sso-permissionset and aws-sso-assignment,
Create/Update/DeleteHandler; the registry schemas' handler permissions name the calls of the
current providers, customer managed policies and boundaries included) through sso-admin, which the
emulator answers as IAM Identity Center does (orgboot/emulator/apis/identity_center.py: the checks,
the provisioning of roles into accounts).

- Both types have compound primary identifiers, written as a string by listing "the property
  values, in the order they are specified in the primary identifier definition, separated by |"
  (Cloud Control API User Guide, "Identifying resources with AWS Cloud Control API"): the physical
  ID, which Ref returns; a permission set's own ARN is GetAtt PermissionSetArn (a Ref of the set is
  not its ARN, as aws-sso-util#12 notes).
- PermissionSet: InstanceArn and Name are create-only (the engine replaces it: schemas.py). An
  update applies each change, then provisions the set again to every account it is provisioned
  in (ProvisionPermissionSet, ALL_PROVISIONED_ACCOUNTS) and waits for that; FAILED fails the
  update ("Request <id> failed due to: <reason>", the providers' FAILED_WORKFLOW_REQUEST).
- Assignment: every property is create-only; the provider refuses to create one that exists
  ("Assignment already exists. Can't process creation.") and waits for the creation or deletion
  request's status.
- Deletes of what is gone already succeed (CloudFormation CLI, "Resource type handler contract").
- Import (`cdk import` of an Identity Center set up by hand) reads as the providers' ReadHandlers
  do: a permission set by DescribePermissionSet (ResourceNotFoundException: NotFound), with its tags,
  managed policies and inline policy, and, as the current schema's read permissions list, its
  customer managed policy references and boundary; an assignment by ListAccountAssignments of its
  instance, account and permission set, NotFound ("Assignment not exists for given entity.") unless
  its principal is there. The identifier comes as the physical ID ("|"-joined: importing.py).
"""

import json
from typing import Any

from botocore.exceptions import ClientError

from orgboot.emulator.errors import EmulationError
from orgboot.emulator.handlers.base import Context, Handler, Result, not_found

ASSIGNMENT_IDENTIFIER = ("InstanceArn", "TargetId", "TargetType", "PermissionSetArn", "PrincipalType", "PrincipalId")


def _client(ctx: Context) -> Any:
    return ctx.aws.client("sso-admin")


def _inline(document: Any) -> str:
    """The provider's processInlinePolicy: a JSON object written out (Jackson, compact), a string as it is."""
    return document if isinstance(document, str) else json.dumps(document, separators=(",", ":"))


def _reference(reference: dict[str, Any]) -> dict[str, str]:
    return {"Name": reference["Name"], "Path": reference.get("Path", "/")}


def _boundary(boundary: dict[str, Any]) -> dict[str, Any]:
    if "CustomerManagedPolicyReference" in boundary:
        return {"CustomerManagedPolicyReference": _reference(boundary["CustomerManagedPolicyReference"])}
    return {"ManagedPolicyArn": boundary["ManagedPolicyArn"]}


def _succeeded(status: dict[str, Any]) -> None:
    if status["Status"] == "FAILED":
        raise EmulationError(f"Request {status['RequestId']} failed due to: {status.get('FailureReason')}")


def _gone(error: ClientError) -> bool:
    return error.response["Error"]["Code"] == "ResourceNotFoundException"


class PermissionSet(Handler):
    def create(self, ctx: Context, props: dict[str, Any]) -> Result:
        client, instance = _client(ctx), props["InstanceArn"]
        request: dict[str, Any] = {"Name": props["Name"], "InstanceArn": instance}
        for key, api_key in (("Description", "Description"), ("SessionDuration", "SessionDuration"), ("RelayStateType", "RelayState")):
            if key in props:
                request[api_key] = props[key]
        if props.get("Tags"):
            request["Tags"] = [{"Key": tag["Key"], "Value": tag["Value"]} for tag in props["Tags"]]
        arn = client.create_permission_set(**request)["PermissionSet"]["PermissionSetArn"]
        try:
            self._apply(ctx, instance, arn, {}, props)
        except (ClientError, EmulationError):
            # The provider reports the set's ARN before attaching its policies: CloudFormation then
            # deletes it as a resource of the stack. Without it a name once used would stay taken.
            client.delete_permission_set(InstanceArn=instance, PermissionSetArn=arn)
            raise
        return self._result(instance, arn)

    def update(self, ctx: Context, physical_id: str, old: dict[str, Any], new: dict[str, Any]) -> Result:
        client, instance = _client(ctx), new["InstanceArn"]
        arn = physical_id.split("|", 1)[1]
        request = {"InstanceArn": instance, "PermissionSetArn": arn}
        for key, api_key in (("Description", "Description"), ("SessionDuration", "SessionDuration"), ("RelayStateType", "RelayState")):
            if key in new:
                request[api_key] = new[key]
        client.update_permission_set(**request)
        old_tags = {t["Key"]: t["Value"] for t in old.get("Tags", [])}
        new_tags = {t["Key"]: t["Value"] for t in new.get("Tags", [])}
        if removed := sorted(old_tags.keys() - new_tags.keys()):
            client.untag_resource(InstanceArn=instance, ResourceArn=arn, TagKeys=removed)
        if changed := [{"Key": k, "Value": v} for k, v in new_tags.items() if old_tags.get(k) != v]:
            client.tag_resource(InstanceArn=instance, ResourceArn=arn, Tags=changed)
        self._apply(ctx, instance, arn, old, new)
        status = client.provision_permission_set(InstanceArn=instance, PermissionSetArn=arn, TargetType="ALL_PROVISIONED_ACCOUNTS")
        request_id = status["PermissionSetProvisioningStatus"]["RequestId"]
        _succeeded(
            client.describe_permission_set_provisioning_status(InstanceArn=instance, ProvisionPermissionSetRequestId=request_id)[
                "PermissionSetProvisioningStatus"
            ]
        )
        return self._result(instance, arn)

    def delete(self, ctx: Context, physical_id: str, props: dict[str, Any]) -> None:
        instance, arn = physical_id.split("|", 1)
        try:
            _client(ctx).delete_permission_set(InstanceArn=instance, PermissionSetArn=arn)
        except ClientError as error:
            if not _gone(error):
                raise

    @staticmethod
    def _apply(ctx: Context, instance: str, arn: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        """Take the set's policies from `old` to `new` properties."""
        client, ids = _client(ctx), {"InstanceArn": instance, "PermissionSetArn": arn}
        old_managed, new_managed = set(old.get("ManagedPolicies", [])), list(dict.fromkeys(new.get("ManagedPolicies", [])))
        for policy in sorted(old_managed - set(new_managed)):
            client.detach_managed_policy_from_permission_set(**ids, ManagedPolicyArn=policy)
        for policy in [p for p in new_managed if p not in old_managed]:
            client.attach_managed_policy_to_permission_set(**ids, ManagedPolicyArn=policy)
        old_refs = [_reference(r) for r in old.get("CustomerManagedPolicyReferences", [])]
        new_refs = [_reference(r) for r in new.get("CustomerManagedPolicyReferences", [])]
        for reference in [r for r in old_refs if r not in new_refs]:
            client.detach_customer_managed_policy_reference_from_permission_set(**ids, CustomerManagedPolicyReference=reference)
        for reference in [r for r in new_refs if r not in old_refs]:
            client.attach_customer_managed_policy_reference_to_permission_set(**ids, CustomerManagedPolicyReference=reference)
        if "InlinePolicy" in new and _inline(new["InlinePolicy"]):
            if old.get("InlinePolicy") != new["InlinePolicy"]:
                client.put_inline_policy_to_permission_set(**ids, InlinePolicy=_inline(new["InlinePolicy"]))
        elif old.get("InlinePolicy"):
            client.delete_inline_policy_from_permission_set(**ids)
        if "PermissionsBoundary" in new:
            if old.get("PermissionsBoundary") != new["PermissionsBoundary"]:
                client.put_permissions_boundary_to_permission_set(**ids, PermissionsBoundary=_boundary(new["PermissionsBoundary"]))
        elif "PermissionsBoundary" in old:
            client.delete_permissions_boundary_from_permission_set(**ids)

    def read(self, ctx: Context, identifier: str) -> dict[str, Any]:
        instance, _, arn = identifier.partition("|")
        client, ids = _client(ctx), {"InstanceArn": instance, "PermissionSetArn": arn}
        try:
            found = client.describe_permission_set(**ids)["PermissionSet"]
        except ClientError as error:
            if _gone(error) or error.response["Error"]["Code"] == "ValidationException":  # not even an ARN of one
                raise not_found(ctx.resource_type, identifier) from None
            raise
        live: dict[str, Any] = {"InstanceArn": instance, "PermissionSetArn": arn, "Name": found["Name"]}
        for key, api_key in (("Description", "Description"), ("SessionDuration", "SessionDuration"), ("RelayStateType", "RelayState")):
            if found.get(api_key):
                live[key] = found[api_key]
        if tags := client.list_tags_for_resource(InstanceArn=instance, ResourceArn=arn).get("Tags"):
            live["Tags"] = [{"Key": tag["Key"], "Value": tag["Value"]} for tag in tags]
        if managed := client.list_managed_policies_in_permission_set(**ids).get("AttachedManagedPolicies"):
            live["ManagedPolicies"] = [policy["Arn"] for policy in managed]
        if references := client.list_customer_managed_policy_references_in_permission_set(**ids).get("CustomerManagedPolicyReferences"):
            live["CustomerManagedPolicyReferences"] = [_reference(reference) for reference in references]
        if inline := client.get_inline_policy_for_permission_set(**ids).get("InlinePolicy"):
            live["InlinePolicy"] = inline
        try:
            live["PermissionsBoundary"] = _boundary(client.get_permissions_boundary_for_permission_set(**ids)["PermissionsBoundary"])
        except ClientError as error:
            if not _gone(error):  # no boundary
                raise
        return live

    def result(self, ctx: Context, physical_id: str) -> Result:
        return self._result(*physical_id.split("|", 1))

    @staticmethod
    def _result(instance: str, arn: str) -> Result:
        return Result(f"{instance}|{arn}", {"PermissionSetArn": arn})


class Assignment(Handler):
    def create(self, ctx: Context, props: dict[str, Any]) -> Result:
        client = _client(ctx)
        request = {key: props[key] for key in ASSIGNMENT_IDENTIFIER}
        existing = client.list_account_assignments(
            InstanceArn=request["InstanceArn"], AccountId=request["TargetId"], PermissionSetArn=request["PermissionSetArn"]
        )["AccountAssignments"]
        # The provider's own check before CreateAccountAssignment (its AlreadyExists).
        if any(a["PrincipalType"] == request["PrincipalType"] and a["PrincipalId"] == request["PrincipalId"] for a in existing):
            raise EmulationError("Assignment already exists. Can't process creation.")
        status = client.create_account_assignment(**request)["AccountAssignmentCreationStatus"]
        _succeeded(
            client.describe_account_assignment_creation_status(
                InstanceArn=request["InstanceArn"], AccountAssignmentCreationRequestId=status["RequestId"]
            )["AccountAssignmentCreationStatus"]
        )
        return Result("|".join(str(request[key]) for key in ASSIGNMENT_IDENTIFIER))

    def delete(self, ctx: Context, physical_id: str, props: dict[str, Any]) -> None:
        client = _client(ctx)
        request = {key: props[key] for key in ASSIGNMENT_IDENTIFIER}
        try:
            status = client.delete_account_assignment(**request)["AccountAssignmentDeletionStatus"]
        except ClientError as error:
            if _gone(error):
                return
            raise
        _succeeded(
            client.describe_account_assignment_deletion_status(
                InstanceArn=request["InstanceArn"], AccountAssignmentDeletionRequestId=status["RequestId"]
            )["AccountAssignmentDeletionStatus"]
        )

    def read(self, ctx: Context, identifier: str) -> dict[str, Any]:
        values = identifier.split("|")
        if len(values) != len(ASSIGNMENT_IDENTIFIER):
            raise not_found(ctx.resource_type, identifier)
        live = dict(zip(ASSIGNMENT_IDENTIFIER, values, strict=True))
        try:
            existing = _client(ctx).list_account_assignments(
                InstanceArn=live["InstanceArn"], AccountId=live["TargetId"], PermissionSetArn=live["PermissionSetArn"]
            )["AccountAssignments"]
        except ClientError as error:
            if not (_gone(error) or error.response["Error"]["Code"] == "ValidationException"):
                raise
            existing = []
        if live["TargetType"] != "AWS_ACCOUNT" or not any(
            a["PrincipalType"] == live["PrincipalType"] and a["PrincipalId"] == live["PrincipalId"] for a in existing
        ):
            raise EmulationError(
                f"Resource of type '{ctx.resource_type}' with identifier '{identifier}' was not found:"
                " Assignment not exists for given entity."
            )
        return live

    def result(self, ctx: Context, physical_id: str) -> Result:
        return Result(physical_id)


HANDLERS: dict[str, Handler] = {
    "AWS::SSO::PermissionSet": PermissionSet(),
    "AWS::SSO::Assignment": Assignment(),
}
