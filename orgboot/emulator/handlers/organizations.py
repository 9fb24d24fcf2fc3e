"""AWS::Organizations::* as CloudFormation's resource providers behave, against moto. The reads
(resource import) follow the providers' ReadHandlers (aws-cloudformation-resource-providers-organizations,
aws-organizations-*/src/main/java/software/amazon/organizations/*/ReadHandler.java)."""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from botocore.exceptions import ClientError

from orgboot.aws.quotas import ACCOUNTS_QUOTA_CODE
from orgboot.emulator.errors import EmulationError
from orgboot.emulator.handlers.base import Context, Handler, Result, not_found
from orgboot.state.pages import all_items

# What the failed CreateAccount request's ID would be: AWS gives one (car-...), moto none for a request it never saw.
_REQUEST_ID = "car-emulated"


def _client(ctx: Context) -> Any:
    return ctx.aws.client("organizations")


def _tags(props: dict[str, Any]) -> list[dict[str, str]]:
    return [{"Key": t["Key"], "Value": t["Value"]} for t in props.get("Tags", [])]


def _live_tags(client: Any, resource_id: str) -> list[dict[str, str]]:
    return [{"Key": t["Key"], "Value": t["Value"]} for t in all_items(client, "list_tags_for_resource", "Tags", ResourceId=resource_id)]


@contextmanager
def _reading(ctx: Context, identifier: str, missing: str) -> Iterator[None]:
    """The read handlers answer NotFound when Organizations says the resource does not exist."""
    try:
        yield
    except ClientError as error:
        if error.response["Error"]["Code"] == missing:
            raise not_found(ctx.resource_type, identifier) from None
        raise


def _retag(client: Any, resource_id: str, old: dict[str, Any], new: dict[str, Any]) -> None:
    old_tags, new_tags = {t["Key"]: t["Value"] for t in _tags(old)}, {t["Key"]: t["Value"] for t in _tags(new)}
    if removed := [key for key in old_tags if key not in new_tags]:
        client.untag_resource(ResourceId=resource_id, TagKeys=removed)
    if changed := [{"Key": k, "Value": v} for k, v in new_tags.items() if old_tags.get(k) != v]:
        client.tag_resource(ResourceId=resource_id, Tags=changed)


class Organization(Handler):
    def create(self, ctx: Context, props: dict[str, Any]) -> Result:
        # In an account that belongs to an organization already, CreateOrganization fails with
        # AlreadyInOrganizationException (Organizations API Reference, CreateOrganization), as moto's
        # does: a retained organization left outside a rolled-back stack makes the next create fail.
        _client(ctx).create_organization(FeatureSet=props.get("FeatureSet", "ALL"))
        ctx.engine.organization_created()
        return self._result(_client(ctx))

    def read(self, ctx: Context, identifier: str) -> dict[str, Any]:
        # The provider's ReadHandler never looks at the Id it is given: it describes the caller's
        # organization. So the organization imported is the caller's, whatever the mapping says.
        with _reading(ctx, identifier, "AWSOrganizationsNotInUseException"):
            organization = _client(ctx).describe_organization()["Organization"]
        return {"FeatureSet": organization["FeatureSet"], **self._result(_client(ctx)).attributes}

    def result(self, ctx: Context, physical_id: str) -> Result:
        return self._result(_client(ctx))

    def update(self, ctx: Context, physical_id: str, old: dict[str, Any], new: dict[str, Any]) -> Result:
        # "By default or if you set the FeatureSet property to ALL, the new organization is created
        # with all features enabled" (AWS::Organizations::Organization): writing it out is no change.
        if old.get("FeatureSet", "ALL") != new.get("FeatureSet", "ALL"):
            raise EmulationError("FeatureSet cannot be changed by CloudFormation")
        return self._result(_client(ctx))

    def delete(self, ctx: Context, physical_id: str, props: dict[str, Any]) -> None:
        _client(ctx).delete_organization()

    @staticmethod
    def _result(client: Any) -> Result:
        organization = client.describe_organization()["Organization"]
        return Result(
            physical_id=organization["Id"],
            attributes={
                "Id": organization["Id"],
                "Arn": organization["Arn"],
                "ManagementAccountArn": organization["MasterAccountArn"],
                "ManagementAccountEmail": organization["MasterAccountEmail"],
                "ManagementAccountId": organization["MasterAccountId"],
                "RootId": client.list_roots()["Roots"][0]["Id"],
            },
        )


