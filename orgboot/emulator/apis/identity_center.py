"""IAM Identity Center's administration API (sso-admin) as AWS answers it, over moto's, which keeps
permission sets, their policies and account assignments but none of what makes them real.

moto answers what it has (permission sets, managed policy attachments, customer managed policy
references, inline policies, listing assignments); this API answers, over moto's state, what moto
lacks or gets wrong:

- The organization instance exists only where IAM Identity Center was enabled: once, in the
  management account, in one Region ("You can have only one organization instance for each
  management account in AWS Organizations": IAM Identity Center User Guide, "Organization instances
  of IAM Identity Center"). moto gives every account a new instance in every Region. Enabling is a
  console step (CreateInstance "is rejected if ... The instance is created within the organization
  management account": API Reference), so the emulator does it (`enable`: orgboot/emulator/identity_center.py).
- Permission sets: a name is unique in its instance ("ConflictException: PermissionSet with name X
  already exists.", as reported in terraform-provider-aws#38544); the session duration is 1 to 12
  hours, 1 by default ("Set session duration", User Guide); at most 2,000 per instance ("AWS IAM
  Identity Center quotas"); one that is assigned or provisioned cannot be deleted
  (ConflictException: terraform-provider-aws#26757; "AWS SSO admin API does not allow deleting a
  permission set that already has account assignments", aws-iam-identity-center-extensions#89).
  Permissions boundaries (Put/Get/DeletePermissionsBoundary...: "No permissions boundary attached
  returns a ResourceNotFoundException", as cnquery reads it) and tags, which moto lacks.
- Account assignments and provisioning (User Guide, "IAM roles created by IAM Identity Center" and
  "Referencing permission sets in resource policies"): an assignment provisions the permission set
  into the account, as an IAM role AWSReservedSSO_<set>_<16 hex digits> under
  /aws-reserved/sso.amazonaws.com/ (and the instance's Region when it is not us-east-1:
  orgboot/aws/identity_center.py), trusted by the account's SAML provider for the instance
  (AWSSSO_<id>_DO_NOT_DELETE, which IAM Identity Center creates: the AWSSSOServiceRolePolicy lets it
  create SAML providers named AWSSSO_*), with the set's AWS managed policies, its customer managed
  policies attached by name and path from the account itself ("You must have an IAM policy that
  matches the name and path in each AWS account where you want to deploy your permission set":
  AWS re:Post, identity-center-aws-reserved-sso), its inline policy as AwsSSOInlinePolicy, its
  boundary, and a maximum session duration of 12 hours ("configures these roles with a maximum
  session duration of 12 hours", "Set session duration"). ProvisionPermissionSet applies a changed
  set to the accounts it is provisioned in. The last assignment of a set in an account removed,
  the role goes ("If you delete all assignments to this permission set in the AWS account, the
  corresponding role that IAM Identity Center created is also deleted"); assigned again, it is a new
  role with a new suffix.
- Provisioning fails, as an asynchronous request's FAILED status with its FailureReason (what
  CloudFormation's AWS::SSO::Assignment and PermissionSet providers wait for and report as "Request
  <id> failed due to: <reason>": aws-cloudformation-resource-providers-sso), when a customer managed
  policy or boundary the set names does not exist in the account (aws-iam-identity-center-pipeline#5),
  when the role would exceed IAM's quotas (10 managed policies per role unless raised, and 10,240
  characters of inline policy, whitespace aside: "AWS IAM Identity Center quotas" and its footnote),
  or when the account is not an active account of the organization (a suspended one: "Obtaining
  permissions to manage your AWS account ... takes longer than usual",
  aws-identitycenter-codepipeline-auto-assignment#31). Failure reasons read "Received a <status>
  status error: ..." as AWS's do (landing-zone-accelerator-on-aws#496). The principal of an
  assignment must exist in the instance's identity store.

The emulator completes every request at once: a status is SUCCEEDED or FAILED, never IN_PROGRESS.
"""

import hashlib
import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError
from moto.ssoadmin.models import ManagedPolicy, PermissionSet, SSOAdminBackend, ssoadmin_backends