class OrganizationalUnit(Handler):
    def create(self, ctx: Context, props: dict[str, Any]) -> Result:
        client = _client(ctx)
        parent_id, name = props["ParentId"], props["Name"]
        siblings = all_items(client, "list_organizational_units_for_parent", "OrganizationalUnits", ParentId=parent_id)
        if any(ou["Name"] == name for ou in siblings):  # moto does not enforce this; AWS does
            raise EmulationError(f"an OU named '{name}' already exists under {parent_id} (DuplicateOrganizationalUnitException)")
        return _ou_result(client.create_organizational_unit(ParentId=parent_id, Name=name, Tags=_tags(props))["OrganizationalUnit"])

    def update(self, ctx: Context, physical_id: str, old: dict[str, Any], new: dict[str, Any]) -> Result:
        """Name changes in place: the provider's UpdateHandler calls UpdateOrganizationalUnit
        (aws-cloudformation-resource-providers-organizations, organizationalunit/src/main/java/
        software/amazon/organizations/organizationalunit/UpdateHandler.java; the schema lists
        organizations:UpdateOrganizationalUnit among its update permissions). A new ParentId never
        reaches here: it is create-only, and the engine replaces the OU (schemas.changed_create_only)."""
        client = _client(ctx)
        if old["Name"] != new["Name"]:
            siblings = all_items(client, "list_organizational_units_for_parent", "OrganizationalUnits", ParentId=new["ParentId"])
            if any(ou["Name"] == new["Name"] and ou["Id"] != physical_id for ou in siblings):  # moto renames anyway; AWS refuses
                # UpdateOrganizationalUnit: DuplicateOrganizationalUnitException, "An OU with the same
                # name already exists" (Organizations API Reference).
                raise EmulationError(
                    f"OU {physical_id} cannot be renamed to '{new['Name']}': an OU of that name exists under {new['ParentId']}"
                    " (DuplicateOrganizationalUnitException)"
                )
            client.update_organizational_unit(OrganizationalUnitId=physical_id, Name=new["Name"])
        _retag(client, physical_id, old, new)
        return self.result(ctx, physical_id)

    def read(self, ctx: Context, identifier: str) -> dict[str, Any]:
        client = _client(ctx)
        with _reading(ctx, identifier, "OrganizationalUnitNotFoundException"):
            ou = client.describe_organizational_unit(OrganizationalUnitId=identifier)["OrganizationalUnit"]
        (parent,) = client.list_parents(ChildId=identifier)["Parents"]
        return {"Id": ou["Id"], "Arn": ou["Arn"], "Name": ou["Name"], "ParentId": parent["Id"], "Tags": _live_tags(client, identifier)}

    def result(self, ctx: Context, physical_id: str) -> Result:
        return _ou_result(_client(ctx).describe_organizational_unit(OrganizationalUnitId=physical_id)["OrganizationalUnit"])

    def delete(self, ctx: Context, physical_id: str, props: dict[str, Any]) -> None:
        client = _client(ctx)
        children = all_items(client, "list_accounts_for_parent", "Accounts", ParentId=physical_id)
        children += all_items(client, "list_organizational_units_for_parent", "OrganizationalUnits", ParentId=physical_id)
        if children:  # moto would delete it anyway; AWS refuses
            raise EmulationError(f"OU {physical_id} is not empty (OrganizationalUnitNotEmptyException)")
        client.delete_organizational_unit(OrganizationalUnitId=physical_id)


def _ou_result(ou: dict[str, Any]) -> Result:
    """What an OU gives Ref and Fn::GetAtt, from its OrganizationalUnit (as created or described)."""
    return Result(ou["Id"], {"Id": ou["Id"], "Arn": ou["Arn"]})


class Account(Handler):
    # AWS::Organizations::Account cannot change these after creation: only the root user can.
    FIXED = ("AccountName", "Email", "RoleName")

    def create(self, ctx: Context, props: dict[str, Any]) -> Result:
        client = _client(ctx)
        emails = ctx.engine.account_emails  # moto does not enforce unique emails; AWS does
        if emails is None:
            emails = ctx.engine.account_emails = {a["Email"].lower(): a["Id"] for a in all_items(client, "list_accounts", "Accounts")}
        if props["Email"].lower() in emails:
            # The provider's CreateHandler looks for the email among the organization's accounts
            # first (checkIfAccountExists): an account retained outside a rolled-back stack is found.
            raise EmulationError(f"Account with email [{props['Email']}] already exists (account {emails[props['Email'].lower()]}).")
        if ctx.engine.organization_finalizing():
            # CreateAccount lists FinalizingOrganizationException (Organizations API Reference), which
            # the provider's CreateHandler does not retry: it fails the resource (InvalidRequest).
            raise EmulationError(
                "FinalizingOrganizationException: Organizations couldn't perform the operation because your organization hasn't"
                " finished initializing. This can take up to an hour. Try again later. (The Account resource does not retry it:"
                " deploy again with --no-rollback once the organization is ready, and the deploy resumes.)"
            )
        if ctx.engine.account_quota is not None and len(emails) >= ctx.engine.account_quota:
            # CreateAccount is asynchronous: beyond the organization's account quota its status
            # ends FAILED with ACCOUNT_LIMIT_EXCEEDED (Organizations API Reference, CreateAccountStatus),
            # which the provider reports in these words (CreateHandler, handleAccountCreationError).
            raise EmulationError(
                f"Account creation failed with reason [ACCOUNT_LIMIT_EXCEEDED] for request id: {_REQUEST_ID}"
                f" (the organization holds {len(emails)} accounts, its quota; ask for more: Service Quotas {ACCOUNTS_QUOTA_CODE};"
                " an emulated organization with a raised quota: orgboot emulate --account-quota N)"
            )
        request = {"AccountName": props["AccountName"], "Email": props["Email"], "Tags": _tags(props)}
        if "RoleName" in props:
            request["RoleName"] = props["RoleName"]
        status = client.create_account(**request)["CreateAccountStatus"]
        status = client.describe_create_account_status(CreateAccountRequestId=status["Id"])["CreateAccountStatus"]
        if status["State"] != "SUCCEEDED":
            raise EmulationError(f"account creation {status['State']}: {status.get('FailureReason')}")
        account_id = status["AccountId"]
        emails[props["Email"].lower()] = account_id
        self._move(client, account_id, props["ParentIds"])
        return self._result(client, account_id)

    def update(self, ctx: Context, physical_id: str, old: dict[str, Any], new: dict[str, Any]) -> Result:
        changed = [key for key in self.FIXED if old.get(key) != new.get(key)]
        if changed:
            raise EmulationError(
                f"{', '.join(changed)} of account {physical_id} cannot be changed by CloudFormation"
                " (the update fails in AWS; only the account's root user can change them)"
            )
        client = _client(ctx)
        self._move(client, physical_id, new["ParentIds"])
        _retag(client, physical_id, old, new)
        return self._result(client, physical_id)

    def delete(self, ctx: Context, physical_id: str, props: dict[str, Any]) -> None:
        _client(ctx).close_account(AccountId=physical_id)
        ctx.engine.account_emails = None  # AWS frees a closed account's email only after 90 days; re-read

    def read(self, ctx: Context, identifier: str) -> dict[str, Any]:
        client = _client(ctx)
        with _reading(ctx, identifier, "AccountNotFoundException"):
            account = client.describe_account(AccountId=identifier)["Account"]
        # The ReadHandler answers NotFound for an account that is not ACTIVE, so a suspended or
        # closing account can never be imported. It reads the retiring Status; State replaces it.
        state = account.get("State", account.get("Status"))
        if state != "ACTIVE":
            raise EmulationError(
                f"Account [{identifier}] in state [{state}], suspended account will not be managed by CloudFormation, return NotFound."
            )
        (parent,) = client.list_parents(ChildId=identifier)["Parents"]
        # RoleName is write-only: AWS never gives it back.
        live = {
            "AccountName": account["Name"],
            "Email": account["Email"],
            "ParentIds": [parent["Id"]],
            "Tags": _live_tags(client, identifier),
        }
        return live | self._result(client, identifier).attributes

    def result(self, ctx: Context, physical_id: str) -> Result:
        return self._result(_client(ctx), physical_id)

    @staticmethod
    def _move(client: Any, account_id: str, parent_ids: list[str]) -> None:
        if len(parent_ids) != 1:
            raise EmulationError(f"ParentIds must hold exactly one parent, got {parent_ids}")
        current = client.list_parents(ChildId=account_id)["Parents"][0]["Id"]
        if current != parent_ids[0]:
            client.move_account(AccountId=account_id, SourceParentId=current, DestinationParentId=parent_ids[0])

    @staticmethod
    def _result(client: Any, account_id: str) -> Result:
        account = client.describe_account(AccountId=account_id)["Account"]
        return Result(
            account_id,
            {
                "AccountId": account_id,
                "Arn": account["Arn"],
                "JoinedMethod": account["JoinedMethod"],
                "JoinedTimestamp": str(account["JoinedTimestamp"]),
                "Status": account["Status"],
            },
        )