from orgboot.aws.identity_center import (
    INLINE_POLICY_NON_WHITESPACE_MAX,
    MANAGED_POLICIES_PER_PERMISSION_SET,
    MANAGED_POLICIES_PER_ROLE_DEFAULT,
    PERMISSION_SETS_PER_INSTANCE,
    SESSION_HOURS,
    role_name,
    role_path,
)
from orgboot.aws.regions import HOME_REGION, PARTITION
from orgboot.emulator import managed_policies
from orgboot.emulator.apis.api import Api, Call, Organization
from orgboot.emulator.apis.rest_json import ApiError
from orgboot.emulator.aws import AwsAccount

# The inline policy of a provisioned role, as IAM Identity Center names it (what `aws iam
# get-role-policy --policy-name AwsSSOInlinePolicy` reads on any AWSReservedSSO_ role).
INLINE_POLICY_NAME = "AwsSSOInlinePolicy"
# What a provisioned role may be assumed with: the account's SAML provider for the instance, with
# the AWS sign-in endpoint as audience (the trust policy IAM Identity Center writes).
SAML_AUDIENCE = "https://signin.aws.amazon.com/saml"
# "IAM Identity Center automatically creates IAM roles ... with a maximum session duration of 12
# hours" ("Set session duration").
ROLE_MAX_SESSION_SECONDS = 12 * 3600
DEFAULT_SESSION_DURATION = "PT1H"  # "the session duration is set to 1 hour ... by default"
_DURATION = re.compile(r"P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?")
# The SAML provider's metadata (IAM takes 1,000 to 10,000,000 characters: CreateSAMLProvider): an
# identity provider's descriptor, with a stand-in certificate.
_SAML_METADATA = (
    '<?xml version="1.0" encoding="UTF-8"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"'
    ' entityID="https://portal.sso.amazonaws.com/saml/assertion/orgboot-emulated"><md:IDPSSODescriptor'
    ' WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
    '<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data>'
    f"<ds:X509Certificate>{'A' * 800}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
    "<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>"
    '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"'
    ' Location="https://portal.sso.amazonaws.com/saml/assertion/orgboot-emulated"/></md:IDPSSODescriptor></md:EntityDescriptor>'
)


@dataclass(frozen=True)
class Instance:
    """An organization instance: where it was enabled, and whether the emulator enabled it as a
    stand-in for the console step (orgboot/emulator/identity_center.py)."""

    arn: str
    identity_store_id: str
    owner: str
    region: str
    created: datetime
    stand_in: bool = False

    def as_api(self) -> dict[str, Any]:
        return {
            "InstanceArn": self.arn,
            "IdentityStoreId": self.identity_store_id,
            "OwnerAccountId": self.owner,
            "CreatedDate": self.created,
            "Status": "ACTIVE",
        }


@dataclass
class _Provisioned:
    """A permission set provisioned into an account: its role, and what IAM Identity Center wrote
    into it (so that provisioning again writes only what changed)."""

    role_name: str
    path: str
    policies: tuple[str, ...] = ()  # managed policy ARNs attached
    inline: str = ""
    boundary: str | None = None


@dataclass
class _State:
    instances: dict[str, Instance] = field(default_factory=dict)  # by owner (management) account
    boundaries: dict[str, dict[str, Any]] = field(default_factory=dict)  # permission set ARN -> PermissionsBoundary
    provisioned: dict[tuple[str, str], _Provisioned] = field(default_factory=dict)  # (permission set ARN, account)
    roles_made: dict[tuple[str, str], int] = field(default_factory=dict)  # roles made so far, for new suffixes
    requests: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # (kind, request ID) -> status


def _backend(call: Call) -> SSOAdminBackend:
    backend: SSOAdminBackend = ssoadmin_backends[call.account_id][call.region]
    return backend


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def session_seconds(duration: str) -> float | None:
    """An ISO-8601 duration in seconds (weeks, days, hours, minutes, seconds), or None when it has
    years or months: no such duration is within the range anyway."""
    found = _DURATION.fullmatch(duration.removeprefix("-"))
    if found is None or not any(found.groups()):
        return None
    weeks, days, hours, minutes, seconds = (float(part or 0) for part in found.groups())
    return ((weeks * 7 + days) * 24 + hours) * 3600 + minutes * 60 + seconds