class Policy(Handler):
    def create(self, ctx: Context, props: dict[str, Any]) -> Result:
        client = _client(ctx)
        try:
            policy = client.create_policy(
                Name=props["Name"],
                Type=props["Type"],
                Content=_content(props["Content"]),
                Description=props.get("Description", ""),
                Tags=_tags(props),
            )["Policy"]["PolicySummary"]
        except NotImplementedError as error:
            raise EmulationError(f"moto cannot create {props['Type']} policies ({error}); AWS can") from None
        for target in props.get("TargetIds", []):
            _attach(ctx, policy["Id"], props["Type"], target)
        return _policy_result(policy)

    def update(self, ctx: Context, physical_id: str, old: dict[str, Any], new: dict[str, Any]) -> Result:
        client = _client(ctx)
        client.update_policy(
            PolicyId=physical_id, Name=new["Name"], Description=new.get("Description", ""), Content=_content(new["Content"])
        )
        old_targets, new_targets = set(old.get("TargetIds", [])), set(new.get("TargetIds", []))
        for target in sorted(new_targets - old_targets):
            _attach(ctx, physical_id, new["Type"], target)
        for target in sorted(old_targets - new_targets):
            _detach(client, physical_id, new["Type"], target)
        _retag(client, physical_id, old, new)
        return self.result(ctx, physical_id)

    def delete(self, ctx: Context, physical_id: str, props: dict[str, Any]) -> None:
        client = _client(ctx)
        for target in props.get("TargetIds", []):
            _detach(client, physical_id, props["Type"], target)
        client.delete_policy(PolicyId=physical_id)

    def read(self, ctx: Context, identifier: str) -> dict[str, Any]:
        client = _client(ctx)
        with _reading(ctx, identifier, "PolicyNotFoundException"):
            policy = client.describe_policy(PolicyId=identifier)["Policy"]
        summary = policy["PolicySummary"]
        if summary["AwsManaged"]:
            # The provider would read it, but no stack can hold it: Organizations refuses to update
            # or delete an AWS managed policy, so the stack's updates and deletes would fail.
            raise EmulationError(
                f"policy {identifier} ({summary['Name']}) is AWS managed: AWS owns it, so no stack can update or delete it;"
                " orgboot leaves it alone (unmanaged.policies)"
            )
        targets = all_items(client, "list_targets_for_policy", "Targets", PolicyId=identifier)
        return {
            "Name": summary["Name"],
            "Type": summary["Type"],
            "Content": json.loads(policy["Content"]),  # the ReadHandler gives Content as an object
            "Description": summary.get("Description", ""),
            "TargetIds": [target["TargetId"] for target in targets],
            "Tags": _live_tags(client, identifier),
        } | _policy_result(summary).attributes

    def result(self, ctx: Context, physical_id: str) -> Result:
        return _policy_result(_client(ctx).describe_policy(PolicyId=physical_id)["Policy"]["PolicySummary"])


def _policy_result(summary: dict[str, Any]) -> Result:
    """What a policy gives Ref and Fn::GetAtt, from its PolicySummary (as created or described)."""
    return Result(summary["Id"], {"Id": summary["Id"], "Arn": summary["Arn"], "AwsManaged": summary["AwsManaged"]})


def _attach(ctx: Context, policy_id: str, policy_type: str, target: str) -> None:
    """AttachPolicy, which AWS refuses unless the type is ENABLED on the root
    (PolicyTypeNotEnabledException, AttachPolicy; PolicyTypeSummary): moto attaches regardless, and
    enables at once where AWS takes a while (policy_types.py)."""
    client = _client(ctx)
    (root,) = client.list_roots()["Roots"]
    if not any(summary == {"Type": policy_type, "Status": "ENABLED"} for summary in root.get("PolicyTypes", [])):
        raise EmulationError(f"PolicyTypeNotEnabledException: {policy_type} is not enabled on root {root['Id']}")
    if problem := ctx.engine.policy_type_activations.attach_problem(policy_type, ctx.waits_for):
        raise EmulationError(problem)
    client.attach_policy(PolicyId=policy_id, TargetId=target)


def _detach(client: Any, policy_id: str, policy_type: str, target: str) -> None:
    """DetachPolicy, which AWS refuses when it would leave the target without any SCP (Organizations
    API Reference, DetachPolicy: ConstraintViolationException, MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED):
    where FullAWSAccess was detached, the allow-list SCP is the last one. moto detaches regardless."""
    if policy_type == "SERVICE_CONTROL_POLICY":
        attached = all_items(client, "list_policies_for_target", "Policies", TargetId=target, Filter=policy_type)
        if [p["Id"] for p in attached] == [policy_id]:
            raise EmulationError(
                f"ConstraintViolationException (MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED): detaching {policy_id} would leave"
                f" {target} without any service control policy"
            )
    client.detach_policy(PolicyId=policy_id, TargetId=target)


def _content(content: Any) -> str:
    return content if isinstance(content, str) else json.dumps(content, separators=(",", ":"))


HANDLERS: dict[str, Handler] = {
    "AWS::Organizations::Organization": Organization(),
    "AWS::Organizations::OrganizationalUnit": OrganizationalUnit(),
    "AWS::Organizations::Account": Account(),
    "AWS::Organizations::Policy": Policy(),
}