def _failure(status: int, message: str) -> str:
    return f"Received a {status} status error: {message}"


class IdentityCenter(Api):
    service_name = "sso-admin"
    extends_moto = True

    def __init__(self) -> None:
        super().__init__()
        self.state = _State()

    # What the emulator does where AWS has a console step.

    def enable(self, owner: str, region: str, *, stand_in: bool = False) -> Instance:
        """Enable IAM Identity Center for the organization whose management account is `owner`,
        in `region` (the console's Enable): its organization instance and identity store. Enabled
        already in that region, the instance is kept; in another, refused (one per organization)."""
        existing = self.state.instances.get(owner)
        if existing is not None:
            if existing.region != region:
                raise ValueError(
                    f"IAM Identity Center is enabled in {existing.region} already: an organization has one organization"
                    f" instance, in one Region (its instance {existing.arn})"
                )
            return existing
        digest = _digest(f"{owner}/{region}")
        instance = Instance(
            arn=f"arn:{PARTITION}:sso:::instance/ssoins-{digest[:16]}",
            identity_store_id=f"d-{digest[16:26]}",
            owner=owner,
            region=region,
            created=datetime.now(UTC),
            stand_in=stand_in,
        )
        self.state.instances[owner] = instance
        return instance

    def instance_of(self, owner: str) -> Instance | None:
        return self.state.instances.get(owner)

    def provisioned_role(self, permission_set_arn: str, account_id: str) -> str | None:
        """The name of the role a permission set is provisioned as in an account, or None."""
        provisioned = self.state.provisioned.get((permission_set_arn, account_id))
        return provisioned.role_name if provisioned else None

    # Instances

    def list_instances(self, call: Call) -> dict[str, Any]:
        instance = self.state.instances.get(call.account_id)
        return {"Instances": [instance.as_api()] if instance is not None and instance.region == call.region else []}

    def describe_instance(self, call: Call) -> dict[str, Any]:
        return self._instance(call, call.params["InstanceArn"]).as_api()

    def _instance(self, call: Call, arn: str) -> Instance:
        instance = self.state.instances.get(call.account_id)
        if instance is None or instance.arn != arn or instance.region != call.region:
            where = (
                f"IAM Identity Center is not enabled for account {call.account_id}"
                if instance is None
                else f"the organization instance is {instance.arn} in {instance.region}"
            )
            raise ApiError("ResourceNotFoundException", f"Instance {arn} does not exist in {call.region} ({where})")
        return instance

    # Permission sets

    def _permission_set(self, call: Call, instance_arn: str, arn: str) -> PermissionSet:
        self._instance(call, instance_arn)
        for permission_set in _backend(call).permission_sets:
            if permission_set.instance_arn == instance_arn and permission_set.permission_set_arn == arn:
                return permission_set
        raise ApiError("ResourceNotFoundException", f"Could not find PermissionSet with id {arn.rsplit('/', 1)[-1]}")

    @staticmethod
    def _check_session(duration: str | None) -> None:
        if duration is None:
            return
        seconds = session_seconds(duration)
        low, high = SESSION_HOURS
        if seconds is None or not low * 3600 <= seconds <= high * 3600:
            raise ApiError(
                "ValidationException",
                f"SessionDuration {duration} is out of range: a permission set's session lasts {low} to {high} hours"
                f" (PT{low}H to PT{high}H)",
            )

    def create_permission_set(self, call: Call) -> dict[str, Any]:
        params = call.params
        instance = self._instance(call, params["InstanceArn"])
        backend = _backend(call)
        own = [p for p in backend.permission_sets if p.instance_arn == instance.arn]
        if any(p.name == params["Name"] for p in own):
            raise ApiError("ConflictException", f"PermissionSet with name {params['Name']} already exists.")
        if len(own) >= PERMISSION_SETS_PER_INSTANCE:
            raise ApiError(
                "ServiceQuotaExceededException",
                f"The instance has {len(own)} permission sets, the quota (Number of permission sets allowed in IAM Identity Center)",
            )
        self._check_session(params.get("SessionDuration"))
        created = backend.create_permission_set(
            name=params["Name"],
            description=params.get("Description"),  # type: ignore[arg-type]  # moto keeps None for none
            instance_arn=instance.arn,
            session_duration=params.get("SessionDuration", DEFAULT_SESSION_DURATION),
            relay_state=params.get("RelayState"),  # type: ignore[arg-type]
            tags=params.get("Tags", []),
        )
        # moto names it <instance ARN>/ps-<id>; AWS's is arn:aws:sso:::permissionSet/ssoins-<id>/ps-<id>
        # (API Reference, PermissionSet: the pattern of PermissionSetArn), which the API's own patterns require.
        permission_set = next(p for p in backend.permission_sets if p.permission_set_arn == created["PermissionSetArn"])
        instance_id, set_id = instance.arn.rsplit("/", 1)[1], created["PermissionSetArn"].rsplit("/", 1)[1]
        permission_set.permission_set_arn = f"arn:{PARTITION}:sso:::permissionSet/{instance_id}/{set_id}"
        answer = permission_set.to_json(include_creation_date=True)
        return {"PermissionSet": {key: value for key, value in answer.items() if value is not None}}

    def update_permission_set(self, call: Call) -> dict[str, Any]:
        params = call.params
        permission_set = self._permission_set(call, params["InstanceArn"], params["PermissionSetArn"])
        self._check_session(params.get("SessionDuration"))
        # What the request leaves out stays as it is (moto would set it to nothing).
        for key, attribute in (("Description", "description"), ("SessionDuration", "session_duration"), ("RelayState", "relay_state")):
            if key in params:
                setattr(permission_set, attribute, params[key])
        return {}

    def delete_permission_set(self, call: Call) -> dict[str, Any]:
        params = call.params
        permission_set = self._permission_set(call, params["InstanceArn"], params["PermissionSetArn"])
        arn = permission_set.permission_set_arn
        assigned = sorted({a.target_id for a in _backend(call).account_assignments if a.permission_set_arn == arn})
        provisioned = sorted(account for set_arn, account in self.state.provisioned if set_arn == arn)
        if assigned or provisioned:
            raise ApiError(
                "ConflictException",
                f"Could not delete PermissionSet {arn.rsplit('/', 1)[-1]}: it is assigned to accounts"
                f" {', '.join(assigned or provisioned)}; delete its account assignments first",
            )
        _backend(call).permission_sets.remove(permission_set)
        self.state.boundaries.pop(arn, None)
        return {}

    def attach_managed_policy_to_permission_set(self, call: Call) -> dict[str, Any]:
        """As moto does, but for AWS managed policies under a path (job-function/...), which moto's
        lookup misses; the quota counts customer managed policies too ("Number of AWS managed and
        customer managed policies per permission set: 20", "AWS IAM Identity Center quotas")."""
        params = call.params
        permission_set = self._permission_set(call, params["InstanceArn"], params["PermissionSetArn"])
        arn = params["ManagedPolicyArn"]
        if not managed_policies.exists(arn):
            raise ApiError("ResourceNotFoundException", f"Policy does not exist with ARN: {arn}")
        if any(policy.arn == arn for policy in permission_set.managed_policies):
            raise ApiError("ConflictException", f"Permission set already has the managed policy {arn} attached")
        attached = len(permission_set.managed_policies) + len(permission_set.customer_managed_policies)
        if attached >= MANAGED_POLICIES_PER_PERMISSION_SET:
            raise ApiError(
                "ServiceQuotaExceededException",
                f"You have exceeded AWS SSO limits. Cannot create ManagedPolicy more than {MANAGED_POLICIES_PER_PERMISSION_SET}"
                f" for id {permission_set.permission_set_arn.rsplit('/', 1)[1]}",
            )
        permission_set.managed_policies.append(ManagedPolicy(arn, arn.rsplit("/", 1)[1]))
        permission_set.total_managed_policies_attached += 1
        return {}

    def put_permissions_boundary_to_permission_set(self, call: Call) -> dict[str, Any]:
        params = call.params
        permission_set = self._permission_set(call, params["InstanceArn"], params["PermissionSetArn"])
        boundary = params["PermissionsBoundary"]
        if ("ManagedPolicyArn" in boundary) == ("CustomerManagedPolicyReference" in boundary):
            raise ApiError("ValidationException", "PermissionsBoundary takes either a ManagedPolicyArn or a CustomerManagedPolicyReference")
        arn = boundary.get("ManagedPolicyArn")
        if arn is not None and not managed_policies.exists(arn):
            raise ApiError("ResourceNotFoundException", f"Policy does not exist with ARN: {arn}")
        self.state.boundaries[permission_set.permission_set_arn] = boundary
        return {}

    def get_permissions_boundary_for_permission_set(self, call: Call) -> dict[str, Any]:
        params = call.params
        permission_set = self._permission_set(call, params["InstanceArn"], params["PermissionSetArn"])
        boundary = self.state.boundaries.get(permission_set.permission_set_arn)
        if boundary is None:
            raise ApiError("ResourceNotFoundException", "The permission set has no permissions boundary")
        return {"PermissionsBoundary": boundary}

    def delete_permissions_boundary_from_permission_set(self, call: Call) -> dict[str, Any]:
        params = call.params
        permission_set = self._permission_set(call, params["InstanceArn"], params["PermissionSetArn"])
        if self.state.boundaries.pop(permission_set.permission_set_arn, None) is None:
            raise ApiError("ResourceNotFoundException", "The permission set has no permissions boundary")
        return {}

    def tag_resource(self, call: Call) -> dict[str, Any]:
        params = call.params
        permission_set = self._permission_set(call, params["InstanceArn"], params["ResourceArn"])
        tags = {tag["Key"]: tag["Value"] for tag in permission_set.tags or []}
        tags.update({tag["Key"]: tag["Value"] for tag in params["Tags"]})
        permission_set.tags = [{"Key": key, "Value": value} for key, value in tags.items()]
        return {}

    def untag_resource(self, call: Call) -> dict[str, Any]:
        params = call.params
        permission_set = self._permission_set(call, params["InstanceArn"], params["ResourceArn"])
        permission_set.tags = [tag for tag in permission_set.tags or [] if tag["Key"] not in params["TagKeys"]]
        return {}

    def list_tags_for_resource(self, call: Call) -> dict[str, Any]:
        params = call.params
        return {"Tags": list(self._permission_set(call, params["InstanceArn"], params["ResourceArn"]).tags or [])}

    # Account assignments

    def create_account_assignment(self, call: Call) -> dict[str, Any]:
        params = call.params
        instance = self._instance(call, params["InstanceArn"])
        permission_set = self._permission_set(call, instance.arn, params["PermissionSetArn"])
        self._check_principal(instance, params["PrincipalType"], params["PrincipalId"])
        backend, target = _backend(call), params["TargetId"]
        failure = None
        if self._assignment(backend, params) is None:
            failure = self._reachable(call, target)
            if failure is None and (permission_set.permission_set_arn, target) not in self.state.provisioned:
                failure = self._provision(instance, permission_set, target)
            if failure is None:
                backend.create_account_assignment(
                    instance_arn=instance.arn,
                    target_id=target,
                    target_type=params["TargetType"],
                    permission_set_arn=permission_set.permission_set_arn,
                    principal_type=params["PrincipalType"],
                    principal_id=params["PrincipalId"],
                )
        return {"AccountAssignmentCreationStatus": self._request("creation", params, failure)}

    def delete_account_assignment(self, call: Call) -> dict[str, Any]:
        params = call.params
        instance = self._instance(call, params["InstanceArn"])
        backend = _backend(call)
        assignment = self._assignment(backend, params)
        if assignment is None:
            raise ApiError("ResourceNotFoundException", "The account assignment does not exist")
        backend.account_assignments.remove(assignment)
        backend.deleted_account_assignments.append(assignment)
        key = (assignment.permission_set_arn, assignment.target_id)
        remaining = any((a.permission_set_arn, a.target_id) == key for a in backend.account_assignments)
        if not remaining and key in self.state.provisioned:
            self._deprovision(instance, *key)
        return {"AccountAssignmentDeletionStatus": self._request("deletion", params, None)}

    def describe_account_assignment_creation_status(self, call: Call) -> dict[str, Any]:
        return {"AccountAssignmentCreationStatus": self._status("creation", call.params["AccountAssignmentCreationRequestId"])}

    def describe_account_assignment_deletion_status(self, call: Call) -> dict[str, Any]:
        return {"AccountAssignmentDeletionStatus": self._status("deletion", call.params["AccountAssignmentDeletionRequestId"])}

    @staticmethod
    def _assignment(backend: SSOAdminBackend, params: dict[str, Any]) -> Any:
        wanted = tuple(params[k] for k in ("InstanceArn", "TargetId", "TargetType", "PermissionSetArn", "PrincipalType", "PrincipalId"))
        for assignment in backend.account_assignments:
            found = (
                assignment.instance_arn,
                assignment.target_id,
                assignment.target_type,
                assignment.permission_set_arn,
                assignment.principal_type,
                assignment.principal_id,
            )
            if found == wanted:
                return assignment
        return None

    def _check_principal(self, instance: Instance, principal_type: str, principal_id: str) -> None:
        """The user or group must be in the instance's identity store."""
        store = AwsAccount(instance.owner, instance.region).client("identitystore")
        try:
            if principal_type == "GROUP":
                store.describe_group(IdentityStoreId=instance.identity_store_id, GroupId=principal_id)
            else:
                store.describe_user(IdentityStoreId=instance.identity_store_id, UserId=principal_id)
        except ClientError as error:
            if error.response["Error"]["Code"] != "ResourceNotFoundException":
                raise
            raise ApiError(
                "ResourceNotFoundException",
                f"{principal_type} {principal_id} does not exist in identity store {instance.identity_store_id}",
            ) from None

    @staticmethod
    def _reachable(call: Call, account_id: str) -> str | None:
        """Why IAM Identity Center cannot provision into the account, or None: only the active
        accounts of the organization can be."""
        organizations = AwsAccount(Organization(call.aws).management_account_id, HOME_REGION).client("organizations")
        try:
            # One account, not ListAccounts: a deploy makes an assignment per account and group.
            account = organizations.describe_account(AccountId=account_id)["Account"]
        except ClientError as error:
            if error.response["Error"]["Code"] != "AccountNotFoundException":
                raise
            account = {}
        if (account.get("State") or account.get("Status")) == "ACTIVE":
            return None
        return (
            f"AWS SSO is unable to complete your request at this time. Obtaining permissions to manage your AWS account"
            f" '{account_id}' takes longer than usual. Please try again in a few minutes. If this problem continues, contact"
            " AWS Support. (The emulator: the account is not an active account of the organization.)"
        )

    # Provisioning

    def provision_permission_set(self, call: Call) -> dict[str, Any]:
        params = call.params
        instance = self._instance(call, params["InstanceArn"])
        permission_set = self._permission_set(call, instance.arn, params["PermissionSetArn"])
        arn = permission_set.permission_set_arn
        if params["TargetType"] == "AWS_ACCOUNT":
            if "TargetId" not in params:
                raise ApiError("ValidationException", "TargetId is required when TargetType is AWS_ACCOUNT")
            accounts = [params["TargetId"]]
        else:
            accounts = sorted(account for set_arn, account in self.state.provisioned if set_arn == arn)
        failure = None
        for account in accounts:
            failure = self._reachable(call, account) or self._provision(instance, permission_set, account)
            if failure is not None:
                break
        status = self._request("provisioning", {"PermissionSetArn": arn}, failure)
        if params["TargetType"] == "AWS_ACCOUNT":
            status["AccountId"] = params["TargetId"]
        return {"PermissionSetProvisioningStatus": status}

    def describe_permission_set_provisioning_status(self, call: Call) -> dict[str, Any]:
        return {"PermissionSetProvisioningStatus": self._status("provisioning", call.params["ProvisionPermissionSetRequestId"])}

    def list_accounts_for_provisioned_permission_set(self, call: Call) -> dict[str, Any]:
        params = call.params
        arn = self._permission_set(call, params["InstanceArn"], params["PermissionSetArn"]).permission_set_arn
        accounts = sorted(account for set_arn, account in self.state.provisioned if set_arn == arn)
        return _page(accounts, params, "AccountIds")

    def list_permission_sets_provisioned_to_account(self, call: Call) -> dict[str, Any]:
        params = call.params
        self._instance(call, params["InstanceArn"])
        arns = sorted(set_arn for set_arn, account in self.state.provisioned if account == params["AccountId"])
        return _page(arns, params, "PermissionSets")

    def _request(self, kind: str, params: dict[str, Any], failure: str | None) -> dict[str, Any]:
        request_id = str(uuid.uuid4())
        status: dict[str, Any] = {
            "Status": "FAILED" if failure else "SUCCEEDED",
            "RequestId": request_id,
            "CreatedDate": datetime.now(UTC),
            **{key: params[key] for key in ("TargetId", "TargetType", "PermissionSetArn", "PrincipalType", "PrincipalId") if key in params},
        }
        if failure:
            status["FailureReason"] = failure
        self.state.requests[(kind, request_id)] = status
        return dict(status)

    def _status(self, kind: str, request_id: str) -> dict[str, Any]:
        if (kind, request_id) not in self.state.requests:
            raise ApiError("ResourceNotFoundException", f"No {kind} request {request_id}")
        return dict(self.state.requests[(kind, request_id)])

    def _provision(self, instance: Instance, permission_set: PermissionSet, account_id: str) -> str | None:
        """Create or update the permission set's role in the account; why it failed, or None. Every
        check is made before the role is touched: a failed provisioning changes nothing."""
        iam = AwsAccount(account_id, HOME_REGION).client("iam")
        arn = permission_set.permission_set_arn
        managed = [policy.arn for policy in permission_set.managed_policies]
        customer = [_policy_arn(account_id, {"Name": p.name, "Path": p.path}) for p in permission_set.customer_managed_policies]
        boundary = self.state.boundaries.get(arn)
        boundary_arn = None
        if boundary is not None:
            reference = boundary.get("CustomerManagedPolicyReference")
            boundary_arn = _policy_arn(account_id, reference) if reference else boundary["ManagedPolicyArn"]
        if len(managed) + len(customer) > MANAGED_POLICIES_PER_ROLE_DEFAULT:
            # IAM's quota on the role ("AWS IAM Identity Center quotas", footnote: request an increase of
            # "Managed policies attached to an IAM role" in each account), in IAM's words (LimitExceeded).
            return _failure(409, f"Cannot exceed quota for PoliciesPerRole: {MANAGED_POLICIES_PER_ROLE_DEFAULT} (account {account_id})")
        for policy_arn in [*customer, *([boundary_arn] if boundary is not None and "CustomerManagedPolicyReference" in boundary else [])]:
            try:
                iam.get_policy(PolicyArn=policy_arn)
            except ClientError as error:
                if error.response["Error"]["Code"] != "NoSuchEntity":
                    raise
                return _failure(
                    404,
                    f"Policy {policy_arn} does not exist in account {account_id}: a customer managed policy a permission set"
                    " names must exist, with that name and path, in every account it is provisioned to",
                )
        inline = permission_set.inline_policy or ""
        if inline:
            try:
                json.loads(inline)
            except ValueError as error:
                return _failure(400, f"MalformedPolicyDocument: the inline policy is not JSON ({error})")
            if (size := len(re.sub(r"\s", "", inline))) > INLINE_POLICY_NON_WHITESPACE_MAX:
                return _failure(409, f"Maximum policy size of {INLINE_POLICY_NON_WHITESPACE_MAX} bytes exceeded ({size}, whitespace aside)")
        for policy_arn in [*managed, *([boundary_arn] if boundary_arn else [])]:
            managed_policies.ensure_loaded(account_id, policy_arn)
        try:
            self._write_role(iam, instance, permission_set, account_id, managed + customer, inline, boundary_arn)
        except ClientError as error:
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 400)
            return _failure(status, f"{error.response['Error']['Code']}: {error.response['Error']['Message']}")
        return None

    def _write_role(
        self,
        iam: Any,
        instance: Instance,
        permission_set: PermissionSet,
        account_id: str,
        policies: list[str],
        inline: str,
        boundary_arn: str | None,
    ) -> None:
        key = (permission_set.permission_set_arn, account_id)
        provisioned = self.state.provisioned.get(key)
        if provisioned is None:
            provider = f"AWSSSO_{_digest(instance.arn)[:16]}_DO_NOT_DELETE"
            provider_arn = f"arn:{PARTITION}:iam::{account_id}:saml-provider/{provider}"
            if not any(p["Arn"] == provider_arn for p in iam.list_saml_providers()["SAMLProviderList"]):
                iam.create_saml_provider(Name=provider, SAMLMetadataDocument=_SAML_METADATA)
            made = self.state.roles_made.get(key, 0)
            self.state.roles_made[key] = made + 1
            suffix = _digest(f"{instance.arn}/{permission_set.permission_set_arn}/{account_id}/{made}")[:16]
            provisioned = _Provisioned(role_name(permission_set.name, suffix), role_path(instance.region))
            trust = {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Federated": provider_arn},
                        "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"],
                        "Condition": {"StringEquals": {"SAML:aud": SAML_AUDIENCE}},
                    }
                ],
            }
            iam.create_role(
                RoleName=provisioned.role_name,
                Path=provisioned.path,
                AssumeRolePolicyDocument=json.dumps(trust),
                MaxSessionDuration=ROLE_MAX_SESSION_SECONDS,
            )
            self.state.provisioned[key] = provisioned
        name = provisioned.role_name
        for policy_arn in [p for p in provisioned.policies if p not in policies]:
            iam.detach_role_policy(RoleName=name, PolicyArn=policy_arn)
        for policy_arn in [p for p in policies if p not in provisioned.policies]:
            iam.attach_role_policy(RoleName=name, PolicyArn=policy_arn)
        provisioned.policies = tuple(policies)
        if inline and inline != provisioned.inline:
            iam.put_role_policy(RoleName=name, PolicyName=INLINE_POLICY_NAME, PolicyDocument=inline)
        elif not inline and provisioned.inline:
            iam.delete_role_policy(RoleName=name, PolicyName=INLINE_POLICY_NAME)
        provisioned.inline = inline
        if boundary_arn is not None and boundary_arn != provisioned.boundary:
            iam.put_role_permissions_boundary(RoleName=name, PermissionsBoundary=boundary_arn)
        elif boundary_arn is None and provisioned.boundary is not None:
            iam.delete_role_permissions_boundary(RoleName=name)
        provisioned.boundary = boundary_arn

    def _deprovision(self, instance: Instance, permission_set_arn: str, account_id: str) -> None:
        """The role goes with the last assignment of its permission set in the account."""
        provisioned = self.state.provisioned.pop((permission_set_arn, account_id))
        iam = AwsAccount(account_id, HOME_REGION).client("iam")
        name = provisioned.role_name
        for policy in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]:
            iam.detach_role_policy(RoleName=name, PolicyArn=policy["PolicyArn"])
        for policy_name in iam.list_role_policies(RoleName=name)["PolicyNames"]:
            iam.delete_role_policy(RoleName=name, PolicyName=policy_name)
        iam.delete_role(RoleName=name)


def _policy_arn(account_id: str, reference: dict[str, Any]) -> str:
    """A customer managed policy reference, as the policy of that name and path in the account."""
    return f"arn:{PARTITION}:iam::{account_id}:policy{reference.get('Path') or '/'}{reference['Name']}"


def _page(items: list[str], params: dict[str, Any], key: str) -> dict[str, Any]:
    """One page of a list, as the API pages it (MaxResults, NextToken)."""
    start = int(params.get("NextToken") or 0)
    size = int(params.get("MaxResults") or 100)
    answer: dict[str, Any] = {key: items[start : start + size]}
    if start + size < len(items):
        answer["NextToken"] = str(start + size)
    return answer
